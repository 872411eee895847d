"""Incremental runs against the demo site: refetch window, 304s, silent edits, kills, locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.records import not_modified_head
from crawler.demo.site import build_articles
from tests.conftest import ROOT, assert_indexes_match_cdxj_indexer, crawl_args, crawl_demo, run_cli
from tests.servers import descendants, module_server
from tests.test_crawl_e2e import rows

DEMO = build_articles()
EDITION_2 = build_articles(edition=2)
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def mutable_site():
    with module_server("crawler.demo.server", "--mutable", env=ENV) as url:

        def edition(n: int) -> None:
            urllib.request.urlopen(f"{url}/__demo__/edition?n={n}", timeout=10).read()

        yield url, edition


def crawls(data: Path):
    return rows(data, "select * from crawls order by started_at")


def captures(data: Path, crawl_id: str, article_only: bool = True):
    sql = "select * from captures where crawl_id = ?" + (" and url like '%/2026/%'" if article_only else "")
    return rows(data, sql, [crawl_id])


def test_unchanged_second_run_fetches_no_old_article_and_is_quiet(demo_site, tmp_path):
    assert crawl_demo(demo_site, tmp_path).returncode == 0
    second = crawl_demo(demo_site, tmp_path)
    assert (
        second.returncode == 0 and second.stdout == "" and second.stderr == ""
    )  # cron: silence means success
    run = crawls(tmp_path)[1]
    assert (run["status"], run["articles_new"], run["articles_changed"]) == ("finished", 0, 0)
    assert captures(tmp_path, run["id"]) == []  # every article is older than the 3-day window
    fetched = captures(tmp_path, run["id"], article_only=False)
    assert fetched and {c["record_type"] for c in fetched if c["status"] == 200} == {"revisit"}
    # Revisits, not second copies: the second run's WARC file is a small fraction of the first's.
    files = {
        r["crawl_id"]: r["warc_filename"]
        for r in rows(tmp_path, "select crawl_id, warc_filename from captures")
    }
    first_bytes, second_bytes = (
        (tmp_path / "warc" / files[c["id"]]).stat().st_size for c in crawls(tmp_path)
    )
    assert second_bytes < 0.10 * first_bytes, (second_bytes, first_bytes)
    # identical-payload revisits indexed as cdxj-indexer does
    assert assert_indexes_match_cdxj_indexer(tmp_path, tmp_path / "cdxj") == 2


def test_refetch_window_uses_conditional_requests_and_304_revisits(demo_site, tmp_path):
    assert crawl_demo(demo_site, tmp_path).returncode == 0
    second = crawl_demo(demo_site, tmp_path, "--refetch-window", "400")
    assert second.returncode == 0, second.stderr
    run = crawls(tmp_path)[1]
    assert (run["articles_new"], run["articles_changed"], run["articles_unchanged"]) == (0, 0, len(DEMO))
    refetched = captures(tmp_path, run["id"])
    live = [c for c in refetched if not c["url"].endswith("9999.html")]  # the broken link stays broken
    # Every page of the articles split over pages is asked again too: one changed page would
    # make a new version.
    pages = sum(a.pages for a in DEMO)
    assert len(live) == pages > len(DEMO) and {(c["status"], c["record_type"]) for c in live} == {
        (304, "revisit")
    }
    one = live[0]
    with (tmp_path / "warc" / one["warc_filename"]).open("rb") as fh:
        fh.seek(one["warc_offset"])
        it = iter(ArchiveIterator(fh))
        revisit, request = next(it), next(it)
        meta = next(it)
        kept = meta.content_stream().read()
    assert revisit.rec_headers.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
    # Empty, so that replay serves the original (a 304 head would replay as an empty 304)...
    assert revisit.length == 0 and revisit.http_headers is None
    assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == one["url"]
    # ... and the 304 head as received is in the metadata record beside it.
    assert meta.rec_type == "metadata"
    assert meta.rec_headers.get_header("WARC-Concurrent-To") == revisit.rec_headers.get_header(
        "WARC-Record-ID"
    )
    head = not_modified_head(kept)
    assert head.split(b"\r\n")[0].split(b" ")[1] == b"304" and b"\r\nETag: " in head
    first = rows(
        tmp_path, "select record_id from captures where url = ? and record_type = 'response'", [one["url"]]
    )
    assert revisit.rec_headers.get_header("WARC-Refers-To") == first[0]["record_id"]
    assert request.http_headers.get_header("If-None-Match")  # the request really was conditional
    assert request.http_headers.get_header("If-Modified-Since")
    article = rows(tmp_path, "select * from articles where url = ?", [one["url"]])[0]
    assert article["last_fetched_at"] > article["last_changed_at"] and article["version"] == 1
    # server-not-modified revisits (no payload digest) indexed as cdxj-indexer does
    assert assert_indexes_match_cdxj_indexer(tmp_path, tmp_path / "cdxj") == 2


def test_a_run_started_in_the_second_of_the_last_fetch_asks_for_every_page_again(demo_crawl, tmp_path):
    """A rerun whose clock is the very second of the previous run's last fetch (back-to-back
    crawls, `schedule run-due`) asks for what a rerun five minutes later asks for. Fetch times
    are to the second, so "fetched by this run" cannot be told by time; it is told by crawl id."""
    import shutil
    from datetime import timedelta

    from crawler.schedule import iso, parse_iso

    first = crawls(demo_crawl["data"])[0]["id"]
    fetched = rows(demo_crawl["data"], "select url, fetched_at from captures where crawl_id = ?", [first])
    clock = iso(parse_iso(max(c["fetched_at"] for c in fetched)) + timedelta(minutes=5))

    def rerun(name: str, clock: str) -> set[str]:
        data = tmp_path / name
        shutil.copytree(demo_crawl["data"], data)
        result = crawl_demo(demo_crawl["url"], data, "--now", clock, "--refetch-window", "400")
        assert result.returncode == 0, result.stderr
        return {c["url"] for c in captures(data, crawls(data)[1]["id"], article_only=False)}

    later = rerun("later", clock)
    assert len(later) > len(DEMO)
    # The second of the first run's last fetch of a page that a rerun asks for again,
    # conditionally (lists and feeds are asked for unconditionally, and later pages of an
    # article with their first page).
    conditional = {
        r["url"]
        for r in rows(
            demo_crawl["data"], "select url from frontier where kind in ('article', 'page', 'requisite')"
        )
    }
    last_second = max(c["fetched_at"] for c in fetched if c["url"] in later & conditional)
    assert rerun("same second", last_second) == later


def test_a_clock_that_is_no_time_is_a_usage_error(tmp_path):
    result = run_cli("crawl", "demo", "--data-dir", str(tmp_path), "--now", "2026-99-01")
    assert result.returncode == 2 and "--now" in result.stderr and "ISO 8601" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "news.db").exists()


def test_new_and_edited_articles_between_runs(mutable_site, tmp_path):
    url, edition = mutable_site
    assert crawl_demo(url, tmp_path).returncode == 0
    edition(2)
    second = crawl_demo(url, tmp_path, "--refetch-window", "400")
    assert second.returncode == 0, second.stderr
    run = crawls(tmp_path)[1]
    assert (run["articles_new"], run["articles_changed"]) == (2, 1)
    new_paths = {a.path for a in EDITION_2[len(DEMO) :]}
    stored = {
        r["url"]
        for r in rows(tmp_path, "select url from articles where crawl_id = ? and version = 1", [run["id"]])
    }
    assert stored == {url + p for p in new_paths}
    edited = url + EDITION_2[0].path
    versions = rows(tmp_path, "select * from article_versions where url = ? order by version", [edited])
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["body"] == "\n".join(DEMO[0].paragraphs)
    assert versions[1]["body"] == "\n".join(EDITION_2[0].paragraphs)
    current = rows(tmp_path, "select * from articles where url = ?", [edited])[0]
    assert current["version"] == 2 and current["body"] == versions[1]["body"]
    assert current["last_changed_at"] > current["first_seen_at"]
    for version in versions:  # both versions can be read back from the archive
        with (tmp_path / "warc" / version["warc_filename"]).open("rb") as fh:
            fh.seek(version["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert "更正" in record.content_stream().read().decode("utf-8") or version["version"] == 1
    assert rows(tmp_path, "select count(*) n from articles")[0]["n"] == len(EDITION_2)
    assert run_cli("verify", "--data-dir", str(tmp_path)).returncode == 0
    # diff shows the added sentence, and nothing else of the article
    shown = run_cli("diff", edited, "--data-dir", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].endswith("1 changes") and lines[1:] == ["{+更正：此前报道中的开通日期有误，现已更正。+}"]
    page = tmp_path / "diff.html"
    assert run_cli("diff", edited, "--html", str(page), "--data-dir", str(tmp_path)).returncode == 0
    assert "<ins>更正：此前报道中的开通日期有误，现已更正。</ins>" in page.read_text(encoding="utf-8")


def _start_slow(base_url: str, data: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "crawler",
        *crawl_args(base_url, data, "--delay", "0.05", "--concurrency", "1", "--quiet"),
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_warc(data: Path, size: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        opened = list((data / "warc").rglob("*.open"))
        if opened and opened[0].stat().st_size >= size:
            return
        time.sleep(0.01)
    raise AssertionError("the crawl ended before reaching the kill point")


@pytest.mark.parametrize("kill_at", [2_000, 30_000, 80_000])
def test_killed_crawl_is_carried_on_and_ends_with_every_article_once(demo_site, tmp_path, kill_at):
    proc = _start_slow(demo_site, tmp_path)
    _wait_for_warc(tmp_path, kill_at, proc)
    helpers = descendants(proc.pid)  # the extraction worker and its forkserver
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # They follow the crawl within seconds instead of lingering for good.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
        time.sleep(0.2)
    assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]
    if kill_at >= 30_000:  # by then articles have been extracted: the pool exists
        assert helpers
    killed = crawls(tmp_path)[0]
    assert killed["status"] == "running"  # as the killed process left it
    done_before = {r["url"] for r in rows(tmp_path, "select url from frontier where done_at is not null")}
    captured_before = {r["url"] for r in rows(tmp_path, "select url from captures where status = 200")}

    again = crawl_demo(demo_site, tmp_path)
    assert again.returncode == 0, again.stderr
    runs = crawls(tmp_path)
    assert [(r["id"], r["status"]) for r in runs] == [(killed["id"], "finished")]  # carried on, not restarted
    assert rows(tmp_path, "select count(*) n, count(distinct url) d from articles")[0]["n"] == len(DEMO)
    fetched_twice = rows(
        tmp_path, "select url, count(*) n from captures where status = 200 group by url having n > 1"
    )
    # A page is fetched a second time exactly when the killed run had archived it (its capture
    # row committed) without having stored its article and marked it done: never one that was done.
    twice = {r["url"] for r in fetched_twice if not r["url"].endswith("/robots.txt")}
    assert not twice & done_before
    assert twice == {u for u in captured_before - done_before if not u.endswith("/robots.txt")}
    check = run_cli("verify", "--data-dir", str(tmp_path))
    assert check.returncode == 0, check.stdout + check.stderr
    # The killed run's file, repaired, and the new one are both indexed; no index lines left over.
    assert assert_indexes_match_cdxj_indexer(tmp_path, tmp_path / "cdxj") == 2


def test_second_concurrent_run_refuses_and_first_is_unharmed(demo_site, tmp_path):
    first = _start_slow(demo_site, tmp_path)
    _wait_for_warc(tmp_path, 1_000, first)
    started = time.monotonic()
    second = crawl_demo(demo_site, tmp_path)
    assert second.returncode == 1
    assert "another crawl of 'demo' is running (pid" in second.stderr
    assert time.monotonic() - started < 30  # it exits at once rather than waiting
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert rows(tmp_path, "select count(*) n from articles")[0]["n"] == len(DEMO)
    assert [r["status"] for r in crawls(tmp_path)] == ["finished"]


def test_two_databases_sharing_one_warc_folder_never_write_each_others_files(demo_site, tmp_path):
    """Different --db, same --warc-dir: the second crawl of the site must neither write beside
    the first nor "repair" its live .open file."""
    first = _start_slow(demo_site, tmp_path)
    _wait_for_warc(tmp_path, 1_000, first)
    other = tmp_path / "other"
    second = run_cli(
        *crawl_args(demo_site, other, "--warc-dir", str(tmp_path / "warc"), "--quiet"),
    )
    assert second.returncode == 1
    assert "another crawl of 'demo' is running (pid" in second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert run_cli("verify", "--data-dir", str(tmp_path)).returncode == 0
    assert assert_indexes_match_cdxj_indexer(tmp_path, tmp_path / "cdxj") == 1


def test_since_skips_older_articles(demo_site, tmp_path):
    result = crawl_demo(demo_site, tmp_path, "--since", "2026-04-15")
    assert result.returncode == 0, result.stderr
    stored = {r["url"] for r in rows(tmp_path, "select url from articles")}
    assert stored == {demo_site + a.path for a in DEMO if a.published.date().isoformat() >= "2026-04-15"}


def test_bad_since_is_a_usage_error(tmp_path):
    result = run_cli("crawl", "demo", "--since", "yesterday", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "--since: wants a day as YYYY-MM-DD" in result.stderr


def test_log_file_gets_scrapy_log(demo_site, tmp_path):
    log = tmp_path / "crawl.log"
    assert crawl_demo(demo_site, tmp_path / "data", "--log-file", str(log)).returncode == 0
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")


def test_young_articles_are_refetched_even_when_no_list_links_them(demo_site, tmp_path):
    assert crawl_demo(demo_site, tmp_path).returncode == 0
    # Make one article young and cut every link to it: only the database knows it now.
    url = demo_site + DEMO[5].path
    today = time.strftime("%Y-%m-%d")
    import sqlite3

    conn = sqlite3.connect(tmp_path / "news.db")
    conn.execute("update articles set published_at = ? where url = ?", [today, url])
    conn.commit()
    conn.close()
    assert crawl_demo(demo_site, tmp_path, "--max-pages", "3").returncode == 0  # lists barely start
    run = crawls(tmp_path)[1]
    assert [c["url"] for c in captures(tmp_path, run["id"])] == [url]
    assert captures(tmp_path, run["id"])[0]["status"] == 304


def test_sigterm_stops_a_crawl_gracefully_with_its_warc_closed(demo_site, tmp_path):
    first = _start_slow(demo_site, tmp_path)
    _wait_for_warc(tmp_path, 20_000, first)
    first.send_signal(signal.SIGTERM)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 1, err  # the crawl did not do all of its job
    assert "Traceback" not in err
    assert [r["status"] for r in crawls(tmp_path)] == ["interrupted"]
    assert run_cli("verify", "--data-dir", str(tmp_path)).returncode == 0  # nothing left .open
    assert assert_indexes_match_cdxj_indexer(tmp_path, tmp_path / "cdxj") == 1
    # What it had not done is carried on by the next run.
    undone = rows(tmp_path, "select count(*) n from frontier where done_at is null")[0]["n"]
    assert undone > 0
    again = crawl_demo(demo_site, tmp_path)
    assert again.returncode == 0, again.stderr
    assert rows(tmp_path, "select count(*) n from articles")[0]["n"] == len(DEMO)


def test_sigterm_stops_a_crawl_whose_server_never_answers(tmp_path):
    """Downloads under way are cancelled: Scrapy's graceful stop alone waited for each to time
    out (30 s a try, three tries)."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)  # accepts (the kernel does), never answers
    base = f"http://127.0.0.1:{server.getsockname()[1]}/"
    try:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--start-url", base, "--data-dir", str(tmp_path),
             "--allow-private-addresses", "--delay", "0", "--quiet"],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not (tmp_path / "news.db").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # the first requests are under way
        crawl.send_signal(signal.SIGTERM)
        _, err = crawl.communicate(timeout=20)  # well inside one download timeout (30 s)
    finally:
        server.close()
    assert crawl.returncode == 1 and "Traceback" not in err, err
    assert [r["status"] for r in crawls(tmp_path)] == ["interrupted"]
    assert rows(tmp_path, "select count(*) n from failures")[0]["n"] == 0  # a stop is no page's fault
    assert rows(tmp_path, "select count(*) n from frontier where done_at is null")[0]["n"] >= 1


def test_sigterm_stops_a_crawl_in_the_middle_of_a_politeness_wait(demo_site, tmp_path):
    """With --delay 30 the next request waits 30 s for its host (in the host gate and in
    Scrapy's download slot): a SIGTERM cancels the waits instead of sitting them out (it took
    51-55 s)."""
    cmd = [sys.executable, "-m", "crawler", "crawl", "demo", "--base-url", demo_site, "--data-dir",
           str(tmp_path), "--allow-private-addresses", "--delay", "30", "--quiet"]  # fmt: skip
    crawl = subprocess.Popen(
        cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_warc(tmp_path, 1, crawl)  # robots.txt is in: the next request waits its turn
    time.sleep(1)
    crawl.send_signal(signal.SIGTERM)
    _, err = crawl.communicate(timeout=15)  # half of one delay
    assert crawl.returncode == 1 and "Traceback" not in err, err
    assert [r["status"] for r in crawls(tmp_path)] == ["interrupted"]
    assert not list((tmp_path / "warc").rglob("*.open"))
    assert rows(tmp_path, "select count(*) n from failures")[0]["n"] == 0
    log = (tmp_path / "logs" / "crawl.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "RuntimeError" not in log, log[-3000:]  # the wait was no error
