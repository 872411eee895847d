"""Link discovery on list pages, feeds and sitemaps: pure functions over bytes."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.decode import decode_html
from crawler.extract.blocks import parse
from crawler.extract.meta import absolute_links, base_url

_LOC = re.compile(rb"<(?:loc|link)>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.I)
_ATOM_LINK = re.compile(rb"<link[^>]+href=[\"']([^\"']+)", re.I)


def page_links(
    url: str, raw: bytes, content_type: str | None = None, encoding: str | None = None
) -> list[str]:
    root = parse(decode_html(raw, content_type, override=encoding).text)
    return absolute_links(root, base_url(root, url))


def xml_links(url: str, raw: bytes) -> list[str]:
    """URLs from an RSS/Atom feed or a sitemap (never parsed as XML: no entity expansion)."""
    found = [m.decode("utf-8", "replace") for m in _LOC.findall(raw)] + [
        m.decode("utf-8", "replace") for m in _ATOM_LINK.findall(raw)
    ]
    out, seen = [], set()
    for link in found:
        link = urljoin(url, link.strip().replace("&amp;", "&"))
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
