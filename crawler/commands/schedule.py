"""`newsarchive schedule ...` and `newsarchive status`: recurring crawls on top of cron."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.commands.base import (
    Command,
    crawl_job_options,
    data_options,
    data_paths,
    moment,
    open_store,
    quiet_option,
)
from crawler.errors import UsageError
from crawler.schedule import iso, next_due, parse_every, parse_iso

CLAIM_STALE_SECONDS = 12 * 3600


def _now(args) -> datetime:
    # --now exists for tests and for replaying a missed window by hand.
    return parse_iso(args.now) if getattr(args, "now", None) else datetime.now(UTC)


def _crawl_args(args) -> list[str]:
    out: list[str] = []
    for flag, value in (
        ("--refetch-window", args.refetch_window),
        ("--max-pages", args.max_pages),
        ("--depth", args.depth),
        ("--delay", args.delay),
        ("--concurrency", args.concurrency),
        ("--base-url", args.base_url),
        ("--contact", args.contact),
    ):
        if value is not None:
            out += [flag, str(value)]
    for item in args.set:
        out += ["--set", item]
    for directory in args.profiles:
        out += ["--profiles", str(Path(directory).resolve())]
    if args.allow_private_addresses:
        out.append("--allow-private-addresses")
    for network in args.allow_address:
        out += ["--allow-address", network]
    return out


def schedule_add(args, store) -> int:
    from crawler.profile import get_profile

    get_profile(args.site, args.profiles)  # the site must exist now, not at 3 in the morning
    _job(args, {"site": args.site, "args": json.dumps(_crawl_args(args))})  # and its options work
    if bool(args.every) == bool(args.cron):
        raise UsageError("give --every DURATION or --cron 'EXPR' (one of them)")
    try:
        every = parse_every(args.every) if args.every else None
        now = _now(args)
        first = next_due(now, every=every, cron=args.cron, anchor=now)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    store.put_schedule(
        {
            "site": args.site,
            "every_seconds": every,
            "cron": args.cron,
            "args": json.dumps(_crawl_args(args)),
            "paused": 0,
            "anchor_at": iso(now),
            "next_due_at": iso(now if every else first),
            "created_at": iso(now),
        }
    )
    print(
        f"scheduled {args.site}: {'every ' + args.every if every else 'cron ' + args.cron}; next due {iso(now if every else first)}"
    )
    return 0


def _get(store, site: str) -> dict:
    row = store.schedule(site)
    if row is None:
        raise UsageError(f"no schedule for {site!r} (see newsarchive schedule list)")
    return row


def schedule_list(args, store) -> int:
    rows = store.schedules()
    if not rows:
        print("no schedules (newsarchive schedule add SITE --every 2h)")
        return 0
    print(f"{'site':<14}{'when':<18}{'next due':<22}{'last run':<22}{'status':<12}{'new':>5}{'errors':>7}")
    for row in rows:
        when = f"every {_duration(row['every_seconds'])}" if row["every_seconds"] else row["cron"]
        last = store.crawl(row["last_crawl_id"]) if row["last_crawl_id"] else None
        status = "paused" if row["paused"] else (last["status"] if last else (row["last_status"] or "-"))
        print(
            f"{row['site']:<14}{when:<18}{row['next_due_at']:<22}{(last or {}).get('started_at') or '-':<22}"
            f"{status:<12}{(last or {}).get('articles_new', 0):>5}{(last or {}).get('errors', 0):>7}"
        )
    return 0


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _claim(store, site: str, now: datetime) -> bool:
    """Atomically take a due schedule for this process; another run-due then leaves it alone."""
    stale = iso(datetime.fromtimestamp(now.timestamp() - CLAIM_STALE_SECONDS, UTC))
    return store.claim_schedule(site, str(os.getpid()), iso(now), stale)


def run_due(args, store) -> int:
    """Crawl every due site, a bounded number at once in this one process (crawler/runner.py):
    a slow or failing site holds only its own place."""
    now = _now(args)
    due = store.due_schedules(iso(now))
    claimed = [row for row in due if _claim(store, row["site"], now)]
    if not claimed:
        return 0
    jobs, rows, failed = [], {}, []
    for row in claimed:
        try:
            jobs.append(_job(args, row))
            rows[row["site"]] = row
        except (UsageError, ValueError) as exc:  # the stored options no longer work: this site only
            _finish(store, row, now, None, "failed")
            failed.append(f"{row['site']} failed ({exc})")
    if jobs:
        from crawler.runner import run_jobs

        def done(job) -> None:
            from archive.store.shared import shared_store

            db = shared_store(data_paths(args)[0]) or store
            status = "failed"
            if job.status == "done" and job.crawl_id:
                crawl = db.crawl(job.crawl_id)
                status = "finished" if crawl and crawl["status"] == "finished" else "failed"
            nxt = _finish(db, rows[job.name], now, job.crawl_id, status)
            if status != "finished":
                reason = job.error or (db.crawl(job.crawl_id) or {}).get("status", "failed")
                failed.append(f"{job.name} failed ({reason}); next try {iso(nxt)}")
            elif not args.quiet:
                crawl = db.crawl(job.crawl_id) or {}
                print(
                    f"{job.name}: {crawl['pages']} pages, {crawl['articles_new']} new articles, "
                    f"{crawl['errors']} errors; next due {iso(nxt)}",
                    flush=True,
                )

        from crawler.commands.crawl import prepare_log

        prepare_log(jobs[0].settings)
        run_jobs(jobs[0].settings, jobs, on_done=done, progress=0 if args.quiet else 5)
    for line in failed:
        print(f"newsarchive schedule run-due: {line}", file=sys.stderr)
    return 1 if failed else 0


def _job(args, row):
    """A runner job for one due schedule: its stored crawl options read as `crawl` reads them."""
    from crawler.commands.crawl import crawl_settings, parse_crawl_args
    from crawler.profile import get_profile
    from crawler.runner import Job

    db, warc = data_paths(args)
    options = parse_crawl_args(
        [
            row["site"],
            "--quiet",
            "--data-dir",
            args.data_dir,
            "--db",
            str(db),
            "--warc-dir",
            str(warc),
        ]
        + json.loads(row["args"] or "[]")
        + (["--now", args.now] if getattr(args, "now", None) else [])
        # run-due's own --set last: it overrides what the schedule stored, for this run
        + ([x for item in args.set for x in ("--set", item)] if args.action == "run-due" else [])
    )
    profile = get_profile(row["site"], options.profiles)
    settings = crawl_settings(options, quiet=True, profile=profile)
    kwargs = {
        "site": row["site"],
        "profiles": ",".join(options.profiles),
        "base_url": options.base_url,
        "since": options.since,
        "refetch_window": options.refetch_window,
    }
    return Job(row["site"], kwargs, settings)


def _finish(store, row, now, crawl_id, status: str):
    """Release a schedule's claim and set its next slot after a run; returns that slot."""
    nxt = next_due(now, every=row["every_seconds"], cron=row["cron"], anchor=parse_iso(row["anchor_at"]))
    store.finish_schedule(row["site"], iso(nxt), crawl_id, status)
    return nxt


