"""Recurring crawls: intervals and cron expressions, and when a schedule is next due (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A crawl less often than once a year is no schedule; longer intervals overflow dates.
MAX_EVERY = 366 * 86400


def parse_every(text: str) -> int:
    """'2h', '30m', '1d', '90s' or '1h30m' -> seconds."""
    parts = re.findall(r"(\d+)\s*([smhdw])", text.strip().lower())
    if not parts or "".join(n + u for n, u in parts) != re.sub(r"\s+", "", text.strip().lower()):
        raise ValueError(f"--every wants a duration like 2h, 30m or 1d, not {text!r}")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds < 60:
        raise ValueError("--every must be at least 1 minute")
    if seconds > MAX_EVERY:
        raise ValueError(f"--every must be at most {MAX_EVERY // 86400} days (a year), not {text!r}")
    return seconds


_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)


def _field(spec: str, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in spec.split(","):
        m = re.fullmatch(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?", part)
        if not m:
            raise ValueError(f"cron {name}: cannot read {part!r}")
        rng, step = m.group(1), int(m.group(2) or 1)
        if rng == "*":
            start, end = low, high
        elif "-" in rng:
            start, end = (int(x) for x in rng.split("-"))
        else:
            start = end = int(rng)
            if m.group(2):
                end = high
        if name == "day of week" and end == 7:  # both 0 and 7 are Sunday
            values.add(0)
            end = 6 if start <= 6 else 7
        if not (low <= start <= end <= high) or step < 1:
            raise ValueError(f"cron {name}: {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


class Cron:
    """A five-field cron expression (minute hour day-of-month month day-of-week), in UTC."""

    def __init__(self, expr: str):
        fields = expr.split()
        if len(fields) != 5:
            raise ValueError(f"a cron expression has 5 fields (minute hour day month weekday), not {expr!r}")
        self.expr = expr
        self.minute, self.hour, self.dom, self.month, self.dow = (
            _field(f, name, lo, hi) for f, (name, lo, hi) in zip(fields, _FIELDS, strict=True)
        )
        # cron's rule: when both day fields are restricted, either may match.
        self.dom_any, self.dow_any = fields[2] == "*", fields[4] == "*"

    def _day_ok(self, t: datetime) -> bool:
        dom, dow = t.day in self.dom, (t.weekday() + 1) % 7 in self.dow
        if self.dom_any or self.dow_any:
            return dom and dow
        return dom or dow

    def next_after(self, t: datetime) -> datetime:
        t = (t + timedelta(minutes=1)).replace(second=0, microsecond=0)
        for _ in range(60 * 24 * 366 * 5):  # bounded: an impossible date (Feb 30) stops after 5 years
            if t.month not in self.month:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            elif not self._day_ok(t):
                t = (t + timedelta(days=1)).replace(hour=0, minute=0)
            elif t.hour not in self.hour:
                t = (t + timedelta(hours=1)).replace(minute=0)
            elif t.minute not in self.minute:
                t += timedelta(minutes=1)
            else:
                return t
        raise ValueError(f"cron {self.expr!r} never matches")


def next_due(
    now: datetime, every: int | None = None, cron: str | None = None, anchor: datetime | None = None
) -> datetime:
    """The first slot strictly after now: a machine that was off runs a missed crawl once, not
    once per missed slot. Interval slots stay on the grid of their anchor (when first added)."""
    now = now.astimezone(UTC)
    if cron:
        return Cron(cron).next_after(now)
    if not every:
        raise ValueError("a schedule needs --every or --cron")
    anchor = (anchor or now).astimezone(UTC)
    if anchor > now:
        return anchor
    steps = int((now - anchor).total_seconds() // every) + 1
    return anchor + timedelta(seconds=steps * every)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
