"""What a recheck's answer says about the article: the outcome of one check.

Outcomes (SPEC, third round): `unchanged`, `changed`, `gone` (404/410), `redirected`,
`notice` (a 200 page saying the article was removed, or the site's not-found page),
`unavailable` (the site could not answer: that says nothing about the article). Each outcome
has a verdict for the article's status (crawler/lifecycle/status.py): live, gone or unknown.

Signals are structural where they can be: a 200 answer is a notice only when the stored
article's text is mostly absent from it (a story that quotes "内容已被删除" is still there),
and the site's own not-found page is learned once a run by asking for a URL that cannot exist
(`probe_url`), not from a list of templates.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from crawler.text import convert

GONE_STATUSES = frozenset({404, 410})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# The share of the stored article's text a page must still hold to be that article.
STILL_THERE = 0.5
# How alike (character trigram Jaccard) a page and the site's not-found page must be.
TEMPLATE_ALIKE = 0.8

# A removal or not-found notice, on text folded to Simplified: a word for the page or the
# article, then, within a few characters, a word that it is gone. Both scripts are covered by
# the folding (該內容已被發布者刪除 -> 该内容已被发布者删除).
_GONE = (
    r"(不存在|找不到|未找到|没有找到|无法(查看|访问|显示|浏览|打开)|不能(查看|访问|显示)|违规|不可见|"
    r"(已经|已|被|遭)[^。！!？?\n]{0,6}?(删除|删掉|撤下|撤稿|撤回|撤销|下线|下架|失效|过期|屏蔽|关闭|隐藏|移除|清除))"
)
_NOTICE = re.compile(
    r"(页面|网页|文章|内容|新闻|稿件|信息|资讯|链接|帖子|此文|该文|本文|报道|视频|图片|网址)"
    r"[^。！!？?\n]{0,12}?"
    + _GONE
    + r"|(找不到|未找到|没有找到)[^。！!？?\n]{0,8}?(页面|网页|文章|内容|网址)"
    r"|404\s*(not\s*found|错误|页面)"
    r"|\b(page|article|story|content)\b[^.!?\n]{0,40}?\b(not\s+found|no\s+longer\s+available|"
    r"has\s+been\s+(removed|deleted|taken\s+down)|does\s+not\s+exist|cannot\s+be\s+found)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Outcome:
    outcome: str  # unchanged, changed, gone, redirected, notice, unavailable
    verdict: str  # live, gone, unknown
    how: str | None = None  # for a gone verdict: 404, 410, redirect, notice
    notice: str | None = None  # the notice matched
    redirect_to: str | None = None


def unavailable() -> Outcome:
    return Outcome("unavailable", "unknown")


def by_status(status: int) -> Outcome | None:
    """The outcome an HTTP status decides alone (None: 200, 304 and redirects say more)."""
    if status in GONE_STATUSES:
        return Outcome("gone", "gone", how=str(status))
    if status in (200, 304) or status in REDIRECTS:
        return None
    # 5xx, 403, 429 and the rest: the site did not answer for this article.
    return Outcome("unavailable", "unknown")


def notice_in(text: str | None) -> str | None:
    """The removal or not-found notice in a text (either script, or English), or None."""
    if not text:
        return None
    folded = convert(text, "hans") or text
    found = _NOTICE.search(folded)
    if found is None:
        return None
    # Said in the page's own script where the folding kept the text's length.
    return text[found.start() : found.end()] if len(folded) == len(text) else found.group(0)


def _grams(text: str) -> set[str]:
    squeezed = re.sub(r"\s+|\d+", "", text)
    return {squeezed[i : i + 3] for i in range(max(len(squeezed) - 2, 0))}


def still_there(stored_body: str | None, page_text: str, share: float = STILL_THERE) -> bool:
    """Whether most (`share`) of the stored article's text is still on the page."""
    stored = _grams(convert(stored_body or "", "hans") or "")
    if not stored:
        return False
    page = _grams(convert(page_text, "hans") or page_text)
    return len(stored & page) / len(stored) >= share


class NotFoundTemplate:
    """A site's answer to a URL that cannot exist, as the text of its page (a 200 answer: a
    soft 404). A page that is this template is the site saying "not found"."""

    def __init__(self, text: str):
        self.text = text
        self.grams = _grams(text)

    def matches(self, page_text: str) -> bool:
        if not self.grams:
            return False
        page = _grams(page_text)
        union = self.grams | page
        return bool(union) and len(self.grams & page) / len(union) >= TEMPLATE_ALIKE


def probe_url(article_url: str) -> str:
    """A URL beside an article's that cannot exist: what the site answers for it is its
    not-found page (often another one than for a URL outside its article folders)."""
    parts = urlsplit(article_url)
    folder = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{folder}/newsarchive-probe-{uuid.uuid4().hex[:12]}.html"


def is_probe(url: str) -> bool:
    return "/newsarchive-probe-" in urlsplit(url).path


def of_page(
    page_text: str, title: str | None, stored_body: str | None, template, share: float = STILL_THERE
) -> Outcome | None:
    """The outcome of a 200 page that no longer holds the stored article (a notice, or the
    site's not-found page); None when it is still the article (changed or not)."""
    if still_there(stored_body, page_text, share):
        return None
    notice = notice_in(" ".join(filter(None, (title, page_text))))
    if notice is not None:
        return Outcome("notice", "gone", how="notice", notice=notice)
    if template is not None and template.matches(page_text):
        return Outcome("notice", "gone", how="notice", notice="the site's not-found page")
    return None


def redirect_target_kind(url: str, target: str, start_urls=(), is_article_url=None) -> str:
    """What a redirect of article `url` leads to: `article` (a new slug, http to https: the
    article moved) or `home`, `channel`, `search` (the article is gone)."""
    old, new = urlsplit(url), urlsplit(target)
    path = new.path or "/"
    if path == "/" or re.fullmatch(r"/(index|default|home|main)\.\w{2,5}", path, re.IGNORECASE):
        return "home"
    if "search" in path.lower() or {"q", "query", "keyword", "keywords", "wd", "kw"} & set(
        parse_qs(new.query)
    ):
        return "search"
    bare = new._replace(scheme="", fragment="").geturl()
    if any(urlsplit(s)._replace(scheme="", fragment="").geturl() == bare for s in start_urls):
        return "channel"
    if path == (old.path or "/") and new.query == old.query:
        return "article"  # the same page at another scheme or host
    if is_article_url is not None:
        return "article" if is_article_url(target) else "channel"
    depth = len([p for p in path.split("/") if p])
    old_depth = len([p for p in (old.path or "/").split("/") if p])
    if (
        path.endswith("/")
        or re.search(r"/(index|default|list)[^/]*$", path, re.IGNORECASE)
        or depth < old_depth
    ):
        return "channel"
    return "article"


def of_redirect(url: str, target: str | None, start_urls=(), is_article_url=None) -> Outcome:
    if not target:
        return Outcome("redirected", "gone", how="redirect")
    kind = redirect_target_kind(url, target, start_urls, is_article_url)
    verdict = "live" if kind == "article" else "gone"
    return Outcome("redirected", verdict, how=None if kind == "article" else "redirect", redirect_to=target)


def visible_text(raw: bytes, content_type: str | None = None, encoding: str | None = None) -> str:
    """The text a reader sees on a page (title included), whitespace collapsed."""
    import lxml.html

    from crawler.decode import decode_html

    decoded = decode_html(raw, content_type, encoding)
    try:
        root = lxml.html.fromstring(decoded.text)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return re.sub(r"\s+", " ", root.text_content()).strip()
