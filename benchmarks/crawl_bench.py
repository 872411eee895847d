"""Crawl throughput of the full newsarchive crawl beside a bare Scrapy spider, and memory.

Both crawl the same generated site (benchsite.py, pre-rendered, served from its own process),
with the same concurrency and no delay, in the same run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
sys.path.insert(0, str(ROOT))
from tests.servers import descendants, status_kib  # noqa: E402

CONCURRENCY = 8
ROUNDS = 3  # alternated pairs of bare spider and full crawl


def start_site(articles: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "benchsite.py"), "--articles", str(articles), "--prerender"],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    return proc, proc.stdout.readline().strip()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a live process (/proc/PID/stat); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# CPU seconds of the last measured run, per process: "crawl" (the reactor's process) and
# "workers" (everything it started: the extraction worker and its forkserver).
LAST_CPU: dict[str, float] = {}


def run_measured(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB: the process plus its extraction workers) and stdout of a child.
    The CPU time of each process, sampled until it ends, is left in LAST_CPU."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        for pid in [proc.pid, *descendants(proc.pid)]:
            peaks[pid] = max(peaks.get(pid, 0), status_kib(pid, "VmHWM"))
            cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise RuntimeError(err[-2000:])
    LAST_CPU.update(crawl=cpu.get(proc.pid, 0.0), workers=sum(v for k, v in cpu.items() if k != proc.pid))
    return time.perf_counter() - start, sum(peaks.values()), out


# The comparison with the bare spider (which fetches pages only) runs without requisites;
# their cost is measured on its own (requisites_cost).
NO_REQUISITES = ("--set", "NEWSARCHIVE_REQUISITES=off")


def full_crawl(base: str, data: Path, *extra: str) -> tuple[float, int]:
    from benchsite import PROFILE

    profiles = data / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "bench.toml").write_text(PROFILE, encoding="utf-8")
    seconds, peak, _ = run_measured(
        [
            sys.executable,
            "-m",
            "crawler",
            "crawl",
            "bench",
            "--profiles",
            str(profiles),
            "--base-url",
            base,
            "--data-dir",
            str(data),
            "--allow-private-addresses",
            "--delay",
            "0",
            "--concurrency",
            str(CONCURRENCY),
            "--quiet",
            *extra,
        ]
    )
    return seconds, peak


def pages_of(data: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(data / "news.db")
    try:
        pages = conn.execute("select sum(pages) from crawls").fetchone()[0] or 0
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    finally:
        conn.close()
    return pages, articles


def requisites_cost(base: str, rounds: int = 2) -> dict:
    """Article pages a second with page requisites archived (the default: a picture an article
    and the site's stylesheet, script and icons) and without, alternated, same site."""
    totals = {"on": [0.0, 0, 0], "off": [0.0, 0, 0]}  # seconds, requests, articles
    for _ in range(rounds):
        for mode, extra in (("on", ()), ("off", NO_REQUISITES)):
            with tempfile.TemporaryDirectory() as tmp:
                seconds, _ = full_crawl(base, Path(tmp), *extra)
                requests, stored = pages_of(Path(tmp))
            totals[mode][0] += seconds
            totals[mode][1] += requests
            totals[mode][2] += stored
    rate = {mode: t[2] / t[0] for mode, t in totals.items()}
    print(
        f"  page requisites: {rate['on']:.0f} articles/s with them ({totals['on'][1] // rounds} requests a run), "
        f"{rate['off']:.0f} without ({totals['off'][1] // rounds} requests): {rate['on'] / rate['off']:.2f}x "
        f"(sums of {rounds} alternated runs each)"
    )
    return {"requisites_rate": rate["on"], "no_requisites_rate": rate["off"]}


def main(articles: int = 5000, memory_sizes: tuple[int, ...] = (1000, 10000)) -> dict:
    sys.path.insert(0, str(HERE))
    results: dict = {}
    from crawler import settings as ours

    site, base = start_site(articles)
    try:
        default_s, _, out = run_measured(
            [sys.executable, str(HERE / "bare_spider.py"), base, str(CONCURRENCY)]
        )
        default_pages = int(out.strip().splitlines()[-1])
        # The baseline runs with newsarchive's Scrapy settings for concurrency (CONCURRENT_ITEMS
        # included, which alone makes a bare spider 30% cheaper); Scrapy's defaults for context.
        # The two crawls take turns, ROUNDS times: this machine's speed drifts by 20% over
        # minutes, and a single pair measured the drift as often as the crawls.
        bare_s = bare_pages = full_s = pages = 0
        rounds = []
        for _ in range(ROUNDS):
            seconds, bare_peak, out = run_measured(
                [
                    sys.executable,
                    str(HERE / "bare_spider.py"),
                    base,
                    str(CONCURRENCY),
                    str(ours.CONCURRENT_ITEMS),
                ]
            )
            count = int(out.strip().splitlines()[-1])
            bare_s, bare_pages, bare_cpu = bare_s + seconds, bare_pages + count, LAST_CPU["crawl"]
            tmp = tempfile.TemporaryDirectory()
            data = Path(tmp.name)
            server_before = cpu_seconds(site.pid)
            first_s, full_peak = full_crawl(base, data, *NO_REQUISITES)
            server_cpu = cpu_seconds(site.pid) - server_before
            full_cpu = dict(LAST_CPU)
            fetched, stored = pages_of(data)
            full_s, pages = full_s + first_s, pages + fetched
            rounds.append((fetched / first_s) / (count / seconds))
            if len(rounds) < ROUNDS:
                tmp.cleanup()
        try:
            # The last round's archive: its size, and an unchanged second run over it.
            warc_bytes = sum(p.stat().st_size for p in (data / "warc").rglob("*.warc.gz"))
            again_s, _ = full_crawl(base, data, *NO_REQUISITES)
            pages2, _ = pages_of(data)
        finally:
            tmp.cleanup()
        with tempfile.TemporaryDirectory() as tmp:
            nowarc_s, _ = full_crawl(base, Path(tmp), "--set", "ARCHIVE_WARC_ENABLED=0", *NO_REQUISITES)
        results.update(requisites_cost(base))
    finally:
        site.terminate()
        site.wait()
    results.update(
        bare_rate=bare_pages / bare_s,
        full_rate=pages / full_s,
        round_ratios=rounds,
        bare_pages=bare_pages,
        pages=pages,
        stored=stored,
        store_rate=stored / first_s,
        warc_per_page=warc_bytes / max(fetched, 1),
        second_s=again_s,
        first_s=first_s,
        second_pages=pages2 - fetched,
        bare_peak=bare_peak,
        full_peak=full_peak,
        nowarc_s=nowarc_s,
    )
    print(
        f"crawl of {articles} articles (~45 KB pages): bare Scrapy spider {bare_pages} pages in {bare_s:.1f} s "
        f"({results['bare_rate']:.0f} pages/s); full newsarchive crawl {pages} pages in {full_s:.1f} s "
        f"({results['full_rate']:.0f} pages/s): {results['full_rate'] / results['bare_rate']:.2f}x the bare rate "
        f"(the sums of {ROUNDS} alternated rounds; each round's ratio: "
        f"{', '.join(f'{r:.2f}' for r in rounds)})"
    )
    results["bare_default_rate"] = default_pages / default_s
    print(
        f"  the bare spider with Scrapy's default CONCURRENT_ITEMS (100): {default_pages} pages in {default_s:.1f} s "
        f"({results['bare_default_rate']:.0f} pages/s); the full crawl is "
        f"{results['full_rate'] / results['bare_default_rate']:.2f}x that"
    )
    print(
        f"  {stored} articles stored ({results['store_rate']:.0f}/s through the whole pipeline); "
        f"WARC {results['warc_per_page'] / 1024:.1f} KiB a page; peak RSS bare {bare_peak / 1024:.0f} MB, "
        f"full {full_peak / 1024:.0f} MB"
    )
    ms = 1000 / max(fetched, 1)  # the CPU times are the last round's
    results.update(
        cpu_bare_ms=bare_cpu * 1000 / max(count, 1),
        cpu_crawl_ms=full_cpu["crawl"] * ms,
        cpu_workers_ms=full_cpu["workers"] * ms,
        cpu_server_ms=server_cpu * ms,
    )
    total = results["cpu_crawl_ms"] + results["cpu_workers_ms"] + results["cpu_server_ms"]
    cores = os.cpu_count() or 1
    print(
        f"  CPU a page: bare spider {results['cpu_bare_ms']:.1f} ms; full crawl {results['cpu_crawl_ms']:.1f} ms "
        f"in the crawl process, {results['cpu_workers_ms']:.1f} ms in its extraction worker, "
        f"{results['cpu_server_ms']:.1f} ms in the bench server: {total:.1f} ms for {cores} cores, "
        f"so at most {cores * 1000 / total:.0f} pages/s ({cores * 1000 / total / results['bare_rate']:.2f}x the bare "
        "rate) however well the work overlaps"
    )
    print(
        f"  WARC writing: {(first_s - nowarc_s) / max(fetched, 1) * 1000:+.2f} ms a page "
        f"(full crawl {first_s:.1f} s, the same crawl with WARC off {nowarc_s:.1f} s)"
    )
    print(
        f"  unchanged second run: {results['second_pages']} requests in {again_s:.1f} s "
        f"({again_s / first_s:.0%} of the first run's time)"
    )
    for size in memory_sizes:
        site, base = start_site(size)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                seconds, peak = full_crawl(base, Path(tmp), *NO_REQUISITES)
                pages, _ = pages_of(Path(tmp))
        finally:
            site.terminate()
            site.wait()
        results[f"peak_{size}"] = peak
        print(f"  memory: {pages} pages, peak RSS {peak / 1024:.0f} MB ({seconds:.0f} s)")
    if len(memory_sizes) == 2:
        a, b = (results[f"peak_{s}"] for s in memory_sizes)
        print(f"  peak RSS grows {(b / a - 1):.0%} from {memory_sizes[0]} to {memory_sizes[1]} articles")
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
