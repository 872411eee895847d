"""The frontier of a run and what each URL answered last time (the fetch_state table).

The frontier lists every URL a run scheduled and which of them are done, so a run killed at
any moment is carried on by the next one without fetching again what was done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.store.rows import utcnow

if TYPE_CHECKING:
    from archive.store import ArticleStore


class CrawlState:
    """One run's rows of `frontier`, and every URL's row of `fetch_state` (the policy that uses
    them is crawler/frontier.py)."""

    def __init__(self, store: ArticleStore, crawl_id: str):
        self.store = store
        self.db = store.db
        self.crawl_id = crawl_id

    def pending(self) -> list[tuple[str, str, int]]:
        """(url, kind, depth) scheduled by this run and not done yet, in the order they were added."""
        return self.db.execute(
            "select url, kind, depth from frontier where crawl_id = ? and done_at is null order by rowid",
            [self.crawl_id],
        ).fetchall()

    def add(self, url: str, kind: str, depth: int = 0) -> bool:
        """Record a URL as scheduled; False when this run already had it (done or pending)."""
        cur = self.db.execute(
            "insert or ignore into frontier (crawl_id, url, kind, depth, added_at) values (?, ?, ?, ?, ?)",
            [self.crawl_id, url, kind, depth, utcnow()],
        )
        return cur.rowcount > 0

    def mark_done(self, url: str) -> None:
        """May run inside the transaction that stored the page."""
        self.db.execute(
            "update frontier set done_at = ? where crawl_id = ? and url = ? and done_at is null",
            [utcnow(), self.crawl_id, url],
        )

    def record_fetch(
        self, url: str, status: int, etag: str | None, last_modified: str | None, at: str
    ) -> None:
        if status == 304:  # the validators we hold are still the right ones
            self.db.execute(
                "update fetch_state set status = 304, last_fetched_at = ?, crawl_id = ? where url = ?",
                [at, self.crawl_id, url],
            )
            return
        self.db.execute(
            "insert or replace into fetch_state (url, status, etag, last_modified, last_fetched_at, crawl_id) "
            "values (?, ?, ?, ?, ?, ?)",
            [url, status, etag, last_modified, at, self.crawl_id],
        )

    def young_articles(self, site: str, since_day: str) -> list[str]:
        """Stored articles of a site published (or, date unknown, first seen) on or after a day."""
        return [
            u
            for (u,) in self.db.execute(
                "select url from articles where site = ? and substr(coalesce(published_at, first_seen_at), 1, 10) >= ? "
                "order by url",
                [site, since_day],
            )
        ]

    def gone(self, url: str) -> str | None:
        """When a URL last answered 404 or 410 (None if it did not)."""
        row = self.db.execute(
            "select last_fetched_at from fetch_state where url = ? and status in (404, 410)", [url]
        ).fetchone()
        return row[0] if row else None

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) of a URL's last good fetch, for a conditional request."""
        # Only from a fetch whose page was then dealt with (stored, read, judged): a run that
        # stopped in between (a full disk, a kill) left the page to do, and a conditional
        # request would get a 304 for a page that was never stored.
        return self.db.execute(
            "select etag, last_modified from fetch_state s where url = ? and status in (200, 304) "
            "and (etag is not null or last_modified is not null) and not exists (select 1 from "
            "frontier f where f.crawl_id = s.crawl_id and f.url = s.url and f.done_at is null)",
            [url],
        ).fetchone()

    def fetched_by_this_run(self, url: str) -> bool:
        """Whether this crawl id made the URL's last fetch. By id, not by time: fetch times are
        to the second, and a run that starts in the second of the previous run's last fetch
        would take that fetch for its own."""
        row = self.db.execute("select crawl_id from fetch_state where url = ?", [url]).fetchone()
        return bool(row and row[0] == self.crawl_id)

    def last_response(self, url: str) -> tuple[str, int, str | None, str | None] | None:
        """(WARC file, offset, content type, record id) of the last full response archived for
        a URL."""
        return self.db.execute(
            "select warc_filename, warc_offset, content_type, record_id from captures "
            "where url = ? and record_type = 'response' and status = 200 order by id desc limit 1",
            [url],
        ).fetchone()

    def article_pages(self, url: str) -> list[str]:
        """The later pages (2, 3, ...) of a stored article, in order; empty for one page."""
        rows = self.db.execute(
            "select url from article_pages where article_url = ? and page > 1 order by page", [url]
        ).fetchall()
        return [r[0] for r in rows]

    def last_verdict(self, url: str) -> str | None:
        """What the last check of a stored article found (live, gone, unknown), if any."""
        row = self.db.execute(
            "select verdict from checks where url = ? order by id desc limit 1", [url]
        ).fetchone()
        return row[0] if row else None

    def known_article(self, url: str) -> tuple[str | None, str | None, str | None, str | None] | None:
        """(published_at, first_seen_at, etag, last_modified) of a stored article, or None if new."""
        return self.db.execute(
            "select a.published_at, a.first_seen_at, s.etag, s.last_modified from articles a "
            "left join fetch_state s on s.url = a.url where a.url = ?",
            [url],
        ).fetchone()
