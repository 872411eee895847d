"""Write TOML for the files newsarchive drafts (site profiles): values are escaped as TOML
requires, so that text taken from a web page (a feed title, a Sitemap line holding a quote or a
newline) can never end a string early and add keys of its own."""

from __future__ import annotations

import math
import re

# TOML basic strings: these must be escaped (the spec's list: quote, backslash, and control
# characters other than tab).
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f]')
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _escape(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def value(item) -> str:
    """One TOML value: a string, a whole or decimal number, a boolean, or a list of them."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if not math.isfinite(item):
            raise ValueError(f"TOML cannot hold {item!r} here")
        return repr(item)
    if isinstance(item, str):
        return '"' + _NEEDS_ESCAPE.sub(_escape, item) + '"'
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"no TOML form for {type(item).__name__}")


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else value(name)


def comment(text: str) -> str:
    """A comment line: whatever the text holds, it stays one line."""
    return "# " + re.sub(r"[\x00-\x1f\x7f]+", " ", text)


def dumps(entries: list) -> str:
    """A document from entries in order: (key, value) pairs, comment strings (starting "#"),
    and ("[table]", None) headers."""
    lines = []
    for entry in entries:
        if isinstance(entry, str):
            lines.append(comment(entry.lstrip("# ")) if entry else "")
        elif entry[1] is None:
            lines.append(f"[{key(entry[0])}]")
        else:
            lines.append(f"{key(entry[0])} = {value(entry[1])}")
    return "\n".join(lines) + "\n"
