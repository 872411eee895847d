"""Text for the full-text index: Chinese as overlapping bigrams, so 2-character words work.

SQLite's trigram tokenizer cannot match words shorter than three characters, and most
Chinese words are two. We index every run of Han characters as its overlapping bigrams
(数字中国 -> 数字 字中 中国) and every character once more on its own; Latin words and numbers
stay words. A query of N Han characters becomes a phrase of N-1 consecutive bigrams, which
only a text containing those N characters in that order can match. Everything is folded to
Simplified first (OpenCC t2s), so either script finds both.
"""

from __future__ import annotations

import re
from operator import add

from crawler.text import convert, nfkc

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")


def fold(text: str | None, *, nfkc_form: str | None = None) -> str:
    """The comparison form: NFKC, lower case, Simplified script. `nfkc_form`: the text's NFKC
    form, when the caller has it."""
    if nfkc_form is None:
        nfkc_form = nfkc(text or "")
    return convert(nfkc_form.lower(), "hans") or ""


def _is_han(piece: str) -> bool:
    return "\u3400" <= piece[0] <= "\ufaff"


def bigram_stream(folded: str) -> str:
    """The tokens of a folded text, separated by spaces: each Han run as its bigrams, every
    other word as it is."""
    out: list[str] = []
    for piece in _PIECE.findall(folded):
        if len(piece) > 1 and _is_han(piece):
            # piece[0]+piece[1], piece[1]+piece[2]...: the pairs made in C, not by slicing
            out.append(" ".join(map(add, piece, piece[1:])))
        else:
            out.append(piece)
    return " ".join(out)


def index_columns(title: str | None, body: str | None, *, body_nfkc: str | None = None) -> dict[str, str]:
    """The FTS row of an article: bigram streams of title and body, and its Han characters.
    `body_nfkc`: the body's NFKC form, when the caller has it."""
    ft, fb = fold(title), fold(body, nfkc_form=body_nfkc)
    # The distinct characters first (a set, in C), then the Han ones among them: fewer tests.
    chars = sorted(
        c
        for c in set(ft + fb)
        if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"  # is_han_char
    )
    return {
        "bi_title": bigram_stream(ft),
        "bi_body": bigram_stream(fb),
        "uni": " ".join(chars),
    }


def query_terms(query: str) -> list[str]:
    """Terms of a query (separated by white space), folded; every term must appear."""
    return [t for t in (fold(part) for part in query.split()) if _PIECE.search(t)]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression whose hits include every article containing all terms."""
    parts = []
    for term in terms:
        for piece in _PIECE.findall(term):
            if _is_han(piece) and len(piece) == 1:
                parts.append(f"uni : {_quote(piece)}")
            elif _is_han(piece):
                phrase = " ".join(piece[i : i + 2] for i in range(len(piece) - 1))
                parts.append(f"{{bi_title bi_body}} : {_quote(phrase)}")
            else:
                # A Latin piece at a term's edge may be part of a longer word: match as a prefix.
                parts.append(f"{{bi_title bi_body}} : {_quote(piece)} *")
    return " AND ".join(parts)


def contains_all(terms: list[str], folded_text: str) -> bool:
    return all(term in folded_text for term in terms)
