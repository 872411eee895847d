"""Rebuild the article rows from the WARC files alone, with the current extractor.

The new rows are built in a scratch database and swapped in with one transaction, so an
interrupted rebuild leaves the old rows as they were.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.store import ArticleStore, WarcPointer
from crawler.extract import extract

logger = logging.getLogger(__name__)

REBUILT = ("articles", "article_versions", "related", "articles_fts")


def _warcinfo_fields(record) -> dict[str, str]:
    text = record.content_stream().read().decode("utf-8", "replace")
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def rebuild(
    store: ArticleStore,
    warc_dir: Path,
    profiles: dict,
    *,
    target_script: str = "hans",
    progress: Callable[[int, int, int], None] | None = None,
) -> dict[str, int]:
    """Re-extract every archived response into `store`'s article tables; returns counts."""
    files = sorted(warc_dir.rglob("*.warc.gz"), key=lambda p: (p.name.split("-")[1:3], p.name))
    total = sum(p.stat().st_size for p in files) or 1
    scratch_path = store.path.with_name(store.path.name + ".reextract")
    for leftover in (scratch_path, Path(f"{scratch_path}-wal"), Path(f"{scratch_path}-shm")):
        leftover.unlink(missing_ok=True)
    scratch = ArticleStore(scratch_path)
    counts = {"records": 0, "articles": 0, "versions": 0, "errors": 0}
    done = 0
    for path in files:
        site = path.relative_to(warc_dir).parts[0] if len(path.relative_to(warc_dir).parts) > 1 else "adhoc"
        profile = profiles.get(site)
        crawl_id = ""
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for record in it:
                if record.rec_type == "warcinfo":
                    crawl_id = _warcinfo_fields(record).get("isPartOf", "")
                    continue
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                ctype = record.http_headers.get_header("Content-Type") or ""
                if ctype and "html" not in ctype.lower():
                    # Feeds, sitemaps, robots.txt, images. A page served with no Content-Type
                    # is extracted, as the crawl did (its charset and kind are sniffed).
                    continue
                if profile is not None and not profile.is_article_url(url):
                    continue
                counts["records"] += 1
                body = record.content_stream().read()  # content-encoding undone
                offset = it.get_record_offset()  # after the read: warcio reads to the record's end here
                try:
                    article = extract(url, body, profile, content_type=ctype, target_script=target_script)
                except Exception as exc:  # a bad record never stops a rebuild
                    counts["errors"] += 1
                    logger.warning("reextract: %s: %r", url, exc)
                    continue
                if not article.is_article:
                    continue
                outcome = scratch.save_article(
                    article,
                    site=site,
                    crawl_id=crawl_id,
                    fetched_at=record.rec_headers.get_header("WARC-Date"),
                    warc=WarcPointer(
                        path.relative_to(warc_dir).as_posix(),
                        offset,
                        record.rec_headers.get_header("WARC-Record-ID"),
                    ),
                )
                counts["articles"] += outcome == "new"
                counts["versions"] += outcome in ("new", "changed")
                if progress:
                    progress(done + fh.tell(), total, counts["articles"])
        done += path.stat().st_size
    scratch.close()
    _swap_in(store, scratch_path)
    for leftover in (scratch_path, Path(f"{scratch_path}-wal"), Path(f"{scratch_path}-shm")):
        leftover.unlink(missing_ok=True)
    if progress:
        progress(total, total, counts["articles"])
    return counts


def _swap_in(store: ArticleStore, scratch_path: Path) -> None:
    store.db.execute("ATTACH DATABASE ? AS scratch", [os.fspath(scratch_path)])
    try:
        with store.transaction():
            for table in REBUILT:
                # rowids are copied too: the full-text index is keyed by the articles' rowid.
                cols = ", ".join(f'"{c}"' for c in _columns(store, table))
                store.db.execute(f"delete from main.{table}")  # noqa: S608 - fixed names
                store.db.execute(
                    f"insert into main.{table} (rowid, {cols}) select rowid, {cols} from scratch.{table}"  # noqa: S608
                )
    finally:
        store.db.execute("DETACH DATABASE scratch")


def _columns(store: ArticleStore, table: str) -> list[str]:
    return [row[1] for row in store.db.execute(f"PRAGMA main.table_info({table})").fetchall()]
