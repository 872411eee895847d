"""Main-text detection: choose the page region with the most article-like text.

Every block gets a weight: positive for sentence text (Chinese punctuation, few links),
negative for link lists and boilerplate, zero for short neutral lines. Each element's
score is the sum of its blocks' weights; the best-scoring element is the article body.
This is a maximum-sum region over the DOM tree, so navigation and related lists next to
the article lower a parent's score instead of riding along. Text inside the cards of a repeated
run (readers' comments under their names, teasers under their headlines) weighs nothing: a long
comment thread would otherwise outweigh a short story, or ride along with it.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from crawler.extract.blocks import Block
from crawler.extract.patterns import (
    BOILERPLATE,
    DATE_ONLY_LINE,
    END_OF_ARTICLE,
    LATIN_END_OF_ARTICLE,
    PUNCT,
    RELATED_HEADING,
)
from crawler.text import CJK

# Two alternations instead of a loop over patterns: this runs for every block of every page.
# The patterns anchored at the start are matched there only; in one alternation with the
# others, a search would try them at every position.
_BOILERPLATE_START = re.compile("|".join(f"(?:{p.pattern[1:]})" for p in BOILERPLATE if p.pattern[0] == "^"))
_PLAIN = re.compile(r"[^\\.^$*+?{}\[\]()|]+")  # literal text, no regular-expression syntax


def _top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern, split at its "|" outside groups and character classes."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def literal_led(patterns: list[str]) -> str | None:
    """The same alternatives as one alternation whose every branch starts with a literal
    character, or None where one cannot. "(?:發表|发表)(?:評論|评论)" becomes
    "發表(?:評論|评论)|发表(?:評論|评论)": the same strings match, but Python's regular
    expressions then skip in C to the positions holding one of the branches' first characters,
    instead of trying every branch at every position (BENCHMARKS.md has the gain)."""
    branches = []
    for alternative in (a for p in patterns for a in _top_level(p)):
        if not alternative:
            return None
        if alternative.startswith("(?:"):
            end = alternative.find(")")
            words, rest = alternative[3:end].split("|"), alternative[end + 1 :]
            if not all(_PLAIN.fullmatch(w) for w in words) or rest[:1] in ("?", "*", "+", "{"):
                return None
            branches += [word + rest for word in words]
        elif _PLAIN.match(alternative):
            branches.append(alternative)
        else:
            return None
    return "|".join(branches)


_ANYWHERE = [p.pattern for p in BOILERPLATE if p.pattern[0] != "^"]
_BOILERPLATE_ANYWHERE = re.compile(literal_led(_ANYWHERE) or "|".join(f"(?:{p})" for p in _ANYWHERE))


def is_boilerplate(text: str, extra: tuple = ()) -> bool:
    return (
        bool(_BOILERPLATE_START.match(text))
        or bool(_BOILERPLATE_ANYWHERE.search(text))
        or any(p.search(text) for p in extra)
    )


_END_START = re.compile("|".join(f"(?:{p.pattern[1:]})" for p in END_OF_ARTICLE if p.pattern[0] == "^"))
# The pattern led by a digit searched on its own (a class cannot lead a literal-led branch).
_END_DIGITS = [p.pattern for p in END_OF_ARTICLE if p.pattern.startswith("\\d")]
_END_WORDS = [p.pattern for p in END_OF_ARTICLE if p.pattern[0] != "^" and p.pattern not in _END_DIGITS]
_END_ANYWHERE = re.compile(literal_led(_END_WORDS) or "|".join(f"(?:{p})" for p in _END_WORDS))
_END_NUMBERED = re.compile("|".join(f"(?:{p})" for p in _END_DIGITS) or "(?!)")


def ends_article(text: str, previous: str = "", latin: bool = False) -> bool:
    """Whether the article is over at this line (the line before it given for context).
    `latin`: the page is in a Latin script, so English widget headings end it too."""
    if _END_START.match(text) or _END_ANYWHERE.search(text) or _END_NUMBERED.search(text):
        return True
    if latin and LATIN_END_OF_ARTICLE.match(text):
        return True
    # A date alone ends the article, unless it is the value of a label ("成文日期：").
    return bool(DATE_ONLY_LINE.match(text)) and not previous.rstrip().endswith(("：", ":"))


# A Latin-script page's text is weighed in these units: about four letters make one unit, as
# one Han character carries about as much as a short English word's share of a sentence.
LATIN_UNIT = 0.25
# Latin prose: a word of two letters or more; a sentence ends with . ! ? (or a closing quote).
_WORD = re.compile(r"[^\W\d_]{2,}")
_LATIN_SENTENCE = re.compile(r"[a-z0-9%)\]][.!?][\"'”’)]?(?:\s|$)")


def weight(block: Block, extra: tuple = (), latin: bool = False) -> float:
    """A block's vote for the region it sits in (see the module docstring). `latin`: the page
    is written in a Latin script, so Latin prose counts instead of Han characters."""
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
    in_list = 0.5 if block.element.tag in ("li", "dd", "dt") else 1.0
    if latin:
        return _latin_weight(text, block, in_list)
    # Chinese pages: Han characters carry the article; Latin runs are mostly widgets and ads.
    han = len(CJK.findall(text))
    if han == 0:
        return 0.0  # no Chinese at all: a widget, a ticker, code; never what we archive
    size = han + 0.25 * (n - han)
    # List items are rules, menus and teasers far more often than article text.
    return size * (1 - block.link_ratio) * (1.0 if punct else 0.5) * in_list


def _latin_weight(text: str, block: Block, in_list: float) -> float:
    """Latin prose: running sentences of words. A line of a few capitalised words with no
    sentence end (a menu, a caption, a byline) weighs nothing; a sentence weighs its length."""
    words = len(_WORD.findall(text))
    if words < 4:
        return 0.0
    sentences = len(_LATIN_SENTENCE.findall(text))
    if sentences == 0 and words < 12:
        return 0.0
    return LATIN_UNIT * len(text) * (1 - block.link_ratio) * (1.0 if sentences else 0.5) * in_list


NEAR_TITLE = 12  # blocks after the headline that get the bonus
# A card of a repeated run (a reader's comment under its name, a teaser under its linked
# headline) is one of at least this many siblings of its tag and class, and holds one text
# block beside a few links or short labels. A story's paragraphs hold one block each; a story
# cut into sections between ad slots holds several text blocks a section.
CARD_SIBLINGS = 4
CARD_BLOCKS = (2, 6)
CARD_LABEL_MAX = 20
_WORDISH = re.compile(r"[^\W\d_]")  # a letter or a Han character
CARD_LEVELS = 4  # how far above a block its card may be
# Text inside a card counts this much: it is text, but a list's, not the story's. (At 0.25 a
# comment thread below a short story still joined it in the region.)
CARD_WEIGHT = 0.0
# Text outside the cards that makes a story of its own (about two sentences, doubled under the
# headline): below it, cards weigh as text.
CARD_STORY_MIN = 60


def best_container(
    blocks: list[Block],
    order: dict,
    end: dict,
    extra: tuple = (),
    title: str | None = None,
    latin: bool = False,
    cards: set | None = None,
    chains: dict | None = None,
) -> tuple[tuple[int, int] | None, set]:
    """The article's region as a range of document positions (see `within`), and the cards
    of repeated runs that are not the story's (`foreign_cards`: the body walk ends at them).

    The region is the best-scoring element, or a run of consecutive children of one element
    when the article's paragraphs share their parent with a page's worth of junk (old table
    layouts put everything in one <td>).
    """
    chains = {} if chains is None else chains
    scores: dict[etree._Element, float] = {}
    # Blocks of text an element holds itself (not inside a child element), with their places.
    direct: dict[etree._Element, list[tuple[int, int, float]]] = {}
    votes, foreign = _votes(blocks, extra, title, latin, cards_of(blocks, chains) if cards is None else cards)
    for block, w in zip(blocks, votes, strict=True):
        if not w:
            continue
        direct.setdefault(block.element, []).append((block.order, block.order, w))
        for el in _ancestry(block.element, chains):
            scores[el] = scores.get(el, 0.0) + w
    if not scores:
        return None, foreign
    best_el, best = max(scores.items(), key=lambda kv: (kv[1], order.get(kv[0], 0)))
    region = (order[best_el], end[best_el])
    for parent in scores:
        children = len(parent)
        own = direct.get(parent) if children else None  # text between child elements
        if children < 2 and own is None:
            continue  # no run of two siblings to find
        items = [(order[c], end[c], scores.get(c, 0.0)) for c in parent if c in order]
        if own is not None:
            items = sorted(items + own)
        run = _best_run(items)
        if run is not None and run[0] > best * 1.2:  # a clear gain over the best element
            best, region = run[0], run[1:]
    return (region if best > 0 else None), foreign


def _votes(
    blocks: list[Block], extra: tuple, title: str | None, latin: bool, cards: set
) -> tuple[list[float], set]:
    """Each block's vote for the regions around it: its weight, doubled just under the
    headline, and nothing for text in cards that are not the story's; and those cards."""
    near = _headline_index(blocks, title)
    votes = []
    for i, block in enumerate(blocks):
        w = weight(block, extra, latin)
        if w > 0 and near >= 0 and near < i <= near + NEAR_TITLE:
            w *= 2
        votes.append(w)
    cards = foreign_cards(blocks, votes, cards)
    if cards:
        votes = [
            w * CARD_WEIGHT if w > 0 and card_of(b.element, cards) is not None else w
            for b, w in zip(blocks, votes, strict=True)
        ]
    return votes, cards


