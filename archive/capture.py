"""WarcCaptureExtension: feeds the WARC writer from Scrapy's downloader.

It listens to `response_downloaded`, which fires for every response the download handler
returns (robots.txt, each redirect hop, errors) before any downloader middleware has
decompressed the body. With archive.rawhttp's handler (the default), the records hold the
bytes as sent and received (request.meta["raw_exchange"]); otherwise (another handler, a truncated
body) the head is rebuilt from Scrapy's objects.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.cdxj import index_closed_file, index_missing
from archive.records import Exchange, Original, http_head, sha1_digest
from archive.repair import repair_open_files
from archive.store.shared import store_for
from archive.warc import WarcWriter
from crawler import __version__
from crawler.fatal import stop_crawl, stopped, storage_problem
from crawler.frontier import frontier_of
from crawler.paths import inside, safe_name, warc_dir

logger = logging.getLogger(__name__)

# Headers describing a transfer, not the entity: the payload we hold is already de-chunked.
_TRANSFER_HEADERS = {b"transfer-encoding"}


def request_head(request) -> bytes:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [
        (b"Host", parts.netloc.encode("idna") if not parts.netloc.isascii() else parts.netloc.encode())
    ]
    for key, values in request.headers.items():
        if key.lower() == b"host":
            continue
        headers.extend((key, v) for v in values)
    return http_head(f"{request.method} {target} HTTP/1.1", headers)


def response_head(response) -> bytes:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    headers: list[tuple[bytes, bytes]] = []
    for key, values in response.headers.items():
        if key.lower() in _TRANSFER_HEADERS:
            continue
        headers.extend((key, v) for v in values)
    return http_head(f"{protocol} {response.status} {reason}".rstrip(), headers)


def _clock_field(settings) -> dict[str, str]:
    if not settings.get("NEWSARCHIVE_NOW"):
        return {}
    from crawler.validate import run_clock

    return {"newsarchive-now": run_clock(settings).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


class WarcCaptureExtension:
    def __init__(self, crawler, writer_factory):
        self.crawler = crawler
        self.writer_factory = writer_factory
        self.writer: WarcWriter | None = None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_WARC_ENABLED"):
            raise NotConfigured
        root = warc_dir(settings)

        def factory(spider) -> WarcWriter:
            folder = inside(root, safe_name(getattr(spider, "site_folder", "adhoc"), "adhoc"))
            return WarcWriter(
                folder,
                prefix=settings.get("ARCHIVE_WARC_PREFIX"),
                max_size=settings.getint("ARCHIVE_WARC_MAX_SIZE"),
                relative_to=root,
                index=settings.getbool("ARCHIVE_CDXJ_ENABLED"),
                info={
                    "software": f"newsarchive/{__version__} (Scrapy)",
                    "hostname": socket.gethostname(),
                    "operator": settings.get("ARCHIVE_WARC_OPERATOR") or "",
                    "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                    "http-header-user-agent": settings.get("USER_AGENT"),
                    "isPartOf": getattr(spider, "crawl_id", ""),
                    # The run's clock when --now set it: checks are dated by it, and
                    # `reextract` dates them again from here.
                    **_clock_field(settings),
                },
            )

        ext = cls(crawler, factory)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def spider_opened(self, spider):
        self.writer = self.writer_factory(spider)
        self.store = store_for(self.crawler)
        self.frontier = frontier_of(self.crawler)
        # A killed run leaves `.open` files behind: close them before writing new ones.
        for repair in repair_open_files(self.writer.directory, safe_name(self.writer.prefix, "newsarchive")):
            if repair.records and self.writer.index:
                index_closed_file(repair.path)
            self.stats.inc_value("archive/files_repaired")
            self.stats.inc_value("archive/torn_bytes_dropped", repair.dropped)
        if self.writer.index and self.writer.directory.is_dir():
            self.stats.inc_value("archive/indexes_rebuilt", index_missing(self.writer.directory))

    def spider_closed(self, spider):
        if self.writer is not None:
            self.writer.close()
            self.stats.set_value("archive/files_written", len(self.writer.files_written))

    def response_downloaded(self, response, request, spider):
        if stopped(self.crawler):
            return
        exchange = _exchange(response, request)
        digest = sha1_digest(exchange.payload)
        try:
            original, not_modified = self._original(response, request.url, digest)
            revisit = (
                Original(original["url"], original["fetched_at"], original["record_id"]) if original else None
            )
            ref, _ = self.writer.write_exchange(
                exchange, revisit_of=revisit, not_modified=not_modified, payload_digest=digest
            )
            self.stats.inc_value(f"archive/records_{ref.record_type}")
            self.stats.inc_value("archive/bytes_written", ref.length)
            self._record(response, request, getattr(spider, "crawl_id", None), ref, digest, original)
        except (OSError, sqlite3.Error) as exc:
            # A signal handler's exception is only logged by Scrapy: the page would go on to be
            # stored with no record of it. A full disk stops the crawl; nothing of this page is kept.
            problem = storage_problem(exc)
            if problem is None:
                raise
            stop_crawl(self.crawler, f"cannot write the archive: {problem}")
            return
        # The record an article row will point at: the response holding this payload.
        if original is not None and not not_modified:
            pointer = (original["warc_filename"], original["warc_offset"], original["record_id"])
            if original["url"] != request.url:
                request.meta["payload_of"] = original["url"]
        else:
            pointer = (ref.filename, ref.offset, ref.record_id)
        request.meta["warc_pointer"] = pointer
        # The record of this very answer (a check of an article records what was answered).
        request.meta["warc_record"] = (ref.filename, ref.offset, ref.record_id)
        request.meta["fetched_at"] = ref.date

    def _original(self, response, url: str, digest: str) -> tuple[dict | None, bool]:
        """The earlier capture this one is a revisit of, if any, and whether it answered a
        conditional request (304: it refers to the last full copy of this URL)."""
        if response.status == 304:
            last = self.store.latest_response_for(url)
            if last is None:
                return None, False
            return {"url": url, "fetched_at": last["fetched_at"], "record_id": last["record_id"]}, True
        if response.body:
            return self.store.original_for_digest(digest), False
        return None, False

    def _record(self, response, request, crawl_id, ref, digest: str, original: dict | None) -> None:
        """The capture row, and the URL's fetch state in the run's frontier: in one transaction,
        so one commit a page, not two."""
        header = response.headers.get
        with self.store.transaction():
            self.store.add_capture(
                {
                    "crawl_id": crawl_id,
                    "url": request.url,
                    "fetched_at": ref.date,
                    "status": response.status,
                    "content_type": (header(b"Content-Type") or b"").decode("latin-1"),
                    "payload_digest": digest,
                    "record_type": ref.record_type,
                    "record_id": ref.record_id,
                    "warc_filename": ref.filename,
                    "warc_offset": ref.offset,
                    "warc_length": ref.length,
                    "refers_to": original["record_id"] if original else None,
                }
            )
            if self.frontier is not None:
                self.frontier.record_fetch(
                    request.url,
                    response.status,
                    _text(header(b"ETag")),
                    _text(header(b"Last-Modified")),
                    ref.date,
                )


def _exchange(response, request) -> Exchange:
    """The fetch as the WARC records hold it: the bytes as sent and received when the raw
    download handler kept them, else rebuilt from Scrapy's request and response."""
    raw = request.meta.pop("raw_exchange", None)
    return Exchange(
        url=request.url,
        request_head=bytes(raw.request) if raw is not None else request_head(request),
        response_head=response_head(response),
        payload=response.body,  # de-chunked, still content-encoded: the WARC payload
        request_body=b"" if raw is not None else (request.body or b""),
        raw_response=bytes(raw.response) if raw is not None else None,
        ip_address=str(response.ip_address) if getattr(response, "ip_address", None) else None,
        fetched_at=datetime.now(UTC),
    )
