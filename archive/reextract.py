"""Rebuild the article rows from the WARC files alone, with the current extractor.

The new rows are built in a scratch database and swapped in with one transaction, so an
interrupted rebuild leaves the old rows as they were.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.payload import READ_ERRORS, gzip_cut_at, incomplete, read_payload
from archive.store import ArticleStore, PageCapture, WarcPointer
from crawler.extract import extract
from crawler.extract.pager import merge_pages, page_number, possible_first_pages

logger = logging.getLogger(__name__)

REBUILT = (
    "articles",
    "article_versions",
    "related",
    "articles_fts",
    "article_aliases",
    "article_pages",
    "checks",
    "article_status",
)


def _warcinfo_fields(record) -> dict[str, str]:
    text = record.content_stream().read().decode("utf-8", "replace")
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


@dataclass(frozen=True, order=True)
class _Response:
    """An archived HTML response to re-extract, in the order it was fetched."""

    date: str
    path: Path
    offset: int
    url: str = field(compare=False)
    content_type: str = field(compare=False)
    record_id: str = field(compare=False)
    crawl_id: str = field(compare=False)
    site: str = field(compare=False)
    # False for a page the profile's article patterns do not name: kept only as a possible
    # later page of an article split over pages.
    listed: bool = field(default=True, compare=False)


def _responses(
    files: list[Path],
    warc_dir: Path,
    profiles: dict,
    damaged: dict[Path, str],
    aliases: list | None = None,
    holders: _Holders | None = None,
    answers: list | None = None,
) -> list[_Response]:
    """Pass one: every archived 200 response that the crawl would have extracted, read for its
    headers only. A file that cannot be read to its end goes to `damaged` with the reason;
    identical-payload revisits of another URL go to `aliases` as (url, that URL, date);
    `holders` learns which record holds each URL's last good bytes (images, for their entries);
    `answers` gets every response and revisit, for the checks of the articles."""
    from crawler.lifecycle.rebuild import answer_of

    found = []
    for path in files:
        parts = path.relative_to(warc_dir).parts
        site = parts[0] if len(parts) > 1 else "adhoc"
        profile = profiles.get(site)
        crawl_id, clock = "", None
        try:
            with path.open("rb") as fh:
                it = ArchiveIterator(fh, check_digests=True)
                for record in it:
                    if record.rec_type == "warcinfo":
                        fields = _warcinfo_fields(record)
                        crawl_id, clock = fields.get("isPartOf", ""), fields.get("newsarchive-now")
                        continue
                    record.raw_stream.read()  # to its end, so that a record cut short shows
                    # Asked only now: warcio's offset lookup before a read spoils the read.
                    offset = it.get_record_offset()
                    if incomplete(record):
                        damaged[path] = f"the record at offset {offset} is cut short"
                        break
                    if holders is not None:
                        holders.note(record, path.relative_to(warc_dir).as_posix(), offset)
                    if answers is not None:
                        answer = answer_of(
                            record, path.relative_to(warc_dir).as_posix(), offset, crawl_id, site, clock
                        )
                        if answer is not None:
                            answers.append(answer)
                    if record.rec_type == "revisit" and aliases is not None:
                        _note_alias(record, profile, aliases)
                        continue
                    response = _page_response(record, profile)
                    if response is not None:
                        url, ctype, listed = response
                        date, record_id = (
                            record.rec_headers.get_header(h) for h in ("WARC-Date", "WARC-Record-ID")
                        )
                        found.append(
                            _Response(date or "", path, offset, url, ctype, record_id, crawl_id, site, listed)
                        )
        except READ_ERRORS + (ArchiveLoadFailed,) as exc:
            damaged[path] = f"unreadable ({type(exc).__name__}: {exc})"
    return found


def _page_response(record, profile) -> tuple[str, str, bool] | None:
    """(url, content type, whether the profile names it an article) of a 200 response the crawl
    would have extracted; None for anything else."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    ctype = record.http_headers.get_header("Content-Type") or ""
    if ctype and "html" not in ctype.lower():
        # Feeds, sitemaps, robots.txt, images. A page served with no Content-Type is extracted,
        # as the crawl did (its charset and kind are sniffed).
        return None
    listed = profile is None or profile.is_article_url(url)
    if not listed and not possible_first_pages(url):
        return None
    return url, ctype, listed


