"""Flatten an HTML tree into text blocks (paragraph-sized runs of inline content).

Each block remembers the element it lives in and how much of its text is link text, so
that content detection can score regions of the page without walking the tree again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.text import ascii_left, clean_line

BLOCK_TAGS = frozenset(
    "p div section article main header footer nav aside h1 h2 h3 h4 h5 h6 li ul ol dl dt dd "
    "table tbody thead tfoot tr td th blockquote pre figure figcaption center form address hr "
    "fieldset details summary caption".split()
)
DROP_TAGS = frozenset(
    "script style noscript iframe svg canvas select option button input textarea template "
    "object embed audio video map head link meta".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass
class Block:
    text: str
    link_chars: int
    element: etree._Element  # innermost block-level element holding the text
    order: int  # document position of the block itself: inside its element's (start, end)
    heading: bool = False
    image: str | None = None  # src, for an image block
    image_alt: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, anchor text)

    @property
    def link_ratio(self) -> float:
        return self.link_chars / max(len(self.text), 1)


# Plain lxml.etree elements: lxml.html's element classes cost a lookup per node, unused here.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_EMPTY = "<html><body></body></html>"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_CONTROL_ASCII = b"\t\n\r" + bytes(range(0x20, 0x80))


def _has_control(text: str) -> bool:
    """_CONTROL.search(text) is not None, in a third of the time."""
    return bool(ascii_left(text, _NOT_CONTROL_ASCII)) or "\ufffe" in text or "\uffff" in text


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def parse(text: str) -> etree._Element:
    """Parse decoded HTML; an empty or unparsable document becomes an empty <html>."""
    # Control characters are not allowed in an XML tree's text: lxml would refuse to set a
    # node's text later (found by fuzzing). Browsers ignore them too.
    if _has_control(text):
        text = _CONTROL.sub("", text)
    if not text.strip():
        text = _EMPTY
    # lxml refuses str input with an XML encoding declaration.
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)
    try:
        root = etree.fromstring(text, _PARSER)
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
            # libxml2 stops at 256 levels and drops the rest of the page; browsers keep it.
            root = etree.fromstring(flatten_deep(text), _PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        root = None
    return root if root is not None else etree.fromstring(_EMPTY, _PARSER)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
MAX_DEPTH = 200


def flatten_deep(text: str, limit: int = MAX_DEPTH) -> str:
    """Drop the tags nested deeper than `limit` (their text stays), so that libxml2 keeps the page."""
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    pos = 0
    for m in _TAG.finditer(text):
        closing, name = m.group(1), m.group(2).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        keep = True
        if not closing:
            if len(stack) >= limit:
                dropped[name] = dropped.get(name, 0) + 1
                keep = False
            else:
                stack.append(name)
        elif dropped.get(name):
            dropped[name] -= 1
            keep = False
        elif name in stack:
            while stack and stack.pop() != name:
                pass
        if not keep:
            out.append(text[pos : m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def remove(element: etree._Element) -> None:
    """Drop an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        prev = element.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# The attributes, not the elements: "//*[@hidden or @style]" tests every element, this walks
# the attributes only; each value knows its element.
_STYLED = etree.XPath("//@hidden|//@style")
# A readers' comment thread, by its class or id ("comments", "comment-list", "replyList"),
# never "commentary" (an opinion piece) nor anything holding a headline.
_COMMENT_SECTION = re.compile(
    r"(?:comments?|comment[-_]?(?:list|box|area|wrap|section|form|s)|cmt|replies|reply[-_]?list)", re.I
)


_SECTION_TAGS = frozenset("div section ul ol aside dl table form".split())


def _is_comment_section(el: etree._Element) -> bool:
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".split()
    # Whole class or id tokens only: "hljs-comment" is a code comment, "commentary" an opinion piece.
    if not any(_COMMENT_SECTION.fullmatch(t) for t in tokens):
        return False
    return next(el.iter("h1"), None) is None  # a page wrapped in one "comment" box keeps its article


