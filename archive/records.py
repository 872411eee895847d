"""WARC 1.1 records as data: pure functions that return a record's headers and block, the
gzip member that holds one record, and the archive's file names. No files, no clocks: the
writer (`archive.warc`) decides when and where; everything here can be byte-compared.
"""

from __future__ import annotations

import base64
import hashlib
import re
import types
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

_deflate: types.ModuleType = zlib
try:
    # zlib-ng: the same gzip format at level 6, faster than zlib and about as small
    # (BENCHMARKS.md).
    from zlib_ng import zlib_ng

    _deflate = zlib_ng
except ImportError:  # pragma: no cover - a dependency, but zlib does the same job slower
    pass

WARC_VERSION = b"WARC/1.1"
WARC_1_1 = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/"
HTTP_RESPONSE = "application/http;msgtype=response"
HTTP_REQUEST = "application/http;msgtype=request"

Headers = list[tuple[str, str]]


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
class Original:
    """The earlier capture a revisit record refers to."""

    url: str
    date: str
    record_id: str


# -- records ------------------------------------------------------------------------------


def warcinfo_record(
    record_id: str, date: str, filename: str, fields: dict[str, str]
) -> tuple[Headers, bytes]:
    """The record that opens each file: who wrote it, and how (fields without a value are left out)."""
    block = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode("utf-8")
    headers = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
        ("WARC-Filename", filename),
        ("Content-Type", "application/warc-fields"),
    ]
    return headers, block


def exchange_fields(ex: Exchange, date: str, warcinfo_id: str | None) -> Headers:
    """The headers a fetch's response (or revisit) and request records share."""
    common = [("WARC-Target-URI", ex.url), ("WARC-Date", date), ("WARC-Warcinfo-ID", warcinfo_id or "")]
    if ex.ip_address:
        common.append(("WARC-IP-Address", ex.ip_address))
    return common


def response_record(
    ex: Exchange, record_id: str, common: Headers, payload_digest: str
) -> tuple[Headers, bytes]:
    """The response as received (status line, headers, body), or rebuilt from its parts."""
    raw = ex.raw_response
    block = raw if raw is not None else ex.response_head + ex.payload
    headers = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", record_id),
        *common,
        ("Content-Type", HTTP_RESPONSE),
        ("WARC-Payload-Digest", payload_digest),
        ("WARC-Block-Digest", sha1_digest(block)),
    ]
    return headers, block


def received_head(ex: Exchange) -> bytes:
    """The response's status line and headers (with the blank line ending them) as received,
    or as rebuilt when the raw bytes are not known."""
    raw = ex.raw_response
    end = raw.find(b"\r\n\r\n") if raw is not None else -1
    return raw[: end + 4] if raw is not None and end >= 0 else ex.response_head


def revisit_record(
    ex: Exchange,
    record_id: str,
    common: Headers,
    original: Original,
    payload_digest: str,
    not_modified: bool,
) -> tuple[Headers, bytes]:
    """A revisit: identical-payload-digest, which keeps the response head as it was received
    (WARC 1.1, 6.7.2), or server-not-modified for a 304 answer to a conditional request.

    The server-not-modified revisit has an empty block. pywb and wabac.js both replay a revisit
    whose stored head says 3xx as that head with no body (a redirect needs none), so a 304 head
    in it would make the newest capture of every unchanged page an empty 304. With no head they
    look the original up by WARC-Refers-To-Target-URI and WARC-Refers-To-Date and serve its
    status, headers and bytes. The 304 head itself goes to the metadata record that follows
    (`not_modified_record`), so nothing the server sent is lost."""
    block = b"" if not_modified else received_head(ex)
    profile = "server-not-modified" if not_modified else "identical-payload-digest"
    headers = [
        ("WARC-Type", "revisit"),
        ("WARC-Record-ID", record_id),
        *common,
        ("WARC-Profile", REVISIT_PROFILE + profile),
        ("WARC-Refers-To-Target-URI", original.url),
        ("WARC-Refers-To-Date", original.date),
        ("WARC-Refers-To", original.record_id),
        *([] if not_modified else [("Content-Type", HTTP_RESPONSE), ("WARC-Payload-Digest", payload_digest)]),
        ("WARC-Block-Digest", sha1_digest(block)),
    ]
    return headers, block


