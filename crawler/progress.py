"""Crawl bookkeeping: the `crawls` row of each run, and progress lines on stderr."""

from __future__ import annotations

import logging
import sqlite3
import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archive.store.shared import release_store, store_for

logger = logging.getLogger(__name__)


def crawl_counts(stats) -> dict[str, int]:
    get = stats.get_value
    return {
        "pages": get("downloader/response_count", 0),
        "articles_new": get("newsarchive/articles_new", 0),
        "articles_changed": get("newsarchive/articles_changed", 0),
        "articles_unchanged": get("newsarchive/articles_unchanged", 0),
        "errors": get("newsarchive/failures", 0),
    }


class CrawlRecordExtension:
    """Writes the `crawls` row: running at start, then finished, interrupted or failed."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        store_for(self.crawler).begin_crawl(
            spider.crawl_id, spider.site_folder, getattr(spider, "options", {})
        )

    def spider_closed(self, spider, reason):
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, "failed")
        if reason == "closespider_pagecount":
            status = "finished"
        counts = crawl_counts(self.crawler.stats)
        if status == "finished" and counts["pages"] == 0 and counts["errors"] > 0:
            status = "failed"  # nothing could be fetched at all: the site is down or unreachable
        try:
            store_for(self.crawler).finish_crawl(spider.crawl_id, status, counts)
        except sqlite3.Error as exc:
            # A full disk: the row stays `running`, and the next run carries this one on.
            logger.error("could not record the end of crawl %s: %s", spider.crawl_id, exc)
        release_store(self.crawler)


class ProgressExtension:
    """Prints one progress line to stderr every N seconds while a crawl runs."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self):
        c = crawl_counts(self.crawler.stats)
        print(
            f"  ... {c['pages']} pages fetched, articles {c['articles_new']} new / {c['articles_changed']} changed, "
            f"{c['errors']} errors",
            file=sys.stderr,
            flush=True,
        )

    def spider_closed(self, spider):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
