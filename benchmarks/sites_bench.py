"""Many small sites on one schedule: N sites (default 200), each on its own loopback address
with 20 articles and `delay = 0.5`, all due at once.

Prints sites/hour and the peak RSS of the whole process tree for `schedule run-due`, beside
the serial baseline (the same run with NEWSARCHIVE_CONCURRENT_SITES=1, measured on a few
sites and scaled to N: serially the time is the sum of the sites').
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SERIAL_SAMPLE = 4


def _schedule(data: Path, folder: Path, port: int, hosts: list[str], extra: list[str]) -> None:
    from tests.conftest import run_cli
    from tests.manysites import write_profile

    for i, host in enumerate(hosts):
        write_profile(folder, f"s{i}", host, port)
        result = run_cli(
            "schedule", "add", f"s{i}", "--every", "1h", "--profiles", str(folder), "--allow-private-addresses",
            "--data-dir", str(data), "--now", "2026-11-26T10:00:00Z", *extra,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(result.stderr)


def run(hosts: list[str], port: int, tmp: Path, concurrent: int) -> tuple[float, int, int]:
    """(wall seconds, peak RSS KiB of the tree, articles stored) of one run-due over the hosts."""
    import sqlite3

    from crawl_bench import run_measured

    data, folder = tmp / f"data{concurrent}", tmp / f"profiles{concurrent}"
    folder.mkdir()
    _schedule(data, folder, port, hosts, ["--set", f"NEWSARCHIVE_CONCURRENT_SITES={concurrent}"])
    cmd = [sys.executable, "-m", "crawler", "schedule", "run-due", "--quiet", "--data-dir", str(data),
           "--now", "2026-11-26T10:05:00Z"]  # fmt: skip
    seconds, peak, _ = run_measured(cmd)
    conn = sqlite3.connect(data / "news.db")
    stored = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    return seconds, peak, stored


def main(n: int) -> None:
    from tests.servers import module_server

    with (
        tempfile.TemporaryDirectory() as tmp,
        module_server("tests.manysites", "--sites", str(n), "--articles", "20") as line,
    ):
        info = json.loads(line)
        port, hosts = info["port"], info["hosts"]
        seconds, peak, stored = run(hosts, port, Path(tmp), 16)
        serial, serial_peak, _ = run(hosts[:SERIAL_SAMPLE], port, Path(tmp), 1)
        serial_all = serial / SERIAL_SAMPLE * n
        print(
            f"sites: {n} sites of 20 articles, delay 0.5 s, due at once: {seconds:.0f} s "
            f"({n / seconds * 3600:.0f} sites/hour), {stored} articles, peak RSS {peak / 1024:.0f} MiB "
            f"(process tree); serial: {serial / SERIAL_SAMPLE:.1f} s a site, {serial_all:.0f} s for {n} "
            f"({n / serial_all * 3600:.0f} sites/hour, peak {serial_peak / 1024:.0f} MiB): {serial_all / seconds:.1f}x faster"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
