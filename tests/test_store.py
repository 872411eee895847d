from __future__ import annotations

import json

import pytest

from archive.store import SCHEMA_VERSION, ArticleStore, WarcPointer
from crawler.errors import DataError
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
    with pytest.raises(DataError, match="newer than this newsarchive"):
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


def _urls(store: ArticleStore, table: str = "failures") -> list[str]:
    return [r[0] for r in store.db.execute(f"select url from {table} order by url")]  # noqa: S608


def test_grouped_commits_keep_each_unit_all_or_nothing_and_commit_when_due(tmp_path):
    from archive.search import search

    store = ArticleStore(tmp_path / "news.db", commit_every=3600)
    other = ArticleStore(tmp_path / "news.db")  # a second connection sees committed rows only
    heard: list[str] = []
    with store.transaction():
        save(store, article("第一篇的內容，講數字中國。"), "2026-04-20T01:00:00Z", 10)
        store.after_commit(lambda: heard.append("first"))
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.add_failure("c1", "http://a.example/undone", "fetch", "undone with its unit")
        store.after_commit(lambda: heard.append("undone"))
        raise ZeroDivisionError
    with store.transaction():
        store.add_failure("c1", "http://a.example/kept", "fetch", "kept")
    store.commit_if_due()  # an hour has not passed: still one open transaction
    assert store.db.conn.in_transaction and heard == []
    assert _urls(other) == [] and _urls(other, "articles") == []
    assert [h.url for h in search(store.db, "數字")] == []  # index rows wait for the commit too

    store.commit()
    assert heard == ["first"]  # after the commit, and never for the undone unit
    assert _urls(other) == ["http://a.example/kept"]
    assert _urls(other, "articles") == ["http://news.example/a/1.html"]
    assert [h.url for h in search(other.db, "数字")] == ["http://news.example/a/1.html"]

    store.commit_every = 0.000001  # due at once: the unit that opens a group also commits it
    with store.transaction():
        save(store, article("第二版，改寫了內容。"), "2026-04-21T01:00:00Z", 20)
    assert not store.db.conn.in_transaction
    assert [h.url for h in search(other.db, "改寫")] == ["http://news.example/a/1.html"]
    assert [h.url for h in search(other.db, "數字")] == []  # the old version's index row is gone


def test_a_rolled_back_unit_takes_its_search_row_with_it(tmp_path):
    from archive.search import search

    store = ArticleStore(tmp_path / "news.db", commit_every=3600)
    with store.transaction():
        save(store, article("保留的版本。"), "2026-04-20T01:00:00Z", 10)
    with pytest.raises(ZeroDivisionError), store.transaction():
        save(store, article("撤銷的版本。"), "2026-04-21T01:00:00Z", 20)
        raise ZeroDivisionError
    store.close()  # closing commits what is open
    again = ArticleStore(tmp_path / "news.db")
    assert [h.url for h in search(again.db, "保留")] == ["http://news.example/a/1.html"]
    assert search(again.db, "撤銷") == []
    assert again.db.execute("select version from articles").fetchone()[0] == 1
