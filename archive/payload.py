"""Read one archived response's payload back from its WARC file (no Scrapy)."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

logger = logging.getLogger(__name__)

# What a damaged, cut or vanished file raises while its record is read (warcio raises
# AttributeError on a record whose headers came out of a corrupted gzip member).
READ_ERRORS = (OSError, StopIteration, ValueError, EOFError, AttributeError, zlib.error)

# A payload read back from the archive is inflated (its Content-Encoding undone) at most to
# this: a deflate bomb archived as it was served must not take the memory of `reextract` or of
# the crawl that rereads it after a 304. The crawl never accepts a larger page (DOWNLOAD_MAXSIZE,
# 32 MiB, compressed or not), so nothing it stored is cut off.
MAX_PAGE_BYTES = 32 * 1024 * 1024


class PayloadTooLarge(ValueError):
    pass


def read_bounded(stream, limit: int = MAX_PAGE_BYTES, what: str = "the payload") -> bytes:
    """Read a stream to its end, refusing past `limit` bytes (PayloadTooLarge)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"{what} is larger than {limit:,} bytes")
    return data


def incomplete(record) -> bool:
    """Whether a record, read to its end, was cut short: it declares a block digest that warcio
    could not check because the bytes ran out (warcio itself says nothing: a truncated file
    simply ends early)."""
    if record.rec_type == "revisit":  # warcio checks no digest of a revisit: nothing to judge by
        return False
    return bool(record.rec_headers.get_header("WARC-Block-Digest")) and record.digest_checker.passed is None


def gzip_cut_at(path: Path, chunk: int = 1 << 20) -> int | None:
    """The offset of the gzip member a `.warc.gz` file ends inside, or None when its last member
    is whole. The record-level test above misses a file cut inside a record's headers or inside
    a revisit (no digest to judge by), where warcio simply stops: the gzip framing never lies."""
    if not path.name.endswith(".gz"):
        return None
    member_start, consumed = 0, 0
    inflater = zlib.decompressobj(31)
    with path.open("rb") as fh:
        while data := fh.read(chunk):
            while data:
                inflater.decompress(data)
                if not inflater.eof:
                    consumed += len(data)
                    break
                tail = inflater.unused_data
                consumed += len(data) - len(tail)
                member_start, data = consumed, tail
                inflater = zlib.decompressobj(31)
    # A fresh inflater that was fed nothing means the file ended exactly after a member.
    fed = consumed > member_start
    return member_start if fed and not inflater.eof else None


def read_payload(warc_dir: Path, filename: str, offset: int) -> bytes | None:
    """The HTTP payload (content-encoding undone) of the response record at `offset` of
    `filename`, or None when the record cannot be read."""
    path = warc_dir / filename
    if not path.exists() and Path(f"{path}.open").exists():
        path = Path(f"{path}.open")  # the file this very crawl is writing (whole records only)
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh, check_digests=True)))
            if record.rec_type != "response":
                return None
            return read_bounded(record.content_stream(), what=f"the payload at {filename} offset {offset}")
    except PayloadTooLarge as exc:
        logger.warning("%s: not read back", exc)
        return None
    except READ_ERRORS:
        return None
