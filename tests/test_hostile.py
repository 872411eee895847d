"""A crawl of a site that misbehaves on purpose (tests/hostileserver.py), end to end.

The site runs on 127.0.0.2, the only address the crawl may reach (--allow-address). Its
redirects to 127.0.0.1 (by IP and by the name localhost) and to [::1] stand for a site that
points the crawler at the network it runs in: a socket listening there records every
connection, and must record none.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.hostileserver import BAD, GOOD
from tests.servers import descendants, module_server, status_kib

# path on the site -> (stage, words the reason must contain)
EXPECTED = {
    "/bad/long-line.html": ("extract", "too large to extract"),
    "/bad/binary.html": ("decode", "binary data"),
    "/bad/empty.html": ("decode", "empty body"),
    "/bad/truncated-gzip.html": ("decode", "truncated gzip"),
    "/bad/gzip-bomb.html": ("fetch", "DOWNLOAD_MAXSIZE"),
    "/bad/huge.html": ("fetch", "max size"),
    "/bad/huge-chunked.html": ("fetch", "DOWNLOAD_MAXSIZE"),
    "/bad/endless-headers.html": ("fetch", "response headers longer than"),
    "/bad/stall.html": ("fetch", "took longer than"),
    "/bad/silent.html": ("fetch", "took longer than"),
    "/bad/reset.html": ("fetch", "Error"),
    "/bad/500.html": ("fetch", "HTTP 500"),
    "/bad/503-forever.html": ("fetch", "Retry-After: 86400"),
    "/loop/a.html": ("fetch", "redirect loop"),
    "/away.html": ("fetch", "another domain"),
}


class Recorder:
    """Listening sockets on 127.0.0.1 and ::1 (same port) that note every connection."""

    def __init__(self):
        self.accepted: list = []
        self.sockets = []
        first = socket.socket()
        first.bind(("127.0.0.1", 0))
        self.port = first.getsockname()[1]
        self.sockets.append(first)
        try:
            six = socket.socket(socket.AF_INET6)
            six.bind(("::1", self.port))
            self.sockets.append(six)
        except OSError:
            pass  # no IPv6 loopback here; the IPv6 literal is still refused before any connection
        self.stop = threading.Event()
        self.threads = []
        for s in self.sockets:
            s.listen()
            s.settimeout(0.2)
            t = threading.Thread(target=self._accept, args=(s,), daemon=True)
            t.start()
            self.threads.append(t)

    def _accept(self, s):
        while not self.stop.is_set():
            try:
                conn, addr = s.accept()
            except OSError:
                continue
            self.accepted.append(addr)
            conn.close()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        for s in self.sockets:
            s.close()


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    return sum(status_kib(p, "VmRSS") for p in [pid, *descendants(pid)]) * 1024


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    recorder = Recorder()
    log = tmp / "requests.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server_args = ["--host", "127.0.0.2", "--private-port", str(recorder.port), "--log", str(log)]
    try:
        with module_server("tests.hostileserver", *server_args, env=env) as base:
            assert base.startswith("http://127.0.0.2:"), base
            data = tmp / "data"
            args = [
                sys.executable, "-m", "crawler", "crawl", "--start-url", base + "/",
                "--allow-domain", "127.0.0.2", "--allow-domain", "localhost",
                "--allow-domain", "127.0.0.1", "--allow-domain", "::1",
                "--allow-address", "127.0.0.2", "--data-dir", str(data), "--delay", "0",
                "-s", "DOWNLOAD_TIMEOUT=3", "-s", "NEWSARCHIVE_RETRY_BACKOFF=0.2",
            ]  # fmt: skip
            started = time.monotonic()
            crawl = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
            )
            peak = 0
            while crawl.poll() is None:
                peak = max(peak, _tree_rss(crawl.pid))
                time.sleep(0.05)
                assert time.monotonic() - started < 600, "the hostile crawl did not finish"
            out, err = crawl.communicate()
            print(f"\nhostile crawl: {time.monotonic() - started:.1f} s, peak RSS of the crawl's processes "
                  f"{peak / 2**20:.0f} MB")  # fmt: skip
            yield {
                "base": base,
                "data": data,
                "code": crawl.returncode,
                "out": out,
                "err": err,
                "peak": peak,
                "private_port": recorder.port,
                "log": log.read_text().splitlines(),
                "accepted": list(recorder.accepted),
            }
    finally:
        recorder.close()


def _rows(data: Path, sql: str) -> list:
    db = sqlite3.connect(data / "news.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_the_crawl_finishes_and_says_how_many_pages_failed(hostile_crawl):
    assert hostile_crawl["code"] == 0, hostile_crawl["err"]
    failures = _rows(hostile_crawl["data"], "select count(*) from failures")[0][0]
    assert failures >= len(BAD)
    summary = hostile_crawl["out"]
    assert f"{failures} errors" in summary
    assert "failures by stage:" in summary and "decode" in summary and "fetch" in summary


def test_every_good_page_is_stored(hostile_crawl):
    base = hostile_crawl["base"]
    stored = {url for (url,) in _rows(hostile_crawl["data"], "select url from articles")}
    assert stored == {base + path for path in GOOD}
    bodies = dict(_rows(hostile_crawl["data"], "select url, body from articles"))
    for path in GOOD:  # decoded right, whatever the charset said: the text is Chinese, not mojibake
        body = bodies[base + path]
        assert "居民" in body or "居民" in body.replace("\ufffd", ""), (path, body[:80])
    titles = dict(_rows(hostile_crawl["data"], "select url, title from articles"))
    # Declared in one legacy charset, written in the other: read with the one that decodes.
    assert titles[base + "/good/says-big5-is-gbk.html"] == "旧城绿化带完成改造"
    assert titles[base + "/good/says-gbk-is-big5.html"] == "舊城綠化帶完成改造"


def test_every_bad_page_is_a_failures_row_with_its_stage_and_reason(hostile_crawl):
    base = hostile_crawl["base"]
    rows = _rows(hostile_crawl["data"], "select url, stage, reason from failures")
    by_url = {url: (stage, reason) for url, stage, reason in rows}
    for path, (stage, words) in EXPECTED.items():
        assert base + path in by_url, f"no failures row for {path}"
        got_stage, reason = by_url[base + path]
        assert got_stage == stage and words in reason, (path, got_stage, reason)
    chain = [r for u, (s, r) in by_url.items() if u.startswith(base + "/chain/")]
    assert chain == ["HTTP 302: too many redirects"]
    port = hostile_crawl["private_port"]
    targets = (
        f"http://localhost:{port}/admin",
        f"http://127.0.0.1:{port}/latest/meta-data/",
        f"http://[::1]:{port}/",
    )
    for target in targets:
        assert "refused private address" in by_url[target][1], by_url[target]
    # An entity bomb in the sitemap is never expanded into URLs (nor into memory).
    assert not [u for u in by_url if "&" in u or "ha" * 10 in u]


def test_no_connection_reaches_a_forbidden_address(hostile_crawl):
    assert hostile_crawl["accepted"] == []
    port = hostile_crawl["private_port"]
    refused = _rows(
        hostile_crawl["data"], "select url from failures where reason like '%refused private address%'"
    )
    assert {u for (u,) in refused} == {
        f"http://localhost:{port}/admin",
        f"http://127.0.0.1:{port}/latest/meta-data/",
        f"http://[::1]:{port}/",
    }


def test_retries_wait_for_retry_after_and_give_up_on_a_long_one(hostile_crawl):
    times: dict[str, list[float]] = {}
    for line in hostile_crawl["log"]:
        at, path = line.split(" ", 1)
        times.setdefault(path, []).append(float(at))
    after = times["/good/after-503.html"]
    assert len(after) == 3  # two 503s with Retry-After: 1, then the page
    assert all(b - a >= 0.9 for a, b in pairwise(after))
    assert len(times["/bad/503-forever.html"]) == 1  # Retry-After: one day; not retried
    assert len(times["/bad/500.html"]) == 3  # RETRY_TIMES = 2, with backoff
    gaps = [b - a for a, b in pairwise(times["/bad/500.html"])]
    assert gaps[1] >= 0.35 and gaps[0] >= 0.15  # 0.2 s, then 0.4 s


def test_memory_stays_bounded(hostile_crawl):
    # A 50 MB page, a 1 GB gzip bomb, a 10 MB line: the size cap and the extraction limit hold.
    assert 0 < hostile_crawl["peak"] < 500 * 2**20


def test_the_warcs_are_valid(hostile_crawl):
    result = run_cli("verify", "--data-dir", str(hostile_crawl["data"]))
    assert result.returncode == 0, result.stdout + result.stderr
    # And by warcio's own checker (no chunked record is kept here, so no known disagreement).
    warcs = sorted(str(p) for p in (hostile_crawl["data"] / "warc").rglob("*.warc.gz"))
    assert warcs
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *warcs], capture_output=True, text=True
    )
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout[-2000:] + check.stderr
