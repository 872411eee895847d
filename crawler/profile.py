"""Site profiles: what a site is and how to crawl it, as TOML data (never code).

A profile is checked when loaded; a mistake raises ProfileError naming the file and key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import regex

from crawler.errors import UsageError
from crawler.patterns import BoundedPattern, bounded
from crawler.validate import MAX_DELAY, MAX_WINDOW_DAYS

REQUISITE_MODES = ("all", "images", "off")
SELECTOR_KEYS = ("title", "body", "published_at", "source", "authors", "editor", "dateline", "related")


class ProfileError(UsageError, ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Profile:
    name: str
    domains: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    list_patterns: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    boilerplate: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    encoding: str | None = None
    refetch_window_days: int = 3
    delay: float | None = None
    concurrency: int | None = None
    # Page requisites archived with the pages: all, images or off (crawler/requisites.py).
    requisites: str = "all"
    # A CSS selector for the link to an article's next page, where pages are not numbered
    # after the first page's URL (crawler/extract/pager.py).
    next_page: str | None = None
    description: str = ""
    path: str | None = None
    # When stored articles are checked again (crawler/lifecycle/plan.py): intervals after the
    # first capture, as written ("1h", "6h", "1d"); () turns rechecks off.
    recheck: tuple[str, ...] = ("1h", "6h", "1d", "3d", "7d", "30d")

    @cached_property
    def article_res(self) -> tuple[BoundedPattern, ...]:
        return tuple(bounded(p) for p in self.article_patterns)

    @cached_property
    def list_res(self) -> tuple[BoundedPattern, ...]:
        return tuple(bounded(p) for p in self.list_patterns)

    @cached_property
    def boilerplate_res(self) -> tuple[BoundedPattern, ...]:
        return tuple(bounded(p) for p in self.boilerplate)

    def is_article_url(self, url: str) -> bool:
        return any(p.search(url) for p in self.article_res)

    def is_list_url(self, url: str) -> bool:
        return any(p.search(url) for p in self.list_res)

    def rebased(self, base_url: str) -> Profile:
        """The same profile served from another origin (a mirror, or the local demo server)."""
        new = urlsplit(base_url)
        if not new.scheme or not new.netloc:
            raise ProfileError(f"--base-url {base_url!r} is not an absolute http(s) URL")

        def move(url: str) -> str:
            old = urlsplit(url)
            return urlunsplit((new.scheme, new.netloc, old.path, old.query, old.fragment))

        host = new.hostname or ""
        return replace(
            self,
            domains=(host,),
            start_urls=tuple(move(u) for u in self.start_urls),
            feeds=tuple(move(u) for u in self.feeds),
            sitemaps=tuple(move(u) for u in self.sitemaps),
        )


_LIST_KEYS = (
    "domains",
    "start_urls",
    "feeds",
    "sitemaps",
    "article_patterns",
    "list_patterns",
    "boilerplate",
    "remove",
)
_KNOWN = set(_LIST_KEYS) | {
    "name",
    "description",
    "selectors",
    "encoding",
    "refetch_window_days",
    "delay",
    "concurrency",
    "requisites",
    "next_page",
    "recheck",
}


def _fail(path: Path | str, key: str, why: str) -> ProfileError:
    return ProfileError(f"{path}: {key}: {why}")


def profile_from_dict(data: dict, path: Path | str) -> Profile:
    """A Profile from a profile file's table; a bad key or value is a ProfileError naming both."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise _fail(path, unknown[0], f"unknown key (known: {', '.join(sorted(_KNOWN))})")
    name = data.get("name", Path(str(path)).stem)
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", name):
        raise _fail(
            path, "name", "must be lower-case letters, digits, '-' or '_' (it names files and folders)"
        )
    values: dict = {"name": name, "path": str(path), **_lists(data, path)}
    values["selectors"] = _selectors(data, path, values["remove"])
    values.update(_politeness(data, path))
    encoding = data.get("encoding")
    if encoding is not None:
        from crawler.decode import normalise_label

        if not isinstance(encoding, str) or normalise_label(encoding) is None:
            raise _fail(path, "encoding", f"unknown encoding {encoding!r}")
    values["encoding"] = encoding
    requisites = data.get("requisites", "all")
    if requisites not in REQUISITE_MODES:
        raise _fail(path, "requisites", f"must be one of {', '.join(REQUISITE_MODES)}")
    values["requisites"] = requisites
    next_page = data.get("next_page")
    if next_page is not None:
        if not isinstance(next_page, str) or not next_page.strip():
            raise _fail(path, "next_page", "must be a CSS selector string")
        _check_css(path, "next_page", next_page)
    values["next_page"] = next_page
    values["description"] = str(data.get("description", ""))
    if "recheck" in data:
        values["recheck"] = _recheck(data["recheck"], path)
    return Profile(**values)


