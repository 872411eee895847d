"""Settings and options checked before anything starts: one line, exit 2, nothing written."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler.validate import check_settings, known_setting
from tests.conftest import run_cli


def _settings(**values) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    return settings


def test_the_shipped_settings_pass():
    check_settings(_settings())


@pytest.mark.parametrize(
    "name, value, why",
    [
        ("ARCHIVE_WARC_MAX_SIZE", "abc", "not a number"),
        ("ARCHIVE_WARC_MAX_SIZE", "10", "1024 or more"),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", "-3", "1 or more"),
        ("CONCURRENT_REQUESTS", "2.5", "whole number"),
        ("DOWNLOAD_DELAY", "inf", "finite"),
        ("DOWNLOAD_DELAY", "nan", "finite"),
        ("DOWNLOAD_DELAY", "-1", "between 0"),
        ("DOWNLOAD_TIMEOUT", "1e12", "between 0"),
        ("NEWSARCHIVE_EXTRACT_WORKERS", "-1", "0 or more"),
        ("ARCHIVE_WARC_ENABLED", "maybe", "1 or 0"),
        ("NEWSARCHIVE_TARGET_SCRIPT", "latin", "one of"),
    ],
)
def test_a_bad_value_is_named(name, value, why):
    with pytest.raises(ValueError, match=why) as info:
        check_settings(_settings(**{name: value}))
    assert name in str(info.value)


def test_a_misspelt_setting_of_ours_is_refused_and_others_pass():
    assert known_setting("ARCHIVE_WARC_MAX_SIZE") and known_setting("DOWNLOAD_DELAY")
    assert known_setting("SOME_PLUGIN_SETTING")  # Scrapy takes any name
    assert not known_setting("ARCHIVE_WARC_MAXSIZE")
    with pytest.raises(ValueError, match="unknown setting NEWSARCHIVE_COMMIT_INTERVALL"):
        check_settings(_settings(), ("NEWSARCHIVE_COMMIT_INTERVALL",))


@pytest.mark.parametrize(
    "extra",
    [
        ["--set", "ARCHIVE_WARC_MAX_SIZE=abc"],
        ["--concurrency", "-3"],
        ["--delay", "inf"],
        ["--delay", "nan"],
        ["--max-pages", "-1"],
        ["--set", "NEWSARCHIVE_TYPO=1"],
    ],
)
def test_crawl_refuses_bad_options_before_it_starts(tmp_path, extra):
    data = tmp_path / "data"
    result = run_cli("crawl", "demo", "--data-dir", str(data), "--base-url", "http://127.0.0.1:9", *extra)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not data.exists()  # nothing written


@pytest.mark.parametrize(
    "text, why",
    [
        ("delay = inf", "delay"),
        ("delay = nan", "delay"),
        ("delay = 99999", "delay"),
        ("concurrency = -3", "concurrency"),
        ("concurrency = 1.5", "concurrency"),
    ],
)
def test_a_profile_with_an_unusable_politeness_is_refused(tmp_path, text, why):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "bad.toml").write_text(
        f'name = "bad"\ndomains = ["a.example"]\nstart_urls = ["http://a.example/"]\n{text}\n',
        encoding="utf-8",
    )
    result = run_cli("sites", "--profiles", str(folder))
    assert result.returncode == 2
    assert f"bad.toml: {why}:" in result.stderr and "Traceback" not in result.stderr


def test_a_binary_profile_is_one_line(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "x.toml").write_bytes(bytes(range(256)))
    result = run_cli("sites", "--profiles", str(folder))
    assert result.returncode == 2
    assert "x.toml: not a profile" in result.stderr and "Traceback" not in result.stderr
