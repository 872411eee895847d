"""Articles split over several pages become one row; the images, stylesheets, scripts and fonts
of the pages are archived with them. Real crawls of tests/pagedsite.py (four pager styles in
UTF-8, GBK and Big5, pictures of one channel on a second host)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from archive.payload import read_payload
from crawler.extract.article import Article, Image
from crawler.extract.pager import merge_pages, page_number
from tests.conftest import run_cli
from tests.pagedsite import STYLES, _t, build_site, render_page
from tests.servers import module_server


def _rows(db: Path, sql: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _crawl(site: str, data: Path, *extra: str):
    return run_cli(
        "crawl", "--start-url", site + "/", "--data-dir", str(data), "--allow-private-addresses",
        "--delay", "0", "--quiet", *extra,
    )  # fmt: skip


def _reachable(model) -> list:
    """The stories a crawl from the front page reaches (the opaque ones hang under /e/ alone)."""
    return [s for s in model.stories if s.style in STYLES]


def _recall(expected: str, body: str) -> float:
    """Share of the expected text's characters found, in order of sentences, in body."""
    sentences = [s for s in expected.replace("\n", "。").split("。") if s.strip()]
    found = sum(len(s) for s in sentences if s in body)
    return found / max(1, sum(len(s) for s in sentences))


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    data = tmp_path_factory.mktemp("paged") / "data"
    with module_server("tests.pagedsite", "--port", "0") as line:
        site, cdn = line.split()
        first = _crawl(site, data)
        assert first.returncode == 0, first.stderr
        yield {"site": site, "cdn": cdn, "data": data, "first": first}


def test_every_article_is_one_row_with_the_text_of_all_its_pages(paged):
    site, data = paged["site"], paged["data"]
    model = build_site(paged["cdn"])
    rows = dict(_rows(data / "news.db", "select url, body from articles"))
    assert set(rows) == {site + s.path() for s in _reachable(model)}  # no later page is an article
    recalls = []
    for story in _reachable(model):
        body = rows[site + story.path()]
        later = "。".join(_t(p, story.style) for page in story.pages[1:] for p in page)
        recalls.append(_recall(later, body))
    assert sum(r >= 0.9 for r in recalls) / len(recalls) >= 0.9, recalls
    assert min(recalls) > 0.5


def test_article_pages_list_every_page_with_its_archived_response(paged):
    site, data = paged["site"], paged["data"]
    model = build_site(paged["cdn"])
    pages = _rows(
        data / "news.db", "select article_url, page, url, warc_filename, warc_offset from article_pages"
    )
    by_article: dict[str, list] = {}
    for article_url, page, url, filename, offset in pages:
        by_article.setdefault(article_url, []).append((page, url, filename, offset))
    assert len(by_article) == len(_reachable(model))
    for story in _reachable(model):
        listed = sorted(by_article[site + story.path()])
        assert [(p, u) for p, u, _, _ in listed] == [
            (n, site + story.path(n)) for n in range(1, len(story.pages) + 1)
        ]
        for n, _, filename, offset in listed:
            # The pointer leads to the very bytes the server sent for that page.
            assert read_payload(data / "warc", filename, offset) == render_page(model, story, n)


def test_requisites_are_archived_once_each_from_any_host(paged):
    site, cdn, data = paged["site"], paged["cdn"], paged["data"]
    model = build_site(cdn)
    captured = Counter(
        url
        for (url,) in _rows(
            data / "news.db",
            "select url from captures where status = 200 and crawl_id = (select max(id) from crawls)",
        )
    )
    wanted = set()
    for story in _reachable(model):
        for n in range(1, len(story.pages) + 1):
            wanted |= {u if u.startswith("http") else site + u for u in model.requisites_of(story, n)}
    assert any(u.startswith(cdn) for u in wanted)  # pictures on another host are archived too
    missing = wanted - set(captured)
    assert not missing, sorted(missing)[:5]
    assert all(captured[u] == 1 for u in wanted)  # shared ones (the stylesheet, the logo) once
    assert site + "/static/blank.gif" in captured  # the lazy placeholder is what a replay shows first
    assert site + "/private/pixel.gif" not in captured  # robots.txt rules apply to requisites too
    # The font and background come from the stylesheet, the print sheet from its @import.
    assert {site + "/static/font.woff", site + "/static/bg.png", site + "/static/print.css"} <= set(captured)


