"""extract(url, raw bytes, profile) -> Article: the one extractor every command uses.

Pure: no Scrapy, no network, no files. The crawl, `newsarchive extract`, `reextract`
from WARC files, the tests and the benchmarks all call this function.

The steps, each in its own module: decode the bytes (`crawler.decode`), parse and cut the page
into blocks (`blocks`), find the body region (`content`), walk it for the story's text
(`body`), read each field through its fallback chain (`chains`), and score whether the page is
an article at all (`evidence`, `decision`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from lxml import etree

from crawler.decode import Decoded, NotText, decode_html, not_text_reason
from crawler.errors import UsageError
from crawler.extract.article import Article
from crawler.extract.blocks import blocks_of, parse, remove, strip_noise, text_of
from crawler.extract.body import SCRIPTED_BODY_BELOW, BodyText, jsonld_body, read_body, related_blocks
from crawler.extract.chains import (
    Page,
    authors_of,
    better_title,
    dateline_of,
    editor_of,
    published_of,
    source_of,
    title_of,
)
from crawler.extract.content import best_container, cards_of, is_latin_page, region_of
from crawler.extract.decision import ARTICLE_THRESHOLD, article_score
from crawler.extract.evidence import gather
from crawler.extract.meta import read_meta
from crawler.extract.select import PageSelect, css
from crawler.text import (
    SCRIPT_SAMPLE,
    clean_line,
    convert,
    detect_script,
    han_counts,
    join_paragraphs,
    lang_of,
)

# Extraction needs about 100 bytes of memory per character of page: 2,000,000 characters
# (some 6 MB of Chinese text) keep one page under about 250 MB. Real articles are far smaller.
MAX_CHARS = 2_000_000
# Header lines kept for the fields to read: those nearest the text.
HEADER_LINES = 30


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
    decoded = _decode(raw, content_type, encoding or getattr(profile, "encoding", None), max_chars)
    root = parse(decoded.text)
    if tree_hook is not None:
        tree_hook(root)
    page, headings, end = _page(url, decoded.text, root, profile, now)
    title = title_of(page, headings)
    taken, related, container, cards = _region(page, end, title)
    later = (title or "", *(clean_line(text_of(el)) for el in root.iter("h1"))) if later_page else None
    body = read_body(
        page.blocks,
        container,
        taken,
        base=page.meta.base,
        title=title,
        extra=page.extra,
        latin=page.latin,
        later_page_of=later,
        cards=cards,
    )
    _scripted_body(page, body)
    header = "\n".join(body.header_lines[-HEADER_LINES:])
    title = better_title(title, page, body)
    dateline, dateline_names = dateline_of(body.lines)
    published = published_of(page, body, header, dateline)
    article = Article(
        url=url,
        title=title,
        published_at=published,
        source=source_of(page, header, body.lines),
        authors=tuple(authors_of(page, body, header, dateline_names)),
        editor=editor_of(page, body),
        dateline=page.selected("dateline") or dateline,
        body=join_paragraphs(body.lines) or None,
        images=tuple(body.images),
        related=tuple(related),
        encoding=decoded.encoding,
    )
    return _finish(article, page, body, (taken, container, end), target_script)


def _scripted_body(page: Page, body: BodyText) -> None:
    """A page that draws its text with scripts may still carry it as JSON-LD articleBody."""
    if sum(map(len, body.lines)) < SCRIPTED_BODY_BELOW and not page.selectors.get("body"):
        body.lines = jsonld_body(page.meta.jsonld_value("articleBody")) or body.lines


def _region(page: Page, end: dict, title: str | None):
    """The blocks of "related news" lists (taken out of the story), their links, the body
    region (the profile's, else the best container of the remaining blocks) and the cards of
    repeated runs that are not the story's (`content.foreign_cards`)."""
    related_root = page.select.element(page.selectors.get("related"))
    taken, related = related_blocks(page.blocks, page.order, end, page.meta.base, related_root)
    container = region_of(page.select.element(page.selectors.get("body")), page.order, end)
    candidates = [b for i, b in enumerate(page.blocks) if i not in taken]
    cards: set = set()  # a profile's region ends where its selector says, not at cards
    if container is None:
        chains: dict = {}  # each element's ancestry, walked once for both
        container, cards = best_container(
            candidates, page.order, end, page.extra, title, page.latin, cards_of(candidates, chains), chains
        )
    return taken, related, container, cards


def _decode(raw: bytes, content_type: str | None, override: str | None, max_chars: int) -> Decoded:
    decoded = decode_html(raw, content_type, override=override)
    reason = not_text_reason(raw, decoded)
    if reason:
        raise NotText(reason)
    if max_chars and len(decoded.text) > max_chars:
        raise PageTooLarge(
            f"page too large to extract: {len(decoded.text):,} characters (limit {max_chars:,}); "
            "its capture is in the WARC"
        )
    return decoded


def _page(url: str | None, html: str, root, profile, now) -> tuple[Page, list[str], dict]:
    """The page as the field chains read it, its headings, and where each element ends. The
    profile's `remove` selectors and the page's noise (scripts, forms, hidden parts) are taken
    out of the tree first; the metadata is read before that."""
    meta = read_meta(root, url)
    for selector in getattr(profile, "remove", ()):
        for el in css(selector)(root):
            remove(el)
    strip_noise(root)
    select = PageSelect(root)
    headings = [clean_line(text_of(el)) for el in root.iter("h1", "h2", "h3")]
    blocks, order, end = blocks_of(root)
    page = Page(
        url=url,
        html=html,
        root=root,
        meta=meta,
        select=select,
        selectors=getattr(profile, "selectors", None) or {},
        extra=getattr(profile, "boilerplate_res", ()),
        blocks=blocks,
        order=order,
        latin=is_latin_page(blocks),
        now=now,
    )
    return page, headings, end


def _finish(article: Article, page: Page, body: BodyText, region, target_script: str) -> Article:
    """The article with its script, language, normalised text and article score."""
    title, text = article.title, article.body
    body_han = han_counts(text or "")
    han = sum(body_han.values())
    both = (title or "") + (text or "")
    counts = None
    if len(both) <= SCRIPT_SAMPLE:
        # title + body, the title's few characters added to a copy (Counter + Counter would
        # rebuild the body's whole count in Python)
        counts = body_han.copy()
        counts.update(han_counts(title or ""))
    script = detect_script(both, counts)
    taken, container, end = region
    evidence = gather(
        page.blocks,
        taken,
        container,
        body,
        han,
        title,
        article.published_at,
        page.meta.og_type,
        page.url,
        page.order,
        end,
    )
    score = article_score(evidence)
    return replace(
        article,
        script=script,
        title_norm=convert(title, target_script),
        body_norm=convert(text, target_script),
        lang=lang_of(text or title, script, han if text else None) or (page.meta.lang or None),
        is_article=score >= ARTICLE_THRESHOLD,
        article_score=score,
    )
