"""Shared fixtures: the demo site served from a subprocess on port 0, and a real crawl of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def demo_site():
    from tests.servers import module_server

    with module_server("crawler.demo.server", "--port", "0") as url:
        assert url.startswith("http://127.0.0.1:"), url
        yield url


def crawl_args(base_url: str, data_dir: Path, *extra: str) -> list[str]:
    """`newsarchive crawl` of the demo profile served at base_url, loopback allowed, no delay."""
    return [
        "crawl",
        "demo",
        "--base-url",
        base_url,
        "--data-dir",
        str(data_dir),
        "--allow-private-addresses",
        "--delay",
        "0",
        *extra,
    ]


def crawl_demo(base_url: str, data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli(*crawl_args(base_url, data_dir, "--quiet", *extra))


@pytest.fixture(scope="session")
def demo_crawl(demo_site, tmp_path_factory):
    """One full crawl of the demo site, shared by the end-to-end tests that only read its result."""
    data = tmp_path_factory.mktemp("demo-crawl")
    result = crawl_demo(demo_site, data)
    assert result.returncode == 0, result.stderr
    return {"url": demo_site, "data": data, "result": result}


def assert_indexes_match_cdxj_indexer(data: Path, tmp: Path) -> int:
    """Every WARC file of a crawl has its CDXJ index, written during the crawl, equal line for
    line to what cdxj-indexer makes of the closed file; returns the number of files checked."""
    from archive.cdxj import index_path, write_index

    warcs = sorted((data / "warc").rglob("*.warc.gz"))
    assert not list((data / "warc").rglob("*.open"))  # nothing left half-written
    for n, warc in enumerate(warcs):
        theirs = write_index([warc], tmp / f"{n}.cdxj").read_text(encoding="utf-8")
        assert index_path(warc).read_text(encoding="utf-8") == theirs, warc.name
        assert theirs  # every file holds responses or revisits
    return len(warcs)
