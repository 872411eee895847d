"""`newsarchive crawl SITE...`: run NewsSpider for each profile, then summarise."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.commands.base import (
    Command,
    check_output,
    crawl_job_options,
    data_options,
    data_paths,
    day,
    moment,
    quiet_option,
    target_script_option,
)
from crawler.errors import UsageError
from crawler.validate import MAX_DELAY, check_settings


def crawl_settings(args, quiet: bool, profile=None):
    """Scrapy settings from the command line; a single profile's politeness fills what it leaves open."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    db, warc = data_paths(args)
    redis_url = getattr(args, "redis", None)
    if redis_url:
        from crawler.distributed import default_worker_id, redis_settings
        from crawler.paths import safe_name

        worker = safe_name(args.worker_id or default_worker_id(), "worker")
        site = profile.name if profile is not None else "adhoc"
        if not args.db:  # each worker its own shard; the WARC folder is shared
            db = Path(args.data_dir) / "shards" / worker / "news.db"
        settings.setdict(redis_settings(redis_url, site, worker, args.redis_idle), priority="cmdline")
    log_file = getattr(args, "log_file", None)
    if log_file:
        check_output(log_file, args, "--log-file")  # a log appended to news.db or a WARC ruins it
    else:
        # Scrapy's log belongs in a file: the terminal (and cron's mail) gets the summary.
        log_file = str(Path(args.data_dir) / "logs" / "crawl.log")
    opts = {
        "NEWSARCHIVE_DATA_DIR": str(Path(args.data_dir)),
        "NEWSARCHIVE_DB": str(db),
        "ARCHIVE_WARC_DIR": str(warc),
        "NEWSARCHIVE_TARGET_SCRIPT": getattr(args, "target_script", "hans"),
        "NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES": bool(getattr(args, "allow_private_addresses", False)),
        "NEWSARCHIVE_ALLOWED_ADDRESSES": _networks(getattr(args, "allow_address", None) or []),
        "NEWSARCHIVE_PROGRESS_INTERVAL": 0 if quiet else 5,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": log_file,
        "NEWSARCHIVE_NOW": getattr(args, "now", None),
        "NEWSARCHIVE_RECHECK": getattr(args, "recheck", None),
    }
    if getattr(args, "max_pages", 0):
        opts["CLOSESPIDER_PAGECOUNT"] = args.max_pages
    if getattr(args, "depth", 0):
        opts["DEPTH_LIMIT"] = args.depth
    opts.update(politeness(args, profile))
    _no_negatives(args)
    if getattr(args, "warc_max_size", None):
        opts["ARCHIVE_WARC_MAX_SIZE"] = args.warc_max_size
    opts["USER_AGENT"] = user_agent(getattr(args, "contact", None) or os.environ.get("NEWSARCHIVE_CONTACT"))
    given = []
    for item in getattr(args, "set", []):
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--set wants NAME=VALUE, not {item!r}")
        opts[name] = value
        given.append(name)
    settings.setdict({k: v for k, v in opts.items() if v is not None}, priority="cmdline")
    try:
        check_settings(settings, tuple(given))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return settings


def _no_negatives(args) -> None:
    for flag in ("max_pages", "depth", "refetch_window"):
        value = getattr(args, flag, None)
        if value is not None and value < 0:
            raise UsageError(f"--{flag.replace('_', '-')} must be 0 or more, not {value}")


def user_agent(contact: str | None) -> str | None:
    """The User-Agent naming a contact; None (the default one) without."""
    from crawler import __version__

    if not contact:
        return None
    if any(c in contact for c in "\r\n()"):
        raise UsageError(f"--contact {contact!r}: give a URL or an e-mail address")
    return f"newsarchive/{__version__} (+{contact}; archival crawler)"


def _public(host: str) -> bool:
    """Whether a host is somebody else's public site: not loopback, not a reserved test name."""
    from crawler.safety import ip_literal, is_private_address

    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".test", ".invalid", ".example")):
        return False
    literal = ip_literal(host)
    return not (literal and is_private_address(literal))


