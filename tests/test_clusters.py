"""Copies of one story across sites: pairwise precision and recall on generated syndication,
incremental updates equal to a rebuild, and the commands that show them."""

from __future__ import annotations

import itertools
import json

import pytest

from archive.clusters import copies_of, update_clusters
from archive.store import ArticleStore, WarcPointer
from crawler.extract.article import Article
from crawler.nearcopy import are_copies, shingles
from crawler.text import convert
from tests.conftest import run_cli
from tests.syndication import corpus


def _save(store: ArticleStore, copy, n: int) -> None:
    article = Article(
        url=copy.url,
        title=copy.title,
        published_at=copy.published_at,
        body=copy.body,
        title_norm=convert(copy.title, "hans"),
        body_norm=convert(copy.body, "hans"),
        script="hans",
        is_article=True,
        article_score=1.0,
    )
    store.save_article(
        article,
        site=copy.site,
        crawl_id="test",
        fetched_at=f"2025-04-01T00:{n // 60:02d}:{n % 60:02d}Z",
        warc=WarcPointer("test.warc.gz", n, f"<urn:uuid:{n:032d}>"),
    )


def _partition(store: ArticleStore) -> dict[str, int]:
    return dict(store.db.execute("select url, cluster_id from clusters").fetchall())


def _pairwise(copies, clustered: dict[str, int]) -> tuple[float, float]:
    truth = {(a.url, b.url) for a, b in itertools.combinations(copies, 2) if a.story == b.story}
    found = {
        (a.url, b.url)
        for a, b in itertools.combinations(copies, 2)
        if a.url in clustered and clustered.get(a.url) == clustered.get(b.url)
    }
    hit = len(truth & found)
    return hit / len(found) if found else 1.0, hit / len(truth) if truth else 1.0


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_copies_are_found_with_high_pairwise_precision_and_recall(tmp_path, seed):
    copies = corpus(60, seed=seed)
    store = ArticleStore(tmp_path / "news.db")
    for n, copy in enumerate(copies):
        _save(store, copy, n)
    report = update_clusters(store)
    precision, recall = _pairwise(copies, _partition(store))
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, report)
    # Stand-alone stories are in no cluster; every cluster has two or more members.
    sizes = store.db.execute("select count(*) from clusters group by cluster_id").fetchall()
    assert sizes and min(s for (s,) in sizes) >= 2
    store.close()


def test_incremental_updates_equal_one_rebuild(tmp_path):
    copies = corpus(40, seed=21)
    store = ArticleStore(tmp_path / "news.db")
    for n, copy in enumerate(copies):
        _save(store, copy, n)
        if n % 9 == 0:
            update_clusters(store)  # after every few "crawls"
    update_clusters(store)
    incremental = _partition(store)
    assert update_clusters(store).matched == 0  # nothing new: nothing matched again
    update_clusters(store, everything=True)
    rebuilt = _partition(store)

    def groups(part):
        out = {}
        for url, cid in part.items():
            out.setdefault(cid, set()).add(url)
        return sorted(sorted(g) for g in out.values())

    assert groups(incremental) == groups(rebuilt)
    store.close()


def test_each_cluster_names_its_earliest_copy_and_similarities(tmp_path):
    copies = corpus(30, seed=5)
    store = ArticleStore(tmp_path / "news.db")
    for n, copy in enumerate(copies):
        _save(store, copy, n)
    update_clusters(store)
    for (cid,) in store.db.execute("select distinct cluster_id from clusters").fetchall():
        rows = store.db.execute(
            "select c.url, c.similarity, c.is_earliest, a.published_at from clusters c "
            "join articles a on a.url = c.url where cluster_id = ?",
            [cid],
        ).fetchall()
        earliest = [r for r in rows if r[2]]
        assert len(earliest) == 1 and earliest[0][1] == 1.0
        assert earliest[0][3] == min(r[3] for r in rows)
        assert all(0 < r[1] <= 1 for r in rows)
    store.close()


def test_an_edited_article_leaves_the_cluster_it_no_longer_belongs_to(tmp_path):
    copies = [c for c in corpus(12, seed=3) if c.story == 1]
    assert len(copies) >= 2
    store = ArticleStore(tmp_path / "news.db")
    for n, copy in enumerate(copies[:2]):
        _save(store, copy, n)
    update_clusters(store)
    assert len(_partition(store)) == 2
    other = next(c for c in corpus(12, seed=3) if c.story == 2)
    from dataclasses import replace

    _save(store, replace(copies[1], body=other.body), 9)  # the page now carries another story
    update_clusters(store)
    assert _partition(store) == {}
    store.close()


