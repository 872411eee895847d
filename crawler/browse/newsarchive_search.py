"""Datasette plugin: SQL functions for the bigram full-text search (newsarchive browse).

na_fts(query) turns a query in either script into the FTS5 MATCH expression of the
articles_fts index; na_contains(query, title_norm, body_norm) is the exact check; na_snippet(query, body,
body_norm) the text around the first match, marked 【】.
"""

from __future__ import annotations

from datasette import hookimpl

from archive.search import snippet
from crawler.searchtext import contains_all, fold, fts_expression, query_terms

# A phrase of two private-use characters: a valid expression that no text holds. (A NUL, as
# this once was, ends the expression's C string inside FTS5: "unterminated string", HTTP 400
# on the search page before anything was typed.)
NOTHING = '"\ue000\ue001"'


def na_fts(query: str | None) -> str:
    terms = query_terms(query or "")
    return fts_expression(terms) if terms else NOTHING


def na_snippet(query: str | None, body: str | None, body_norm: str | None) -> str:
    """The hit's text around the first word of the query, as `newsarchive search` shows it."""
    return snippet(query_terms(query or ""), body, body_norm, ("【", "】"))


def na_contains(query: str | None, title: str | None, body: str | None) -> int:
    terms = query_terms(query or "")
    return int(bool(terms) and contains_all(terms, fold(title) + "\n" + fold(body)))


@hookimpl
def prepare_connection(conn):
    conn.create_function("na_fts", 1, na_fts, deterministic=True)
    conn.create_function("na_contains", 3, na_contains, deterministic=True)
    conn.create_function("na_snippet", 3, na_snippet, deterministic=True)
