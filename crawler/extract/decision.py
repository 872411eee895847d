"""Is this page an article? A score from the page's structure, not from lists of cue words.

An article is one headline over a run of sentences, with little of its text in links; a list
page (a channel, an index, a search result) is many short items, each a link and often a date.
Each signal below is one that news sites share whatever their template, script or language;
together they give `article_score` in 0..1, and a page is stored as an article from
`ARTICLE_THRESHOLD` up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# A page is an article from this score up. Losing a real article costs more than storing a
# stray list page (it can be deleted; an article never stored is gone from the dataset), so
# the threshold sits low in the gap between the two kinds.
ARTICLE_THRESHOLD = 0.5

# Text of about this many units (Han characters, or Latin words) is a full article: shorter
# news items (a two-sentence brief) still score, but less.
FULL_TEXT_UNITS = 150
# Below this, no page is an article, however it is laid out: two short sentences make a brief.
MIN_UNITS = 25
# Sentences that make running text rather than a caption or a teaser line.
FULL_SENTENCES = 3

# Sentence ends in any script: Chinese full stops, Latin ones followed by a space or the end.
SENTENCE_MARK = re.compile(r"[。！？!?]|[.;](?=\s|$)")
_URL_ARTICLE = re.compile(
    r"(?:\d{4,}[^/]*\.s?html?|/\d{6,}|[-_]\d{5,}|/20\d{2}[-/]?\d{2}[-/]?\d{2}/|/(?:[a-z0-9]+-){3,}[a-z0-9]+/?$"
    r"|[?&](?:id|aid|articleid|newsid|docid|p)=\d+)",
    re.I,
)
_URL_LIST = re.compile(
    r"(?:/$|/index\.\w+$|/(?:list|lists|category|channel|tag|tags|topic|search|page|node)(?:[/_.-]|$)"
    r"|[?&](?:page|p|pg|start|offset)=\d+)",
    re.I,
)


@dataclass(frozen=True)
class Evidence:
    """What the extractor saw of one page, for the score."""

    units: float  # body text: Han characters plus Latin words
    sentences: int  # sentence ends in the body
    region_link_ratio: float  # share of the chosen region's text that is link text
    interleaved: int  # text blocks of the region that follow a list's row (a link, a dated line)
    text_blocks: int  # text blocks of the region
    alike_outside: int  # siblings of the region's element with its tag and class, left outside
    coverage: float  # share of the page's text outside links that the body holds
    title: bool  # a title was found
    headline: bool  # the title stands as a heading on the page (h1-h3 or the page's headline)
    linked_headline: bool  # that heading is a link to another page: a teaser, not a story
    dated: bool  # a publication date was found
    og_type: str | None
    url: str | None


def url_shape(url: str | None) -> float:
    """+1 for an article-shaped URL (a long number, a dated path, a slug of words), -1 for a
    list-shaped one (a folder, an index, a page number), 0 otherwise. A weak signal: sites
    name articles every way."""
    if not url:
        return 0.0
    try:
        parts = urlsplit(url)
    except ValueError:
        return 0.0
    path = parts.path + ("?" + parts.query if parts.query else "")
    if _URL_LIST.search(path) and not _URL_ARTICLE.search(path):
        return -1.0
    return 1.0 if _URL_ARTICLE.search(path) else 0.0


def article_score(e: Evidence) -> float:
    """0..1: how much the page looks like one article (see the module docstring)."""
    if e.units <= 0:
        return 0.0
    text = min(1.0, e.units / FULL_TEXT_UNITS)
    sentences = min(1.0, e.sentences / FULL_SENTENCES)
    # The body is most of what the page says outside its links; a teaser list's best region
    # is one teaser among many like it.
    coverage = min(1.0, e.coverage / 0.25)
    score = 0.35 * text + 0.15 * sentences + 0.10 * coverage
    score += 0.10 * e.title + 0.10 * (e.headline and not e.linked_headline) + 0.10 * e.dated
    if e.linked_headline:
        score -= 0.15
    if e.units < MIN_UNITS:  # a caption, a teaser, a blurb: too short to stand alone
        score *= 0.5
    if e.og_type == "article":
        score += 0.10
    elif e.og_type in ("website", "object"):
        score -= 0.05
    score += 0.05 * url_shape(e.url)
    # A list: its region is mostly links, or its text alternates with rows of links or dates,
    # or it is one card among many alike. An article's related list or pager is a few rows
    # after its paragraphs.
    score -= 0.6 * max(0.0, e.region_link_ratio - 0.25)
    if e.interleaved >= 3 and e.interleaved >= 0.6 * e.text_blocks:
        # teaser, row, teaser, row: a list with summaries
        score -= 0.4
    if e.alike_outside >= 3:  # one card of many alike
        score -= min(0.4, 0.05 * e.alike_outside + 0.1)
    return round(max(0.0, min(1.0, score)), 3)


__all__ = ["ARTICLE_THRESHOLD", "SENTENCE_MARK", "Evidence", "article_score", "url_shape"]
