from __future__ import annotations

import pytest

from crawler.profile import ProfileError, get_profile, load_profile, load_profiles

GOOD = """
name = "mysite"
domains = ["news.example"]
start_urls = ["https://news.example/"]
article_patterns = ['/a/\\d+\\.html$']
[selectors]
title = "h1.title"
"""


def test_bundled_demo_profile_loads():
    profile = get_profile("demo")
    assert profile.is_article_url("http://demo.newsarchive.test/local/2026/04/01/1001.html")
    assert profile.is_list_url("http://demo.newsarchive.test/local/index_2.html")
    moved = profile.rebased("http://127.0.0.1:9999")
    assert moved.domains == ("127.0.0.1",) and moved.start_urls[0] == "http://127.0.0.1:9999/"


def test_user_profiles_dir(tmp_path):
    (tmp_path / "mysite.toml").write_text(GOOD, encoding="utf-8")
    profiles = load_profiles([str(tmp_path)])
    assert {"demo", "mysite"} <= set(profiles)
    assert profiles["mysite"].selectors == {"title": "h1.title"}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (GOOD.replace('domains = ["news.example"]', "domains = []"), "domains"),
        (GOOD.replace("start_urls", "start_url"), "start_url"),
        (GOOD.replace("'/a/\\d+\\.html$'", "'/a/(\\d+'"), "article_patterns"),
        (GOOD.replace('"h1.title"', '"h1[["'), "selectors.title"),
        ("refetch_window_days = -1\n" + GOOD, "refetch_window_days"),
        ('encoding = "klingon"\n' + GOOD, "encoding"),
        (GOOD.replace('name = "mysite"', 'name = "../evil"'), "name"),
        (GOOD.replace("https://news.example/", "ftp://news.example/"), "start_urls"),
        ('requisites = "some"\n' + GOOD, "requisites"),
        ('next_page = "a[["\n' + GOOD, "next_page"),
        ("next_page = 3\n" + GOOD, "next_page"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, change, key):
    path = tmp_path / "mysite.toml"
    path.write_text(change, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert str(err.value).startswith(f"{path}: {key}:")


def test_requisites_and_next_page_keys(tmp_path):
    path = tmp_path / "mysite.toml"
    path.write_text('requisites = "images"\nnext_page = "div.pages a.next"\n' + GOOD, encoding="utf-8")
    profile = load_profile(path)
    assert (profile.requisites, profile.next_page) == ("images", "div.pages a.next")
    assert get_profile("demo").requisites == "all" and get_profile("demo").next_page is None


def test_bad_toml_and_unknown_site(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("name = ", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(path)
    with pytest.raises(ProfileError, match="no site profile named 'nosuch'"):
        get_profile("nosuch")


def test_a_pathological_profile_pattern_gives_up_instead_of_hanging():
    """`(a|aa)+$` against a long URL takes exponential time in any backtracking engine; with
    Python's re it holds the interpreter so that not even SIGTERM gets through. Run in a child
    process so that a regression fails here instead of hanging the suite."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "from crawler.profile import profile_from_dict\n"
        "p = profile_from_dict({'name': 'x', 'domains': ['a.example'], 'start_urls': ['http://a.example/'],"
        " 'article_patterns': ['(a|aa)+$']}, 'x.toml')\n"
        "print(p.is_article_url('http://a.example/' + 'a' * 200 + '!'), p.is_article_url('http://a.example/aa'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]  # the sane URL still matches
    assert "gave up after" in result.stderr


def test_bounded_patterns_travel_to_worker_processes():
    import pickle

    from crawler.patterns import bounded

    pattern = pickle.loads(pickle.dumps(bounded(r"/\d{4}/\d{2}/")))
    assert pattern.search("http://a.example/2024/05/x.html") and not pattern.search("http://a.example/")
