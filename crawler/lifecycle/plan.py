"""When a stored article is checked again: the decaying recheck schedule.

An article is checked at fixed offsets after its first capture (1 h, 6 h, 1 d, 3 d, 7 d,
30 d by default), then every `last offset` after that: deletions and edits come mostly in the
first hours and days. The next due time depends only on the first capture, the last check and
what that check found, so it can be recomputed from the checks table at any time (`reextract`,
a killed run) and is never state of its own.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from crawler.errors import UsageError

DEFAULT_RECHECK = ("1h", "6h", "1d", "3d", "7d", "30d")
# A gone answer is confirmed by a second check this long after it (one bad answer is not a
# deletion); an unavailable one is tried again after as long.
CONFIRM_AFTER = timedelta(hours=1)
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_INTERVAL = re.compile(r"(\d{1,5})([mhdw])")


class IntervalError(UsageError, ValueError):
    """A recheck list that is no list of intervals (exit 2, one line)."""


def parse_intervals(value: str | list | tuple, where: str = "--recheck") -> tuple[timedelta, ...]:
    """'1h,6h,1d' (or a list of such strings) as increasing offsets; () for 'off'. A bad value
    is a UsageError naming `where`."""
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    if items in (["off"], ["none"], []):
        return ()
    offsets = []
    for item in items:
        found = _INTERVAL.fullmatch(item.strip().lower()) if isinstance(item, str) else None
        if found is None or int(found[1]) == 0:
            raise IntervalError(
                f"{where}: {item!r} is not an interval (a number and m, h, d or w: 1h, 6h, 1d, 7d), or 'off'"
            )
        offsets.append(timedelta(seconds=int(found[1]) * _UNITS[found[2]]))
    if offsets != sorted(set(offsets)):
        raise IntervalError(f"{where}: the intervals must grow (1h,6h,1d, not 1d,6h)")
    return tuple(offsets)


def next_due(
    first_seen: datetime,
    last_check: datetime | None,
    offsets: tuple[timedelta, ...],
    *,
    awaiting_confirmation: bool = False,
    unavailable: bool = False,
) -> datetime | None:
    """When the article is next due for a check (None: never, rechecks are off)."""
    if not offsets:
        return None
    after = last_check or first_seen
    if awaiting_confirmation or unavailable:
        return after + CONFIRM_AFTER
    for offset in offsets:
        if first_seen + offset > after:
            return first_seen + offset
    # Past the list: every last offset, counted from the last one.
    step = offsets[-1]
    missed = (after - (first_seen + offsets[-1])) // step + 1
    return first_seen + offsets[-1] + missed * step


def due_rechecks(rows, now: datetime, offsets: tuple[timedelta, ...], budget: int) -> tuple[list[str], int]:
    """The URLs due for a check at `now`, most overdue first, at most `budget` of them; and how
    many more were due (they wait for the next run). `rows` are (url, first seen, last check,
    last verdict, awaiting since) as the store gives them."""
    from crawler.validate import parse_time

    if not offsets or budget <= 0:
        return [], 0
    due: list[tuple[datetime, str]] = []
    for url, first_seen, last_check, last_verdict, awaiting in rows:
        if not first_seen:
            continue
        when = next_due(
            parse_time(first_seen),
            parse_time(last_check) if last_check else None,
            offsets,
            awaiting_confirmation=bool(awaiting),
            unavailable=last_verdict == "unknown",
        )
        if when is not None and when <= now:
            due.append((when, url))
    due.sort()
    return [url for _, url in due[:budget]], max(len(due) - budget, 0)
