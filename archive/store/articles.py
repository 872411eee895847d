"""Articles and what hangs off them: versions, related lists, pages, aliases, images."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.store.connection import Connection
from archive.store.rows import article_filters, insert, update
from archive.store.schema import ARTICLE_COLUMNS

if TYPE_CHECKING:  # opening a database loads neither the extractor (lxml) nor OpenCC
    from crawler.extract.article import Article
    from crawler.prepared import Prepared


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


def article_row(
    article: Article,
    *,
    site: str,
    crawl_id: str,
    fetched_at: str,
    warc: WarcPointer,
    digest: str,
    version: int,
) -> dict:
    """An `articles` row (all of ARTICLE_COLUMNS but first_seen_at, which only an insert sets)."""
    return {
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


class Articles(Connection):
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
        if prepared is None:
            from crawler.prepared import prepare

            prepared = prepare(article)
        digest = prepared.content_hash
        with self.transaction():
            existing = self.db.execute(
                "select version, content_hash from articles where url = ?", [article.url]
            ).fetchone()
            if existing and existing[1] == digest:
                self.touch_article(article.url or "", fetched_at)
                return "unchanged"
            version = existing[0] + 1 if existing else 1
            row = article_row(
                article,
                site=site,
                crawl_id=crawl_id,
                fetched_at=fetched_at,
                warc=warc,
                digest=digest,
                version=version,
            )
            if existing:
                update(self.db, "articles", row, "url")
            else:
                insert(self.db, "articles", {**row, "first_seen_at": fetched_at})
            insert(
                self.db,
                "article_versions",
                {**{k: row[k] for k in VERSION_COLUMNS}, "fetched_at": fetched_at},
            )
            rowid = self.db.execute("select rowid from articles where url = ?", [article.url]).fetchone()[0]
            self._reindex(rowid, prepared.index)  # the index moves with the row
            self._replace_lists(article, pages)
        return "changed" if existing else "new"

    def _replace_lists(self, article: Article, pages: tuple[PageCapture, ...]) -> None:
        """The article's related links and its pages, as this version has them."""
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

    def add_alias(self, url: str, article_url: str, seen_at: str) -> None:
        """Another URL serving exactly the page stored as `article_url`."""
        if url == article_url:
            return
        self.db.execute(
            "insert or ignore into article_aliases (url, article_url, first_seen_at) values (?, ?, ?)",
            [url, article_url, seen_at],
        )

    def touch_article(self, url: str, fetched_at: str) -> bool:
        """A refetch found the article unchanged: only last_fetched_at moves."""
        cur = self.db.execute("update articles set last_fetched_at = ? where url = ?", [fetched_at, url])
        return cur.rowcount > 0

    def site_of(self, url: str) -> str | None:
        row = self.db.execute("select site from articles where url = ?", [url]).fetchone()
        return row[0] if row else None

    def article_body(self, url: str) -> str | None:
        row = self.db.execute("select body from articles where url = ?", [url]).fetchone()
        return row[0] if row else None

    def has_article(self, url: str) -> bool:
        return self.db.execute("select 1 from articles where url = ?", [url]).fetchone() is not None

    def versions(self, url: str) -> dict[int, tuple[str, str, str]]:
        """An article's stored versions: number -> (fetched_at, title, body)."""
        rows = self.db.execute(
            "select version, fetched_at, title, body from article_versions where url = ? order by version",
            [url],
        )
        return {n: (at, title, body) for n, at, title, body in rows}

    def article_count(self) -> int:
        return self.db.execute("select count(*) from articles").fetchone()[0]

    def articles_by_script(self) -> dict[str, int]:
        return dict(self.db.execute("select script, count(*) from articles group by script").fetchall())

    def export_rows(
        self, site: str | None = None, since: str | None = None, until: str | None = None
    ) -> Iterator[tuple]:
        """Every article as a tuple of ARTICLE_COLUMNS, its cluster of copies (null when it has
        none elsewhere) and its status (live, deleted, unknown), when it was last seen live and
        deleted; oldest first, read in batches: memory stays flat on a large database."""
        where, params = article_filters(site, since, until)
        columns = [f"a.{c}" for c in ARTICLE_COLUMNS] + [
            "c.cluster_id",
            "coalesce(s.status, 'live')",
            "coalesce(s.last_seen_live, a.first_seen_at)",
            "s.deleted_at",
        ]
        sql = (
            f"select {', '.join(columns)} from articles a left join clusters c on c.url = a.url "  # noqa: S608
            "left join article_status s on s.url = a.url"
        )
        if where:
            sql += " where " + " and ".join(where)
        cursor = self.db.execute(sql + " order by a.published_at, a.url", params)
        while True:
            batch = cursor.fetchmany(500)
            if not batch:
                return
            yield from batch

    def site_summaries(self) -> list[dict]:
        """Per site: articles, first and last publication day, versions stored."""
        return [
            dict(zip(("site", "articles", "first", "last", "versions"), row, strict=True))
            for row in self.db.execute(
                "select site, count(*), min(substr(published_at, 1, 10)), max(substr(published_at, 1, 10)), "
                "sum(version) from articles group by site order by site"
            )
        ]

    def articles_per_day(self) -> dict[str, dict[str, int]]:
        """Publication day -> site -> articles, oldest day first."""
        per_day: dict[str, dict[str, int]] = {}
        for site, day, n in self.db.execute(
            "select site, substr(published_at, 1, 10) d, count(*) from articles where published_at is not null "
            "group by site, d order by d"
        ):
            per_day.setdefault(day, {})[site] = n
        return per_day


# An `article_versions` row: these columns of the article row, and when it was fetched.
VERSION_COLUMNS = (
    "url",
    "version",
    "title",
    "body",
    "content_hash",
    "warc_filename",
    "warc_offset",
    "warc_record_id",
    "crawl_id",
)
