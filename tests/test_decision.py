"""The article test (crawler.extract.decision): articles of every template are kept, list pages
of every style are not, on a generated site the rules were not written against; a generic
crawl stores exactly the articles, `reextract` rebuilds the same rows, and pages that are no
article are asked for conditionally on the next run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crawler.extract import extract
from crawler.extract.decision import ARTICLE_THRESHOLD, url_shape
from crawler.text import convert
from tests.conftest import run_cli
from tests.servers import module_server
from tests.variedsite import ARTICLE_TEMPLATES, build_site, build_stories

SITE = build_site(60)
BASE = "http://news.example"


@pytest.mark.parametrize("path", SITE.articles)
def test_every_article_template_is_an_article(path):
    ctype, body = SITE.pages[path]
    article = extract(BASE + path, body, content_type=ctype)
    assert article.is_article, (path, article.article_score, article.title)
    assert ARTICLE_THRESHOLD <= article.article_score <= 1.0
    assert article.body and article.title


@pytest.mark.parametrize("path", SITE.lists)
def test_no_list_style_is_an_article(path):
    ctype, body = SITE.pages[path]
    article = extract(BASE + path, body, content_type=ctype)
    assert not article.is_article, (path, article.article_score, article.body)
    assert 0.0 <= article.article_score < ARTICLE_THRESHOLD


def test_the_templates_cover_every_kind_and_script():
    stories = build_stories(60)
    assert {s.template for s in stories} == set(ARTICLE_TEMPLATES)
    charsets = {SITE.pages[p][0].rsplit("=", 1)[1] for p in SITE.articles + SITE.lists}
    assert charsets == {"utf-8", "gbk", "big5"}


def test_a_story_running_into_a_feed_of_teasers_is_an_article_without_the_feed():
    """An app-style page: the story, then "you may also like" and a feed longer than the story,
    all in one container. The feed is neither weighed by the article test nor kept as text."""
    stories = [s for s in build_stories(60) if s.template == "feed"]
    assert stories
    for story in stories:
        article = extract(BASE + story.path, SITE.pages[story.path][1])
        assert article.is_article, (story.path, article.article_score)
        want = [convert(x, "hant") for x in story.paragraphs]
        assert (article.body or "").split("\n") == want


def test_a_paywalled_story_under_a_rubric_link_is_an_article():
    """Two paragraphs under a rubric link, then a subscription box whose sentences follow its
    buttons: the rows before and after the story are not a list's. No metadata helps."""
    page = (
        b"<html lang='en'><head><title>Could a ferry line change the bay?</title></head><body>"
        b"<article><div class='headline'>Could a ferry line change the bay?</div>"
        b"<div class='body'><a href='/explains/'>The Riverside explains</a>"
        b"<p>THE PORT authority opened its first night ferry line this week, after two years of "
        b"petitions from hospital staff and restaurant workers who finish late.</p>"
        b"<p>Whether the boats will fill up is another matter. The council will review the "
        b"timetable in the autumn, when it knows how many people ride on weekdays.</p>"
        b"<a href='/trial'>Start trial</a>"
        b"<p>Distinctive local reporting with more than twenty new stories every week, on the app "
        b"and on the website, for the whole family.</p>"
        b"<a href='/register'>Register now</a>"
        b"<p>Yes, I agree to receive news, offers and updates about our products and events by "
        b"email from the publisher.</p>"
        b"</div></article></body></html>"
    )
    article = extract("https://riverside.example/explains/2024/04/09/could-a-ferry-line-change-the-bay", page)
    assert article.is_article, article.article_score


def test_a_short_brief_under_a_photo_is_an_article_and_its_teaser_is_not():
    """The same two sentences: alone under their headline, an article; as the lead teaser of a
    front page (a linked headline among link lists), not one."""
    brief = next(p for p in SITE.articles if 'class="pic"' in SITE.pages[p][1].decode("utf-8", "replace"))
    assert extract(BASE + brief, SITE.pages[brief][1]).is_article
    front = extract(BASE + "/", SITE.pages["/"][1])
    assert not front.is_article and front.body  # the best body is still given