def schedule_crontab(args, store) -> int:
    exe = Path(sys.executable).parent / "newsarchive"
    data = Path(args.data_dir).resolve()
    command = f"{shlex.quote(str(exe))} schedule run-due --quiet --data-dir {shlex.quote(str(data))}"
    print(f"*/5 * * * * cd {shlex.quote(os.getcwd())} && {command}")
    return 0


def run_schedule(args) -> int:
    store = open_store(args, must_exist=args.action != "add")
    if args.action == "add":
        return schedule_add(args, store)
    if args.action == "list":
        return schedule_list(args, store)
    if args.action == "run-due":
        return run_due(args, store)
    if args.action == "crontab":
        return schedule_crontab(args, store)
    row = _get(store, args.site)
    if args.action == "remove":
        store.remove_schedule(row["site"])
    else:
        store.pause_schedule(row["site"], args.action == "pause")
    print(f"{args.action}d {row['site']}" if args.action != "remove" else f"removed {row['site']}")
    return 0


def run_status(args) -> int:
    store = open_store(args)
    _, warc = data_paths(args)
    sites = store.known_sites()
    print(
        f"{'site':<14}{'last crawl':<22}{'result':<12}{'added':>6}{'failures':>9}  {'next due':<22}{'WARC MB':>8}"
    )
    counts: dict[str, int] = {}
    for site in sites:
        last = store.last_crawl(site)
        sched = store.schedule(site)
        due = ("paused" if sched["paused"] else sched["next_due_at"]) if sched else "-"
        size = (
            sum(p.stat().st_size for p in (warc / site).glob("*.warc.gz")) / 2**20
            if (warc / site).is_dir()
            else 0
        )
        started, status, new, errors = (
            (last["started_at"], last["status"], last["articles_new"], last["errors"])
            if last
            else ("-", "-", 0, 0)
        )
        if status == "running" and not _locked(args, site):
            status = "stopped"  # its process is gone: the next run carries it on
        elif sched and sched["claimed_by"] and status != "running":
            status = "queued"  # claimed by a run-due that has not started it yet
        counts[status] = counts.get(status, 0) + 1
        print(f"{site:<14}{started:<22}{status:<12}{new:>6}{errors:>9}  {due:<22}{size:>8.1f}")
    if sites:
        print(", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    return 0


def _locked(args, site: str) -> bool:
    from crawler.lock import is_locked

    return is_locked(data_paths(args)[0].parent, site)


def _schedule_options(parser) -> None:
    """One subcommand each, with its own options and its own --help (`schedule add --help`
    shows what a schedule stores, not every action's options at once)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(parser))
    parser.set_defaults(site=None, now=None, quiet=False)

    def action(name: str, help: str, description: str, site: bool = False) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help, description=description)
        data_options(sub, given_only=True)  # after the action too: `schedule add demo --data-dir d`
        if site:
            sub.add_argument("site", metavar="SITE", help="the site profile")
        return sub

    add = action(
        "add",
        "crawl a site on a schedule",
        "Crawl SITE every DURATION or on a cron expression; the crawl options given here are "
        "stored and used by each of its crawls. Example: newsarchive schedule add demo --every 2h",
        site=True,
    )
    add.add_argument("--every", help="an interval such as 2h, 30m, 1d")
    add.add_argument("--cron", help="a cron expression in UTC, such as '0 3 * * *'")
    crawl_job_options(add)
    add.add_argument("--now", type=moment, help=argparse.SUPPRESS)
    action("list", "the schedules, their next runs and last results", "List the schedules.")
    for name, text in (
        ("remove", "remove a site's schedule"),
        ("pause", "pause a site's schedule"),
        ("resume", "resume a paused schedule"),
    ):
        action(name, text, f"{text[0].upper()}{text[1:]}: newsarchive schedule {name} SITE", site=True)
    due = action(
        "run-due",
        "run the crawls that are due (from cron, every few minutes)",
        "Run every schedule that is due, a few sites at once, and set its next run. "
        "Example, in a crontab: */5 * * * * newsarchive schedule run-due --quiet",
    )
    quiet_option(due, "print nothing unless a crawl failed")
    due.add_argument(
        "--now",
        type=moment,
        metavar="TIME",
        help="the clock (ISO 8601 in UTC, or +2h from now) that says what is due, and that the "
        "crawls' rechecks and statuses use, for tests and demonstrations (default: now)",
    )
    due.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting for these crawls (after the schedule's own)",
    )
    action("crontab", "print the crontab line that runs run-due", "Print a crontab line for run-due.")


COMMANDS = [
    Command(
        "schedule",
        help="recurring crawls: add, list, remove, pause, resume, run-due, crontab",
        description="Recurring crawls per site, run from cron by `schedule run-due`.",
        options=_schedule_options,
        run=run_schedule,
    ),
    Command(
        "status",
        help="an archivist's overview: last crawl, result, next due, WARC size per site",
        description="Per site: last crawl, its result, articles added, failures, next due, WARC bytes.",
        options=lambda parser: None,
        run=run_status,
    ),
]
