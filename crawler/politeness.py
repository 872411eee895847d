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

    def reserve(self, host: str, gap: float, now: float) -> float:
        """Take the next slot of a host: when this request may start (>= now)."""
        slot = max(now, self._next.get(host, 0.0))
        self._next[host] = slot + gap
        return slot


# One clock for every crawler of the process: that is what makes hosts shared between sites.
PROCESS_CLOCK = HostClock()

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

    def wait_for(self, host: str, gap: float) -> float:
        # One key a host, whatever the site: sites sharing a host share its budget here too.
        # It lives until the host's next slot has passed.
        return float(self._script(keys=[f"newsarchive:hosts:{host}"], args=[gap]))


class HostGateMiddleware:
    """Downloader middleware: holds each request until its host's slot comes."""

    def __init__(self, crawler, delay: float, redis_clock: RedisHostClock | None = None):
        self.crawler = crawler
        self.delay = delay
        self.crawl_delays: dict[str, float] = {}
        self.redis_clock = redis_clock

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_HOST_GATE_ENABLED", True):
            raise NotConfigured
        delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
        redis_clock = None
        url = settings.get("REDIS_URL")
        if url and settings.get("NEWSARCHIVE_REDIS_KEYS"):
            import redis

            redis_clock = RedisHostClock(redis.Redis.from_url(url))
        gate = cls(crawler, delay, redis_clock)
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

    def gap(self, host: str) -> float:
        base = max(self.delay, self.crawl_delays.get(host, 0.0))
        return base * (1 + random.random() * JITTER) if base > 0 else 0.0

    async def process_request(self, request):
        host = (urlsplit(request.url).hostname or "").lower()
        if not host:
            return None
        gap = self.gap(host)
        if gap <= 0:
            return None
        if self.redis_clock is not None:
            wait = self.redis_clock.wait_for(host, gap)
        else:
            now = time.monotonic()
            wait = PROCESS_CLOCK.reserve(host, gap, now) - now
        if wait > 0:
            from scrapy.utils.defer import maybe_deferred_to_future
            from twisted.internet import reactor
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None
