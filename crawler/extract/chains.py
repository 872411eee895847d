"""One function per article field, each trying its sources in order until one answers.

The order of each chain is the design: what a site states about itself on purpose (a profile
selector, the text a reader sees next to the headline) comes before what a template states
by habit (metadata), which comes before guesses from anywhere on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from lxml import etree

from crawler.extract import dates
from crawler.extract.blocks import Block, text_of
from crawler.extract.body import INNER_SENTENCE_END, BodyText, is_byline
from crawler.extract.content import is_boilerplate
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
from crawler.extract.meta import AUTHOR_META, DATE_META, SOURCE_META, UPDATE_META, PageMeta
from crawler.extract.patterns import LATIN_AD_LINE, LATIN_EDITOR, OUTLET_SUFFIX
from crawler.extract.select import PageSelect
from crawler.text import CJK, clean_line

# How far into the page the script-printed date is looked for (showDate("2020/04/17 ...")).
SOURCE_DATE_CHARS = 200_000
# Header lines above the text that may hold the headline of a page whose <title> is weak.
HEADLINE_LINES = 12
# A first body line this short, with no sentence in it, may be the headline itself.
HEADLINE_IN_BODY_MAX = 40
# On English pages, author-marked elements are looked for down to this line of the text.
LATIN_BYLINE_LINES = 6
# Elements marked as the author hold a name or two, not a paragraph.
AUTHOR_ELEMENT_MAX = 30
AUTHOR_ELEMENT_MAX_LATIN = 60


@dataclass
class Page:
    """One parsed page as the field chains read it."""

    url: str | None
    html: str  # the decoded page
    root: etree._Element
    meta: PageMeta
    select: PageSelect
    selectors: dict
    extra: tuple  # the profile's own boilerplate patterns
    blocks: list[Block]
    order: dict
    latin: bool
    now: datetime | None

    def selected(self, name: str) -> str | None:
        """What the profile's selector for this field finds, if it has one."""
        return self.select.text(self.selectors.get(name))

    @cached_property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def title_of(page: Page, headings: list[str]) -> str | None:
    """The profile's title, else the page's own title cleaned of the site name, else the
    first <h1>, else the first heading (`better_title` looks again once the text is found)."""
    title = page.selected("title") or clean_title(_page_title(page.meta), headings)
    if not title:
        # a page's first heading is often its menu's; its first <h1> seldom is
        h1 = next((t for t in (clean_line(text_of(el)) for el in page.root.iter("h1")) if t), None)
        title = h1 or (headings[0] if headings else None)
    return title


def better_title(title: str | None, page: Page, body: BodyText) -> str | None:
    """A page without a <title> or og:title gets its headline element (`heading_above`), not
    its first heading; one whose title names only the site ("欢迎光临", a host name) gets the
    line above the text that reads as a headline."""
    if page.selectors.get("title"):
        return title
    if not _page_title(page.meta):
        # No <title>, no og:title: the first heading of the page may be its menu's.
        above = heading_above(page.blocks, body.orders[0] if body.orders else None)
        if above:
            return above
    if not title or not weak_title(title):
        return title
    lines = body.lines
    first = (
        lines[:1]
        if lines
        and len(lines[0]) <= HEADLINE_IN_BODY_MAX
        and "。" not in lines[0]
        and not INNER_SENTENCE_END.search(lines[0])
        else []
    )
    return (
        headline([line for line in body.header_lines if line][-HEADLINE_LINES:] + first, page.extra) or title
    )


# A headline is a few words, not a menu or a paragraph.
HEADING_CHARS = (4, 80)


def heading_above(blocks, start: int | None) -> str | None:
    """The page's headline element: the nearest <h1> above the story's first line, else its
    first <h1>, else the nearest other heading above the story, that reads as a headline (no
    link, no date, no boilerplate or ad label, no site name, a headline's length)."""
    if start is None:
        return None
    h1_above = h1_any = other_above = None
    for block in blocks:
        text = block.text
        if not (
            block.heading
            and block.link_ratio <= 0.5
            and HEADING_CHARS[0] <= len(text) <= HEADING_CHARS[1]
            and dates.parse_date(text) is None
            and not is_boilerplate(text)
            and not LATIN_AD_LINE.search(text)
            and not weak_title(text)
        ):
            continue
        h1 = block.element.tag == "h1" or any(up.tag == "h1" for up in block.element.iterancestors())
        if block.order <= start:
            if h1:
                h1_above = text
            else:
                other_above = text
        h1_any = h1_any or (text if h1 else None)
    found = h1_above or h1_any or other_above
    return strip_trailing_separator(found) if found else None


