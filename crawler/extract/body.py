"""The article's text: a walk over the blocks of the page's body region that keeps the story's
paragraphs and sets aside what surrounds them (metadata lines, captions, editor lines, the
"related news" lists, whatever follows the story's end)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from crawler.extract import dates
from crawler.extract.article import Image, RelatedLink
from crawler.extract.blocks import Block
from crawler.extract.content import (
    LATIN_UNIT,
    card_of,
    ends_article,
    is_boilerplate,
    region_of,
    within,
)
from crawler.extract.fields import latin_names, parse_editor
from crawler.extract.meta import join_url
from crawler.extract.patterns import (
    BYLINE,
    DATELINE,
    EDITOR_LINE,
    LATIN_AD_LINE,
    META_LINE,
    PUNCT,
    RELATED_HEADING,
    SENTENCE_END,
)
from crawler.text import clean_line

# A line under a picture up to this long, ending no sentence, is the picture's caption.
CAPTION_MAX = 60
# A comma or a full stop: a caption holding one reads as text, not as a label.
_CLAUSE_MARK = re.compile(r"[，。,.;；]")
# Fifteen characters or more ending in a full stop are a sentence, whatever follows them.
_SENTENCE_INSIDE = re.compile(r"[\u4e00-\u9fff，、“”（）]{15,}[。！？]")
# Characters of article text before an end marker is believed: about two sentences. Latin
# text spends about four letters where Chinese spends one character (LATIN_UNIT).
END_AFTER = 80
# An editor line is short: a sentence that names an editor is article text.
EDITOR_LINE_MAX = 40
# The first paragraph of running text is at least this long; shorter lines before it are
# headers (a site line, a date), not the story.
PROSE_MIN = 25
# The next post's title sits right above its date and is shorter than this.
NEXT_TITLE_MAX = 30
# Below this many characters of text in the HTML itself, a page is taken to draw its text with
# scripts, and JSON-LD articleBody is tried.
SCRIPTED_BODY_BELOW = 120
CLAUSE_END = re.compile(r"[，。！？；：…」”』）)、,.!?;:]$")
INNER_SENTENCE_END = re.compile(r"[\u4e00-\u9fff][。！？；][\u4e00-\u9fff“「]")
_SECTION_NUMBER = re.compile(r"[一二三四五六七八九十]{1,3}、[\u4e00-\u9fff]")
# A Latin line that ends a sentence (or a quotation or bracket closing one).
_LATIN_END = re.compile(r"[.!?…][\"'”’)\]]?$|[\"”’)]$")


@dataclass
class BodyText:
    """What the walk found: the story's lines and where they sit, its pictures, and the lines
    set aside that still name a date, an author or an editor."""

    lines: list[str] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)  # document positions of the lines
    images: list[Image] = field(default_factory=list)
    editor_lines: list[str] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)
    # Where a widget, comments or a share bar closed the story (not a new dated post): what
    # follows in the region is another thing, and the article test does not weigh it.
    closed_at: int | None = None


def read_body(
    blocks: list[Block],
    container,
    taken: set[int],
    *,
    base: str | None,
    title: str | None,
    extra,
    latin: bool,
    later_page_of: tuple[str, ...] | None = None,
    cards: set | None = None,
) -> BodyText:
    """The story's text inside `container`, skipping the blocks in `taken` (related lists).
    `later_page_of` (the title and main headings) marks page 2 or later of an article;
    `cards` are the cards of repeated runs (`content.cards_of`)."""
    walk = _Walk(base, title, extra, latin, cards or set())
    for i, block in enumerate(blocks):
        if within(block, container):
            if i not in taken:
                walk.inside(i, block)
        elif walk.first_body_index is None:
            walk.out.header_lines.append(block.text)
    out = walk.out
    lead, out.lines = split_lead(out.lines, later_page_of)
    out.header_lines += lead
    return out


class _Walk:
    """The state of one walk over a region's blocks, in document order."""

    def __init__(self, base: str | None, title: str | None, extra, latin: bool, cards: set):
        self.base, self.title, self.extra, self.latin = base, title, extra, latin
        self.cards = cards
        self.line_elements: list = []  # the elements of the story's lines
        self.own_runs: dict = {}  # run of cards -> whether the story's lines stand among them
        self.sentence = False  # a story line so far is a paragraph ending a sentence
        self.out = BodyText()
        self.first_body_index: int | None = None
        self.pending_image: Image | None = None
        self.ended = False
        self.chars = 0
        self.prose = False

    def inside(self, i: int, block: Block) -> None:
        """Take one block of the region: a picture, a story line, or a line set aside."""
        text = block.text
        if block.image:
            self.pending_image = Image(
                src=join_url(self.base, block.image) or block.image, caption=block.image_alt
            )
            self.out.images.append(self.pending_image)
            return
        editor = _is_editor_line(text)
        if editor:
            self.out.editor_lines.append(text)
        if self.ended:
            return
        if self._story_ends(text):
            if not dates.parse_date(text):
                self.out.closed_at = block.order
            return
        if self._cards_begin(block):
            self.ended, self.out.closed_at = True, block.order
            return
        if editor or self._header(block) or self._caption(block):
            return
        if self.first_body_index is None:
            self.first_body_index = i
        self.out.lines.append(text)
        self.out.orders.append(block.order)
        self.line_elements.append(block.element)
        self.sentence = self.sentence or (len(text) >= PROSE_MIN and bool(SENTENCE_END.search(text)))
        self.chars += len(text)
        self.prose = self.prose or len(text) >= PROSE_MIN

    def _story_ends(self, text: str) -> bool:
        """Comments, share bars, "next article", an editor line, a new dated post: the
        article is over, whatever the container still holds."""
        lines = self.out.lines
        if not self._story_begun() or not ends_article(text, lines[-1] if lines else "", self.latin):
            return False
        self.ended = True
        if (
            lines
            and dates.parse_date(text)
            and len(lines[-1]) < NEXT_TITLE_MAX
            and not CLAUSE_END.search(lines[-1])
        ):
            # The next post's title, just above its date. (Its position stays in `orders`,
            # as it always has: the article test was tuned with it there.)
            lines.pop()
        return True

    def _cards_begin(self, block: Block) -> bool:
        """A run of alike cards (readers' comments under their names, teasers under their
        headlines) after the story: it is over. Cards among which the story itself stands (a
        forum's posts, a story cut into alike sections) end nothing."""
        if not self.cards or not self.sentence or not self._story_begun():
            return False
        card = card_of(block.element, self.cards)
        if card is None:
            return False
        run = card.getparent()
        own = self.own_runs.get(run)
        if own is None:
            own = self.own_runs[run] = any(
                run is el or any(run is up for up in el.iterancestors()) for el in self.line_elements
            )
        return not own

    def _story_begun(self) -> bool:
        """Enough story text that an end marker is believed: about two sentences, or, for a
        brief shorter than that, a paragraph and a second line with a sentence ended."""
        if self.chars * (LATIN_UNIT if self.latin else 1) >= END_AFTER:
            return True
        lines = self.out.lines
        return self.prose and len(lines) >= 2 and any(SENTENCE_END.search(line) for line in lines)

    def _header(self, block: Block) -> bool:
        """A line that is not story text: the headline repeated, metadata before the first
        paragraph, boilerplate, a link line, Latin page furniture. Those above the story are
        kept as header lines: they may name the date or the author."""
        text = block.text
        if (block.heading or self.first_body_index is None) and self.title and clean_line(text) == self.title:
            self.out.header_lines.append(text)
            return True
        if not self.prose and is_byline(text):
            # Metadata before the first real paragraph (a site line or a date may come first).
            self.out.header_lines.append(text)
            return True
        if (
            is_boilerplate(text, self.extra)
            or (block.link_ratio > 0.5 and not block.heading)
            or (self.latin and not block.heading and latin_furniture(text))
            # An ad slot's label is skipped in the walk only: in the region's score it weighs
            # nothing, as it sits inside the story.
            or (self.latin and LATIN_AD_LINE.search(text))
        ):
            if self.first_body_index is None:
                self.out.header_lines.append(text)
            return True
        return False

    def _caption(self, block: Block) -> bool:
        """A short line right under a picture is its caption, recorded on the picture. A label
        ("湿地公园观鸟栈道") is told apart from the text and set aside; a caption that reads as
        a sentence ("5月19日，……发表演讲。 新华社记者 李梦馨 摄") stays in the text too, as
        news sites' own article text keeps it (and every truth set we score against)."""
        text, image = block.text, self.pending_image
        self.pending_image = None
        if image is None or len(text) > CAPTION_MAX or SENTENCE_END.search(text) or block.heading:
            return False
        self.out.images[-1] = Image(src=image.src, caption=text)
        return not _CLAUSE_MARK.search(text)