def _recheck(value, path: Path | str) -> tuple[str, ...]:
    """The `recheck` key: a list of intervals, or "off" (or an empty list)."""
    from crawler.lifecycle.plan import parse_intervals

    if value == "off" or value == []:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, "recheck", 'must be a list of intervals (["1h", "1d", "7d"]) or "off"')
    try:
        parse_intervals(value, "recheck")
    except ValueError as exc:
        raise _fail(path, "recheck", str(exc).removeprefix("recheck: ")) from None
    return tuple(value)


def _lists(data: dict, path: Path | str) -> dict:
    """The list keys: URLs, domains, patterns (each a regular expression that compiles)."""
    values: dict = {}
    for key in _LIST_KEYS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _fail(path, key, "must be a list of non-empty strings")
        values[key] = tuple(value)
    for key in ("article_patterns", "list_patterns", "boilerplate"):
        for pattern in values[key]:
            try:
                bounded(pattern)
            except (regex.error, re.error) as exc:
                raise _fail(path, key, f"bad regular expression {pattern!r}: {exc}") from None
    for url in values["start_urls"] + values["feeds"] + values["sitemaps"]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise _fail(path, "start_urls", f"{url!r} is not an http(s) URL")
    if not values["domains"]:
        raise _fail(path, "domains", "at least one domain is required")
    if not (values["start_urls"] or values["feeds"] or values["sitemaps"]):
        raise _fail(path, "start_urls", "give at least one start URL, feed or sitemap")
    return values


def _selectors(data: dict, path: Path | str, remove: tuple[str, ...]) -> dict:
    """The field selectors (and the `remove` list): known fields, CSS that compiles."""
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        raise _fail(path, "selectors", "must be a table")
    for key, css in selectors.items():
        if key not in SELECTOR_KEYS:
            raise _fail(path, f"selectors.{key}", f"unknown selector (known: {', '.join(SELECTOR_KEYS)})")
        if not isinstance(css, str):
            raise _fail(path, f"selectors.{key}", "must be a CSS selector string")
        _check_css(path, f"selectors.{key}", css)
    for css in remove:
        _check_css(path, "remove", css)
    return dict(selectors)


def _check_css(path: Path | str, key: str, css: str) -> None:
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(css)
    except Exception as exc:
        raise _fail(path, key, f"bad CSS selector {css!r}: {exc}") from None


def _politeness(data: dict, path: Path | str) -> dict:
    """How often and how fast: the refetch window, the delay between requests, the concurrency."""
    window = data.get("refetch_window_days", 3)
    if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= MAX_WINDOW_DAYS:
        raise _fail(
            path, "refetch_window_days", f"must be a whole number of days from 0 to {MAX_WINDOW_DAYS}"
        )
    delay = data.get("delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY
    ):  # also refuses nan and inf, which would stall the crawl beyond any SIGTERM
        raise _fail(path, "delay", f"must be a number of seconds between 0 and {MAX_DELAY:g}")
    concurrency = data.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise _fail(path, "concurrency", "must be a whole number, 1 or more")
    return {"refetch_window_days": window, "delay": delay, "concurrency": concurrency}


def load_profile(path) -> Profile:
    """Load one profile file (a Path, or a bundled resource inside an installed egg or wheel)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not a profile: not UTF-8 text") from None
    return profile_from_dict(data, path)


def bundled_profile_files() -> list:
    # importlib.resources also reads them from a zipped egg (Scrapyd), where paths do not exist.
    from importlib.resources import files

    return sorted(
        (f for f in (files("crawler") / "sites").iterdir() if f.name.endswith(".toml")), key=lambda f: f.name
    )


def load_profiles(extra_dirs: list[str] | tuple[str, ...] = ()) -> dict[str, Profile]:
    """All profiles by name; a user's directory overrides a bundled profile of the same name."""
    profiles: dict[str, Profile] = {}
    for resource in bundled_profile_files():
        profile = load_profile(resource)
        profiles[profile.name] = profile
    for directory in (Path(d) for d in extra_dirs):
        if not directory.is_dir():
            raise ProfileError(f"{directory}: not a directory of profiles")
        for path in sorted(directory.glob("*.toml")):
            profile = load_profile(path)
            profiles[profile.name] = profile
    return profiles


def get_profile(name: str, extra_dirs: list[str] | tuple[str, ...] = ()) -> Profile:
    profiles = load_profiles(extra_dirs)
    try:
        return profiles[name]
    except KeyError:
        known = ", ".join(sorted(profiles)) or "none"
        raise ProfileError(f"no site profile named {name!r} (known: {known})") from None


def as_list(value) -> list[str]:
    if not value:
        return []
    return [v for v in value.split(",") if v] if isinstance(value, str) else list(value)


def adhoc_profile(start_urls: list[str], allow_domains: list[str]) -> Profile:
    """The profile of a crawl from start URLs alone: their hosts, no patterns, generic extraction."""
    for url in start_urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise ProfileError(f"--start-url {url!r} is not an http(s) URL")
    domains = tuple(d.lower() for d in allow_domains) or tuple(
        dict.fromkeys((urlsplit(u).hostname or "").lower() for u in start_urls)
    )
    return Profile(name="adhoc", domains=domains, start_urls=tuple(start_urls), description="ad hoc crawl")