def test_short_texts_and_quotations_are_no_copies():
    long_text = "".join(
        f"第{i}段，江滨市政府今天发布消息，老旧小区改造工作取得阶段性进展。" for i in range(40)
    )
    quote = long_text[:200]
    assert not are_copies(shingles(long_text), shingles(quote))  # a fifth of it: quoted, not copied
    assert not are_copies(shingles("短讯"), shingles("短讯"))
    assert are_copies(shingles(long_text), shingles("来源：新华社" + long_text[: int(len(long_text) * 0.7)]))


def test_copies_command_and_search_show_the_copies(tmp_path):
    copies = corpus(20, seed=8)
    data = tmp_path / "data"
    store = ArticleStore(data / "news.db")
    for n, copy in enumerate(copies):
        _save(store, copy, n)
    update_clusters(store)
    story = max({c.story for c in copies}, key=lambda s: sum(c.story == s for c in copies))
    members = [c for c in copies if c.story == story]
    listed = copies_of(store.db, members[-1].url)
    store.close()
    assert {r["url"] for r in listed} == {c.url for c in members}

    result = run_cli("copies", members[0].url, "--data-dir", str(data), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["url"] for r in rows] == [r["url"] for r in listed] and rows[0]["is_earliest"]
    text = run_cli("copies", members[0].url, "--data-dir", str(data))
    assert text.returncode == 0 and members[0].site in text.stdout

    word = convert(members[0].title[:4], "hans")
    found = json.loads(run_cli("search", word, "--data-dir", str(data), "--json", "--limit", "0").stdout)
    by_url = {h["url"]: h for h in found}
    assert by_url[members[0].url]["copies"] == len(members) - 1

    exported = run_cli("export", "--format", "jsonl", "--data-dir", str(data))
    ids = {r["url"]: r["cluster_id"] for r in map(json.loads, exported.stdout.splitlines())}
    assert len({ids[c.url] for c in members}) == 1 and ids[members[0].url] is not None
    lone = [c for c in copies if sum(d.story == c.story for d in copies) == 1]
    assert lone and all(ids[c.url] is None for c in lone)

    missing = run_cli("copies", "http://nowhere.example/x.html", "--data-dir", str(data))
    assert missing.returncode == 1 and "no article" in missing.stderr


def _syndication_site(copies):
    """An index page linking every copy, each served as a portal article page."""
    import html
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    pages = {}
    for n, copy in enumerate(copies):
        path = f"/{copy.site}/2025/03/{n:04d}.html"
        body = "".join(f"<p>{html.escape(p)}</p>" for p in copy.body.split("\n"))
        pages[path] = (
            f"<html><head><meta charset='utf-8'><title>{html.escape(copy.title)}_{copy.site}</title></head>"
            f"<body><div class='nav'><a href='/'>首页</a></div><h1>{html.escape(copy.title)}</h1>"
            f"<div class='info'>{copy.published_at[:10]} {copy.published_at[11:16]}</div>"
            f"<div class='content'>{body}</div></body></html>"
        ).encode()
    index = "".join(f"<li><a href='{p}'>{n}</a> 2025-03-01</li>" for n, p in enumerate(pages))
    pages["/"] = (
        f"<html><head><meta charset='utf-8'><title>索引</title></head><body><ul>{index}</ul></body></html>".encode()
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            page = pages.get(urlsplit(self.path).path)
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page or b"")))
            self.end_headers()
            self.wfile.write(page or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths = {f"/{c.site}/2025/03/{n:04d}.html": c for n, c in enumerate(copies)}
    return server, paths


def test_a_crawl_leaves_the_clusters_up_to_date(tmp_path):
    copies = corpus(24, seed=17)
    server, paths = _syndication_site(copies)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    data = tmp_path / "data"
    try:
        result = run_cli(
            "crawl", "--start-url", base + "/", "--data-dir", str(data), "--allow-private-addresses",
            "--delay", "0", "--quiet",
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    store = ArticleStore(data / "news.db")
    stored = {u for (u,) in store.db.execute("select url from articles")}
    clustered = _partition(store)
    store.close()
    assert stored == {base + p for p in paths}
    crawled = [copy.__class__(**{**copy.__dict__, "url": base + p}) for p, copy in paths.items()]
    precision, recall = _pairwise(crawled, clustered)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
