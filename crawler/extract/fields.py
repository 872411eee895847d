"""Field parsers over plain text: source, authors, editor, dateline, title."""

from __future__ import annotations

import re

from crawler.extract.patterns import AUTHOR, DATELINE, EDITOR, NOT_NAMES, OUTLET_SUFFIX, SOURCE
from crawler.text import clean_line

_TITLE_SEP = re.compile(r"\s*(?:[_|｜–—]+|--+|\s-\s|－|::)\s*")


def parse_source(text: str | None) -> str | None:
    if not text:
        return None
    m = SOURCE.search(text)
    return m["src"] if m else None


def parse_editor(text: str | None) -> str | None:
    if not text:
        return None
    m = EDITOR.search(text)
    return clean_line(m["name"]) if m else None


def split_names(names: str) -> list[str]:
    out = []
    for part in re.split(r"[\s、，,]+", names):
        part = re.sub(r"(?:報道|报道|攝影|摄影|攝|摄|報導)$", "", part.strip("·"))
        if 2 <= len(part) <= 4 and part not in NOT_NAMES and not OUTLET_SUFFIX.search(part):
            out.append(part)
    return out


def parse_authors(text: str | None) -> list[str]:
    if not text:
        return []
    for m in AUTHOR.finditer(text):
        names = split_names(m["names"])
        if names:
            return names
    return []


def parse_dateline(first_paragraph: str | None) -> tuple[str | None, list[str]]:
    """The dateline of the first paragraph and the reporters named in its brackets."""
    if not first_paragraph:
        return None, []
    m = DATELINE.match(first_paragraph.strip())
    if not m:
        return None, []
    who = m["who"] or ""
    # "(記者 龔旭群 昌煥玉)" or "(中國網 龔旭群)": drop role words and outlet names.
    return clean_line(m["dl"]), split_names(
        re.sub(r"記者|记者|通訊員|通讯员|實習生|实习生|攝影|摄影", " ", who)
    )


def clean_title(title: str | None, h1s: list[str] | None = None) -> str | None:
    """Title without the site-name suffix ("... _ 海峽網", "... - 新浪新聞")."""
    if not title:
        return None
    title = clean_line(title)
    for h in h1s or ():
        h = clean_line(h)
        if len(h) >= 4 and h in title:
            return h
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) <= 1:
        return title
    # The article title is the longest piece; site and channel names are short.
    return max(parts, key=len)
