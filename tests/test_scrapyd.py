"""A real Scrapyd: the project deploys with scrapyd-deploy, and a crawl scheduled through
schedule.json writes WARCs and rows like a command-line crawl."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.servers import free_port, wait_for_port

BIN = Path(sys.executable).parent
PROJECT_FILES = ["crawler", "spiders", "archive", "pipelines", "pyproject.toml", "setup.py", "README.md"]


def _api(base: str, path: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + path, data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    program = BIN / "scrapyd"
    if not program.exists():
        pytest.fail("scrapyd is not installed in this environment (the Makefile installs it)")
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home}/eggs\n"
        f"logs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\nmax_proc = 2\npoll_interval = 0.5\n"
    )
    proc = subprocess.Popen([str(program)], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        yield {"url": f"http://127.0.0.1:{port}/", "port": port, "home": home}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_crawl_scheduled_through_scrapyd_stores_rows_and_warcs(scrapyd, demo_site, tmp_path):
    # Deploy a copy of the project with its own scrapy.cfg, pointed at this Scrapyd's port.
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, project / name)
    cfg = (ROOT / "scrapy.cfg").read_text().replace("http://127.0.0.1:6800/", scrapyd["url"])
    (project / "scrapy.cfg").write_text(cfg)
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "newsarchive" in _api(scrapyd["url"], "listprojects.json")["projects"]
    assert "news" in _api(scrapyd["url"], "listspiders.json?project=newsarchive")["spiders"]

    data = tmp_path / "data"
    job = _api(
        scrapyd["url"],
        "schedule.json",
        [
            ("project", "newsarchive"),
            ("spider", "news"),
            ("site", "demo"),
            ("base_url", demo_site),
            ("setting", f"NEWSARCHIVE_DATA_DIR={data}"),
            ("setting", "NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES=1"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=0"),
        ],
    )
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        jobs = _api(scrapyd["url"], "listjobs.json?project=newsarchive")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the Scrapyd job did not finish")
    log = next((scrapyd["home"] / "logs").rglob(f"{job['jobid']}.log")).read_text()
    assert "Traceback" not in log, log[-3000:]

    import sqlite3

    db = sqlite3.connect(data / "news.db")
    try:
        assert db.execute("select count(*) from articles").fetchone()[0] == 44
        assert db.execute("select status from crawls").fetchall() == [("finished",)]
    finally:
        db.close()
    assert list((data / "warc" / "demo").glob("*.warc.gz"))
    verify = run_cli("verify", "--data-dir", str(data))
    assert verify.returncode == 0, verify.stdout + verify.stderr
