"""Metadata a page states about itself: <title>, <meta>, JSON-LD, links."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.blocks import text_of
from crawler.text import clean_line

DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "article:published",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publishtime",
    "pubtime",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "weibo: article:create_at",
    "created",
    "date",
)
# Last resorts: when a page only says when it was changed.
UPDATE_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dateupdate",
    "lastmod",
    "last-modified",
)
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "byl")
SOURCE_META = ("source", "article:source", "og:site_name")


@dataclass
class PageMeta:
    title: str | None = None
    og_title: str | None = None
    og_type: str | None = None
    lang: str | None = None
    base: str | None = None
    metas: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)
    time_elements: list[str] = field(default_factory=list)

    def first(self, names: tuple[str, ...]) -> str | None:
        for name in names:
            value = self.metas.get(name)
            if value:
                return value
        return None

    def jsonld_value(self, key: str) -> str | None:
        for obj in self.jsonld:
            value = obj.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            if isinstance(value, list) and value:
                value = value[0].get("name") if isinstance(value[0], dict) else value[0]
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def jsonld_names(self, key: str) -> list[str]:
        """Every name under `key` of the first object that has one (an author list)."""
        for obj in self.jsonld:
            value = obj.get(key)
            items = value if isinstance(value, list) else [value]
            found = [(item.get("name") if isinstance(item, dict) else item) for item in items if item]
            names = [n.strip() for n in found if isinstance(n, str) and n.strip()]
            if names:
                return names
        return []


def _walk_jsonld(data, out: list[dict]) -> None:
    if isinstance(data, list):
        for item in data:
            _walk_jsonld(item, out)
    elif isinstance(data, dict):
        out.append(data)
        if "@graph" in data:
            _walk_jsonld(data["@graph"], out)


def read_meta(root: etree._Element, url: str | None) -> PageMeta:
    meta = PageMeta()
    title = root.find(".//title")
    if title is not None:
        meta.title = clean_line(text_of(title)) or None
    html_el = root if root.tag == "html" else root.find(".//html")
    if html_el is not None:
        meta.lang = html_el.get("lang") or html_el.get("xml:lang")
    meta.base = base_url(root, url)
    for el in root.iter("meta"):
        key = (
            (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "")
            .strip()
            .lower()
        )
        value = el.get("content")
        if key and value and key not in meta.metas:
            meta.metas[key] = value.strip()
    meta.og_title = meta.metas.get("og:title")
    meta.og_type = meta.metas.get("og:type")
    for el in root.iter("script"):
        if (el.get("type") or "").lower() == "application/ld+json" and el.text:
            try:
                _walk_jsonld(json.loads(_CDATA.sub("", el.text)), meta.jsonld)
            except ValueError:
                continue
    for el in root.iter("time"):
        value = el.get("datetime") or text_of(el)
        if value and value.strip():
            meta.time_elements.append(value.strip())
    return meta


# XHTML pages wrap script text in a CDATA section (often behind "//" so that browsers skip it).
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


def join_url(base: str | None, href: str) -> str | None:
    """urljoin that gives None for a link no URL parser accepts (broken pages have them)."""
    try:
        return urljoin(base or "", href.strip()).split("#", 1)[0]
    except ValueError:
        return None


def base_url(root: etree._Element, url: str | None) -> str | None:
    """The URL relative links resolve against: <base href> if the page has one."""
    base = root.find(".//base[@href]")
    return (join_url(url, base.get("href")) or url) if base is not None else url


def absolute_links(root: etree._Element, base: str | None) -> list[str]:
    """Every <a href> on the page made absolute, in document order, without fragments."""
    out, seen = [], set()
    for el in root.iter("a"):
        href = (el.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        link = join_url(base, href)
        if link is None:
            continue
        if link not in seen:
            seen.add(link)
            out.append(link)
    return out
