"""What the article test weighs (`crawler.extract.decision`), gathered from one extraction:
how much of the region is text and how much links, whether text alternates with list rows,
whether the region is one card among alike siblings, and the headline and date found."""

from __future__ import annotations

import re

from crawler.extract.blocks import text_of
from crawler.extract.content import within
from crawler.extract.decision import SENTENCE_MARK, Evidence
from crawler.text import CJK

# A date in a list's row: 2024-05-01, 2024年5月1日, 05/01, 5月1日.
_ROW_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?(?:\D|$)")
# One English word carries about what one and a half Han characters do (a news story of 400
# words tells what one of 600 characters does).
LATIN_WORD_UNITS = 1.5
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
# A block is a list's row when most of its text is a link, or when it is short and dated.
ROW_LINK_RATIO = 0.5
ROW_MAX_CHARS = 60
# A block of text (not a row) holds at least this many units.
TEXT_BLOCK_UNITS = 15
# Siblings that cards of one list share: text of a similar length, within this factor.
ALIKE_FACTOR = 3
ALIKE_LEVELS = 3


def units(text: str, han: int | None = None) -> int:
    """Han characters plus Latin words: a length that means the same in either script."""
    if han is None:
        han = len(CJK.findall(text))
    return han + len(_LATIN_WORD.findall(text))


def gather(blocks, taken, container, body, han, title, published, og_type, url, order, end) -> Evidence:
    """The evidence of one extraction: the blocks of the page, those taken as related lists, the
    body region (`container`) and the body's text (`BodyText`: lines, their document positions,
    and where an end marker closed the story)."""
    body_lines, body_orders, closed_at = body.lines, body.orders, body.closed_at
    body = "\n".join(body_lines)
    in_body = set(body_orders)
    region_chars = link_chars = interleaved = text_blocks = 0
    row_seen = False
    roots: list = []
    for i, block in enumerate(blocks):
        if i in taken or block.image or not within(block, container):
            continue
        if closed_at is not None and block.order >= closed_at:
            # A feed of teasers under "you may also like" is not the article's own region.
            break
        region_chars += len(block.text)
        link_chars += block.link_chars
        if block.order in in_body:
            _add_root(roots, block.element, container, order, end)
        if (block.link_ratio > ROW_LINK_RATIO and len(block.text) >= 4) or (
            len(block.text) < ROW_MAX_CHARS and _ROW_DATE.search(block.text)
        ):
            row_seen = True
        elif units(block.text) >= TEXT_BLOCK_UNITS:
            # A row above the first text (a rubric, a kicker link) is no sign of a list: rows
            # between texts are.
            interleaved += row_seen and text_blocks > 0
            text_blocks += 1
            row_seen = False
    heading = next(
        (
            b
            for b in blocks
            if b.heading and title and (title in b.text or (len(b.text) >= 4 and b.text in title))
        ),
        None,
    ) or next(  # a headline set in a styled <div> or <td>: the line that is the title
        (b for b in blocks if title and b.text == title and b.link_ratio <= ROW_LINK_RATIO), None
    )
    page_chars = sum(len(b.text) for b in blocks if b.link_ratio <= ROW_LINK_RATIO)
    return Evidence(
        units=han + LATIN_WORD_UNITS * len(_LATIN_WORD.findall(body)),
        sentences=len(SENTENCE_MARK.findall(body)),
        region_link_ratio=link_chars / region_chars if region_chars else 0.0,
        interleaved=interleaved,
        text_blocks=text_blocks,
        alike_outside=_alike_outside(roots, container, order),
        coverage=len(body) / page_chars if page_chars else 0.0,
        title=bool(title),
        headline=heading is not None,
        linked_headline=heading is not None and heading.link_ratio > ROW_LINK_RATIO,
        dated=published is not None,
        og_type=meta_type(og_type),
        url=url,
    )


def _add_root(roots: list, element, container, order: dict, end: dict) -> None:
    """The outermost ancestor of `element` inside the region, once."""
    if container is None:
        return
    while True:
        parent = element.getparent()
        if (
            parent is None
            or parent not in order
            or order[parent] < container[0]
            or end[parent] > container[1]
        ):
            break
        element = parent
    if element not in roots:
        roots.append(element)


def _alike_outside(roots: list, container, order: dict) -> int:
    """The most siblings alike (same tag and class, text of a similar length) that the region's
    top element or one of its two nearest ancestors has outside the region: the region is then
    one card of a list of cards (a teaser, a search result)."""
    if len(roots) != 1:
        return 0
    element, best = roots[0], 0
    size = len(text_of(element).strip())
    for _ in range(ALIKE_LEVELS):
        parent = element.getparent()
        if parent is None or not size:
            break
        signature = (element.tag, element.get("class"))
        count = 0
        for sibling in parent:
            if sibling is element or (sibling.tag, sibling.get("class")) != signature:
                continue
            if sibling in order and container[0] <= order[sibling] <= container[1]:
                continue
            if size / ALIKE_FACTOR <= len(text_of(sibling).strip()) <= size * ALIKE_FACTOR:
                count += 1
        best = max(best, count)
        element = parent
    return best


def meta_type(og_type: str | None) -> str | None:
    return og_type.strip().lower() if og_type else None
