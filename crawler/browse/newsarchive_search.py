"""Datasette plugin: SQL functions for the bigram full-text search (newsarchive browse).

na_fts(query) turns a query in either script into the FTS5 MATCH expression of the
articles_fts index; na_contains(query, title_norm, body_norm) is the exact check.
"""

from __future__ import annotations

from datasette import hookimpl

from crawler.searchtext import contains_all, fold, fts_expression, query_terms


def na_fts(query: str | None) -> str:
    terms = query_terms(query or "")
    return fts_expression(terms) if terms else '"\u0000"'  # matches nothing


def na_contains(query: str | None, title: str | None, body: str | None) -> int:
    terms = query_terms(query or "")
    return int(bool(terms) and contains_all(terms, fold(title) + "\n" + fold(body)))


@hookimpl
def prepare_connection(conn):
    conn.create_function("na_fts", 1, na_fts, deterministic=True)
    conn.create_function("na_contains", 3, na_contains, deterministic=True)
