"""The `newsarchive` command line (also `python -m crawler`)."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from crawler import __version__
from crawler.errors import NewsarchiveError, UsageError

__all__ = ["UsageError", "NewsarchiveError", "main", "data_paths", "print_json", "check_output"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default="data", help="where news.db and warc/ live (default: ./data)")
    parser.add_argument("--db", help="the SQLite database (default: DATA_DIR/news.db)")
    parser.add_argument("--warc-dir", help="the WARC folder (default: DATA_DIR/warc/)")


def _selection(parser: argparse.ArgumentParser) -> None:
    """The options that select articles by site and publication date (search, trend, terms)."""
    parser.add_argument("--site", help="only this site")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before")


def _crawl_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profiles", action="append", default=[], metavar="DIR", help="a folder of your own site profiles"
    )
    parser.add_argument(
        "--base-url", help="crawl the profile's site from another origin (a mirror or local copy)"
    )
    parser.add_argument("--max-pages", type=int, default=0, help="stop after N pages (0: no limit)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="skip articles published before this day")
    parser.add_argument(
        "--refetch-window",
        type=int,
        metavar="DAYS",
        help="refetch known articles published (or first seen) within DAYS days, with a "
        "conditional request; 0: never (default: the profile's)",
    )
    parser.add_argument(
        "--depth", type=int, default=0, help="follow links at most N levels deep (0: no limit)"
    )
    parser.add_argument(
        "--target-script",
        choices=["hans", "hant", "none"],
        default="hans",
        help="script of title_norm/body_norm (default: hans)",
    )
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow fetching loopback and private addresses (off by default)",
    )
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
        "--allow-address",
        action="append",
        default=[],
        metavar="NET",
        help="allow this private address or network only (e.g. 127.0.0.1 or 10.2.0.0/16); repeatable",
    )
    parser.add_argument(
        "--delay", type=float, help="seconds between requests to a host (0: no delay, no AutoThrottle)"
    )
    parser.add_argument("--concurrency", type=int, help="parallel requests per host")
    parser.add_argument(
        "--warc-max-size", type=int, help="start a new WARC file past this many bytes (default: 1 GB)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing unless something failed (for cron)"
    )
    parser.add_argument("--log-file", help="write Scrapy's log (INFO) to this file")
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy or newsarchive setting (as scrapy crawl -s)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive", description="Archival crawler for Chinese-language news."
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "crawl",
        help="crawl the named site profiles, or any site from start URLs",
        description="Crawl the named site profiles, or (--start-url) any site without a profile.",
    )
    _common(p)
    p.add_argument("sites", nargs="*", metavar="SITE")
    p.add_argument(
        "--start-url",
        action="append",
        default=[],
        metavar="URL",
        help="crawl from this URL without a profile (repeatable); the extractor tells articles apart",
    )
    p.add_argument(
        "--allow-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="with --start-url: stay within these domains (default: the start URLs' hosts)",
    )
    _crawl_options(p)

    p = sub.add_parser(
        "extract",
        help="extract one saved page and print JSON",
        description="Extract one saved page (raw bytes) and print one JSON object.",
    )
    _common(p)
    p.add_argument("file", nargs="?", help="the saved page")
    p.add_argument("--url", help="the page's URL (for links and dates)")
    p.add_argument("--site", help="use this site profile's selectors")
    p.add_argument("--profiles", action="append", default=[], metavar="DIR")
    p.add_argument("--encoding", help="decode with this encoding instead of detecting it")
    p.add_argument(
        "--batch", metavar="LIST.jsonl", help='lines of {"path": ..., "url": ...}; prints one object a line'
    )
    p.add_argument("--target-script", choices=["hans", "hant", "none"], default="hans")

    p = sub.add_parser(
        "sites", help="list the site profiles", description="List the site profiles and their files."
    )
    _common(p)
    p.add_argument("--profiles", action="append", default=[], metavar="DIR")

    p = sub.add_parser(
        "search",
        help="full-text search, in either script",
        description="Full-text search over titles and bodies; a query in either script finds both.",
    )
    _common(p)
    p.add_argument("query", help="words to find (all must appear); 2-character words work")
    p.add_argument("--limit", type=int, default=20, help="at most N results (default 20; 0: all)")
    _selection(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")

    p = sub.add_parser(
        "export",
        help="dump the articles (jsonl, csv, parquet) or package a crawl (wacz)",
        description="Dump the articles for analysis, streaming.",
    )
    _common(p)
    p.add_argument("--format", choices=["jsonl", "csv", "parquet", "wacz"], required=True)
    p.add_argument("--crawl", metavar="ID", help="wacz: only the WARC files of this crawl")
    p.add_argument("--out", help="write here instead of standard output")
    p.add_argument("--site", help="only this site")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after")

    p = sub.add_parser(
        "verify",
        help="check rows against the WARC files",
        description="Check that every article row points at an intact WARC record and every WARC file is valid.",
    )
    _common(p)

    p = sub.add_parser(
        "trend",
        help="articles containing each word, per day, week or month (table, JSON, chart)",
        description="Count the articles containing each word (either script, exact) per period of "
        "their publication date; --svg/--png draw a line chart.",
    )
    _common(p)
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--by", choices=["day", "week", "month"], default="month")
    _selection(p)
    p.add_argument("--json", action="store_true", help='print [{"period", "word", "count"}]')
    chart = p.add_mutually_exclusive_group()
    chart.add_argument("--svg", metavar="FILE", help="draw a line chart as SVG")
    chart.add_argument("--png", metavar="FILE", help="draw a line chart as PNG")

    p = sub.add_parser(
        "kwic",
        help="every occurrence of a word with its context, date, site and URL",
        description="Keyword in context: each occurrence of WORD (either script) with WIDTH characters "
        "either side, newest articles first.",
    )
    _common(p)
    p.add_argument("word")
    p.add_argument("--width", type=int, default=20, help="characters either side (default 20)")
    p.add_argument("--limit", type=int, default=100, help="occurrences at most (0: all; default 100)")
    p.add_argument("--site")
    p.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")

    p = sub.add_parser(
        "terms",
        help="the most frequent words of the articles (Chinese word segmentation)",
        description="Top terms of the normalised text, segmented with jieba, stop words left out.",
    )
    _common(p)
    p.add_argument("--top", type=int, default=50)
    _selection(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "copies",
        help="the copies of an article on other sites, earliest first",
        description="List the near-copies of an article (one story republished across sites) by date, "
        "with site, source line and similarity to the earliest copy.",
    )
    _common(p)
    p.add_argument("url", help="the article's URL (as stored)")
    p.add_argument("--json", action="store_true", help="print a JSON list")

    p = sub.add_parser(
        "merge",
        help="fold the workers' shards of a shared crawl (--redis) into one dataset",
        description="Merge worker shards (default: every DATA_DIR/shards/*/news.db) into DATA_DIR/news.db. "
        "Idempotent; run it once the workers have stopped.",
    )
    _common(p)
    p.add_argument("shards", nargs="*", metavar="SHARD.db", help="shard databases (default: all)")

    p = sub.add_parser(
        "reextract",
        help="rebuild the article rows from the WARC files",
        description="Rebuild the article rows from the WARC files alone, with the current extractor.",
    )
    _common(p)
    p.add_argument("--profiles", action="append", default=[], metavar="DIR")
    p.add_argument("--target-script", choices=["hans", "hant", "none"], default="hans")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "stats",
        help="articles per site and per day, failures, last crawls",
        description="Articles per site and per day, failures and last crawl per site.",
    )
    _common(p)
    p.add_argument("--html", metavar="FILE", help="also write an HTML report with a chart")

    p = sub.add_parser(
        "browse",
        help="open the dataset in Datasette on 127.0.0.1",
        description="Serve the dataset in Datasette on 127.0.0.1, with table notes and the search.",
    )
    _common(p)
    p.add_argument("--port", type=int, default=8001, help="port (default 8001)")

    p = sub.add_parser(
        "profile-draft",
        help="draft a site profile from a few of its pages",
        description="Fetch a site's start page and a few links, and print (or --out) a starting profile.",
    )
    _common(p)
    p.add_argument("url")
    p.add_argument("--out", help="write the profile here (then it is checked by loading it)")
    p.add_argument("--pages", type=int, default=8, help="article-looking links to sample (default 8)")
    p.add_argument("--allow-private-addresses", action="store_true")
    p.add_argument(
        "--allow-address",
        action="append",
        default=[],
        metavar="NET",
        help="allow this private address or network only (checked on every redirect); repeatable",
    )

    p = sub.add_parser(
        "schedule",
        help="recurring crawls: add, list, remove, pause, resume, run-due, crontab",
        description="Recurring crawls per site, run from cron by `schedule run-due`.",
    )
    _common(p)
    p.add_argument("action", choices=["add", "list", "remove", "pause", "resume", "run-due", "crontab"])
    p.add_argument("site", nargs="?", help="the site profile (add, remove, pause, resume)")
    p.add_argument("--every", help="add: an interval such as 2h, 30m, 1d")
    p.add_argument("--cron", help="add: a cron expression in UTC, such as '0 3 * * *'")
    p.add_argument("--refetch-window", type=int)
    p.add_argument("--max-pages", type=int)
    p.add_argument("--depth", type=int)
    p.add_argument("--delay", type=float)
    p.add_argument("--concurrency", type=int)
    p.add_argument("--base-url")
    p.add_argument("--profiles", action="append", default=[], metavar="DIR")
    p.add_argument("--allow-private-addresses", action="store_true")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="add: a setting for its crawls"
    )
    p.add_argument("--quiet", action="store_true", help="run-due: print nothing unless a crawl failed")
    p.add_argument("--now", help=argparse.SUPPRESS)

    p = sub.add_parser(
        "status",
        help="an archivist's overview: last crawl, result, next due, WARC size per site",
        description="Per site: last crawl, its result, articles added, failures, next due, WARC bytes.",
    )
    _common(p)

    p = sub.add_parser(
        "demo",
        help="serve the demo site, crawl it, show the result",
        description="Serve the bundled demo news site on 127.0.0.1, crawl it, print what was stored.",
    )
    _common(p)
    p.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    from crawler.profile import ProfileError

    try:
        if args.command == "crawl":
            from crawler.commands.crawl import run_crawl

            return run_crawl(args)
        if args.command == "extract":
            from crawler.commands.extract import run_extract

            return run_extract(args)
        if args.command == "sites":
            from crawler.profile import load_profiles

            for profile in load_profiles(args.profiles).values():
                print(f"{profile.name}\t{', '.join(profile.domains)}\t{profile.path}")
            return 0
        if args.command in ("search", "export", "verify", "reextract", "copies"):
            from crawler.commands import research

            return getattr(research, f"run_{args.command}")(args)
        if args.command in ("trend", "kwic", "terms"):
            from crawler.commands import trends

            return getattr(trends, f"run_{args.command}")(args)
        if args.command == "merge":
            from crawler.commands.merge import run_merge

            return run_merge(args)
        if args.command == "profile-draft":
            from crawler.commands.draft import run_draft

            return run_draft(args)
        if args.command == "schedule":
            from crawler.commands.schedule import run_schedule

            if args.action in ("add", "remove", "pause", "resume") and not args.site:
                raise UsageError(f"schedule {args.action} needs a SITE")
            return run_schedule(args)
        if args.command == "status":
            from crawler.commands.schedule import run_status

            return run_status(args)
        if args.command == "stats":
            from crawler.commands.stats import run_stats

            return run_stats(args)
        if args.command == "browse":
            from crawler.commands.browse import run_browse

            return run_browse(args)
        if args.command == "demo":
            from crawler.commands.demo import run_demo

            return run_demo(args)
    except NewsarchiveError as exc:
        return _fail(args.command, str(exc), exc.exit_status)
    except ProfileError as exc:
        return _fail(args.command, str(exc), 2)
    except KeyboardInterrupt:
        return _fail(args.command, "interrupted", 1)
    except BrokenPipeError:
        # The reader went away (`export | head`): stop quietly, as other Unix tools do; stdout
        # is pointed at /dev/null so that the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except sqlite3.OperationalError as exc:  # locked, read-only, a folder that cannot be written
        return _fail(args.command, f"the database cannot be used: {exc}", 1)
    except sqlite3.DatabaseError as exc:
        return _fail(args.command, f"the database is damaged or not a database ({exc})", 1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(args.command, f"{where}{exc.strerror or exc}", 1)
    return 2


def _fail(command: str, message: str, status: int) -> int:
    print(f"newsarchive {command}: {message}", file=sys.stderr)
    return status


def data_paths(args) -> tuple[Path, Path]:
    data = Path(args.data_dir)
    return Path(args.db) if args.db else data / "news.db", Path(
        args.warc_dir
    ) if args.warc_dir else data / "warc"


_ARCHIVE_FILE = (".warc", ".warc.gz", ".warc.open", ".warc.gz.open", ".wacz")


def check_output(out: str | Path, args, option: str = "--out") -> Path:
    """An output file (export, report) that never overwrites the dataset or the archive: not
    the database or its journal files, nothing inside the WARC folder, no WARC file anywhere."""
    path = Path(out)
    target = path.resolve()
    db, warcs = data_paths(args)
    dataset = {Path(f"{db.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    if target in dataset:
        raise UsageError(f"{option} {out} is the dataset itself; give another file")
    if target.is_relative_to(warcs.resolve()) or (
        target.exists() and target.name.endswith(_ARCHIVE_FILE) and target.suffix != ".wacz"
    ):
        raise UsageError(f"{option} {out} would overwrite the archive's WARC files; give another file")
    if target.is_dir():
        raise UsageError(f"{option} {out} is a folder; give a file name")
    return path


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
