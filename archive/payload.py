"""Read one archived response's payload back from its WARC file (no Scrapy)."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

# What a damaged, cut or vanished file raises while its record is read.
READ_ERRORS = (OSError, StopIteration, ValueError, EOFError)


def read_payload(warc_dir: Path, filename: str, offset: int) -> bytes | None:
    """The HTTP payload (content-encoding undone) of the response record at `offset` of
    `filename`, or None when the record cannot be read."""
    path = warc_dir / filename
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            if record.rec_type != "response":
                return None
            return record.content_stream().read()
    except READ_ERRORS:
        return None
