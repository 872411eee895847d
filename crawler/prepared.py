"""An extraction plus what storing it needs, computed together in the extraction workers.

This module stays light (no Scrapy, no SQLite): the crawl's worker processes import it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from crawler.extract import extract
from crawler.extract.article import Article
from crawler.searchtext import index_columns
from crawler.text import content_hash


class Prepared:
    """What storing an article needs beyond the article: its content hash and search-index row.

    Computed by `prepare`, in the extraction worker during a crawl, so that the crawl process
    (the reactor thread) only writes rows.
    """

    __slots__ = ("content_hash", "index")

    def __init__(self, content_hash: str, index: dict[str, str]):
        self.content_hash = content_hash
        self.index = index


def prepare(article: Article) -> Prepared:
    return Prepared(
        content_hash(article.body_norm or article.body), index_columns(article.title_norm, article.body_norm)
    )


def extract_for_store(*args, **kwargs) -> tuple[Article, Prepared | None]:
    """extract() and, for an article, its Prepared row data, in one call."""
    article = extract(*args, **kwargs)
    return article, (prepare(article) if article.is_article else None)


def exit_with_parent(crawl_pid: int, every: float = 1.0) -> None:
    """Extraction-worker initializer: end this worker, and the forkserver that made it, once
    the crawl process is gone. A crawl killed with SIGKILL otherwise leaves both behind for
    good (the forkserver never sees its end of the pipe close)."""
    forkserver = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(crawl_pid, 0)
            except ProcessLookupError:
                if forkserver > 1:
                    with contextlib.suppress(OSError):
                        os.kill(forkserver, signal.SIGTERM)
                os._exit(0)
            except PermissionError:
                pass  # alive (the pid was reused by someone else's process: not ours to judge)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
