"""Schedules: one row per site crawled on a recurring basis (`newsarchive schedule`). When a
schedule is due is computed in crawler/schedule.py; here are only its rows."""

from __future__ import annotations

from archive.store.connection import Connection


class Schedules(Connection):
    def put_schedule(self, row: dict) -> None:
        """Add a site's schedule, or replace the one it has."""
        self.db.table("schedules").insert(row, replace=True)

    def schedule(self, site: str) -> dict | None:
        rows = list(self.db.table("schedules").rows_where("site = ?", [site]))
        return rows[0] if rows else None

    def schedules(self) -> list[dict]:
        return list(self.db.table("schedules").rows_where(order_by="site"))

    def due_schedules(self, now: str) -> list[dict]:
        """Schedules not paused and due at `now` (an ISO time), the longest overdue first."""
        return list(
            self.db.table("schedules").rows_where(
                "paused = 0 and next_due_at <= ?", [now], order_by="next_due_at"
            )
        )

    def remove_schedule(self, site: str) -> None:
        self.db.table("schedules").delete(site)

    def pause_schedule(self, site: str, paused: bool) -> None:
        self.db.table("schedules").update(site, {"paused": int(paused)})

    def claim_schedule(self, site: str, claimer: str, now: str, stale_before: str) -> bool:
        """Atomically take a due schedule for `claimer`; another run-due then leaves it alone,
        unless the claim is older than `stale_before` (its claimer died)."""
        cur = self.db.execute(
            "update schedules set claimed_by = ?, claimed_at = ? where site = ? and paused = 0 and next_due_at <= ? "
            "and (claimed_by is null or claimed_at < ?)",
            [claimer, now, site, now, stale_before],
        )
        return cur.rowcount == 1

    def finish_schedule(self, site: str, next_due: str, crawl_id: str | None, status: str) -> None:
        """Release a schedule's claim after a run and set its next slot.

        Plain SQL inside the store's transaction: during a run this may be the crawlers' store,
        whose group transaction sqlite-utils' own commit would cut short."""
        with self.transaction():
            self.db.execute(
                "update schedules set claimed_by = null, claimed_at = null, next_due_at = ?, "
                "last_crawl_id = ?, last_status = ? where site = ?",
                [next_due, crawl_id, status, site],
            )
