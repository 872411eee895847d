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


def test_a_dead_worker_fails_only_its_jobs_and_is_replaced():
    async def main():
        pool = WorkerPool(1)
        try:
            await pool.run(len, "start")
            first = pool.pids()
            with pytest.raises(WorkerDied, match="exit status 3"):
                await pool.run(os._exit, 3)  # the worker process ends mid-job
            again = await pool.run(len, "a new worker")
            return first, pool.pids(), again
        finally:
            await pool.aclose()

    first, second, answer = asyncio.run(main())
    assert answer == len("a new worker")
    assert first != second and len(second) == 1
    assert not _alive(first[0])


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