def warn_without_contact(settings, urls: list[str]) -> None:
    """One line when a crawl of public sites goes out with the default User-Agent: site
    operators block crawlers they cannot reach, and RFC 9309 crawlers are expected to say who they are."""
    from crawler import settings as defaults

    if settings.get("USER_AGENT") != defaults.USER_AGENT:
        return
    hosts = sorted({urlsplit(u).hostname or "" for u in urls} - {""})
    public = [h for h in hosts if _public(h)]
    if public:
        print(
            f"newsarchive crawl: warning: crawling {public[0]}{' and others' if len(public) > 1 else ''} "
            "with no contact in the User-Agent; give --contact URL|EMAIL (or set NEWSARCHIVE_CONTACT)",
            file=sys.stderr,
        )


def prepare_log(settings) -> None:
    """The log file's folder, and a log that cannot be written (a full disk) dropped silently
    rather than as a traceback on stderr for every line."""
    import logging

    Path(settings.get("LOG_FILE")).parent.mkdir(parents=True, exist_ok=True)
    logging.raiseExceptions = False


def politeness(args, profile=None) -> dict:
    """The delay and concurrency settings of one site: the command line's, else its profile's."""
    opts: dict = {}
    delay = getattr(args, "delay", None)
    if delay is None and profile is not None and profile.delay is not None:
        delay = profile.delay
    concurrency = getattr(args, "concurrency", None)
    if concurrency is None and profile is not None and profile.concurrency:
        concurrency = int(profile.concurrency)
    if delay is not None:
        if not 0 <= delay <= MAX_DELAY:  # also refuses nan and inf
            raise UsageError(f"--delay must be between 0 and {MAX_DELAY:g} seconds, not {delay:g}")
        opts["DOWNLOAD_DELAY"] = delay
        opts["AUTOTHROTTLE_ENABLED"] = delay > 0
    if concurrency is not None:
        if concurrency < 1:
            raise UsageError(f"--concurrency must be 1 or more, not {concurrency}")
        opts["CONCURRENT_REQUESTS_PER_DOMAIN"] = concurrency
    return opts


def site_settings(settings, args, profile):
    """A copy of the run's settings with one site's own politeness (crawl A B: each its own)."""
    own = settings.copy()
    own.setdict(politeness(args, profile), priority="cmdline")
    return own


def _networks(values: list[str]) -> list[str]:
    from crawler.safety import parse_networks

    try:
        return [str(net) for net in parse_networks(values)]
    except ValueError as exc:
        raise UsageError(f"--allow-address: {exc}") from None


def _redis_problem(url: str, site: str, worker: str | None) -> str | None:
    """Why this worker cannot join the shared crawl, or None."""
    import redis

    from crawler.distributed import alive_key, keys
    from crawler.paths import safe_name

    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5)
        server.ping()
        if worker and server.exists(alive_key(keys(site)["base"], safe_name(worker, "worker"))):
            return (
                f"worker id {worker!r} is in use by a live worker of {site!r} "
                "(or one that died less than 5 s ago); give another --worker-id"
            )
    except ValueError as exc:  # a malformed URL
        raise UsageError(f"--redis: {exc}") from None
    except redis.exceptions.RedisError as exc:
        return str(exc)
    return None


def _check_database(db: Path) -> None:
    """Open (and migrate) the dataset before the crawl starts: a damaged, foreign or newer
    database is then one line here, not a traceback from inside Scrapy."""
    from archive.store import ArticleStore

    ArticleStore(db).close()