def foreign_cards(blocks: list[Block], votes: list[float], cards: set) -> set:
    """The cards that are not the story's: all of them, unless the page's text is all in
    cards (then they are its story: a gallery of captioned pictures with their names)."""
    if not cards:
        return cards
    free = sum(w for b, w in zip(blocks, votes, strict=True) if w > 0 and card_of(b.element, cards) is None)
    return cards if free >= CARD_STORY_MIN else set()


def _headline_index(blocks: list[Block], title: str | None) -> int:
    """Where the headline stands among the blocks, or -1. The article text follows it: text in
    the few blocks after it counts double, so a short article beats a long list beside it."""
    if not title:
        return -1
    near = next((i for i, b in enumerate(blocks) if b.heading and title in b.text), -1)
    if near < 0:
        # A headline set in a styled <div> or <td> rather than a heading: the line that is the
        # title and no link.
        near = next((i for i, b in enumerate(blocks) if b.text == title and b.link_ratio < 0.5), -1)
    return near


def cards_of(blocks: list[Block], chains: dict | None = None) -> set:
    """The elements that are one card of a repeated run (see CARD_SIBLINGS). `chains` caches
    each element's ancestry (`best_container` shares it)."""
    chains = {} if chains is None else chains
    own: dict[etree._Element, list[int]] = {}  # element -> [blocks, of which links or labels]
    for block in blocks:
        if block.image:
            continue
        text = block.text
        # A label is a link or a few words (a name, "3小时前"); a counter ("1/8") is none.
        label = block.link_chars * 2 > len(text) or (
            len(text) <= CARD_LABEL_MAX and not PUNCT.search(text) and _WORDISH.search(text) is not None
        )
        counts = own.get(block.element)
        if counts is None:
            own[block.element] = [1, int(label)]
        else:
            counts[0] += 1
            counts[1] += label
    held: dict[etree._Element, list[int]] = {}
    for element, (count, labels) in own.items():
        for el in _ancestry(element, chains)[:CARD_LEVELS]:
            counts = held.get(el)
            if counts is None:
                held[el] = [count, labels]
            else:
                counts[0] += count
                counts[1] += labels
    cards = set()
    siblings: dict[etree._Element, Counter] = {}
    for el, (count, labels) in held.items():
        if not (CARD_BLOCKS[0] <= count <= CARD_BLOCKS[1] and labels and count - labels == 1):
            continue
        parent = el.getparent()
        if parent is None:
            continue
        kinds = siblings.get(parent)
        if kinds is None:
            kinds = siblings[parent] = Counter((child.tag, child.get("class")) for child in parent)
        if kinds[(el.tag, el.get("class"))] >= CARD_SIBLINGS:
            cards.add(el)
    return cards