def dateline_of(lines: list[str]) -> tuple[str | None, list[str]]:
    """The dateline that opens the story and the reporters it names. A promotion or a caption
    may come first: a later line counts only when it also names the reporters
    (新京报快讯（记者 裴剑飞）)."""
    dateline, names = parse_dateline(lines[0] if lines else None)
    if dateline is None:
        dateline, names = next(
            (found for found in map(parse_dateline, lines[1:3]) if found[0] and found[1]), (None, [])
        )
    return dateline, names


def published_of(page: Page, body: BodyText, header: str, dateline: str | None) -> str | None:
    now, meta, lines, text, stamps = page.now, page.meta, body.lines, page.text, meta_stamps(page.meta)
    if dates.day_first(text):
        # The page writes 13/02/2022 elsewhere: its 06/02/2022 is the 6th of February too.
        text, header, *lines = map(dates.day_first_as_iso, [text, header, *lines])
        stamps = [dates.day_first_as_iso(s) if s else s for s in stamps]
    found = (
        _first_date([page.selected("published_at")], now)
        or dates.document_date(text, now)
        or _first_date(stamps, now)
        or dates.labeled_date(header + "\n" + "\n".join(lines[:3]), now)
        or _first_date([header], now)
        or dates.labeled_date(text, now)
        or dates.date_from_url(page.url, now)
    )
    if found is None and dateline:
        found = dates.parse_date(dateline, now=now)
    # A page's own "modified" metadata beats a date that merely occurs in its text; a page may
    # print its date from a script, so its source is looked at last.
    return (
        found
        or _first_date([meta.first(UPDATE_META), meta.jsonld_value("dateModified")], now)
        or _first_date(lines[:3] + lines[-3:], now)
        or dates.labeled_date(page.html[:SOURCE_DATE_CHARS], now)
    )


def meta_stamps(meta) -> list:
    """The publication dates the page's metadata gives: meta tags, JSON-LD, <time> elements."""
    return [meta.first(DATE_META), meta.jsonld_value("datePublished"), *meta.time_elements]


def source_of(page: Page, header: str, lines: list[str]) -> str | None:
    selected = page.selected("source")
    return (
        (parse_source(selected) or selected)
        or parse_source(header)
        or parse_source("\n".join(lines[-3:]))
        or page.meta.first(SOURCE_META[:2])
    )


def authors_of(page: Page, body: BodyText, header: str, dateline_names: list[str]) -> list[str]:
    """The byline a reader sees first, then the names in and around the text, then metadata,
    then weaker guesses (a lone name, a photo credit, a blog's owner)."""
    selected = page.selected("authors")
    if selected:
        names = split_names(re.sub(r"^.*?[:：]", "", selected))
        if names:
            return names
    lines, heads = body.lines, body.header_lines
    # Author-marked elements count only above the article or beside its first lines.
    limit = body.orders[min(2, len(body.orders) - 1)] if body.orders else None
    if page.latin:
        # English templates put the byline block beside the text more often (a side column, a
        # row under the lead paragraph): a few more lines are searched.
        latin_limit = body.orders[min(LATIN_BYLINE_LINES, len(body.orders) - 1)] if body.orders else None
        names = _latin_authors(page.meta, heads[-8:] + lines[:2], page.root, page.order, latin_limit)
        if names:
            return names
    first = lines[0] if lines else None
    return (
        parse_authors(header)
        or posted_by(header)
        or dateline_names
        or author_elements(page.root, page.order, limit)
        or parse_authors(first)
        or parse_authors("\n".join(lines[-2:]))
        or trailing_names(lines[-2:])
        or bracketed_name(heads[-6:])
        or _meta_authors(page.meta)
        or lone_name(heads[-6:] + lines[:1])
        or headline_name(heads[-6:] + lines[:1])
        or issuer(page.text)
        or photo_credits([i.caption or "" for i in body.images])
        or _blog_owner(page)
    )


