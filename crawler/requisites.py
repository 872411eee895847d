"""Page requisites: what a browser loads to show a page (images, stylesheets, scripts, icons and
the url() references of stylesheets). Pure functions over a parsed page or CSS bytes.

A reader of an archived news page expects its photo; without the page's images and styles a
replay shows text in a broken frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.meta import join_url

# Lazy-loading scripts keep the real picture in one of these and a placeholder in src.
_LAZY_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-url", "data-echo", "lazy-src")
_ICON_RELS = {"icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"}
# url(...) in CSS, quoted or not, and @import "x.css" without url().
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]+)"|'([^']+)')""", re.I)
_NOT_FETCHED = ("data:", "javascript:", "about:", "blob:", "mailto:", "#")
# The elements that can load something, in document order (an XPath union is in document
# order): a page's other elements are never looked at.
_CANDIDATES = etree.XPath(
    "//img | //input | //source | //video | //link | //script[@src] | //style | //body[@background]"
    " | //*[@data-src] | //*[@style]"
)
# What is read of a stylesheet for its references: real ones are well under this.
CSS_BYTES = 2_000_000


@dataclass(frozen=True)
class Requisite:
    url: str
    kind: str  # image, stylesheet, script, icon, media


def _absolute(base: str | None, ref: str | None) -> str | None:
    ref = (ref or "").strip()
    if not ref or ref.lower().startswith(_NOT_FETCHED):
        return None
    url = join_url(base, ref)
    if url is None or urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def srcset_urls(value: str | None) -> list[str]:
    """The URLs of a srcset ("a.jpg 1x, b.jpg 2x"): every candidate, since which one a browser
    picks depends on its screen."""
    out = []
    for candidate in (value or "").split(","):
        parts = candidate.strip().split()
        if parts:
            out.append(parts[0])
    return out


def css_references(css: str) -> list[str]:
    """The references of a stylesheet or a style attribute, in order, as written."""
    found = []
    for m in _CSS_URL.finditer(css):
        found.append(m.group(1) or m.group(2) or m.group(3) or "")
    for m in _CSS_IMPORT.finditer(css):
        found.append(m.group(1) or m.group(2))
    return found


def _images(el: etree._Element) -> list[str]:
    refs = [el.get("src")] if el.tag in ("img", "input") else []
    refs += [el.get(name) for name in _LAZY_ATTRIBUTES]
    refs += srcset_urls(el.get("srcset")) + srcset_urls(el.get("data-srcset"))
    return [r for r in refs if r]


def page_requisites(root: etree._Element, base: str | None, mode: str = "all") -> list[Requisite]:
    """The requisites of a parsed page, each URL once, in document order; `mode` "images" keeps
    pictures only, "off" none."""
    if mode == "off":
        return []
    found: dict[str, str] = {}

    def add(ref: str | None, kind: str) -> None:
        url = _absolute(base, ref)
        if url is not None and url not in found:
            found[url] = kind

    for el in _CANDIDATES(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "img" or (tag == "input" and (el.get("type") or "").lower() == "image"):
            for ref in _images(el):
                add(ref, "image")
        elif tag == "source":
            # <picture> sources are pictures; <video>/<audio> sources are media, not fetched.
            parent = el.getparent()
            if parent is not None and parent.tag == "picture":
                for ref in srcset_urls(el.get("srcset")) + srcset_urls(el.get("data-srcset")):
                    add(ref, "image")
        elif tag == "video" and el.get("poster"):
            add(el.get("poster"), "image")
        elif mode == "all" and tag == "link":
            rel = set((el.get("rel") or "").lower().split())
            if "stylesheet" in rel:
                add(el.get("href"), "stylesheet")
            elif rel & _ICON_RELS:
                add(el.get("href"), "icon")
        elif mode == "all" and tag == "script" and el.get("src"):
            add(el.get("src"), "script")
        elif mode == "all" and tag == "style" and el.text:
            for ref in css_references(el.text):
                add(ref, "image")
        elif tag and el.get("data-src") and tag not in ("iframe", "script"):
            add(el.get("data-src"), "image")  # a lazy background on a <div>
        if mode == "all" and tag and el.get("style") and "url(" in el.get("style", ""):
            for ref in css_references(el.get("style", "")):
                add(ref, "image")
        if mode == "all" and tag == "body" and el.get("background"):
            add(el.get("background"), "image")
    return [Requisite(url, kind) for url, kind in found.items()]


def stylesheet_requisites(css_url: str, raw: bytes, mode: str = "all") -> list[Requisite]:
    """What a fetched stylesheet loads in turn: imported stylesheets, backgrounds, fonts."""
    if mode != "all":
        return []
    text = raw[:CSS_BYTES].decode("utf-8", "replace")
    out, seen = [], set()
    imports = {m.group(1) or m.group(2) for m in _CSS_IMPORT.finditer(text)}
    for ref in css_references(text):
        url = _absolute(css_url, ref)
        if url is None or url in seen:
            continue
        seen.add(url)
        is_css = ref in imports or urlsplit(url).path.lower().endswith(".css")
        out.append(Requisite(url, "stylesheet" if is_css else "image"))
    return out


def is_stylesheet(url: str, content_type: str | None) -> bool:
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    return ctype == "text/css" or (not ctype and urlsplit(url).path.lower().endswith(".css"))
