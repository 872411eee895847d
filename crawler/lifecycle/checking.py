"""The checks of a run: which stored articles are due (the planner), and what each answer says
(the classifier), for the spider. The spider only routes a fetch of a stored article here.

An answer that is still the article goes on through the spider's article path (a new version,
or unchanged); the check rides on that item, so the store writes the version and the check in
one transaction. Every other answer is a `CheckItem` of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC

import scrapy
from scrapy.exceptions import IgnoreRequest

from crawler.lifecycle import classify
from crawler.lifecycle.classify import NotFoundTemplate, Outcome
from crawler.lifecycle.plan import parse_intervals
from spiders.items import ArticleItem, CheckItem, UnchangedItem

STILL_LIVE = Outcome("unchanged", "live")


class Checking:
    def __init__(self, spider, settings):
        self.spider = spider
        given = settings.get("NEWSARCHIVE_RECHECK")
        self.offsets = parse_intervals(given if given else list(spider.profile.recheck), "recheck")
        self.budget = settings.getint("NEWSARCHIVE_RECHECK_BUDGET", 500)
        # With --now, checks are dated by the run's clock (a week of checks in minutes).
        self.fixed_clock = bool(settings.get("NEWSARCHIVE_NOW"))
        self._templates: dict[str, NotFoundTemplate | None] = {}
        self._probing: dict[str, asyncio.Lock] = {}

    def time_of(self, fetched_at: str | None) -> str:
        """When a fetch happened as checks and statuses count time: the run's clock with
        --now, else the fetch's own time."""
        if self.fixed_clock or not fetched_at:
            return self.spider.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return fetched_at

    def due(self) -> list[str]:
        return self.spider.frontier.due_rechecks(self.offsets, self.budget)

    # -- answers ------------------------------------------------------------------------------

    def _check(self, response_or_request, status: int | None, outcome: Outcome | None = None) -> CheckItem:
        meta = response_or_request.meta
        spider = self.spider
        return CheckItem(
            spider.crawl_id,
            meta["frontier_url"],
            spider.site_folder,
            self.time_of(meta.get("fetched_at")),
            status,
            outcome,
            tuple(meta.get("warc_record", (None, None, None))),
        )

    async def parse(self, response):
        spider = self.spider
        spider.crawler.stats.inc_value("newsarchive/rechecks")
        url = response.meta["frontier_url"]
        decided = classify.by_status(response.status)
        if decided is not None:
            spider.crawler.stats.inc_value(f"newsarchive/checks_{decided.outcome}")
            yield self._check(response, response.status, decided)
            return
        if response.status in classify.REDIRECTS:
            location = response.headers.get(b"Location")
            target = response.urljoin(location.decode("latin-1")) if location else None
            outcome = classify.of_redirect(
                url,
                target,
                spider.profile.start_urls,
                spider.profile.is_article_url if spider.profile.article_patterns else None,
            )
            yield self._check(response, response.status, outcome)
            if outcome.verdict == "live":  # moved: the article is read at its new address
                for item in spider._redirected(response):
                    yield item
            return
        if response.status == 200:
            outcome = await self._notice(response, url)
            if outcome is not None:
                spider.crawler.stats.inc_value("newsarchive/checks_notice")
                yield self._check(response, 200, outcome)
                return
        check = self._check(response, response.status)
        carried = False
        read = spider.parse_page if response.meta.get("read_as") == "page" else spider.parse_article
        async for item in read(response):
            if (
                isinstance(item, ArticleItem | UnchangedItem)
                and not carried
                and url in (getattr(item, "frontier_url", None), getattr(item, "url", None))
            ):
                item = replace(item, check=check)
                carried = True
            yield item
        if not carried:
            # Answered, but stored nothing (it could not be read, or is older than --since).
            yield replace(check, outcome=STILL_LIVE)

    async def _notice(self, response, url: str) -> Outcome | None:
        """A 200 page that no longer holds the stored article and says so, or is the site's
        not-found page (learned with one probe a run, only when a page needs it)."""
        spider = self.spider
        content_type = spider._content_type(response)
        text = classify.visible_text(response.body, content_type, spider.profile.encoding)
        stored = spider.frontier.stored_body(url)
        # The stored body of an article of several pages is all of them: page 1 holds its share.
        share = classify.STILL_THERE / (1 + len(spider.frontier.article_pages(url)))
        if classify.still_there(stored, text, share):
            return None
        outcome = classify.of_page(text, None, stored, None, share)
        if outcome is not None:
            return outcome
        template = await self._template(url)
        return classify.of_page(text, None, stored, template, share)

    async def _template(self, url: str) -> NotFoundTemplate | None:
        probe = classify.probe_url(url)
        key = probe.rsplit("/", 1)[0]
        lock = self._probing.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._templates:
                self._templates[key] = await self._probe(probe)
        return self._templates[key]

    async def _probe(self, probe: str) -> NotFoundTemplate | None:
        """Ask for a URL that cannot exist; a 200 answer is the site's not-found page."""
        spider = self.spider
        request = scrapy.Request(
            probe,
            meta={
                "frontier_url": probe,
                "kind": "probe",
                "dont_redirect": True,
                "handle_httpstatus_all": True,
            },
            dont_filter=True,
        )
        spider.crawler.stats.inc_value("newsarchive/not_found_probes")
        try:
            response = await spider.crawler.engine.download_async(request)
        except Exception as exc:  # no template: only notices are recognised
            spider.logger.info("not-found probe %s brought no page: %r", probe, exc)
            return None
        if response.status != 200:
            return None
        return NotFoundTemplate(
            classify.visible_text(response.body, spider._content_type(response), spider.profile.encoding)
        )

    def failed(self, failure):
        """No answer at all (a timeout, no connection, a refused address): unavailable."""
        spider = self.spider
        if getattr(spider, "stopping", False):
            return  # cancelled by a stop: the next run checks it
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            spider.frontier.done(failure.request.meta.get("frontier_url", failure.request.url))
            spider.crawler.stats.inc_value("newsarchive/robots_refused")
            return
        spider.crawler.stats.inc_value("newsarchive/checks_unavailable")
        item = self._check(failure.request, None, classify.unavailable())
        yield replace(item, outcome=replace(item.outcome, notice=spider._fetch_reason(failure)))
