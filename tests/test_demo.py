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


def test_contact_goes_into_the_user_agent_and_a_public_crawl_without_one_is_warned(capsys, tmp_path):
    from scrapy.settings import Settings

    from crawler.commands.crawl import user_agent, warn_without_contact

    settings = Settings()
    settings.setmodule("crawler.settings")
    warn_without_contact(settings, ["http://127.0.0.1:8000/", "http://demo.newsarchive.test/"])
    assert capsys.readouterr().err == ""  # loopback and reserved test names: nobody to tell
    warn_without_contact(settings, ["https://news.example.com.cn/", "http://127.0.0.1/"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "news.example.com.cn" in err and "--contact" in err
    settings.set("USER_AGENT", user_agent("mailto:archive@example.org"))
    warn_without_contact(settings, ["https://news.example.com.cn/"])
    assert capsys.readouterr().err == ""
    assert "(+mailto:archive@example.org; archival crawler)" in settings.get("USER_AGENT")


def test_crawl_sends_the_contact(demo_site, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    from tests.conftest import crawl_args

    result = run_cli(
        *crawl_args(demo_site, tmp_path, "--max-pages", "3", "--contact", "https://lab.example.edu/crawl")
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    agents = set()
    for warc in (tmp_path / "warc").rglob("*.warc.gz"):
        with warc.open("rb") as fh:
            agents |= {
                r.http_headers.get_header("User-Agent")
                for r in ArchiveIterator(fh)
                if r.rec_type == "request"
            }
    assert agents and all("+https://lab.example.edu/crawl;" in a for a in agents)
