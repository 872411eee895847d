"""NewsSpider: one spider for every site, driven by its profile.

Callbacks stay short: they call the pure extraction and link functions in `crawler/` and
yield items and follow-up requests. All HTML knowledge lives there, none here. Which links a
run follows is its link policy (`crawler/linkpolicy.py`); every URL it schedules goes through
the run's frontier (`crawler/frontier.py`) first, so a killed run is carried on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError

from archive.payload import read_payload
from archive.store import PageCapture, WarcPointer
from crawler.bodycheck import BrokenBody
from crawler.decode import NotText
from crawler.extract.extractor import PageTooLarge
from crawler.extract.pager import merge_pages
from crawler.frontier import RECHECK, Frontier, frontier_of
from crawler.incremental import older_than
from crawler.lifecycle.checking import Checking
from crawler.linkpolicy import GenericPolicy, ProfilePolicy, policy_for
from crawler.links import PageReading, read_page, robots_sitemaps, same_site, xml_links
from crawler.paths import warc_dir
from crawler.pool import pool_of
from crawler.prepared import extract_page
from crawler.profile import adhoc_profile, as_list, get_profile
from crawler.redirects import next_hop
from crawler.requisites import is_stylesheet, stylesheet_requisites
from crawler.safety import REFUSED
from crawler.validate import check_settings, run_clock
from crawler.workers import WorkerPool
from spiders.items import ArticleItem, FailureItem, UnchangedItem

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Pages waiting at the extraction worker from which the crawl process prepares rows itself.
PREPARE_HERE_AT = 2
# Requisites wait behind every page and article (Scrapy takes higher priorities first): they
# never slow the discovery of articles.
REQUISITE_PRIORITY = -100


class NewsSpider(scrapy.Spider):
    name = "news"
    # Set in from_crawler, from the crawler's settings.
    crawl_id: str  # picked by crawler.frontier.FrontierExtension when not given
    now: datetime
    policy: ProfilePolicy | GenericPolicy
    requisite_mode: str
    requisites_on_lists: bool
    requisite_maxsize: int
    max_pages: int

    def __init__(
        self,
        site: str | None = None,
        start_urls: str | list[str] | None = None,
        allow_domains: str | list[str] | None = None,
        profiles: str = "",
        base_url: str | None = None,
        crawl_id: str | None = None,
        target_script: str | None = None,
        refetch_window: str | None = None,
        since: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        dirs = [d for d in profiles.split(",") if d] if isinstance(profiles, str) else list(profiles)
        if site:
            original = get_profile(site, dirs)
        elif start_urls:
            original = adhoc_profile(as_list(start_urls), as_list(allow_domains))
        else:
            raise ValueError(
                "NewsSpider needs a site profile (-a site=NAME) or start URLs (-a start_urls=URL,...)"
            )
        self.profile = original.rebased(base_url) if base_url else original
        self.original_domains = original.domains
        self.base_url = base_url
        self.site_folder = self.profile.name
        self.allowed_domains = list(self.profile.domains)
        self.crawl_id = crawl_id or ""
        self.target_script = target_script
        self.refetch_window = (
            self.profile.refetch_window_days if refetch_window in (None, "") else int(refetch_window)
        )
        self.since = since or None
        site = site or "adhoc"
        self.options = {
            "site": site,
            "base_url": base_url,
            "profiles": dirs,
            "refetch_window": self.refetch_window,
            "since": self.since,
        }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        # Scrapyd and `scrapy crawl -s` come here without the command line's checks.
        check_settings(crawler.settings)
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.target_script = spider.target_script or crawler.settings.get(
            "NEWSARCHIVE_TARGET_SCRIPT", "hans"
        )
        # The crawl id is picked (new, or a killed run's) by the FrontierExtension, which owns
        # the run's frontier and locks.
        spider.policy = policy_for(spider.profile, spider.base_url, spider.original_domains, spider._count)
        spider.now = run_clock(crawler.settings)
        settings = crawler.settings
        spider.requisite_mode = settings.get("NEWSARCHIVE_REQUISITES") or spider.profile.requisites
        spider.requisites_on_lists = settings.getbool("NEWSARCHIVE_REQUISITES_ON_LISTS", True)
        spider.requisite_maxsize = settings.getint("NEWSARCHIVE_REQUISITE_MAXSIZE", 10 * 1024 * 1024)
        spider.max_pages = settings.getint("NEWSARCHIVE_MAX_ARTICLE_PAGES", 100)
        spider.checking = Checking(spider, settings)
        return spider

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    @property
    def frontier(self) -> Frontier:
        frontier = frontier_of(self.crawler)
        if frontier is None:
            raise RuntimeError("NewsSpider needs crawler.frontier.FrontierExtension in EXTENSIONS")
        return frontier

    @property
    def extract_pool(self) -> WorkerPool | None:
        """The extraction workers (crawler/pool.py), or None: extraction in this process."""
        return pool_of(self.crawler)

    async def start(self):
        frontier = self.frontier
        pending = frontier.resume()
        if pending:
            self.logger.warning("resuming crawl %s: %d URLs left to fetch", self.crawl_id, len(pending))
        for url, kind, depth in pending:
            headers = frontier.article_conditions(url) if kind in ("article", RECHECK) else {}
            yield self._request(url, kind, depth, headers)
        for url in frontier.young_articles():
            if same_site(url, tuple(self.allowed_domains)):
                request = self._schedule(url, "article", 1)
                if request is not None:
                    yield request
        for url in self.checking.due():
            if same_site(url, tuple(self.allowed_domains)):
                request = self._schedule(url, RECHECK, 1)
                if request is not None:
                    yield request
        if self.policy.generic:
            # Feeds and sitemaps named in robots.txt (Scrapy reads robots.txt for its rules only).
            for origin in dict.fromkeys(
                f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.profile.start_urls
            ):
                request = self._schedule(origin + "/robots.txt", "robots", 0)
                if request is not None:
                    yield request
        for kind, urls in (
            (self.policy.start_kind, self.profile.start_urls),
            ("feed", self.profile.feeds + self.profile.sitemaps),
        ):
            for url in urls:
                request = self._schedule(url, kind, 0)
                if request is not None:
                    yield request

    # -- callbacks ---------------------------------------------------------------------

    def parse_list(self, response):
        if response.status in REDIRECTS:
            yield from self._redirected(response)
            return
        reading = self._read(response)
        yield from self._follow(reading.links, response)
        if self.requisites_on_lists:
            yield from self._requisites(reading.requisites, response)
        self.frontier.done(response.meta["frontier_url"])

    async def parse_page(self, response):
        """Generic mode: any page; an article when the extractor says so. Links are followed either way."""
        other = self._not_a_page(response)  # computed once: following a redirect schedules it
        if other is not None:
            if response.status == 304 and self.frontier.article_pages(response.meta["frontier_url"]):
                # Page 1 did not change; a later page may have: each is asked again.
                other = [item async for item in self._unchanged_first_page(response)]
            for item in other:
                yield item
            if response.status == 304:
                # Unchanged since last time: its links are those of its archived copy.
                for request in self._follow(self._archived_links(response.url), response):
                    yield request
            return
        extracted, reading, failure = await self._extract(response)
        if failure is not None:
            yield failure
            # Links are still read from a page the extractor refused (one too large to extract).
            reading = self._read(response) if failure.stage == "extract" else None
        followed = reading.links if reading is not None else []
        for request in self._follow(reading.feeds if reading is not None else [], response, kind="feed"):
            yield request
        if failure is not None:
            pass
        elif reading.first_page is not None:
            # A later page (of an article, or a list's page 2, whose links are followed below):
            # its first page reads it with the others.
            for request in self._to_first_page(reading.first_page, response, "page"):
                yield request
            if self.requisites_on_lists:
                for request in self._requisites(reading.requisites, response):
                    yield request
        elif extracted[0].is_article:
            async for item in self._article(extracted, response, reading):
                yield item
            followed = [u for u in followed if u not in reading.later_pages]  # read with the article
        else:
            self.crawler.stats.inc_value("newsarchive/not_article")
            self.frontier.done(response.meta["frontier_url"])
            if self.requisites_on_lists:
                for request in self._requisites(reading.requisites, response):
                    yield request
        for request in self._follow(followed, response):
            yield request

    def _archived_links(self, url: str) -> list[str]:
        """The links of a page's last archived response (for a page that answered 304)."""
        pointer = self.frontier.last_response(url)
        if pointer is None:
            return []
        filename, offset, content_type, _ = pointer
        payload = read_payload(warc_dir(self.settings), filename, offset)
        if payload is None:
            self.logger.warning("could not read the archived copy of %s (%s@%s)", url, filename, offset)
            return []
        return read_page(url, payload, content_type, self.profile.encoding, requisites="off").links

    def parse_robots(self, response):
        yield from self._follow(robots_sitemaps(response.url, response.body), response, kind="feed")
        self.frontier.done(response.meta["frontier_url"])

    def parse_feed(self, response):
        if response.status in REDIRECTS:
            yield from self._redirected(response)
            return
        yield from self._follow([self._local(u) for u in xml_links(response.url, response.body)], response)
        self.frontier.done(response.meta["frontier_url"])

    async def parse_article(self, response):
        if response.status == 304 and self.frontier.article_pages(response.meta["frontier_url"]):
            # Page 1 did not change; a later page may have: each is asked again.
            async for item in self._unchanged_first_page(response):
                yield item
            return
        other = self._not_a_page(response)  # computed once: following a redirect schedules it
        if other is not None:
            for item in other:
                yield item
            return
        extracted, reading, failure = await self._extract(response)
        if failure is not None:
            yield failure
            return
        if reading.first_page is not None and self.profile.is_article_url(reading.first_page):
            for request in self._to_first_page(reading.first_page, response, "article"):
                yield request
            return
        async for item in self._article(extracted, response, reading):
            yield item
        for request in self._follow([r.url for r in extracted[0].related], response):
            yield request

    async def parse_recheck(self, response):
        """A stored article fetched again: what it answered is a check of it
        (crawler/lifecycle/checking.py); an article still there goes on as any article."""
        async for item in self.checking.parse(response):
            yield item

    def recheck_failed(self, failure):
        yield from self.checking.failed(failure)

    def parse_requisite(self, response):
        """An image, stylesheet, script or icon: archived (by the capture extension) and, for a
        stylesheet, read for what it loads in turn."""
        if response.status in REDIRECTS:
            yield from self._redirected(response)
            return
        url = response.meta["frontier_url"]
        if response.status == 200 and is_stylesheet(url, self._content_type(response)):
            yield from self._requisites(
                stylesheet_requisites(url, response.body, self.requisite_mode), response
            )
        self.crawler.stats.inc_value("newsarchive/requisites_fetched")
        self.frontier.done(url)

    # -- shared steps of the page callbacks ---------------------------------------------

    def _not_a_page(self, response) -> list | None:
        """What a redirect or a 304 yields instead of a page; None for a page."""
        if response.status in REDIRECTS:
            return list(self._redirected(response))
        if response.status == 304:
            return [
                UnchangedItem(
                    self.crawl_id, response.meta["frontier_url"], response.meta.get("fetched_at") or ""
                )
            ]
        return None

    async def _extract(self, response, body: bytes | None = None, first: str | None = None, requisites=None):
        """((article, prepared), reading, None), or (None, None, a failure item): a bad page is a
        failures row, never a crash. The reading (links, requisites, pager) comes from the
        extractor's own parse of the page. `body` stands in for the response's own (a page that
        answered 304: its archived copy); `first` is the first page of the article it is a
        later page of.

        With NEWSARCHIVE_EXTRACT_WORKERS > 0 the extractor runs in worker processes, so pages are
        parsed on another core while the reactor goes on downloading and storing.
        """
        args = (response.url, response.body if body is None else body, self.profile)
        kwargs: dict[str, Any] = {
            "content_type": self._content_type(response),
            "target_script": self.target_script,
            "now": self.now,
            "later_page": first is not None,
            "read": {
                "requisites": self.requisite_mode if requisites is None else requisites,
                "next_page": self.profile.next_page,
                "first": first,
                # A profile's crawl follows an article's related list only; a generic one
                # follows every link of a page, except from an article's later pages.
                "links": self.policy.generic and first is None,
            },
        }
        url = response.meta["frontier_url"]
        try:
            if self.extract_pool is None:
                article, prepared, reading = extract_page(*args, **kwargs)
            else:
                # A worker with pages waiting is the busier process: the crawl process then
                # prepares the rows itself (hash, search columns), which balances the two.
                busy = self.extract_pool.backlog() >= PREPARE_HERE_AT
                article, prepared, reading = await self.extract_pool.run(
                    extract_page, *args, prepare_row=not busy, **kwargs
                )
        except NotText as exc:
            return None, None, FailureItem(self.crawl_id, url, "decode", str(exc))
        except PageTooLarge as exc:
            return None, None, FailureItem(self.crawl_id, url, "extract", str(exc))
        except Exception as exc:
            self.logger.warning("extraction failed for %s: %r", response.url, exc)
            return None, None, FailureItem(self.crawl_id, url, "extract", f"{type(exc).__name__}: {exc}")
        return (article, prepared), reading, None

    def _store(self, extracted, response, pages: tuple[PageCapture, ...] = ()):
        article, prepared = extracted
        url = response.meta["frontier_url"]
        if older_than(article.published_at, self.since):
            self.crawler.stats.inc_value("newsarchive/older_than_since")
            self.frontier.done(url)
            return
        filename, offset, record_id = response.meta.get("warc_pointer", (None, None, None))
        yield ArticleItem(
            article,
            self.site_folder,
            self.crawl_id,
            response.meta.get("fetched_at") or "",
            filename,
            offset,
            record_id,
            url,
            prepared,
            response.meta.get("payload_of"),
            pages,
        )

    # -- articles of several pages ----------------------------------------------------

    def _read(self, response, first: str | None = None) -> PageReading:
        return read_page(
            response.url,
            response.body,
            self._content_type(response),
            self.profile.encoding,
            requisites=self.requisite_mode,
            next_page=self.profile.next_page,
            first=first,
        )

    def _to_first_page(self, first: str, response, kind: str):
        """A later page of an article reached on its own (a list linked it): never an article
        of its own; its first page is fetched instead, and reads it with the others."""
        self.crawler.stats.inc_value("newsarchive/later_page_reached_alone")
        self.frontier.done(response.meta["frontier_url"])
        if same_site(first, tuple(self.allowed_domains)):
            request = self._schedule(first, kind, response.meta.get("depth", 0))
            if request is not None:
                yield request

    async def _article(self, extracted, response, reading: PageReading):
        """Store a page's article, with its later pages when it has some, and archive what its
        pages load (requisites come last: they are queued behind the articles)."""
        requisites = list(reading.requisites)
        if reading.later_pages or reading.next_links:
            first = response.meta["frontier_url"]
            pointer = response.meta.get("warc_pointer", (None, None, None))
            page_one = (extracted[0], PageCapture(1, first, WarcPointer(*pointer)))
            pages, items = await self._later_pages(first, page_one, reading, requisites)
            for item in items:
                yield item
            if pages is None:
                return  # stopped (SIGTERM): page 1 stays in the frontier for the next run
            if len(pages) > 1:
                extracted = (merge_pages([a for a, _ in pages]), None)
                self.crawler.stats.inc_value("newsarchive/articles_multipage")
                for item in self._store(extracted, response, tuple(c for _, c in pages)):
                    yield item
            else:
                for item in self._store(extracted, response):
                    yield item
        else:
            for item in self._store(extracted, response):
                yield item
        for request in self._requisites(requisites, response):
            yield request

    async def _later_pages(self, first: str, page_one, reading: PageReading, requisites: list, changed=True):
        """Fetch the later pages of the article whose first page is `first`, following each
        page's pager in turn (a pager often shows only a few pages at a time). Returns
        ([(article, capture)] in page order, failure items), or (None, []) when the crawl is
        stopping. With changed=False (page 1 answered 304), returns None for the pages when no
        later page changed either."""
        numbered = dict(reading.later_pages)
        order = list(reading.next_links)  # a profile's next_page links, in the order met
        seen = {first}
        fetched: list[tuple[float, object, PageCapture]] = []
        items: list = []
        any_changed = changed
        while True:
            waiting = [u for u in order if u not in seen] + sorted(
                (u for u in numbered if u not in seen), key=numbered.__getitem__
            )
            if not waiting:
                break
            url = waiting[0]
            seen.add(url)
            if len(fetched) + 1 >= self.max_pages:
                items.append(
                    FailureItem(
                        self.crawl_id,
                        first,
                        "fetch",
                        f"more than {self.max_pages} pages (NEWSARCHIVE_MAX_ARTICLE_PAGES): the pages "
                        f"after page {len(fetched) + 1} were not fetched",
                    )
                )
                break
            self.frontier.add_page_of(url)
            outcome = await self._fetch_later_page(url, first)
            if outcome is None:
                return None, []
            if isinstance(outcome, FailureItem):
                items.append(outcome)
                continue
            response, body, capture_pointer, was_changed = outcome
            any_changed = any_changed or was_changed
            extracted, more, failure = await self._extract(response, body, first=first)
            if failure is not None:
                items.append(failure)
                continue
            requisites.extend(more.requisites)
            for link, number in more.later_pages.items():
                numbered.setdefault(link, number)
            order.extend(u for u in more.next_links if u not in order)
            rank = numbered.get(url, len(fetched) + 2)
            fetched.append((rank, extracted[0], PageCapture(0, url, WarcPointer(*capture_pointer))))
        if not any_changed:
            return None, items
        fetched.sort(key=lambda f: f[0])
        pages = [page_one] + [
            (article, PageCapture(n, capture.url, capture.warc))
            for n, (_, article, capture) in enumerate(fetched, 2)
        ]
        return pages, items

    async def _fetch_later_page(self, url: str, first: str):
        """(response, payload, WARC pointer, changed) for a later page of an article, fetched
        through the downloader (robots, politeness, archiving) but not the scheduler, so that its
        article's pages are read together by one callback (also with shared Redis queues). A
        failure item when it brought no page; None when the crawl is stopping."""
        headers = self.frontier.conditions(url)
        request = scrapy.Request(
            url,
            headers=headers,
            meta={"frontier_url": url, "kind": "page-of", "dont_redirect": True},
            dont_filter=True,
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            if getattr(self, "stopping", False):
                return None
            return FailureItem(self.crawl_id, url, "fetch", f"page of {first}: {type(exc).__name__}: {exc}")
        self.crawler.stats.inc_value("newsarchive/later_pages_fetched")
        if response.status == 304:
            last = self.frontier.last_response(url)
            payload = read_payload(warc_dir(self.settings), last[0], last[1]) if last else None
            if payload is None:
                return FailureItem(
                    self.crawl_id, url, "fetch", f"page of {first}: HTTP 304 and no archived copy"
                )
            return response, payload, (last[0], last[1], last[3]), False
        if response.status != 200:
            return FailureItem(self.crawl_id, url, "fetch", f"page of {first}: HTTP {response.status}")
        pointer = request.meta.get("warc_pointer", (None, None, None))
        return response, response.body, pointer, True

    async def _unchanged_first_page(self, response):
        """Page 1 of an article of several pages answered 304: its later pages are asked too
        (conditionally), and the article is read again from page 1's archived copy when one of
        them changed."""
        url = response.meta["frontier_url"]
        last = self.frontier.last_response(url)
        body = read_payload(warc_dir(self.settings), last[0], last[1]) if last else None
        unchanged = self._not_a_page(response)
        if body is None:
            for item in unchanged:
                yield item
            return
        extracted, reading, failure = await self._extract(response, body, requisites="off")
        if failure is not None:
            yield failure
            return
        later = {u: n for n, u in enumerate(self.frontier.article_pages(url), 2)}
        reading = PageReading(
            reading.links, reading.feeds, [], {**later, **reading.later_pages}, reading.next_links
        )
        page_one = (extracted[0], PageCapture(1, url, WarcPointer(last[0], last[1], last[3])))
        pages, items = await self._later_pages(url, page_one, reading, [], changed=False)
        for item in items:
            yield item
        if pages is None:
            for item in unchanged:  # nothing changed: the article is as stored
                yield item
            return
        self.crawler.stats.inc_value("newsarchive/articles_multipage")
        response.meta["warc_pointer"] = (last[0], last[1], last[3])
        for item in self._store(
            (merge_pages([a for a, _ in pages]), None), response, tuple(c for _, c in pages)
        ):
            yield item

    def _requisites(self, requisites, response):
        """Requests for what a page loads: any host (CDNs included), each URL once a run."""
        depth = response.meta.get("depth", 0)
        for requisite in requisites:
            request = self._schedule(requisite.url, "requisite", depth)
            if request is not None:
                self.crawler.stats.inc_value("newsarchive/requisites_scheduled")
                yield request

    def failed(self, failure):
        request = failure.request
        url = request.meta.get("frontier_url", request.url)
        if getattr(self, "stopping", False):
            # Cancelled by a stop (SIGTERM): not a failure of the page; it stays in the
            # frontier and the next run fetches it.
            return
        self.frontier.done(url)
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            # Not a failure: we were asked not to fetch it, and we did not.
            self.crawler.stats.inc_value("newsarchive/robots_refused")
            return
        if failure.check(BrokenBody):
            yield FailureItem(self.crawl_id, url, "decode", failure.getErrorMessage())
            return
        yield FailureItem(self.crawl_id, url, "fetch", self._fetch_reason(failure), request.meta.get("kind"))

    def _fetch_reason(self, failure) -> str:
        """One line a person can act on, for a request that brought no page."""
        if failure.check(HttpError):
            response = failure.value.response
            reason = f"HTTP {response.status}"
            asked = response.headers.get(b"Retry-After")
            if asked:
                cap = self.settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 300)
                reason += f" (Retry-After: {asked.decode('latin-1')}; we wait at most {cap:g} s)"
            return reason
        host = urlsplit(failure.request.url).hostname or ""
        if failure.check(DNSLookupError, CannotResolveHostError) and host in REFUSED:
            return f"refused private address {host} (resolves to {REFUSED[host]}; use --allow-private-addresses to permit)"
        message = failure.getErrorMessage().strip()
        setting = "DOWNLOAD_MAXSIZE"
        if failure.request.meta.get("kind") == "requisite":
            setting = "NEWSARCHIVE_REQUISITE_MAXSIZE"
        limit = failure.request.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE")
        if "max size" in message:
            # Scrapy's words do not name the setting that applied.
            message = f"larger than {setting} ({limit:,} bytes): {message}"
        if not message:
            message = {
                "ResponseDataLossError": "the connection closed before the whole body arrived",
                "DownloadCancelledError": f"download cancelled: the response grew past {setting} ({limit:,} bytes)",
                "ConnectionLost": "the connection was lost",
            }.get(failure.type.__name__, "no message")
        return f"{failure.type.__name__}: {message}"

    def _redirected(self, response):
        """Follow a redirect through _schedule, like any link: domains, frontier, refetch rules."""
        location = response.headers.get(b"Location")
        self.frontier.done(response.meta["frontier_url"])
        target = response.urljoin(location.decode("latin-1")) if location else None
        hop = next_hop(response.status, target, response.meta, self.settings.getint("REDIRECT_MAX_TIMES", 10))
        if isinstance(hop, str):
            # A loop is recorded under the URL that started it; a dead end under its last URL.
            chain = (*response.meta.get("redirect_chain", ()), response.meta["frontier_url"])
            where = chain[0] if "loop" in hop else response.url
            yield FailureItem(self.crawl_id, where, "fetch", hop)
            return
        kind = response.meta.get("kind")
        if kind != "requisite" and not same_site(hop.target, tuple(self.allowed_domains)):
            # Not followed: outside the crawl's domains. Recorded, since the page is gone from here.
            self.crawler.stats.inc_value("newsarchive/redirect_offsite")
            yield FailureItem(
                self.crawl_id,
                response.meta["frontier_url"],
                "fetch",
                f"HTTP {response.status}: redirected to another domain, not followed: {hop.target}",
            )
            return
        if kind != "requisite":
            kind = self.policy.after_redirect(hop.target, kind)
        request = self._schedule(hop.target, kind, response.meta.get("depth", 0))
        if request is not None:
            request.meta["redirect_hops"] = hop.hops
            request.meta["redirect_chain"] = hop.chain
            yield request

    # -- scheduling --------------------------------------------------------------------

    def _follow(self, links, response, kind: str | None = None):
        depth = response.meta.get("depth", 0) + 1
        for link in links:
            if not same_site(link, tuple(self.allowed_domains)):
                continue
            followed = self.policy.follow(link, kind)
            if followed is not None:
                request = self._schedule(followed[0], followed[1], depth)
                if request is not None:
                    yield request

    def _schedule(self, url: str, kind: str, depth: int):
        """A request for url, or None when this run has it already or it needs no fetch."""
        headers = self.frontier.admit(url, kind, depth)
        return None if headers is None else self._request(url, kind, depth, headers)

    def _request(self, url: str, kind: str, depth: int, headers: dict[str, str]):
        read_as = kind
        if kind in ("article", "page") and self.frontier.is_stored_article(url):
            kind = RECHECK  # any fetch of a stored article is a check of it
        elif kind == RECHECK:
            read_as = "page" if self.policy.generic else "article"
        callback = {
            "article": self.parse_article,
            "list": self.parse_list,
            "feed": self.parse_feed,
            "page": self.parse_page,
            "robots": self.parse_robots,
            "requisite": self.parse_requisite,
            RECHECK: self.parse_recheck,
        }[kind]
        # Redirects come back to the spider (see _redirected) instead of being followed blindly.
        meta: dict[str, Any] = {
            "frontier_url": url,
            "depth": depth,
            "kind": kind,
            "dont_redirect": True,
            "handle_httpstatus_list": sorted(REDIRECTS),
        }
        priority = 0
        errback = self.failed
        if kind == RECHECK:
            # Every answer says something about the article (404, 410, 5xx): the checker reads it.
            meta["handle_httpstatus_all"] = True
            meta["read_as"] = read_as
            errback = self.recheck_failed
        if kind == "requisite":
            # Images and stylesheets of a site often come from another host (a CDN).
            meta["allow_offsite"] = True
            meta["download_maxsize"] = self.requisite_maxsize
            priority = REQUISITE_PRIORITY
        if headers:
            meta["handle_httpstatus_list"].append(304)
            self.crawler.stats.inc_value("newsarchive/conditional_requests")
        return scrapy.Request(
            url,
            callback=callback,
            errback=errback,
            headers=headers,
            meta=meta,
            dont_filter=bool(headers),
            priority=priority,
        )

    def _local(self, link: str) -> str:
        return self.policy.local(link)

    @staticmethod
    def _content_type(response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None
