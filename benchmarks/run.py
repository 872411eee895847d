"""`make bench`: figures with their baselines from the same run (ratios, on a noisy machine).

1. Extraction per page on the demo site's articles against a bare lxml.html parse (the floor).
2. A full crawl of the demo site with WARC writing on and off (same server, alternating runs).
The 5,000-page bench site of the benchmarks issue is not built yet: see CHANGELOG.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_extraction() -> None:
    import lxml.html

    from crawler.demo.site import build_articles, build_site
    from crawler.extract import extract

    articles = build_articles()
    site = build_site(articles)
    pages = [(site[a.path].body, dict(site[a.path].headers)["Content-Type"]) for a in articles]
    extract(None, pages[0][0])
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for body, ctype in pages:
            extract("http://demo.newsarchive.test/x.html", body, content_type=ctype)
    ours = (time.perf_counter() - start) / (rounds * len(pages)) * 1000
    start = time.perf_counter()
    for _ in range(rounds):
        for body, _ctype in pages:
            lxml.html.document_fromstring(body)
    floor = (time.perf_counter() - start) / (rounds * len(pages)) * 1000
    print(
        f"extraction: {ours:.2f} ms/page; bare lxml.html parse {floor:.2f} ms/page; ratio {ours / floor:.1f}x the floor"
    )


def crawl_once(base_url: str, data: Path, warc: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "crawler",
        "crawl",
        "demo",
        "--base-url",
        base_url,
        "--data-dir",
        str(data),
        "--allow-private-addresses",
        "--delay",
        "0",
        "--concurrency",
        "8",
        "--quiet",
    ]
    if not warc:
        cmd += ["--set", "ARCHIVE_WARC_ENABLED=0"]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def bench_crawl() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.server"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        base = proc.stdout.readline().strip()
        on, off = [], []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                on.append(crawl_once(base, Path(a), True))
                off.append(crawl_once(base, Path(b), False))
        m_on, m_off = statistics.median(on), statistics.median(off)
        print(
            f"crawl of the demo site (62 pages, process start included): WARC on {m_on:.2f} s, "
            f"WARC off {m_off:.2f} s (median of 3); WARC costs {(m_on / m_off - 1) * 100:+.0f}%"
        )
        bench_incremental(base)
    finally:
        proc.terminate()
        proc.wait()


def bench_incremental(base: str) -> None:
    """An unchanged second run against the first: requests and seconds."""
    import sqlite3

    with tempfile.TemporaryDirectory() as tmp:
        first = crawl_once(base, Path(tmp), True)
        second = crawl_once(base, Path(tmp), True)
        conn = sqlite3.connect(Path(tmp) / "news.db")
        pages = [n for (n,) in conn.execute("select pages from crawls order by started_at")]
        conn.close()
    print(
        f"incremental: first run {pages[0]} requests in {first:.2f} s, unchanged second run {pages[1]} requests "
        f"in {second:.2f} s ({pages[1] / pages[0]:.0%} of the requests, {second / first:.0%} of the time)"
    )


if __name__ == "__main__":
    print(f"newsarchive benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    bench_extraction()
    bench_crawl()
    import search_bench

    search_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_ARTICLES", "100000")))
