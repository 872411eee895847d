"""Retries that wait: exponential backoff, and a server's Retry-After honoured up to a cap.

Scrapy's RetryMiddleware retries at once. A server that answers 503 or 429 is asking for time;
hammering it three times in a second only gets a crawler blocked. This middleware waits
NEWSARCHIVE_RETRY_BACKOFF * 2**(attempt - 1) seconds, or the server's Retry-After if that is
longer, before each retry. A Retry-After beyond NEWSARCHIVE_RETRY_AFTER_MAX means "not today":
the request is given up at once and the failure row says why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if absent or bad."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(attempt: int, backoff: float, retry_after: float | None, cap: float) -> float | None:
    """Seconds to wait before retry number `attempt` (1, 2, ...); None: do not retry at all."""
    if retry_after is not None and retry_after > cap:
        return None
    wait = backoff * 2 ** (attempt - 1)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, cap)


class BackoffRetryMiddleware(RetryMiddleware):
    """Replaces Scrapy's RetryMiddleware (same settings: RETRY_TIMES, RETRY_HTTP_CODES...)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF", 1.0)
        self.cap = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 300.0)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor  # the running one, installed by Scrapy

            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0) + 1
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        wait = retry_delay(attempt, self.backoff, asked, self.cap)
        if wait is None:
            self.crawler.stats.inc_value("newsarchive/retry_after_too_long")
            return response  # the errback records the status and the Retry-After it asked for
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(wait)
        return retry

    async def process_exception(self, request, exception):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(retry_delay(retry.meta["retry_times"], self.backoff, None, self.cap) or 0)
        return retry