def card_of(element, cards: set):
    """The card the element is, or is inside, if any."""
    for _ in range(CARD_LEVELS):
        if element is None:
            return None
        if element in cards:
            return element
        element = element.getparent()
    return None


def _ancestry(element, chains: dict) -> tuple:
    """The element and its ancestors; blocks share most of theirs, so each chain is built once."""
    chain = chains.get(element)
    if chain is None:
        parent = element.getparent()
        chain = (element,) if parent is None else (element, *_ancestry(parent, chains))
        chains[element] = chain
    return chain


def _best_run(items: list[tuple[int, int, float]]) -> tuple[float, int, int] | None:
    """Kadane's maximum-sum run over the (start, end, score) of sibling subtrees and of the text
    their parent holds between them, in document order: (score, start of the first, end of the
    last)."""
    if len(items) < 2:
        return None
    best = None
    total, start = 0.0, 0
    for first, last, value in items:
        if total <= 0:
            total, start = value, first
        else:
            total += value
        if (value > 0 or total > 0) and (best is None or total > best[0]):
            best = (total, start, last)
    return best


def is_latin_page(blocks: list[Block]) -> bool:
    """Whether the page's own text (outside links) is in a Latin script rather than Chinese:
    a Chinese page with English menus stays Chinese, an English edition with a Chinese
    language switch is Latin."""
    han = letters = 0
    for block in blocks:
        if block.link_ratio > 0.5 or block.image:
            continue
        han += len(CJK.findall(block.text))
        letters += len(_WORD.findall(block.text))
    # Words against characters: one Han character reads as about one word.
    return letters > 3 * han and letters >= 30


def within(block: Block, region: tuple[int, int] | None) -> bool:
    return region is not None and region[0] <= block.order <= region[1]


def region_of(element: etree._Element | None, order: dict, end: dict) -> tuple[int, int] | None:
    if element is None or element not in order:
        return None
    return order[element], end[element]
