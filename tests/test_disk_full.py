"""A full disk, on a real small filesystem (a tmpfs mounted by the test): the crawl stops with
exit 1 and one line saying why, nothing is stored that was not written, and once there is room
again the next crawl brings the dataset to what a crawl with room would have made."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from crawler.demo.site import build_articles
from tests.conftest import crawl_demo, run_cli

ARTICLES = len(build_articles())


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs, and a function that gives it room again (remount, same files)."""
    mount = tmp_path / "small"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode})")

    def grow() -> None:
        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)

    try:
        yield mount, grow
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.mark.parametrize("full", ["everything", "warc", "db"])
def test_a_full_disk_stops_the_crawl_and_loses_nothing(demo_site, small_disk, tmp_path, full):
    mount, grow = small_disk
    data = tmp_path / "data"
    db = (mount if full in ("everything", "db") else data) / "news.db"
    warc = (mount if full in ("everything", "warc") else data) / "warc"
    if full == "warc":  # the database alone would fit: fill the disk so the WARC cannot
        (mount / "filler").write_bytes(b"\0" * 900_000)
    where = ["--db", str(db), "--warc-dir", str(warc), "--set", "ARCHIVE_WARC_MAX_SIZE=100000"]
    if full == "everything":
        where = ["--db", str(db), "--warc-dir", str(warc)]
    first = crawl_demo(demo_site, data, *where)
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr and len(first.stderr.strip().splitlines()) <= 4, first.stderr
    assert "stopped:" in first.stderr and ("full" in first.stderr or "No space" in first.stderr)
    assert first.stdout == ""
    # What is stored is whole: every row points at an intact record, no file is left open.
    verify = run_cli("verify", "--db", str(db), "--warc-dir", str(warc), "--data-dir", str(data))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    stored = _count(db, "select count(*) from articles")
    assert stored < ARTICLES
    grow()
    (mount / "filler").unlink(missing_ok=True)
    second = crawl_demo(demo_site, data, *where)
    assert second.returncode == 0, second.stderr
    assert _count(db, "select count(*) from articles") == ARTICLES
    verify = run_cli("verify", "--db", str(db), "--warc-dir", str(warc), "--data-dir", str(data))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert not list(warc.rglob("*.open"))
