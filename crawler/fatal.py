"""A crawl that can no longer keep what it fetches stops: a full disk, an archive or database
that cannot be written. Going on would fetch pages that are then neither archived nor stored
(or stored without their WARC record), and end "finished" with exit 0.

`stop_crawl` records the problem in the crawl's stats (`newsarchive/fatal`), cancels the
downloads under way and closes the spider with the reason `archive-failed`; the store pipeline
then keeps no more items, the `crawls` row says `failed`, and the command prints the problem as
one line and exits 1. What was not stored stays in the frontier, and the next run fetches it.
"""

from __future__ import annotations

import errno
import logging
import sqlite3

logger = logging.getLogger(__name__)

FATAL = "newsarchive/fatal"
REASON = "archive-failed"


def stop_crawl(crawler, problem: str) -> None:
    """Stop the crawl for good because of `problem` (said once, however often it recurs)."""
    if crawler.stats.get_value(FATAL):
        return
    crawler.stats.set_value(FATAL, problem)
    logger.error("stopping the crawl: %s", problem)
    spider = getattr(crawler, "spider", None)
    if spider is not None:
        spider.stopping = True
    engine = getattr(crawler, "engine", None)
    if engine is None or spider is None:
        return
    from scrapy.utils.defer import deferred_from_coro

    from crawler.runner import stop_downloads

    stop_downloads([crawler])
    closing = deferred_from_coro(engine.close_spider_async(reason=REASON))
    closing.addErrback(lambda f: logger.error("closing the crawl: %s", f.getErrorMessage()))


def stopped(crawler) -> str | None:
    """The problem that stopped the crawl, or None."""
    return crawler.stats.get_value(FATAL)


def storage_problem(exc: BaseException) -> str | None:
    """What a write error says about the disk or the database, when it is one that no later
    page can escape (full disk, read-only, I/O error); None for an error of one page."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, OSError) and type(exc).__name__ == "ArchiveWriteError":
        return str(exc.strerror or exc)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if any(s in text for s in ("disk is full", "disk I/O error", "readonly database", "read-only")):
            return f"the database cannot be written: {text}"
    return None
