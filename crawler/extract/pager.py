"""Articles split over several pages (分页): which links of a page lead to its other pages, and
how the pages' extractions become one article. Pure functions, no Scrapy.

Portals number the later pages of an article after the first one's URL: `c_123.htm` then
`c_123_2.htm`, `c1001-123.html` then `c1001-123-2.html`, `123.shtml` then `123_2.shtml`, or
`?page=2` on the same path. A link is a page of the article when its URL is the first page's
with such a number added, whatever its text says (下一页, 下一頁, "2", "Next"), and wherever it
sits (a pager div, `rel="next"`). That one structural test holds across templates; link texts
and pager class names do not. Sites that number pages otherwise name their next-page link in
the profile (`next_page`, a CSS selector).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from crawler.extract.article import Article
from crawler.extract.meta import join_url

# Query parameters sites number the pages of an article with. Not `p` (WordPress' post id:
# /?p=123 is an article, not page 123 of the front page) nor offsets such as `pn`.
PAGE_PARAMETERS = frozenset(
    {"page", "pg", "pageno", "page_no", "pagenum", "pagenumber", "curpage", "pageindex"}
)
# The last number of a path, after _ or - (c_123_2.htm, c1001-123-2.html), or as its own
# segment (/123/2.html, /123/2/).
_PATH_PAGE = re.compile(r"(?:[_-]|(?<=/))(\d{1,3})(?=(?:\.[A-Za-z0-9]{1,6})?/?$)")
# The highest page number taken for a page (a year or an id is not a page number).
MAX_PAGE_NUMBER = 500


def _without_page_parameter(query: str) -> tuple[str, int | None]:
    """The query with its page parameter removed, and that parameter's number."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept, number = [], None
    for key, value in pairs:
        if key.lower() in PAGE_PARAMETERS and value.isdigit() and number is None:
            number = int(value)
            continue
        kept.append((key, value))
    return urlencode(kept), number


def _first_page_paths(path: str) -> tuple[set[str], int | None]:
    """The paths page 1 may have when `path` is a later page numbered in its path, and that
    number; (empty, None) when the path carries no page number."""
    m = _PATH_PAGE.search(path)
    if m is None:
        return set(), None
    number, rest = int(m.group(1)), path[m.end(1) :]
    if not 2 <= number <= MAX_PAGE_NUMBER:
        return set(), None
    if m.start() < m.start(1):  # c_123_2.htm -> c_123.htm, c1001-123-2.html -> c1001-123.html
        return {path[: m.start()] + rest}, number
    # /123/2.html -> /123.html or /123/; /123/2/ -> /123/ or /123
    prefix = path[: m.start(1) - 1]
    if not prefix[-1:].isdigit() and rest not in ("/", ""):
        return set(), None  # /news/5.html is an article of /news.html, not its fifth page
    return {prefix + rest, prefix + "/", prefix, f"{prefix}/index{rest}"}, number


def possible_first_pages(url: str) -> set[str]:
    """The URLs page 1 may have when `url` is a later page of an article (empty when its URL
    carries no page number)."""
    parts = urlsplit(url)
    query, number = _without_page_parameter(parts.query)
    if number is not None:
        if not 2 <= number <= MAX_PAGE_NUMBER:
            return set()
        return {urlunsplit(parts._replace(query=query))}
    paths, _ = _first_page_paths(parts.path)
    return {urlunsplit(parts._replace(path=p)) for p in paths}


def page_number(first: str, candidate: str) -> int | None:
    """The page number `candidate` has as a later page of the article whose first page is
    `first`, or None when it is not one of its pages."""
    a, b = urlsplit(first), urlsplit(candidate)
    if (a.scheme, a.netloc.lower()) != (b.scheme, b.netloc.lower()) or candidate == first:
        return None
    if a.path == b.path:
        query_a, number_a = _without_page_parameter(a.query)
        query_b, number_b = _without_page_parameter(b.query)
        if query_a == query_b and number_b is not None and number_a in (None, 1):
            return number_b if 2 <= number_b <= MAX_PAGE_NUMBER else None
        return None
    if a.query != b.query:
        return None
    paths, number = _first_page_paths(b.path)
    return number if a.path in paths else None


def first_page_of(url: str, links: list[str]) -> str | None:
    """When `url` is a later page of an article whose first page is among `links` (its pager
    links back to page 1), that first page; else None."""
    for link in links:
        if page_number(link, url) is not None:
            return link
    return None


def later_pages(first: str, links: list[str]) -> dict[str, int]:
    """The links that are later pages of the article whose first page is `first`, with their
    page numbers."""
    found = {}
    for link in links:
        number = page_number(first, link)
        if number is not None and link not in found:
            found[link] = number
    return found


def selected_links(root: etree._Element, base: str | None, css: str) -> list[str]:
    """The hrefs of the elements a profile's `next_page` selector picks (or of their links)."""
    from lxml.cssselect import CSSSelector

    out = []
    for el in CSSSelector(css)(root):
        anchors = [el] if el.tag == "a" else list(el.iter("a"))
        for a in anchors:
            href = (a.get("href") or "").strip()
            if href and not href.startswith(("javascript:", "#")):
                url = join_url(base, href)
                if url and url not in out:
                    out.append(url)
    return out


def canonical_page_url(url: str) -> str:
    """`url` with an explicit first-page parameter dropped (`?page=1` is page 1 itself)."""
    parts = urlsplit(url)
    query, number = _without_page_parameter(parts.query)
    if number == 1:
        return urlunsplit(parts._replace(query=query))
    return url


def _first_of(items, key) -> tuple:
    """The items in order, each key's first one only."""
    found: dict = {}
    for item in items:
        found.setdefault(key(item), item)
    return tuple(found.values())


def merge_pages(pages: list[Article]) -> Article:
    """One article from the extractions of its pages, in page order: the first page's title,
    date and metadata; the bodies, images and authors of all pages; an editor or related list
    from whichever page carries it (often the last)."""
    first = pages[0]
    if len(pages) == 1:
        return first
    with_text = [p for p in pages if p.body and p.body.strip()]
    bodies = [(p.body or "").strip() for p in with_text]
    # Paragraphs are one a line in a body; the pages' normalised bodies join the same way.
    norms = [(p.body_norm or p.body or "").strip() for p in with_text]
    # Each picture and related link once, first page first (a later page repeats some).
    images = _first_of((i for p in pages for i in p.images), lambda i: i.src)
    related = _first_of((r for p in pages for r in p.related), lambda r: r.url)
    authors = tuple(dict.fromkeys(a for p in pages for a in p.authors))
    return replace(
        first,
        body="\n".join(bodies) or first.body,
        images=images,
        authors=authors,
        editor=first.editor or next((p.editor for p in pages if p.editor), None),
        source=first.source or next((p.source for p in pages if p.source), None),
        published_at=first.published_at or next((p.published_at for p in pages if p.published_at), None),
        related=related,
        body_norm="\n".join(norms) if first.body_norm is not None else None,
    )
