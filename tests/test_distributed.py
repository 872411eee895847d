"""Two workers share one crawl through a real redis-server; `merge` folds their shards."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, crawl_args, run_cli
from tests.servers import redis_server

ARTICLES = 44  # the demo site's


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def worker(base_url: str, data: Path, redis: str, name: str, *extra: str) -> subprocess.Popen:
    args = crawl_args(
        base_url, data, "--quiet", "--redis", redis, "--worker-id", name, "--redis-idle", "2", *extra
    )
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def fetched(shard: Path) -> list[str]:
    db = sqlite3.connect(shard)
    try:
        return [u for (u,) in db.execute("select url from captures where record_type != 'request'")]
    finally:
        db.close()


def count(db_path: Path, sql: str) -> int:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def wait_for_articles(shard: Path, n: int, timeout: float = 120) -> None:
    """Until a worker's shard holds n articles (the worker may still be creating it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if shard.exists() and count(shard, "select count(*) from articles") >= n:
                return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{shard} never held {n} articles")


def test_two_workers_share_the_crawl_and_merge_into_one_dataset(demo_site, redis_url, tmp_path):
    import redis

    data = tmp_path / "data"
    # A small delay: without it one worker can fetch the whole 62-page site while the other
    # is still starting up (seen once the crawl got faster), and there is nothing to share.
    workers = [worker(demo_site, data, redis_url, name, "--delay", "0.05") for name in ("w1", "w2")]
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    shards = sorted((data / "shards").glob("*/news.db"))
    assert [s.parent.name for s in shards] == ["w1", "w2"]
    pages = [fetched(s) for s in shards]
    assert all(pages), "each worker fetched part of the site"
    everything = [u for p in pages for u in p if not u.endswith("/robots.txt")]
    twice = sorted(u for u in set(everything) if everything.count(u) > 1)
    assert not twice, f"fetched twice: {twice}"
    # Each worker writes its own WARC files, its id in their names.
    names = [p.name for p in (data / "warc" / "demo").glob("*.warc.gz")]
    assert {n.split("-")[1] for n in names} == {"w1", "w2"}

    result = run_cli("merge", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert f"{ARTICLES} new articles" in result.stdout
    merged = data / "news.db"
    assert count(merged, "select count(*) from articles") == ARTICLES
    assert count(merged, "select count(distinct url) from article_versions") == ARTICLES
    assert count(merged, "select count(*) from articles_fts") == ARTICLES
    assert run_cli("verify", "--data-dir", str(data)).returncode == 0
    again = run_cli("merge", "--data-dir", str(data))  # idempotent
    assert "0 new articles, 0 updated, 0 versions, 0 captures" in again.stdout
    assert count(merged, "select count(*) from article_versions") == ARTICLES
    # Search finds merged articles, in either script.
    import json

    hant = json.loads(run_cli("search", "兩岸", "--data-dir", str(data), "--json", "--limit", "0").stdout)
    hans = json.loads(run_cli("search", "两岸", "--data-dir", str(data), "--json", "--limit", "0").stdout)
    assert hant and hant == hans
    # The last worker out cleared the shared frontier: a next run starts afresh.
    left = [k.decode() for k in redis.Redis.from_url(redis_url).keys("newsarchive:demo:*")]
    assert left == []


def test_rechecks_are_made_once_across_workers_each_by_its_own_shard(demo_site, redis_url, tmp_path):
    data = tmp_path / "data"
    for extra in ((), ("--now", "+2h")):
        workers = [
            worker(demo_site, data, redis_url, name, "--delay", "0.05", *extra) for name in ("w1", "w2")
        ]
        for proc in workers:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
    shards = sorted((data / "shards").glob("*/news.db"))
    checked: list[str] = []
    for shard in shards:
        db = sqlite3.connect(shard)
        mine = {u for (u,) in db.execute("select url from articles")}
        urls = [u for (u,) in db.execute("select url from checks")]
        db.close()
        assert set(urls) <= mine  # a shard checks only the articles it holds
        checked += urls
    assert len(checked) == len(set(checked)) == ARTICLES  # every article once, by one worker
    assert run_cli("merge", "--data-dir", str(data)).returncode == 0
    assert count(data / "news.db", "select count(*) from checks") == ARTICLES
    assert count(data / "news.db", "select count(*) from checks where outcome = 'unchanged'") == ARTICLES


def test_a_killed_worker_s_requests_are_finished_by_the_other(demo_site, redis_url, tmp_path):
    data = tmp_path / "data"
    slow = ("--delay", "0.15", "--concurrency", "1")  # slow enough to be killed mid-crawl
    w1 = worker(demo_site, data, redis_url, "k1", *slow)
    log = tmp_path / "k2.log"
    w2 = worker(demo_site, data, redis_url, "k2", *slow, "--log-file", str(log))
    shard = data / "shards" / "k1" / "news.db"
    wait_for_articles(shard, 3)
    assert w1.poll() is None, "the worker finished before it could be killed"
    w1.send_signal(signal.SIGKILL)
    w1.wait(timeout=10)
    killed_at = count(shard, "select count(*) from articles")
    out, err = w2.communicate(timeout=300)
    assert w2.returncode == 0, err
    # What k1 held when it died went back onto the queue, once its heartbeat had stopped.
    assert "requests of worker k1 back onto the queue" in log.read_text()
    result = run_cli("merge", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    merged = data / "news.db"
    assert count(merged, "select count(*) from articles") == ARTICLES
    assert count(merged, "select count(distinct url) from articles") == ARTICLES
    assert (
        killed_at < ARTICLES
        and count(data / "shards" / "k2" / "news.db", "select count(*) from articles") >= ARTICLES - killed_at
    )
    assert "torn WARC files repaired" in result.stdout  # k1 died with its WARC file open
    verify = run_cli("verify", "--data-dir", str(data))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_merge_refuses_a_running_worker_and_missing_shards(tmp_path):
    from crawler.lock import acquire, release_all

    result = run_cli("merge", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "no shards" in result.stderr
    shard = tmp_path / "shards" / "busy"
    shard.mkdir(parents=True)
    sqlite3.connect(shard / "news.db").close()
    acquire(shard, "demo")
    try:
        result = run_cli("merge", "--data-dir", str(tmp_path))
        assert result.returncode == 2 and "still crawling 'demo'" in result.stderr
    finally:
        release_all()


def test_the_seen_set_is_atomic_and_compact(redis_url):
    import redis
    import scrapy

    from crawler.distributed import CompactDupeFilter

    server = redis.Redis.from_url(redis_url)
    seen = CompactDupeFilter(server, key="newsarchive:test:seen")
    first = [scrapy.Request(f"http://news.example/a/{n}.html") for n in range(500)]
    assert not any(seen.request_seen(r) for r in first)
    assert all(seen.request_seen(scrapy.Request(r.url)) for r in first)
    assert not seen.request_seen(scrapy.Request("http://news.example/a/new.html"))
    buckets = list(server.scan_iter(match="newsarchive:test:seen:*"))
    assert buckets and all(server.object("encoding", k) == b"listpack" for k in buckets)
    seen.clear()
    assert list(server.scan_iter(match="newsarchive:test:seen:*")) == []


def test_a_worker_stops_with_a_clear_error_when_redis_goes_away(demo_site, tmp_path):
    unreachable = run_cli(*crawl_args(demo_site, tmp_path / "a", "--redis", "redis://127.0.0.1:1/0"))
    assert unreachable.returncode == 1 and "cannot use Redis at redis://127.0.0.1:1/0" in unreachable.stderr
    data = tmp_path / "data"
    with redis_server(tmp_path / "redis") as url:
        proc = worker(demo_site, data, url, "lonely", "--delay", "0.2", "--concurrency", "1")
        shard = data / "shards" / "lonely" / "news.db"
        wait_for_articles(shard, 2)
        # A second worker with the same id is refused while the first one lives.
        twin = run_cli(*crawl_args(demo_site, tmp_path / "b", "--redis", url, "--worker-id", "lonely"))
        assert twin.returncode == 1 and "worker id 'lonely' is in use" in twin.stderr
    # The server is gone: the worker stops instead of waiting for ever, and says why.
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert count(shard, "select count(*) from crawls where status = 'failed'") == 1
    assert count(shard, "select count(*) from articles") >= 2  # what it stored is kept


def test_workers_of_one_site_share_its_hosts_gap(redis_url, tmp_path):
    """Two workers crawling one site with delay = 0.5: the gap holds between any two requests
    to the host, whichever worker sends them (the slots are reserved in Redis)."""
    import json

    from tests.manysites import write_profile
    from tests.servers import module_server

    log = tmp_path / "requests.log"
    folder = tmp_path / "profiles"
    folder.mkdir()
    data = tmp_path / "data"
    with module_server("tests.manysites", "--sites", "1", "--articles", "16", "--log", str(log)) as line:
        info = json.loads(line)
        host, port = info["hosts"][0], info["port"]
        write_profile(folder, "one", host, port)
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "crawler",
                    "crawl",
                    "one",
                    "--profiles",
                    str(folder),
                    "--data-dir",
                    str(data),
                    "--allow-private-addresses",
                    "--quiet",
                    "--redis",
                    redis_url,
                    "--worker-id",
                    name,
                    "--redis-idle",
                    "2",
                    # each worker holds two requests at most, so that both take part
                    "--set",
                    "CONCURRENT_REQUESTS=2",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            for name in ("g1", "g2")
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
    shards = sorted((data / "shards").glob("*/news.db"))
    assert sum(count(s, "select count(*) from articles") for s in shards) == 16
    assert all(fetched(s) for s in shards), [len(fetched(s)) for s in shards]  # both workers took part
    times = sorted(float(entry.split(" ")[1]) for entry in log.read_text(encoding="utf-8").splitlines())
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) >= 18 and min(gaps) >= 0.45, min(gaps)
