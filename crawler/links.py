"""Link discovery on list pages, feeds and sitemaps: pure functions over bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from crawler.decode import decode_html
from crawler.extract.blocks import parse
from crawler.extract.meta import absolute_links, base_url, join_url
from crawler.extract.pager import canonical_page_url, later_pages, possible_first_pages, selected_links
from crawler.requisites import Requisite, page_requisites

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
    """The page's links, and the feeds it announces with <link rel="alternate">."""
    reading = read_page(url, raw, content_type, encoding, requisites="off")
    return reading.links, reading.feeds


@dataclass(frozen=True)
class PageReading:
    """What the crawl takes from a page besides its article: where it leads and what it loads."""

    links: list[str]
    feeds: list[str]
    requisites: list[Requisite] = field(default_factory=list)
    # Later pages of the article this page starts (URL -> page number), and the links a
    # profile's next_page selector picked.
    later_pages: dict[str, int] = field(default_factory=dict)
    next_links: list[str] = field(default_factory=list)
    # When this page is itself a later page of an article: that article's first page.
    first_page: str | None = None


def read_page(
    url: str,
    raw: bytes,
    content_type: str | None = None,
    encoding: str | None = None,
    *,
    requisites: str = "all",
    next_page: str | None = None,
    first: str | None = None,
) -> PageReading:
    """Links, feeds, requisites and pager of a page, from one parse. `first` is the first page
    of the article this page belongs to, when the crawl knows it (a page it fetched as a later
    page).

    Only the first LINK_BYTES of a page are read: link discovery runs in the crawl process, and
    a hostile 30 MB "list page" would otherwise cost some 300 MB of tree there.
    """
    root = parse(decode_html(raw[:LINK_BYTES], content_type, override=encoding).text)
    return read_tree(url, root, requisites=requisites, next_page=next_page, first=first)


def read_tree(
    url: str,
    root: etree._Element,
    *,
    requisites: str = "all",
    next_page: str | None = None,
    first: str | None = None,
    links: bool = True,
) -> PageReading:
    """read_page over a page already parsed (the extraction worker's tree, before extraction
    changes it). With links=False the page's links are not listed (a profile's crawl follows
    an article's related list only), and only those that may be pages of this article are
    made absolute: joining every link of a portal page costs more than parsing it."""
    base = base_url(root, url)
    feeds = []
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "alternate" in rel and (el.get("type") or "").lower() in _FEED_TYPES and el.get("href"):
            feed = join_url(base, el.get("href"))
            if feed:
                feeds.append(feed)
    start = canonical_page_url(first or url)
    firsts = set() if first else possible_first_pages(url)
    if links:
        found = absolute_links(root, base)
    else:
        # A page of this article names the first page's file (c_123 in c_123_2.htm) or is a
        # query on it; a link back to page 1 names page 1's file.
        marks = {_file_stem(start)} | {_file_stem(f) for f in firsts}
        found = _links_naming(root, base, {m for m in marks if m})
    # <link rel="next"> and rel="prev" name an article's neighbouring pages on many templates.
    found += [
        u
        for el in root.iter("link")
        if {"next", "prev"} & set((el.get("rel") or "").lower().split()) and el.get("href")
        for u in [join_url(base, el.get("href"))]
        if u and u not in found
    ]
    return PageReading(
        links=found if links else [],
        feeds=feeds,
        requisites=page_requisites(root, base, requisites),
        later_pages=later_pages(start, found),
        next_links=selected_links(root, base, next_page) if next_page else [],
        first_page=next((link for link in found if link in firsts), None),
    )


def _file_stem(url: str) -> str:
    """The last path segment without its extension ("c_123" of /a/c_123.htm, "slug" of /slug/)."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return segment.split(".", 1)[0]


@lru_cache(maxsize=16)
def _naming_xpath(marks: int) -> etree.XPath:
    tests = " or ".join(
        ["starts-with(normalize-space(@href), '?')"] + [f"contains(@href, $m{i})" for i in range(marks)]
    )
    return etree.XPath(f"//a[{tests}]")


def _links_naming(root: etree._Element, base: str | None, marks: set[str]) -> list[str]:
    """The <a href> links (absolute, in order) whose href names one of `marks`, or is a bare
    query (`?page=2`). The test runs in libxml2: a portal page has hundreds of links."""
    ordered = sorted(marks)
    out = []
    for el in _naming_xpath(len(ordered))(root, **{f"m{i}": m for i, m in enumerate(ordered)}):
        link = join_url(base, el.get("href") or "")
        if link and link not in out:
            out.append(link)
    return out


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
