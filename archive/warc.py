"""A WARC 1.1 writer: one gzip member per record, `.open` while being written.

No Scrapy here: the writer takes plain bytes (what went over the wire) and an injectable
clock and record-id factory, so tests can byte-compare records.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import socket
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive.cdxj import cdxj_line, index_path, open_lines_path, sort_lines
from crawler.paths import safe_name

logger = logging.getLogger(__name__)

try:
    # zlib-ng: the same gzip format, compressed at level 6 in about half zlib's time (1.7 -> 0.95
    # ms for a 120 KB page of the corpus) and within 2% of its size.
    from zlib_ng import zlib_ng as _deflate
except ImportError:  # pragma: no cover - a dependency, but zlib does the same job slower
    _deflate = zlib

WARC_VERSION = b"WARC/1.1"


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass(frozen=True)
class Exchange:
    """One HTTP fetch as bytes: request head, response head and payload (de-chunked)."""

    url: str
    request_head: bytes  # request line + headers + blank line
    response_head: bytes  # status line + headers + blank line
    payload: bytes  # the entity body as sent (still content-encoded), chunking removed
    request_body: bytes = b""
    raw_response: bytes | None = None  # status line, headers and body exactly as received, if known
    ip_address: str | None = None
    fetched_at: datetime | None = None


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


@dataclass(frozen=True)
class Original:
    """The earlier capture a revisit record refers to."""

    url: str
    date: str
    record_id: str


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
        stamp = self.clock().astimezone(UTC).strftime("%Y%m%d%H%M%S")
        host = safe_name(self.hostname, "host", 63)
        prefix = safe_name(self.prefix, "newsarchive")
        while True:
            name = f"{prefix}-{stamp}-{self._serial:05d}-{host}.warc.gz"
            self._serial += 1
            path = self.directory / name
            if not path.exists() and not path.with_name(name + ".open").exists():
                break
        self._path = path
        self._file = open(path.with_name(name + ".open"), "xb")  # noqa: SIM115 - closed in close()
        if self.index:
            lines = open_lines_path(path)
            lines.parent.mkdir(parents=True, exist_ok=True)
            self._lines = open(lines, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._warcinfo_id = self.new_id()
        fields = {
            "software": "newsarchive",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": self.hostname,
            **self.info,
        }
        body = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode("utf-8")
        self._write(
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", self._warcinfo_id),
                ("WARC-Date", warc_date(self.clock())),
                ("WARC-Filename", name),
                ("Content-Type", "application/warc-fields"),
            ],
            body,
        )

    def _name(self) -> str:
        """The open file's name as records point to it (computed once a file: pathlib's
        relative_to took 20 us, twice a page)."""
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

    def _write(self, headers: list[tuple[str, str]], block: bytes) -> tuple[int, int]:
        head = [WARC_VERSION]
        head += [f"{k}: {v}".encode() for k, v in headers]
        head.append(f"Content-Length: {len(block)}".encode())
        raw = b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"
        comp = _deflate.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip wrapper, one member per record
        data = comp.compress(raw) + comp.flush()
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
        """Write the response (or a revisit) and its request; returns (response ref, request ref).

        A revisit is identical-payload-digest, or server-not-modified for a 304 answer to a
        conditional request (which has no payload, so no payload digest).
        """
        self._ensure_room()
        date = warc_date(ex.fetched_at or self.clock())
        response_id, request_id = self.new_id(), self.new_id()
        payload_digest = payload_digest or sha1_digest(ex.payload)  # the caller may have it already
        common = [("WARC-Target-URI", ex.url), ("WARC-Date", date), ("WARC-Warcinfo-ID", self._warcinfo_id)]
        if ex.ip_address:
            common.append(("WARC-IP-Address", ex.ip_address))
        raw = ex.raw_response
        if revisit_of is None:
            block = raw if raw is not None else ex.response_head + ex.payload
            headers = [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                *common,
                ("Content-Type", "application/http;msgtype=response"),
                ("WARC-Payload-Digest", payload_digest),
                ("WARC-Block-Digest", sha1_digest(block)),
            ]
            kind = "response"
        else:
            # A revisit keeps the head only (WARC 1.1, 6.7.2), as it was received.
            block = (
                raw[: raw.find(b"\r\n\r\n") + 4]
                if raw is not None and b"\r\n\r\n" in raw
                else ex.response_head
            )
            profile = "server-not-modified" if not_modified else "identical-payload-digest"
            headers = [
                ("WARC-Type", "revisit"),
                ("WARC-Record-ID", response_id),
                *common,
                ("WARC-Profile", f"http://netpreserve.org/warc/1.1/revisit/{profile}"),
                ("WARC-Refers-To-Target-URI", revisit_of.url),
                ("WARC-Refers-To-Date", revisit_of.date),
                ("WARC-Refers-To", revisit_of.record_id),
                ("Content-Type", "application/http;msgtype=response"),
                *([] if not_modified else [("WARC-Payload-Digest", payload_digest)]),
                ("WARC-Block-Digest", sha1_digest(block)),
            ]
            kind = "revisit"
        offset, length = self._write(headers, block)
        response_ref = RecordRef(self._name(), offset, length, response_id, kind, date, payload_digest)
        if self._lines is not None:
            self._lines.write(
                cdxj_line(
                    url=ex.url,
                    date=date,
                    head=block
                    if kind == "revisit" or b"\r\n\r\n" not in block
                    else block[: block.find(b"\r\n\r\n") + 4],
                    revisit=kind == "revisit",
                    digest=None if not_modified else payload_digest,
                    offset=offset,
                    length=length,
                    filename=self._path.name,
                )
            )
        req_block = ex.request_head + ex.request_body
        req_headers = [
            ("WARC-Type", "request"),
            ("WARC-Record-ID", request_id),
            *common,
            ("WARC-Concurrent-To", response_id),
            ("Content-Type", "application/http;msgtype=request"),
            ("WARC-Block-Digest", sha1_digest(req_block)),
        ]
        offset, length = self._write(req_headers, req_block)
        request_ref = RecordRef(self._name(), offset, length, request_id, "request", date)
        return response_ref, request_ref

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def dechunk(body: bytes) -> bytes:
    """The entity of a chunked HTTP body (RFC 9112 7.1); a torn last chunk keeps what arrived."""
    out, pos = [], 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(body[pos:end].split(b";", 1)[0].strip() or b"0", 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(body[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
    return b"".join(out)


def http_head(first_line: str | bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    """Serialise a start line and headers the way they go over the wire."""
    if isinstance(first_line, str):
        # Request targets are ASCII once percent-encoded; an IRI that slipped through goes as UTF-8.
        try:
            line = first_line.encode("latin-1")
        except UnicodeEncodeError:
            line = first_line.encode("utf-8", "surrogateescape")
    else:
        line = first_line
    out = [line] + [k + b": " + v for k, v in headers]
    return b"\r\n".join(out) + b"\r\n\r\n"
