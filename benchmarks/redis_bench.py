"""Shared crawls through Redis: the seen-set's bytes per URL, and pages/s with one and two workers.

Starts its own redis-server on 127.0.0.1 (Debian's package) and the generated bench site.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def seen_set_bytes(url: str, sizes=(100_000, 1_000_000)) -> None:
    """Redis memory per URL: newsarchive's compact seen-set against scrapy-redis' plain set."""
    import redis
    from scrapy import Request
    from scrapy.utils.request import fingerprint

    server = redis.Redis.from_url(url)
    for size in sizes:
        fps = [fingerprint(Request(f"http://news.example/2026/{n // 500}/{n}.html")) for n in range(size)]
        for name in ("plain", "compact"):
            server.flushall()
            before = server.info("memory")["used_memory"]
            for start in range(0, size, 10_000):
                pipe = server.pipeline(transaction=False)
                for fp in fps[start : start + 10_000]:
                    if name == "plain":  # what scrapy_redis.dupefilter.RFPDupeFilter stores
                        pipe.sadd("seen", fp.hex())
                    else:  # what crawler.distributed.CompactDupeFilter stores
                        pipe.hsetnx(f"seen:{fp[:2].hex()}", fp[2:8], b"")
                pipe.execute()
            used = server.info("memory")["used_memory"] - before
            print(
                f"  seen-set, {size:,} URLs: {name:7s} {used / size:5.1f} bytes a URL ({used / 2**20:.1f} MiB)"
            )
    server.flushall()


def _pages(db_path: Path) -> int:
    import sqlite3

    if not db_path.exists():
        return 0
    db = sqlite3.connect(db_path)
    try:
        return db.execute("select sum(pages) from crawls").fetchone()[0] or 0
    finally:
        db.close()


def _span(dbs: list[Path]) -> float:
    import sqlite3
    from datetime import datetime

    stamps = []
    for path in dbs:
        if path.exists():
            db = sqlite3.connect(path)
            stamps += [
                s
                for row in db.execute("select min(fetched_at), max(fetched_at) from captures")
                for s in row
                if s
            ]
            db.close()
    times = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps]
    return max(1.0, (max(times) - min(times)).total_seconds())


def workers_rate(url: str, articles: int) -> None:
    """The bench site crawled by one worker, then by two sharing the frontier."""
    from benchsite import PROFILE
    from crawl_bench import CONCURRENCY, ENV, start_site

    site, base = start_site(articles)
    try:
        for count in (0, 1, 2):  # 0: a plain crawl without Redis, the baseline
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp)
                (data / "profiles").mkdir()
                (data / "profiles" / "bench.toml").write_text(PROFILE, encoding="utf-8")
                args = [
                    sys.executable, "-m", "crawler", "crawl", "bench", "--profiles", str(data / "profiles"),
                    "--base-url", base, "--data-dir", str(data), "--allow-private-addresses", "--delay", "0",
                    "--concurrency", str(CONCURRENCY), "--quiet",
                ]  # fmt: skip
                shared = ["--redis", url, "--redis-idle", "2"]
                start = time.perf_counter()
                commands = [[*args, *shared, "--worker-id", f"b{n}"] for n in range(count)] or [args]
                procs = [subprocess.Popen(c, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL) for c in commands]
                for proc in procs:
                    proc.wait()
                wall = time.perf_counter() - start
                dbs = [*(data / "shards").glob("*/news.db"), data / "news.db"]
                pages = sum(_pages(db) for db in dbs)
                # From the first fetch to the last (whole seconds): a worker's wait for other
                # workers before it stops (up to --redis-idle plus Scrapy's 5 s idle check) is no crawling.
                seconds = _span(dbs)
                label = f"{count} worker{'s' if count > 1 else ''} through Redis" if count else "plain crawl"
                print(
                    f"  {label}: {pages} pages fetched in {seconds:.0f} s, {pages / seconds:.0f} pages/s "
                    f"(wall time with start and stop {wall:.1f} s)"
                )
    finally:
        site.terminate()
        site.wait()


def main(articles: int = 2000) -> None:
    if shutil.which("redis-server") is None:
        print("redis: skipped (redis-server is not installed; apt-get install redis-server)")
        return
    from tests.servers import redis_server

    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as url:
        print("shared crawl through Redis:")
        seen_set_bytes(url)
        workers_rate(url, articles)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
