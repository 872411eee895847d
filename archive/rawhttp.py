"""A download handler that keeps the bytes that really crossed the wire, for the WARC files.

Scrapy's parsed Response has lost the status line's reason phrase, the header case and order,
and the chunk framing. This handler is Scrapy's own HTTP/1.1 handler with one change: its
connections record every byte they write and read, per request, and the Scrapy Response
hands those bytes (request.meta["raw_exchange"]) to the WarcCaptureExtension.

The twisted connection protocol is the point where raw bytes exist; Scrapy's handler builds
its agents in a method we repeat here (Scrapy 2.19), to reach the connection's response.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _ScrapyAgent,
)
from scrapy.exceptions import ResponseDataLossError
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future


class RawExchange:
    """The bytes of one request and its response as sent and received (chunking included)."""

    __slots__ = ("request", "response")

    def __init__(self) -> None:
        self.request = bytearray()
        self.response = bytearray()


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
        self.transport = _TeeTransport(self.transport, self)

    def request(self, request):
        raw = self._raw = RawExchange()  # one record per request on a kept-alive connection
        d = super().request(request)

        def attach(response):
            response._newsarchive_raw = raw
            return response

        return d.addCallback(attach)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        self._raw.response.extend(data)
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


class RawHTTPDownloadHandler(HTTP11DownloadHandler):
    """DOWNLOAD_HANDLERS entry for http and https: Scrapy's handler, recording raw bytes."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _RawFactory

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
        try:
            with wrap_twisted_exceptions():
                response = await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                self._crawler.spider.logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        raw = agent._raw
        if raw is not None and not response.flags:  # a truncated body is not what was sent: rebuild
            # Scrapy's Response takes no new attributes; the capture extension pops this.
            request.meta["raw_exchange"] = raw
        return response
