"""Schedules: when crawls fall due (a fake clock), and run-due against the demo site."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from crawler.schedule import Cron, next_due, parse_every
from tests.conftest import ROOT, run_cli
from tests.test_crawl_e2e import rows


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "cron", "due"),
    [
        ("2026-01-31 23:59", "0 3 * * *", "2026-02-01 03:00"),  # across a month
        ("2026-12-31 23:50", "*/15 * * * *", "2027-01-01 00:00"),  # across a year
        ("2026-01-31 23:59", "0 0 1 * *", "2026-02-01 00:00"),
        ("2026-02-27 12:00", "30 2 29 2 *", "2028-02-29 02:30"),  # the next leap day
        ("2026-11-26 10:00", "0 9 * * 1", "2026-11-30 09:00"),  # next Monday
        ("2026-11-26 10:00", "0 9 * * 1-5", "2026-11-27 09:00"),  # next weekday
        ("2026-11-26 09:00", "0 9 * * *", "2026-11-27 09:00"),  # strictly after now
    ],
)
def test_cron_slots(now, cron, due):
    assert next_due(t(now), cron=cron) == t(due)


def test_interval_slots_keep_their_grid_and_missed_windows_run_once():
    anchor = t("2026-11-26 10:00")
    assert next_due(t("2026-11-26 10:30"), every=7200, anchor=anchor) == t("2026-11-26 12:00")
    # The machine was off for three days: one run now-ish, then back on the grid, not 36 runs.
    assert next_due(t("2026-11-29 11:59"), every=7200, anchor=anchor) == t("2026-11-29 12:00")
    assert next_due(t("2026-11-30 23:00"), every=86400, anchor=anchor) == t("2026-12-01 10:00")


@pytest.mark.parametrize(("text", "seconds"), [("2h", 7200), ("30m", 1800), ("1d", 86400), ("1h30m", 5400)])
def test_parse_every(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("bad", ["soon", "5s", "2x", ""])
def test_parse_every_rejects(bad):
    with pytest.raises(ValueError):
        parse_every(bad)


@pytest.mark.parametrize("bad", ["* * * *", "61 * * * *", "0 25 * * *", "a b c d e"])
def test_cron_rejects(bad):
    with pytest.raises(ValueError):
        Cron(bad)


def _profiles(tmp_path, base_dead: str) -> str:
    """demo2: the demo site under another name; deadsite: nothing listens on its port."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    source = (ROOT / "crawler" / "sites" / "demo.toml").read_text(encoding="utf-8")
    (folder / "demo2.toml").write_text(source.replace('name = "demo"', 'name = "demo2"'), encoding="utf-8")
    (folder / "deadsite.toml").write_text(
        source.replace('name = "demo"', 'name = "deadsite"'), encoding="utf-8"
    )
    return str(folder)


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add(data, site, *extra):
    result = run_cli(
        "schedule",
        "add",
        site,
        "--data-dir",
        str(data),
        "--allow-private-addresses",
        "--delay",
        "0",
        "--now",
        "2026-11-26T10:00:00Z",
        *extra,
    )
    assert result.returncode == 0, result.stderr


def test_due_crawl_runs_and_its_outcome_is_listed(demo_site, tmp_path):
    add(tmp_path, "demo", "--every", "2h", "--base-url", demo_site)
    early = run_cli("schedule", "run-due", "--data-dir", str(tmp_path), "--now", "2026-11-26T09:00:00Z")
    assert early.returncode == 0 and not (tmp_path / "warc").exists()  # not due yet: nothing ran
    due = run_cli(
        "schedule", "run-due", "--quiet", "--data-dir", str(tmp_path), "--now", "2026-11-26T10:05:00Z"
    )
    assert due.returncode == 0 and due.stdout == "" and due.stderr == ""
    listing = run_cli("schedule", "list", "--data-dir", str(tmp_path)).stdout.splitlines()[1].split()
    assert listing[:3] == ["demo", "every", "2h"] and listing[3] == "2026-11-26T12:00:00Z"
    assert listing[5:] == ["finished", "44", "1"]
    status = run_cli("status", "--data-dir", str(tmp_path)).stdout
    assert "finished" in status and "2026-11-26T12:00:00Z" in status


