"""The errors a command reports as one line: each carries the exit status it ends with.

`crawler.cli.main` turns any of them into `newsarchive COMMAND: message` on stderr; nothing in
here imports the rest of the project, so any layer can raise them.
"""

from __future__ import annotations


class NewsarchiveError(Exception):
    """A command could not do its job; the message says why, for a person to act on."""

    exit_status = 1


class UsageError(NewsarchiveError):
    """Bad usage or bad input (an option, a setting, a file given on the command line)."""

    exit_status = 2


class DataError(NewsarchiveError):
    """The dataset or the archive is not what it must be (damaged, foreign, newer, locked)."""

    exit_status = 1
