"""export, verify, reextract, stats and browse on a real crawl of the demo site."""

from __future__ import annotations

import csv
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.store import ARTICLE_COLUMNS
from tests.conftest import ROOT, crawl_demo, run_cli


@pytest.fixture
def crawled(demo_crawl, tmp_path):
    """A private copy of the shared demo crawl, free to be damaged."""
    data = tmp_path / "data"
    shutil.copytree(demo_crawl["data"], data)
    return data


def count(data: Path, table: str) -> int:
    conn = sqlite3.connect(data / "news.db")
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
    finally:
        conn.close()


def test_export_jsonl_and_csv(demo_crawl, tmp_path):
    data = demo_crawl["data"]
    jsonl = run_cli("export", "--format", "jsonl", "--data-dir", str(data))
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == count(data, "articles")
    assert all(isinstance(r["authors"], list) and r["body"] for r in rows)
    out = tmp_path / "articles.csv"
    assert run_cli("export", "--format", "csv", "--out", str(out), "--data-dir", str(data)).returncode == 0
    with out.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == count(data, "articles")
    by_url = {r["url"]: r for r in rows}
    for row in table:
        assert row["body"] == by_url[row["url"]]["body"]  # Chinese and line breaks intact
    some = run_cli("export", "--format", "jsonl", "--since", "2026-04-15", "--data-dir", str(data))
    dates = [json.loads(line)["published_at"] for line in some.stdout.splitlines()]
    assert dates and all(d >= "2026-04-15" for d in dates) and len(dates) < len(rows)


def test_export_parquet(demo_crawl, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "a.parquet"
    result = run_cli(
        "export", "--format", "parquet", "--out", str(out), "--data-dir", str(demo_crawl["data"])
    )
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.num_rows == count(demo_crawl["data"], "articles")
    # authors and images are lists, as in JSON Lines, not JSON text
    jsonl = run_cli("export", "--format", "jsonl", "--data-dir", str(demo_crawl["data"])).stdout.splitlines()
    by_url = {r["url"]: r for r in map(json.loads, jsonl)}
    for row in table.select(["url", "authors", "images"]).to_pylist():
        assert row["authors"] == by_url[row["url"]]["authors"]
        assert row["images"] == by_url[row["url"]]["images"]
    assert any(row["images"] for row in table.select(["images"]).to_pylist())


def test_verify_passes_on_a_good_crawl(demo_crawl):
    result = run_cli("verify", "--data-dir", str(demo_crawl["data"]))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("verify: OK: 44 articles")


def _article_pointer(data: Path):
    conn = sqlite3.connect(data / "news.db")
    try:
        return conn.execute(
            "select url, warc_filename, warc_offset from articles order by url limit 1"
        ).fetchone()
    finally:
        conn.close()


def test_verify_catches_a_corrupted_byte(crawled):
    url, filename, offset = _article_pointer(crawled)
    path = crawled / "warc" / filename
    raw = bytearray(path.read_bytes())
    raw[offset + 200] ^= 0xFF  # inside the record's compressed bytes
    path.write_bytes(bytes(raw))
    result = run_cli("verify", "--data-dir", str(crawled))
    assert result.returncode == 1
    assert f"articles: {url}:" in result.stdout and "problem" in result.stderr


def test_verify_catches_a_deleted_file(crawled):
    url, filename, _ = _article_pointer(crawled)
    (crawled / "warc" / filename).unlink()
    result = run_cli("verify", "--data-dir", str(crawled))
    assert result.returncode == 1
    assert f"articles: {url}: WARC file {filename} is missing" in result.stdout


def test_verify_catches_a_wrong_offset(crawled):
    url, filename, offset = _article_pointer(crawled)
    conn = sqlite3.connect(crawled / "news.db")
    other = conn.execute("select warc_offset from articles where url != ? limit 1", [url]).fetchone()[0]
    conn.execute("update articles set warc_offset = ? where url = ?", [other, url])
    conn.commit()
    conn.close()
    result = run_cli("verify", "--data-dir", str(crawled))
    assert result.returncode == 1
    assert f"articles: {url}: {filename} offset {other} holds a response record for" in result.stdout


# Every article column but those a rebuild sets anew (when it ran, what it scored today).
COMPARED = tuple(
    c for c in ARTICLE_COLUMNS if c not in ("encoding", "article_score", "last_fetched_at", "last_changed_at")
)


def _rows(db: Path, table: str, cols) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"select {', '.join(cols)} from {table} order by 1, 2").fetchall()  # noqa: S608
    finally:
        conn.close()


