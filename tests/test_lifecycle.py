"""The lifecycle's pure parts: comparing versions (diff.py), the recheck schedule (plan.py),
the statuses (status.py) and what an answer says (classify.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.errors import UsageError
from crawler.lifecycle import classify
from crawler.lifecycle.diff import as_text, changes, sentences
from crawler.lifecycle.plan import due_rechecks, next_due, parse_intervals
from crawler.lifecycle.status import Check, status_of
from tests.conftest import run_cli

BODY = "海滨网4月1日讯 记者获悉，新线路将于5月开通。\n市民表示欢迎。专家认为，这将缓解交通压力。"


def test_one_changed_character_is_shown_in_its_sentence_only():
    edited = BODY.replace("5月", "6月")
    assert (
        as_text(changes(BODY, edited), colour=False)
        == "海滨网4月1日讯 记者获悉，新线路将于[-5-]{+6+}月开通。"
    )


def test_a_sentence_taken_out_and_one_added_in_traditional_script():
    old = "兩岸交流持續。官員表示將加強合作。各界反應熱烈。"
    new = "兩岸交流持續。各界反應熱烈。記者將持續關注。"
    found = changes(old, new)
    assert [(c.before, c.after) for c in found] == [
        (["官員表示將加強合作。"], []),
        ([], ["記者將持續關注。"]),
    ]


def test_latin_text_is_compared_by_word():
    found = changes("The minister resigned on Monday.", "The minister was dismissed on Monday.")
    assert as_text(found, colour=False) == "The minister [-resigned-]{+was dismissed+} on Monday."


def test_sentences_keep_their_closing_quotes():
    assert sentences("他说：“好。”随后离开。") == ["他说：“好。”", "随后离开。"]


def test_diff_of_an_unknown_url_is_one_line_and_exit_1(tmp_path):
    from archive.store import ArticleStore

    ArticleStore(tmp_path / "news.db").close()
    result = run_cli("diff", "http://nowhere.test/a.html", "--data-dir", str(tmp_path), "--json")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


# -- the recheck schedule, the statuses, the classifier (pure functions) ----------------------


T0 = datetime(2026, 5, 1, tzinfo=UTC)
DEFAULT = parse_intervals("1h,6h,1d,3d,7d,30d")


def test_checks_come_at_the_offsets_then_every_last_one():
    assert next_due(T0, None, DEFAULT) == T0 + timedelta(hours=1)
    assert next_due(T0, T0 + timedelta(hours=2), DEFAULT) == T0 + timedelta(hours=6)
    assert next_due(T0, T0 + timedelta(days=31), DEFAULT) == T0 + timedelta(days=60)
    # A gone or unavailable answer is asked again an hour later.
    assert next_due(T0, T0 + timedelta(days=2), DEFAULT, awaiting_confirmation=True) == T0 + timedelta(
        days=2, hours=1
    )
    assert next_due(T0, None, ()) is None


@pytest.mark.parametrize("bad", ["1x", "0h", "1d,1h", "h", "1h,,1d"])
def test_bad_intervals_are_refused(bad):
    with pytest.raises(UsageError):
        parse_intervals(bad)


def test_the_most_overdue_go_first_within_the_budget():
    rows = [(f"u{n}", (T0 - timedelta(days=n)).isoformat(), None, None, None) for n in range(10)]
    urls, waiting = due_rechecks(rows, T0, DEFAULT, 3)
    assert urls == ["u9", "u8", "u7"] and waiting == 6  # u0 was captured now: not due yet


def _at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_deletion_needs_two_gone_checks_an_hour_apart():
    first = _at(0)
    assert status_of(first, [Check(_at(2), "gone", "404")]).status == "live"
    close = status_of(first, [Check(_at(2), "gone", "404"), Check(_at(2.5), "gone", "404")])
    assert close.status == "live" and close.deleted_at is None
    done = status_of(
        first, [Check(_at(1), "live"), Check(_at(2), "gone", "404"), Check(_at(7), "gone", "410")]
    )
    assert (done.status, done.last_seen_live, done.deleted_at, done.how) == ("deleted", _at(1), _at(2), "404")


def test_unavailable_answers_make_unknown_and_a_live_one_undoes_a_deletion():
    first = _at(0)
    assert status_of(first, [Check(_at(1), "unknown")]).status == "unknown"
    gap = status_of(first, [Check(_at(1), "gone", "404"), Check(_at(2), "unknown"), Check(_at(3), "live")])
    assert (gap.status, gap.deleted_at) == ("live", None)
    back = status_of(
        first, [Check(_at(1), "gone", "notice"), Check(_at(3), "gone", "notice"), Check(_at(30), "live")]
    )
    assert back.status == "live" and back.restorations == [(_at(1), _at(30))]


@pytest.mark.parametrize(
    "text",
    ["该页面不存在", "您访问的页面已删除", "文章已下线", "此内容因违规无法查看", "該內容已被發布者刪除", "抱歉，您要找的页面找不到了",
     "Sorry, this article has been removed."],
)  # fmt: skip
def test_removal_notices_in_either_script(text):
    assert classify.notice_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "记者从市交通局获悉，新线路将于下月开通。",
        "文章发表后引起广泛关注。",
        "The page was updated on Monday.",
    ],
)
def test_news_text_is_no_notice(text):
    assert classify.notice_in(text) is None


def test_an_article_that_quotes_a_notice_is_still_the_article():
    body = "网友发现，某平台上的相关内容已被删除。记者就此联系了平台客服，对方表示正在核实。业内人士认为，平台应当及时公开处理结果。"
    assert classify.of_page("首页 新闻 " + body + " 版权所有", None, body, None) is None
    assert classify.of_page("首页 新闻 该内容已被删除 版权所有", None, body, None).how == "notice"


def test_a_page_like_the_sites_not_found_page_is_a_notice():
    template = classify.NotFoundTemplate(
        "首页 本地 财经 这里空空如也，去首页看看吧 热门排行 版权所有 联系我们"
    )
    stored = "今年以来，全市公共交通运行平稳，客流量稳步增长，高峰时段的班次也有所加密。"
    found = classify.of_page(
        "首页 本地 财经 这里空空如也，去首页看看吧 热门排行 版权所有 联系我们", None, stored, template
    )
    assert found is not None and found.outcome == "notice"
    assert classify.of_page("首页 本地 财经 " + stored + " 热门排行 版权所有", None, stored, template) is None


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("http://x.test/", "home"),
        ("http://x.test/index.html", "home"),
        ("http://x.test/news/", "channel"),
        ("http://x.test/news/index.shtml", "channel"),
        ("http://x.test/search?q=abc", "search"),
        ("https://x.test/news/2026/05/1.html", "article"),
        ("http://x.test/news/2026/05/1-new-slug.html", "article"),
    ],
)
def test_where_a_redirect_of_an_article_leads(target, kind):
    assert classify.redirect_target_kind("http://x.test/news/2026/05/1.html", target) == kind