def editor_of(page: Page, body: BodyText) -> str | None:
    selected = page.selected("editor")
    return (
        (parse_editor(selected) if selected else None)
        or parse_editor("\n".join(body.editor_lines))
        or parse_editor(page.text)
        or (
            latin_editor("\n".join(body.header_lines[-HEADLINE_LINES:] + body.lines[-3:]))
            if page.latin
            else None
        )
    )


def latin_editor(text: str) -> str | None:
    """The editor an English edition names on its date line or under its story."""
    m = LATIN_EDITOR.search(text)
    return m["name"] if m else None


def _blog_owner(page: Page) -> list[str]:
    if not page.url or "blog" not in page.url.lower():
        return []
    return blog_owner(
        page.url, page.meta.title, [page.text, *(a.get("title") or "" for a in page.root.iter("a"))]
    )


# Elements that name the author by their markup: class or id "author"/"byline", itemprop, rel.
_AUTHOR_MARK = re.compile(r"author|byline", re.I)


def author_elements(root: etree._Element, order: dict, limit: int | None, parse=None) -> list[str]:
    """Names from the first author-marked element (class or id "author"/"byline", itemprop,
    rel) that holds nothing but names, above the article or beside its first lines: comment
    threads mark their authors the same way. Elements are visited in document order up to
    the limit, which keeps this cheap (an XPath over the whole page costs more than the
    rest of the field)."""
    longest = AUTHOR_ELEMENT_MAX_LATIN if parse else AUTHOR_ELEMENT_MAX
    for el, position in order.items():
        if limit is not None and position > limit:
            break
        marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"), el.get("rel"))))
        if not marks or not _AUTHOR_MARK.search(marks):
            continue
        text = clean_line(text_of(el))
        if text and len(text) <= longest:
            names = (parse or names_only)(text)
            if names:
                return names
    return []


_QUOTES = "\"'“”‘’「」『』"


def _page_title(meta) -> str | None:
    """og:title, unless it is <title> cut short (an unescaped quote ends the attribute early:
    content="奖金711万元！"中国诺贝尔奖"...)."""
    og, title = (meta.og_title or "").strip(), (meta.title or "").strip()
    if og and title and len(title) > len(og) and title.startswith(og) and title[len(og)] in _QUOTES:
        # cut where a quotation mark began; "标题-半月谈" or "Title - The Times" after og:title
        # is the site's name added, not the rest of the title
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


# A <title> that names the site or nothing, not the page: a greeting, a generic word, a host
# name, a blog's name, a bare outlet name ("松花江网").
_BANNER = re.compile(
    r"^(?:欢迎光临|歡迎光臨|欢迎访问|歡迎訪問|欢迎来到|歡迎來到|谢谢您访问|謝謝您訪問|welcome to)"
    r"|^(?:显示|顯示|首页|首頁|正文|无标题|無標題|无标题文档|無標題文件|untitled(?: document)?|index|home)$"
    r"|^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$"
    r"|(?:的博客|的部落格|的blog|\sblog)$",
    re.I,
)


def weak_title(title: str) -> bool:
    return bool(_BANNER.search(title)) or (len(title) <= 6 and bool(OUTLET_SUFFIX.search(title)))


def headline(lines: list[str], extra) -> str | None:
    """The line above the text that reads as a headline (no label, date or crumb): one that
    repeats another (茉莉：我是怎样…… over 我是怎样……), else the first one with a date or a
    byline right under it, else the one nearest the text."""
    dated = {
        line
        for i, line in enumerate(lines)
        if any(is_byline(below) or dates.parse_date(below) for below in lines[i + 1 : i + 3])
    }
    candidates = [
        line
        for line in lines
        if 6 <= len(line) <= 60
        and not is_byline(line)
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


def _first_date(candidates, now, year=None) -> str | None:
    for text in candidates:
        value = dates.parse_date(text, now=now, year=year)
        if value:
            return value
    return None
