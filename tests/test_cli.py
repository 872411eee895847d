"""The command line as a user meets it: JSON out, one-line errors, exit codes, README kept true."""

from __future__ import annotations

import json
import re

import pytest

from crawler.commands import registry
from tests.conftest import ROOT, crawl_args, run_cli
from tests.extract_cases import FIXTURES

# Every command the CLI offers, read from its registry: a new command is checked without
# anyone remembering to list it here.
COMMANDS = list(registry())


def test_extract_one_file_prints_every_key():
    page = FIXTURES / "gbk-portal" / "page.html"
    result = run_cli("extract", str(page), "--url", "http://news.donghu.example/news/2019/0603/wetland.html")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "江滨湿地公园今起免费开放" and data["editor"] == "郝晓燕"
    assert data["encoding"] == "gb18030"


def test_extract_batch_keeps_going_past_a_bad_line(tmp_path):
    listing = tmp_path / "list.jsonl"
    good = FIXTURES / "big5-feature" / "page.html"
    listing.write_text(
        json.dumps({"path": str(good), "url": "https://news.gangdu.example/x.html"})
        + "\n"
        + json.dumps({"path": str(tmp_path / "missing.html")})
        + "\n",
        encoding="utf-8",
    )
    result = run_cli("extract", "--batch", str(listing))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(good), str(tmp_path / "missing.html")]
    assert lines[0]["title"] == "老街書店的最後一個夏天" and "error" in lines[1]
    assert result.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "/nonexistent/page.html"], "cannot read /nonexistent/page.html"),
        (["extract"], "give a FILE or --batch"),
        (["crawl", "nosuch"], "no site profile named 'nosuch'"),
        (
            ["extract", str(FIXTURES / "gbk-portal" / "page.html"), "--encoding", "klingon"],
            "unknown encoding",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "--data-dir" in result.stdout


def test_the_registry_holds_every_command_module():
    from pathlib import Path

    import crawler.commands as package
    from crawler.commands import MODULES

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py")} - {"__init__", "base"}
    assert modules == set(MODULES)
    assert len(COMMANDS) >= len(MODULES) and "merge" in COMMANDS


def test_a_stored_schedule_reads_its_options_as_crawl_does():
    from crawler.commands.crawl import parse_crawl_args

    args = parse_crawl_args(["demo", "--max-pages", "5", "--allow-address", "127.0.0.1", "-s", "A=1"])
    assert (args.sites, args.max_pages, args.allow_address, args.set) == (["demo"], 5, ["127.0.0.1"], ["A=1"])
    assert args.depth is None and args.target_script == "hans" and args.data_dir == "data"


def test_sites_lists_the_demo_profile():
    result = run_cli("sites")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and lines[0].startswith("demo\tdemo.newsarchive.test\t")
    assert lines[1].startswith("demo-kuaibao\tkuaibao.newsarchive.test\t")


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_documents_every_command(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"newsarchive {command}\b", readme), f"README does not document `newsarchive {command}`"


def test_private_addresses_refused_by_default(demo_site, tmp_path):
    result = run_cli(
        "crawl", "demo", "--base-url", demo_site, "--data-dir", str(tmp_path), "--delay", "0", "--quiet"
    )
    assert "refused private address 127.0.0.1" in result.stdout + result.stderr
    import sqlite3

    conn = sqlite3.connect(tmp_path / "news.db")
    assert conn.execute("select count(*) from captures").fetchone()[0] == 0  # nothing was fetched
    assert conn.execute("select count(*) from failures").fetchone()[0] >= 1


def test_summary_on_stdout_when_not_quiet(demo_site, tmp_path):
    result = run_cli(*crawl_args(demo_site, tmp_path))
    assert result.returncode == 0, result.stderr
    assert re.search(r"demo: crawl \S+ finished: \d+ pages fetched, 44 new articles", result.stdout)


def test_profile_politeness_fills_what_the_command_line_leaves_open():
    import argparse
    from dataclasses import replace

    from crawler.commands.crawl import crawl_settings
    from crawler.profile import get_profile

    profile = replace(get_profile("demo"), delay=2.5, concurrency=3)
    args = argparse.Namespace(data_dir="data", db=None, warc_dir=None, delay=None, concurrency=None)
    settings = crawl_settings(args, quiet=True, profile=profile)
    assert (
        settings.getfloat("DOWNLOAD_DELAY") == 2.5 and settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
    )
    args = argparse.Namespace(data_dir="data", db=None, warc_dir=None, delay=0.0, concurrency=8)
    settings = crawl_settings(args, quiet=True, profile=profile)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 8


def _one_line(result, status: int) -> str:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


@pytest.fixture
def dataset(demo_crawl, tmp_path):
    """A private copy of the demo crawl's data folder, for tests that try to damage it."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_crawl["data"], data)
    return data


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["search", "两岸"],
        ["verify"],
        ["export", "--format", "jsonl"],
        ["status"],
        ["schedule", "list"],
        ["crawl", "demo", "--base-url", "http://127.0.0.1:9", "--allow-private-addresses"],
    ],
)
def test_a_damaged_database_is_one_line_for_every_command(tmp_path, command):
    data = tmp_path / "data"
    data.mkdir()
    (data / "news.db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    assert "damaged" in _one_line(run_cli(*command, "--data-dir", str(data)), 1)


def test_another_applications_database_is_refused_and_left_alone(tmp_path):
    import sqlite3

    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("create table notes (id integer primary key, text)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for command in (["stats"], ["search", "x"], ["export", "--format", "csv"]):
        assert "not a newsarchive database" in _one_line(run_cli(*command, "--db", str(db)), 1)
    assert db.read_bytes() == before  # not migrated, not even switched to WAL


def test_a_database_from_a_newer_newsarchive_is_refused(dataset):
    import sqlite3

    conn = sqlite3.connect(dataset / "news.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert "newer than this newsarchive" in _one_line(run_cli("stats", "--data-dir", str(dataset)), 1)


def test_outputs_never_overwrite_the_dataset_or_the_archive(dataset):
    db = dataset / "news.db"
    warc = next((dataset / "warc").rglob("*.warc.gz"))
    before = {db: db.read_bytes(), warc: warc.read_bytes()}
    for args in (
        ["export", "--format", "csv", "--out", str(db)],
        ["export", "--format", "jsonl", "--out", f"{db}-wal"],
        ["export", "--format", "wacz", "--out", str(warc)],
        ["export", "--format", "jsonl", "--out", str(warc.parent / "new.jsonl")],
        ["stats", "--html", str(db)],
    ):
        _one_line(run_cli(*args, "--data-dir", str(dataset)), 2)
    assert {path: path.read_bytes() for path in before} == before
    assert run_cli("verify", "--data-dir", str(dataset)).returncode == 0


def test_export_to_a_missing_folder_or_a_full_disk_is_one_line(dataset, tmp_path):
    missing = tmp_path / "nowhere" / "out.jsonl"
    _one_line(run_cli("export", "--format", "jsonl", "--out", str(missing), "--data-dir", str(dataset)), 1)
    full = _one_line(
        run_cli("export", "--format", "jsonl", "--out", "/dev/full", "--data-dir", str(dataset)), 1
    )
    assert "No space left" in full


def test_export_into_a_closed_pipe_stops_quietly(dataset):
    import subprocess
    import sys

    from tests.conftest import ROOT

    export = subprocess.Popen(
        [sys.executable, "-m", "crawler", "export", "--format", "jsonl", "--data-dir", str(dataset)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    export.stdout.read(10)
    export.stdout.close()  # `| head -c 10`
    _, err = export.communicate(timeout=60)
    assert err == b""
    assert export.returncode == 0  # as other Unix tools: the reader had what it wanted


def test_binary_extract_batch_list_is_one_line(tmp_path):
    listing = tmp_path / "list.jsonl"
    listing.write_bytes(bytes(range(128, 256)) * 4)
    assert "not a JSON Lines list" in _one_line(run_cli("extract", "--batch", str(listing)), 2)


def test_schedule_every_beyond_a_year_is_one_line(tmp_path):
    result = run_cli("schedule", "add", "demo", "--every", "99999999999d", "--data-dir", str(tmp_path))
    assert "at most 366 days" in _one_line(result, 2)


def test_schedule_add_help_shows_the_options_of_add():
    """Each schedule action is a subcommand with its own help: add shows what a schedule
    stores (its crawl options), not run-due's --quiet; run-due does not offer --every."""
    add = run_cli("schedule", "add", "--help")
    assert add.returncode == 0
    assert "--every" in add.stdout and "--contact" in add.stdout and "--quiet" not in add.stdout
    due = run_cli("schedule", "run-due", "--help")
    assert due.returncode == 0 and "--quiet" in due.stdout and "--every" not in due.stdout
    wrong = run_cli("schedule", "run-due", "--every", "2h")
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1


def test_warc_dir_is_offered_only_by_the_commands_that_use_warc_files():
    for command, offered in (("verify", True), ("reextract", True), ("search", False), ("terms", False)):
        helptext = run_cli(command, "--help").stdout
        assert ("--warc-dir" in helptext) == offered, command
    refused = run_cli("search", "x", "--warc-dir", "w")
    assert refused.returncode == 2 and "unrecognized arguments: --warc-dir" in refused.stderr
