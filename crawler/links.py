"""Link discovery on list pages, feeds and sitemaps: pure functions over bytes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.decode import decode_html
from crawler.extract.blocks import parse
from crawler.extract.meta import absolute_links, base_url, join_url

_LOC = re.compile(rb"<(?:loc|link)>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.I)
_ATOM_LINK = re.compile(rb"<link[^>]+href=[\"']([^\"']+)", re.I)
_ENTITY = re.compile(r"&[A-Za-z_][\w.-]*;")
# XML's five predefined entities and character references: all a URL in a feed may use.
_XML_REF = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_XML_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _xml_char(m: re.Match) -> str:
    ref = m.group(1)
    if ref in _XML_NAMED:
        return _XML_NAMED[ref]
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    return chr(code) if 0 < code < 0x110000 else ""


LINK_BYTES = 4_000_000  # real list pages are well under 1 MB


def page_links(
    url: str, raw: bytes, content_type: str | None = None, encoding: str | None = None
) -> list[str]:
    return discover(url, raw, content_type, encoding)[0]


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


def discover(
    url: str, raw: bytes, content_type: str | None = None, encoding: str | None = None
) -> tuple[list[str], list[str]]:
    """The page's links, and the feeds it announces with <link rel="alternate">.

    Only the first LINK_BYTES of a page are read: link discovery runs in the crawl process, and
    a hostile 30 MB "list page" would otherwise cost some 300 MB of tree there.
    """
    root = parse(decode_html(raw[:LINK_BYTES], content_type, override=encoding).text)
    base = base_url(root, url)
    feeds = []
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "alternate" in rel and (el.get("type") or "").lower() in _FEED_TYPES and el.get("href"):
            feed = join_url(base, el.get("href"))
            if feed:
                feeds.append(feed)
    return absolute_links(root, base), feeds


def robots_sitemaps(robots_url: str, raw: bytes) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    out = []
    for line in raw.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            sitemap = join_url(robots_url, value)
            if sitemap:
                out.append(sitemap)
    return out


def is_feed_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith((".xml", ".rss", ".atom")) or path.rstrip("/").endswith(("/rss", "/feed", "/atom"))


def xml_links(url: str, raw: bytes) -> list[str]:
    """URLs from an RSS/Atom feed or a sitemap (never parsed as XML: no entity expansion)."""
    found = [m.decode("utf-8", "replace") for m in _LOC.findall(raw)] + [
        m.decode("utf-8", "replace") for m in _ATOM_LINK.findall(raw)
    ]
    out, seen = [], set()
    for link in found:
        link = _XML_REF.sub(_xml_char, link)
        if _ENTITY.search(link):
            continue  # an entity never expanded (a DOCTYPE's own, as in an entity bomb): no URL
        link = join_url(url, link) or ""
        if urlsplit(link).scheme in ("http", "https") and link not in seen:
            seen.add(link)
            out.append(link)
    return out


def same_site(link: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(link).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def rebase(link: str, base_url: str | None) -> str:
    """Move an absolute link onto another origin (feeds of a mirrored site name the real host)."""
    if not base_url:
        return link
    new, old = urlsplit(base_url), urlsplit(link)
    return old._replace(scheme=new.scheme, netloc=new.netloc).geturl()
