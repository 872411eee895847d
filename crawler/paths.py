"""Where the database and WARC files live, from settings or command-line options."""

from __future__ import annotations

from pathlib import Path


def db_path(settings) -> Path:
    return Path(
        settings.get("NEWSARCHIVE_DB") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "news.db"
    )


def warc_dir(settings) -> Path:
    return Path(
        settings.get("ARCHIVE_WARC_DIR") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "warc"
    )


def store_for(crawler):
    """One ArticleStore per crawler, shared by its extensions and pipelines (one connection)."""
    store = getattr(crawler, "_newsarchive_store", None)
    if store is None:
        from archive.store import ArticleStore

        store = ArticleStore(db_path(crawler.settings))
        crawler._newsarchive_store = store
    return store
