"""NewsSpider: one spider for every site, driven by its profile.

Callbacks stay short: they call the pure extraction and link functions in `crawler/` and
yield items and follow-up requests. All HTML knowledge lives there, none here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import extract
from crawler.links import page_links, rebase, same_site, xml_links
from crawler.profile import get_profile
from spiders.items import ArticleItem, FailureItem


def new_crawl_id(site: str) -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{site}-{uuid.uuid4().hex[:6]}"


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        site: str | None = None,
        profiles: str = "",
        base_url: str | None = None,
        crawl_id: str | None = None,
        target_script: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not site:
            raise ValueError("NewsSpider needs a site profile: -a site=NAME")
        dirs = [d for d in profiles.split(",") if d] if isinstance(profiles, str) else list(profiles)
        original = get_profile(site, dirs)
        self.profile = original.rebased(base_url) if base_url else original
        self.original_domains = original.domains
        self.base_url = base_url
        self.site_folder = self.profile.name
        self.allowed_domains = list(self.profile.domains)
        self.crawl_id = crawl_id or new_crawl_id(self.profile.name)
        self.target_script = target_script
        self.options = {"site": site, "base_url": base_url, "profiles": dirs}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.target_script = spider.target_script or crawler.settings.get(
            "NEWSARCHIVE_TARGET_SCRIPT", "hans"
        )
        return spider

    async def start(self):
        for url in self.profile.start_urls:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.failed)
        for url in self.profile.feeds + self.profile.sitemaps:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.failed)

    # -- callbacks ---------------------------------------------------------------------

    def parse_list(self, response):
        links = page_links(response.url, response.body, self._content_type(response), self.profile.encoding)
        yield from self._follow(links)

    def parse_feed(self, response):
        links = [self._local(u) for u in xml_links(response.url, response.body)]
        yield from self._follow(links)

    def parse_article(self, response):
        try:
            article = extract(
                response.url,
                response.body,
                self.profile,
                content_type=self._content_type(response),
                target_script=self.target_script,
            )
        except Exception as exc:  # a bad page is a failures row, never a crash
            self.logger.warning("extraction failed for %s: %r", response.url, exc)
            yield FailureItem(self.crawl_id, response.url, "extract", f"{type(exc).__name__}: {exc}")
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
        )
        yield from self._follow([r.url for r in article.related])

    def failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            # Not a failure: we were asked not to fetch it, and we did not.
            self.crawler.stats.inc_value("newsarchive/robots_refused")
            return
        if failure.check(HttpError):
            response = failure.value.response
            reason = f"HTTP {response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield FailureItem(self.crawl_id, request.url, "fetch", reason)

    # -- helpers -----------------------------------------------------------------------

    def _follow(self, links):
        for link in links:
            if not same_site(link, tuple(self.allowed_domains)):
                continue
            if self.profile.is_article_url(link):
                yield scrapy.Request(link, callback=self.parse_article, errback=self.failed)
            elif self.profile.is_list_url(link):
                yield scrapy.Request(link, callback=self.parse_list, errback=self.failed)

    def _local(self, link: str) -> str:
        return (
            rebase(link, self.base_url) if self.base_url and same_site(link, self.original_domains) else link
        )

    @staticmethod
    def _content_type(response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None
