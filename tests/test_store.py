from __future__ import annotations

import json

import pytest

from archive.store import SCHEMA_VERSION, ArticleStore, WarcPointer
from crawler.extract.article import Article, RelatedLink


def article(body: str, title: str = "標題") -> Article:
    return Article(
        url="http://news.example/a/1.html",
        title=title,
        body=body,
        body_norm=body,
        authors=("張三",),
        related=(RelatedLink("http://news.example/a/2.html", "另一篇", "2026-04-01"),),
        is_article=True,
    )


def save(store: ArticleStore, art: Article, when: str, offset: int) -> str:
    return store.save_article(
        art,
        site="t",
        crawl_id="c1",
        fetched_at=when,
        warc=WarcPointer("t/x.warc.gz", offset, f"<urn:uuid:{offset}>"),
    )


def test_new_unchanged_and_changed_versions(tmp_path):
    store = ArticleStore(tmp_path / "news.db")
    assert save(store, article("第一版內容。"), "2026-04-20T01:00:00Z", 10) == "new"
    assert save(store, article("第一版內容。 "), "2026-04-21T01:00:00Z", 20) == "unchanged"
    row = store.db["articles"].get("http://news.example/a/1.html")
    assert (row["version"], row["last_fetched_at"], row["last_changed_at"], row["warc_offset"]) == (
        1,
        "2026-04-21T01:00:00Z",
        "2026-04-20T01:00:00Z",
        10,
    )
    assert save(store, article("第二版內容，悄悄改過。"), "2026-04-22T01:00:00Z", 30) == "changed"
    row = store.db["articles"].get("http://news.example/a/1.html")
    assert (row["version"], row["last_changed_at"], row["warc_offset"]) == (2, "2026-04-22T01:00:00Z", 30)
    assert row["first_seen_at"] == "2026-04-20T01:00:00Z"
    versions = list(store.db["article_versions"].rows_where(order_by="version"))
    assert [(v["version"], v["body"], v["warc_offset"]) for v in versions] == [
        (1, "第一版內容。", 10),
        (2, "第二版內容，悄悄改過。", 30),
    ]
    assert json.loads(row["authors"]) == ["張三"]
    assert [r["url"] for r in store.db["related"].rows] == ["http://news.example/a/2.html"]


def test_schema_is_versioned_and_wal(tmp_path):
    store = ArticleStore(tmp_path / "news.db")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    ArticleStore(tmp_path / "news.db").close()  # reopening migrates nothing and loses nothing


def test_newer_schema_is_refused(tmp_path):
    store = ArticleStore(tmp_path / "news.db")
    store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    with pytest.raises(RuntimeError, match="newer than this newsarchive"):
        ArticleStore(tmp_path / "news.db")


def test_a_transaction_inside_another_is_a_savepoint_of_it(tmp_path):
    store = ArticleStore(tmp_path / "news.db")
    with store.transaction():
        store.add_failure("c1", "http://a.example/1", "fetch", "outer")
        with pytest.raises(ZeroDivisionError), store.transaction():
            store.add_failure("c1", "http://a.example/2", "fetch", "inner, undone")
            raise ZeroDivisionError
        with store.transaction():
            store.add_failure("c1", "http://a.example/3", "fetch", "inner, kept")
        assert store.db.conn.in_transaction  # nothing committed before the outer block ends
    other = ArticleStore(tmp_path / "news.db")  # a second connection sees the committed rows
    urls = [r[0] for r in other.db.execute("select url from failures order by url")]
    assert urls == ["http://a.example/1", "http://a.example/3"]
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.add_failure("c1", "http://a.example/4", "fetch", "outer, undone")
        with store.transaction():
            store.add_failure("c1", "http://a.example/5", "fetch", "inner of an undone outer")
        raise ZeroDivisionError
    assert other.db.execute("select count(*) from failures").fetchone()[0] == 2