def run_spiders(settings, jobs: list[dict], site_settings_list: list | None = None) -> list[str]:
    """Run NewsSpider once per job in this process, a bounded number at once; returns the
    crawl ids (new or resumed)."""
    from crawler.runner import Job, run_jobs

    runs = [
        Job(job.get("site") or "adhoc", job, (site_settings_list or [settings] * len(jobs))[i])
        for i, job in enumerate(jobs)
    ]
    run_jobs(settings, runs, progress=settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL"))
    for job in runs:
        if job.status == "failed":
            print(f"newsarchive crawl: {job.name}: {job.error}", file=sys.stderr)
    return [job.crawl_id for job in runs if job.crawl_id]


def summarise(db_path: Path, crawl_ids: list[str]) -> tuple[list[dict], str]:
    from archive.store import ArticleStore

    store = ArticleStore(db_path)
    rows = [
        store.crawl(i)
        or {
            "id": i,
            "site": "?",
            "status": "failed",
            "pages": 0,
            "articles_new": 0,
            "articles_changed": 0,
            "articles_unchanged": 0,
            "errors": 0,
        }
        for i in crawl_ids
    ]
    lines = []
    for row in rows:
        if row["status"] != "finished":
            # A crawl stopped part way: its counters ran ahead of what was committed; say what is stored.
            row = {**row, **store.stored_by(row["id"]), "errors": store.failure_count(row["id"])}
        lines.append(
            f"{row['site']}: crawl {row['id']} {row['status']}: {row['pages']} pages fetched, "
            f"{row['articles_new']} new articles, {row['articles_changed']} changed, "
            f"{row['articles_unchanged']} unchanged, {row['errors']} errors."
        )
        if row["errors"]:
            stages = store.failures_by_stage(row["id"])
            lines.append("  failures by stage: " + ", ".join(f"{n} {stage}" for stage, n in stages))
            failures = store.first_failures(row["id"], 5)
            lines += [f"  {stage} {url}: {reason}" for stage, url, reason in failures]
            if row["errors"] > 5:
                lines.append(f"  ... and {row['errors'] - 5} more (newsarchive stats, or the failures table)")
        checks = store.check_outcomes(row["id"])
        if checks:
            gone = store.deleted_by(row["id"])
            lines.append(
                f"  rechecks: {sum(checks.values())} ("
                + ", ".join(f"{n} {outcome}" for outcome, n in sorted(checks.items()))
                + ")"
                + (f"; {gone} of the articles checked are deleted (newsarchive deleted)" if gone else "")
            )
        requisites = store.requisite_failures(row["id"])
        if requisites:
            lines.append(
                f"  and {requisites} pictures, stylesheets or scripts that could not be archived "
                "(failures where kind = 'requisite')"
            )
    store.close()
    return rows, "\n".join(lines)


def run_crawl(args) -> int:
    from crawler.lock import lock_crawl
    from crawler.profile import get_profile

    _check_args(args)
    if getattr(args, "redis", None):
        site = get_profile(args.sites[0], args.profiles).name if args.sites else "adhoc"
        problem = _redis_problem(args.redis, site, args.worker_id)
        if problem:
            print(f"newsarchive crawl: cannot use Redis at {args.redis}: {problem}", file=sys.stderr)
            return 1
    single = get_profile(args.sites[0], args.profiles) if len(args.sites) == 1 else None
    settings = crawl_settings(args, quiet=args.quiet, profile=single)
    prepare_log(settings)
    _check_database(Path(settings.get("NEWSARCHIVE_DB")))
    for site in args.sites or ["adhoc"]:
        # Taken here, before Scrapy starts, so that a site being crawled is one line (SiteLocked)
        # and no crawl; the crawl's FrontierExtension then finds them held by this process. A
        # profile that does not load fails here too, in the profile's words.
        lock_crawl(settings, get_profile(site, args.profiles).name if args.sites else "adhoc")
    if args.base_url:
        targets = [args.base_url]
    elif args.start_url:
        targets = list(args.start_url)
    else:
        targets = [u for s in args.sites for u in get_profile(s, args.profiles).start_urls]
    warn_without_contact(settings, targets)
    if args.start_url:
        job = {"site": None, "start_urls": list(args.start_url), "allow_domains": list(args.allow_domain)}
        ids = run_spiders(settings, [{**job, "since": args.since, "refetch_window": args.refetch_window}])
    else:
        jobs = [
            {
                "site": s,
                "profiles": ",".join(args.profiles),
                "base_url": args.base_url,
                "since": args.since,
                "refetch_window": args.refetch_window,
            }
            for s in args.sites
        ]
        own = [site_settings(settings, args, get_profile(s, args.profiles)) for s in args.sites]
        ids = run_spiders(settings, jobs, own)
    rows, text = summarise(Path(settings.get("NEWSARCHIVE_DB")), ids)
    return _report(args, rows, text)


def _check_args(args) -> None:
    """The options that cannot go together, or are out of range: a UsageError before anything runs."""
    if args.refetch_window is not None and args.refetch_window < 0:
        raise UsageError("--refetch-window must be 0 or more days")
    if not args.sites and not args.start_url:
        raise UsageError("name a SITE profile or give --start-url URL")
    if args.sites and args.start_url:
        raise UsageError("give SITE profiles or --start-url, not both")
    if getattr(args, "redis", None):
        if len(args.sites) > 1:
            raise UsageError("--redis crawls one site (one SITE profile, or --start-url)")
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            raise UsageError("--redis needs scrapy-redis: pip install 'newsarchive[distributed]'") from None
    elif getattr(args, "worker_id", None):
        raise UsageError("--worker-id goes with --redis")
    if args.allow_domain and not args.start_url:
        raise UsageError("--allow-domain goes with --start-url (a profile names its own domains)")
    if args.start_url:
        from crawler.profile import adhoc_profile

        adhoc_profile(args.start_url, args.allow_domain)  # a bad URL fails here, as a usage error


def _report(args, rows: list[dict], text: str) -> int:
    ok = bool(rows) and all(r["status"] == "finished" for r in rows)
    if not args.quiet or not ok or any(r["errors"] for r in rows):
        print(text, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _options(parser) -> None:
    parser.add_argument("sites", nargs="*", metavar="SITE")
    parser.add_argument(
        "--start-url",
        action="append",
        default=[],
        metavar="URL",
        help="crawl from this URL without a profile (repeatable); the extractor tells articles apart",
    )
    parser.add_argument(
        "--allow-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="with --start-url: stay within these domains (default: the start URLs' hosts)",
    )
    crawl_job_options(parser)
    parser.add_argument(
        "--since", type=day, metavar="YYYY-MM-DD", help="skip articles published before this day"
    )
    target_script_option(parser)
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="be one worker of a shared crawl: frontier and seen-set in this Redis "
        "(redis://host:port/db); this worker's rows go to DATA_DIR/shards/WORKER/news.db",
    )
    parser.add_argument("--worker-id", help="this worker's name with --redis (default: HOST-PID)")
    parser.add_argument(
        "--redis-idle",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="with --redis: stop once no request was queued and no worker busy for this long (default 30)",
    )
    parser.add_argument(
        "--warc-max-size", type=int, help="start a new WARC file past this many bytes (default: 1 GB)"
    )
    parser.add_argument(
        "--now",
        type=moment,
        metavar="TIME",
        help="the run's clock, ISO 8601 in UTC (2026-05-03T14:00:00Z), for tests and "
        "demonstrations (default: the time the crawl starts)",
    )
    quiet_option(parser, "print nothing unless something failed (for cron)")
    parser.add_argument(
        "--log-file",
        help="append Scrapy's log (INFO) to this file (default: DATA_DIR/logs/crawl.log)",
    )


def parse_crawl_args(argv: list[str]):
    """`crawl` arguments read exactly as the command line reads them (for stored schedules)."""
    import argparse

    parser = argparse.ArgumentParser(prog="newsarchive crawl")
    data_options(parser)
    _options(parser)
    return parser.parse_args(argv)


COMMANDS = [
    Command(
        "crawl",
        help="crawl the named site profiles, or any site from start URLs",
        description="Crawl the named site profiles, or (--start-url) any site without a profile.",
        options=_options,
        run=run_crawl,
    )
]