@pytest.mark.parametrize(
    "url, shape",
    [
        ("http://a.example/news/2024/05/01/content_123456.htm", 1),
        ("http://a.example/a/20240501/12345.shtml", 1),
        ("http://a.example/world/harbour-city-opens-its-first-night-ferry", 1),
        ("http://a.example/show.php?id=4521", 1),
        ("http://a.example/news/", -1),
        ("http://a.example/news/index.html", -1),
        ("http://a.example/list/2.html", -1),
        ("http://a.example/news/?page=3", -1),
        ("http://a.example/about.html", 0),
        (None, 0),
    ],
)
def test_url_shape_is_a_weak_signal_both_ways(url, shape):
    assert url_shape(url) == shape


def test_extract_command_gives_the_score_and_the_best_body_of_a_list_page(tmp_path):
    page = tmp_path / "front.html"
    page.write_bytes(SITE.pages["/"][1])
    result = run_cli("extract", str(page), "--url", BASE + "/")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["is_article"] is False
    assert 0 <= data["article_score"] < ARTICLE_THRESHOLD
    assert data["body"]  # the lead teaser's text, though the page is no article


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_generic_crawl_stores_every_article_and_no_list_page_and_reextract_agrees(tmp_path):
    data = tmp_path / "data"
    with module_server("tests.variedsite", "--port", "0") as base:
        first = run_cli(
            "crawl", "--start-url", base + "/", "--data-dir", str(data), "--allow-private-addresses",
            "--delay", "0", "--quiet",
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        stored = dict(_rows(data / "news.db", "select url, article_score from articles"))
        assert set(stored) == {base + p for p in SITE.articles}
        assert all(ARTICLE_THRESHOLD <= score <= 1 for score in stored.values())
        fetched = {u for (u,) in _rows(data / "news.db", "select url from captures")}
        assert {base + p for p in SITE.lists} <= fetched  # lists were read, not stored
        # A print view serving the same bytes is no second article: an alias of the first.
        aliases = dict(_rows(data / "news.db", "select url, article_url from article_aliases"))
        printed = {base + p + "?print=1": base + p for p in SITE.articles if "c_10" in p}
        assert aliases and set(aliases.items()) <= set(printed.items())
        assert run_cli("verify", "--data-dir", str(data)).returncode == 0

        # The second run asks again for the pages that are not articles, but only if changed.
        second = run_cli(
            "crawl", "--start-url", base + "/", "--data-dir", str(data), "--allow-private-addresses",
            "--delay", "0", "--quiet",
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
    revisits = {
        u
        for (u,) in _rows(
            data / "news.db",
            "select url from captures where status = 304 and crawl_id = (select max(id) from crawls)",
        )
    }
    assert base + "/list/2.html" in revisits and base + "/" in revisits
    assert len(_rows(data / "news.db", "select url from articles")) == len(SITE.articles)

    rebuilt = tmp_path / "rebuilt.db"
    result = run_cli("reextract", "--data-dir", str(data), "--db", str(rebuilt))
    assert result.returncode == 0, result.stderr
    again = dict(_rows(rebuilt, "select url, article_score from articles"))
    assert again == stored
    assert dict(_rows(rebuilt, "select url, article_url from article_aliases")) == aliases


def test_a_site_on_an_ipv6_literal_is_crawled_like_any_other(tmp_path):
    """Canonical URLs used to drop the brackets of [::1], so every link led nowhere while the
    crawl reported no error."""
    data = tmp_path / "data"
    with module_server("tests.variedsite", "--port", "0", "--host", "::1") as base:
        assert base.startswith("http://[::1]:")
        result = run_cli(
            "crawl", "--start-url", base + "/", "--data-dir", str(data), "--allow-private-addresses",
            "--delay", "0", "--quiet",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    stored = {u for (u,) in _rows(data / "news.db", "select url from articles")}
    assert stored == {base + p for p in SITE.articles}
