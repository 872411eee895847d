"""URL canonicalisation and crawler-trap guards for crawling sites without a profile."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that name a session or a campaign, never a different page.
_NOISE_PARAMS = re.compile(
    r"^(?:jsessionid|phpsessid|sessionid|session_id|sid|aspsessionid\w*|utm_\w+|spm|from|share_token|"
    r"fbclid|gclid|_ga|ref|source|wx_\w+)$",
    re.I,
)
_PATH_SESSION = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.I)
_CALENDAR = re.compile(r"(?:^|[/_-])(?:calendar|archive-calendar|cal)(?:[/_.-]|$)", re.I)
_CALENDAR_PARAMS = {"date", "day", "month", "year", "ym", "ymd", "week"}

MAX_URL_LENGTH = 300
MAX_PATH_DEPTH = 10
MAX_QUERY_PARAMS = 6


def canonical_url(url: str) -> str:
    """The form a URL is scheduled and stored under: no fragment, no session or tracking noise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets, or the URL names another host
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _NOISE_PARAMS.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def trap_reason(url: str) -> str | None:
    """Why a URL looks like an endless space (calendars, repeated paths, long queries), or None."""
    if len(url) > MAX_URL_LENGTH:
        return "URL too long"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_PATH_DEPTH:
        return "path too deep"
    if any(segments.count(s) >= 3 for s in set(segments)):
        return "repeated path segment"
    params = parse_qsl(parts.query, keep_blank_values=True)
    if len(params) > MAX_QUERY_PARAMS:
        return "too many query parameters"
    if _CALENDAR.search(parts.path) or {k.lower() for k, _ in params} & _CALENDAR_PARAMS:
        return "calendar"
    return None


_ARTICLE_SHAPE = re.compile(
    r"/(?:19|20)\d{2}[-/_]?[01]\d(?:[-/_]?[0-3]\d)?/|[/_-](?:19|20)\d{6}[/_-]|/\d{5,}(?:\.s?html?|/|$)|"
    r"content_\d+|/(?:article|news|a|story|detail|doc)s?/[\w-]*\d{4,}",
    re.I,
)


def looks_like_article_url(url: str) -> bool:
    """URL shapes that news sites give articles: a date in the path, a long numeric id."""
    return bool(
        _ARTICLE_SHAPE.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    )
