"""Repair WARC files left `.open` by a killed crawl: keep the whole records, drop the torn tail.

Every record is its own gzip member and is flushed whole, so a kill leaves at most one torn
member at the end. We walk the members, keep those that decompress completely into a WARC
record, truncate the file after the last good one and give it its final name.
"""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from archive.records import OPEN_SUFFIX, WARC_SUFFIX, parse_warc_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Repair:
    path: Path  # the final name the file now has
    records: int
    kept: int
    dropped: int


def whole_records_end(data: bytes) -> tuple[int, int]:
    """Offset just past the last complete record, and how many complete records precede it."""
    pos = records = 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        try:
            out = d.decompress(data[pos:])
        except zlib.error:
            break
        if not d.eof or not out.startswith(b"WARC/"):
            break
        records += 1
        pos = len(data) - len(d.unused_data)
    return pos, records


def repair_open_files(directory: Path, prefix: str | None = None) -> list[Repair]:
    """Close the `.open` files a killed writer left; only those named `prefix-<timestamp>-...`
    when a prefix is given (workers sharing a folder each repair their own)."""
    repairs = []
    for path in sorted(directory.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        name = parse_warc_name(path.name)
        if prefix and (name is None or name.prefix != prefix):
            continue
        data = path.read_bytes()
        end, records = whole_records_end(data)
        final = path.with_name(path.name.removesuffix(".open"))
        if records == 0:
            path.unlink()  # not even a warcinfo record survived: nothing to keep
            logger.warning("removed empty leftover WARC %s (%d torn bytes)", path, len(data))
            repairs.append(Repair(final, 0, 0, len(data)))
            continue
        with path.open("r+b") as fh:
            fh.truncate(end)
        os.replace(path, final)
        logger.warning(
            "repaired leftover WARC %s: kept %d records (%d bytes), dropped %d torn bytes",
            final,
            records,
            end,
            len(data) - end,
        )
        repairs.append(Repair(final, records, end, len(data) - end))
    return repairs