def _cut_files(store: ArticleStore, files: list[Path], warc_dir: Path, damaged: dict[Path, str]) -> None:
    """Add to `damaged` the files cut where warcio cannot tell: inside a record's headers or a
    revisit (the gzip member is unfinished), or exactly between two records (the dataset
    captured records beyond the file's end)."""
    for path in files:
        if path in damaged:
            continue
        cut = gzip_cut_at(path)
        if cut is not None:
            damaged[path] = f"the record at offset {cut} is cut short"
            continue
        end = store.db.execute(
            "select max(warc_offset + warc_length) from captures where warc_filename = ?",
            [path.relative_to(warc_dir).as_posix()],
        ).fetchone()[0]
        if end is not None and end > path.stat().st_size:
            damaged[path] = (
                f"it is cut short: it ends at byte {path.stat().st_size}, records were captured up to byte {end}"
            )


class _Holders:
    """URL -> the WARC response holding the bytes of its last good capture, from the records
    themselves (a revisit's bytes are in the response it refers to)."""

    def __init__(self) -> None:
        self.latest: dict[str, tuple[str, str]] = {}  # url -> (WARC-Date, record id)
        self.where: dict[str, tuple[str, int]] = {}  # response record id -> (file, offset)

    def note(self, record, filename: str, offset: int) -> None:
        if record.rec_type not in ("response", "revisit"):
            return
        if record.http_headers is None:
            # A server-not-modified revisit has no head (archive/records.py): the URL's bytes
            # are still those of the capture it refers to.
            if "server-not-modified" not in (record.rec_headers.get_header("WARC-Profile") or ""):
                return
        elif record.http_headers.get_statuscode() not in ("200", "304"):
            return
        headers = record.rec_headers
        record_id = headers.get_header("WARC-Record-ID")
        if record.rec_type == "response":
            self.where[record_id] = (filename, offset)
            holder = record_id
        else:
            holder = headers.get_header("WARC-Refers-To") or ""
        url, date = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date") or ""
        if url not in self.latest or self.latest[url][0] <= date:
            self.latest[url] = (date, holder)

    def __call__(self, url: str) -> tuple[str, int] | None:
        found = self.latest.get(url)
        return self.where.get(found[1]) if found else None


def _units(responses: list[_Response]) -> list[list[_Response]]:
    """The responses as the crawl stored them, in fetch order: one response a unit, except the
    pages of an article split over several, which make one unit (page 1 first) for each crawl
    that fetched any of them, placed at that crawl's last fetch of them. Later pages are told
    by their URLs, as the crawl told them (crawler/extract/pager.py)."""
    urls = {r.url for r in responses}
    pages_of: dict[str, dict[str, int]] = {}
    for url in urls:
        for candidate in possible_first_pages(url):
            number = page_number(candidate, url) if candidate in urls else None
            if number is not None:
                pages_of.setdefault(candidate, {})[url] = number
    later = {url: head for head, pages in pages_of.items() for url in pages}
    last_fetch = {}
    for i, r in enumerate(responses):
        first = r.url if r.url in pages_of else later.get(r.url)
        if first is not None:
            last_fetch[(first, r.crawl_id)] = i
    units: list[list[_Response]] = []
    latest: dict[str, _Response] = {}
    for i, r in enumerate(responses):
        first = r.url if r.url in pages_of else later.get(r.url)
        if first is None:
            if r.listed:
                units.append([r])
            continue
        latest[r.url] = r
        if last_fetch[(first, r.crawl_id)] == i and first in latest:
            ordered = sorted((n, u) for u, n in pages_of[first].items() if u in latest)
            units.append([latest[first], *(latest[u] for _, u in ordered)])
    return units


