"""`make bench`: figures with their baselines from the same run (ratios, on a noisy machine).

1. Extraction per page on the demo site's articles against a bare lxml parse (the floor);
   `make eval` compares it with trafilatura on the real corpus.
2. crawl_bench: a generated site of 5,000 articles (NEWSARCHIVE_BENCH_SITE), the full crawl
   beside a bare Scrapy spider, with WARC writing off, an unchanged second run, peak memory
   at 1,000 and 10,000 articles.
3. search_bench: search at 100,000 generated articles (NEWSARCHIVE_BENCH_ARTICLES).
4. redis_bench: the shared seen-set's bytes per URL against scrapy-redis' plain set, and
   pages/s with one and two workers (NEWSARCHIVE_BENCH_REDIS_SITE articles).
5. research_bench: matching copies per article added to an index of 100,000 articles, and
   `trend` over them (NEWSARCHIVE_BENCH_RESEARCH articles).
6. sites_bench: 200 small sites due at once (NEWSARCHIVE_BENCH_SITES), sites/hour and peak
   memory beside the serial run.
7. deadhosts_bench: a crawl whose pages load requisites from hosts that cannot be reached,
   against the same crawl with requisites off.
8. recheck_bench: a site of 10,000 articles published over 60 simulated days, crawled daily with
   rechecks on and off (NEWSARCHIVE_BENCH_RECHECK articles, NEWSARCHIVE_BENCH_RECHECK_DAYS days).
"""

from __future__ import annotations

import os
import platform
import sys
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


if __name__ == "__main__":
    print(f"newsarchive benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    bench_extraction()
    import crawl_bench

    crawl_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_SITE", "5000")))
    import search_bench

    search_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_ARTICLES", "100000")))
    import redis_bench

    redis_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_REDIS_SITE", "2000")))
    import research_bench

    research_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_RESEARCH", "100000")))
    import sites_bench

    sites_bench.main(int(os.environ.get("NEWSARCHIVE_BENCH_SITES", "200")))
    import deadhosts_bench

    deadhosts_bench.main()
    import recheck_bench

    recheck_bench.main(
        int(os.environ.get("NEWSARCHIVE_BENCH_RECHECK", "10000")),
        int(os.environ.get("NEWSARCHIVE_BENCH_RECHECK_DAYS", "60")),
    )
