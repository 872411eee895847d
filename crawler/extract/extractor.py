"""extract(url, raw bytes, profile) -> Article: the one extractor every command uses.

Pure: no Scrapy, no network, no files. The crawl, `newsarchive extract`, `reextract`
from WARC files, the tests and the benchmarks all call this function.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlTranslator

from crawler.decode import NotText, decode_html, not_text_reason
from crawler.errors import UsageError
from crawler.extract import dates
from crawler.extract.article import Article, Image, RelatedLink
from crawler.extract.blocks import Block, blocks_of, parse, remove, strip_noise, text_of
from crawler.extract.content import (
    LATIN_UNIT,
    best_container,
    ends_article,
    is_boilerplate,
    is_latin_page,
    region_of,
    within,
)
from crawler.extract.decision import ARTICLE_THRESHOLD, SENTENCE_MARK, Evidence, article_score
from crawler.extract.fields import (
    blog_owner,
    bracketed_name,
    clean_title,
    headline_name,
    issuer,
    latin_names,
    lone_name,
    names_only,
    parse_authors,
    parse_dateline,
    parse_editor,
    parse_source,
    photo_credits,
    posted_by,
    split_names,
    strip_trailing_separator,
    trailing_names,
)
from crawler.extract.meta import (
    AUTHOR_META,
    DATE_META,
    SOURCE_META,
    UPDATE_META,
    PageMeta,
    join_url,
    read_meta,
)
from crawler.extract.patterns import (
    BYLINE,
    DATELINE,
    EDITOR_LINE,
    META_LINE,
    OUTLET_SUFFIX,
    PUNCT,
    RELATED_HEADING,
    SENTENCE_END,
)
from crawler.text import (
    CJK,
    SCRIPT_SAMPLE,
    clean_line,
    convert,
    detect_script,
    han_counts,
    join_paragraphs,
    lang_of,
)

_CAPTION_MAX = 60
# Characters of article text before an end marker is believed: about two sentences. Latin
# text spends about four letters where Chinese spends one character (LATIN_UNIT).
_END_AFTER = 80
CLAUSE_END = re.compile(r"[，。！？；：…」”』）)、,.!?;:]$")
# Profile selectors are few and reused on every page: compile each once.
_css = lru_cache(maxsize=512)(CSSSelector)


# Elements that name the author by their markup: class or id "author"/"byline", itemprop, rel.
_AUTHOR_MARK = re.compile(r"author|byline", re.I)


def author_elements(root: etree._Element, order: dict, limit: int | None, parse=None) -> list[str]:
    """Names from the first author-marked element (class or id "author"/"byline", itemprop,
    rel) that holds nothing but names, above the article or beside its first lines: comment
    threads mark their authors the same way. Elements are visited in document order up to
    the limit, which keeps this cheap (an XPath over the whole page cost 1.5 ms)."""
    for el, position in order.items():
        if limit is not None and position > limit:
            break
        marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"), el.get("rel"))))
        if not marks or not _AUTHOR_MARK.search(marks):
            continue
        text = clean_line(text_of(el))
        if text and len(text) <= (60 if parse else 30):
            names = (parse or names_only)(text)
            if names:
                return names
    return []


def _page_title(meta) -> str | None:
    """og:title, unless it is <title> cut short (an unescaped quote ends the attribute early:
    content="奖金711万元！"中国诺贝尔奖"...)."""
    og, title = (meta.og_title or "").strip(), (meta.title or "").strip()
    if og and title and len(title) > len(og) and title.startswith(og):
        return title
    return og or title or None


def _meta_authors(meta) -> list[str]:
    value = meta.first(("citation_author", "citation_authors", *AUTHOR_META)) or meta.jsonld_value("author")
    if not value:
        return []
    if not CJK.search(value):  # Latin names (never a list of publishers, a URL, a handle)
        return _latin_meta_authors(meta)
    return names_only(value)


def _latin_meta_authors(meta) -> list[str]:
    """The first author field that holds Latin names: meta tags (one may hold a profile URL
    where another has the name), JSON-LD's author list, or the "Written by" label that
    WordPress themes put in twitter:label1/data1."""
    fields = [meta.metas.get(name) for name in ("citation_author", *AUTHOR_META, "parsely-author")]
    for value in fields:
        names = latin_names(value)
        if names:
            return names
    names = [n for n in meta.jsonld_names("author") if latin_names(n) == [n]]
    if names:
        return names
    if re.fullmatch(r"(?i)written by|author", meta.metas.get("twitter:label1") or ""):
        return latin_names(meta.metas.get("twitter:data1"))
    return []


def _latin_authors(meta, lines: list[str], root, order: dict, limit: int | None) -> list[str]:
    """A Latin-script page's authors: the byline a reader sees ("By A and B") above or at the
    top of the text, else the page's author metadata, else an author-marked element."""
    for line in lines:
        names = latin_names(line, need_by=True)
        if names:
            return names
    return _latin_meta_authors(meta) or author_elements(root, order, limit, latin_names)


# "HEAD REST": a simple first compound (tag, class, id), a descendant combinator, the rest.
_HEAD_REST = re.compile(r"\s*([\w-]*(?:[#.][\w-]+)*)\s+([^\s>+~].*?)\s*", re.S)


@lru_cache(maxsize=512)
def _split_selector(css: str) -> tuple[str, etree.XPath] | None:
    """(head, rest as an XPath relative to a head element) for "HEAD REST", else None."""
    m = _HEAD_REST.fullmatch(css)
    if m is None or "," in css or not m.group(1):
        return None
    try:
        return m.group(1), etree.XPath(LxmlTranslator().css_to_xpath(m.group(2), prefix="descendant::"))
    except (SelectorError, etree.XPathError):
        return None


_CLASS_HEAD = re.compile(r"([a-zA-Z][\w-]*)?((?:\.-?[_a-zA-Z][\w-]*)+)")


@lru_cache(maxsize=512)
def _head_lookup(head: str):
    """What finds a head's elements in a page: for "tag.class...", a path through the class
    attributes, each tested as CSS does (0.08 ms a bench page, against 0.18 for the path that
    cssselect writes, which tests every element); for any other head, cssselect's."""
    m = _CLASS_HEAD.fullmatch(head)
    if m is None:
        return _css(head)
    first, *rest = m.group(2).split(".")[1:]

    def has(name: str, attr: str) -> str:
        return f"contains(concat(' ', normalize-space({attr}), ' '), ' {name} ')"

    return etree.XPath(
        f"//@class[contains(., '{first}')][{has(first, '.')}]/parent::{m.group(1) or '*'}"
        + "".join(f"[{has(name, '@class')}]" for name in rest)
    )


class _PageSelect:
    """A profile's selectors on one page. Those of a profile mostly share their container
    (".article h1", ".article .content"): a whole-tree lookup costs 0.2 ms a page each, so the
    container is looked up once and, when the page has exactly one, the rest inside it."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.heads: dict[str, list] = {}

    def __call__(self, css: str) -> list:
        split = _split_selector(css)
        if split is not None:
            head, rest = split
            found = self.heads.get(head)
            if found is None:
                found = self.heads[head] = _head_lookup(head)(self.root)
            if len(found) == 1:
                return rest(found[0])
        return _css(css)(self.root)


def _select_text(select: _PageSelect, css: str | None) -> str | None:
    if not css:
        return None
    for el in select(css):
        text = clean_line(text_of(el) if isinstance(el, etree._Element) else str(el))
        if text:
            return text
    return None


def _select_el(select: _PageSelect, css: str | None) -> etree._Element | None:
    if not css:
        return None
    found = select(css)
    return found[0] if found else None


def _related_blocks(
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


def _is_byline(text: str) -> bool:
    """A metadata line above the article text: labels (來源：, 作者：) or a date, no sentence."""
    if SENTENCE_END.search(text) or len(text) >= 120:
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


# A Latin line that ends a sentence (or a quotation or bracket closing one).
_LATIN_END = re.compile(r"[.!?…][\"'”’)\]]?$|[\"”’)]$")


def _latin_furniture(text: str) -> bool:
    """A few words ending no sentence, outside any heading: a page's furniture inside the
    story ("Advertisement", "Story continues below", "Topics", a stamp, a label)."""
    return len(text.split()) <= 5 and not _LATIN_END.search(text)


def _is_subheading(text: str, headlines: tuple[str, ...]) -> bool:
    """A short heading inside a story's text: no sentence end, no label, no date, not the
    headline repeated."""
    return (
        2 <= len(text) <= 30
        and not SENTENCE_END.search(text)
        and not _is_byline(text)
        and not any(ch.isdigit() for ch in text)
        and not any(text in h or h in text for h in headlines if h)
    )


def _is_paragraph(text: str) -> bool:
    """Running text: a sentence, not a label, breadcrumb, byline or date."""
    return (
        len(text) >= 40
        or (len(text) >= 6 and bool(CLAUSE_END.search(text)))
        # a hard-wrapped line of running text: a sentence ends inside it
        or (len(text) >= 20 and bool(_INNER_SENTENCE_END.search(text)))
        or bool(_SECTION_NUMBER.match(text))
    )


_INNER_SENTENCE_END = re.compile(r"[\u4e00-\u9fff][。！？；][\u4e00-\u9fff“「]")
_SECTION_NUMBER = re.compile(r"[一二三四五六七八九十]{1,3}、[\u4e00-\u9fff]")


def _split_lead(
    lines: list[str], later_page_of: tuple[str, ...] | None = None
) -> tuple[list[str], list[str]]:
    """Move the short lines above the first paragraph (breadcrumbs, repeated titles, bylines,
    dates, widget labels) out of the body; a dateline paragraph stays.

    On a later page of an article (`later_page_of`: its title and main headings) the text starts
    mid-story: a short line just above the first paragraph is a subheading, unless it repeats
    the headline or is a byline or a date."""
    start = next((i for i, line in enumerate(lines) if _is_paragraph(line) or DATELINE.match(line)), 0)
    if later_page_of is not None:
        while start > 0 and _is_subheading(lines[start - 1], later_page_of):
            start -= 1
    lead, rest = lines[:start], lines[start:]
    # Bylines and dates just under the first paragraph's start are metadata too.
    keep = [
        line
        for line in rest[:4]
        if not (len(line) < 80 and not SENTENCE_END.search(line) and _is_byline(line))
    ]
    return lead + [line for line in rest[:4] if line not in keep], keep + rest[4:]


# A <title> that names the site or nothing, not the page: a greeting, a generic word, a host
# name, a blog's name, a bare outlet name ("松花江网").
_BANNER = re.compile(
    r"^(?:欢迎光临|歡迎光臨|欢迎访问|歡迎訪問|欢迎来到|歡迎來到|谢谢您访问|謝謝您訪問|welcome to)"
    r"|^(?:显示|顯示|首页|首頁|正文|无标题|無標題|无标题文档|無標題文件|untitled(?: document)?|index|home)$"
    r"|^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$"
    r"|(?:的博客|的部落格|的blog|\sblog)$",
    re.I,
)


def _weak_title(title: str) -> bool:
    return bool(_BANNER.search(title)) or (len(title) <= 6 and bool(OUTLET_SUFFIX.search(title)))


def _headline(lines: list[str], extra) -> str | None:
    """The line above the text that reads as a headline (no label, date or crumb): one that
    repeats another (茉莉：我是怎样…… over 我是怎样……), else the first one with a date or a
    byline right under it, else the one nearest the text."""
    dated = {
        line
        for i, line in enumerate(lines)
        if any(_is_byline(below) or dates.parse_date(below) for below in lines[i + 1 : i + 3])
    }
    candidates = [
        line
        for line in lines
        if 6 <= len(line) <= 60
        and not _is_byline(line)
        and dates.parse_date(line) is None
        and not is_boilerplate(line, extra)
        and not re.search(r"[|｜>»/]", line)
        and not re.match(r"(?:——|--|[一二三四五六七八九十]{1,3}、)", line)  # a subtitle, a section
        and not re.fullmatch(r"[\[【].*[\]】]", line)  # a column tag, a row of bracketed links
        and not re.search(r"所在的?位置|当前位置|當前位置|首页|首頁", line)  # a breadcrumb
        and len(CJK.findall(line)) >= 2
    ]
    for line in candidates:
        if any(other != line and other in line for other in candidates):
            return strip_trailing_separator(line)
    headed = [line for line in candidates if line in dated]
    if headed:  # the first: share widgets and the like come under the date line, not above it
        return strip_trailing_separator(headed[0])
    return strip_trailing_separator(candidates[-1]) if candidates else None


_SCRIPTED_BODY_BELOW = 120  # characters of body text found in the HTML itself


def _jsonld_body(value: str | None) -> list[str]:
    """JSON-LD articleBody as paragraphs (some sites put HTML in it), when it is real text."""
    if not value:
        return []
    text = html.unescape(re.sub(r"<(?:br|/p|/div|/h\d)\b[^>]*>", "\n", value, flags=re.I))
    lines = [line for line in (clean_line(x) for x in re.sub(r"<[^>]+>", "", text).split("\n")) if line]
    return lines if sum(map(len, lines)) >= 60 and PUNCT.search(value) else []


# A date in a list's row: 2024-05-01, 2024年5月1日, 05/01, 5月1日.
_ROW_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?(?:\D|$)")
# One English word carries about what one and a half Han characters do (a news story of 400
# words tells what one of 600 characters does).
LATIN_WORD_UNITS = 1.5
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")


def _units(text: str, han: int | None = None) -> int:
    """Han characters plus Latin words: a length that means the same in either script."""
    if han is None:
        han = len(CJK.findall(text))
    return han + len(_LATIN_WORD.findall(text))


def _evidence(
    blocks, taken, container, body_lines, body_orders, han, title, published, og_type, url, order, end
) -> Evidence:
    """What the article test weighs (crawler.extract.decision), from this extraction."""
    body = "\n".join(body_lines)
    in_body = set(body_orders)
    region_chars = link_chars = interleaved = text_blocks = 0
    row_seen = False
    roots: list = []
    for i, block in enumerate(blocks):
        if i in taken or block.image or not within(block, container):
            continue
        region_chars += len(block.text)
        link_chars += block.link_chars
        if block.order in in_body:
            _add_root(roots, block.element, container, order, end)
        if (block.link_ratio > 0.5 and len(block.text) >= 4) or (
            len(block.text) < 60 and _ROW_DATE.search(block.text)
        ):
            row_seen = True  # a list's row: a link, or a short dated line
        elif _units(block.text) >= 15:
            text_blocks += 1
            interleaved += row_seen
            row_seen = False
    heading = next(
        (
            b
            for b in blocks
            if b.heading and title and (title in b.text or (len(b.text) >= 4 and b.text in title))
        ),
        None,
    )
    page_chars = sum(len(b.text) for b in blocks if b.link_ratio <= 0.5)
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
        linked_headline=heading is not None and heading.link_ratio > 0.5,
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
    for _ in range(3):
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
            if size / 3 <= len(text_of(sibling).strip()) <= size * 3:
                count += 1
        best = max(best, count)
        element = parent
    return best


def meta_type(og_type: str | None) -> str | None:
    return og_type.strip().lower() if og_type else None


def _first_date(candidates, now, year=None) -> str | None:
    for text in candidates:
        value = dates.parse_date(text, now=now, year=year)
        if value:
            return value
    return None


# Extraction needs about 100 bytes of memory per character of page: 2,000,000 characters
# (some 6 MB of Chinese text) keep one page under about 250 MB. Real articles are far smaller.
MAX_CHARS = 2_000_000


class PageTooLarge(UsageError, ValueError):
    """The page is bigger than extraction will take on (its capture is still archived)."""


def extract(
    url: str | None,
    raw: bytes,
    profile=None,
    *,
    content_type: str | None = None,
    encoding: str | None = None,
    target_script: str = "hans",
    now: datetime | None = None,
    max_chars: int = MAX_CHARS,
    tree_hook: Callable[[etree._Element], None] | None = None,
    later_page: bool = False,
) -> Article:
    """Extract one page. `profile` (a crawler.profile.Profile or None) refines the generic rules.
    `tree_hook` is called with the parsed page before extraction changes the tree (the crawl
    reads links and requisites from it: one parse a page, not two). `later_page` says the page
    is page 2 or later of an article split over pages: its text starts mid-story.

    Raises NotText for bytes that are no page (empty, binary), PageTooLarge for a page over
    `max_chars` characters, and ValueError for an unknown `encoding`. Any other bytes give an
    Article, perhaps one that is not an article (`is_article` False).
    """
    decoded = decode_html(raw, content_type, override=encoding or getattr(profile, "encoding", None))
    reason = not_text_reason(raw, decoded)
    if reason:
        raise NotText(reason)
    if max_chars and len(decoded.text) > max_chars:
        raise PageTooLarge(
            f"page too large to extract: {len(decoded.text):,} characters (limit {max_chars:,}); "
            "its capture is in the WARC"
        )
    root = parse(decoded.text)
    if tree_hook is not None:
        tree_hook(root)
    meta = read_meta(root, url)
    selectors = getattr(profile, "selectors", None) or {}
    extra = getattr(profile, "boilerplate_res", ())
    for css in getattr(profile, "remove", ()):
        for el in _css(css)(root):
            remove(el)
    strip_noise(root)
    select = _PageSelect(root)
    h1s = [clean_line(text_of(el)) for el in root.iter("h1", "h2", "h3")]
    title = _select_text(select, selectors.get("title"))
    if not title:
        title = clean_title(_page_title(meta), h1s)
        title = title or (h1s[0] if h1s else None)

    blocks, order, end = blocks_of(root)
    container = region_of(_select_el(select, selectors.get("body")), order, end)
    related_root = _select_el(select, selectors.get("related"))
    taken, related = _related_blocks(blocks, order, end, meta.base, related_root)
    latin = is_latin_page(blocks)
    if container is None:
        candidates = [b for i, b in enumerate(blocks) if i not in taken]
        container = best_container(candidates, order, end, extra, title, latin)

    body_lines: list[str] = []
    images: list[Image] = []
    editor_lines: list[str] = []
    header_lines: list[str] = []
    first_body_index = None
    pending_image: Image | None = None
    ended, body_chars, prose = False, 0, False
    body_orders: list[int] = []  # document positions of the body lines
    for i, block in enumerate(blocks):
        inside = within(block, container)
        if not inside:
            if first_body_index is None:
                header_lines.append(block.text)
            continue
        if i in taken:
            continue
        text = block.text
        if block.image:
            pending_image = Image(
                src=join_url(meta.base, block.image) or block.image, caption=block.image_alt
            )
            images.append(pending_image)
            continue
        is_editor = EDITOR_LINE.match(text) or (
            len(text) < 40 and parse_editor(text) and not PUNCT.search(text.split("：")[-1])
        )
        if is_editor:
            editor_lines.append(text)
        if ended:
            continue
        if body_chars * (LATIN_UNIT if latin else 1) >= _END_AFTER and ends_article(
            text, body_lines[-1] if body_lines else ""
        ):
            # Comments, share bars, "next article", an editor line, a new dated post: the
            # article is over, whatever the container still holds.
            ended = True
            if (
                body_lines
                and dates.parse_date(text)
                and len(body_lines[-1]) < 30
                and not CLAUSE_END.search(body_lines[-1])
            ):
                body_lines.pop()  # the next post's title, just above its date
            continue
        if is_editor:
            continue
        if block.heading and title and clean_line(text) == title:
            header_lines.append(text)
            continue
        if not prose and _is_byline(text):
            # Metadata before the first real paragraph (a site line or a date may come first).
            header_lines.append(text)
            continue
        if (
            is_boilerplate(text, extra)
            or (block.link_ratio > 0.5 and not block.heading)
            or (latin and not block.heading and _latin_furniture(text))
        ):
            if first_body_index is None:
                header_lines.append(text)  # not article text, but it may name the date or author
            continue
        if (
            pending_image is not None
            and len(text) <= _CAPTION_MAX
            and not SENTENCE_END.search(text)
            and not block.heading
        ):
            # A short line right under a picture is its caption, not article text.
            images[-1] = Image(src=pending_image.src, caption=text)
            pending_image = None
            continue
        pending_image = None
        if first_body_index is None:
            first_body_index = i
        body_lines.append(text)
        body_orders.append(block.order)
        body_chars += len(text)
        prose = prose or len(text) >= 25

    headlines = (title or "", *(clean_line(text_of(el)) for el in root.iter("h1"))) if later_page else None
    lead, body_lines = _split_lead(body_lines, headlines)
    header_lines += lead
    if sum(map(len, body_lines)) < _SCRIPTED_BODY_BELOW and not selectors.get("body"):
        # A page that draws its text with scripts may still carry it as JSON-LD articleBody.
        body_lines = _jsonld_body(meta.jsonld_value("articleBody")) or body_lines
    body = join_paragraphs(body_lines) or None
    header = "\n".join(header_lines[-30:])
    if title and not selectors.get("title") and _weak_title(title):
        first = (
            body_lines[:1]
            if body_lines
            and len(body_lines[0]) <= 40
            and "。" not in body_lines[0]
            and not _INNER_SENTENCE_END.search(body_lines[0])
            else []
        )
        title = _headline([line for line in header_lines if line][-12:] + first, extra) or title
    first_para = body_lines[0] if body_lines else None
    # The dateline opens the story, though a promotion or a caption may come before it: a later
    # line counts only when it also names the reporters (新京报快讯（记者 裴剑飞）).
    dateline, dateline_names = parse_dateline(first_para)
    if dateline is None:
        dateline, dateline_names = next(
            (found for found in map(parse_dateline, body_lines[1:3]) if found[0] and found[1]), (None, [])
        )
    page_text = "\n".join(b.text for b in blocks)

    date_sel = _select_text(select, selectors.get("published_at"))
    lead_text = header + "\n" + "\n".join(body_lines[:3])
    published = (
        _first_date([date_sel], now)
        or dates.document_date(page_text, now)
        or _first_date([meta.first(DATE_META), meta.jsonld_value("datePublished"), *meta.time_elements], now)
        or dates.labeled_date(lead_text, now)
        or _first_date([header], now)
        or dates.labeled_date(page_text, now)
    )
    if published is None:
        published = dates.date_from_url(url, now)
    if published is None and dateline:
        published = dates.parse_date(dateline, now=now)
    if published is None:
        # A page's own "modified" metadata beats a date that merely occurs in its text.
        published = _first_date([meta.first(UPDATE_META), meta.jsonld_value("dateModified")], now)
    if published is None:
        published = _first_date(body_lines[:3] + body_lines[-3:], now)
    if published is None:
        # Some pages print the date from a script (showDate("2020/04/17 ...")): look at the source.
        published = dates.labeled_date(decoded.text[:200_000], now)

    source_sel = _select_text(select, selectors.get("source"))
    source = (
        (parse_source(source_sel) or source_sel)
        or parse_source(header)
        or parse_source("\n".join(body_lines[-3:]))
        or meta.first(SOURCE_META[:2])
    )

    authors_sel = _select_text(select, selectors.get("authors"))
    first_lines = body_orders[min(2, len(body_orders) - 1)] if body_orders else None
    authors = (
        (split_names(re.sub(r"^.*?[:：]", "", authors_sel)) if authors_sel else [])
        or (
            _latin_authors(meta, header_lines[-8:] + body_lines[:2], root, order, first_lines)
            if latin
            else []
        )
        or parse_authors(header)
        or posted_by(header)
        or dateline_names
        or author_elements(root, order, first_lines)
        or parse_authors(first_para)
        or parse_authors("\n".join(body_lines[-2:]))
        or trailing_names(body_lines[-2:])
        or bracketed_name(header_lines[-6:])
        or _meta_authors(meta)
        or lone_name(header_lines[-6:] + body_lines[:1])
        or headline_name(header_lines[-6:] + body_lines[:1])
        or issuer(page_text)
        or photo_credits([i.caption for i in images])
        or (
            blog_owner(url, meta.title, [page_text, *(a.get("title") or "" for a in root.iter("a"))])
            if url and "blog" in url.lower()
            else []
        )
    )

    editor_sel = _select_text(select, selectors.get("editor"))
    editor = (
        (parse_editor(editor_sel) if editor_sel else None)
        or parse_editor("\n".join(editor_lines))
        or parse_editor(page_text)
    )

    dateline = _select_text(select, selectors.get("dateline")) or dateline
    body_han = han_counts(body or "")
    han = sum(body_han.values())
    text = (title or "") + (body or "")
    counts = None
    if len(text) <= SCRIPT_SAMPLE:
        # title + body, the title's few characters added to a copy (Counter + Counter rebuilt
        # the body's whole count in Python)
        counts = body_han.copy()
        counts.update(han_counts(title or ""))
    script = detect_script(text, counts)
    score = article_score(
        _evidence(
            blocks,
            taken,
            container,
            body_lines,
            body_orders,
            han,
            title,
            published,
            meta.og_type,
            url,
            order,
            end,
        )
    )
    return Article(
        url=url,
        title=title,
        published_at=published,
        source=source,
        authors=tuple(authors),
        editor=editor,
        dateline=dateline,
        body=body,
        images=tuple(images),
        related=tuple(related),
        script=script,
        title_norm=convert(title, target_script),
        body_norm=convert(body, target_script),
        lang=lang_of(body or title, script, han if body else None) or (meta.lang or None),
        encoding=decoded.encoding,
        is_article=score >= ARTICLE_THRESHOLD,
        article_score=score,
    )


__all__ = ["extract", "PageMeta"]
