"""ArticleStore: the SQLite dataset (sqlite-utils), derived from the WARC files.

One small interface for everything that writes rows: crawls, captures, articles with their
versions and related lists, failures. The schema is created and migrated here.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from crawler.errors import DataError
from crawler.extract.article import Article
from crawler.prepared import Prepared, prepare
from crawler.searchtext import index_columns

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 7


_NOW: list = [None, ""]  # the second utcnow() last formatted, and its text


def utcnow() -> str:
    """The time to the second, as stored: formatted once a second (it is asked for several
    times a page)."""
    second = int(time.time())
    if second != _NOW[0]:
        _NOW[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))]
    return _NOW[1]


@dataclass(frozen=True)
class WarcPointer:
    filename: str
    offset: int
    record_id: str


@dataclass(frozen=True)
class PageCapture:
    """One page of an article split over several pages, and the response it was read from."""

    page: int
    url: str
    warc: WarcPointer


def _migrate_1(db: sqlite_utils.Database) -> None:
    db["crawls"].create(
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
    db["captures"].create(
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
    db["captures"].create_index(["payload_digest"])
    db["captures"].create_index(["url"])
    db["articles"].create(
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
    db["articles"].create_index(["site", "published_at"])
    db["article_versions"].create(
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
    db["related"].create(
        {"article_url": str, "position": int, "url": str, "title": str, "published_at": str},
        pk=("article_url", "position"),
    )
    db["failures"].create(
        {"id": int, "crawl_id": str, "url": str, "stage": str, "reason": str, "at": str}, pk="id"
    )
    db["failures"].create_index(["crawl_id"])


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Full-text index over the folded (Simplified) title and body, as bigrams: see crawler/searchtext.py."""
    db.execute(
        "create virtual table articles_fts using fts5(bi_title, bi_body, uni, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    for rowid, title, body in db.execute("select rowid, title_norm, body_norm from articles").fetchall():
        _index(db, rowid, title, body)


def _insert(db: sqlite_utils.Database, table: str, row: dict) -> None:
    names = ", ".join(f'"{name}"' for name in row)
    db.execute(f'insert into "{table}" ({names}) values ({", ".join("?" * len(row))})', list(row.values()))


def _update(db: sqlite_utils.Database, table: str, row: dict, key: str) -> None:
    sets = ", ".join(f'"{name}" = ?' for name in row if name != key)
    values = [value for name, value in row.items() if name != key]
    db.execute(f'update "{table}" set {sets} where "{key}" = ?', [*values, row[key]])


def _index(
    db: sqlite_utils.Database, rowid: int, title: str | None, body: str | None, cols: dict | None = None
) -> None:
    cols = cols or index_columns(title, body)
    db.execute("delete from articles_fts where rowid = ?", [rowid])
    db.execute(
        "insert into articles_fts (rowid, bi_title, bi_body, uni) values (?, ?, ?, ?)",
        [rowid, cols["bi_title"], cols["bi_body"], cols["uni"]],
    )


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Crawl state for incremental and resumable runs."""
    db["fetch_state"].create(
        {"url": str, "status": int, "etag": str, "last_modified": str, "last_fetched_at": str}, pk="url"
    )
    db["frontier"].create(
        {"crawl_id": str, "url": str, "kind": str, "depth": int, "added_at": str, "done_at": str},
        pk=("crawl_id", "url"),
    )
    db["captures"].create_index(["url", "record_type"])


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Recurring crawls (newsarchive schedule)."""
    db["schedules"].create(
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
    db["articles"].add_column("article_score", float)
    # One page at several URLs (identical payloads): one article, its other URLs listed here.
    db["article_aliases"].create({"url": str, "article_url": str, "first_seen_at": str}, pk="url")
    db["article_aliases"].create_index(["article_url"])


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


MIGRATIONS = [_migrate_1, _migrate_2, _migrate_3, _migrate_4, _migrate_5, _migrate_6, _migrate_7]


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
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


class ArticleStore:
    """The project's only door to news.db.

    With `commit_every` (seconds) above 0, as in a crawl, transactions are grouped: each
    `transaction()` is a savepoint of one open write transaction, committed once it is that old
    (`commit_if_due`) or on `commit()`. One commit then serves many pages, and the search index
    gets one batch of rows instead of one flush a page. What must wait for the rows to be safe
    (a shared frontier's acknowledgement) waits through `after_commit`.
    """

    def __init__(self, path: str | Path, *, commit_every: float = 0.0):
        self.commit_every = commit_every
        self._opened_at: float | None = None  # when the open group transaction began
        self._depth = 0  # transaction() blocks open
        self._pending_index: dict[int, dict[str, str]] = {}  # rowid -> index row, written at commit
        self._after_commit: list[Callable[[], None]] = []
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.path), timeout=30, isolation_level=None
        )  # autocommit; transactions explicit
        try:
            _check_ours(conn, self.path)
        except BaseException:
            conn.close()
            raise
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.migrate()
        self.commit()  # a migration never waits for the group commit

    def close(self) -> None:
        self.commit()
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; inside another transaction, a savepoint of it (committed with it)."""
        if not self.db.conn.in_transaction:
            if self.commit_every <= 0:
                with self._own_transaction():
                    yield
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._opened_at = time.monotonic()
        pending, calls = dict(self._pending_index), len(self._after_commit)
        self._depth += 1
        self.db.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO unit")
            self.db.execute("RELEASE unit")
            self._pending_index = pending
            del self._after_commit[calls:]
            raise
        finally:
            self._depth -= 1
        self.db.execute("RELEASE unit")
        if self._depth == 0:
            self.commit_if_due()

    @contextmanager
    def _own_transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._pending_index.clear()
            self._after_commit.clear()
            raise
        finally:
            self._depth -= 1
        self.commit()

    def commit_if_due(self) -> None:
        """Commit the group transaction once it has been open `commit_every` seconds."""
        if (
            self._depth == 0
            and self._opened_at is not None
            and time.monotonic() - self._opened_at >= self.commit_every
        ):
            self.commit()

    def commit(self) -> None:
        """Commit what is open (nothing inside a transaction() block), then run after_commit calls."""
        if self._depth:
            return
        if self.db.conn.in_transaction:
            self._write_index()
            self.db.execute("COMMIT")
        self._opened_at = None
        calls, self._after_commit = self._after_commit, []
        for call in calls:
            call()

    def after_commit(self, call: Callable[[], None]) -> None:
        """call() once what has been written so far is committed (at once if it is)."""
        if self.db.conn.in_transaction:
            self._after_commit.append(call)
        else:
            call()

    def _reindex(self, rowid: int, cols: dict[str, str]) -> None:
        """An article's search-index row. Inside a transaction it is written just before the
        commit: FTS5 (SQLite 3.40) flushes its pending rows at every savepoint it takes part in."""
        if self.db.conn.in_transaction:
            self._pending_index[rowid] = cols
        else:
            _index(self.db, rowid, None, None, cols)

    def _write_index(self) -> None:
        pending, self._pending_index = self._pending_index, {}
        if not pending:
            return
        conn = self.db.conn
        conn.executemany("delete from articles_fts where rowid = ?", [(rowid,) for rowid in pending])
        conn.executemany(
            "insert into articles_fts (rowid, bi_title, bi_body, uni) values (?, ?, ?, ?)",
            [(rowid, c["bi_title"], c["bi_body"], c["uni"]) for rowid, c in pending.items()],
        )

    def migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DataError(
                f"{self.path}: database schema {version} is newer than this newsarchive ({SCHEMA_VERSION})"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[number](self.db)
                self.db.execute(f"PRAGMA user_version = {number + 1}")
            logger.info("migrated %s to schema %d", self.path, number + 1)

    # -- crawls ------------------------------------------------------------------------

    def begin_crawl(self, crawl_id: str, site: str, options: dict) -> None:
        """Open a run (or reopen an interrupted one being resumed, keeping its counts)."""
        if self.crawl(crawl_id):
            self.db["crawls"].update(crawl_id, {"status": "running", "finished_at": None})
            return
        self.db["crawls"].insert(
            {
                "id": crawl_id,
                "site": site,
                "started_at": utcnow(),
                "status": "running",
                "pages": 0,
                "articles_new": 0,
                "articles_changed": 0,
                "articles_unchanged": 0,
                "errors": 0,
                "options": json.dumps(options, ensure_ascii=False, sort_keys=True),
            }
        )

    def finish_crawl(self, crawl_id: str, status: str, counts: dict[str, int]) -> None:
        """Close a run; counts add up, so a resumed run keeps what its first part counted."""
        sets = ", ".join(f"{k} = coalesce({k}, 0) + ?" for k in counts)
        self.db.execute(
            f"update crawls set finished_at = ?, status = ?, {sets} where id = ?",  # noqa: S608 - fixed names
            [utcnow(), status, *counts.values(), crawl_id],
        )

    def crawl(self, crawl_id: str) -> dict | None:
        rows = list(self.db["crawls"].rows_where("id = ?", [crawl_id]))
        return rows[0] if rows else None

    # -- captures ----------------------------------------------------------------------

    def add_capture(self, row: dict) -> None:
        _insert(self.db, "captures", row)

    def original_for_digest(self, digest: str) -> dict | None:
        """The first response record archived with this payload digest, in any crawl."""
        rows = self.db.execute(
            "select url, fetched_at, record_id, warc_filename, warc_offset from captures "
            "where payload_digest = ? and record_type = 'response' order by id limit 1",
            [digest],
        ).fetchall()
        if not rows:
            return None
        url, fetched_at, record_id, filename, offset = rows[0]
        return {
            "url": url,
            "fetched_at": fetched_at,
            "record_id": record_id,
            "warc_filename": filename,
            "warc_offset": offset,
        }

    def latest_response_for(self, url: str) -> dict | None:
        """The last full response archived for a URL (what a 304 revisit refers to)."""
        row = self.db.execute(
            "select fetched_at, record_id from captures where url = ? and record_type = 'response' "
            "order by id desc limit 1",
            [url],
        ).fetchone()
        return {"fetched_at": row[0], "record_id": row[1]} if row else None

    # -- articles ----------------------------------------------------------------------

    def save_article(
        self,
        article: Article,
        *,
        site: str,
        crawl_id: str,
        fetched_at: str,
        warc: WarcPointer,
        prepared: Prepared | None = None,
        pages: tuple[PageCapture, ...] = (),
    ) -> str:
        """Store an extracted article; returns "new", "changed" or "unchanged". `pages` lists
        the pages of an article split over several (the first one included)."""
        prepared = prepared or prepare(article)
        digest = prepared.content_hash
        with self.transaction():
            existing = self.db.execute(
                "select version, content_hash from articles where url = ?", [article.url]
            ).fetchone()
            if existing and existing[1] == digest:
                self.db.execute(
                    "update articles set last_fetched_at = ? where url = ?", [fetched_at, article.url]
                )
                return "unchanged"
            version = existing[0] + 1 if existing else 1
            row = {
                "url": article.url,
                "site": site,
                "title": article.title,
                "published_at": article.published_at,
                "source": article.source,
                "authors": json.dumps(list(article.authors), ensure_ascii=False),
                "editor": article.editor,
                "dateline": article.dateline,
                "body": article.body,
                "images": json.dumps(
                    [{"src": i.src, "caption": i.caption} for i in article.images], ensure_ascii=False
                ),
                "script": article.script,
                "title_norm": article.title_norm,
                "body_norm": article.body_norm,
                "lang": article.lang,
                "encoding": article.encoding,
                "article_score": article.article_score,
                "content_hash": digest,
                "last_fetched_at": fetched_at,
                "last_changed_at": fetched_at,
                "version": version,
                "warc_filename": warc.filename,
                "warc_offset": warc.offset,
                "warc_record_id": warc.record_id,
                "crawl_id": crawl_id,
            }
            # Plain statements here, not sqlite-utils' insert/update: this runs once a page in the
            # crawl's reactor thread, where their savepoints and schema lookups cost 0.4 ms a page.
            if existing:
                _update(self.db, "articles", row, "url")
            else:
                _insert(self.db, "articles", {**row, "first_seen_at": fetched_at})
            _insert(
                self.db,
                "article_versions",
                {
                    "url": article.url,
                    "version": version,
                    "fetched_at": fetched_at,
                    "title": article.title,
                    "body": article.body,
                    "content_hash": digest,
                    "warc_filename": warc.filename,
                    "warc_offset": warc.offset,
                    "warc_record_id": warc.record_id,
                    "crawl_id": crawl_id,
                },
            )
            rowid = self.db.execute("select rowid from articles where url = ?", [article.url]).fetchone()[0]
            self._reindex(rowid, prepared.index)  # the index moves with the row
            self.db.execute("delete from related where article_url = ?", [article.url])
            self.db.conn.executemany(
                "insert into related (article_url, position, url, title, published_at) values (?, ?, ?, ?, ?)",
                [(article.url, n, r.url, r.title, r.published_at) for n, r in enumerate(article.related, 1)],
            )
            self.db.execute("delete from article_pages where article_url = ?", [article.url])
            if len(pages) > 1:
                self.db.conn.executemany(
                    "insert into article_pages (article_url, page, url, warc_filename, warc_offset, "
                    "warc_record_id) values (?, ?, ?, ?, ?, ?)",
                    [
                        (article.url, p.page, p.url, p.warc.filename, p.warc.offset, p.warc.record_id)
                        for p in pages
                    ],
                )
        return "changed" if existing else "new"

    def annotate_images(
        self, crawl_id: str | None = None, archived: Callable[[str], tuple[str, int] | None] | None = None
    ) -> int:
        """Mark each image of the articles stored by `crawl_id` (all articles when None) as
        archived or not, with the WARC response that holds its bytes; returns the number of
        articles whose entries changed. Run when a crawl ends: images are fetched after the
        articles that show them. `archived` (URL -> WARC file and offset) stands in for the
        captures table (reextract into a new database reads them from the WARC files)."""
        where, args = ("where crawl_id = ?", [crawl_id]) if crawl_id else ("", [])
        changed = 0
        rows = self.db.execute(f"select url, images from articles {where}", args).fetchall()  # noqa: S608
        with self.transaction():
            for url, images_json in rows:
                images = json.loads(images_json or "[]")
                annotated = [
                    self._image_entry(image, archived or self._archived_response) for image in images
                ]
                if annotated != images:
                    self.db.execute(
                        "update articles set images = ? where url = ?",
                        [json.dumps(annotated, ensure_ascii=False), url],
                    )
                    changed += 1
        return changed

    def _image_entry(self, image: dict, archived: Callable[[str], tuple[str, int] | None]) -> dict:
        entry = {"src": image.get("src"), "caption": image.get("caption"), "archived": False}
        where = archived(image.get("src") or "")
        if where is not None:
            entry.update(archived=True, warc_filename=where[0], warc_offset=where[1])
        return entry

    def add_alias(self, url: str, article_url: str, seen_at: str) -> None:
        """Another URL serving exactly the page stored as `article_url`."""
        if url == article_url:
            return
        self.db.execute(
            "insert or ignore into article_aliases (url, article_url, first_seen_at) values (?, ?, ?)",
            [url, article_url, seen_at],
        )

    def touch_article(self, url: str, fetched_at: str) -> bool:
        """A refetch found the article unchanged (304): only last_fetched_at moves."""
        cur = self.db.execute("update articles set last_fetched_at = ? where url = ?", [fetched_at, url])
        return cur.rowcount > 0

    def capture_summary(self) -> dict[str, int]:
        """Counts a person checks after a crawl: articles over several pages and their pages,
        pictures of articles archived, and requisites (non-page captures) in the WARC files."""
        split, pages = self.db.execute(
            "select count(distinct article_url), count(*) from article_pages"
        ).fetchone()
        images = archived = 0
        for (images_json,) in self.db.execute("select images from articles"):
            entries = json.loads(images_json or "[]")
            images += len(entries)
            archived += sum(1 for e in entries if e.get("archived"))
        requisites = self.db.execute(
            "select count(distinct url) from captures where status in (200, 304) and ("
            "content_type like 'image/%' or content_type like 'text/css%' or content_type like '%javascript%' "
            "or content_type like 'font/%')"
        ).fetchone()[0]
        return {
            "split": split,
            "pages": pages,
            "images": images,
            "archived": archived,
            "requisites": requisites,
        }

    def _archived_response(self, url: str) -> tuple[str, int] | None:
        """The WARC response holding the bytes of `url`'s last good capture."""
        row = self.db.execute(
            "select record_type, warc_filename, warc_offset, refers_to from captures "
            "where url = ? and status in (200, 304) order by id desc limit 1",
            [url],
        ).fetchone()
        if row is not None and row[0] == "revisit" and row[3]:
            # The bytes are in the response the revisit refers to.
            row = self.db.execute(
                "select record_type, warc_filename, warc_offset, refers_to from captures where record_id = ?",
                [row[3]],
            ).fetchone()
        return (row[1], row[2]) if row is not None and row[0] == "response" else None

    # -- failures ----------------------------------------------------------------------

    def add_failure(self, crawl_id: str, url: str, stage: str, reason: str) -> None:
        self.db["failures"].insert(
            {"crawl_id": crawl_id, "url": url, "stage": stage, "reason": reason[:2000], "at": utcnow()}
        )
