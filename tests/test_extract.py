"""Golden fixtures for the extractor: pages we wrote, checked field by field."""

from __future__ import annotations

import json
import re

import pytest

from crawler.extract import extract
from tests.extract_cases import FIXTURES, NOW, cases, run_case

FIELDS = (
    "title",
    "title_norm",
    "published_at",
    "source",
    "authors",
    "editor",
    "dateline",
    "script",
    "lang",
    "encoding",
    "is_article",
)


def _expected(name: str) -> dict:
    return json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))


CASE_FIELDS = [(c, f) for c in cases() for f in FIELDS if f in _expected(c)]


@pytest.mark.parametrize(("case", "field"), CASE_FIELDS)
def test_field(case, field):
    got = run_case(case).to_dict()[field]
    assert got == _expected(case)[field]


@pytest.mark.parametrize("case", cases())
def test_body_snippets(case):
    expected = _expected(case)
    article = run_case(case)
    body = article.body or ""
    for snippet in expected.get("body_must_contain", []):
        assert snippet in body, f"missing from body: {snippet}"
    for snippet in expected.get("body_must_not_contain", []):
        assert snippet not in body, f"boilerplate left in body: {snippet}"
    for snippet in expected.get("body_norm_must_contain", []):
        assert snippet in (article.body_norm or "")


@pytest.mark.parametrize("case", [c for c in cases() if "images" in _expected(c)])
def test_images(case):
    assert run_case(case).to_dict()["images"] == _expected(case)["images"]


@pytest.mark.parametrize("case", [c for c in cases() if "related_titles" in _expected(c)])
def test_related(case):
    expected = _expected(case)
    related = run_case(case).related
    assert [r.title for r in related] == expected["related_titles"]
    if expected.get("related_first_date"):
        assert related[0].published_at == expected["related_first_date"]


# What a page may carry beside its story: a thread of readers' comments, each under its
# writer's name, and a rail of teasers, each a linked headline over a one-line summary.
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


@pytest.mark.parametrize("case", [c for c in cases() if _expected(c).get("is_article")])
@pytest.mark.parametrize("extra", ["comments", "teasers"])
def test_a_comment_thread_or_a_teaser_rail_leaves_the_story_alone(case, extra):
    """Added to any article of the fixtures (the thread after the page's content, the rail
    before it), neither becomes the body nor rides along with it."""
    article = run_case(case)
    lang = "en" if (article.lang or "").startswith("en") else "zh"
    raw = (FIXTURES / case / "page.html").read_bytes()
    encoding = article.encoding or "utf-8"
    if extra == "comments":
        added = f"<div>{_COMMENTS[lang]}</div>".encode(encoding, "xmlcharrefreplace")
        page = re.sub(rb"(?i)</body>", lambda _: added + b"</body>", raw, count=1)
    else:
        added = f'<ul class="side">{_TEASERS[lang]}</ul>'.encode(encoding, "xmlcharrefreplace")
        page = re.sub(rb"(?i)<body([^>]*)>", lambda m: m.group(0) + added, raw, count=1)
    assert page != raw
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    again = extract(meta.get("url"), page, content_type=meta.get("content_type"), now=NOW)
    assert again.body == article.body
    assert again.is_article


@pytest.mark.parametrize("case", [c for c in cases() if b"<h1" in (FIXTURES / c / "page.html").read_bytes()])
def test_a_headline_set_in_a_styled_div_reads_as_one(case):
    """Many sites set the headline in a <div class="title"> or a <td>: the page reads the same
    as with an <h1>."""
    article = run_case(case)
    raw = (FIXTURES / case / "page.html").read_bytes()
    page = re.sub(rb"<(/?)h1\b", rb'<\1div class="title"', raw)
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    again = extract(meta.get("url"), page, content_type=meta.get("content_type"), now=NOW)
    assert (again.title, again.body, again.is_article) == (article.title, article.body, article.is_article)


def test_every_spec_key_is_present_even_for_a_page_without_content():
    from crawler.extract import extract

    data = extract("http://example.test/", b"<html><body></body></html>").to_dict()
    from tests.extract_cases import SPEC_KEYS

    assert set(data) == SPEC_KEYS
    assert data["is_article"] is False and data["authors"] == [] and data["body"] is None


def test_binary_garbage_and_empty_bodies_raise_the_documented_not_text():
    from crawler.decode import NotText
    from crawler.extract import extract

    with pytest.raises(NotText, match="binary data"):
        extract("http://example.test/x", bytes(range(256)) * 40, content_type="text/html")
    with pytest.raises(NotText, match="empty body"):
        extract("http://example.test/x", b"")
    assert isinstance(NotText("x"), ValueError)  # the CLI reports it as bad input (exit 2)


@pytest.mark.parametrize(
    "css",
    [
        ".box p",
        ".box .lead",
        "div.box p",
        "#main .box p",
        ".box > p",
        "section p",
        ".none p",
        "p",
        ".box p, h1",
        "section section",
        "section *",
    ],
)
def test_profile_selectors_looked_up_inside_their_container_find_what_the_whole_tree_gives(css):
    from lxml.cssselect import CSSSelector

    from crawler.extract.blocks import parse
    from crawler.extract.select import PageSelect

    pages = [
        '<div id="main"><div class="box"><p class="lead">一</p><div><p>二</p></div></div><p>三</p></div>',
        # two containers, one inside the other: the shortcut must not be taken
        '<div class="box"><p>一</p><div class="box"><p>二</p></div></div><div class="box"><p>三</p></div>',
        "<section><p>一</p></section><h1>標題</h1>",
    ]
    for html in pages:
        root = parse(f"<html><body>{html}</body></html>")
        got = PageSelect(root)(css)
        assert got == CSSSelector(css)(root)


@pytest.mark.parametrize(
    "head",
    [".box", "div.box", "p.lead", ".box.wide", "div.box.wide", ".wide.box", "span.box", ".bo", "DIV.box"],
)
def test_a_class_head_found_through_the_class_attributes_equals_cssselect(head):
    from lxml.cssselect import CSSSelector

    from crawler.extract.blocks import parse
    from crawler.extract.select import head_lookup

    page = (
        '<html class="box"><body><div class="box"><p class="lead box">一</p></div>'
        '<div class=" wide\tbox "><p class="box-x">二</p><span class="boxes box">三</span></div>'
        '<div class="bo x"><p class="lead">四</p></div><section class="wide box"></section></body></html>'
    )
    root = parse(page)
    found = head_lookup(head)(root)
    assert found == CSSSelector(head)(root)
    assert found or head in (".bo", "DIV.box")  # the page holds a match for every other head
