"""Golden fixtures for the extractor: pages we wrote, checked field by field."""

from __future__ import annotations

import json

import pytest

from benchmarks.perturb import CHANGES
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


def _changed(case: str, change: str):
    """The fixture's article, and the article extracted again from the page with one change
    real sites make (benchmarks/perturb.py, which `make eval` applies to the corpus)."""
    article = run_case(case)
    raw = (FIXTURES / case / "page.html").read_bytes()
    page = CHANGES[change][1](raw, "en" if (article.lang or "").startswith("en") else "zh")
    assert page != raw
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    return article, extract(meta.get("url"), page, content_type=meta.get("content_type"), now=NOW)


@pytest.mark.parametrize("case", [c for c in cases() if _expected(c).get("is_article")])
@pytest.mark.parametrize("change", ["comments", "teasers"])
def test_a_comment_thread_or_a_teaser_rail_leaves_the_story_alone(case, change):
    """A thread of readers' comments after the page's content, or a rail of teasers with
    summaries before it: neither becomes the body nor rides along with it."""
    article, again = _changed(case, change)
    assert again.body == article.body
    assert again.is_article


@pytest.mark.parametrize("case", [c for c in cases() if b"<h1" in (FIXTURES / c / "page.html").read_bytes()])
def test_a_headline_set_in_a_styled_div_reads_as_one(case):
    """Many sites set the headline in a <div class="title"> or a <td>: the page reads the same
    as with an <h1>."""
    article, again = _changed(case, "div-headline")
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
