"""Many site crawls in one process: a bounded number at once, new ones starting as others end.

Scrapy runs any number of crawlers on one reactor, each with its own download slots; the
politeness shared between them is the host gate's (crawler/politeness.py). One failing or
hanging site holds only its own place: the others go on and new ones start beside it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class Job:
    """One site's crawl: the spider's arguments and the crawler's settings."""

    name: str
    kwargs: dict
    settings: Any
    crawler: Any = None
    status: str = "queued"  # queued, running, done, failed
    error: str | None = None
    crawl_id: str | None = None


def stop_downloads(crawlers) -> None:
    """Mark each crawl as stopping and cancel its downloads under way."""
    from archive.rawhttp import RawHTTPDownloadHandler

    for crawler in crawlers:
        if crawler.spider is not None:
            crawler.spider.stopping = True
        engine = getattr(crawler, "engine", None)
        handlers = getattr(getattr(getattr(engine, "downloader", None), "handlers", None), "_handlers", {})
        for handler in {id(h): h for h in handlers.values()}.values():
            if isinstance(handler, RawHTTPDownloadHandler):
                handler.cancel_inflight()
        _release_slots(getattr(engine, "downloader", None))


def _release_slots(downloader) -> None:
    """Let the requests waiting in Scrapy's download slots reach the handler at once, which
    refuses them (the crawl is stopping): a slot hands out one request per DOWNLOAD_DELAY, so a
    graceful stop with ten requests queued behind a 30 s delay took minutes."""
    for slot in list(getattr(downloader, "slots", {}).values()):
        slot.delay = 0.0
        if slot.latercall is not None:
            slot.latercall.cancel()
            slot.latercall = None
        try:
            downloader._process_queue(slot)  # Scrapy 2.19's name; a rename only makes the stop slower
        except AttributeError:
            return


def run_jobs(
    settings, jobs: list[Job], *, on_done: Callable[[Job], None] | None = None, progress: float = 0
) -> list[Job]:
    """Run the jobs, at most NEWSARCHIVE_CONCURRENT_SITES at once; returns them with status."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from twisted.internet import task

    from crawler.workers import tune_gc
    from spiders.news import NewsSpider

    limit = max(1, settings.getint("NEWSARCHIVE_CONCURRENT_SITES", 16))
    queue = list(jobs)
    stopping = []

    class StoppingProcess(CrawlerProcess):
        """SIGTERM or Ctrl-C: Scrapy's graceful stop, queued sites not started, and the
        downloads under way cancelled at once (their URLs stay in the frontier for the next
        run), so a crawl stops within seconds even when a server hangs; a second signal still
        forces the stop."""

        def _signal_shutdown(self, signum, frame):
            from twisted.internet import reactor

            stopping.append(signum)
            super()._signal_shutdown(signum, frame)
            reactor.callFromThread(stop_downloads, list(self.crawlers))

    process = StoppingProcess(settings)

    def start_next() -> None:
        while queue and not stopping and sum(j.status == "running" for j in jobs) < limit:
            job = queue.pop(0)
            # The first crawler installs the reactor (as CrawlerProcess.create_crawler does).
            first = not getattr(process, "_initialized_reactor", True)
            process._initialized_reactor = True
            job.crawler = Crawler(NewsSpider, job.settings, init_reactor=first)
            job.status = "running"
            deferred = process.crawl(job.crawler, **job.kwargs)
            deferred.addBoth(finished, job)

    def finished(result, job: Job):
        _settle(job, result)
        if on_done is not None:
            on_done(job)
        start_next()
        return None

    from crawler.demo.serving import serve_for

    servers = serve_for(jobs)  # the bundled demo sites serve themselves
    start_next()
    if progress > 0 and len(jobs) > 1:  # after the first crawler: it installs the reactor
        task.LoopingCall(_print_sites, jobs).start(progress, now=False)
    tune_gc()
    try:
        process.start()
    finally:
        for server in servers:
            server.shutdown()
    return jobs


def _settle(job: Job, result) -> None:
    """A finished job's crawl id, and its status: failed (a Failure, or a crawl that stopped
    because it could not keep what it fetched) or done."""
    from crawler.fatal import stopped

    spider = job.crawler.spider
    job.crawl_id = getattr(spider, "crawl_id", None) if spider is not None else None
    if hasattr(result, "getErrorMessage"):  # a Failure: this site only
        job.status, job.error = "failed", result.getErrorMessage()
        logger.error("crawl of %s failed: %s", job.name, job.error)
    elif stopped(job.crawler):  # a full disk: stopped, and said once
        job.status, job.error = "failed", f"stopped: {stopped(job.crawler)}"
    else:
        job.status = "done"


def _print_sites(jobs: list[Job]) -> None:
    running = [j.name for j in jobs if j.status == "running"]
    counts = {s: sum(j.status == s for j in jobs) for s in ("done", "failed", "queued")}
    shown = ", ".join(running[:5]) + (", ..." if len(running) > 5 else "")
    print(
        f"  sites: {len(running)} running ({shown}), {counts['done']} done, {counts['failed']} failed, "
        f"{counts['queued']} queued",
        file=sys.stderr,
        flush=True,
    )
