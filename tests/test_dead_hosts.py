"""Requisites on hosts that cannot be reached: a name that does not resolve is not retried, a
host that failed stays failed for the run (its other requisites fail at once, without a
request), and those failures are counted apart from the pages'."""

from __future__ import annotations

import sqlite3
from collections import Counter
from urllib.parse import urlsplit

from tests.conftest import run_cli
from tests.deadhosts import DEAD_NAMES, serve

ARTICLES, PER_HOST = 6, 6


def test_unreachable_requisite_hosts_fail_once_and_apart_from_the_pages(tmp_path):
    server, base, refused = serve(ARTICLES, PER_HOST)
    try:
        result = run_cli(
            "crawl", "--start-url", base + "/", "--data-dir", str(tmp_path), "--allow-private-addresses",
            "--delay", "0",
        )  # fmt: skip
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "news.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == ARTICLES
        rows = conn.execute("select url, stage, reason, kind from failures").fetchall()
        crawl = conn.execute("select errors from crawls").fetchone()
    dead = {*DEAD_NAMES, "127.0.0.2"}
    assert {urlsplit(url).hostname for url, *_ in rows} == dead  # the site's own pages all came
    assert all(kind == "requisite" for *_, kind in rows)
    assert len(rows) == ARTICLES * PER_HOST * len(dead)  # each one a row: nothing lost silently
    # Per host, the first failure says why; every later one was not asked for at all.
    tried = Counter(urlsplit(url).hostname for url, _, reason, _ in rows if "not asked for" not in reason)
    concurrent = 8  # at most the requests to one host already under way when its first one failed
    assert all(1 <= n <= concurrent for n in tried.values()), tried
    for url, _, reason, _ in rows:
        if "not asked for" in reason:
            assert f"{urlsplit(url).hostname} was unreachable earlier in this run" in reason
    # The summary counts pages' errors (none) apart from the requisites'.
    assert crawl == (0,)
    assert (
        "0 errors" in result.stdout and f"and {len(rows)} pictures, stylesheets or scripts" in result.stdout
    )
    assert "failures by stage" not in result.stdout
