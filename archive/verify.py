"""Check that the dataset and the archive agree: every row's record exists and is intact."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.members import Damage, members
from archive.payload import incomplete
from archive.records import dechunk, sha1_digest

# A damaged file can make a reader fail in any way (warcio raises AttributeError on a record
# whose headers came out of a corrupted gzip member): every one of them is a finding, not a crash.
_READ_ERRORS = (Exception,)


def _drain(record) -> bytes:
    """Read a record to its end (so warcio checks its digests); returns the raw payload bytes."""
    return record.raw_stream.read()


def _payload_problems(record, raw_payload: bytes) -> list[str]:
    """warcio's digest problems, judged by WARC 1.1 6.3.2 for chunked responses.

    warcio digests a chunked body with its chunk framing (warcio issues #74, #75); the WARC
    payload is the entity with the transfer encoding removed, which is what we digest.
    """
    problems = list(record.digest_checker.problems) if record.digest_checker.passed is False else []
    chunked = (
        record.http_headers is not None
        and "chunked" in (record.http_headers.get_header("Transfer-Encoding") or "").lower()
    )
    if chunked and any(p.startswith("payload digest failed") for p in problems):
        declared = record.rec_headers.get_header("WARC-Payload-Digest")
        if declared == sha1_digest(dechunk(raw_payload)):
            problems = [p for p in problems if not p.startswith("payload digest failed")]
        else:
            problems = [p for p in problems if not p.startswith("payload digest failed")] + [
                f"payload digest of the de-chunked entity is not {declared}"
            ]
    return problems


def check_file(path: Path, pointing: Callable[[int, int], list[str]] | None = None) -> Iterator[str]:
    """Problems in one WARC file: unreadable records, digest mismatches, a cut end. In a
    `.warc.gz`, every damaged stretch is reported, with the rows that point into it
    (`pointing(start, end)`), and the records after it are still checked."""
    if not path.name.endswith(".gz"):
        yield from _check_plain(path)
        return
    for found in members(path):
        if isinstance(found, Damage):
            what = "cut short: " if found.cut else ""
            rows = pointing(found.offset, found.end) if pointing is not None else []
            line = f"{path}: record at offset {found.offset}: {what}{found.reason}"
            if not found.cut:
                line += f"; {found.end - found.offset} bytes damaged, reading goes on at offset {found.end}"
            if rows:
                shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
                line += f"; rows pointing into it: {shown}"
            yield line
            continue
        try:
            record = next(iter(ArchiveIterator(io.BytesIO(found.record), check_digests=True)))
            problems = _payload_problems(record, _drain(record))
            if incomplete(record):
                problems.append("its block is shorter than its Content-Length")
        except _READ_ERRORS as exc:
            problems = [f"unreadable ({type(exc).__name__}: {exc})"]
        if problems:
            yield f"{path}: record at offset {found.offset}: {'; '.join(problems)}"


def _check_plain(path: Path) -> Iterator[str]:
    """An uncompressed `.warc`: read by warcio to its first damage."""
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                problems = _payload_problems(record, _drain(record))
                if incomplete(record):
                    problems.append("cut short: the file ends inside this record (truncated?)")
                if problems:
                    yield f"{path}: record at offset {it.get_record_offset()}: {'; '.join(problems)}"
    except _READ_ERRORS as exc:
        yield f"{path}: unreadable ({type(exc).__name__}: {exc})"


def check_pointer(
    warc_dir: Path, url: str, filename: str | None, offset: int | None, record_id: str | None
) -> str | None:
    """Why a row's WARC pointer is wrong, or None when it leads to its intact response record."""
    if not filename or offset is None:
        return f"{url}: no WARC record recorded"
    path = warc_dir / filename
    if not path.is_file():
        return f"{url}: WARC file {filename} is missing"
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh, check_digests=True)))
            problems = _payload_problems(record, _drain(record))
    except _READ_ERRORS as exc:
        return f"{url}: no readable record at {filename} offset {offset} ({type(exc).__name__})"
    got_id = record.rec_headers.get_header("WARC-Record-ID")
    got_url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type != "response" or got_url != url or (record_id and got_id != record_id):
        return (
            f"{url}: {filename} offset {offset} holds a {record.rec_type} record for {got_url} "
            f"({got_id}), not this article's response {record_id}"
        )
    if problems:
        return f"{url}: digest mismatch in {filename} offset {offset}: {'; '.join(problems)}"
    return None


def _captured_past_end(db, warc_dir: Path, path: Path) -> Iterator[str]:
    """A file cut exactly between two records reads as whole: only the captures table knows
    that records were written beyond its end."""
    end = db.execute(
        "select max(warc_offset + warc_length) from captures where warc_filename = ?",
        [path.relative_to(warc_dir).as_posix()],
    ).fetchone()[0]
    if end is not None and end > path.stat().st_size:
        yield f"{path}: cut short: it ends at byte {path.stat().st_size}, records were captured up to byte {end}"


def verify(db, warc_dir: Path) -> Iterator[str]:
    """Every problem found, one line each; nothing yielded means the dataset is intact."""
    for table in ("articles", "article_versions"):
        for url, filename, offset, record_id in db.execute(
            f"select url, warc_filename, warc_offset, warc_record_id from {table}"  # noqa: S608 - fixed names
        ):
            problem = check_pointer(warc_dir, url, filename, offset, record_id)
            if problem:
                yield f"{table}: {problem}"
    for url, article_url in db.execute(
        "select url, article_url from article_aliases where article_url not in (select url from articles)"
    ):
        yield f"article_aliases: {url} is an alias of {article_url}, which is no article"
    for path in sorted(warc_dir.rglob("*.warc.gz")):
        name = path.relative_to(warc_dir).as_posix()

        def pointing(start: int, end: int, name: str = name) -> list[str]:
            return [
                url
                for (url,) in db.execute(
                    "select url from articles where warc_filename = ? and warc_offset >= ? and warc_offset < ? "
                    "union select url from article_versions where warc_filename = ? and warc_offset >= ? "
                    "and warc_offset < ? order by url",
                    [name, start, end] * 2,
                )
            ]

        yield from check_file(path, pointing)
        yield from _captured_past_end(db, warc_dir, path)
    for path in sorted(warc_dir.rglob("*.open")):
        yield f"{path}: left open by an interrupted crawl (the next crawl of its site repairs it)"
