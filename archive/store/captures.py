"""Captures: one row per WARC record of a fetch (response, revisit), and what they tell the
articles (which pictures are archived, where)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from archive.store.connection import Connection
from archive.store.rows import insert

# Content types of what a page loads (pictures, styles, scripts, fonts), as opposed to pages.
_REQUISITE_TYPES = (
    "content_type like 'image/%' or content_type like 'text/css%' or content_type like '%javascript%' "
    "or content_type like 'font/%'"
)


class Captures(Connection):
    def add_capture(self, row: dict) -> None:
        insert(self.db, "captures", row)

    def original_for_digest(self, digest: str) -> dict | None:
        """The first response record archived with this payload digest, in any crawl."""
        row = self.db.execute(
            "select url, fetched_at, record_id, warc_filename, warc_offset from captures "
            "where payload_digest = ? and record_type = 'response' order by id limit 1",
            [digest],
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("url", "fetched_at", "record_id", "warc_filename", "warc_offset"), row, strict=True))

    def latest_response_for(self, url: str) -> dict | None:
        """The last full response archived for a URL (what a 304 revisit refers to)."""
        row = self.db.execute(
            "select fetched_at, record_id from captures where url = ? and record_type = 'response' "
            "order by id desc limit 1",
            [url],
        ).fetchone()
        return {"fetched_at": row[0], "record_id": row[1]} if row else None

    def archived_response(self, url: str) -> tuple[str, int] | None:
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

    def annotate_images(
        self, crawl_id: str | None = None, archived: Callable[[str], tuple[str, int] | None] | None = None
    ) -> int:
        """Mark each image of the articles stored by `crawl_id` (all articles when None) as
        archived or not, with the WARC response that holds its bytes; returns the number of
        articles whose entries changed. Run when a crawl ends: images are fetched after the
        articles that show them. `archived` (URL -> WARC file and offset) stands in for the
        captures table (reextract into a new database reads them from the WARC files)."""
        where, args = ("where crawl_id = ?", [crawl_id]) if crawl_id else ("", [])
        find = archived or self.archived_response
        changed = 0
        rows = self.db.execute(f"select url, images from articles {where}", args).fetchall()  # noqa: S608
        with self.transaction():
            for url, images_json in rows:
                images = json.loads(images_json or "[]")
                annotated = [_image_entry(image, find) for image in images]
                if annotated != images:
                    self.db.execute(
                        "update articles set images = ? where url = ?",
                        [json.dumps(annotated, ensure_ascii=False), url],
                    )
                    changed += 1
        return changed

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
            f"select count(distinct url) from captures where status in (200, 304) and ({_REQUISITE_TYPES})"  # noqa: S608
        ).fetchone()[0]
        return {
            "split": split,
            "pages": pages,
            "images": images,
            "archived": archived,
            "requisites": requisites,
        }

    def warc_files(self, crawl_id: str | None = None, site: str | None = None) -> list[str]:
        """The WARC files (names relative to the WARC folder) holding the responses and revisits
        of one crawl, or of one site's crawls, or of all."""
        where, params = ["record_type in ('response', 'revisit')"], []
        if crawl_id:
            where.append("crawl_id = ?")
            params.append(crawl_id)
        if site:
            where.append("crawl_id in (select id from crawls where site = ?)")
            params.append(site)
        sql = f"select distinct warc_filename from captures where {' and '.join(where)} order by 1"  # noqa: S608
        return [name for (name,) in self.db.execute(sql, params)]

    def archived_pages(self) -> Iterator[tuple[str, str | None, str | None, str, str]]:
        """(url, title, body, fetched_at, WARC file) of every article's response, by publication date."""
        yield from self.db.execute(
            "select a.url, a.title, a.body, c.fetched_at, a.warc_filename from articles a "
            "join captures c on c.record_id = a.warc_record_id order by a.published_at"
        )


def _image_entry(image: dict, archived: Callable[[str], tuple[str, int] | None]) -> dict:
    entry = {"src": image.get("src"), "caption": image.get("caption"), "archived": False}
    where = archived(image.get("src") or "")
    if where is not None:
        entry.update(archived=True, warc_filename=where[0], warc_offset=where[1])
    return entry
