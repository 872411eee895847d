"""The WARC writer: rotates files past a size, names them, writes each record as one gzip
member (`.open` while a file is being written) and, when asked, each file's CDXJ index.

What a record holds is built in `archive.records` (pure functions); no Scrapy here. The writer
takes an injectable clock and record-id factory, so tests can byte-compare records.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive.cdxj import cdxj_line, index_path, open_lines_path, sort_lines
from archive.records import (
    OPEN_SUFFIX,
    WARC_1_1,
    Exchange,
    Headers,
    Original,
    exchange_fields,
    gzip_member,
    new_record_id,
    request_record,
    response_head,
    response_record,
    revisit_record,
    sha1_digest,
    warc_date,
    warc_name,
    warcinfo_record,
)
from crawler.paths import safe_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordRef:
    """Where a record lies: file name (relative to the WARC directory), offset and length."""

    filename: str
    offset: int
    length: int
    record_id: str
    record_type: str
    date: str
    payload_digest: str | None = None


@dataclass
class WarcWriter:
    directory: Path
    prefix: str = "newsarchive"
    max_size: int = 1_000_000_000
    hostname: str = field(default_factory=socket.gethostname)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    new_id: Callable[[], str] = new_record_id
    info: dict[str, str] = field(default_factory=dict)
    relative_to: Path | None = None  # file names in RecordRef are relative to this folder
    index: bool = False  # write each file's sorted CDXJ index (indexes/NAME.cdxj) beside it
    _file = None
    _path: Path | None = None
    _named: tuple[Path | None, str] = (None, "")  # _name()'s last answer, for that path
    _serial: int = 0
    _warcinfo_id: str | None = None
    _lines = None  # the open file's CDXJ lines, unsorted
    files_written: list[str] = field(default_factory=list)

    # -- files -------------------------------------------------------------------------

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        host = safe_name(self.hostname, "host", 63)
        prefix = safe_name(self.prefix, "newsarchive")
        opened = self.clock()
        while True:
            name = str(warc_name(prefix, opened, self._serial, host))
            self._serial += 1
            path = self.directory / name
            if not path.exists() and not path.with_name(name + OPEN_SUFFIX).exists():
                break
        self._path = path
        self._file = open(path.with_name(name + OPEN_SUFFIX), "xb")  # noqa: SIM115 - closed in close()
        if self.index:
            lines = open_lines_path(path)
            lines.parent.mkdir(parents=True, exist_ok=True)
            self._lines = open(lines, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._warcinfo_id = self.new_id()
        fields = {
            "software": "newsarchive",
            "format": "WARC File Format 1.1",
            "conformsTo": WARC_1_1,
            "hostname": self.hostname,
            **self.info,
        }
        self._write(*warcinfo_record(self._warcinfo_id, warc_date(self.clock()), name, fields))

    def _name(self) -> str:
        """The open file's name as records point to it (computed once a file: pathlib's
        relative_to is slow for something asked twice a page)."""
        assert self._path is not None
        if self._named[0] != self._path:
            name = self._path.name
            if self.relative_to is not None:
                name = self._path.relative_to(self.relative_to).as_posix()
            self._named = (self._path, name)
        return self._named[1]

    def close(self) -> None:
        if self._file is None:
            return
        self._file.close()
        assert self._path is not None
        os.replace(self._path.with_name(self._path.name + ".open"), self._path)
        if self._lines is not None:
            self._lines.close()
            self._lines = None
            try:
                sort_lines(open_lines_path(self._path), index_path(self._path))
            except OSError:  # the WARC is safe either way; cdxj-indexer can rebuild it from the file
                logger.exception("could not write the index of %s", self._path)
        self.files_written.append(str(self._path))
        logger.info("closed WARC file %s", self._path)
        self._file = None

    def _ensure_room(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_size:
            self.close()
        if self._file is None:
            self._open()

    # -- records -----------------------------------------------------------------------

    def _write(self, headers: Headers, block: bytes) -> tuple[int, int]:
        assert self._file is not None
        data = gzip_member(headers, block)
        offset = self._file.tell()
        self._file.write(data)
        self._file.flush()  # whole records reach the OS at once: a killed process leaves whole members
        return offset, len(data)

    def write_exchange(
        self,
        ex: Exchange,
        revisit_of: Original | None = None,
        not_modified: bool = False,
        payload_digest: str | None = None,
    ) -> tuple[RecordRef, RecordRef]:
        """Write the response (or a revisit of `revisit_of`) and its request; returns (response
        ref, request ref). `not_modified`: the revisit answers a conditional request (304)."""
        self._ensure_room()
        date = warc_date(ex.fetched_at or self.clock())
        response_id, request_id = self.new_id(), self.new_id()
        payload_digest = payload_digest or sha1_digest(ex.payload)  # the caller may have it already
        common = exchange_fields(ex, date, self._warcinfo_id)
        if revisit_of is None:
            headers, block = response_record(ex, response_id, common, payload_digest)
        else:
            headers, block = revisit_record(ex, response_id, common, revisit_of, payload_digest, not_modified)
        kind = "revisit" if revisit_of is not None else "response"
        offset, length = self._write(headers, block)
        response_ref = RecordRef(self._name(), offset, length, response_id, kind, date, payload_digest)
        if self._lines is not None:
            assert self._path is not None
            self._lines.write(
                cdxj_line(
                    url=ex.url,
                    date=date,
                    head=block if kind == "revisit" else response_head(block),
                    revisit=kind == "revisit",
                    digest=None if not_modified else payload_digest,
                    offset=offset,
                    length=length,
                    filename=self._path.name,
                )
            )
        offset, length = self._write(*request_record(ex, request_id, common, response_id))
        request_ref = RecordRef(self._name(), offset, length, request_id, "request", date)
        return response_ref, request_ref

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