def strip_noise(root: etree._Element) -> None:
    """Drop scripts, styles, forms' widgets, comments and hidden elements: two passes in C (a
    union of XPath paths would walk the tree once per path)."""
    for el in list(root.iter(etree.Comment, etree.PI, *DROP_TAGS)):
        remove(el)
    seen = set()
    for value in _STYLED(root):
        el = value.getparent()
        if el in seen:  # both attributes
            continue
        seen.add(el)
        if el.get("hidden") is not None or _HIDDEN.search(el.get("style") or ""):
            remove(el)


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.order: dict[etree._Element, int] = {}
        self.end: dict[etree._Element, int] = {}
        self._parts: list[str] = []
        self._link_chars = 0
        self._links: list[tuple[str, str]] = []
        self._counter = 0
        # The open link (outermost <a href>) and where its text starts in _parts: a block
        # element inside a link (<a><h3>headline</h3></a>, a teaser card) is link text too.
        self._link: str | None = None
        self._link_from = 0

    def _position(self) -> int:
        """A block's own place in the numbering of elements: text that an element holds after
        a nested child (a <td> with <br>-separated paragraphs around a table of links) comes
        after that child, so a region can be a run of such text alone."""
        self._counter += 1
        return self._counter - 1

    def flush(self, element: etree._Element, heading: bool) -> None:
        parts = self._parts
        if not parts:
            return
        text = clean_line("".join(parts))
        if text and self._link is not None:
            anchor = clean_line("".join(parts[self._link_from :]))
            if anchor:
                self._link_chars += len(anchor)
                self._links.append((self._link, anchor))
        self._link_from = 0
        if text:
            self._counter += 1  # _position, inlined: this runs for every block of every page
            self.blocks.append(
                Block(
                    text,
                    min(self._link_chars, len(text)),
                    element,
                    self._counter - 1,
                    heading,
                    links=self._links,
                )
            )
        self._parts, self._link_chars, self._links = [], 0, []

    def walk(self, el: etree._Element, block: etree._Element, heading: bool, in_link: bool) -> None:
        # The hot loop of extraction (every node of every page): locals over attribute lookups.
        order = self.order
        order[el] = self._counter
        self._counter += 1
        tag = el.tag
        if tag.__class__ is not str:
            tag = ""
        is_block = tag in BLOCK_TAGS
        if tag in _SECTION_TAGS and (el.get("class") or el.get("id")) and _is_comment_section(el):
            self.end[el] = self._counter - 1  # a readers' comment thread: not walked at all
            return
        if is_block:
            if self._parts:
                self.flush(block, heading)
            block, heading = el, heading or tag in HEADINGS
        if tag == "br":
            self.flush(block, heading)
        elif tag == "img":
            self.flush(block, heading)
            src = el.get("data-original") or el.get("data-src") or el.get("src")
            if src:
                self.blocks.append(
                    Block(
                        "",
                        0,
                        block,
                        self._position(),
                        image=src.strip(),
                        image_alt=clean_line(el.get("alt") or "") or None,
                    )
                )
        link = tag == "a" and el.get("href")
        if link and not in_link:
            self._link, self._link_from = link.strip(), len(self._parts)
        text = el.text
        if text:
            self._parts.append(text)
        if len(el):
            child_in_link = in_link or bool(link)
            for child in el:
                self.walk(child, block, heading, child_in_link)
                tail = child.tail
                if tail:
                    self._parts.append(tail)
        if link and not in_link:
            # A block inside the link flushed its parts: then the anchor is what is left.
            anchor = clean_line("".join(self._parts[self._link_from :]))
            self._link = None
            if anchor:
                self._link_chars += len(anchor)
                self._links.append((link.strip(), anchor))
        if is_block and self._parts:
            self.flush(block, heading)
        self.end[el] = self._counter - 1


def blocks_of(root: etree._Element) -> tuple[list[Block], dict, dict]:
    """Blocks in document order, plus each element's (start, end) positions for containment tests."""
    body = root.find("body")
    start = body if body is not None else root
    walker = _Walker()
    walker.walk(start, start, False, False)
    walker.flush(start, False)
    return walker.blocks, walker.order, walker.end
