"""Copies and trends at scale: N generated articles (default 100,000), syndicated 1-6 times.

Prints the cost of matching copies per article when a crawl adds 1,000 articles to an index
of N (incremental), beside the same 1,000 added to an empty database (the baseline: what the
index size adds), and `trend` for three words over N articles beside a plain LIKE scan.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADDED = 1000
WORDS = ["养老", "垃圾分类", "港口"]


def fill(store, copies, offset: int = 0) -> float:
    from archive.store import WarcPointer
    from crawler.extract.article import Article
    from crawler.text import convert

    start = time.perf_counter()
    for i, copy in enumerate(copies, offset):
        store.save_article(
            Article(
                url=copy.url + f"?n={i}",
                title=copy.title,
                published_at=copy.published_at,
                body=copy.body,
                title_norm=convert(copy.title, "hans"),
                body_norm=convert(copy.body, "hans"),
                is_article=True,
            ),
            site=copy.site,
            crawl_id="bench",
            fetched_at="2026-11-26T00:00:00Z",
            warc=WarcPointer("bench.warc.gz", i, f"<urn:uuid:{i}>"),
        )
    return len(copies) / (time.perf_counter() - start)


def stories(n: int, seed: int):
    from tests.syndication import corpus

    copies = []
    while len(copies) < n:
        copies += corpus(200, seed=seed + len(copies))
    random.Random(seed).shuffle(copies)
    return copies[:n]


def main(n: int) -> None:
    from archive.clusters import update_clusters
    from archive.store import ArticleStore
    from archive.trends import trend
    from crawler.searchtext import fold

    copies = stories(n + ADDED, 41)
    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore(Path(tmp) / "bench.db", commit_every=1.0)
        rate = fill(store, copies[:n])
        store.commit()
        start = time.perf_counter()
        first = update_clusters(store)
        build = (time.perf_counter() - start) / n * 1000
        fill(store, copies[n:], n)
        store.commit()
        start = time.perf_counter()
        added = update_clusters(store)
        incremental = (time.perf_counter() - start) / ADDED * 1000

        empty = ArticleStore(Path(tmp) / "empty.db", commit_every=1.0)
        fill(empty, copies[n:], n)
        empty.commit()
        start = time.perf_counter()
        update_clusters(empty)
        baseline = (time.perf_counter() - start) / ADDED * 1000
        empty.close()
        print(
            f"copies, {n} generated articles (stored {rate:.0f}/s): first build {build:.2f} ms an article, "
            f"{first.clusters} clusters; {ADDED} more: {incremental:.2f} ms an article against the index of {n} "
            f"({added.joined} joined a cluster), {baseline:.2f} ms against an empty one "
            f"({incremental / baseline:.2f}x)"
        )
        bands = store.db.execute("select sum(pgsize) from dbstat where name like 'copy_%'").fetchone()[0] or 0
        print(f"copy index: {bands / 2**20:.1f} MiB ({bands / (n + ADDED):.0f} bytes an article)")

        start = time.perf_counter()
        rows = trend(store.db, WORDS, by="month")
        took = time.perf_counter() - start
        start = time.perf_counter()
        for word in WORDS:
            store.db.execute(
                "select substr(published_at, 1, 7), count(*) from articles where body_norm like ? or title_norm like ? group by 1",
                [f"%{fold(word)}%"] * 2,
            ).fetchall()
        scan = time.perf_counter() - start
        total = sum(r["count"] for r in rows)
        print(
            f"trend of {len(WORDS)} words by month over {n + ADDED} articles: {took * 1000:.0f} ms "
            f"({total} article-counts); plain LIKE scan {scan * 1000:.0f} ms ({scan / took:.1f}x)"
        )
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
