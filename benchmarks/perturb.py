"""Changes real sites make to a page, applied to the corpus for `make eval`'s robustness table.

Each change is one thing that varies from site to site and that the corpus pages happen to
have one way: whether the page carries metadata, whether its paragraphs are <p> or <br>,
whether its headline is an <h1>, whether readers' comments or a rail of teasers sit beside the
story, which charset it is served in and whether it declares the right one. A rule that holds only on the corpus as it is shows up
here as a drop; the hidden pages vary these things too. The inserted text is made up here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.decode import decode_html

_META = re.compile(
    rb"""<meta\b[^>]*(?:property|name|itemprop)\s*=\s*["']?(?:og:|article:|twitter:|author|pubdate|"""
    rb"""publishdate|date|dc\.|parsely|sailthru|citation)[^>]*>""",
    re.I,
)
_JSONLD = re.compile(rb"<script[^>]*ld\+json[^>]*>.*?</script>", re.I | re.S)
_TIME = re.compile(rb"<time\b[^>]*>", re.I)

_COMMENTS = {
    "zh": "".join(
        f'<div class="c"><span>网友{i}</span><p>这篇文章写得很好，我觉得作者说的很有道理，'
        "希望有关部门能够重视这个问题，尽快拿出解决办法来。</p></div>"
        for i in range(15)
    ),
    "en": "".join(
        f'<div class="c"><span>reader{i}</span><p>This is a very good article and I think the '
        "author makes a fair point here, the officials should really listen to this.</p></div>"
        for i in range(15)
    ),
}
_TEASERS = {
    "zh": "".join(
        f'<li><a href="/n/{i}.html">滨江新区第{i}批重点项目集中开工</a>'
        "<p>摘要：本批共有多个重点项目集中开工，涵盖交通、教育、医疗等领域。</p></li>"
        for i in range(20)
    ),
    "en": "".join(
        f'<li><a href="/n/{i}.html">Harbour district opens its project number {i}</a>'
        "<p>Summary: what this story is about, told in one sentence for the reader.</p></li>"
        for i in range(20)
    ),
}


def _no_metadata(raw: bytes, lang: str) -> bytes:
    return _TIME.sub(b"<time>", _JSONLD.sub(b"", _META.sub(b"", raw)))


def _no_title(raw: bytes, lang: str) -> bytes:
    raw = re.sub(rb"(?is)<title[^>]*>.*?</title>", b"", raw)
    return re.sub(rb"""(?i)<meta[^>]*og:title[^>]*>""", b"", raw)


def _br_paragraphs(raw: bytes, lang: str) -> bytes:
    return re.sub(rb"</?p\b[^>]*>", b"<br>", raw, flags=re.I)


def _div_headline(raw: bytes, lang: str) -> bytes:
    return re.sub(rb"<(/?)h1\b", rb'<\1div class="title"', raw, flags=re.I)


def _insert(raw: bytes, html: str, *, before_content: bool) -> bytes:
    encoded = html.encode(decode_html(raw).encoding, "xmlcharrefreplace")
    if before_content:
        return re.sub(rb"(?i)<body[^>]*>", lambda m: m.group(0) + encoded, raw, count=1)
    return re.sub(rb"(?i)</body>", lambda _: encoded + b"</body>", raw, count=1)


def _comments(raw: bytes, lang: str) -> bytes:
    return _insert(raw, f"<div>{_COMMENTS[lang]}</div>", before_content=False)


def _teasers(raw: bytes, lang: str) -> bytes:
    return _insert(raw, f'<ul class="side">{_TEASERS[lang]}</ul>', before_content=True)


def _utf8(raw: bytes, lang: str) -> bytes:
    text = decode_html(raw).text
    return re.sub(r"""charset\s*=\s*["']?[\w-]+""", "charset=utf-8", text, flags=re.I).encode("utf-8")


_CHARSET = re.compile(rb"""charset\s*=\s*["']?[\w-]+""", re.I)


def _wrong_charset(raw: bytes, lang: str) -> bytes:
    wrong = b"charset=gbk" if decode_html(raw).encoding == "utf-8" else b"charset=utf-8"
    if _CHARSET.search(raw):
        return _CHARSET.sub(wrong, raw)
    return re.sub(rb"(?i)<head[^>]*>", lambda m: m.group(0) + b"<meta " + wrong + b">", raw, count=1)


# name -> (what it does, the change). `lang` is "zh" or "en": inserted text is in the page's.
CHANGES: dict[str, tuple[str, Callable[[bytes, str], bytes]]] = {
    "no-metadata": ("no <meta> dates, authors or og:, no JSON-LD, no <time datetime>", _no_metadata),
    "no-title": ("no <title>, no og:title", _no_title),
    "br-paragraphs": ("every <p> turned into <br>", _br_paragraphs),
    "div-headline": ("every <h1> turned into a <div>", _div_headline),
    "comments": ("15 readers' comments after the content", _comments),
    "teasers": ("20 teasers with summaries before the content", _teasers),
    "utf-8": ("served as UTF-8 instead of its own charset", _utf8),
    "wrong-charset": ("declared in the wrong charset (UTF-8 as GBK, GBK as UTF-8)", _wrong_charset),
}
