"""The `newsarchive` command line (also `python -m crawler`): a parser built from the command
registry, and one place that turns errors into one line and an exit status."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from crawler import __version__
from crawler.commands import registry
from crawler.commands.base import WARC_COMMANDS, data_options
from crawler.errors import NewsarchiveError

__all__ = ["main", "build_parser"]


class Parser(argparse.ArgumentParser):
    """argparse, with what a user of a command line expects: an option is never taken from an
    abbreviation of it (`--lim` is not `--limit`), a mistake is one line naming the command and
    what is wrong (with the option meant, when one is close), and `--help` shows defaults."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        hint = _did_you_mean(self, message)
        self.exit(2, f"{self.prog}: {message}{hint} (see {self.prog} --help)\n")


class _Help(argparse.HelpFormatter):
    """Each option's default in its help, unless the help says it already or there is none."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default in (None, False, [], argparse.SUPPRESS)
            or not action.option_strings
            or text == argparse.SUPPRESS
        ):
            return text
        return f"{text} (default: {default})"


def _did_you_mean(parser: argparse.ArgumentParser, message: str) -> str:
    import difflib

    if not message.startswith("unrecognized arguments:"):
        return ""
    options = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    for word in message.split(":", 1)[1].split():
        if word.startswith("--"):
            close = difflib.get_close_matches(word.split("=", 1)[0], options, n=1, cutoff=0.6)
            if close:
                return f"; did you mean {close[0]}?"
    return ""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="newsarchive", description="Archival crawler for Chinese-language news.")
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    parser.set_defaults(subparsers=sub.choices)
    for command in registry().values():
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        data_options(p, warcs=command.name in WARC_COMMANDS)
        command.options(p)
        p.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser, which knows the option meant
        own = args.subparsers.get(args.command) if args.command else None
        (own or parser).error(f"unrecognized arguments: {' '.join(extra)}")
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
        return 0
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
