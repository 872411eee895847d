"""The run's frontier as a component: schedule once, done after commit, resume what is left."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.store import ArticleStore
from crawler.frontier import Frontier

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _frontier(path, crawl_id="run-1", **kwargs) -> Frontier:
    store = ArticleStore(path, commit_every=kwargs.pop("commit_every", 0.0))
    return Frontier(store, crawl_id, "site", now=NOW, refetch_window=kwargs.pop("window", 3), **kwargs)


def test_a_url_is_admitted_once_a_run(tmp_path):
    frontier = _frontier(tmp_path / "news.db")
    assert frontier.admit("http://a.test/1.html", "article", 1) == {}
    assert frontier.admit("http://a.test/1.html", "article", 1) is None
    assert frontier.admit("http://a.test/1.html", "list", 0) is None


def test_a_page_fetched_before_is_asked_for_conditionally(tmp_path):
    db = tmp_path / "news.db"
    first = _frontier(db, "run-1")
    first.admit("http://a.test/list.html", "page", 0)
    first.record_fetch("http://a.test/list.html", 200, '"v1"', None, "2026-02-01T00:00:00Z")
    first.done("http://a.test/list.html")
    second = _frontier(db, "run-2")
    assert second.admit("http://a.test/list.html", "page", 0) == {"If-None-Match": '"v1"'}


def test_resume_lists_what_was_left_but_not_later_pages(tmp_path):
    db = tmp_path / "news.db"
    killed = _frontier(db)
    for url, kind in (("http://a.test/", "list"), ("http://a.test/1.html", "article")):
        killed.admit(url, kind, 0)
    killed.add_page_of("http://a.test/1_2.html")
    killed.done("http://a.test/")
    again = _frontier(db)
    assert again.resume() == [("http://a.test/1.html", "article", 0)]


def test_done_is_acknowledged_only_once_committed(tmp_path):
    frontier = _frontier(tmp_path / "news.db", commit_every=3600)
    heard: list[str] = []
    frontier.on_done(heard.append)
    frontier.admit("http://a.test/1.html", "article", 0)
    with frontier.store.transaction():
        frontier.done("http://a.test/1.html")
    assert heard == []  # the group transaction is still open
    frontier.store.commit()
    assert heard == ["http://a.test/1.html"]


def test_pages_older_than_since_are_not_admitted(tmp_path):
    frontier = _frontier(tmp_path / "news.db", since="2024-01-01")
    assert frontier.admit("http://a.test/2023/05/01/1.html", "article", 0) is None
    assert frontier.admit("http://a.test/2024/05/01/1.html", "article", 0) == {}


def test_extraction_in_the_crawl_process_stores_what_the_workers_store(demo_crawl, demo_site, tmp_path):
    """NEWSARCHIVE_EXTRACT_WORKERS=0 leaves the pool extension out: the spider extracts in
    its own process, with the same result."""
    import sqlite3

    from tests.conftest import crawl_demo

    result = crawl_demo(demo_site, tmp_path, "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0")
    assert result.returncode == 0, result.stderr

    def rows(db):
        with sqlite3.connect(db) as conn:
            return sorted(conn.execute("select url, title, content_hash from articles"))

    assert rows(tmp_path / "news.db") == rows(demo_crawl["data"] / "news.db")
    assert len(rows(tmp_path / "news.db")) == 44


def test_the_last_run_s_fetch_in_this_run_s_first_second_is_not_this_run_s(tmp_path):
    """Fetch times are to the second: a fetch by the previous run at this run's very start
    must not pass for this run's (the page would not be asked for again)."""
    db = tmp_path / "news.db"
    first = _frontier(db, "run-1")
    first.admit("http://a.test/1.html", "page", 0)
    first.record_fetch("http://a.test/1.html", 200, '"v1"', None, f"{NOW:%Y-%m-%dT%H:%M:%S}Z")
    first.done("http://a.test/1.html")
    second = _frontier(db, "run-2")
    assert second.admit("http://a.test/1.html", "page", 0) == {"If-None-Match": '"v1"'}
    # What this run fetched from a request another worker queued is this run's, whenever.
    second.record_fetch("http://a.test/2.html", 200, '"v2"', None, "2026-01-01T00:00:00Z")
    assert second.admit("http://a.test/2.html", "page", 0) is None


def test_a_page_fetched_but_never_dealt_with_is_asked_for_in_full(tmp_path):
    """A run that stopped between the fetch and the store (a full disk, a kill): a conditional
    request would get a 304 for a page that was never stored."""
    db = tmp_path / "news.db"
    first = _frontier(db, "run-1")
    first.admit("http://a.test/1.html", "page", 0)
    first.record_fetch("http://a.test/1.html", 200, '"v1"', None, "2026-02-01T00:00:00Z")
    assert _frontier(db, "run-2").admit("http://a.test/1.html", "page", 0) == {}
