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

from archive.cdxj import cdxj_line, index_closed_file, index_path, open_lines_path, sort_lines
from archive.records import (
    OPEN_SUFFIX,
    WARC_1_1,
    Exchange,
    Headers,
    Original,
    exchange_fields,
    gzip_member,
    new_record_id,
    not_modified_record,
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


class ArchiveWriteError(OSError):
    """A record could not be written (a full disk, an I/O error): the file was cut back to its
    last whole record, and this writer writes no more."""


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
    _broken: str | None = None  # why a write failed; no record is written after it
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
        # Unbuffered: each record is one write that reaches the OS whole or is cut back, so a
        # full disk never leaves half a record in a buffer to be flushed later.
        self._file = open(path.with_name(name + OPEN_SUFFIX), "xb", buffering=0)  # noqa: SIM115 - closed in close()
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
            lines, self._lines = self._lines, None
            try:
                lines.close()
                if self._broken is None:
                    sort_lines(open_lines_path(self._path), index_path(self._path))
            except OSError as exc:  # a full disk: the WARC is whole either way
                logger.error("could not write the index of %s: %s", self._path, exc)
            if self._broken is not None or open_lines_path(self._path).exists():
                # The lines may miss the last records or end in half a line: the index is made
                # from the file itself, now or (the disk still full) by the next crawl's start.
                open_lines_path(self._path).unlink(missing_ok=True)
                index_closed_file(self._path)
        self.files_written.append(str(self._path))
        logger.info("closed WARC file %s", self._path)
        self._file = None

    def _ensure_room(self) -> None:
        if self._broken is not None:
            raise ArchiveWriteError(f"the WARC writer stopped after an error: {self._broken}")
        if self._file is not None and self._file.tell() >= self.max_size:
            self.close()
        if self._file is None:
            try:
                self._open()
            except OSError as exc:
                self._fail(exc, 0)

    def _fail(self, exc: OSError, good: int) -> None:
        """Cut the open file back to `good` bytes (its last whole record), stop writing, raise."""
        self._broken = f"{exc.strerror or exc} ({self._path or self.directory})"
        if self._file is not None:
            try:
                os.ftruncate(self._file.fileno(), good)
                self._file.seek(good)
            except OSError:
                logger.exception("could not cut %s back to its last whole record", self._path)
            if good == 0:  # not even its warcinfo: no file at all
                self._file.close()
                self._file = None
                assert self._path is not None
                self._path.with_name(self._path.name + OPEN_SUFFIX).unlink(missing_ok=True)
                if self._lines is not None:
                    self._lines.close()
                    self._lines = None
                    open_lines_path(self._path).unlink(missing_ok=True)
        raise ArchiveWriteError(exc.errno, self._broken) from exc

    # -- records -----------------------------------------------------------------------

    def _write(self, headers: Headers, block: bytes) -> tuple[int, int]:
        assert self._file is not None
        data = gzip_member(headers, block)
        offset = self._file.tell()
        view = memoryview(data)
        while view:  # an unbuffered write may take part of the bytes (a disk filling up)
            view = view[self._file.write(view) :]
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
        assert self._file is not None
        start = self._file.tell()
        try:
            return self._write_exchange(ex, revisit_of, not_modified, payload_digest)
        except OSError as exc:
            self._fail(exc, start)
            raise  # not reached: _fail raises

    def _write_exchange(
        self, ex: Exchange, revisit_of: Original | None, not_modified: bool, payload_digest: str | None
    ) -> tuple[RecordRef, RecordRef]:
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
        line = None
        if self._lines is not None:
            assert self._path is not None
            line = cdxj_line(
                url=ex.url,
                date=date,
                head=block if kind == "revisit" else response_head(block),
                revisit=kind == "revisit",
                digest=None if not_modified else payload_digest,
                offset=offset,
                length=length,
                filename=self._path.name,
            )
        req_offset, req_length = self._write(*request_record(ex, request_id, common, response_id))
        request_ref = RecordRef(self._name(), req_offset, req_length, request_id, "request", date)
        if not_modified and revisit_of is not None:
            self._write(*not_modified_record(ex, self.new_id(), common, response_id))
        if line is not None and self._lines is not None:
            # After both records: a line is written only for a record that is whole.
            self._lines.write(line)
        return response_ref, request_ref

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
