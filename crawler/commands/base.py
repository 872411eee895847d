"""What every command module shares: the `Command` it declares, option groups declared once,
and the helpers for the data folder and for output files.

Nothing here imports a command module or `crawler.cli`: commands sit above this module, and
the CLI above the commands.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import UsageError

SCRIPTS = ("hans", "hant", "none")


@dataclass(frozen=True)
class Command:
    """One `newsarchive` subcommand: its name, its help, the options it takes and what it runs.

    `options` adds the command's own arguments to its subparser (the data-folder options are
    added for every command); `run` takes the parsed arguments and returns the exit status.
    """

    name: str
    help: str
    description: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# -- option groups, each declared once ------------------------------------------------------


def data_options(parser: argparse.ArgumentParser) -> None:
    """Where the dataset lives; every command takes these."""
    parser.add_argument("--data-dir", default="data", help="where news.db and warc/ live (default: ./data)")
    parser.add_argument("--db", help="the SQLite database (default: DATA_DIR/news.db)")
    parser.add_argument("--warc-dir", help="the WARC folder (default: DATA_DIR/warc/)")


def profiles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profiles", action="append", default=[], metavar="DIR", help="a folder of your own site profiles"
    )


def target_script_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target-script",
        choices=SCRIPTS,
        default="hans",
        help="script of title_norm/body_norm (default: hans)",
    )


def quiet_option(
    parser: argparse.ArgumentParser, help: str = "print nothing unless something failed"
) -> None:
    parser.add_argument("--quiet", action="store_true", help=help)


def json_option(parser: argparse.ArgumentParser, help: str = "print JSON") -> None:
    parser.add_argument("--json", action="store_true", help=help)


def selection_options(parser: argparse.ArgumentParser) -> None:
    """The options that select articles by site and publication date (search, trend, terms)."""
    parser.add_argument("--site", help="only this site")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before")


def address_options(parser: argparse.ArgumentParser) -> None:
    """Which private addresses may be fetched (crawl, schedule, profile-draft)."""
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow fetching loopback and private addresses (off by default)",
    )
    parser.add_argument(
        "--allow-address",
        action="append",
        default=[],
        metavar="NET",
        help="allow this private address or network only (e.g. 127.0.0.1 or 10.2.0.0/16); repeatable",
    )


def crawl_job_options(parser: argparse.ArgumentParser) -> None:
    """What one crawl of a site does: given to `crawl`, and stored with a `schedule add`."""
    profiles_option(parser)
    parser.add_argument(
        "--base-url", help="crawl the profile's site from another origin (a mirror or local copy)"
    )
    parser.add_argument("--max-pages", type=int, help="stop after N pages (0: no limit)")
    parser.add_argument(
        "--refetch-window",
        type=int,
        metavar="DAYS",
        help="refetch known articles published (or first seen) within DAYS days, with a "
        "conditional request; 0: never (default: the profile's)",
    )
    parser.add_argument("--depth", type=int, help="follow links at most N levels deep (0: no limit)")
    parser.add_argument(
        "--delay", type=float, help="seconds between requests to a host (0: no delay, no AutoThrottle)"
    )
    parser.add_argument("--concurrency", type=int, help="parallel requests per host")
    address_options(parser)
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy or newsarchive setting (as scrapy crawl -s)",
    )


# -- the data folder and output files --------------------------------------------------------


def data_paths(args) -> tuple[Path, Path]:
    """The database and the WARC folder the data options name."""
    data = Path(args.data_dir)
    db = Path(args.db) if args.db else data / "news.db"
    return db, Path(args.warc_dir) if args.warc_dir else data / "warc"


def open_store(args, must_exist: bool = True):
    """The dataset's `ArticleStore`; a missing database is a usage error unless `must_exist` is off."""
    from archive.store import ArticleStore

    db, _ = data_paths(args)
    if must_exist and not db.is_file():
        raise UsageError(f"no database at {db} (crawl something first, or give --db / --data-dir)")
    return ArticleStore(db)


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
