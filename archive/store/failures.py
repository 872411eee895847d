"""Failures: what a crawl could not fetch, archive or extract, and why (one row each)."""

from __future__ import annotations

from archive.store.connection import Connection
from archive.store.rows import utcnow

REASON_MAX = 2000  # characters of a reason kept: a traceback's last lines say enough


class Failures(Connection):
    def add_failure(self, crawl_id: str, url: str, stage: str, reason: str, kind: str | None = None) -> None:
        self.db.table("failures").insert(
            {
                "crawl_id": crawl_id,
                "url": url,
                "stage": stage,
                "reason": reason[:REASON_MAX],
                "at": utcnow(),
                "kind": kind,
            }
        )

    def failures_by_stage(self, crawl_id: str) -> list[tuple[str, int]]:
        """(stage, failures) of a crawl, most first."""
        return self.db.execute(
            "select stage, count(*) from failures where crawl_id = ? and kind is not 'requisite' "
            "group by stage order by 2 desc",
            [crawl_id],
        ).fetchall()

    def first_failures(self, crawl_id: str, limit: int) -> list[tuple[str, str, str]]:
        """(stage, url, reason) of a crawl's first failures."""
        return self.db.execute(
            "select stage, url, reason from failures where crawl_id = ? and kind is not 'requisite' "
            "order by id limit ?",
            [crawl_id, limit],
        ).fetchall()

    def requisite_failures(self, crawl_id: str) -> int:
        return self.db.execute(
            "select count(*) from failures where crawl_id = ? and kind = 'requisite'", [crawl_id]
        ).fetchone()[0]

    def failures_per_site(self, requisites: bool = False) -> dict[str, int]:
        """Failures per site: of pages, or (requisites=True) of the pictures, styles and scripts."""
        which = "=" if requisites else "is not"
        return dict(
            self.db.execute(
                "select c.site, count(*) from failures f join crawls c on c.id = f.crawl_id "
                f"where f.kind {which} 'requisite' group by c.site"  # noqa: S608 - fixed words
            )
        )
