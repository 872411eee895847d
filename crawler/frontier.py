"""The run's frontier, one component: what the run fetches (`admit`), what it has done
(`done`), and what a killed run left to do (`resume`).

`FrontierExtension` owns it: it takes the site's locks, picks the run's crawl id (a new one,
or the one a killed run left `running`) and makes the `Frontier`. The spider, the store
pipeline, the capture extension and the shared (Redis) scheduler reach it through
`frontier_of(crawler)`; the scheduler acknowledges done URLs through `on_done`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from scrapy.exceptions import NotConfigured

from archive.store import ArticleStore
from archive.store.frontier import CrawlState
from archive.store.shared import store_for
from crawler.extract.dates import CHINA, date_from_url
from crawler.incremental import older_than, young_enough
from crawler.lock import lock_crawl

# The kind of a later page of an article: fetched with its first page, never on its own.
PAGE_OF = "page-of"
# The kind of a fetch of a stored article: a check of what became of it (crawler/lifecycle/).
RECHECK = "recheck"


def new_crawl_id(site: str) -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{site}-{uuid.uuid4().hex[:6]}"


class Frontier:
    """A run's frontier over the store's `frontier` and `fetch_state` tables, with the rules
    of an incremental crawl: known articles are refetched only while young, and conditionally;
    pages gone last time wait out the refetch window."""

    def __init__(
        self,
        store: ArticleStore,
        crawl_id: str,
        site: str,
        *,
        now: datetime,
        refetch_window: int,
        since: str | None = None,
        stats=None,
    ):
        self.store = store
        self.crawl_id = crawl_id
        self.site = site
        self.now = now
        self.refetch_window = refetch_window
        self.since = since
        self.stats = stats
        self._rows = CrawlState(store, crawl_id)
        self._acknowledge: Callable[[str], None] | None = None

    # -- schedule ---------------------------------------------------------------------------

    def admit(self, url: str, kind: str, depth: int) -> dict[str, str] | None:
        """Record `url` as scheduled and return the headers to fetch it with (conditional ones
        when it was fetched before); None when this run has it already or it needs no fetch."""
        headers = self._headers(url, kind)
        if headers is None:
            return None
        if headers and self._rows.fetched_by_this_run(url):
            # Fetched in this very run, from a request another worker of a shared crawl queued
            # (this worker's frontier never had it): a conditional request would pass the
            # shared seen-set and fetch it twice.
            return None
        if not self._rows.add(url, kind, depth):
            return None
        return headers

    def add_page_of(self, url: str) -> None:
        """A later page of an article, fetched with its first page (resume skips it)."""
        self._rows.add(url, PAGE_OF, 0)

    def _headers(self, url: str, kind: str) -> dict[str, str] | None:
        if kind == RECHECK:
            # Due by the recheck schedule (crawler/lifecycle/plan.py), however old the article.
            return self.article_conditions(url)
        if kind == "requisite":
            # Fetched before: asked for again only if it changed (an unchanged one is a revisit).
            return self.conditions(url)
        if kind not in ("article", "page"):
            return {}
        if older_than(date_from_url(url), self.since):
            return None
        gone = self._rows.gone(url)
        if gone and young_enough(None, gone, max(self.refetch_window, 1), self.now):
            # A dead link was reported last time; it is tried again once the window has passed.
            self._count("newsarchive/known_gone")
            return None
        known = self._rows.known_article(url)
        if known is None:
            # A page fetched before and not stored as an article (a list, a page judged not
            # an article): asked for again, but only if it changed.
            return self.conditions(url)
        published, first_seen, etag, last_modified = known
        if not young_enough(published, first_seen, self.refetch_window, self.now):
            self._count("newsarchive/known_not_refetched")
            return None
        return self.article_conditions(url)

    def conditions(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from a URL's last good fetch (none if it had none)."""
        validators = self._rows.validators(url)
        return _conditional(*validators) if validators is not None else {}

    def article_conditions(self, url: str) -> dict[str, str]:
        """The validators of a stored article's last fetch (none for a URL never stored). None
        either when its last check found it gone or unavailable: a 304 would then say "still
        the notice page", not "still the article"."""
        if not self._rows.known_article(url) or self._rows.last_verdict(url) not in (None, "live"):
            return {}
        # Only from a fetch that was dealt with: a run killed between a fetch and its check
        # left validators of an answer nobody read (the notice page, perhaps).
        return self.conditions(url)

    # -- done -------------------------------------------------------------------------------

    def done(self, url: str) -> None:
        """Mark a URL done; a shared frontier hears of it once that is committed."""
        self._rows.mark_done(url)
        if self._acknowledge is not None:
            acknowledge = self._acknowledge
            self.store.after_commit(lambda: acknowledge(url))

    def on_done(self, acknowledge: Callable[[str], None]) -> None:
        """Call acknowledge(url) once each done URL's rows are committed (a shared frontier
        keeps a request until its worker acknowledges it)."""
        self._acknowledge = acknowledge

    def record_fetch(
        self, url: str, status: int, etag: str | None, last_modified: str | None, at: str
    ) -> None:
        self._rows.record_fetch(url, status, etag, last_modified, at)

    # -- resume -----------------------------------------------------------------------------

    def resume(self) -> list[tuple[str, str, int]]:
        """(url, kind, depth) a killed run of this crawl id scheduled and did not finish, in the
        order they were scheduled; later pages of articles come again with their first page."""
        pending = self._rows.pending()
        if pending and self.stats is not None:
            self.stats.set_value("newsarchive/resumed_pending", len(pending))
        return [(url, kind, depth) for url, kind, depth in pending if kind != PAGE_OF]

    def young_articles(self) -> list[str]:
        """Stored articles still within the refetch window: refetched even when no list links
        to them any more, since edits and deletions often come after an article has dropped off
        the front pages."""
        if self.refetch_window <= 0:
            return []
        first_day = (self.now.astimezone(CHINA) - timedelta(days=self.refetch_window - 1)).date().isoformat()
        return self._rows.young_articles(self.site, first_day)

    def due_rechecks(self, offsets, budget: int) -> list[str]:
        """The site's stored articles due for a check, most overdue first, within the budget."""
        from crawler.lifecycle.plan import due_rechecks

        urls, waiting = due_rechecks(self.store.recheck_candidates(self.site), self.now, offsets, budget)
        if self.stats is not None:
            self.stats.set_value("newsarchive/rechecks_due", len(urls) + waiting)
            self.stats.set_value("newsarchive/rechecks_waiting", waiting)
        return urls

    def is_stored_article(self, url: str) -> bool:
        return self.store.has_article(url)

    def stored_body(self, url: str) -> str | None:
        return self.store.article_body(url)

    # -- what was archived --------------------------------------------------------------------

    def last_response(self, url: str):
        """(WARC file, offset, content type, record id) of the last full response of a URL."""
        return self._rows.last_response(url)

    def article_pages(self, url: str) -> list[str]:
        """The later pages of a stored article, in order; empty for one page."""
        return self._rows.article_pages(url)

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    return {k: v for k, v in headers.items() if v}


class FrontierExtension:
    """Owns the run's frontier: locks the site (one crawl of a site at a time, one writer of
    its WARC folder), picks the crawl id, and makes the `Frontier` before the scheduler opens."""

    def __init__(self, frontier: Frontier):
        self.frontier = frontier

    @classmethod
    def from_crawler(cls, crawler):
        spider = crawler.spider
        site = getattr(spider, "site_folder", None)
        if site is None:  # not a newsarchive spider
            raise NotConfigured
        lock_crawl(crawler.settings, site)
        store = store_for(crawler)
        spider.crawl_id = spider.crawl_id or store.resumable_crawl(site) or new_crawl_id(site)
        frontier = Frontier(
            store,
            spider.crawl_id,
            site,
            now=spider.now,
            refetch_window=spider.refetch_window,
            since=spider.since,
            stats=crawler.stats,
        )
        return cls(frontier)


def frontier_of(crawler) -> Frontier | None:
    """The run's frontier (None for a crawler that has none: not a newsarchive spider)."""
    for extension in crawler.extensions.middlewares:
        if isinstance(extension, FrontierExtension):
            return extension.frontier
    return None
