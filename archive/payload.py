"""Read one archived response's payload back from its WARC file (no Scrapy)."""

from __future__ import annotations

import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

# What a damaged, cut or vanished file raises while its record is read (warcio raises
# AttributeError on a record whose headers came out of a corrupted gzip member).
READ_ERRORS = (OSError, StopIteration, ValueError, EOFError, AttributeError, zlib.error)


def incomplete(record) -> bool:
    """Whether a record, read to its end, was cut short: it declares a block digest that warcio
    could not check because the bytes ran out (warcio itself says nothing: a truncated file
    simply ends early)."""
    if record.rec_type == "revisit":  # warcio checks no digest of a revisit: nothing to judge by
        return False
    return bool(record.rec_headers.get_header("WARC-Block-Digest")) and record.digest_checker.passed is None


def read_payload(warc_dir: Path, filename: str, offset: int) -> bytes | None:
    """The HTTP payload (content-encoding undone) of the response record at `offset` of
    `filename`, or None when the record cannot be read."""
    path = warc_dir / filename
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh, check_digests=True)))
            if record.rec_type != "response":
                return None
            return record.content_stream().read()
    except READ_ERRORS:
        return None
