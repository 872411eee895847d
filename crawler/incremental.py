"""When to fetch a URL again: the refetch window of SPEC "Incremental and scheduled runs"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from crawler.extract.dates import CHINA


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def young_enough(
    published_at: str | None, first_seen_at: str | None, window_days: int, now: datetime
) -> bool:
    """A known article is refetched while published (or, date unknown, first seen) within the window."""
    if window_days <= 0:
        return False
    day = _day(published_at) or _day(first_seen_at)
    if day is None:
        return True  # nothing tells its age: better one conditional request than a missed edit
    return now.astimezone(CHINA).date() - day < timedelta(days=window_days)


def older_than(published_at: str | None, since: str | None) -> bool:
    """True when a date is known and falls before --since (YYYY-MM-DD)."""
    return bool(since and published_at and published_at[:10] < since)
