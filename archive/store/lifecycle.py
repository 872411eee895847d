"""Checks of stored articles and the statuses they make (the policy is crawler/lifecycle/).

`checks` has one row per check; `article_status` one row per article checked at least once,
recomputed from its checks (`refresh_statuses`) when a crawl ends: a crawl killed half-way
leaves whole check rows and no status computed from half of them.
"""

from __future__ import annotations

from archive.store.connection import Connection
from archive.store.rows import deleted_filters, insert

CHECK_COLUMNS = (
    "url",
    "site",
    "crawl_id",
    "checked_at",
    "outcome",
    "verdict",
    "how",
    "status",
    "redirect_to",
    "notice",
    "warc_filename",
    "warc_offset",
    "warc_record_id",
)
STATUS_COLUMNS = ("status", "last_seen_live", "deleted_at", "how")


class Lifecycle(Connection):
    def add_check(self, row: dict) -> None:
        insert(self.db, "checks", {k: row.get(k) for k in CHECK_COLUMNS})

    def start_status(self, url: str, site: str, seen_at: str) -> None:
        """A new article: live from its first capture (in the run's clock, which the
        recheck schedule counts from)."""
        self.db.execute(
            "insert or ignore into article_status (url, site, status, last_seen_live, since) "
            "values (?, ?, 'live', ?, ?)",
            [url, site, seen_at, seen_at],
        )

    def checks_of(self, url: str) -> list[dict]:
        cursor = self.db.execute(
            "select id, " + ", ".join(CHECK_COLUMNS) + " from checks where url = ? order by checked_at, id",
            [url],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def recheck_candidates(self, site: str):
        """(url, first seen, last check, last verdict, awaiting since) of a site's articles."""
        return self.db.execute(
            "select a.url, coalesce(s.since, a.first_seen_at), s.last_check_at, s.last_verdict, s.awaiting_at "
            "from articles a left join article_status s on s.url = a.url where a.site = ?",
            [site],
        )

    def crawl_site_down(self, crawl_id: str, start_urls: tuple[str, ...]) -> bool:
        """Whether a crawl found the site itself down: none of its start pages answered."""
        if not start_urls:
            return False
        marks = ", ".join("?" * len(start_urls))
        asked = self.db.execute(
            f"select count(*), sum(status in (200, 304)) from captures where crawl_id = ? and url in ({marks})",  # noqa: S608
            [crawl_id, *start_urls],
        ).fetchone()
        return not asked[1]

    def demote_gone(self, crawl_id: str) -> int:
        """A crawl that found the site down: its gone answers say nothing about the articles."""
        cur = self.db.execute(
            "update checks set verdict = 'unknown', notice = coalesce(notice || '; ', '') || "
            "'the site itself was down in this crawl' where crawl_id = ? and verdict = 'gone'",
            [crawl_id],
        )
        return cur.rowcount

    def unsettled_checks(self, site: str) -> list[tuple[str, str | None]]:
        """(url, crawl id) of a site's checks newer than their article's status."""
        return self.db.execute(
            "select distinct c.url, c.crawl_id from checks c left join article_status s on s.url = c.url "
            "where c.site = ? and (s.last_check_id is null or c.id > s.last_check_id)",
            [site],
        ).fetchall()

    def refresh_statuses(self, urls) -> int:
        """Recompute the status of each URL from all its checks; returns how many changed."""
        from crawler.lifecycle.status import Check, status_of

        changed = 0
        with self.transaction():
            for url in urls:
                row = self.db.execute(
                    "select a.site, coalesce(s.since, a.first_seen_at), s.status, s.deleted_at from articles a "
                    "left join article_status s on s.url = a.url where a.url = ?",
                    [url],
                ).fetchone()
                if row is None:
                    continue
                site, since, old_status, old_deleted = row
                checks = self.checks_of(url)
                state = status_of(since, [Check(c["checked_at"], c["verdict"], c["how"]) for c in checks])
                self.db.execute(
                    "insert or replace into article_status (url, site, status, last_seen_live, deleted_at, how, "
                    "last_check_at, last_verdict, awaiting_at, restorations, since, last_check_id) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        url,
                        site,
                        state.status,
                        state.last_seen_live,
                        state.deleted_at,
                        state.how,
                        state.last_check_at,
                        state.last_verdict,
                        state.awaiting.checked_at if state.awaiting else None,
                        len(state.restorations),
                        since,
                        max((c["id"] for c in checks), default=None),
                    ],
                )
                changed += (state.status, state.deleted_at) != (old_status, old_deleted)
        return changed

    def deleted_articles(
        self, site: str | None = None, since: str | None = None, until: str | None = None
    ) -> list[dict]:
        """The deleted articles, newest deletion first, with their last live capture."""
        where, params = deleted_filters(site, since, until)
        rows = self.db.execute(
            "select a.url, a.site, a.title, a.published_at, s.last_seen_live, s.deleted_at, s.how "
            "from article_status s join articles a on a.url = s.url where "
            + " and ".join(where)
            + " order by s.deleted_at desc, a.url",
            params,
        ).fetchall()
        found = []
        for url, site_, title, published, live, deleted, how in rows:
            warc = self.last_live_capture(url)
            found.append(
                {
                    "url": url,
                    "site": site_,
                    "title": title,
                    "published_at": published,
                    "last_seen_live": live,
                    "deleted_at": deleted,
                    "how": how,
                    "warc_file": warc[0] if warc else None,
                    "warc_offset": warc[1] if warc else None,
                }
            )
        return found

    def last_live_capture(self, url: str) -> tuple[str, int] | None:
        """The WARC record of the last capture of a URL that answered as the article: the
        response or revisit of its last live check, else its stored version's response."""
        row = self.db.execute(
            "select warc_filename, warc_offset from checks where url = ? and verdict = 'live' "
            "and warc_filename is not null order by checked_at desc, id desc limit 1",
            [url],
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "select warc_filename, warc_offset from articles where url = ?", [url]
            ).fetchone()
        return (row[0], row[1]) if row and row[0] else None

    def status_of_url(self, url: str) -> dict:
        row = self.db.execute(
            "select status, last_seen_live, deleted_at, how, restorations from article_status where url = ?",
            [url],
        ).fetchone()
        if row is None:
            seen = self.db.execute("select first_seen_at from articles where url = ?", [url]).fetchone()
            return {
                "status": "live",
                "last_seen_live": seen[0] if seen else None,
                "deleted_at": None,
                "how": None,
                "restorations": 0,
            }
        return dict(zip(("status", "last_seen_live", "deleted_at", "how", "restorations"), row, strict=True))

    def check_outcomes(self, crawl_id: str) -> dict[str, int]:
        """Outcome -> checks of a crawl."""
        return dict(
            self.db.execute(
                "select outcome, count(*) from checks where crawl_id = ? group by outcome", [crawl_id]
            )
        )

    def deleted_by(self, crawl_id: str) -> int:
        """Articles whose deletion a crawl confirmed (found gone again, an hour or more later)."""
        return self.db.execute(
            "select count(distinct s.url) from article_status s join checks c on c.url = s.url "
            "where s.status = 'deleted' and c.crawl_id = ? and c.verdict = 'gone'",
            [crawl_id],
        ).fetchone()[0]

    def deleted_count(self, site: str) -> int:
        return self.db.execute(
            "select count(*) from article_status where site = ? and status = 'deleted'", [site]
        ).fetchone()[0]

    def deletions_per_day(self) -> dict[str, dict[str, int]]:
        """Day of deletion -> site -> articles deleted that day."""
        per_day: dict[str, dict[str, int]] = {}
        for site, day, n in self.db.execute(
            "select site, substr(deleted_at, 1, 10) d, count(*) from article_status where status = 'deleted' "
            "group by site, d order by d"
        ):
            per_day.setdefault(day, {})[site] = n
        return per_day

    def history(self, url: str) -> dict | None:
        """An article's timeline (captures, versions, checks) and status; None if not stored."""
        row = self.db.execute(
            "select site, title, first_seen_at from articles where url = ?", [url]
        ).fetchone()
        if row is None:
            return None
        site, title, first_seen = row
        since = self.db.execute("select since from article_status where url = ?", [url]).fetchone()
        since = since[0] if since and since[0] else first_seen
        checks = self.checks_of(url)
        # A version a check found is shown at the check's time (the run's clock, as the checks
        # are), merged with that check.
        by_record = {
            c["warc_record_id"]: c for c in checks if c["outcome"] == "changed" and c["warc_record_id"]
        }
        merged: set[int] = set()
        timeline: list[dict] = []
        for version, at, vtitle, record_id, filename, offset in self.db.execute(
            "select version, fetched_at, title, warc_record_id, warc_filename, warc_offset from article_versions "
            "where url = ? order by version",
            [url],
        ):
            found = by_record.get(record_id)
            if found is not None:
                merged.add(found["id"])
                at = found["checked_at"]
            elif version == 1:
                at = since
            timeline.append(
                {
                    "at": at,
                    "event": "captured" if version == 1 else "version",
                    "detail": f"version {version}: {vtitle or ''}",
                    "version": version,
                    "warc_file": filename,
                    "warc_offset": offset,
                }
            )
        timeline += [_check_event(c) for c in checks if c["id"] not in merged]
        status = self.status_of_url(url)
        from crawler.lifecycle.status import Check, status_of

        state = status_of(since, [Check(c["checked_at"], c["verdict"], c["how"]) for c in checks])
        for deleted_at, restored_at in state.restorations:
            timeline.append(
                {"at": restored_at, "event": "restored", "detail": f"back after its deletion of {deleted_at}"}
            )
        if status["deleted_at"]:
            timeline.append(
                {
                    "at": status["deleted_at"],
                    "event": "deleted",
                    "detail": f"first found gone ({status['how']})",
                }
            )
        order = {"captured": 0, "version": 1, "check": 2, "deleted": 3, "restored": 3}
        timeline.sort(key=lambda e: (e["at"], order[e["event"]]))
        return {"url": url, "site": site, "title": title, "status": status, "timeline": timeline}

    def articles_and_versions(self):
        """(url, site, [(record id, body) of each version, in order], pages) of every article."""
        pages = dict(self.db.execute("select article_url, count(*) from article_pages group by article_url"))
        versions: dict[str, list] = {}
        for url, record_id, body in self.db.execute(
            "select url, warc_record_id, body from article_versions order by url, version"
        ):
            versions.setdefault(url, []).append((record_id, body))
        for url, site in self.db.execute("select url, site from articles order by url").fetchall():
            if url in versions:
                yield url, site, versions[url], pages.get(url, 1)

    def checked_crawls(self) -> list[str]:
        return [
            c for (c,) in self.db.execute("select distinct crawl_id from checks where crawl_id is not null")
        ]


def _check_event(check: dict) -> dict:
    """A check as an event of an article's timeline."""
    detail = check["outcome"]
    if check["status"]:
        detail += f" (HTTP {check['status']})"
    if check["redirect_to"]:
        detail += f" -> {check['redirect_to']}"
    if check["notice"]:
        detail += f": {check['notice']}"
    return {
        "at": check["checked_at"],
        "event": "check",
        "detail": detail,
        "outcome": check["outcome"],
        "verdict": check["verdict"],
        "status": check["status"],
        "warc_file": check["warc_filename"],
        "warc_offset": check["warc_offset"],
    }
