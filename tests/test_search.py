"""Search is exact: for each query, exactly the articles containing it, checked by a plain scan.

Runs on the system SQLite (3.40 here), whose trigram LIKE gives wrong rows for short queries.
"""

from __future__ import annotations

import sqlite3

import pytest

from archive.search import search
from archive.store import ArticleStore, WarcPointer
from crawler.extract.article import Article
from crawler.searchtext import fold, query_terms
from crawler.text import convert

# Sentences written for this test; some contain the query words, some only their characters.
TEXTS = [
    "数字中国建设峰会在福州举行，5G网络覆盖全城。",
    "數字中國建設峰會在福州舉行，嘉賓雲集。",
    "数字，中国：这里的字和词被标点隔开了。",  # 数字 and 中国, but not 数字中国
    "市民在中国银行办理数字人民币业务。",
    "福州地铁五号线进入试运行阶段。",
    "台灣5G網絡建設提速，APP下載量上升。",
    "两岸青年在福州交流，讨论5G应用。",
    "兩岸青年創業基地新增項目。",
    "一篇与查询无关的文章，谈的是茶叶和天气。",
    "福建是茶的故乡，福州茉莉花茶闻名。",
    "国中字数：倒过来的字不算。",
    "網絡安全宣傳周開幕。",
]
QUERIES = [
    "数字",
    "數字",
    "中国",
    "中國",
    "数字中国",
    "數字中國",
    "5G网络",
    "5G網絡",
    "福州",
    "茶",
    "網",
    "两岸 福州",
    "APP下载",
    "app",
    "数字人民币",
    "國中",
]


def _article(n: int, text: str) -> Article:
    return Article(
        url=f"http://news.example/{n}.html",
        title=f"第{n}篇",
        body=text,
        body_norm=convert(text, "hans"),
        title_norm=f"第{n}篇",
        is_article=True,
        published_at=f"2026-04-{n + 1:02d}",
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    store = ArticleStore(tmp_path_factory.mktemp("search") / "news.db")
    for n, text in enumerate(TEXTS):
        store.save_article(
            _article(n, text),
            site="s" if n % 2 else "t",
            crawl_id="c",
            fetched_at="2026-04-20T00:00:00Z",
            warc=WarcPointer("f", n, "id"),
        )
    assert sqlite3.sqlite_version_info[:2] >= (3, 30)
    return store.db


def plain_scan(query: str) -> set[str]:
    terms = query_terms(query)
    return {
        f"http://news.example/{n}.html"
        for n, text in enumerate(TEXTS)
        if all(t in fold(f"第{n}篇") + "\n" + fold(text) for t in terms)
    }


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_what_a_scan_finds(db, query):
    got = {h.url for h in search(db, query, limit=0)}
    assert got == plain_scan(query)


def test_both_scripts_found_by_either(db):
    simp = {h.url for h in search(db, "数字中国", limit=0)}
    trad = {h.url for h in search(db, "數字中國", limit=0)}
    assert simp == trad == {"http://news.example/0.html", "http://news.example/1.html"}


def test_punctuation_between_characters_is_not_a_match(db):
    assert "http://news.example/2.html" not in {h.url for h in search(db, "数字中国", limit=0)}
    assert "http://news.example/2.html" in {h.url for h in search(db, "数字", limit=0)}


def test_filters_and_snippet(db):
    hits = search(db, "福州", limit=0, site="t", since="2026-04-02", until="2026-04-10")
    # site "t" holds the even-numbered articles; article n is published on April n+1.
    wanted = {f"http://news.example/{n}.html" for n in (2, 4, 6, 8)}
    assert {h.url for h in hits} == plain_scan("福州") & wanted
    hit = search(db, "數字中國", limit=1)[0]
    assert "【" in hit.snippet and "】" in hit.snippet


def test_index_follows_updates(tmp_path):
    store = ArticleStore(tmp_path / "news.db")
    pointer = WarcPointer("f", 0, "id")
    store.save_article(
        _article(0, "原文提到龙舟比赛。"), site="s", crawl_id="c", fetched_at="t1", warc=pointer
    )
    assert [h.url for h in search(store.db, "龙舟")] == ["http://news.example/0.html"]
    store.save_article(_article(0, "改稿后只谈端午。"), site="s", crawl_id="c", fetched_at="t2", warc=pointer)
    assert search(store.db, "龙舟") == [] and len(search(store.db, "端午")) == 1


def test_empty_query_is_an_error(db):
    with pytest.raises(ValueError, match="no words"):
        search(db, "，。 ")


def test_index_columns_spell_out_bigrams_words_and_characters():
    from crawler.searchtext import index_columns

    cols = index_columns("數字中國", "数字中国峰会，在 Fuzhou 2026 举行。国")
    assert cols["bi_title"] == "数字 字中 中国"  # folded to Simplified first
    assert cols["bi_body"] == "数字 字中 中国 国峰 峰会 在 fuzhou 2026 举行 国"
    assert cols["uni"] == " ".join(sorted(set("数字中国峰会在举行")))