def _note_alias(record, profile, aliases: list) -> None:
    """An identical-payload revisit of another URL's response: (url, that URL, date)."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    target = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
    if (
        not target
        or target == url
        or "identical-payload" not in (record.rec_headers.get_header("WARC-Profile") or "")
    ):
        return
    if profile is not None and not profile.is_article_url(url):
        return
    aliases.append((url, target, record.rec_headers.get_header("WARC-Date") or ""))


def rebuild(
    store: ArticleStore,
    warc_dir: Path,
    profiles: dict,
    *,
    target_script: str = "hans",
    progress: Callable[[int, int, int], None] | None = None,
) -> dict:
    """Re-extract every archived response into `store`'s article tables; returns counts, and
    under "damaged" the WARC files that could not be read whole, with why.

    Responses are extracted in the order they were fetched (their WARC-Date), whatever file
    holds them, so that an article's versions keep their order across the files of several
    workers. When a file is damaged and rows of the dataset point into it, nothing is swapped
    in: those rows would be lost ("kept" in the counts says how many)."""
    files = sorted(warc_dir.rglob("*.warc.gz"))
    damaged: dict[Path, str] = {}
    aliases: list[tuple[str, str, str]] = []
    holders = _Holders()
    answers: list = []
    responses = sorted(_responses(files, warc_dir, profiles, damaged, aliases, holders, answers))
    _cut_files(store, files, warc_dir, damaged)
    scratch_path = store.path.with_name(store.path.name + ".reextract")
    _remove(scratch_path)
    scratch = ArticleStore(scratch_path)
    counts: dict = {"records": 0, "articles": 0, "versions": 0, "errors": 0, "kept": 0}
    units = _units(responses)
    for n, unit in enumerate(units, 1):
        counts["records"] += len(unit)
        outcome = _rebuild_unit(scratch, unit, warc_dir, profiles, target_script)
        counts["errors"] += outcome == "error"
        counts["articles"] += outcome == "new"
        counts["versions"] += outcome in ("new", "changed")
        if progress:
            progress(n, len(units) + 1, counts["articles"])
    for url, target, date in sorted(aliases, key=lambda a: a[2]):
        # The same page at another URL: an alias of the article its bytes were first stored as.
        if scratch.has_article(target):
            scratch.add_alias(url, target, date)
    from crawler.lifecycle.rebuild import rebuild_checks

    counts["checks"] = rebuild_checks(
        scratch, answers, warc_dir, profiles, store.crawl_start_urls(profiles), holders.where
    )
    scratch.close()
    counts["damaged"] = {str(p): why for p, why in damaged.items()}
    lost = _rows_in(store, scratch_path, {p.relative_to(warc_dir).as_posix() for p in damaged})
    counts["kept"] = lost
    if not lost:
        _swap_in(store, scratch_path)
        store.annotate_images(archived=holders)
        from archive.clusters import update_clusters

        counts["clusters"] = update_clusters(store, everything=True).clusters
    _remove(scratch_path)
    if progress:
        progress(1, 1, counts["articles"])
    return counts


def _rebuild_unit(
    scratch: ArticleStore, unit: list[_Response], warc_dir: Path, profiles: dict, target_script: str
) -> str:
    """Extract one unit (a page, or the pages of one article) and store it as the crawl did;
    returns save_article's outcome, "error", or "" for a page that is no article."""
    response = unit[0]
    try:
        article = merge_pages(
            [_extract(warc_dir, r, profiles, target_script, later_page=k > 0) for k, r in enumerate(unit)]
        )
    except Exception as exc:  # a bad record never stops a rebuild
        logger.warning("reextract: %s: %r", response.url, exc)
        return "error"
    if not article.is_article:
        return ""
    pages = tuple(
        PageCapture(k, r.url, WarcPointer(r.path.relative_to(warc_dir).as_posix(), r.offset, r.record_id))
        for k, r in enumerate(unit, 1)
    )
    return scratch.save_article(
        article,
        site=response.site,
        crawl_id=response.crawl_id,
        fetched_at=response.date,
        warc=pages[0].warc,
        pages=pages if len(pages) > 1 else (),
    )


def _extract(
    warc_dir: Path, response: _Response, profiles: dict, target_script: str, later_page: bool = False
):
    body = read_payload(warc_dir, response.path.relative_to(warc_dir).as_posix(), response.offset)
    if body is None:
        raise ValueError(f"the record at offset {response.offset} of {response.path} cannot be read")
    return extract(
        response.url,
        body,
        profiles.get(response.site),
        content_type=response.content_type or None,
        target_script=target_script,
        later_page=later_page,
    )


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _rows_in(store: ArticleStore, scratch_path: Path, files: set[str]) -> int:
    """Articles of the dataset whose record lies in one of `files` and that the rebuild did not
    find again: a swap would delete them."""
    if not files:
        return 0
    store.db.execute("ATTACH DATABASE ? AS scratch", [os.fspath(scratch_path)])
    try:
        marks = ", ".join("?" for _ in files)
        return store.db.execute(
            f"select count(*) from main.articles where warc_filename in ({marks}) "  # noqa: S608
            "and url not in (select url from scratch.articles)",
            sorted(files),
        ).fetchone()[0]
    finally:
        store.db.execute("DETACH DATABASE scratch")


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
