"""trend, kwic and terms against plain scans of the articles, and the chart as an image."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from datetime import date

import pytest

from archive.store import ArticleStore
from archive.trends import kwic, period_of, trend
from crawler.searchtext import fold
from tests.conftest import run_cli
from tests.syndication import corpus
from tests.test_clusters import _save


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    data = tmp_path_factory.mktemp("trends")
    store = ArticleStore(data / "news.db")
    for n, copy in enumerate(corpus(80, seed=31)):
        # spread over a year, so that days, weeks and months all have several periods
        day = date(2025, 1, 1).toordinal() + (n * 37) % 365
        _save(
            store,
            copy.__class__(
                **{**copy.__dict__, "published_at": date.fromordinal(day).isoformat() + "T09:00:00+08:00"}
            ),
            n,
        )
    store.close()
    return data


def _scan(data, word: str, by: str) -> Counter:
    store = ArticleStore(data / "news.db")
    try:
        return Counter(
            period_of(published[:10], by)
            for title, body, published in store.db.execute(
                "select title_norm, body_norm, published_at from articles"
            )
            if fold(word) in fold(title) + "\n" + fold(body)
        )
    finally:
        store.close()


@pytest.mark.parametrize("word", ["改造", "区", "老旧小区改造", "養老", "垃圾分類推廣", "2025"])
@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_trend_counts_equal_a_plain_scan(dataset, word, by):
    store = ArticleStore(dataset / "news.db")
    rows = trend(store.db, [word], by=by)
    store.close()
    counted = {r["period"]: r["count"] for r in rows if r["count"]}
    assert counted == dict(_scan(dataset, word, by))
    assert all(r["word"] == word for r in rows)
    periods = [r["period"] for r in rows]
    assert periods == sorted(periods) and len(periods) == len(set(periods))  # every period once, in order


def test_trend_json_shape_and_period_formats(dataset):
    for by, pattern in (("day", r"\d{4}-\d\d-\d\d"), ("week", r"\d{4}-W\d\d"), ("month", r"\d{4}-\d\d")):
        result = run_cli("trend", "改造", "养老", "--by", by, "--json", "--data-dir", str(dataset))
        assert result.returncode == 0, result.stderr
        rows = json.loads(result.stdout)
        assert {tuple(sorted(r)) for r in rows} == {("count", "period", "word")}
        import re

        assert all(re.fullmatch(pattern, r["period"]) for r in rows)
        assert {r["word"] for r in rows} == {"改造", "养老"}
    since = json.loads(
        run_cli("trend", "改造", "--since", "2025-06-01", "--json", "--data-dir", str(dataset)).stdout
    )
    assert since and min(r["period"] for r in since) >= "2025-06"


def _need_cjk_font():
    from crawler.commands.trends import cjk_font

    if cjk_font() is None:
        message = "no CJK font installed (apt-get install fonts-wqy-zenhei)"
        if os.environ.get("NEWSARCHIVE_REQUIRE_SERVERS"):
            pytest.fail(message)
        pytest.skip(message)


def test_trend_chart_is_an_image_with_content(dataset, tmp_path):
    _need_cjk_font()
    from PIL import Image

    out = tmp_path / "trend.png"
    result = run_cli("trend", "改造", "养老", "--by", "month", "--png", str(out), "--data-dir", str(dataset))
    assert result.returncode == 0, result.stderr
    image = Image.open(out)
    assert image.format == "PNG" and image.size[0] >= 800 and image.size[1] >= 450
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # lines, labels and antialiasing, not a blank canvas
    # The Chinese legend is drawn with glyphs: the font that draws them was found and used.
    assert "Glyph" not in result.stderr and "missing from font" not in result.stderr


def test_trend_svg_keeps_chinese_as_text(dataset, tmp_path):
    out = tmp_path / "trend.svg"
    result = run_cli("trend", "改造", "--svg", str(out), "--data-dir", str(dataset))
    assert result.returncode == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "改造" in svg and "articles containing the word" in svg


def test_kwic_lists_every_occurrence_in_either_script(dataset):
    store = ArticleStore(dataset / "news.db")
    rows = kwic(store.db, "養老", width=8, limit=0)
    expected = sum(fold(body).count("养老") for (body,) in store.db.execute("select body_norm from articles"))
    store.close()
    assert len(rows) == expected > 0
    assert all(fold(r["word"]) == "养老" and len(r["left"]) <= 8 and len(r["right"]) <= 8 for r in rows)
    result = run_cli("kwic", "养老", "--width", "8", "--limit", "5", "--csv", "--data-dir", str(dataset))
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 5 and set(table[0]) == {"published_at", "site", "left", "word", "right", "url"}


def test_terms_are_words_not_stop_words(dataset):
    result = run_cli("terms", "--top", "15", "--json", "--data-dir", str(dataset))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    words = [r["term"] for r in rows]
    assert len(words) == 15 and not {"的", "了", "表示", "记者"} & set(words)
    assert all(len(w) >= 2 for w in words)
    assert all(r["articles"] <= r["count"] for r in rows)
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_terms_leave_out_a_sites_own_furniture_and_line_up(tmp_path):
    """A word in nearly every article of one site (its name in each dateline) is the site's,
    not the news': terms leaves it out, and keeps a topic half the articles share. The text
    output lines up whatever the terms' width (a Chinese character takes two columns)."""
    from crawler.commands.trends import display_width
    from tests.syndication import Copy

    store = ArticleStore(tmp_path / "news.db")
    topics = ["港口扩建工程进入收尾阶段，货运能力明显提升。", "图书馆延长开放时间，读者纷纷点赞。"]
    n = 0
    for site, opener in (("dongan", "东岸晨报讯 "), ("other", "")):
        for k in range(12):
            body = opener + topics[k % 2] + f"第{k}期报道到此结束，欢迎继续关注后续进展与细节。"
            copy = Copy(
                url=f"http://{site}.example/{k}.html",
                site=site,
                title=f"新闻{k}",
                body=body,
                published_at="2025-05-01T09:00:00+08:00",
                story=k,
            )
            _save(store, copy, n)
            n += 1
    store.close()
    result = run_cli("terms", "--top", "20", "--json", "--data-dir", str(tmp_path))
    words = [r["term"] for r in json.loads(result.stdout)]
    assert not [w for w in words if "东岸" in w or "晨报" in w], words
    assert "港口" in words and "图书馆" in words
    text = run_cli("terms", "--top", "20", "--data-dir", str(tmp_path)).stdout.splitlines()
    ends = {display_width(line[: line.index(" in ")]) for line in text}
    assert len(text) >= 10 and len(ends) == 1, text