def test_each_image_entry_says_it_was_archived_and_where(paged):
    data = paged["data"]
    model = build_site(paged["cdn"])
    served = {**{paged["site"] + p: b for p, (_, b) in model.files.items()}}
    served |= {paged["cdn"] + p: b for p, (_, b) in model.files.items() if p.startswith("/img/")}
    entries = [
        e for (images,) in _rows(data / "news.db", "select images from articles") for e in json.loads(images)
    ]
    # Every picture is archived but the one robots.txt forbids, which says so.
    forbidden = [e for e in entries if e["src"].endswith("/private/pixel.gif")]
    assert forbidden and not any(e["archived"] for e in forbidden)
    entries = [e for e in entries if e not in forbidden]
    assert entries and all(e["archived"] for e in entries)
    for entry in entries:
        assert (
            read_payload(data / "warc", entry["warc_filename"], entry["warc_offset"]) == served[entry["src"]]
        )


def test_a_later_page_linked_on_its_own_is_no_article(paged):
    site, data = paged["site"], paged["data"]
    model = build_site(paged["cdn"])
    leads = [
        next(s for s in _reachable(model) if s.style == style)
        for style in ("currpage", "page_n", "shtml", "query")
    ]
    articles = {u for (u,) in _rows(data / "news.db", "select url from articles")}
    for story in leads:
        assert site + story.path(2) not in articles


def test_a_later_run_makes_a_new_version_when_only_a_later_page_changed(paged, tmp_path):
    site, data = paged["site"], paged["data"]
    copy = tmp_path / "data"
    import shutil

    shutil.copytree(data, copy)
    again = _crawl(site, copy, "--refetch-window", "36500")
    assert again.returncode == 0, again.stderr
    changed = _rows(copy / "news.db", "select count(*) from articles where version > 1")[0][0]
    assert changed == 0  # nothing changed: every page answered 304
    statuses = Counter(
        s
        for (s,) in _rows(
            copy / "news.db", "select status from captures where crawl_id = (select max(id) from crawls)"
        )
    )
    assert statuses[304] > 0 and statuses[200] <= 5  # the front page and channel lists change nothing either

    import urllib.request

    urllib.request.urlopen(site + "/__edition/2", timeout=5).read()
    try:
        third = _crawl(site, copy, "--refetch-window", "36500")
    finally:
        urllib.request.urlopen(site + "/__edition/1", timeout=5).read()
    assert third.returncode == 0, third.stderr
    model = build_site(paged["cdn"])
    model.edition = 2
    edited = [s for s in _reachable(model) if s.id % 100 == 1]  # not the stories lists link at page 2
    versions = dict(_rows(copy / "news.db", "select url, version from articles"))
    assert {u for u, v in versions.items() if v == 2} == {site + s.path() for s in edited}
    for story in edited:
        url = site + story.path()
        body = _rows(copy / "news.db", "select body from articles where url = ?", [url])[0][0]
        assert "末页内容已更新" in body or "末頁內容已更新" in body
        # The stored pages point at the new capture of the edited last page.
        last = _rows(
            copy / "news.db", "select warc_filename, warc_offset from article_pages where article_url = ? "
            "order by page desc limit 1", [url],
        )[0]  # fmt: skip
        assert read_payload(copy / "warc", *last) == render_page(model, story, len(story.pages))


