"""The stores of this process's crawlers: one per database file, shared."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from archive.store import ArticleStore
from crawler.paths import db_path

# One ArticleStore (one connection) per database in this process, shared by every crawler that
# writes to it: `crawl A B` runs several crawlers on one reactor thread, and with grouped commits
# two connections would wait on each other's open write transaction.
_STORES: dict[Path, tuple[ArticleStore, set[int]]] = {}


logger = logging.getLogger(__name__)


def store_for(crawler) -> ArticleStore:
    """The ArticleStore of the crawler's database, shared by its extensions and pipelines and by
    the process's other crawlers on the same file; `release_store` when the crawler is done."""
    path = db_path(crawler.settings).resolve()
    entry = _STORES.get(path)
    if entry is None:
        entry = _STORES[path] = (
            ArticleStore(path, commit_every=crawler.settings.getfloat("NEWSARCHIVE_COMMIT_INTERVAL", 0.0)),
            set(),
        )
    entry[1].add(id(crawler))
    return entry[0]


def shared_store(path: Path) -> ArticleStore | None:
    """The store the process's crawlers are using on this database, or None: code beside them
    in the reactor thread writes through it, never through a second connection that would wait
    on the crawlers' open group transaction while blocking the thread that commits it."""
    entry = _STORES.get(Path(path).resolve())
    return entry[0] if entry else None


def release_store(crawler) -> None:
    """Commit the crawler's rows; close the store once no crawler of this process uses it."""
    path = db_path(crawler.settings).resolve()
    entry = _STORES.get(path)
    if entry is None:
        return
    store, users = entry
    try:
        store.commit()
    except sqlite3.Error as exc:  # a full disk: what is committed stays, the rest is refetched
        logger.error("could not commit the crawl's last rows: %s", exc)
    users.discard(id(crawler))
    if not users:
        store.close()
        del _STORES[path]
