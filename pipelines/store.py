"""ArticleStorePipeline: article and failure items into the SQLite dataset."""

from __future__ import annotations

import logging

from archive.store import WarcPointer
from crawler.paths import store_for
from spiders.items import ArticleItem, FailureItem

logger = logging.getLogger(__name__)


class ArticleStorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.store = store_for(self.crawler)

    def process_item(self, item):
        if isinstance(item, FailureItem):
            self.store.add_failure(item.crawl_id, item.url, item.stage, item.reason)
            self.stats.inc_value("newsarchive/failures")
            return item
        if isinstance(item, ArticleItem):
            if not item.article.is_article:
                self.stats.inc_value("newsarchive/not_article")
                return item
            try:
                outcome = self.store.save_article(
                    item.article,
                    site=item.site,
                    crawl_id=item.crawl_id,
                    fetched_at=item.fetched_at,
                    warc=WarcPointer(item.warc_filename, item.warc_offset, item.warc_record_id),
                )
            except Exception as exc:  # a store failure must not lose the others
                logger.exception("could not store %s", item.article.url)
                self.store.add_failure(
                    item.crawl_id, item.article.url or "", "store", f"{type(exc).__name__}: {exc}"
                )
                self.stats.inc_value("newsarchive/failures")
                return item
            self.stats.inc_value(f"newsarchive/articles_{outcome}")
        return item
