"""reextract never loses what it cannot read, never runs beside a writer, and keeps an
article's versions in the order they were fetched, whatever files hold them."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.records import Exchange, http_head
from archive.warc import WarcWriter
from tests.conftest import ROOT, run_cli


@pytest.fixture
def dataset(demo_crawl, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_crawl["data"], data)
    return data


def _count(db: Path, sql: str = "select count(*) from articles") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _record_offsets(db: Path, filename: str) -> list[tuple[int, int]]:
    """(offset, length) of the records articles were extracted from, in file order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "select warc_offset, warc_length from captures where warc_filename = ? "
            "and record_id in (select warc_record_id from articles) order by warc_offset",
            [filename],
        ).fetchall()
    finally:
        conn.close()


# Where a file can end: inside a record's payload, inside a record's WARC headers (warcio then
# stops without a word), and exactly between two records (every gzip member whole).
CUTS = {
    "in a payload": lambda offset, length: offset + length * 3 // 4,
    "in the headers": lambda offset, length: offset + 12,
    "between records": lambda offset, length: offset,
}


@pytest.mark.parametrize("where", list(CUTS))
def test_a_truncated_warc_loses_no_row_and_fails_loudly(dataset, where):
    warc = next((dataset / "warc").rglob("*.warc.gz"))
    before = _count(dataset / "news.db")
    records = _record_offsets(dataset / "news.db", warc.relative_to(dataset / "warc").as_posix())
    offset, length = records[len(records) * 2 // 3]
    with warc.open("r+b") as fh:
        fh.truncate(CUTS[where](offset, length))
    result = run_cli("reextract", "--data-dir", str(dataset), "--quiet")
    assert result.returncode == 1
    assert "cut short" in result.stderr and warc.name in result.stderr
    assert "nothing changed" in result.stdout
    assert _count(dataset / "news.db") == before  # the rows whose records were cut are kept

    verify = run_cli("verify", "--data-dir", str(dataset))
    assert verify.returncode == 1
    assert "cut short" in verify.stdout + verify.stderr
    if where != "between records":
        assert f"{warc.name}: record at offset {offset}" in verify.stdout + verify.stderr


def test_a_garbage_warc_is_reported_not_a_traceback(dataset):
    (dataset / "warc" / "demo" / "junk.warc.gz").write_bytes(bytes(range(256)) * 8)
    result = run_cli("reextract", "--data-dir", str(dataset), "--quiet")
    assert result.returncode == 1
    assert "junk.warc.gz: unreadable" in result.stderr and "Traceback" not in result.stderr
    assert _count(dataset / "news.db") == 44  # no row pointed into it: the rebuild went ahead


def test_reextract_waits_for_no_crawl(dataset):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from crawler.lock import acquire; acquire(sys.argv[1], 'demo'); "
            "print('held', flush=True); time.sleep(60)",
            str(dataset),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_cli("reextract", "--data-dir", str(dataset), "--quiet")
        assert result.returncode == 1
        assert "a crawl of 'demo' is running" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _count(dataset / "news.db") == 44


def test_reextract_refuses_a_file_left_open(dataset):
    warc = next((dataset / "warc").rglob("*.warc.gz"))
    shutil.copy(warc, warc.with_name(warc.name.replace("00000", "00001") + ".open"))
    result = run_cli("reextract", "--data-dir", str(dataset), "--quiet")
    assert result.returncode == 1 and "left open by an interrupted crawl" in result.stderr
    assert _count(dataset / "news.db") == 44


def _page(text: str) -> bytes:
    body = "".join(
        f"<p>{text}第{n}段，记者在现场看到，市民秩序井然，工作人员耐心解答各类问题。</p>" for n in range(6)
    )
    return (
        "<html><head><meta charset='utf-8'><title>江滨大桥完成检修</title></head><body>"
        f"<h1>江滨大桥完成检修</h1><p>2026-03-01 来源：江滨日报</p>{body}</body></html>"
    ).encode()


def _write(folder: Path, prefix: str, at: datetime, payload: bytes) -> None:
    writer = WarcWriter(folder, prefix=prefix, hostname="box", clock=lambda: at)
    url = "http://news.example/2026/03/01/c_1.html"
    writer.write_exchange(
        Exchange(
            url=url,
            request_head=http_head("GET /2026/03/01/c_1.html HTTP/1.1", [(b"Host", b"news.example")]),
            response_head=http_head("HTTP/1.1 200 OK", [(b"Content-Type", b"text/html; charset=utf-8")]),
            payload=payload,
            fetched_at=at,
        )
    )
    writer.close()


def test_versions_follow_the_fetch_time_not_the_file_names(tmp_path):
    """Worker "a" fetched the edited page after worker "b" fetched the first text; by name, a's
    file comes first. The current row must hold the later text."""
    folder = tmp_path / "warc" / "adhoc"
    _write(folder, "newsarchive-b", datetime(2026, 3, 1, 8, tzinfo=UTC), _page("初稿"))
    _write(folder, "newsarchive-a", datetime(2026, 3, 2, 8, tzinfo=UTC), _page("修订稿"))
    db = tmp_path / "news.db"
    result = run_cli("reextract", "--warc-dir", str(tmp_path / "warc"), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    try:
        body, version = conn.execute("select body, version from articles").fetchone()
        first = conn.execute("select body from article_versions where version = 1").fetchone()[0]
    finally:
        conn.close()
    assert version == 2 and "修订稿" in body and "初稿" in first


def test_a_deflate_bomb_in_the_archive_is_not_inflated_whole(tmp_path):
    """A page served as a 1 MB gzip bomb (1 GB inflated) is archived as it came; reading it
    back stops at MAX_PAGE_BYTES instead of taking a gigabyte, and the good page beside it is
    rebuilt."""
    import resource
    import zlib

    folder = tmp_path / "warc" / "adhoc"
    at = datetime(2026, 3, 1, 8, tzinfo=UTC)
    writer = WarcWriter(folder, prefix="newsarchive", hostname="box", clock=lambda: at)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # built a megabyte at a time: the test stays small
    zeros = b"\0" * (1 << 20)
    bomb = squeeze.compress(b"<p>") + b"".join(squeeze.compress(zeros) for _ in range(1024)) + squeeze.flush()
    for url, payload, headers in (
        ("http://news.example/2026/03/01/bomb.html", bomb, [(b"Content-Encoding", b"gzip")]),
        ("http://news.example/2026/03/01/c_1.html", _page("正文"), []),
    ):
        writer.write_exchange(
            Exchange(
                url=url,
                request_head=http_head(f"GET {url[19:]} HTTP/1.1", [(b"Host", b"news.example")]),
                response_head=http_head("HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"), *headers]),
                payload=payload,
                fetched_at=at,
            )
        )
    writer.close()
    db = tmp_path / "news.db"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = run_cli("reextract", "--warc-dir", str(tmp_path / "warc"), "--db", str(db), "--quiet")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert "Traceback" not in result.stderr
    assert _count(db, "select count(*) from articles where url like '%c_1.html'") == 1
    assert _count(db, "select count(*) from articles where url like '%bomb.html'") == 0
    # Inflated whole, the bomb alone would take a gigabyte (2.2 GB before the bound).
    assert peak_kib < 600 * 1024 or peak_kib == before, peak_kib
