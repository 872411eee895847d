"""Rechecks of stored articles against a site that removes, edits, fails and restores them
(tests/lifesite.py), crawled at advancing --now times: real crawls, real SQLite, real WARCs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, run_cli
from tests.lifesite import ARTICLES, EDIT, REMOVED, path_of
from tests.servers import module_server
from tests.test_crawl_e2e import rows

PROFILES = ROOT / "tests" / "fixtures" / "profiles"
DELETED_KEYS = [
    "url",
    "site",
    "title",
    "published_at",
    "last_seen_live",
    "deleted_at",
    "how",
    "warc_file",
    "warc_offset",
]


@pytest.fixture
def lifesite():
    with module_server("tests.lifesite") as url:

        def stage(n: int) -> None:
            urllib.request.urlopen(f"{url}/__stage/{n}", timeout=10).read()

        yield url, stage


def crawl(url: str, data: Path, now: str, *extra: str):
    result = run_cli(
        "crawl", "lifesite", "--profiles", str(PROFILES), "--base-url", url, "--data-dir", str(data),
        "--allow-private-addresses", "--delay", "0", "--set", "DOWNLOAD_TIMEOUT=2",
        "--set", "NEWSARCHIVE_RETRY_BACKOFF=0.1", "--now", now, "--quiet", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def deleted(data: Path, *extra: str) -> list[dict]:
    result = run_cli("deleted", "--json", "--data-dir", str(data), *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def four_crawls(tmp_path_factory):
    """The site crawled at four advancing times, through its stages (tests/lifesite.py)."""
    data = tmp_path_factory.mktemp("lifecycle")
    with module_server("tests.lifesite") as url:
        crawl(url, data, "2026-05-01T00:00:00Z")
        assert len(rows(data, "select url from articles")) == len(ARTICLES)
        urllib.request.urlopen(f"{url}/__stage/2", timeout=10).read()  # no list links the removed
        crawl(url, data, "2026-05-01T02:00:00Z")
        first = deleted(data)
        urllib.request.urlopen(f"{url}/__stage/3", timeout=10).read()
        crawl(url, data, "2026-05-01T07:00:00Z")
        urllib.request.urlopen(f"{url}/__stage/4", timeout=10).read()
        crawl(url, data, "2026-05-02T01:00:00Z")
    return url, data, first


def test_removed_articles_are_found_deleted_and_nothing_else(four_crawls):
    url, tmp_path, after_one_check = four_crawls
    assert after_one_check == []  # one gone answer is not a deletion

    found = deleted(tmp_path)
    assert all(list(row) == DELETED_KEYS for row in found)
    assert {row["url"] for row in found} == {url + path_of(a) for a in REMOVED}  # precision and recall 1.0
    how = {row["url"].rsplit("/", 1)[1]: row["how"] for row in found}
    assert how == {
        "101.html": "404", "102.html": "410", "103.html": "redirect", "104.html": "notice",
        "105.html": "notice", "106.html": "notice", "115.html": "redirect",
    }  # fmt: skip
    for row in found:  # the first check after the removal, and the capture before it
        assert (row["last_seen_live"], row["deleted_at"]) == ("2026-05-01T00:00:00Z", "2026-05-01T02:00:00Z")
        with (tmp_path / "warc" / row["warc_file"]).open("rb") as fh:
            fh.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers["WARC-Target-URI"] == row["url"]
            assert record.http_headers.get_statuscode() == "200"
    status = {r["url"]: r for r in rows(tmp_path, "select * from article_status")}
    for aid in (107, 108, 109, 110, 111):  # edited, failed once (503, timeout), restored, moved
        assert status[url + path_of(aid)]["status"] == "live", aid
    assert status[url + path_of(110)]["restorations"] == 1
    checks = rows(tmp_path, "select * from checks order by id")
    outcomes = {(c["url"].rsplit("/", 1)[1], c["checked_at"]): c["outcome"] for c in checks}
    assert outcomes["108.html", "2026-05-01T02:00:00Z"] == "unavailable"
    assert outcomes["109.html", "2026-05-01T02:00:00Z"] == "unavailable"
    assert outcomes["111.html", "2026-05-01T02:00:00Z"] == "redirected"
    assert outcomes["107.html", "2026-05-01T02:00:00Z"] == "changed"
    # Every answer but the timeout is archived, and its check says where.
    assert all(c["warc_filename"] for c in checks if c["outcome"] != "unavailable" or c["status"])
    # No removed article is a failures row: a check is not a broken link.
    assert not [f for f in rows(tmp_path, "select url from failures") if "/news/2026/" in f["url"]]

    edited = url + path_of(107)
    shown = run_cli("diff", edited, "--data-dir", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[1:] == ["{+" + EDIT + "+}"]
    history = json.loads(run_cli("history", url + path_of(110), "--json", "--data-dir", str(tmp_path)).stdout)
    assert [e["event"] for e in history["timeline"]] == ["captured", "check", "check", "check", "restored"]
    assert history["status"]["status"] == "live"


def test_a_site_down_for_everything_deletes_nothing(lifesite, tmp_path):
    url, stage = lifesite
    crawl(url, tmp_path, "2026-05-01T00:00:00Z")
    stage(9)  # every URL, the home page too, answers 404
    crawl(url, tmp_path, "2026-05-01T02:00:00Z")
    crawl(url, tmp_path, "2026-05-01T07:00:00Z")
    assert deleted(tmp_path) == []
    verdicts = {c["verdict"] for c in rows(tmp_path, "select verdict from checks")}
    assert verdicts == {"unknown"}


def test_recheck_off_and_the_budget(lifesite, tmp_path):
    url, _ = lifesite
    crawl(url, tmp_path, "2026-05-01T00:00:00Z")
    crawl(url, tmp_path, "2026-05-01T02:00:00Z", "--recheck", "off")
    assert rows(tmp_path, "select count(*) n from checks")[0]["n"] == 0
    crawl(url, tmp_path, "2026-05-01T03:00:00Z", "--set", "NEWSARCHIVE_RECHECK_BUDGET=4")
    assert rows(tmp_path, "select count(*) n from checks")[0]["n"] == 4
    # The next run takes the ones left waiting first.
    crawl(url, tmp_path, "2026-05-01T03:30:00Z", "--set", "NEWSARCHIVE_RECHECK_BUDGET=20")
    counts = rows(tmp_path, "select url, count(*) n from checks group by url")
    assert len(counts) == len(ARTICLES) and {c["n"] for c in counts} == {1}
    # Rechecks are conditional: the unchanged articles answered 304.
    assert {c["status"] for c in rows(tmp_path, "select status from checks")} == {304}


def test_a_bad_recheck_list_is_one_line_and_exit_2(tmp_path):
    result = run_cli("crawl", "demo", "--recheck", "1d,1h", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "must grow" in result.stderr


def test_search_trend_export_stats_and_datasette_know_the_deleted(four_crawls):
    url, data, _ = four_crawls
    gone = {url + path_of(a) for a in REMOVED}
    hits = json.loads(run_cli("search", "公交", "--json", "--limit", "0", "--data-dir", str(data)).stdout)
    assert {h["url"] for h in hits if h["status"] == "deleted"} == gone & {h["url"] for h in hits}
    only = json.loads(run_cli("search", "公交", "--deleted", "--json", "--data-dir", str(data)).stdout)
    assert only and {h["url"] for h in only} <= gone
    trend = json.loads(run_cli("trend", "--deleted", "--by", "day", "--json", "--data-dir", str(data)).stdout)
    assert trend == [{"period": "2026-05-01", "word": "*", "count": len(REMOVED)}]
    exported = [
        json.loads(line)
        for line in run_cli("export", "--format", "jsonl", "--data-dir", str(data)).stdout.splitlines()
    ]
    assert {e["url"] for e in exported if e["status"] == "deleted"} == gone
    assert all(e["deleted_at"] == "2026-05-01T02:00:00Z" for e in exported if e["status"] == "deleted")
    stats = run_cli("stats", "--data-dir", str(data)).stdout
    assert "deletions per day" in stats and f"2026-05-01{len(REMOVED):>13}" in stats
    pytest.importorskip("datasette")
    from tests.test_research import _free_port

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "browse", "--data-dir", str(data), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/news/deleted.json?_shape=array", timeout=5
                ) as r:
                    listed = json.load(r)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.3)
        assert {r["url"] for r in listed} == gone
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_reextract_rebuilds_the_checks_and_statuses_from_the_warc_alone(four_crawls, tmp_path):
    import shutil

    _, data, _ = four_crawls
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    fields = "url, checked_at, outcome, verdict, how, status, redirect_to, notice, warc_filename, warc_offset"
    before = [
        dict(r)
        for r in rows(copy, f"select {fields} from checks where status is not null order by url, checked_at")
    ]
    statuses = (
        "select url, status, last_seen_live, deleted_at, how, restorations from article_status order by url"
    )
    status_before = [dict(r) for r in rows(copy, statuses)]
    lost = rows(copy, "select count(*) n from checks where status is null")[0]["n"]
    assert lost == 1  # the timeout: no answer, nothing archived
    # The lifecycle tables are emptied first: what comes back comes from the WARC files.
    conn = sqlite3.connect(copy / "news.db")
    conn.execute("delete from checks")
    conn.execute("delete from article_status")
    conn.commit()
    conn.close()
    result = run_cli("reextract", "--data-dir", str(copy), "--profiles", str(PROFILES))
    assert result.returncode == 0, result.stderr
    assert [dict(r) for r in rows(copy, f"select {fields} from checks order by url, checked_at")] == before
    assert [dict(r) for r in rows(copy, statuses)] == status_before
    assert len(deleted(copy)) == len(REMOVED)


def test_a_kill_during_rechecks_leaves_whole_checks_and_no_article_marked(lifesite, tmp_path):
    import os
    import signal

    url, stage = lifesite
    crawl(url, tmp_path, "2026-05-01T00:00:00Z")
    stage(2)
    args = [
        sys.executable, "-m", "crawler", "crawl", "lifesite", "--profiles", str(PROFILES), "--base-url", url,
        "--data-dir", str(tmp_path), "--allow-private-addresses", "--delay", "0.3", "--set", "DOWNLOAD_TIMEOUT=2",
        "--set", "NEWSARCHIVE_COMMIT_INTERVAL=0", "--now", "2026-05-01T02:00:00Z", "--quiet",
    ]  # fmt: skip
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if rows(tmp_path, "select count(*) n from checks")[0]["n"] >= 4:
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    for worker in __import__("tests.servers", fromlist=["descendants"]).descendants(proc.pid):
        with __import__("contextlib").suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
    checks = rows(tmp_path, "select * from checks")
    assert 4 <= len(checks) < len(ARTICLES)
    assert all(c["outcome"] and c["verdict"] and c["checked_at"] for c in checks)
    assert all(c["warc_filename"] for c in checks if c["status"])
    assert rows(tmp_path, "select count(*) n from article_status where status != 'live'")[0]["n"] == 0
    # The next run carries the killed one on: each article checked once at that time, then settled.
    crawl(url, tmp_path, "2026-05-01T02:00:00Z")
    at_two = rows(
        tmp_path, "select url, count(*) n from checks where checked_at = '2026-05-01T02:00:00Z' group by url"
    )
    assert len(at_two) == len(ARTICLES) and {r["n"] for r in at_two} == {1}
    stage(3)
    crawl(url, tmp_path, "2026-05-01T07:00:00Z")
    gone = {url + path_of(a) for a in (*REMOVED, 110)}  # 110 comes back only in stage 4
    assert {row["url"] for row in deleted(tmp_path)} == gone, [
        dict(r)
        for r in rows(
            tmp_path, "select url, checked_at, outcome, status, notice from checks where url like '%104%'"
        )
    ]


def test_schedule_run_due_rechecks_as_crawl_does(lifesite, tmp_path):
    url, stage = lifesite

    def run_due(now: str) -> None:
        result = run_cli("schedule", "run-due", "--quiet", "--data-dir", str(tmp_path), "--now", now)
        assert result.returncode == 0, result.stderr

    added = run_cli(
        "schedule", "add", "lifesite", "--every", "1h", "--profiles", str(PROFILES), "--base-url", url,
        "--allow-private-addresses", "--delay", "0", "--set", "DOWNLOAD_TIMEOUT=2", "--data-dir", str(tmp_path),
        "--now", "2026-05-01T00:00:00Z",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    run_due("2026-05-01T00:00:00Z")
    stage(2)
    run_due("2026-05-01T02:00:00Z")
    stage(3)
    run_due("2026-05-01T07:00:00Z")
    assert {row["url"] for row in deleted(tmp_path)} == {url + path_of(a) for a in (*REMOVED, 110)}
    assert {c["checked_at"] for c in rows(tmp_path, "select checked_at from checks")} == {
        "2026-05-01T02:00:00Z", "2026-05-01T07:00:00Z"
    }  # fmt: skip
