"""CDXJ indexes of WARC files (the index pywb and WACZ use).

A crawl writes each record's line as it writes the record (`cdxj_line`, with cdxj-indexer's
default fields and the same libraries for the URL key and the HTTP head) and sorts them when
the file closes: re-reading the file with cdxj-indexer at close would cost time a page (see
BENCHMARKS.md) at the end of the crawl, when nothing else runs. cdxj-indexer itself indexes repaired files (at a crawl's
start, in `merge`) and WACZ packages.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from io import BytesIO
from pathlib import Path

logger = logging.getLogger(__name__)

_MIME_END = re.compile(r"[;\s]")


@cache
def _http_parser():
    """The HTTP head parser warcio's record reader uses (so cdxj-indexer's fields)."""
    from warcio.statusandheaders import StatusAndHeadersParser

    return StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)


def cdxj_line(
    *,
    url: str,
    date: str,
    head: bytes,
    revisit: bool,
    digest: str | None,
    offset: int,
    length: int,
    filename: str,
) -> str:
    """The line cdxj-indexer writes for a response or revisit record.

    date: the record's WARC-Date; head: the HTTP status line and headers in the record;
    digest: its payload digest (None for a 304 revisit, which has none: cdxj-indexer then
    leaves the field out); offset and length: of the record's gzip member.
    """
    import surt
    from warcio.timeutils import iso_date_to_timestamp

    http = _http_parser().parse(BytesIO(head)) if head else None  # an empty revisit has no head
    index: dict[str, str] = {"url": url}
    if revisit:
        mime = "warc/revisit"
    else:
        assert http is not None  # a response always has its head
        mime = http.get_header("Content-Type")
        if mime:
            mime = _MIME_END.split(mime, 1)[0].strip()
    if mime is not None:
        index["mime"] = mime
    if http:
        index["status"] = http.get_statuscode()
    if digest is not None:
        index["digest"] = digest
    index.update(length=str(length), offset=str(offset), filename=Path(filename).name)
    try:
        key = surt.surt(url)
    except Exception:  # as cdxj-indexer does: the URL itself
        key = url
    return f"{key} {iso_date_to_timestamp(date)} {json.dumps(index)}\n"


def open_lines_path(warc: Path) -> Path:
    """Where a WARC file being written keeps its index lines, unsorted, until it closes."""
    index = index_path(warc)
    return index.with_name(index.name + ".open")


def sort_lines(lines_file: Path, out: Path) -> Path:
    """The sorted index from the lines gathered while writing (the file holds one WARC's lines)."""
    lines = lines_file.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.sort()
    tmp = out.with_name(out.name + ".part")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(out)
    lines_file.unlink()
    return out


def index_path(warc: Path) -> Path:
    return warc.parent / "indexes" / (warc.name.removesuffix(".warc.gz") + ".cdxj")


def write_index(warcs: list[Path], out: Path) -> Path:
    """One sorted CDXJ index of the given WARC files (file names as the records' `filename`)."""
    from cdxj_indexer.main import CDXJIndexer

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    CDXJIndexer(output=str(tmp), inputs=[str(w) for w in warcs], sort=True).process_all()
    tmp.replace(out)
    return out


def index_closed_file(warc: Path) -> None:
    """Index a whole closed WARC file with cdxj-indexer (a repaired one); an indexing error is
    logged, never raised into a crawl."""
    try:
        open_lines_path(warc).unlink(missing_ok=True)  # lines of the records before a kill
        write_index([warc], index_path(warc))
    except Exception as exc:  # the WARC is safe either way; the index can be rebuilt from it
        logger.error("could not index %s: %s", warc, exc)
        part = index_path(warc)
        part.with_name(part.name + ".part").unlink(missing_ok=True)


def index_missing(folder: Path) -> int:
    """Index the closed WARC files of a folder that have no index (a crawl that ran out of disk
    before it could write one); returns how many were indexed."""
    done = 0
    for warc in sorted(folder.glob("*.warc.gz")):
        if not index_path(warc).exists():
            index_closed_file(warc)
            done += index_path(warc).exists()
    return done
