from __future__ import annotations

import pytest

from crawler.decode import decode_html, normalise_label
from crawler.text import clean_line, content_hash, convert, detect_script


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("數字中國建設峰會", "hans", "数字中国建设峰会"),
        ("数字中国建设峰会", "hant", "數字中國建設峯會"),
        ("台灣的頭髮", "hans", "台湾的头发"),
        ("原文不變", "none", "原文不變"),
        (None, "hans", None),
    ],
)
def test_convert(text, target, expected):
    assert convert(text, target) == expected


def test_convert_rejects_unknown_target():
    with pytest.raises(ValueError, match="unknown target script"):
        convert("x", "latin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("數字中國建設峰會將於福州舉行", "hant"),
        ("数字中国建设峰会将于福州举行", "hans"),
        ("数字中国建设峰会將於福州舉行數據", "mixed"),
        ("hello world", "none"),
        ("", "none"),
        ("中文", "none"),  # characters common to both scripts say nothing
    ],
)
def test_detect_script(text, expected):
    assert detect_script(text) == expected


def test_clean_line_collapses_all_kinds_of_space():
    assert clean_line("\u3000\u3000第一段\n  文字\u00a0內容 ") == "第一段 文字 內容"


def test_content_hash_ignores_whitespace_only():
    assert content_hash("第一段\n第二段") == content_hash("第一段 第二段 ")
    assert content_hash("第一段") != content_hash("第二段")


@pytest.mark.parametrize(
    ("label", "codec"),
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("big5", "big5hkscs"), ("UTF8", "utf-8"), ("x-nope", None)],
)
def test_charset_labels_widen_to_supersets(label, codec):
    assert normalise_label(label) == codec


def test_decode_order_and_detection():
    trad = "數字中國建設峰會，將於福州舉行。"
    assert decode_html(trad.encode("big5")).text == trad
    assert decode_html("数字中国，峰会。".encode("gbk")).encoding == "gb18030"
    # Declares GB2312 but is UTF-8: the bytes win.
    page = '<meta charset="gb2312"><p>数字中国</p>'.encode()
    assert decode_html(page).encoding == "utf-8"
    # A BOM beats the header.
    assert decode_html("數字".encode("utf-8-sig"), "text/html; charset=big5").text == "數字"
    # Broken bytes become U+FFFD, never an exception.
    broken = decode_html(
        ("数字中国" * 50).encode() + b"\xff\xfe" + "峰会".encode(), "text/html; charset=utf-8"
    )
    assert "峰会" in broken.text and broken.errors >= 1


def test_fast_nfkc_equals_the_library_on_every_kind_of_text():
    import random
    import unicodedata

    from crawler.text import nfkc

    fixed = [
        "",
        "plain ASCII",
        "全角：（１２３）ＡＢＣ，还有　空格。",
        "ｶﾞｷﾞ half-width kana with voiced marks",  # they compose after the replacement
        "Ａ\u0301 a full-width letter before a combining accent",
        "\uf900\uf9ff compatibility ideographs 﨑",
        "ﬁ ligature, ² superscript, ① circled, ㈱",
        "𝐀𝐁 astral letters, 🀄 and 𠀋",
    ]
    pool = [
        chr(c)
        for r in (
            range(0x20, 0x250),
            range(0x300, 0x370),
            range(0x1100, 0x1200),
            range(0x3000, 0x3100),
            range(0xFF00, 0xFFEF),
            range(0xF900, 0xFB00),
            range(0xAC00, 0xAC20),
            range(0x1D400, 0x1D420),
        )
        for c in r
    ]
    rng = random.Random(7)
    mixed = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 16))) for _ in range(5000)]
    for text in fixed + mixed:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), text


def _random_texts(pool: list[str], count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 24))) for _ in range(count)]


def test_fast_control_scans_equal_the_regular_expressions():
    import re

    from crawler.decode import count_binary
    from crawler.extract.blocks import _has_control

    binary = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    pool = [chr(c) for c in range(0x21)] + ["a", "~", "\x7f", "\x80", "é", "中", "\ufffd", "\ufffe", "\uffff"]
    pool += ["\udc80", "\U0002000b", "\u3000"]  # a lone surrogate (surrogateescape), astral, wide space
    for text in _random_texts(pool, 5000, 11):
        assert count_binary(text) == len(binary.findall(text)), repr(text)
        assert _has_control(text) == bool(control.search(text)), repr(text)


def test_parse_editor_finds_what_a_search_of_the_whole_text_finds():
    from crawler.extract.fields import parse_editor
    from crawler.extract.patterns import EDITOR
    from crawler.text import clean_line

    pool = [
        "责任编辑",
        "責任編輯",
        "责编",
        "編輯",
        "编辑",
        "审核",
        "審核",
        "：",
        ":",
        "/",
        " ",
        "\u3000",
        "\n",
    ]
    pool += ["（", "(", "【", "[", "）", "]", "王小明", "李四", "Amy", "，", "、", "部", "。", "编", "辑"]
    for text in _random_texts(pool, 5000, 12):
        m = EDITOR.search(text)
        assert parse_editor(text) == (clean_line(m["name"]) if m else None), repr(text)


def test_lang_of_without_counting_letters_agrees_with_counting_them():
    import re

    from crawler.text import CJK, lang_of

    letter = re.compile(r"[^\W\d_]")

    def counted(text: str, script: str) -> str | None:  # lang_of before its shortcut
        if not text:
            return None
        han, letters = len(CJK.findall(text)), len(letter.findall(text, 0, 5000))
        if han == 0:
            return "en" if letters > 20 else None
        if han < 0.1 * max(letters, 1):
            return "en"
        return {"hans": "zh-Hans", "hant": "zh-Hant"}.get(script, "zh")

    pool = ["中", "文", "a", "bc", "word ", "1", " ", "，", "Ω"]
    texts = _random_texts(pool, 3000, 13) + ["中" + "a" * 9, "中" + "a" * 10, "中" * 600 + "a" * 6000]
    for text in texts:
        for script in ("hans", "hant", "mixed"):
            assert lang_of(text, script) == counted(text, script), repr(text)


def test_valid_utf8_stays_utf8_even_full_of_replacement_characters():
    # A page a broken CMS once saved with U+FFFD in place of its characters: still valid UTF-8,
    # decoded once and as it is; a declared charset that is wrong is overruled the same way.
    page = ("<p>" + "\ufffd" * 200 + "数字中国</p>").encode()
    for content_type in ("text/html; charset=utf-8", "text/html; charset=gb2312", None):
        decoded = decode_html(page, content_type)
        assert decoded.encoding == "utf-8" and decoded.text == page.decode(), content_type
    truncated = ("数字中国" * 100).encode()[:-1]  # cut inside the last character
    decoded = decode_html(truncated, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8" and decoded.text.startswith("数字中国" * 99)


def test_a_utf8_page_declared_gbk_whose_first_64k_are_ascii_is_read_as_utf8():
    """An English page declared GBK: its curly quotes come after a long ASCII head (scripts,
    styles); read as GBK they were mojibake."""
    page = b"<html><head><meta charset='gbk'>" + b"<script>var x = 1;</script>\n" * 3000
    page += "<p>“We finish at one in the morning,” she said. 港口</p></html>".encode()
    assert page[:65536].isascii()
    decoded = decode_html(page)
    assert decoded.encoding == "utf-8" and "“We finish" in decoded.text and "港口" in decoded.text
    gbk = b"<html><head><meta charset='gbk'>" + b" " * 70000 + "<p>港口</p>".encode("gbk")
    assert decode_html(gbk).text.endswith("<p>港口</p>")  # GBK bytes stay GBK
