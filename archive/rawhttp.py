"""A download handler that keeps the bytes that really crossed the wire, for the WARC files.

Scrapy's parsed Response has lost the status line's reason phrase, the header case and order,
and the chunk framing. This handler is Scrapy's own HTTP/1.1 handler with one change: its
connections record every byte they write and read, per request, and the Scrapy Response
hands those bytes (request.meta["raw_exchange"]) to the WarcCaptureExtension.

The twisted connection protocol is the point where raw bytes exist; Scrapy's handler builds
its agents in a method we repeat here (Scrapy 2.19), to reach the connection's response.
"""

from __future__ import annotations

import asyncio

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _ScrapyAgent,
)
from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from crawler.hosts import UNREACHABLE as _UNREACHABLE
from crawler.hosts import note_unreachable, refuse_if_dead
from crawler.politeness import wait_turn

# Response headers longer than this end the download: a server that sends headers without end
# would otherwise fill the memory (Twisted's parser takes any number of header lines).
MAX_HEAD_BYTES = 256 * 1024


class HeadersTooLong(Exception):
    def __init__(self) -> None:
        super().__init__(f"response headers longer than {MAX_HEAD_BYTES:,} bytes: not read on")


class RawExchange:
    """The bytes of one request and its response as sent and received (chunking included)."""

    __slots__ = ("request", "response", "head_seen")

    def __init__(self) -> None:
        self.request = bytearray()
        self.response = bytearray()
        self.head_seen = False  # the blank line that ends the response's headers has come


class _TeeTransport:
    """Stands in for the connection's transport and copies what the protocol writes."""

    def __init__(self, transport, protocol):
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes) -> None:
        self._protocol._raw.request.extend(data)
        self._transport.write(data)

    def writeSequence(self, seq) -> None:  # noqa: N802 - twisted's naming
        for data in seq:
            self.write(data)

    def __getattr__(self, name):
        return getattr(self._transport, name)


class _RawProtocol(_LenientHTTP11ClientProtocol):
    _raw = RawExchange()

    def connectionMade(self) -> None:  # noqa: N802
        super().connectionMade()
        self.transport = _TeeTransport(self.transport, self)  # type: ignore[assignment]  # it forwards every call

    def request(self, request):
        raw = self._raw = RawExchange()  # one record per request on a kept-alive connection
        d = super().request(request)

        def attach(response):
            response._newsarchive_raw = raw
            return response

        return d.addCallback(attach)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        raw = self._raw
        before = len(raw.response)
        raw.response.extend(data)
        if not raw.head_seen:
            if (
                raw.response.find(b"\r\n\r\n", max(0, before - 3)) != -1
                or raw.response.find(b"\n\n", max(0, before - 1)) != -1
            ):
                raw.head_seen = True
            elif len(raw.response) > MAX_HEAD_BYTES:
                self._giveUp(Failure(HeadersTooLong()))
                return
        super().dataReceived(data)


class _RawFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):  # noqa: N802
        return _RawProtocol(self._quiescentCallback)


class _RawAgent(_ScrapyAgent):
    _raw: RawExchange | None = None

    def _cb_bodyready(self, txresponse, request):
        # Every response passes here, bodiless ones (304, HEAD) included.
        self._raw = getattr(txresponse, "_newsarchive_raw", None)
        return super()._cb_bodyready(txresponse, request)


class CrawlStopping(IgnoreRequest):
    """A download cancelled, or not started, because the crawl is stopping: an IgnoreRequest,
    so that Scrapy's middlewares pass it on quietly; the URL stays in the frontier."""

    def __init__(self, url: str):
        super().__init__(f"not fetched: the crawl is stopping ({url})")


class RawHTTPDownloadHandler(HTTP11DownloadHandler):
    """DOWNLOAD_HANDLERS entry for http and https: Scrapy's handler, recording raw bytes."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _RawFactory
        self._inflight: set = set()  # the downloads under way, for cancel_inflight
        self._stopped = False

    def cancel_inflight(self) -> int:
        """Cancel every download under way and refuse new ones (a crawl told to stop: Scrapy's
        graceful stop would otherwise wait for each one to finish or time out, 30 s a try on a
        server that hangs, and let requests held back, such as those waiting for robots.txt,
        start new ones)."""
        self._stopped = True
        pending = list(self._inflight)
        for deferred in pending:
            deferred.cancel()
        return len(pending)

    async def download_request(self, request):
        agent = _RawAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        if self._stopped:
            raise CrawlStopping(request.url)
        # The host's politeness gap, right before the request goes out; cancelled with the
        # downloads when the crawl stops (a 30 s delay must not hold up a SIGTERM).
        waiting = deferred_from_coro(wait_turn(request))
        self._inflight.add(waiting)
        try:
            await maybe_deferred_to_future(waiting)
        except (CancelledError, asyncio.CancelledError):
            raise CrawlStopping(request.url) from None
        finally:
            self._inflight.discard(waiting)
        if self._stopped:
            raise CrawlStopping(request.url)
        # A requisite queued before its host failed to resolve or connect is not sent either.
        refuse_if_dead(self._crawler, request)
        deferred = agent.download_request(request)
        self._inflight.add(deferred)
        try:
            with wrap_twisted_exceptions():
                response = await maybe_deferred_to_future(deferred)
        except CancelledError:
            if self._stopped:
                raise CrawlStopping(request.url) from None
            raise
        except _UNREACHABLE as exc:
            note_unreachable(self._crawler, request, exc)
            raise
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                self._crawler.spider.logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        finally:
            self._inflight.discard(deferred)
        raw = agent._raw
        if raw is not None and not response.flags:  # a truncated body is not what was sent: rebuild
            # Scrapy's Response takes no new attributes; the capture extension pops this.
            request.meta["raw_exchange"] = raw
        return response
