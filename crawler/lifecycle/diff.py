"""What changed between two versions of an article, sentence by sentence.

Sentences are compared first, so that an edit shows as the sentences it touched and nothing
else; inside a changed sentence the comparison is by character for Chinese and by word for
Latin text (a Chinese word has no spaces to tell it by, and one changed character is the edit
a censor makes: 一 for 二, a name taken out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

# A sentence ends at Chinese or Latin end punctuation (closing quotes stay with it) or a line.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』\"')）]*|\n|$)")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*|\s+|.", re.S)


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text or "")) if s]


def tokens(sentence: str) -> list[str]:
    """Latin words and numbers whole, every other character on its own."""
    return _TOKEN.findall(sentence)


@dataclass(frozen=True)
class Change:
    """One edit: the sentences before and after (either side may be empty), and the pieces
    of each, as (kind, text) with kind 'same', 'del' or 'ins'."""

    before: list[str]
    after: list[str]
    pieces: list[tuple[str, str]]


def changes(old: str, new: str) -> list[Change]:
    a, b = sentences(old), sentences(new)
    found = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        left, right = tokens("".join(a[i1:i2])), tokens("".join(b[j1:j2]))
        pieces: list[tuple[str, str]] = []
        for kind, k1, k2, l1, l2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
            if kind == "equal":
                pieces.append(("same", "".join(left[k1:k2])))
                continue
            if k2 > k1:
                pieces.append(("del", "".join(left[k1:k2])))
            if l2 > l1:
                pieces.append(("ins", "".join(right[l1:l2])))
        found.append(Change(a[i1:i2], b[j1:j2], pieces))
    return found


def as_text(found: list[Change], colour: bool) -> str:
    """Each change on a line: deleted text [-so-] and inserted {+so+}, or red and green."""
    marks = {
        "del": ("\x1b[31;9m", "\x1b[0m") if colour else ("[-", "-]"),
        "ins": ("\x1b[32;1m", "\x1b[0m") if colour else ("{+", "+}"),
        "same": ("", ""),
    }
    return "\n".join("".join(marks[k][0] + t + marks[k][1] for k, t in c.pieces) for c in found)


def as_html(found: list[Change], title: str, left: str, right: str) -> str:
    """A page with the two versions of each changed passage side by side."""
    rows = []
    for c in found:
        before = "".join(
            f"<del>{escape(t)}</del>" if k == "del" else escape(t) for k, t in c.pieces if k != "ins"
        )
        after = "".join(
            f"<ins>{escape(t)}</ins>" if k == "ins" else escape(t) for k, t in c.pieces if k != "del"
        )
        rows.append(f"<tr><td>{before}</td><td>{after}</td></tr>")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td{vertical-align:top;border:1px solid #ccc;padding:.5em;width:50%}"
        "del{background:#fdd}ins{background:#dfd;text-decoration:none}</style></head><body>"
        f"<h1>{escape(title)}</h1><table><tr><th>{escape(left)}</th><th>{escape(right)}</th></tr>"
        + "".join(rows)
        + "</table></body></html>\n"
    )
