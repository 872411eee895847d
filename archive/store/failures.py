"""Failures: what a crawl could not fetch, archive or extract, and why (one row each)."""

from __future__ import annotations

from archive.store.connection import Connection
from archive.store.rows import utcnow

REASON_MAX = 2000  # characters of a reason kept: a traceback's last lines say enough


class Failures(Connection):
    def add_failure(self, crawl_id: str, url: str, stage: str, reason: str) -> None:
        self.db.table("failures").insert(
            {"crawl_id": crawl_id, "url": url, "stage": stage, "reason": reason[:REASON_MAX], "at": utcnow()}
        )

    def failures_by_stage(self, crawl_id: str) -> list[tuple[str, int]]:
        """(stage, failures) of a crawl, most first."""
        return self.db.execute(
            "select stage, count(*) from failures where crawl_id = ? group by stage order by 2 desc",
            [crawl_id],
        ).fetchall()

    def first_failures(self, crawl_id: str, limit: int) -> list[tuple[str, str, str]]:
        """(stage, url, reason) of a crawl's first failures."""
        return self.db.execute(
            "select stage, url, reason from failures where crawl_id = ? order by id limit ?",
            [crawl_id, limit],
        ).fetchall()

    def failures_per_site(self) -> dict[str, int]:
        return dict(
            self.db.execute(
                "select c.site, count(*) from failures f join crawls c on c.id = f.crawl_id group by c.site"
            )
        )
