"""NewsSpider: one spider for every site, driven by its profile.

Callbacks stay short: they call the pure extraction and link functions in `crawler/` and
yield items and follow-up requests. All HTML knowledge lives there, none here. Every URL a
run schedules goes into the database's frontier first, so a killed run is carried on.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError

from archive.crawlstate import CrawlState, resumable_crawl
from archive.payload import read_payload
from crawler.bodycheck import BrokenBody
from crawler.decode import NotText
from crawler.extract.dates import CHINA, date_from_url
from crawler.extract.extractor import PageTooLarge
from crawler.incremental import older_than, young_enough
from crawler.links import discover, is_feed_url, page_links, rebase, robots_sitemaps, same_site, xml_links
from crawler.lock import acquire, acquire_warc_folder
from crawler.paths import db_path, store_for, warc_dir
from crawler.prepared import extract_for_store, extract_only, warm_up
from crawler.profile import adhoc_profile, as_list, get_profile
from crawler.safety import REFUSED
from crawler.urls import canonical_url, trap_reason
from crawler.validate import check_settings
from crawler.workers import release_pool, shared_pool
from spiders.items import ArticleItem, FailureItem, UnchangedItem

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_QUERY_VARIANTS = 20
# Pages waiting at the extraction worker from which the crawl process prepares rows itself.
PREPARE_HERE_AT = 2


def new_crawl_id(site: str) -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{site}-{uuid.uuid4().hex[:6]}"


class NewsSpider(scrapy.Spider):
    name = "news"

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
        # Without URL patterns the spider reads every page and lets the extractor tell articles.
        self.generic = not (original.article_patterns or original.list_patterns)
        self.query_variants: dict[str, int] = {}
        self.profile = original.rebased(base_url) if base_url else original
        self.original_domains = original.domains
        self.base_url = base_url
        self.site_folder = self.profile.name
        self.allowed_domains = list(self.profile.domains)
        self.crawl_id = crawl_id
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
        acquire(db_path(crawler.settings).parent, spider.site_folder)  # SiteLocked if another run is on
        acquire_warc_folder(
            warc_dir(crawler.settings), spider.site_folder, crawler.settings.get("ARCHIVE_WARC_PREFIX")
        )
        store = store_for(crawler)
        spider.crawl_id = (
            spider.crawl_id or resumable_crawl(store, spider.site_folder) or new_crawl_id(spider.site_folder)
        )
        spider.state = CrawlState(store, spider.crawl_id)
        workers = crawler.settings.getint("NEWSARCHIVE_EXTRACT_WORKERS", 0)
        spider.extract_pool = None
        if workers > 0:
            spider.extract_pool = shared_pool(
                workers, crawler.settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT", 120) or None
            )
            crawler.signals.connect(spider._close_pool, signal=signals.spider_closed)
        spider.now = datetime.now(UTC)
        return spider

    async def _close_pool(self, spider):
        if self.extract_pool is not None:
            await release_pool(self.extract_pool)

    async def start(self):
        if self.extract_pool is not None:
            # The worker starts and loads its dictionaries while robots.txt and the first lists
            # download, instead of after the first articles have arrived.
            self._warming = asyncio.ensure_future(self.extract_pool.run(warm_up))
            self._warming.add_done_callback(lambda f: f.cancelled() or f.exception())
        pending = self.state.pending()
        if pending:
            self.logger.warning("resuming crawl %s: %d URLs left to fetch", self.crawl_id, len(pending))
            self.crawler.stats.set_value("newsarchive/resumed_pending", len(pending))
        for url, kind, depth in pending:
            yield self._request(url, kind, depth, self._conditions(url) if kind == "article" else {})
        # Young articles are refetched even when no list links to them any more: edits and
        # deletions often come after an article has dropped off the front pages.
        if self.refetch_window > 0:
            first_day = (
                (self.now.astimezone(CHINA) - timedelta(days=self.refetch_window - 1)).date().isoformat()
            )
            for url in self.state.young_articles(self.site_folder, first_day):
                if same_site(url, tuple(self.allowed_domains)):
                    request = self._schedule(url, "article", 1)
                    if request is not None:
                        yield request
        if self.generic:
            # Feeds and sitemaps named in robots.txt (Scrapy reads robots.txt for its rules only).
            for origin in dict.fromkeys(
                f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.profile.start_urls
            ):
                request = self._schedule(origin + "/robots.txt", "robots", 0)
                if request is not None:
                    yield request
        for kind, urls in (
            ("list" if not self.generic else "page", self.profile.start_urls),
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
        links = page_links(response.url, response.body, self._content_type(response), self.profile.encoding)
        yield from self._follow(links, response)
        self.state.done(response.meta["frontier_url"])

    async def parse_page(self, response):
        """Generic mode: any page; an article when the extractor says so. Links are followed either way."""
        other = self._not_a_page(response)  # computed once: following a redirect schedules it
        if other is not None:
            for item in other:
                yield item
            if response.status == 304:
                # Unchanged since last time: its links are those of its archived copy.
                for request in self._follow(self._archived_links(response.url), response):
                    yield request
            return
        links, feeds = discover(
            response.url, response.body, self._content_type(response), self.profile.encoding
        )
        for request in self._follow(feeds, response, kind="feed"):
            yield request
        extracted, failure = await self._extract(response)
        if failure is not None:
            yield failure
        elif extracted[0].is_article:
            for item in self._store(extracted, response):
                yield item
        else:
            self.crawler.stats.inc_value("newsarchive/not_article")
            self.state.done(response.meta["frontier_url"])
        for request in self._follow(links, response):
            yield request

    def _archived_links(self, url: str) -> list[str]:
        """The links of a page's last archived response (for a page that answered 304)."""
        pointer = self.state.last_response(url)
        if pointer is None:
            return []
        filename, offset, content_type = pointer
        payload = read_payload(warc_dir(self.settings), filename, offset)
        if payload is None:
            self.logger.warning("could not read the archived copy of %s (%s@%s)", url, filename, offset)
            return []
        links, _ = discover(url, payload, content_type, self.profile.encoding)
        return links

    def parse_robots(self, response):
        yield from self._follow(robots_sitemaps(response.url, response.body), response, kind="feed")
        self.state.done(response.meta["frontier_url"])

    def parse_feed(self, response):
        if response.status in REDIRECTS:
            yield from self._redirected(response)
            return
        yield from self._follow([self._local(u) for u in xml_links(response.url, response.body)], response)
        self.state.done(response.meta["frontier_url"])

    async def parse_article(self, response):
        other = self._not_a_page(response)  # computed once: following a redirect schedules it
        if other is not None:
            for item in other:
                yield item
            return
        extracted, failure = await self._extract(response)
        if failure is not None:
            yield failure
            return
        for item in self._store(extracted, response):
            yield item
        for request in self._follow([r.url for r in extracted[0].related], response):
            yield request

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

    async def _extract(self, response):
        """(article, None), or (None, a failure item): a bad page is a failures row, never a crash.

        With NEWSARCHIVE_EXTRACT_WORKERS > 0 the extractor runs in worker processes, so pages are
        parsed on another core while the reactor goes on downloading and storing.
        """
        args = (response.url, response.body, self.profile)
        kwargs = {
            "content_type": self._content_type(response),
            "target_script": self.target_script,
            "now": self.now,
        }
        try:
            if self.extract_pool is None:
                article, prepared = extract_for_store(*args, **kwargs)
            else:
                # A worker with pages waiting is the busier process: the crawl process then
                # prepares the rows itself (hash, search columns), which balances the two.
                busy = self.extract_pool.backlog() >= PREPARE_HERE_AT
                work = extract_only if busy else extract_for_store
                article, prepared = await self.extract_pool.run(work, *args, **kwargs)
        except NotText as exc:
            return None, FailureItem(self.crawl_id, response.meta["frontier_url"], "decode", str(exc))
        except PageTooLarge as exc:
            return None, FailureItem(self.crawl_id, response.meta["frontier_url"], "extract", str(exc))
        except Exception as exc:
            self.logger.warning("extraction failed for %s: %r", response.url, exc)
            return None, FailureItem(
                self.crawl_id, response.meta["frontier_url"], "extract", f"{type(exc).__name__}: {exc}"
            )
        return (article, prepared), None

    def _store(self, extracted, response):
        article, prepared = extracted
        url = response.meta["frontier_url"]
        if older_than(article.published_at, self.since):
            self.crawler.stats.inc_value("newsarchive/older_than_since")
            self.state.done(url)
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
        )

    def failed(self, failure):
        request = failure.request
        url = request.meta.get("frontier_url", request.url)
        if getattr(self, "stopping", False):
            # Cancelled by a stop (SIGTERM): not a failure of the page; it stays in the
            # frontier and the next run fetches it.
            return
        self.state.done(url)
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            # Not a failure: we were asked not to fetch it, and we did not.
            self.crawler.stats.inc_value("newsarchive/robots_refused")
            return
        if failure.check(BrokenBody):
            yield FailureItem(self.crawl_id, url, "decode", failure.getErrorMessage())
            return
        yield FailureItem(self.crawl_id, url, "fetch", self._fetch_reason(failure))

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
        if failure.check(DNSLookupError) and host in REFUSED:
            return f"refused private address {host} (resolves to {REFUSED[host]}; use --allow-private-addresses to permit)"
        message = failure.getErrorMessage().strip()
        if not message:
            message = {
                "ResponseDataLossError": "the connection closed before the whole body arrived",
                "DownloadCancelledError": "download cancelled: the response grew past DOWNLOAD_MAXSIZE "
                f"({self.settings.getint('DOWNLOAD_MAXSIZE'):,} bytes)",
                "ConnectionLost": "the connection was lost",
            }.get(failure.type.__name__, "no message")
        return f"{failure.type.__name__}: {message}"

    def _redirected(self, response):
        """Follow a redirect through _schedule, like any link: domains, frontier, refetch rules."""
        hops = response.meta.get("redirect_hops", 0) + 1
        location = response.headers.get(b"Location")
        self.state.done(response.meta["frontier_url"])
        if not location or hops > self.settings.getint("REDIRECT_MAX_TIMES", 10):
            yield FailureItem(
                self.crawl_id,
                response.url,
                "fetch",
                f"HTTP {response.status}: " + ("too many redirects" if location else "no Location"),
            )
            return
        target = response.urljoin(location.decode("latin-1"))
        chain = [*response.meta.get("redirect_chain", ()), response.meta["frontier_url"]]
        if target in chain:
            loop = " -> ".join([*chain[chain.index(target) :], target])
            yield FailureItem(
                self.crawl_id, chain[0], "fetch", f"HTTP {response.status}: redirect loop {loop}"
            )
            return
        if not same_site(target, tuple(self.allowed_domains)):
            # Not followed: outside the crawl's domains. Recorded, since the page is gone from here.
            self.crawler.stats.inc_value("newsarchive/redirect_offsite")
            yield FailureItem(
                self.crawl_id,
                response.meta["frontier_url"],
                "fetch",
                f"HTTP {response.status}: redirected to another domain, not followed: {target}",
            )
            return
        if self.generic:
            kind = "feed" if response.meta.get("kind") == "feed" else "page"
        elif self.profile.is_article_url(target):
            kind = "article"
        else:  # a moved feed is still a feed; anything else is read as a list page
            kind = "feed" if response.meta.get("kind") == "feed" else "list"
        request = self._schedule(target, kind, response.meta.get("depth", 0))
        if request is not None:
            request.meta["redirect_hops"] = hops
            request.meta["redirect_chain"] = chain
            yield request

    # -- scheduling --------------------------------------------------------------------

    def _follow(self, links, response, kind: str | None = None):
        depth = response.meta.get("depth", 0) + 1
        for link in links:
            if not same_site(link, tuple(self.allowed_domains)):
                continue
            if self.generic:
                request = self._generic_request(link, depth, kind)
                if request is not None:
                    yield request
                continue
            if self.profile.is_article_url(link):
                request = self._schedule(link, "article", depth)
            elif self.profile.is_list_url(link):
                request = self._schedule(link, "list", depth)
            else:
                continue
            if request is not None:
                yield request

    def _generic_request(self, link: str, depth: int, kind: str | None):
        link = canonical_url(link)
        reason = trap_reason(link)
        if reason is None and urlsplit(link).query:
            # Endless query strings (filters, sorts, pages of a calendar): a few per path at most.
            path = link.split("?", 1)[0]
            self.query_variants[path] = self.query_variants.get(path, 0) + 1
            if self.query_variants[path] > MAX_QUERY_VARIANTS:
                reason = "too many query variants"
        if reason is not None:
            self.crawler.stats.inc_value("newsarchive/trap_skipped")
            return None
        if kind is None:
            kind = "feed" if is_feed_url(link) else "page"
        return self._schedule(link, kind, depth)

    def _schedule(self, url: str, kind: str, depth: int):
        """A request for url, or None when this run has it already or it needs no fetch."""
        headers = {}
        if kind in ("article", "page"):
            if older_than(date_from_url(url), self.since):
                return None
            gone = self.state.gone(url)
            if gone and young_enough(None, gone, max(self.refetch_window, 1), self.now):
                # A dead link was reported last time; it is tried again once the window has passed.
                self.crawler.stats.inc_value("newsarchive/known_gone")
                return None
            known = self.state.known_article(url)
            if known is not None:
                published, first_seen, _, _ = known
                if not young_enough(published, first_seen, self.refetch_window, self.now):
                    self.crawler.stats.inc_value("newsarchive/known_not_refetched")
                    return None
                headers = self._conditions(url, known)
            else:
                # A page fetched before and not stored as an article (a list, a page judged not
                # an article): asked for again, but only if it changed.
                validators = self.state.validators(url)
                if validators is not None:
                    headers = self._conditions(url, (None, None, *validators))
        if not self.state.add(url, kind, depth):
            return None
        return self._request(url, kind, depth, headers)

    def _conditions(self, url: str, known=None) -> dict[str, str]:
        known = known or self.state.known_article(url)
        if not known:
            return {}
        _, _, etag, last_modified = known
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        return {k: v for k, v in headers.items() if v}

    def _request(self, url: str, kind: str, depth: int, headers: dict[str, str]):
        callback = {
            "article": self.parse_article,
            "list": self.parse_list,
            "feed": self.parse_feed,
            "page": self.parse_page,
            "robots": self.parse_robots,
        }[kind]
        # Redirects come back to the spider (see _redirected) instead of being followed blindly.
        meta = {
            "frontier_url": url,
            "depth": depth,
            "kind": kind,
            "dont_redirect": True,
            "handle_httpstatus_list": sorted(REDIRECTS),
        }
        if headers:
            meta["handle_httpstatus_list"].append(304)
            self.crawler.stats.inc_value("newsarchive/conditional_requests")
        return scrapy.Request(
            url, callback=callback, errback=self.failed, headers=headers, meta=meta, dont_filter=bool(headers)
        )

    def _local(self, link: str) -> str:
        if self.generic:
            return link
        return (
            rebase(link, self.base_url) if self.base_url and same_site(link, self.original_domains) else link
        )

    @staticmethod
    def _content_type(response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None
