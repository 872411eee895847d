"""Comparing versions of an article (crawler/lifecycle/diff.py) on edits news sites make."""

from __future__ import annotations

from crawler.lifecycle.diff import as_text, changes, sentences
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
