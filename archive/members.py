"""The gzip members of a `.warc.gz` file, one record each, read so that damage in the middle of
a file is one finding and not the end of the reading.

Each record is its own gzip member (WARC 1.1, annex D), so a reader that meets a corrupted
member can look for the next member header (`1f 8b 08`) whose content starts with `WARC/` and
go on from there: every damaged stretch is reported, and every whole record after it is still
checked. warcio's reader stops at the first damage.

Inflating is bounded: a member that inflates past `limit` bytes is reported, not read (a record
newsarchive writes holds at most a page of DOWNLOAD_MAXSIZE and its headers).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A record inflated past this is not one of ours: 32 MiB of payload (DOWNLOAD_MAXSIZE) and
# headers fit twice over.
MAX_RECORD_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20
_HEADER = b"\x1f\x8b\x08"


@dataclass(frozen=True)
class Member:
    """A whole member: where it starts, its compressed length, the record it holds."""

    offset: int
    length: int
    record: bytes


@dataclass(frozen=True)
class Damage:
    """Bytes from `offset` to `end` that are no whole member; `cut` when the file ends inside."""

    offset: int
    end: int
    reason: str
    cut: bool = False


def members(path: Path, limit: int = MAX_RECORD_BYTES) -> Iterator[Member | Damage]:
    """Every member of the file in order, and every damaged stretch between them."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        offset = 0
        while offset < size:
            found = _member_at(fh, offset, limit)
            if isinstance(found, Member):
                yield found
                offset += found.length
                continue
            reason, cut = found
            resume = None if cut else _next_member(fh, offset + 1, size)
            yield Damage(offset, resume if resume is not None else size, reason, cut or resume is None)
            if resume is None:
                return
            offset = resume


def _member_at(fh, offset: int, limit: int) -> Member | tuple[str, bool]:
    """The member starting at `offset`, or (why it is not one, whether the file ended inside)."""
    fh.seek(offset)
    inflater = zlib.decompressobj(31)
    out: list[bytes] = []
    inflated = consumed = 0
    pending = b""
    while True:
        if not pending:
            pending = fh.read(_CHUNK)
            if not pending:
                return "the file ends inside this record (truncated?)", True
        try:
            piece = inflater.decompress(pending, limit + 1 - inflated)
        except zlib.error as exc:
            return f"damaged gzip data ({exc})", False
        inflated += len(piece)
        if inflated > limit:
            return f"inflates past {limit} bytes: not a record newsarchive writes", False
        out.append(piece)
        if inflater.eof:
            consumed += len(pending) - len(inflater.unused_data)
            break
        consumed += len(pending) - len(inflater.unconsumed_tail)
        pending = inflater.unconsumed_tail
    record = b"".join(out)
    if not record.startswith(b"WARC/"):
        return "a gzip member that holds no WARC record", False
    return Member(offset, consumed, record)


def _next_member(fh, start: int, size: int) -> int | None:
    """The offset of the next member header after `start` whose content begins a WARC record."""
    position = start
    while position < size:
        fh.seek(position)
        data = fh.read(_CHUNK + len(_HEADER))
        at = data.find(_HEADER)
        while at != -1:
            if _starts_record(fh, position + at):
                return position + at
            at = data.find(_HEADER, at + 1)
        position += _CHUNK
    return None


def _starts_record(fh, offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(31).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")
