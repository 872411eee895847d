"""The command line as a user meets it: JSON out, one-line errors, exit codes, README kept true."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT, crawl_args, run_cli
from tests.extract_cases import FIXTURES

COMMANDS = [
    "crawl",
    "extract",
    "sites",
    "demo",
    "search",
    "export",
    "verify",
    "reextract",
    "stats",
    "browse",
    "profile-draft",
    "schedule",
    "status",
]


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


def test_sites_lists_the_demo_profile():
    result = run_cli("sites")
    assert result.returncode == 0 and result.stdout.startswith("demo\tdemo.newsarchive.test\t")


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
