"""Hostile input at the command line, second round: bad values are one line and exit 2 before
anything starts, outputs never land on the archive (by path, symbolic or hard link), cells a
spreadsheet would run are neutralised, and a damaged shard still merges."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli

BAD_VALUES = [
    ["search", "x", "--since", "garbage"],
    ["search", "x", "--since", "2026-99-01"],
    ["export", "--format", "jsonl", "--since", "garbage"],
    ["export", "--format", "jsonl", "--until", "2026-02-30"],
    ["trend", "x", "--since", "2026-99-01"],
    ["terms", "--until", "garbage"],
    ["search", "x", "--limit", "-1"],
    ["terms", "--top", "-3"],
    ["kwic", "x", "--width", "-5"],
    ["kwic", "x", "--width", "99999999999"],
    ["profile-draft", "http://127.0.0.1:9/", "--pages", "-1"],
    ["profile-draft", "http://[::1:8830/"],
    ["schedule", "run-due", "--now", "2026-99-99"],
    ["crawl", "demo", "--refetch-window", "99999999999"],
    ["crawl", "demo", "--now", "yesterday"],
    ["crawl", "demo", "--set", "RETRY_HTTP_CODES=abc"],
    ["crawl", "demo", "--set", "NEWSARCHIVE_ALLOWED_ADDRESSES=notanip"],
    ["search", "x", "--lim", "3"],  # no silent abbreviation of --limit
    ["crawl", "demo", "--max-page", "3"],
    ["extract", "/dev/zero"],  # endless input: read up to the page limit, then refused
]


@pytest.mark.parametrize("argv", BAD_VALUES, ids=lambda a: " ".join(a))
def test_a_bad_value_is_one_line_and_exit_2_before_anything_starts(argv, tmp_path):
    result = run_cli(*argv, "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"newsarchive {argv[0]}"), lines[0]
    assert result.stdout == ""
    assert not (tmp_path / "data" / "news.db").exists()  # nothing started


def test_a_mistyped_option_names_the_one_meant(tmp_path):
    result = run_cli("search", "x", "--lmit", "3", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "did you mean --limit?" in result.stderr, result.stderr


def test_a_profile_window_of_a_billion_years_is_one_line(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "big.toml").write_text(
        'name = "big"\ndomains = ["127.0.0.1"]\nstart_urls = ["http://127.0.0.1:9/"]\n'
        "refetch_window_days = 99999999999999999999\n",
        encoding="utf-8",
    )
    result = run_cli("crawl", "big", "--profiles", str(profiles), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 2, result.stderr
    assert "refetch_window_days" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def dataset(demo_crawl, tmp_path):
    """A copy of the demo crawl's data folder, to be attacked."""
    data = tmp_path / "data"
    shutil.copytree(demo_crawl["data"], data)
    return data


def _fingerprint(path):
    return path.stat().st_size, path.read_bytes()[:4096]


