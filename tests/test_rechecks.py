"""Rechecks of stored articles against a site that removes, edits, fails and restores them
(tests/lifesite.py), crawled at advancing --now times: real crawls, real SQLite, real WARCs."""

from __future__ import annotations

import json
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


def test_removed_articles_are_found_deleted_and_nothing_else(lifesite, tmp_path):
    url, stage = lifesite
    crawl(url, tmp_path, "2026-05-01T00:00:00Z")
    assert len(rows(tmp_path, "select url from articles")) == len(ARTICLES)
    stage(2)  # removed, edited, failing; no list links the removed ones any more
    crawl(url, tmp_path, "2026-05-01T02:00:00Z")
    assert deleted(tmp_path) == []  # one gone answer is not a deletion
    stage(3)
    crawl(url, tmp_path, "2026-05-01T07:00:00Z")
    stage(4)
    crawl(url, tmp_path, "2026-05-02T01:00:00Z")

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
