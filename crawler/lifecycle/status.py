"""An article's status from its checks: live, deleted or unknown, and since when.

Pure: the status is a function of the first capture and the checks in time order, so it is
recomputed from the checks table whenever a check is added, and `reextract` rebuilds it from
the checks it reads back from the WARC files.

- A check's verdict is `live` (the article answered, changed or not, or moved to another
  article URL), `gone` (404/410, a redirect to the home page or a channel, a notice page) or
  `unknown` (the site could not answer: 5xx, 403/429, a timeout, no connection).
- An article is `deleted` once two gone checks at least an hour apart agree with nothing live
  between them; `deleted_at` is the first of them (the deletion happened between
  `last_seen_live` and it). One gone answer alone changes nothing.
- `unknown`: only unavailable answers since the last live one.
- A live answer after a deletion makes the article live again; the deletion stays in its
  history as a restoration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.lifecycle.plan import CONFIRM_AFTER


def _time(value: str) -> datetime:
    from crawler.validate import parse_time

    return parse_time(value)


@dataclass(frozen=True)
class Check:
    checked_at: str  # ISO 8601 UTC, as stored
    verdict: str  # live, gone, unknown
    how: str | None = None  # for a gone check: 404, 410, redirect, notice


@dataclass
class Status:
    status: str = "live"
    last_seen_live: str | None = None
    deleted_at: str | None = None
    how: str | None = None
    # A gone check not confirmed yet (the next check is due an hour after it).
    awaiting: Check | None = None
    last_check_at: str | None = None
    last_verdict: str | None = None
    # (deleted_at, restored_at) of each deletion that was undone.
    restorations: list[tuple[str, str]] = field(default_factory=list)


def status_of(first_seen: str, checks: list[Check]) -> Status:
    """The status after `checks` (oldest first) of an article first captured at `first_seen`."""
    state = Status(last_seen_live=first_seen)
    for check in checks:
        state.last_check_at, state.last_verdict = check.checked_at, check.verdict
        if check.verdict == "live":
            if state.status == "deleted" and state.deleted_at:
                state.restorations.append((state.deleted_at, check.checked_at))
            state.status, state.last_seen_live = "live", check.checked_at
            state.deleted_at = state.how = state.awaiting = None
        elif check.verdict == "gone":
            if state.status == "deleted":
                continue
            if state.awaiting is None:
                state.awaiting = check
            elif _time(check.checked_at) - _time(state.awaiting.checked_at) >= CONFIRM_AFTER:
                state.status = "deleted"
                state.deleted_at, state.how = state.awaiting.checked_at, state.awaiting.how
                state.awaiting = None
        elif state.status != "deleted":
            state.status = "unknown"
    return state
