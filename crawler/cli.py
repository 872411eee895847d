"""The `newsarchive` command line (also `python -m crawler`): a parser built from the command
registry, and one place that turns errors into one line and an exit status."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from crawler import __version__
from crawler.commands import registry
from crawler.commands.base import data_options
from crawler.errors import NewsarchiveError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive", description="Archival crawler for Chinese-language news."
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in registry().values():
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        data_options(p)
        command.options(p)
        p.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except NewsarchiveError as exc:
        return _fail(args.command, str(exc), exc.exit_status)
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


def _fail(command: str, message: str, status: int) -> int:
    print(f"newsarchive {command}: {message}", file=sys.stderr)
    return status