def test_two_run_due_at_once_never_run_a_site_twice(demo_site, tmp_path):
    add(tmp_path, "demo", "--every", "1h", "--base-url", demo_site)
    cmd = [
        sys.executable,
        "-m",
        "crawler",
        "schedule",
        "run-due",
        "--quiet",
        "--data-dir",
        str(tmp_path),
        "--now",
        "2026-11-26T10:05:00Z",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        p.communicate(timeout=300)
    assert [p.returncode for p in procs] == [0, 0]
    assert len(rows(tmp_path, "select id from crawls where site = 'demo'")) == 1


def test_a_failing_site_is_recorded_and_retried_while_others_run(demo_site, tmp_path):
    profiles = _profiles(tmp_path, "")
    add(
        tmp_path,
        "deadsite",
        "--every",
        "1h",
        "--profiles",
        profiles,
        "--base-url",
        f"http://127.0.0.1:{_dead_port()}",
    )
    add(tmp_path, "demo2", "--every", "1h", "--profiles", profiles, "--base-url", demo_site)
    result = run_cli(
        "schedule", "run-due", "--quiet", "--data-dir", str(tmp_path), "--now", "2026-11-26T10:05:00Z"
    )
    assert result.returncode == 1 and "deadsite failed" in result.stderr
    schedules = {r["site"]: r for r in rows(tmp_path, "select * from schedules")}
    assert schedules["deadsite"]["last_status"] == "failed"
    assert schedules["deadsite"]["next_due_at"] == "2026-11-26T11:00:00Z"  # tried again at its next slot
    assert schedules["demo2"]["last_status"] == "finished"
    assert rows(tmp_path, "select status from crawls where site = 'deadsite'")[0]["status"] == "failed"
    assert rows(tmp_path, "select count(*) n from articles where site = 'demo2'")[0]["n"] == 44


def test_pause_resume_remove_and_crontab(tmp_path):
    add(tmp_path, "demo", "--cron", "0 3 * * *")
    assert run_cli("schedule", "pause", "demo", "--data-dir", str(tmp_path)).returncode == 0
    assert "paused" in run_cli("schedule", "list", "--data-dir", str(tmp_path)).stdout
    assert (
        run_cli(
            "schedule", "run-due", "--data-dir", str(tmp_path), "--now", "2026-11-27T04:00:00Z"
        ).returncode
        == 0
    )
    assert rows(tmp_path, "select count(*) n from crawls")[0]["n"] == 0  # paused: nothing ran
    assert run_cli("schedule", "resume", "demo", "--data-dir", str(tmp_path)).returncode == 0
    assert "paused" not in run_cli("schedule", "list", "--data-dir", str(tmp_path)).stdout
    assert run_cli("schedule", "remove", "demo", "--data-dir", str(tmp_path)).returncode == 0
    assert "no schedules" in run_cli("schedule", "list", "--data-dir", str(tmp_path)).stdout
    missing = run_cli("schedule", "pause", "nosuch", "--data-dir", str(tmp_path))
    assert missing.returncode == 2 and "no schedule for 'nosuch'" in missing.stderr
    line = run_cli("schedule", "crontab", "--data-dir", str(tmp_path)).stdout.strip()
    assert line.startswith("*/5 * * * * cd ") and "schedule run-due --quiet --data-dir" in line


def test_due_sites_run_at_once_with_each_hosts_gap_kept(tmp_path):
    """Twelve sites, each on its own address with delay = 0.5, one of them hanging: all due at
    once. They crawl side by side in one process, no host ever sees two requests closer than
    0.45 s, and the hanging site ends failed without holding the others."""
    import json

    from tests.manysites import write_profile
    from tests.servers import module_server

    log = tmp_path / "requests.log"
    folder = tmp_path / "profiles"
    folder.mkdir()
    with module_server(
        "tests.manysites", "--sites", "12", "--articles", "5", "--hang", "4", "--log", str(log)
    ) as line:
        info = json.loads(line)
        port, hosts = info["port"], info["hosts"]
        for i, host in enumerate(hosts):
            write_profile(folder, f"s{i}", host, port)
            extra = ["--set", "DOWNLOAD_TIMEOUT=6", "--set", "RETRY_TIMES=0"] if i == 4 else []
            result = run_cli(
                "schedule", "add", f"s{i}", "--every", "1h", "--profiles", str(folder),
                "--allow-private-addresses", "--data-dir", str(tmp_path), "--now", "2026-11-26T10:00:00Z", *extra,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
        due = run_cli(
            "schedule", "run-due", "--quiet", "--data-dir", str(tmp_path), "--now", "2026-11-26T10:05:00Z"
        )
    assert due.returncode == 1 and "s4 failed" in due.stderr  # the hanging one, and only it
    stored = rows(tmp_path, "select site, count(*) n from articles group by site")
    assert {r["site"]: r["n"] for r in stored} == {f"s{i}": 5 for i in range(12) if i != 4}
    schedules = {r["site"]: r["last_status"] for r in rows(tmp_path, "select * from schedules")}
    assert schedules == {f"s{i}": "failed" if i == 4 else "finished" for i in range(12)}

    times: dict[str, list[float]] = {}
    for entry in log.read_text(encoding="utf-8").splitlines():
        host, at, _ = entry.split(" ", 2)
        times.setdefault(host, []).append(float(at))
    gaps = [b - a for ts in times.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)]
    assert len(times) == 11 and min(gaps) >= 0.45, min(gaps)

    # Side by side, not one after another: the crawls' runs overlap.
    runs = rows(tmp_path, "select site, started_at, finished_at, status from crawls order by started_at")
    overlapping = max(sum(r["started_at"] <= s["started_at"] < r["finished_at"] for r in runs) for s in runs)
    assert overlapping >= 5
    hung = next(r for r in runs if r["site"] == "s4")
    assert hung["status"] == "failed"
    # Others went on beside it: they started and finished while it was still hanging.
    beside = [r for r in runs if r["site"] != "s4" and r["finished_at"] <= hung["finished_at"]]
    assert len(beside) >= 5


def test_status_shows_running_and_queued_sites_during_run_due(tmp_path):
    import json
    import time

    from tests.manysites import write_profile
    from tests.servers import module_server

    folder = tmp_path / "profiles"
    folder.mkdir()
    with module_server("tests.manysites", "--sites", "4", "--articles", "4", "--first", "60") as line:
        info = json.loads(line)
        for i, host in enumerate(info["hosts"]):
            write_profile(folder, f"q{i}", host, info["port"])
            result = run_cli(
                "schedule", "add", f"q{i}", "--every", "1h", "--profiles", str(folder), "--allow-private-addresses",
                "--set", "NEWSARCHIVE_CONCURRENT_SITES=2", "--data-dir", str(tmp_path), "--now", "2026-11-26T10:00:00Z",
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        due = subprocess.Popen(
            [sys.executable, "-m", "crawler", "schedule", "run-due", "--quiet", "--data-dir", str(tmp_path),
             "--now", "2026-11-26T10:05:00Z"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        seen = set()
        while due.poll() is None:
            shown = run_cli("status", "--data-dir", str(tmp_path)).stdout
            seen |= {state for state in ("running", "queued") if f" {state}" in shown.splitlines()[-1]}
            time.sleep(0.2)
        assert due.returncode == 0, due.stderr.read()
    assert seen == {"running", "queued"}  # two at a time: the others waited their turn
    final = run_cli("status", "--data-dir", str(tmp_path)).stdout.splitlines()[-1]
    assert final == "4 finished"
