"""The pure pieces behind the hostile-site handling: retry timing, broken gzip, deep nesting,
binary bodies, entity references in feeds."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from crawler.bodycheck import gzip_truncated
from crawler.decode import NotText, decode_html, not_text_reason
from crawler.extract import extract
from crawler.extract.blocks import flatten_deep, parse
from crawler.extract.extractor import PageTooLarge
from crawler.links import xml_links
from crawler.retry import retry_after_seconds, retry_delay

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        ("0", 0.0),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # a date in the past: at once
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_values(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds


@pytest.mark.parametrize(
    ("attempt", "asked", "wait"),
    [
        (1, None, 1.0),
        (2, None, 2.0),
        (3, None, 4.0),
        (1, 30.0, 30.0),  # the server asks for longer than the backoff: it gets it
        (3, 0.5, 4.0),  # ...but never less than the backoff
        (12, None, 300.0),  # backoff itself is capped
        (1, 301.0, None),  # beyond the cap: give up now
    ],
)
def test_retry_delay(attempt, asked, wait):
    assert retry_delay(attempt, 1.0, asked, 300.0) == wait


def test_truncated_gzip_is_told_from_whole_and_from_a_bad_checksum():
    page = ("<p>" + "新聞正文" * 5000 + "</p>").encode()
    whole = gzip.compress(page)
    assert not gzip_truncated(whole)
    assert not gzip_truncated(whole + gzip.compress(b"second member"))
    assert gzip_truncated(whole[: len(whole) // 2])
    assert gzip_truncated(whole[:-4])  # the trailer cut short
    assert gzip_truncated(whole + gzip.compress(b"second member")[:12])
    bad_crc = whole[:-8] + bytes(4) + whole[-4:]
    assert not gzip_truncated(bad_crc)  # complete, with a wrong CRC: browsers show it, so do we
    bomb = gzip.compress(bytes(8 << 20))
    assert not gzip_truncated(bomb, limit=1 << 20)  # past the limit, the size cap decides


def test_nesting_past_libxml2s_limit_keeps_the_rest_of_the_page():
    text = (
        "<html><body>"
        + "<div><font>" * 3000
        + "深處"
        + "</font></div>" * 3000
        + "<p>之後的段落</p></body></html>"
    )
    root = parse(text)
    assert "之後的段落" in "".join(root.itertext()) and "深處" in "".join(root.itertext())
    flat = flatten_deep("<a><b><c>x</c></b></a><d>y</d>", limit=2)
    assert flat == "<a><b>x</b></a><d>y</d>"
    shallow = "<div><p>a<br>b</p><img src=x></div>"
    assert flatten_deep(shallow) == shallow


def test_binary_and_empty_bodies_are_not_text():
    import random

    rng = random.Random(1)
    noise = bytes(rng.randrange(256) for _ in range(5000))
    assert not_text_reason(noise, decode_html(noise)).startswith("binary data")
    assert not_text_reason(b"  \r\n", decode_html(b"  \r\n")) == "empty body"
    page = "<html><body><p>一段有幾個壞字節的正文。</p></body></html>".encode().replace(
        "正".encode(), b"\xff"
    )
    assert not_text_reason(page, decode_html(page)) is None
    with pytest.raises(NotText, match="binary"):
        extract("http://x.example/a.html", noise)


def test_a_page_too_large_to_extract_says_so():
    page = ("<html><body>" + "<p>很長的正文。</p>" * 1000 + "</body></html>").encode()
    with pytest.raises(PageTooLarge, match="limit 5,000"):
        extract("http://x.example/a.html", page, max_chars=5000)
    assert extract("http://x.example/a.html", page).body


def test_feed_urls_take_xml_references_and_drop_undeclared_entities():
    feed = (
        b"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY a 'ha'><!ENTITY b '&a;&a;&a;'>]>"
        b"<urlset><url><loc>&b;</loc></url><url><loc>/n/1.html?a=1&amp;b=2&#38;c=3&copy=4</loc></url></urlset>"
    )
    assert xml_links("http://site.example/sitemap.xml", feed) == [
        "http://site.example/n/1.html?a=1&b=2&c=3&copy=4"
    ]


def test_link_discovery_reads_only_the_first_megabytes_of_a_page():
    from crawler.links import LINK_BYTES, page_links

    head = b"<html><body><a href='/a/1.html'>first</a>"
    padding = b"<p>" + b"x" * 1000 + b"</p>"
    page = head + padding * (LINK_BYTES // len(padding) + 10) + b"<a href='/a/2.html'>far</a></body></html>"
    assert page_links("http://news.example/", page) == ["http://news.example/a/1.html"]
