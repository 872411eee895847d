"""A site profile's CSS selectors on one page, looked up cheaply."""

from __future__ import annotations

import re
from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlTranslator

from crawler.extract.blocks import text_of
from crawler.text import clean_line

# Profile selectors are few and reused on every page: compile each once.
css = lru_cache(maxsize=512)(CSSSelector)

# "HEAD REST": a simple first compound (tag, class, id), a descendant combinator, the rest.
_HEAD_REST = re.compile(r"\s*([\w-]*(?:[#.][\w-]+)*)\s+([^\s>+~].*?)\s*", re.S)


@lru_cache(maxsize=512)
def split_selector(selector: str) -> tuple[str, etree.XPath] | None:
    """(head, rest as an XPath relative to a head element) for "HEAD REST", else None."""
    m = _HEAD_REST.fullmatch(selector)
    if m is None or "," in selector or not m.group(1):
        return None
    try:
        return m.group(1), etree.XPath(LxmlTranslator().css_to_xpath(m.group(2), prefix="descendant::"))
    except (SelectorError, etree.XPathError):
        return None


_CLASS_HEAD = re.compile(r"([a-zA-Z][\w-]*)?((?:\.-?[_a-zA-Z][\w-]*)+)")


@lru_cache(maxsize=512)
def head_lookup(head: str):
    """What finds a head's elements in a page: for "tag.class...", a path through the class
    attributes, each tested as CSS does (cheaper than the path cssselect writes, which tests
    every element; see BENCHMARKS.md); for any other head, cssselect's."""
    m = _CLASS_HEAD.fullmatch(head)
    if m is None:
        return css(head)
    first, *rest = m.group(2).split(".")[1:]

    def has(name: str, attr: str) -> str:
        return f"contains(concat(' ', normalize-space({attr}), ' '), ' {name} ')"

    return etree.XPath(
        f"//@class[contains(., '{first}')][{has(first, '.')}]/parent::{m.group(1) or '*'}"
        + "".join(f"[{has(name, '@class')}]" for name in rest)
    )


class PageSelect:
    """A profile's selectors on one page. Those of a profile mostly share their container
    (".article h1", ".article .content"): a whole-tree lookup for each would cost more than
    the rest of the field, so the container is looked up once and, when the page has exactly
    one, the rest inside it."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.heads: dict[str, list] = {}

    def __call__(self, selector: str) -> list:
        split = split_selector(selector)
        if split is not None:
            head, rest = split
            found = self.heads.get(head)
            if found is None:
                found = self.heads[head] = head_lookup(head)(self.root)
            if len(found) == 1:
                return rest(found[0])
        return css(selector)(self.root)

    def text(self, selector: str | None) -> str | None:
        """The first non-empty text the selector finds (an element's, or an attribute's)."""
        if not selector:
            return None
        for el in self(selector):
            text = clean_line(text_of(el) if isinstance(el, etree._Element) else str(el))
            if text:
                return text
        return None

    def element(self, selector: str | None) -> etree._Element | None:
        if not selector:
            return None
        found = self(selector)
        return found[0] if found else None
