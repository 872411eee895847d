"""The crawl's extraction worker pool, owned by one extension.

The pool is shared by the crawlers of one process (`shared_pool`), started when the crawl
opens, warmed up at once, and given back when the crawl closes. The spider reaches it through
`pool_of(crawler)`; without workers (`NEWSARCHIVE_EXTRACT_WORKERS` 0) it extracts in-process.
"""

from __future__ import annotations

import asyncio

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.prepared import warm_up
from crawler.workers import WorkerPool, release_pool, shared_pool


class ExtractionPoolExtension:
    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self._warming: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler):
        workers = crawler.settings.getint("NEWSARCHIVE_EXTRACT_WORKERS", 0)
        if workers <= 0:
            raise NotConfigured
        timeout = crawler.settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT", 120) or None
        extension = cls(shared_pool(workers, timeout))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        # The worker starts and loads its dictionaries while robots.txt and the first lists
        # download, instead of after the first articles have arrived.
        self._warming = asyncio.ensure_future(self.pool.run(warm_up))
        self._warming.add_done_callback(lambda f: f.cancelled() or f.exception())

    async def spider_closed(self, spider) -> None:
        await release_pool(self.pool)


def pool_of(crawler) -> WorkerPool | None:
    """The crawl's extraction pool, or None when pages are extracted in the crawl process."""
    for extension in crawler.extensions.middlewares:
        if isinstance(extension, ExtractionPoolExtension):
            return extension.pool
    return None
