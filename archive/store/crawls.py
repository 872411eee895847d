"""Crawls: one row per run of a site, with its counts and options."""

from __future__ import annotations

import json

from archive.store.connection import Connection
from archive.store.rows import utcnow

_CRAWL_COLUMNS = (
    "id",
    "site",
    "status",
    "started_at",
    "finished_at",
    "pages",
    "articles_new",
    "articles_changed",
    "errors",
)


class Crawls(Connection):
    def begin_crawl(self, crawl_id: str, site: str, options: dict) -> None:
        """Open a run (or reopen an interrupted one being resumed, keeping its counts)."""
        if self.crawl(crawl_id):
            self.db.table("crawls").update(crawl_id, {"status": "running", "finished_at": None})
            return
        self.db.table("crawls").insert(
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

    def stored_by(self, crawl_id: str) -> dict[str, int]:
        """The new and changed articles a crawl really stored (its versions), as counted rows."""
        new, changed = self.db.execute(
            "select count(*) filter (where version = 1), count(*) filter (where version > 1) "
            "from article_versions where crawl_id = ?",
            [crawl_id],
        ).fetchone()
        return {"articles_new": new, "articles_changed": changed}

    def failure_count(self, crawl_id: str) -> int:
        return self.db.execute(
            "select count(*) from failures where crawl_id = ? and kind is not 'requisite'", [crawl_id]
        ).fetchone()[0]

    def finish_crawl(self, crawl_id: str, status: str, counts: dict[str, int]) -> None:
        """Close a run; counts add up, so a resumed run keeps what its first part counted."""
        sets = ", ".join(f"{k} = coalesce({k}, 0) + ?" for k in counts)
        self.db.execute(
            f"update crawls set finished_at = ?, status = ?, {sets} where id = ?",  # noqa: S608 - fixed names
            [utcnow(), status, *counts.values(), crawl_id],
        )

    def crawl(self, crawl_id: str) -> dict | None:
        rows = list(self.db.table("crawls").rows_where("id = ?", [crawl_id]))
        return rows[0] if rows else None

    def resumable_crawl(self, site: str) -> str | None:
        """The newest run of this site left `running` by a dead process (call with the site
        lock held); older ones are marked interrupted."""
        rows = self.db.execute(
            "select id from crawls where site = ? and status = 'running' order by started_at desc", [site]
        ).fetchall()
        for (older,) in rows[1:]:
            self.db.table("crawls").update(older, {"status": "interrupted"})
        return rows[0][0] if rows else None

    def last_crawls(self) -> dict[str, dict]:
        """Each site's latest crawl (by start time)."""
        last = {}
        sql = f"select {', '.join(_CRAWL_COLUMNS)} from crawls order by started_at"  # noqa: S608
        for row in self.db.execute(sql):
            crawl = dict(zip(_CRAWL_COLUMNS, row, strict=True))
            last[crawl["site"]] = crawl
        return last

    def last_crawl(self, site: str) -> dict | None:
        sql = (
            f"select {', '.join(_CRAWL_COLUMNS)} from crawls where site = ? order by started_at desc limit 1"  # noqa: S608
        )
        row = self.db.execute(sql, [site]).fetchone()
        return dict(zip(_CRAWL_COLUMNS, row, strict=True)) if row else None

    def known_sites(self) -> list[str]:
        """Every site crawled or scheduled, by name."""
        return sorted(
            r[0] for r in self.db.execute("select site from crawls union select site from schedules")
        )

    def crawl_start_urls(self, profiles: dict) -> dict[str, tuple[str, ...]]:
        """Crawl id -> the start pages it fetched: its profile's, on the --base-url it had."""
        found = {}
        for crawl_id, site, options in self.db.execute("select id, site, options from crawls"):
            profile = profiles.get(site)
            if profile is None:
                continue
            base = json.loads(options or "{}").get("base_url")
            found[crawl_id] = (profile.rebased(base) if base else profile).start_urls
        return found
