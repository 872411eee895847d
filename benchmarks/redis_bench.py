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


def workers_rate(url: str, articles: int) -> None:
    """The bench site crawled by one worker, then by two sharing the frontier."""
    from benchsite import PROFILE
    from crawl_bench import CONCURRENCY, ENV, start_site

    site, base = start_site(articles)
    try:
        for count in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp)
                (data / "profiles").mkdir()
                (data / "profiles" / "bench.toml").write_text(PROFILE, encoding="utf-8")
                args = [
                    sys.executable, "-m", "crawler", "crawl", "bench", "--profiles", str(data / "profiles"),
                    "--base-url", base, "--data-dir", str(data), "--allow-private-addresses", "--delay", "0",
                    "--concurrency", str(CONCURRENCY), "--quiet", "--redis", url, "--redis-idle", "2",
                ]  # fmt: skip
                start = time.perf_counter()
                procs = [
                    subprocess.Popen(
                        [*args, "--worker-id", f"b{n}"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL
                    )
                    for n in range(count)
                ]
                for proc in procs:
                    proc.wait()
                seconds = time.perf_counter() - start - 2  # the idle wait before stopping is not crawling
                import sqlite3

                pages = 0
                for shard in (data / "shards").glob("*/news.db"):
                    db = sqlite3.connect(shard)
                    pages += db.execute("select sum(pages) from crawls").fetchone()[0] or 0
                    db.close()
                print(
                    f"  {count} worker{'s' if count > 1 else ''}: {pages} pages in {seconds:.1f} s, {pages / seconds:.0f} pages/s"
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
