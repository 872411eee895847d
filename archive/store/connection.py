"""The connection to the dataset: opening (and refusing) a database, migrating it, and
transactions, grouped during a crawl."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from archive.store.rows import index_row
from archive.store.schema import MIGRATIONS, SCHEMA_VERSION, check_ours
from crawler.errors import DataError

logger = logging.getLogger("archive.store")


class Connection:
    """One connection to news.db and its transactions; the table groups build on it.

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
            check_ours(conn, self.path)
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
            index_row(self.db, rowid, None, None, cols)

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
