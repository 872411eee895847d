"""The extraction worker pool: jobs in child processes over pipes, driven by the event loop."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from crawler.decode import NotText
from crawler.prepared import extract_for_store
from crawler.workers import WorkerDied, WorkerPool

PAGE = Path(__file__).parent / "fixtures" / "extract" / "gbk-portal" / "page.html"


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


def test_a_worker_answers_like_the_function_called_here():
    raw = PAGE.read_bytes()

    async def main():
        pool = WorkerPool(1)
        try:
            pages = await asyncio.gather(
                *(pool.run(extract_for_store, f"http://news.example/{n}.html", raw) for n in range(5))
            )
            return pages, pool.pids()
        finally:
            await pool.aclose()

    answers, pids = asyncio.run(main())
    article, prepared = extract_for_store("http://news.example/3.html", raw)
    assert answers[3][0] == article  # the same Article, field for field
    assert answers[3][1].content_hash == prepared.content_hash
    assert [a.url for a, _ in answers] == [f"http://news.example/{n}.html" for n in range(5)]
    assert len(pids) == 1 and pids[0] != os.getpid()
    assert not _alive(pids[0])  # aclose ended it


def test_an_exception_comes_back_as_itself():
    async def main():
        pool = WorkerPool(1)
        try:
            with pytest.raises(NotText, match="empty"):
                await pool.run(extract_for_store, "http://news.example/1.html", b"")
            return await pool.run(len, "still working")
        finally:
            await pool.aclose()

    assert asyncio.run(main()) == len("still working")


def test_a_dead_worker_fails_only_the_job_it_was_on_and_is_replaced():
    async def main():
        pool = WorkerPool(1)
        try:
            await pool.run(len, "start")
            first = pool.pids()
            # The worker process ends mid-job; the two jobs queued behind it are not to blame.
            died, queued, later = await asyncio.gather(
                pool.run(os._exit, 3), pool.run(len, "queued"), pool.run(os.getpid), return_exceptions=True
            )
            return first, pool.pids(), died, queued, later
        finally:
            await pool.aclose()

    first, second, died, queued, later = asyncio.run(main())
    assert isinstance(died, WorkerDied) and "exit status 3" in str(died)
    assert queued == len("queued") and later == second[0]  # done by the new worker
    assert first != second and len(second) == 1
    assert not _alive(first[0])


def test_a_job_past_the_timeout_stops_its_worker_and_fails_alone():
    import time

    async def main():
        pool = WorkerPool(1, timeout=1)
        try:
            stuck, queued = await asyncio.gather(
                pool.run(time.sleep, 120), pool.run(len, "behind it"), return_exceptions=True
            )
            return stuck, queued, await pool.run(len, "and after")
        finally:
            await pool.aclose()

    stuck, queued, after = asyncio.run(main())
    assert isinstance(stuck, WorkerDied) and "longer than 1 s" in str(stuck)
    assert (queued, after) == (len("behind it"), len("and after"))


def test_jobs_spread_over_several_workers():
    async def main():
        pool = WorkerPool(2)
        try:
            pids = await asyncio.gather(*(pool.run(os.getpid) for _ in range(20)))
            return set(pids), set(pool.pids())
        finally:
            await pool.aclose()

    used, started = asyncio.run(main())
    assert len(started) == 2 and used == started and os.getpid() not in used


def test_backlog_counts_the_jobs_waiting_at_the_least_busy_worker():
    import time

    async def main():
        pool = WorkerPool(1)
        try:
            before = pool.backlog()  # no worker yet
            jobs = [asyncio.ensure_future(pool.run(time.sleep, 0.2)) for _ in range(3)]
            while pool.backlog() < 3:
                await asyncio.sleep(0.01)
            held = pool.backlog()
            await asyncio.gather(*jobs)
            return before, held, pool.backlog()
        finally:
            await pool.aclose()

    assert asyncio.run(main()) == (0, 3, 0)


def test_an_article_prepared_in_the_crawl_process_is_stored_as_one_prepared_by_a_worker(tmp_path):
    from archive.store import ArticleStore, WarcPointer
    from crawler.prepared import extract_only

    raw = PAGE.read_bytes()
    rows = []
    for name, (article, prepared) in (
        ("worker", extract_for_store("http://news.example/1.html", raw)),
        ("here", extract_only("http://news.example/1.html", raw)),
    ):
        store = ArticleStore(tmp_path / f"{name}.db")
        store.save_article(
            article,
            site="t",
            crawl_id="c",
            fetched_at="2026-01-01T00:00:00Z",
            warc=WarcPointer("f", 0, "<urn:uuid:1>"),
            prepared=prepared,
        )
        rows.append(
            store.db.execute(
                "select a.content_hash, f.bi_title, f.bi_body, f.uni from articles a "
                "join articles_fts f on f.rowid = a.rowid"
            ).fetchall()
        )
    assert prepared is None and rows[0] == rows[1] and rows[0][0][2]


def test_a_worker_settles_its_garbage_collection_before_its_first_job():
    import subprocess
    import sys

    # tune_gc in a fresh interpreter (it changes process-wide settings): startup objects frozen,
    # the youngest generation collected less often, and collection still reclaims cycles.
    code = (
        "import gc\n"
        "from crawler.workers import tune_gc, GC_YOUNG_THRESHOLD\n"
        "tune_gc()\n"
        "assert gc.get_freeze_count() > 1000, gc.get_freeze_count()\n"
        "assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD > 700\n"
        "class Node: pass\n"
        "a, b = Node(), Node(); a.other, b.other = b, a\n"
        "del a, b\n"
        "assert gc.collect() >= 2\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr

    import gc

    from crawler.workers import GC_YOUNG_THRESHOLD

    async def main():
        pool = WorkerPool(1)
        try:
            return await pool.run(gc.get_threshold), await pool.run(gc.get_freeze_count)
        finally:
            await pool.aclose()

    threshold, frozen = asyncio.run(main())  # a real worker did it before its first job
    assert threshold[0] == GC_YOUNG_THRESHOLD and frozen > 1000