def _is_editor_line(text: str) -> bool:
    return bool(
        EDITOR_LINE.match(text)
        or (len(text) < EDITOR_LINE_MAX and parse_editor(text) and not PUNCT.search(text.split("：")[-1]))
    )


def related_blocks(
    blocks: list[Block], order: dict, end: dict, base: str | None, root_override
) -> tuple[set[int], list[RelatedLink]]:
    """Blocks that make up "related news" lists, and the links they hold."""
    taken: set[int] = set()
    related: list[RelatedLink] = []
    seen: set[str] = set()

    def add_links(block: Block) -> None:
        for href, anchor in block.links:
            url = join_url(base, href)
            if url is None:
                continue
            if anchor and url not in seen and len(anchor) >= 4:
                seen.add(url)
                related.append(
                    RelatedLink(
                        url=url,
                        title=anchor,
                        published_at=dates.parse_date(block.text[len(anchor) :] or block.text),
                    )
                )

    if root_override is not None:
        for i, block in enumerate(blocks):
            if within(block, region_of(root_override, order, end)):
                taken.add(i)
                add_links(block)
        return taken, related
    for i, block in enumerate(blocks):
        if not RELATED_HEADING.match(block.text):
            continue
        taken.add(i)
        # The list is the run of link blocks right after the heading.
        for j in range(i + 1, len(blocks)):
            nxt = blocks[j]
            if nxt.image:
                continue
            if not nxt.links or nxt.link_ratio < 0.4 or RELATED_HEADING.match(nxt.text):
                break
            taken.add(j)
            add_links(nxt)
    return taken, related