def test_reextract_on_a_fresh_database_reproduces_the_crawl(demo_crawl, tmp_path):
    data = demo_crawl["data"]
    fresh = tmp_path / "fresh.db"
    result = run_cli("reextract", "--warc-dir", str(data / "warc"), "--db", str(fresh))
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr  # the progress bar reached its end
    assert _rows(fresh, "articles", COMPARED) == _rows(data / "news.db", "articles", COMPARED)
    related = ("article_url", "position", "url", "title", "published_at")
    assert _rows(fresh, "related", related) == _rows(data / "news.db", "related", related)
    found = run_cli("search", "兩岸", "--db", str(fresh), "--json", "--limit", "0")
    assert (
        len(json.loads(found.stdout))
        == len(
            json.loads(run_cli("search", "两岸", "--data-dir", str(data), "--json", "--limit", "0").stdout)
        )
        > 0
    )


def test_reextract_in_place_keeps_the_rows(crawled):
    before = _rows(crawled / "news.db", "articles", COMPARED)
    assert run_cli("reextract", "--data-dir", str(crawled), "--quiet").returncode == 0
    assert _rows(crawled / "news.db", "articles", COMPARED) == before


def test_search_command_text_and_json(demo_crawl):
    data = str(demo_crawl["data"])
    text = run_cli("search", "數字人民幣", "--data-dir", data)
    assert (
        text.returncode == 0
        and "数字人民币试点场景扩至菜市场" in text.stdout
        and "【数字人民币】" in text.stdout
    )
    hits = json.loads(run_cli("search", "两岸", "--data-dir", data, "--json", "--since", "2026-04-10").stdout)
    assert hits and all(h["published_at"] >= "2026-04-10" for h in hits)
    assert set(hits[0]) == {
        "url", "title", "published_at", "site", "snippet", "rank", "copies", "status", "deleted_at"
    }  # fmt: skip
    assert {h["status"] for h in hits} == {"live"}


def test_stats_text_and_html(demo_crawl, tmp_path):
    report = tmp_path / "stats.html"
    result = run_cli("stats", "--data-dir", str(demo_crawl["data"]), "--html", str(report))
    assert result.returncode == 0
    first = result.stdout.splitlines()[1].split()
    assert first[:5] == ["demo", "44", "44", "0", "1"]  # articles, versions, deleted, failures
    page = report.read_text(encoding="utf-8")
    conn = sqlite3.connect(demo_crawl["data"] / "news.db")
    days = conn.execute("select count(distinct substr(published_at, 1, 10)) from articles").fetchone()[0]
    conn.close()
    assert page.count("<rect") == days  # one bar a day (one site here)
    assert "<svg" in page and "demo" in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browse_serves_the_search_through_datasette(demo_crawl):
    pytest.importorskip("datasette")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler",
            "browse",
            "--data-dir",
            str(demo_crawl["data"]),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/news/search.json?q=%E5%85%A9%E5%B2%B8&_shape=array"  # 兩岸
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    hits = json.load(resp)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.3)
        expected = json.loads(
            run_cli("search", "兩岸", "--data-dir", str(demo_crawl["data"]), "--json", "--limit", "0").stdout
        )
        assert {h["url"] for h in hits} == {h["url"] for h in expected}
        assert all("【兩岸】" in h["snippet"] or "【两岸】" in h["snippet"] for h in hits), hits[0]
        # The search page opens on an empty form, not on an error (it once answered 400).
        for page in ("search", "search.json?_shape=array"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/{page}", timeout=5) as resp:
                assert resp.status == 200
                if page.startswith("search.json"):
                    assert json.load(resp) == []
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as resp:
            tables = json.load(resp)["databases"]["news"]["tables"]
        assert tables["failures"]["description"].startswith("Pages that could not be fetched")
        article = expected[0]["url"]
        query = urllib.parse.urlencode({"url": article, "_shape": "array"})
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/copies.json?{query}", timeout=5) as resp:
            listed = [r["url"] for r in json.load(resp)]
        copies = run_cli("copies", article, "--data-dir", str(demo_crawl["data"]), "--json")
        assert listed == [r["url"] for r in json.loads(copies.stdout)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # Stopping browse stops Datasette with it: nothing answers on the port any more.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
        except OSError:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("Datasette outlived newsarchive browse")


def test_missing_database_is_a_usage_error(tmp_path):
    result = run_cli("search", "两岸", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "no database at" in result.stderr


def test_second_crawl_keeps_search_in_step(demo_site, tmp_path):
    crawl_demo(demo_site, tmp_path)
    crawl_demo(demo_site, tmp_path)
    conn = sqlite3.connect(tmp_path / "news.db")
    assert (
        conn.execute("select count(*) from articles_fts").fetchone()[0]
        == conn.execute("select count(*) from articles").fetchone()[0]
    )
