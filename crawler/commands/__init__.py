"""The CLI's commands: one module per command (or family of commands), each declaring its
`COMMANDS` (see `base.Command`). Modules import their heavy dependencies inside `run`, so that
building the parser stays cheap."""

from __future__ import annotations

import importlib

from crawler.commands.base import Command

# The order `newsarchive --help` lists them in.
MODULES = (
    "crawl",
    "extract",
    "sites",
    "research",
    "lifecycle",
    "trends",
    "merge",
    "stats",
    "browse",
    "draft",
    "schedule",
    "demo",
)


def registry() -> dict[str, Command]:
    """Every command by name."""
    commands: dict[str, Command] = {}
    for name in MODULES:
        for command in importlib.import_module(f"crawler.commands.{name}").COMMANDS:
            commands[command.name] = command
    return commands