def is_byline(text: str) -> bool:
    """A metadata line above the article text: labels (來源：, 作者：) or a date, no sentence."""
    if SENTENCE_END.search(text) or len(text) >= 120 or _SENTENCE_INSIDE.search(text):
        # A line holding a sentence is text, even when it closes on a credit ("... 记者 李四 摄").
        return False
    dateline = DATELINE.match(text)
    if dateline and len(text) - dateline.end() >= 8:
        return False  # 【本报讯】 and the story's first words: a hard-wrapped first paragraph
    return (
        bool(META_LINE.search(text))
        or bool(BYLINE.search(text))
        or (len(text) < 80 and dates.parse_date(text) is not None)
        or bool(latin_names(text, need_by=True))
    )


def latin_furniture(text: str) -> bool:
    """A few words ending no sentence, outside any heading: a page's furniture inside the
    story ("Advertisement", "Story continues below", "Topics", a stamp, a label)."""
    return len(text.split()) <= 5 and not _LATIN_END.search(text)


def is_subheading(text: str, headlines: tuple[str, ...]) -> bool:
    """A short heading inside a story's text: no sentence end, no label, no date, not the
    headline repeated."""
    return (
        2 <= len(text) <= 30
        and not SENTENCE_END.search(text)
        and not is_byline(text)
        and not any(ch.isdigit() for ch in text)
        and not any(text in h or h in text for h in headlines if h)
    )


def is_paragraph(text: str) -> bool:
    """Running text: a sentence, not a label, breadcrumb, byline or date."""
    return (
        len(text) >= 40
        or (len(text) >= 6 and bool(CLAUSE_END.search(text)))
        # a hard-wrapped line of running text: a sentence ends inside it
        or (len(text) >= 20 and bool(INNER_SENTENCE_END.search(text)))
        or bool(_SECTION_NUMBER.match(text))
    )


def split_lead(lines: list[str], later_page_of: tuple[str, ...] | None = None) -> tuple[list[str], list[str]]:
    """Move the short lines above the first paragraph (breadcrumbs, repeated titles, bylines,
    dates, widget labels) out of the body; a dateline paragraph stays.

    On a later page of an article (`later_page_of`: its title and main headings) the text starts
    mid-story: a short line just above the first paragraph is a subheading, unless it repeats
    the headline or is a byline or a date."""
    start = next((i for i, line in enumerate(lines) if is_paragraph(line) or DATELINE.match(line)), 0)
    if later_page_of is not None:
        while start > 0 and is_subheading(lines[start - 1], later_page_of):
            start -= 1
    lead, rest = lines[:start], lines[start:]
    # Bylines and dates just under the first paragraph's start are metadata too.
    keep = [
        line
        for line in rest[:4]
        if not (len(line) < 80 and not SENTENCE_END.search(line) and is_byline(line))
    ]
    return lead + [line for line in rest[:4] if line not in keep], keep + rest[4:]


def jsonld_body(value: str | None) -> list[str]:
    """JSON-LD articleBody as paragraphs (some sites put HTML in it), when it is real text."""
    if not value:
        return []
    text = html.unescape(re.sub(r"<(?:br|/p|/div|/h\d)\b[^>]*>", "\n", value, flags=re.I))
    lines = [line for line in (clean_line(x) for x in re.sub(r"<[^>]+>", "", text).split("\n")) if line]
    return lines if sum(map(len, lines)) >= 60 and PUNCT.search(value) else []
