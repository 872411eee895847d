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
from crawler.validate import MAX_WINDOW_DAYS, parse_time

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


# -- option values, checked as they are read ------------------------------------------------


def day(value: str) -> str:
    """An argparse type: a calendar day as YYYY-MM-DD (garbage and 2026-99-01 are refused)."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else _no_day(value)
    except ValueError:
        return _no_day(value)


def _no_day(value: str) -> str:
    raise argparse.ArgumentTypeError(f"wants a day as YYYY-MM-DD, not {value!r}")


def moment(value: str) -> str:
    """An argparse type: a time as ISO 8601 (UTC unless it says otherwise), or +INTERVAL
    (+2h, +7d) from now."""
    from datetime import UTC, datetime

    try:
        if value.startswith("+"):
            from crawler.lifecycle.plan import parse_intervals

            (offset,) = parse_intervals(value[1:])
            return (datetime.now(UTC) + offset).strftime("%Y-%m-%dT%H:%M:%SZ")
        return parse_time(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"wants a time as ISO 8601 (2026-05-03T14:00:00Z) or +INTERVAL from now (+2h), not {value!r}"
        ) from None


def whole(least: int, most: int):
    """An argparse type: a whole number from `least` to `most` (a bound keeps a typo such as
    --width 99999999999 from asking for all the memory there is)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"wants a whole number, not {value!r}") from None
        if not least <= number <= most:
            raise argparse.ArgumentTypeError(f"must be from {least} to {most}, not {number}")
        return number

    parse.__name__ = "whole number"
    return parse


# -- option groups, each declared once ------------------------------------------------------


# The commands that write or read WARC files; only they take --warc-dir.
WARC_COMMANDS = {"crawl", "demo", "export", "verify", "reextract", "merge", "schedule", "status"}


def data_options(parser: argparse.ArgumentParser, warcs: bool = True, given_only: bool = False) -> None:
    """Where the dataset lives; every command takes these (--warc-dir those that use WARCs).
    given_only: set only when given (a subcommand's copy, which must not undo a value given to
    its parent command)."""
    unset = argparse.SUPPRESS if given_only else None
    parser.add_argument(
        "--data-dir", default=unset or "data", help="where news.db and warc/ live (default: ./data)"
    )
    parser.add_argument("--db", default=unset, help="the SQLite database (default: DATA_DIR/news.db)")
    if warcs:
        parser.add_argument("--warc-dir", default=unset, help="the WARC folder (default: DATA_DIR/warc/)")


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
    parser.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="published on or after")
    parser.add_argument("--until", type=day, metavar="YYYY-MM-DD", help="published on or before")


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


def recheck_intervals(value: str) -> str:
    """--recheck: intervals (1h,1d,7d) or off, checked here and passed on as written."""
    from crawler.lifecycle.plan import parse_intervals

    try:
        parse_intervals(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--recheck: ")) from None
    return value


def crawl_job_options(parser: argparse.ArgumentParser) -> None:
    """What one crawl of a site does: given to `crawl`, and stored with a `schedule add`."""
    profiles_option(parser)
    parser.add_argument(
        "--base-url", help="crawl the profile's site from another origin (a mirror or local copy)"
    )
    parser.add_argument("--max-pages", type=whole(0, 10**12), help="stop after N pages (0: no limit)")
    parser.add_argument(
        "--refetch-window",
        type=whole(0, MAX_WINDOW_DAYS),
        metavar="DAYS",
        help="refetch known articles published (or first seen) within DAYS days, with a "
        "conditional request; 0: never (default: the profile's)",
    )
    parser.add_argument(
        "--recheck",
        type=recheck_intervals,
        metavar="INTERVALS",
        help="check stored articles again this long after their first capture, for edits and "
        "deletions, e.g. 1h,1d,7d (then every last interval); off: no rechecks (default: the "
        "profile's recheck, else 1h,6h,1d,3d,7d,30d)",
    )
    parser.add_argument(
        "--depth", type=whole(0, 10**6), help="follow links at most N levels deep (0: no limit)"
    )
    parser.add_argument(
        "--delay",
        type=float,
        help="seconds between requests to a host (0: no delay, no AutoThrottle; default: the "
        "profile's delay, else 1 s)",
    )
    parser.add_argument("--concurrency", type=whole(1, 1000), help="parallel requests per host")
    parser.add_argument(
        "--contact",
        metavar="URL|EMAIL",
        help="how a site's operator reaches you, put in the User-Agent (default: the "
        "NEWSARCHIVE_CONTACT environment variable; a crawl of a public site without one is warned)",
    )
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
    warc_dir = getattr(args, "warc_dir", None)
    return db, Path(warc_dir) if warc_dir else data / "warc"


def open_store(args, must_exist: bool = True):
    """The dataset's `ArticleStore`; a missing database is a usage error unless `must_exist` is off."""
    from archive.store import ArticleStore

    db, _ = data_paths(args)
    if must_exist and not db.is_file():
        raise UsageError(f"no database at {db} (crawl something first, or give --db / --data-dir)")
    return ArticleStore(db)


_ARCHIVE_FILE = (".warc", ".warc.gz", ".warc.open", ".warc.gz.open", ".wacz")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_GZIP_MAGIC = b"\x1f\x8b"


def check_output(out: str | Path, args, option: str = "--out") -> Path:
    """An output file (export, report, profile draft, log) that never overwrites the dataset or
    the archive: not the database or its journal files, nothing inside the WARC folder, no WARC
    file or SQLite database anywhere, and none of these under another name (a symbolic or hard
    link: files are compared by device and inode, not by path)."""
    path = Path(out)
    target = path.resolve()
    db, warcs = data_paths(args)
    dataset = [Path(f"{db.resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    if target in dataset or any(_same_file(target, f) for f in dataset):
        raise UsageError(f"{option} {out} is the dataset itself; give another file")
    archive = f"{option} {out} would overwrite the archive's WARC files; give another file"
    if target.is_relative_to(warcs.resolve()) or (
        target.exists() and target.name.endswith(_ARCHIVE_FILE) and target.suffix != ".wacz"
    ):
        raise UsageError(archive)
    if target.is_dir():
        raise UsageError(f"{option} {out} is a folder; give a file name")
    if target.is_file():
        head = _head(target)
        if head.startswith(_SQLITE_MAGIC):
            raise UsageError(f"{option} {out} is an SQLite database; give another file")
        if _is_warc(head) or _links_into(target, warcs):
            raise UsageError(archive)
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(512)
    except OSError:
        return b""


def _is_warc(head: bytes) -> bool:
    """Whether a file's first bytes are a WARC record, gzipped or not (whatever its name)."""
    if head.startswith(_GZIP_MAGIC):
        import zlib

        try:
            head = zlib.decompressobj(31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _links_into(target: Path, warcs: Path) -> bool:
    """Whether an existing file is also a file of the WARC folder (a hard link to it)."""
    try:
        st = target.stat()
    except OSError:
        return False
    if st.st_nlink < 2 or not warcs.is_dir():
        return False
    for found in warcs.rglob("*"):
        try:
            other = found.stat()
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(row) -> list:
    """A CSV row whose text cells a spreadsheet will not run: a cell starting with = + - @ tab or
    CR (a served title `=HYPERLINK(...)`) gets a leading apostrophe, as OWASP's CSV injection
    advice has it. Numbers are left alone."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
