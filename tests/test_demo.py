"""`newsarchive demo` and the bundled demo profile, as a new user runs them."""

from __future__ import annotations

import socket
import sqlite3

from tests.conftest import run_cli


def _count(db, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_demo_twice_keeps_its_urls_whatever_port_is_busy(tmp_path):
    """The demo serves itself on whatever loopback port is free; its URLs are the site's own,
    so a second run, with another port held busy, finds the first run's captures."""
    data = tmp_path / "data"
    first = run_cli("demo", "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    db = data / "news.db"
    assert _count(db, "select count(*) from articles") == 50  # 44 of 海濱網, 6 of 东南快报
    outside = "select count(*) from captures where url not like 'http://%.newsarchive.test/%'"
    assert _count(db, outside) == 0
    # the second site republishes stories of the first: copies has something to show
    copies = run_cli("copies", "http://kuaibao.newsarchive.test/news/3001.html", "--data-dir", str(data))
    assert copies.returncode == 0 and "http://demo.newsarchive.test/local/" in copies.stdout
    assets = _count(db, "select count(distinct url) from captures")
    with socket.socket() as busy:  # a port the first run might have had is now taken
        busy.bind(("127.0.0.1", 0))
        second = run_cli("demo", "--data-dir", str(data))
    assert second.returncode == 0, second.stderr
    assert " 0 new articles, 0 changed" in second.stdout
    assert _count(db, "select count(distinct url) from captures") == assets  # no URL twice over


def test_crawl_demo_and_run_due_work_without_a_base_url(tmp_path):
    """The README's commands on the bundled profile: `crawl demo` and a schedule of it."""
    data = str(tmp_path)
    crawl = run_cli("crawl", "demo", "--data-dir", data, "--delay", "0", "--max-pages", "30")
    assert crawl.returncode == 0, crawl.stderr
    assert "Traceback" not in crawl.stderr
    assert run_cli("schedule", "add", "demo", "--every", "2h", "--data-dir", data).returncode == 0
    due = run_cli("schedule", "run-due", "--data-dir", data, "--set", "DOWNLOAD_DELAY=0")
    assert due.returncode == 0, due.stderr
    assert _count(tmp_path / "news.db", "select count(*) from crawls where status = 'finished'") == 2
