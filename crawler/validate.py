"""Settings checked before a crawl starts: a bad value is one line and exit 2, never a crawl
that runs and archives nothing (`--set ARCHIVE_WARC_MAX_SIZE=abc` used to fail every page's
capture) or one that cannot be stopped (`--concurrency -3`, `delay = inf`)."""

from __future__ import annotations

import math

# Bounds that still describe a crawl a person meant: a delay of a day between two requests to
# one host is a mistake, not politeness.
MAX_DELAY = 3600.0
MAX_TIMEOUT = 24 * 3600.0
# A refetch window of more than a hundred years is a typo, and past it dates overflow.
MAX_WINDOW_DAYS = 36500

_COUNTS_FROM_1 = (
    "NEWSARCHIVE_DEMO_EDITION",
    "NEWSARCHIVE_CONCURRENT_SITES",
    "NEWSARCHIVE_MAX_ARTICLE_PAGES",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "CONCURRENT_ITEMS",
)
_COUNTS_FROM_0 = (
    "CONCURRENT_REQUESTS_PER_IP",
    "RETRY_TIMES",
    "REDIRECT_MAX_TIMES",
    "DEPTH_LIMIT",
    "CLOSESPIDER_PAGECOUNT",
    "CLOSESPIDER_ITEMCOUNT",
    "CLOSESPIDER_ERRORCOUNT",
    "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_WARNSIZE",
    "NEWSARCHIVE_EXTRACT_WORKERS",
    "NEWSARCHIVE_REQUISITE_MAXSIZE",
    "NEWSARCHIVE_RECHECK_BUDGET",
)
_SECONDS = (
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_START_DELAY",
    "AUTOTHROTTLE_MAX_DELAY",
    "NEWSARCHIVE_RETRY_BACKOFF",
)
_TIMEOUTS = (
    "DOWNLOAD_TIMEOUT",
    "CLOSESPIDER_TIMEOUT",
    "NEWSARCHIVE_RETRY_AFTER_MAX",
    "NEWSARCHIVE_EXTRACT_TIMEOUT",
    "NEWSARCHIVE_COMMIT_INTERVAL",
    "NEWSARCHIVE_PROGRESS_INTERVAL",
)
_SWITCHES = (
    "NEWSARCHIVE_HOST_GATE_ENABLED",
    "ARCHIVE_WARC_ENABLED",
    "ARCHIVE_CDXJ_ENABLED",
    "AUTOTHROTTLE_ENABLED",
    "ROBOTSTXT_OBEY",
    "NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES",
    "NEWSARCHIVE_REQUISITES_ON_LISTS",
)
_CHOICES = {
    "NEWSARCHIVE_TARGET_SCRIPT": ("hans", "hant", "none"),
    "NEWSARCHIVE_REQUISITES": ("all", "images", "off"),
    "LOG_LEVEL": ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"),
}
# Ours that are not in crawler/settings.py: set by the commands themselves.
_SET_BY_COMMANDS = frozenset(
    {"NEWSARCHIVE_SITE", "NEWSARCHIVE_REDIS_KEYS", "NEWSARCHIVE_REDIS_IDLE", "NEWSARCHIVE_WORKER_ID"}
)


def known_setting(name: str) -> bool:
    """Whether a NEWSARCHIVE_/ARCHIVE_ name is one of ours (a misspelt one would be ignored
    without a word); any other name is Scrapy's or a plugin's, which Scrapy takes as given."""
    if not name.startswith(("NEWSARCHIVE_", "ARCHIVE_")):
        return True
    from crawler import settings as defaults

    return hasattr(defaults, name) or name in _SET_BY_COMMANDS


def _number(settings, name: str):
    value = settings.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} is not a finite number")
    return number


def _count(settings, name: str, least: int) -> None:
    number = _number(settings, name)
    if number is None:
        return
    if number != int(number) or number < least:
        raise ValueError(f"{name}={settings.get(name)!r} must be a whole number, {least} or more")


def _seconds(settings, name: str, most: float) -> None:
    number = _number(settings, name)
    if number is not None and not 0 <= number <= most:
        raise ValueError(f"{name}={settings.get(name)!r} must be between 0 and {most:g} seconds")


def check_settings(settings, given: tuple[str, ...] = ()) -> None:
    """Raise ValueError naming the first setting whose value a crawl cannot use; `given`: the
    names a person set (--set), which must exist."""
    for name in given:
        if not known_setting(name):
            raise ValueError(f"unknown setting {name} (newsarchive's are listed in README, Settings)")
    for name in _COUNTS_FROM_1:
        _count(settings, name, 1)
    for name in _COUNTS_FROM_0:
        _count(settings, name, 0)
    for name in _SECONDS:
        _seconds(settings, name, MAX_DELAY)
    for name in _TIMEOUTS:
        _seconds(settings, name, MAX_TIMEOUT)
    size = _number(settings, "ARCHIVE_WARC_MAX_SIZE")
    if size is not None and (size != int(size) or size < 1024):
        raise ValueError(
            f"ARCHIVE_WARC_MAX_SIZE={settings.get('ARCHIVE_WARC_MAX_SIZE')!r} must be a whole number of "
            "bytes, 1024 or more"
        )
    for name in _SWITCHES:
        value = settings.get(name)
        if isinstance(value, str) and value.strip().lower() not in ("0", "1", "true", "false"):
            raise ValueError(f"{name}={value!r} must be 1 or 0 (True or False)")
    codes = settings.get("RETRY_HTTP_CODES")
    if codes is not None:
        try:
            listed = settings.getlist("RETRY_HTTP_CODES")
            if not all(100 <= int(c) <= 599 for c in listed):
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(
                f"RETRY_HTTP_CODES={codes!r} must be HTTP status codes separated by commas (500,502,503)"
            ) from None
    from crawler.safety import parse_networks

    try:
        parse_networks(settings.getlist("NEWSARCHIVE_ALLOWED_ADDRESSES"))
    except ValueError as exc:
        raise ValueError(f"NEWSARCHIVE_ALLOWED_ADDRESSES: {exc}") from None
    now = settings.get("NEWSARCHIVE_NOW")
    if now:
        run_clock(settings)
    recheck = settings.get("NEWSARCHIVE_RECHECK")
    if recheck:
        from crawler.lifecycle.plan import parse_intervals

        parse_intervals(recheck, "NEWSARCHIVE_RECHECK")
    for name, allowed in _CHOICES.items():
        value = settings.get(name)
        if value is not None and str(value).upper() not in {a.upper() for a in allowed}:
            raise ValueError(f"{name}={value!r} must be one of {', '.join(allowed)}")


def parse_time(value: str):
    """A time as ISO 8601 (UTC unless it says otherwise), as an aware UTC datetime; ValueError
    for anything else."""
    from datetime import UTC, datetime

    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def run_clock(settings):
    """The run's clock: NEWSARCHIVE_NOW, else the wall clock."""
    from datetime import UTC, datetime

    value = settings.get("NEWSARCHIVE_NOW")
    if not value:
        return datetime.now(UTC)
    try:
        return parse_time(value)
    except ValueError:
        raise ValueError(
            f"NEWSARCHIVE_NOW={value!r} is not a time as ISO 8601 writes it (2026-05-03T14:00:00Z)"
        ) from None
