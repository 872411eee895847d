"""Politeness per host, whatever runs at once.

Scrapy keeps a download slot per host inside each crawler, so two crawls (two sites sharing a
host, or many sites in one `schedule run-due`) each keep their own gap, and its delay is
randomised to 0.5-1.5 times the setting. Here one gate per process holds, for every host, the
earliest time its next request may start: a site's `delay` is the minimum gap between two
requests to a host (randomised only upwards, up to 1.5 times), the larger of the site's delay
and the robots.txt `Crawl-delay` applies, and sites that share a host share its budget. With
`--redis` the gate's times live in Redis, so workers on several machines share them too.
"""

from __future__ import annotations

import logging
import random
import time
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

# Gaps are randomised upwards by up to this factor, so that requests do not march in step.
JITTER = 0.5
# A robots.txt Crawl-delay beyond this is taken as this (a site asking for an hour between
# requests would never be archived); it is still far politer than no delay.
MAX_CRAWL_DELAY = 60.0


class HostClock:
    """The earliest start of the next request to each host, in this process."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._sent: dict[str, float] = {}

    def reserve(self, host: str, gap: float, now: float) -> float:
        """Take the next slot of a host: when this request may start (>= now)."""
        slot = max(now, self._next.get(host, 0.0))
        self._next[host] = slot + gap
        return slot

    def send(self, host: str, least: float, now: float) -> float:
        """0 when a request may go out now (and it is noted as sent), else how long to wait:
        a request woken late (a busy reactor) must not go out right before the next one."""
        wait = self._sent.get(host, float("-inf")) + least - now
        if wait > 0:
            return wait
        self._sent[host] = now
        return 0.0


# One clock for every crawler of the process: that is what makes hosts shared between sites.
PROCESS_CLOCK = HostClock()

_SEND_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local wait = last + tonumber(ARGV[1]) - now
if wait > 0 then return tostring(wait) end
redis.call('SET', KEYS[1], tostring(now), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 5000)
return '0'
"""

_RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', math.ceil((slot - now + tonumber(ARGV[1])) * 1000) + 5000)
return tostring(slot - now)
"""


class RedisHostClock:
    """The same reservation in Redis, against Redis' own clock: workers on several machines
    share each host's gap. Returns how long to wait from now."""

    def __init__(self, server) -> None:
        self.server = server
        self._script = server.register_script(_RESERVE_SCRIPT)
        self._send = server.register_script(_SEND_SCRIPT)

    def wait_for(self, host: str, gap: float) -> float:
        # One key a host, whatever the site: sites sharing a host share its budget here too.
        # It lives until the host's next slot has passed.
        return float(self._script(keys=[f"newsarchive:hosts:{host}"], args=[gap]))

    def send(self, host: str, least: float) -> float:
        return float(self._send(keys=[f"newsarchive:hosts:{host}:sent"], args=[least]))


class HostGateMiddleware:
    """Downloader middleware: gives each request its host's gap, which `wait_turn` (called by
    the download handler) then keeps."""

    def __init__(self, crawler, delay: float, redis_url: str | None = None):
        self.crawler = crawler
        self.delay = delay
        self.crawl_delays: dict[str, float] = {}
        self.redis_url = redis_url

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_HOST_GATE_ENABLED", True):
            raise NotConfigured
        delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
        shared = settings.get("REDIS_URL") if settings.get("NEWSARCHIVE_REDIS_KEYS") else None
        gate = cls(crawler, delay, shared)
        crawler.signals.connect(gate.robots_parsed, signal=signals.robots_parsed)
        return gate

    def robots_parsed(self, robotparser, request, **_):
        """Honour a robots.txt Crawl-delay larger than the site's own delay."""
        rules = getattr(robotparser, "rp", None)
        try:
            asked = rules.crawl_delay(self.crawler.settings.get("USER_AGENT") or "*") if rules else None
        except Exception:  # a parser without crawl delays, or a malformed value
            asked = None
        if asked:
            host = (urlsplit(request.url).hostname or "").lower()
            self.crawl_delays[host] = min(float(asked), MAX_CRAWL_DELAY)
            logger.info("%s asks for a Crawl-delay of %s s", host, asked)

    def process_request(self, request):
        """Note the request's gap; the download handler waits for the host's slot, right
        before the request goes out (after Scrapy's own slot queue, which would otherwise
        hold a request past the slot it was given)."""
        host = (urlsplit(request.url).hostname or "").lower()
        least = max(self.delay, self.crawl_delays.get(host, 0.0)) if host else 0.0
        if least > 0:
            gap = least * (1 + random.random() * JITTER)
            request.meta["newsarchive_host_gap"] = (host, gap, least, self.redis_url)
        else:
            request.meta.pop("newsarchive_host_gap", None)
        return None


_REDIS_CLOCKS: dict[str, RedisHostClock] = {}


async def wait_turn(request) -> None:
    """Wait until the request's host may be sent another request (see HostGateMiddleware):
    first for the slot reserved for it, then, should the reactor have woken it late, until
    the last request actually sent is at least the delay behind."""
    noted = request.meta.get("newsarchive_host_gap")
    if not noted:
        return
    host, gap, least, redis_url = noted
    clock = _redis_clock(redis_url) if redis_url else None
    if clock is not None:
        wait = clock.wait_for(host, gap)
    else:
        now = time.monotonic()
        wait = PROCESS_CLOCK.reserve(host, gap, now) - now
    if wait > 0:
        await _sleep(wait)
    while True:
        late = (
            clock.send(host, least)
            if clock is not None
            else PROCESS_CLOCK.send(host, least, time.monotonic())
        )
        if late <= 0:
            return
        await _sleep(late)


def _redis_clock(url: str) -> RedisHostClock:
    clock = _REDIS_CLOCKS.get(url)
    if clock is None:
        import redis

        clock = _REDIS_CLOCKS[url] = RedisHostClock(redis.Redis.from_url(url))
    return clock


async def _sleep(seconds: float) -> None:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