def test_outputs_never_land_on_the_dataset_or_the_archive(dataset, tmp_path):
    db = dataset / "news.db"
    warc = sorted((dataset / "warc").rglob("*.warc.gz"))[0]
    before = {p: _fingerprint(p) for p in (db, warc)}
    hard_db = tmp_path / "export.csv"
    os.link(db, hard_db)
    hard_warc = tmp_path / "old.log"
    os.link(warc, hard_warc)
    soft_db = tmp_path / "soft.jsonl"
    soft_db.symlink_to(db)
    renamed_warc = tmp_path / "copy.bin"
    shutil.copy(warc, renamed_warc)
    other_db = tmp_path / "other.db"
    shutil.copy(db, other_db)
    data = ["--data-dir", str(dataset)]
    attempts = [
        ["profile-draft", "http://127.0.0.1:9/", "--out", str(db)],
        ["profile-draft", "http://127.0.0.1:9/", "--out", str(warc)],
        ["profile-draft", "http://127.0.0.1:9/", "--out", str(hard_db)],
        ["crawl", "demo", "--log-file", str(warc)],
        ["crawl", "demo", "--log-file", str(db)],
        ["crawl", "demo", "--log-file", str(hard_warc)],
        ["crawl", "demo", "--log-file", str(renamed_warc)],
        ["crawl", "demo", "--log-file", str(other_db)],
        ["export", "--format", "csv", "--out", str(hard_db)],
        ["export", "--format", "jsonl", "--out", str(soft_db)],
        ["stats", "--html", str(hard_warc)],
    ]
    for argv in attempts:
        result = run_cli(*argv, *data)
        assert result.returncode == 2, (argv, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert {p: _fingerprint(p) for p in (db, warc)} == before
    assert renamed_warc.read_bytes() == warc.read_bytes() and other_db.read_bytes() == db.read_bytes()


def test_an_ordinary_output_file_is_still_written(dataset, tmp_path):
    out = tmp_path / "articles.jsonl"
    out.write_text("an older export\n", encoding="utf-8")
    result = run_cli("export", "--format", "jsonl", "--out", str(out), "--data-dir", str(dataset))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 44


FORMULA = '=HYPERLINK("http://127.0.0.1:9/","標題公式")'


def _export_csv(dataset, *extra):
    result = run_cli("export", "--format", "csv", "--data-dir", str(dataset), *extra)
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_are_neutralised(dataset, start):
    with sqlite3.connect(dataset / "news.db") as conn:
        url = conn.execute("select url from articles order by url limit 1").fetchone()[0]
        conn.execute("update articles set title = ?, source = ? where url = ?", [FORMULA, start + "1+1", url])
    row = next(r for r in _export_csv(dataset) if r["url"] == url)
    # (the text pipe reads a CR as a newline: the apostrophe is what tells)
    assert row["title"] == "'" + FORMULA and row["source"].startswith("'") and row["source"].endswith("1+1")
    raw = next(r for r in _export_csv(dataset, "--raw-cells") if r["url"] == url)
    assert raw["title"] == FORMULA
    untouched = [r for r in _export_csv(dataset) if r["url"] != url]
    assert untouched and not any(r["title"].startswith("'") for r in untouched)


def test_kwic_csv_neutralises_formulas_too(dataset):
    with sqlite3.connect(dataset / "news.db") as conn:
        conn.execute("update articles set site = '=cmd|calc' where rowid = (select min(rowid) from articles)")
    result = run_cli("kwic", "的", "--csv", "--limit", "0", "--data-dir", str(dataset))
    assert result.returncode == 0, result.stderr
    sites = {r["site"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert "'=cmd|calc" in sites and "=cmd|calc" not in sites


def test_export_into_a_closed_pipe_exits_0(dataset):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m crawler export --format jsonl --data-dir {dataset} | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and len(result.stdout.splitlines()) == 1


def test_a_shard_whose_articles_have_no_versions_still_merges(dataset, tmp_path):
    shard = tmp_path / "shards" / "w1" / "news.db"
    shard.parent.mkdir(parents=True)
    shutil.copy(dataset / "news.db", shard)
    with sqlite3.connect(shard) as conn:
        conn.execute("delete from article_versions")
    target = tmp_path / "merged"
    target.mkdir()
    result = run_cli("merge", str(shard), "--data-dir", str(target))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target / "news.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 44
        assert conn.execute("select count(*) from article_versions").fetchone()[0] == 44


def _spoil(path, at: float, size: int = 256) -> int:
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start : start + size] = bytes((b ^ 0x5A) for b in data[start : start + size])
    path.write_bytes(bytes(data))
    return start


def test_every_damaged_stretch_of_a_warc_is_reported_with_the_rows_in_it(dataset):
    warc = max((dataset / "warc").rglob("*.warc.gz"), key=lambda p: p.stat().st_size)
    spots = [_spoil(warc, 0.4), _spoil(warc, 0.8)]
    result = run_cli("verify", "--data-dir", str(dataset))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = result.stdout + result.stderr
    damaged = [line for line in out.splitlines() if "bytes damaged" in line]
    assert len(damaged) == 2, out
    for line, spot in zip(damaged, spots, strict=True):
        start = int(line.split("record at offset ")[1].split(":")[0])
        end = int(line.split("reading goes on at offset ")[1].split(";")[0])
        assert start <= spot < end, (line, spot)
    assert "Error -3" not in out.replace("damaged gzip data (Error -3", "")  # no bare zlib lines
    # The rows that point into the damage are named, both in the file's line and on their own.
    with sqlite3.connect(dataset / "news.db") as conn:
        name = warc.relative_to(dataset / "warc").as_posix()
        inside = {
            url
            for line in damaged
            for (url,) in conn.execute(
                "select url from articles where warc_filename = ? and warc_offset >= ? and warc_offset < ?",
                [
                    name,
                    int(line.split("record at offset ")[1].split(":")[0]),
                    int(line.split("reading goes on at offset ")[1].split(";")[0]),
                ],
            )
        }
    for url in inside:
        assert any(url in line for line in damaged), url
        assert any(line.startswith(f"articles: {url}") for line in out.splitlines()), url


def test_a_site_that_is_down_is_a_few_lines_and_no_traceback(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for quiet in ([], ["--quiet"]):
        result = run_cli(
            "crawl", "--start-url", f"http://127.0.0.1:{port}/", "--data-dir", str(tmp_path),
            "--allow-private-addresses", "--delay", "0", *quiet,
        )  # fmt: skip
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 6, (
            result.stderr
        )
        assert "Connection refused" in result.stderr  # the one thing a person needs to know
    assert "Connection refused" in (tmp_path / "logs" / "crawl.log").read_text(encoding="utf-8")  # detail