def test_requisites_can_be_limited_to_images_turned_off_or_capped(tmp_path):
    with module_server("tests.pagedsite", "--port", "0") as line:
        site, _ = line.split()
        images = _crawl(site, tmp_path / "images", "--set", "NEWSARCHIVE_REQUISITES=images")
        off = _crawl(site, tmp_path / "off", "--set", "NEWSARCHIVE_REQUISITES=off")
        capped = _crawl(site, tmp_path / "capped", "--set", "NEWSARCHIVE_REQUISITE_MAXSIZE=150")
    assert images.returncode == 0 and off.returncode == 0, images.stderr + off.stderr
    assert capped.returncode == 0, capped.stderr
    # The stylesheet (218 bytes) is over the cap: a failures row that names the setting; the
    # pictures under it are archived.
    failures = _rows(tmp_path / "capped" / "news.db", "select url, reason from failures")
    assert [u for u, _ in failures] == [site + "/static/site.css"]
    assert "NEWSARCHIVE_REQUISITE_MAXSIZE (150 bytes)" in failures[0][1]
    got_capped = {
        u for (u,) in _rows(tmp_path / "capped" / "news.db", "select url from captures where status = 200")
    }
    assert site + "/static/site.js" in got_capped and any(u.endswith(".png") for u in got_capped)
    got_images = {u for (u,) in _rows(tmp_path / "images" / "news.db", "select url from captures")}
    assert any(u.endswith(".png") for u in got_images)
    assert not any(u.endswith((".css", ".js", ".woff")) for u in got_images)
    got_off = {u for (u,) in _rows(tmp_path / "off" / "news.db", "select url from captures")}
    assert not any(u.endswith((".png", ".gif", ".css", ".js", ".woff", ".ico")) for u in got_off)
    # The articles are the same either way.
    assert _rows(tmp_path / "off" / "news.db", "select count(*) from articles") == _rows(
        tmp_path / "images" / "news.db", "select count(*) from articles"
    )


def test_a_pager_longer_than_the_limit_stops_with_a_failure(tmp_path):
    with module_server("tests.pagedsite", "--port", "0") as line:
        site, _ = line.split()
        result = _crawl(site, tmp_path / "data", "--set", "NEWSARCHIVE_MAX_ARTICLE_PAGES=3")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "data" / "news.db"
    failures = _rows(db, "select url, reason from failures")
    assert failures and all("NEWSARCHIVE_MAX_ARTICLE_PAGES" in r for _, r in failures)
    most = _rows(db, "select max(page) from article_pages")[0][0]
    assert most == 3
    model = build_site("")
    longer = {site + s.path() for s in _reachable(model) if len(s.pages) > 3}
    assert {u for u, _ in failures} == longer


@pytest.mark.parametrize(
    ("first", "later", "number"),
    [
        ("http://x.test/a/c_123.htm", "http://x.test/a/c_123_2.htm", 2),
        ("http://x.test/b/c1001-123.html", "http://x.test/b/c1001-123-4.html", 4),
        ("http://x.test/b/c1001-123.html", "http://x.test/b/c1001-124.html", None),  # another article
        ("http://x.test/c/123.shtml", "http://x.test/c/123_2.shtml", 2),
        ("http://x.test/d/a?id=5", "http://x.test/d/a?id=5&page=3", 3),
        ("http://x.test/d/a?id=5", "http://x.test/d/a?id=6&page=2", None),
        ("http://x.test/?p=5", "http://x.test/?p=6", None),  # WordPress post ids are not pages
        ("http://x.test/", "http://x.test/?p=123", None),
        ("http://x.test/e/2026/slug/", "http://x.test/e/2026/slug/2/", 2),
        ("http://x.test/news.html", "http://x.test/news/5.html", None),  # a section's article
        ("http://x.test/a/123.html", "http://y.test/a/123_2.html", None),  # another host
        ("http://x.test/a/123.html", "http://x.test/a/123_2015.html", None),  # not a page number
    ],
)
def test_page_numbers_follow_the_first_pages_url(first, later, number):
    assert page_number(first, later) == number


def test_merged_pages_keep_the_first_pages_fields_and_join_the_rest():
    one = Article(
        url="u", title="T", body="甲", authors=("a",), images=(Image("i1"),), body_norm="甲", is_article=True
    )
    two = Article(
        url="u2",
        title="T(2)",
        body="乙",
        authors=("a", "b"),
        images=(Image("i1"), Image("i2")),
        editor="E",
        body_norm="乙",
    )
    merged = merge_pages([one, two])
    assert (merged.url, merged.title, merged.body, merged.body_norm) == ("u", "T", "甲\n乙", "甲\n乙")
    assert merged.authors == ("a", "b") and [i.src for i in merged.images] == ["i1", "i2"]
    assert merged.editor == "E" and merged.is_article