def not_modified_record(
    ex: Exchange, record_id: str, common: Headers, revisit_id: str
) -> tuple[Headers, bytes]:
    """The head of a 304 answer, as received, beside its (empty) server-not-modified revisit.

    A metadata record of application/warc-fields: replay indexes (pywb's, cdxj-indexer,
    wabac.js) leave such records out, so it never stands for the page. One field for the status
    line, one per header line, each line's bytes as received."""
    lines = received_head(ex).rstrip(b"\r\n").split(b"\r\n")
    block = b"http-status-line: " + lines[0] + b"\r\n"
    block += b"".join(b"http-header: " + line + b"\r\n" for line in lines[1:] if line)
    headers = [
        ("WARC-Type", "metadata"),
        ("WARC-Record-ID", record_id),
        *common,
        ("WARC-Concurrent-To", revisit_id),
        ("Content-Type", "application/warc-fields"),
        ("WARC-Block-Digest", sha1_digest(block)),
    ]
    return headers, block


def not_modified_head(block: bytes) -> bytes:
    """The 304 head kept by `not_modified_record`, as it was received."""
    lines = [line.split(b": ", 1) for line in block.split(b"\r\n") if line]
    status = [v for k, v in lines if k == b"http-status-line"]
    rest = [v for k, v in lines if k == b"http-header"]
    return b"\r\n".join(status[:1] + rest) + b"\r\n\r\n"


def request_record(ex: Exchange, record_id: str, common: Headers, response_id: str) -> tuple[Headers, bytes]:
    block = ex.request_head + ex.request_body
    headers = [
        ("WARC-Type", "request"),
        ("WARC-Record-ID", record_id),
        *common,
        ("WARC-Concurrent-To", response_id),
        ("Content-Type", HTTP_REQUEST),
        ("WARC-Block-Digest", sha1_digest(block)),
    ]
    return headers, block


def gzip_member(headers: Headers, block: bytes) -> bytes:
    """One record as one gzip member (what a `.warc.gz` file is a run of)."""
    head = [WARC_VERSION]
    head += [f"{k}: {v}".encode() for k, v in headers]
    head.append(f"Content-Length: {len(block)}".encode())
    raw = b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"
    comp = _deflate.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip wrapper
    return comp.compress(raw) + comp.flush()


def response_head(block: bytes) -> bytes:
    """The HTTP status line and headers at the start of a response block."""
    end = block.find(b"\r\n\r\n")
    return block if end < 0 else block[: end + 4]


# -- file names -----------------------------------------------------------------------------

WARC_SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"  # a file being written
_FILE_NAME = re.compile(r"(?P<prefix>.+)-(?P<stamp>\d{14})-(?P<serial>\d{5,})-(?P<host>[^/]+)\.warc\.gz")


@dataclass(frozen=True)
class WarcName:
    """What a WARC file's name says: the writer's prefix, when the file was opened, its serial
    number in that writer, and the host that wrote it."""

    prefix: str
    stamp: str  # YYYYMMDDhhmmss, UTC
    serial: int
    host: str

    def __str__(self) -> str:
        return f"{self.prefix}-{self.stamp}-{self.serial:05d}-{self.host}{WARC_SUFFIX}"


def warc_name(prefix: str, opened: datetime, serial: int, host: str) -> WarcName:
    return WarcName(prefix, opened.astimezone(UTC).strftime("%Y%m%d%H%M%S"), serial, host)


def parse_warc_name(name: str) -> WarcName | None:
    """The parts of a name `warc_name` made (an `.open` suffix allowed); None for another name."""
    m = _FILE_NAME.fullmatch(name.removesuffix(OPEN_SUFFIX))
    if m is None:
        return None
    return WarcName(m["prefix"], m["stamp"], int(m["serial"]), m["host"])


# -- HTTP bytes -----------------------------------------------------------------------------


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
