"""Plain statements for the rows written once a page, and the time as rows record it.

sqlite-utils' insert/update take savepoints and look up the schema on every call; a crawl
writes several rows a page from its reactor thread, so those rows go through these instead
(the cost is in BENCHMARKS.md).
"""

from __future__ import annotations

import time

import sqlite_utils

from crawler.searchtext import index_columns

_NOW: list = [None, ""]  # the second utcnow() last formatted, and its text


def utcnow() -> str:
    """The time to the second, as stored: formatted once a second (it is asked for several
    times a page)."""
    second = int(time.time())
    if second != _NOW[0]:
        _NOW[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))]
    return _NOW[1]


def insert(db: sqlite_utils.Database, table: str, row: dict) -> None:
    names = ", ".join(f'"{name}"' for name in row)
    db.execute(f'insert into "{table}" ({names}) values ({", ".join("?" * len(row))})', list(row.values()))


def update(db: sqlite_utils.Database, table: str, row: dict, key: str) -> None:
    sets = ", ".join(f'"{name}" = ?' for name in row if name != key)
    values = [value for name, value in row.items() if name != key]
    db.execute(f'update "{table}" set {sets} where "{key}" = ?', [*values, row[key]])


def index_row(
    db: sqlite_utils.Database, rowid: int, title: str | None, body: str | None, cols: dict | None = None
) -> None:
    """An article's row of the search index (crawler/searchtext.py), replacing the old one."""
    cols = cols or index_columns(title, body)
    db.execute("delete from articles_fts where rowid = ?", [rowid])
    db.execute(
        "insert into articles_fts (rowid, bi_title, bi_body, uni) values (?, ?, ?, ?)",
        [rowid, cols["bi_title"], cols["bi_body"], cols["uni"]],
    )


def article_filters(
    site: str | None, since: str | None, until: str | None, day: str = "a.published_at"
) -> tuple[list[str], list]:
    """SQL conditions (on `articles a`) and their values for a site and a period of `day`
    (the publication date; `s.deleted_at` for deletions)."""
    where, params = [], []
    if site:
        where.append("a.site = ?")
        params.append(site)
    if since:
        where.append(f"substr({day}, 1, 10) >= ?")
        params.append(since)
    if until:
        where.append(f"substr({day}, 1, 10) <= ?")
        params.append(until)
    return where, params


def deleted_filters(site: str | None, since: str | None, until: str | None) -> tuple[list[str], list]:
    """SQL conditions on deleted articles (`article_status s` joined to `articles a`), by site
    and day of deletion."""
    where, params = article_filters(site, since, until, day="s.deleted_at")
    return ["s.status = 'deleted'", *where], params
