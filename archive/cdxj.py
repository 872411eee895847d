"""CDXJ indexes of WARC files, written with cdxj-indexer (the index pywb and WACZ use)."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


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
    """Called when a WARC file is closed; an indexing error is logged, never raised into a crawl."""
    try:
        write_index([warc], index_path(warc))
    except Exception:  # the WARC is safe either way; the index can be rebuilt from it
        logger.exception("could not index %s", warc)
