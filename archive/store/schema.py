"""The dataset's schema: its migrations, in order, and the columns of an article row.

A database carries its schema version in `PRAGMA user_version`; `Connection.migrate` runs the
migrations it has not had yet. A migration never changes once released: a new column or table
is a new migration.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from archive.store.rows import index_row
from crawler.errors import DataError

SCHEMA_VERSION = 10

# The columns of an `articles` row, in the order `export` writes them (SPEC: export formats).
ARTICLE_COLUMNS = (
    "url",
    "site",
    "title",
    "published_at",
    "source",
    "authors",
    "editor",
    "dateline",
    "body",
    "images",
    "script",
    "title_norm",
    "body_norm",
    "lang",
    "encoding",
    "article_score",
    "content_hash",
    "first_seen_at",
    "last_fetched_at",
    "last_changed_at",
    "version",
    "warc_filename",
    "warc_offset",
    "warc_record_id",
    "crawl_id",
)


def _migrate_1(db: sqlite_utils.Database) -> None:
    """The first schema, table by table. Long on purpose: a released migration is a record of
    what the schema was, and never changes."""
    db.table("crawls").create(
        {
            "id": str,
            "site": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pages": int,
            "articles_new": int,
            "articles_changed": int,
            "articles_unchanged": int,
            "errors": int,
            "options": str,
        },
        pk="id",
    )
    db.table("captures").create(
        {
            "id": int,
            "crawl_id": str,
            "url": str,
            "fetched_at": str,
            "status": int,
            "content_type": str,
            "payload_digest": str,
            "record_type": str,
            "record_id": str,
            "warc_filename": str,
            "warc_offset": int,
            "warc_length": int,
            "refers_to": str,
        },
        pk="id",
    )
    db.table("captures").create_index(["payload_digest"])
    db.table("captures").create_index(["url"])
    db.table("articles").create(
        {
            "url": str,
            "site": str,
            "title": str,
            "published_at": str,
            "source": str,
            "authors": str,
            "editor": str,
            "dateline": str,
            "body": str,
            "images": str,
            "script": str,
            "title_norm": str,
            "body_norm": str,
            "lang": str,
            "encoding": str,
            "content_hash": str,
            "first_seen_at": str,
            "last_fetched_at": str,
            "last_changed_at": str,
            "version": int,
            "warc_filename": str,
            "warc_offset": int,
            "warc_record_id": str,
            "crawl_id": str,
        },
        pk="url",
    )
    db.table("articles").create_index(["site", "published_at"])
    db.table("article_versions").create(
        {
            "url": str,
            "version": int,
            "fetched_at": str,
            "title": str,
            "body": str,
            "content_hash": str,
            "warc_filename": str,
            "warc_offset": int,
            "warc_record_id": str,
            "crawl_id": str,
        },
        pk=("url", "version"),
    )
    db.table("related").create(
        {"article_url": str, "position": int, "url": str, "title": str, "published_at": str},
        pk=("article_url", "position"),
    )
    db.table("failures").create(
        {"id": int, "crawl_id": str, "url": str, "stage": str, "reason": str, "at": str}, pk="id"
    )
    db.table("failures").create_index(["crawl_id"])


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Full-text index over the folded (Simplified) title and body, as bigrams: see crawler/searchtext.py."""
    db.execute(
        "create virtual table articles_fts using fts5(bi_title, bi_body, uni, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    for rowid, title, body in db.execute("select rowid, title_norm, body_norm from articles").fetchall():
        index_row(db, rowid, title, body)


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Crawl state for incremental and resumable runs."""
    db.table("fetch_state").create(
        {"url": str, "status": int, "etag": str, "last_modified": str, "last_fetched_at": str}, pk="url"
    )
    db.table("frontier").create(
        {"crawl_id": str, "url": str, "kind": str, "depth": int, "added_at": str, "done_at": str},
        pk=("crawl_id", "url"),
    )
    db.table("captures").create_index(["url", "record_type"])


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Recurring crawls (newsarchive schedule)."""
    db.table("schedules").create(
        {
            "site": str,
            "every_seconds": int,
            "cron": str,
            "args": str,
            "paused": int,
            "anchor_at": str,
            "next_due_at": str,
            "claimed_by": str,
            "claimed_at": str,
            "last_crawl_id": str,
            "last_status": str,
            "created_at": str,
        },
        pk="site",
    )


def _migrate_5(db: sqlite_utils.Database) -> None:
    """The article test's confidence beside each row (rows stored before it stay null:
    `reextract` fills them in), and the aliases of articles served at several URLs."""
    db.table("articles").add_column("article_score", float)
    # One page at several URLs (identical payloads): one article, its other URLs listed here.
    db.table("article_aliases").create({"url": str, "article_url": str, "first_seen_at": str}, pk="url")
    db.table("article_aliases").create_index(["article_url"])


def _migrate_6(db: sqlite_utils.Database) -> None:
    """Copies of one story across sites (archive/clusters.py): the clusters, and the LSH band
    index that finds candidates incrementally."""
    db.execute(
        "create table clusters (cluster_id integer not null, url text primary key, similarity real, "
        "is_earliest integer not null default 0)"
    )
    db.execute("create index clusters_cluster_id on clusters (cluster_id)")
    # Keyed by the article's rowid: 32 rows an article, so kept narrow (no URL repeated).
    db.execute(
        "create table copy_bands (key integer not null, article integer not null, primary key (key, article)) without rowid"
    )
    db.execute("create index copy_bands_article on copy_bands (article)")
    # The MinHash signature (NUM_PERM little-endian 4-byte values) estimates a candidate's
    # similarity before its text is read again.
    db.execute(
        "create table copy_state (url text primary key, content_hash text, article integer, signature blob)"
    )
    db.execute("create index copy_state_article on copy_state (article)")


def _migrate_7(db: sqlite_utils.Database) -> None:
    """The pages of articles split over several pages (分页): one row a page, page 1 included;
    an article of one page has none."""
    db.execute(
        "create table article_pages (article_url text not null, page integer not null, url text not null, "
        "warc_filename text, warc_offset integer, warc_record_id text, primary key (article_url, page))"
    )
    db.execute("create index article_pages_url on article_pages (url)")
    # Images point at the response a revisit refers to, found by its record id.
    db.execute("create index if not exists captures_record_id on captures (record_id)")


def _migrate_8(db: sqlite_utils.Database) -> None:
    """The crawl that fetched each URL last: "fetched by this run" compared fetch times to the
    second with the run's start, so a previous run's fetch in the new run's first second counted
    as the new run's, and the page was not asked for again."""
    db.table("fetch_state").add_column("crawl_id", str)


def _migrate_9(db: sqlite_utils.Database) -> None:
    """What each failure was a fetch of (article, list, requisite, ...): a page's failures are
    counted apart from those of the pictures and scripts of other hosts."""
    db.table("failures").add_column("kind", str)


def _migrate_10(db: sqlite_utils.Database) -> None:
    """The lifecycle of an article after its capture (crawler/lifecycle/): one row per check
    of a stored article, and each checked article's status as its checks make it."""
    db.execute(
        "create table checks (id integer primary key, url text not null, site text, crawl_id text, "
        "checked_at text not null, outcome text not null, verdict text not null, how text, "
        "status integer, redirect_to text, notice text, warc_filename text, warc_offset integer, "
        "warc_record_id text)"
    )
    db.execute("create index checks_url on checks (url, checked_at)")
    db.execute("create index checks_crawl on checks (crawl_id)")
    # Only articles checked at least once have a row: the others are live since their capture.
    db.execute(
        "create table article_status (url text primary key, site text, status text not null, "
        "last_seen_live text, deleted_at text, how text, last_check_at text, last_verdict text, "
        "awaiting_at text, restorations integer not null default 0, since text, last_check_id integer)"
    )
    db.execute("create index article_status_site on article_status (site, status)")
    db.execute("create index article_status_deleted on article_status (status, deleted_at)")


MIGRATIONS = [
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
    _migrate_5,
    _migrate_6,
    _migrate_7,
    _migrate_8,
    _migrate_9,
    _migrate_10,
]


def check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, before anything is written to it, a database that is not newsarchive's (another
    application's tables, no schema version of ours) or is newer than this newsarchive."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DataError(
            f"{path}: database schema {version} is newer than this newsarchive ({SCHEMA_VERSION})"
        )
    if version == 0:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        if tables:
            raise DataError(
                f"{path}: not a newsarchive database (it holds other tables: {', '.join(sorted(tables)[:3])}); "
                "give another --db"
            )