def test_reextract_rebuilds_the_same_merged_rows_from_the_warc_alone(paged, tmp_path):
    data = paged["data"]
    rebuilt = tmp_path / "rebuilt.db"
    result = run_cli("reextract", "--data-dir", str(data), "--db", str(rebuilt), "--quiet")
    assert result.returncode == 0, result.stderr
    assert dict(_rows(rebuilt, "select url, body from articles")) == dict(
        _rows(data / "news.db", "select url, body from articles")
    )
    pages = "select article_url, page, url, warc_filename, warc_offset from article_pages order by 1, 2"
    assert _rows(rebuilt, pages) == _rows(data / "news.db", pages)


def test_a_profiles_next_page_selector_joins_pages_no_rule_names_and_ends_a_loop(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    with module_server("tests.pagedsite", "--port", "0") as line:
        site, cdn = line.split()
        host, port = site.rsplit("//", 1)[1].split(":")
        (profiles / "paged.toml").write_text(
            f'name = "paged"\ndomains = ["{host}"]\nstart_urls = ["http://{host}:{port}/e/"]\n'
            "article_patterns = ['/e/s\\d+\\.html$']\nlist_patterns = ['/e/$']\n"
            'next_page = "a.next-page"\n',
            encoding="utf-8",
        )
        result = run_cli(
            "crawl", "paged", "--profiles", str(profiles), "--data-dir", str(tmp_path / "data"),
            "--allow-private-addresses", "--delay", "0", "--quiet",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    db = tmp_path / "data" / "news.db"
    model = build_site(cdn)
    opaque = [s for s in model.stories if s.style == "opaque"]
    rows = dict(_rows(db, "select url, body from articles"))
    assert set(rows) == {site + s.path() for s in opaque}
    for story in opaque:
        body = rows[site + story.path()]
        assert _recall("。".join(p for page in story.pages for p in page), body) >= 0.9
        listed = _rows(
            db,
            "select page, url from article_pages where article_url = ? order by page",
            [site + story.path()],
        )
        assert listed == [(n, site + story.path(n)) for n in range(1, len(story.pages) + 1)]
    assert _rows(db, "select count(*) from failures") == [(0,)]  # the pager's loop back to page 1 just ends


def test_requisites_wait_behind_the_pages(tmp_path):
    """One request at a time: pages and articles queued go first, so requisites are fetched
    mostly after them and never hold up the discovery of articles."""
    with module_server("tests.pagedsite", "--port", "0") as line:
        site, _ = line.split()
        result = _crawl(site, tmp_path / "data", "--concurrency", "1")
    assert result.returncode == 0, result.stderr
    order = [u for (u,) in _rows(tmp_path / "data" / "news.db", "select url from captures order by id")]
    html = [
        i for i, u in enumerate(order) if not u.endswith((".png", ".gif", ".css", ".js", ".woff", ".ico"))
    ]
    requisites = [i for i, u in enumerate(order) if i not in set(html)]
    assert requisites and html
    # A requisite is taken only when no page waits. Some still come before the last page:
    # while the extraction workers read a page, no new page is queued yet and requisites are
    # fetched. How many depends on how fast the workers answer (a third to a half of them
    # here); with no priority of their own, nearly all came before the last page.
    before = sum(1 for i in requisites if i < html[-1])
    assert before / len(requisites) < 0.7, (before, len(requisites))


LATER_PAGE = """<html><head><title>江滨步道全线贯通(2)_江滨网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/local/">本地</a></div>
<div class="article"><h1>江滨步道全线贯通</h1><div class="info">2026-04-04 10:00 来源：江滨日报</div>
<div class="content"><p>江滨步道全线贯通</p><p><strong>创新机制 激发活力</strong></p>
<p>一位参与者表示，这样的活动很有意义，希望今后能够经常举办，让更多市民参与进来。</p>
<p>据了解，相关部门将建立长效机制，定期收集群众反馈，确保各项措施落到实处。</p></div></div></body></html>"""


def test_a_later_page_keeps_the_subheading_it_opens_with():
    from crawler.extract import extract

    later = extract("http://x.test/a/c_1_2.htm", LATER_PAGE.encode(), later_page=True).body
    assert later.splitlines()[0] == "创新机制 激发活力"  # kept; the repeated headline and date are not
    assert "江滨步道全线贯通" not in later and "来源" not in later
    first = extract("http://x.test/a/c_1.htm", LATER_PAGE.encode()).body
    assert "创新机制" not in first  # above a first page's text, such a line is taken as furniture
