"""Several crawl workers sharing one frontier in Redis (scrapy-redis), each with its own shard.

Design (see README, "Several machines"):
- The request queue and the seen-set live in Redis; scrapy-redis' scheduler serves them.
- Each worker writes its own WARC files (the worker id is in the file name) and its own SQLite
  shard (DATA_DIR/shards/WORKER/news.db); `newsarchive merge` folds the shards into one
  dataset. Shards, not items through Redis to one writer: a worker never waits on another
  process to store, a shard is a complete dataset that `verify` can check on its own, and
  SQLite has one writer per file anyway.
- Nothing a dead worker took is lost: popping a request moves it atomically (LMOVE) into the
  worker's own `processing` list, and it leaves that list only once the spider is done with
  it. A worker whose heartbeat key has expired is dead; another worker moves its list back
  onto the queue.
- Workers stop when the frontier stays empty: no request queued, no live worker busy, for
  NEWSARCHIVE_REDIS_IDLE seconds (scrapy-redis spiders otherwise wait for ever).
- The seen-set stores 6 bytes of each request fingerprint in 65,536 small Redis hashes, which
  Redis keeps in its compact listpack encoding (see benchmarks/redis_bench.py for the bytes
  per URL, measured against scrapy-redis' plain set).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.request import fingerprint
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.frontier import RECHECK

logger = logging.getLogger(__name__)

HEARTBEAT = 1.0  # seconds between a worker's heartbeats
ALIVE_TTL = 5  # seconds after the last heartbeat that a worker counts as dead


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def keys(site: str) -> dict[str, str]:
    base = f"newsarchive:{site}"
    return {"queue": f"{base}:queue", "seen": f"{base}:seen", "base": base}


def alive_key(base: str, worker: str) -> str:
    """The heartbeat key of a worker: present while it lives, "busy" or "idle"."""
    return f"{base}:alive:{worker}"


def redis_settings(url: str, site: str, worker: str, idle: float) -> dict:
    """The settings that turn a crawl into one worker of a shared crawl of `site`."""
    k = keys(site)
    return {
        "SCHEDULER": "crawler.distributed.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.CompactDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_QUEUE_KEY": k["queue"],
        "SCHEDULER_DUPEFILTER_KEY": k["seen"],
        "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
        "REDIS_URL": url,
        "NEWSARCHIVE_WORKER_ID": worker,
        "NEWSARCHIVE_REDIS_KEYS": k["base"],
        "NEWSARCHIVE_REDIS_IDLE": idle,
        "ARCHIVE_WARC_PREFIX": f"newsarchive-{worker}",
    }


class CompactDupeFilter(RFPDupeFilter):
    """The shared seen-set: 6 bytes of fingerprint per URL, bucketed by its first 2 bytes.

    HSETNX answers "seen before?" and records the URL in one atomic step, so two workers that
    find the same link at once fetch it once. 48 bits of a SHA-1 leave about one chance in
    5 million of two different URLs colliding among 10 million.
    """

    def request_seen(self, request) -> bool:
        fp = fingerprint(request)
        return not self.server.hsetnx(f"{self.key}:{fp[:2].hex()}", fp[2:8], b"")

    def clear(self) -> None:
        for key in self.server.scan_iter(match=f"{self.key}:*", count=1000):
            self.server.delete(key)


class SharedScheduler(Scheduler):
    """scrapy-redis' scheduler, with acknowledged requests, heartbeats and a stop rule."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = settings.get("NEWSARCHIVE_WORKER_ID") or default_worker_id()
        scheduler.base = settings.get("NEWSARCHIVE_REDIS_KEYS") or "newsarchive:adhoc"
        scheduler.idle_timeout = settings.getfloat("NEWSARCHIVE_REDIS_IDLE", 30.0)
        return scheduler

    # -- keys ----------------------------------------------------------------------------

    def _processing(self, worker: str) -> str:
        return f"{self.base}:processing:{worker}"

    def _alive(self, worker: str) -> str:
        return alive_key(self.base, worker)

    # -- life cycle ----------------------------------------------------------------------

    def open(self, spider):
        super().open(spider)
        self.raw_of: dict[str, bytes] = {}
        # Rechecks of this worker's own stored articles (crawler/lifecycle/): its shard alone
        # knows them, so they stay here, out of the shared queue; a killed worker's are in its
        # shard's frontier, and its next run does them.
        self.local: deque = deque()
        self.redis_error: Exception | None = None
        self.idle_since: float | None = None
        self.moved_back = 0
        self._beat()
        # Requests this worker id held when it last died are its own to redo.
        self._requeue(self.worker)
        from crawler.frontier import frontier_of

        frontier = frontier_of(self.crawler)
        if frontier is not None:  # a request leaves this worker's list once its rows are committed
            frontier.on_done(self.ack)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        from twisted.internet import task

        self.heart = task.LoopingCall(self._beat)
        self.heart.start(HEARTBEAT, now=False)
        logger.info("worker %s on %s (%d requests queued)", self.worker, self.queue.key, len(self.queue))

    def close(self, reason):
        if getattr(self, "heart", None) is not None and self.heart.running:
            self.heart.stop()
        if self.redis_error is not None:
            return  # what this worker held stays listed; a live worker requeues it
        try:
            self._close(reason)
        except RedisError as exc:
            logger.error("could not tidy the shared frontier on closing: %s", exc)

    def _close(self, reason):
        if reason == "finished":
            # The engine had nothing in flight: whatever is still listed was dealt with.
            self.server.delete(self._processing(self.worker))
        else:
            self._requeue(self.worker)  # stopped early: hand back what we held
        self.server.delete(self._alive(self.worker))
        if reason == "finished" and not len(self.queue) and not self._workers():
            # The last worker out ends the shared crawl: the next run starts with a fresh seen-set.
            self.df.clear()
            logger.info("shared crawl of %s complete; seen-set cleared", self.base)
        super().close(reason)

    def _beat(self) -> None:
        try:
            self._heartbeat()
        except RedisError as exc:
            self._lost(exc)

    def _heartbeat(self) -> None:
        state = "idle" if self.idle_since is not None else "busy"
        self.server.set(self._alive(self.worker), state, ex=ALIVE_TTL)
        if self.idle_since is not None and len(self.queue):
            # Other workers queued requests: wake the engine now rather than at its next
            # 5-second heartbeat. (Scrapy has no public call for this; without it, only slower.)
            slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
            nextcall = getattr(slot, "nextcall", None)
            if nextcall is not None:
                nextcall.schedule()

    # -- requests ------------------------------------------------------------------------

    def enqueue_request(self, request):
        if self.redis_error is not None:
            return False  # stopping: the URL stays pending in this worker's own frontier
        try:
            return self._enqueue(request)
        except RedisError as exc:
            self._lost(exc)
            return False

    def _enqueue(self, request):
        if request.meta.get("kind") == RECHECK:
            self.local.append(request)
            return True
        url = request.meta.get("frontier_url")
        if request.dont_filter and url in self.raw_of:
            # A retry of a request we hold: the new copy (which the seen-set lets through)
            # replaces it. A link to a page we hold is no such thing: the seen-set drops it,
            # and the held copy must stay listed until it is done, or a kill would lose it.
            self.ack(url)
        return super().enqueue_request(request)

    def _lost(self, exc: Exception) -> None:
        if self.redis_error is None:
            logger.error("lost the shared frontier (Redis): %s; this worker stops", exc)
        self.redis_error = exc

    def next_request(self):
        if self.redis_error is not None:
            return None
        if self.local:
            return self.local.popleft()
        try:
            raw = self.server.lmove(self.queue.key, self._processing(self.worker), "RIGHT", "LEFT")
        except RedisError as exc:
            self._lost(exc)
            return None
        if raw is None:
            return None
        request = self.queue._decode_request(raw)
        self.raw_of[request.meta.get("frontier_url", request.url)] = raw
        if self.idle_since is not None:
            self.idle_since = None
            self._beat()
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def ack(self, url: str) -> None:
        raw = self.raw_of.pop(url, None)
        if raw is not None:
            self.server.lrem(self._processing(self.worker), 1, raw)

    def has_pending_requests(self) -> bool:
        if self.redis_error is not None:
            return False
        if self.local:
            return True
        try:
            return len(self.queue) > 0
        except RedisError as exc:
            self._lost(exc)
            return False

    # -- other workers ---------------------------------------------------------------------

    def _requeue(self, worker: str) -> int:
        """Move a worker's processing list back onto the queue, one atomic LMOVE at a time."""
        moved = 0
        while self.server.lmove(self._processing(worker), self.queue.key, "RIGHT", "LEFT") is not None:
            moved += 1
        if moved:
            logger.warning("moved %d requests of worker %s back onto the queue", moved, worker)
            self.moved_back += moved
            if self.stats:
                self.stats.inc_value("newsarchive/redis_requeued", moved)
        return moved

    def _workers(self) -> dict[str, str | None]:
        """Every worker with a processing list or a heartbeat: its state, or None if dead."""
        names = {k.decode().rsplit(":", 1)[1] for k in self.server.scan_iter(match=self._processing("*"))} | {
            k.decode().rsplit(":", 1)[1] for k in self.server.scan_iter(match=self._alive("*"))
        }
        out = {}
        for name in names:
            state = self.server.get(self._alive(name))
            out[name] = state.decode() if state else None
        return out

    def _on_idle(self, spider):
        if self.redis_error is not None:
            raise CloseSpider("redis_unreachable")
        try:
            self._idle_check()
        except RedisError as exc:
            self._lost(exc)
            raise CloseSpider("redis_unreachable") from None

    def _idle_check(self) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
            self._beat()
        workers = self._workers()
        requeued = sum(self._requeue(w) for w, state in workers.items() if state is None)
        others_busy = any(state == "busy" for w, state in workers.items() if w != self.worker)
        if requeued or len(self.queue) or others_busy or now - self.idle_since < self.idle_timeout:
            raise DontCloseSpider
