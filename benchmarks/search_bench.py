"""Search at scale: N generated articles (default 100,000), latency beside a plain LIKE scan.

Prints articles stored per second (through ArticleStore.save_article, index included), the
index size against the data, and per-query latency of `search` against `LIKE '%q%'` on the
same database in the same run.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["两岸", "数字", "茶", "福州地铁", "數字中國", "5G网络", "龙舟 端午"]


def generate(store, n: int, seed: int = 7) -> float:
    from archive.store import WarcPointer
    from crawler.demo.content import CLOSERS, MIDDLES, OPENERS, PLACES, TITLES
    from crawler.extract.article import Article
    from crawler.text import convert

    rng = random.Random(seed)
    titles = [t for ts in TITLES.values() for t in ts]
    openers = [o for os_ in OPENERS.values() for o in os_]
    start = time.perf_counter()
    for i in range(n):
        title = rng.choice(titles) + f"（{i}）"
        fill = {"title_short": title, "place": rng.choice(PLACES), "n": rng.randint(2, 99)}
        paras = [rng.choice(openers).format(**fill)] + [m.format(**fill) for m in rng.sample(MIDDLES, 5)]
        paras.append(rng.choice(CLOSERS) + ("5G网络覆盖全城。" if i % 50 == 0 else ""))
        body = "\n".join(paras)
        hant = i % 3 == 0
        article = Article(
            url=f"http://bench.example/{i}.html",
            title=convert(title, "hant") if hant else title,
            body=convert(body, "hant") if hant else body,
            title_norm=title,
            body_norm=body,
            published_at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            is_article=True,
        )
        store.save_article(
            article,
            site=f"site{i % 5}",
            crawl_id="bench",
            fetched_at="2026-11-26T00:00:00Z",
            warc=WarcPointer("bench.warc.gz", i * 1000, f"<urn:uuid:{i}>"),
        )
    return n / (time.perf_counter() - start)


def timed(fn, rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(n: int) -> None:
    from archive.search import search
    from archive.store import ArticleStore
    from crawler.searchtext import fold

    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore(Path(tmp) / "bench.db")
        rate = generate(store, n)
        print(f"search benchmark, {n} generated articles; stored {rate:.0f} articles/s (index kept in step)")
        sizes = dict(
            store.db.execute(
                "select case when name like 'articles_fts%' then 'index' else 'data' end, sum(pgsize) "
                "from dbstat group by 1"
            ).fetchall()
        )
        print(
            f"index {sizes.get('index', 0) / 2**20:.1f} MiB against data {sizes.get('data', 0) / 2**20:.1f} MiB "
            f"({sizes.get('index', 0) / max(sizes.get('data', 1), 1):.2f}x)"
        )
        print("search: ranked top 20 (exact); LIKE: unranked scan for all matches, the no-index baseline")
        print(f"{'query':<12}{'hits':>7}{'search ms':>11}{'LIKE ms':>9}{'LIKE/search':>13}")
        for q in QUERIES:
            hits = len(search(store.db, q, limit=0))
            ms = timed(lambda q=q: search(store.db, q, limit=20))
            like = " and ".join("body_norm like ?" for _ in q.split())
            params = [f"%{fold(t)}%" for t in q.split()]
            scan = timed(
                lambda like=like, params=params: store.db.execute(
                    f"select url from articles where {like}", params
                ).fetchall()
            )  # noqa: S608
            print(f"{q:<12}{hits:>7}{ms:>11.1f}{scan:>9.1f}{scan / ms:>12.1f}x")
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
