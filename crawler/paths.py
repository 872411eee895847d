"""Where the database and WARC files live, from settings or command-line options."""

from __future__ import annotations

from pathlib import Path


def safe_name(text: str, fallback: str = "x", limit: int = 64) -> str:
    """A file-name component from anything (a site name, a host, a setting): no separators, no
    `..`, no leading dot, so that a path built from it cannot leave its folder."""
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)[:limit].lstrip(".")
    return name.replace("..", "-") or fallback


def inside(root: Path, *parts: str) -> Path:
    """root/parts, refusing a result outside root (a last check where names come from outside)."""
    path = Path(root).joinpath(*parts)
    if not path.resolve().is_relative_to(Path(root).resolve()):
        raise ValueError(f"{path} is outside {root}")
    return path


def db_path(settings) -> Path:
    return Path(
        settings.get("NEWSARCHIVE_DB") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "news.db"
    )


def warc_dir(settings) -> Path:
    return Path(
        settings.get("ARCHIVE_WARC_DIR") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "warc"
    )


# One ArticleStore (one connection) per database in this process, shared by every crawler that
# writes to it: `crawl A B` runs several crawlers on one reactor thread, and with grouped commits
# two connections would wait on each other's open write transaction.
_STORES: dict[Path, tuple[object, set[int]]] = {}


def store_for(crawler):
    """The ArticleStore of the crawler's database, shared by its extensions and pipelines and by
    the process's other crawlers on the same file; `release_store` when the crawler is done."""
    path = db_path(crawler.settings).resolve()
    entry = _STORES.get(path)
    if entry is None:
        from archive.store import ArticleStore

        entry = _STORES[path] = (
            ArticleStore(path, commit_every=crawler.settings.getfloat("NEWSARCHIVE_COMMIT_INTERVAL", 0.0)),
            set(),
        )
    entry[1].add(id(crawler))
    return entry[0]


def shared_store(path: Path):
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
    store.commit()
    users.discard(id(crawler))
    if not users:
        store.close()
        del _STORES[path]
