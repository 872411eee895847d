"""Main-text detection: choose the page region with the most article-like text.

Every block gets a weight: positive for sentence text (Chinese punctuation, few links),
negative for link lists and boilerplate, zero for short neutral lines. Each element's
score is the sum of its blocks' weights; the best-scoring element is the article body.
This is a maximum-sum region over the DOM tree, so navigation and related lists next to
the article lower a parent's score instead of riding along.
"""

from __future__ import annotations

from lxml import etree

from crawler.extract.blocks import Block
from crawler.extract.patterns import BOILERPLATE, DATE_ONLY_LINE, END_OF_ARTICLE, PUNCT, RELATED_HEADING
from crawler.text import CJK


def is_boilerplate(text: str, extra: tuple = ()) -> bool:
    return any(p.search(text) for p in BOILERPLATE) or any(p.search(text) for p in extra)


def ends_article(text: str, previous: str = "") -> bool:
    """Whether the article is over at this line (the line before it given for context)."""
    if any(p.search(text) for p in END_OF_ARTICLE):
        return True
    # A date alone ends the article, unless it is the value of a label ("成文日期：").
    return bool(DATE_ONLY_LINE.match(text)) and not previous.rstrip().endswith(("：", ":"))


def weight(block: Block, extra: tuple = ()) -> float:
    if block.image:
        return 0.0
    text = block.text
    n = len(text)
    if block.link_ratio > 0.5:
        return -max(n, 8)
    if is_boilerplate(text, extra) or RELATED_HEADING.match(text):
        return -max(n, 8)
    punct = len(PUNCT.findall(text))
    if punct == 0 and n < 20:
        return 0.0
    # Chinese pages: Han characters carry the article; Latin runs are mostly widgets and ads.
    han = len(CJK.findall(text))
    size = han + 0.25 * (n - han)
    return size * (1 - block.link_ratio) * (1.0 if punct else 0.5)


NEAR_TITLE = 12  # blocks after the headline that get the bonus


def best_container(
    blocks: list[Block], order: dict, extra: tuple = (), title: str | None = None
) -> etree._Element | None:
    scores: dict[etree._Element, float] = {}
    # The article text follows its headline: text in the few blocks after the heading that
    # carries the title counts double, so a short article beats a long list beside it.
    near = -1
    if title:
        near = next((i for i, b in enumerate(blocks) if b.heading and title in b.text), -1)
    for i, block in enumerate(blocks):
        w = weight(block, extra)
        if not w:
            continue
        if w > 0 and near >= 0 and near < i <= near + NEAR_TITLE:
            w *= 2
        el = block.element
        while el is not None:
            scores[el] = scores.get(el, 0.0) + w
            el = el.getparent()
    if not scores:
        return None
    best = max(scores.items(), key=lambda kv: (kv[1], order.get(kv[0], 0)))
    return best[0] if best[1] > 0 else None


def within(block: Block, container: etree._Element, order: dict, end: dict) -> bool:
    start = order.get(container)
    return start is not None and start <= block.order <= end[container]
