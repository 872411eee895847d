"""Byte-exact capture: every WARC response block is what the raw test server sent."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.rawserver import responses
from tests.servers import module_server

PROFILE = """
name = "rawsite"
domains = ["raw.test"]
start_urls = ["http://raw.test/"]
article_patterns = ['/a/']
list_patterns = ['/r/']
"""


@pytest.fixture(scope="module")
def raw_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("raw")
    log = tmp / "sent"
    with module_server("tests.rawserver", str(log)) as url:
        profiles = tmp / "profiles"
        profiles.mkdir()
        (profiles / "rawsite.toml").write_text(PROFILE, encoding="utf-8")
        result = run_cli(
            "crawl",
            "rawsite",
            "--profiles",
            str(profiles),
            "--base-url",
            url,
            "--data-dir",
            str(tmp / "data"),
            "--allow-private-addresses",
            "--delay",
            "0",
            "--quiet",
        )
        assert result.returncode == 0, result.stderr
    sent = {}
    for path in sorted(log.glob("*.path"), key=lambda p: int(p.stem)):
        sent.setdefault(url + path.read_text(), []).append(path.with_suffix(".bin").read_bytes())
    records = []
    for warc in sorted((tmp / "data" / "warc").rglob("*.warc.gz")):
        records += warc_records(warc)
    return {"url": url, "sent": sent, "records": records, "data": tmp / "data"}


def warc_records(path: Path) -> list[tuple[str, dict[str, str], bytes]]:
    """(type, WARC headers, block) of each record, read with zlib alone: no reader's interpretation."""
    raw, pos, out = path.read_bytes(), 0, []
    while pos < len(raw):
        d = zlib.decompressobj(31)
        record = d.decompress(raw[pos:])
        pos = len(raw) - len(d.unused_data)
        head, _, rest = record.partition(b"\r\n\r\n")
        fields = dict(line.decode().split(": ", 1) for line in head.split(b"\r\n")[1:])
        block = rest[: int(fields["Content-Length"])]
        assert rest[len(block) :] == b"\r\n\r\n"
        out.append((fields["WARC-Type"], fields, block))
    return out


def _blocks(raw_crawl, kind):
    return [(h["WARC-Target-URI"], h, block) for t, h, block in raw_crawl["records"] if t == kind]


def test_every_response_block_is_byte_for_byte_what_was_sent(raw_crawl):
    responses_ = _blocks(raw_crawl, "response")
    assert {uri for uri, _, _ in responses_} == set(raw_crawl["sent"])  # 404 and each redirect hop included
    for uri, _, block in responses_:
        assert block in raw_crawl["sent"][uri], uri


def test_payload_digest_is_over_the_dechunked_still_encoded_entity(raw_crawl):
    sent = responses()
    for uri, headers, _ in _blocks(raw_crawl, "response"):
        path = uri[len(raw_crawl["url"]) :]
        raw = sent[path]
        head, _, body = raw.partition(b"\r\n\r\n")
        if b"chunked" in head.lower():
            entity, rest = b"", body
            while True:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line, 16)
                if size == 0:
                    break
                entity, rest = entity + rest[:size], rest[size + 2 :]
        else:
            entity = body
        expected = "sha1:" + base64.b32encode(hashlib.sha1(entity).digest()).decode()
        assert headers["WARC-Payload-Digest"] == expected, path
        assert headers["WARC-Block-Digest"] == "sha1:" + base64.b32encode(hashlib.sha1(raw).digest()).decode()


def test_request_records_hold_the_real_request_line_and_headers(raw_crawl):
    requests = {u: block for u, _, block in _blocks(raw_crawl, "request")}
    line = requests[raw_crawl["url"] + "/a/q.html?id=7&x=y"].split(b"\r\n", 1)[0]
    assert line == b"GET /a/q.html?id=7&x=y HTTP/1.1"
    home = requests[raw_crawl["url"] + "/"]
    assert b"\r\nHost: 127.0.0.1:" in home and b"User-Agent: newsarchive/" in home
    # The cookie the server set is sent back, and archived as sent.
    assert b"sid=abc123" in requests[raw_crawl["url"] + "/a/chunked.html"]


def test_real_readers_accept_the_raw_capture(raw_crawl):
    files = [str(p) for p in raw_crawl["data"].joinpath("warc").rglob("*.warc.gz")]
    bindir = Path(sys.executable).parent
    check = subprocess.run([str(bindir / "warcio"), "check", "-v", *files], capture_output=True, text=True)
    # warcio digests chunked bodies with their chunk framing (warcio #74/#75), against WARC 1.1
    # 6.3.2; its only complaints must be those, on exactly the chunked responses.
    complaints = [line for line in check.stdout.splitlines() if "failed" in line]
    chunked = [
        h
        for _, h, block in _blocks(raw_crawl, "response")
        if b"chunked" in block.split(b"\r\n\r\n")[0].lower()
    ]
    assert len(complaints) == len(chunked) == 2
    assert all(f"payload digest failed {h['WARC-Payload-Digest']}" in check.stdout for h in chunked)
    verify = run_cli("verify", "--data-dir", str(raw_crawl["data"]))
    assert verify.returncode == 0, verify.stdout  # ours checks the de-chunked entity, and the blocks
    cdx = subprocess.run([str(bindir / "cdxj-indexer"), *files], capture_output=True, text=True, check=True)
    statuses = sorted(
        line.split('"status": "')[1][:3] for line in cdx.stdout.splitlines() if '"status"' in line
    )
    assert statuses.count("200") == 7 and "404" in statuses and "301" in statuses and "302" in statuses


def test_articles_extracted_from_chunked_and_gzip_bodies(raw_crawl):
    import sqlite3

    conn = sqlite3.connect(raw_crawl["data"] / "news.db")
    titles = {t for (t,) in conn.execute("select title from articles")}
    assert titles == {
        "分塊傳輸的文章",
        "壓縮傳輸的文章",
        "壓縮又分塊的文章",
        "跳轉之後的文章",
        "帶查詢參數的文章",
    }
