"""Field parsers over plain text: source, authors, editor, dateline, title."""

from __future__ import annotations

import re

from crawler.extract.patterns import (
    AUTHOR,
    BBS_POSTER,
    BRACKET_BYLINE,
    BRACKETED_NAME,
    DATELINE,
    EDITOR,
    EDITOR_KEY,
    LATIN_SOURCE,
    NAME_SLASH_PLACE,
    NOT_NAME_END,
    NOT_NAMES,
    OUTLET_SUFFIX,
    PHOTO_CREDIT,
    REPORTED_BY,
    SOURCE,
    SURNAMES,
    TRAILING_NAMES,
)
from crawler.text import clean_line, convert

_TITLE_SEP = re.compile(r"\s*(?:[_|｜–—»«<>＜＞]+|--+|\s-\s|－|::)\s*")


def parse_source(text: str | None) -> str | None:
    if not text:
        return None
    m = SOURCE.search(text) or LATIN_SOURCE.search(text)
    return m["src"] if m else None


def parse_editor(text: str | None) -> str | None:
    if not text:
        return None
    # EDITOR may start with a bracket and spaces before its label, so a search tries it at
    # every position of a page's text. Its first match starts at the first label
    # found, less that bracket and those spaces: search from there.
    label = EDITOR_KEY.search(text)
    if label is None:
        return None
    start = label.start()
    while start and text[start - 1].isspace():
        start -= 1
    if start and text[start - 1] in "（(【[":
        start -= 1
    m = EDITOR.search(text, start)
    return clean_line(m["name"]) if m else None


_LABEL_PREFIX = re.compile(
    r"^(?:本報|本报|本網|本网)?(?:見習|见习|實習|实习|特約|特约)?(?:記者|记者|通訊員|通讯员|實習生|实习生)"
)


_EDITOR_LABEL = re.compile(
    r"^(?:責任編輯|责任编辑|責編|责编|編輯|编辑|編審|编审|審核|审核|校對|校对|監製|监制)$"
)


def split_names(names: str) -> list[str]:
    out = []
    for part in re.split(r"[\s、，,]+", names):
        if _EDITOR_LABEL.match(part):
            break  # 文丨李明 编辑丨王刚: the names after an editor label are not the authors

        if re.search(r"(?:報道|报道|報導|报导)$", part) and not looks_like_name(part[:-2]):
            continue  # 北京报道: where from, not who (李四报道 stays a name)
        part = re.sub(r"(?:報道|报道|攝影|摄影|攝|摄|報導)$", "", part.strip("·"))
        part = _LABEL_PREFIX.sub("", part)  # 记者王敬 -> 王敬
        if (
            2 <= len(part) <= 4
            and part not in NOT_NAMES
            and not OUTLET_SUFFIX.search(part)
            and not NOT_NAME_END.search(part)
        ):
            out.append(part)
    return out


_HANDLE = re.compile(r"[^\s<>，,。;；|｜()（）:：]{2,24}")
_HANDLE_MARK = re.compile(
    r"[\u4e00-\u9fff][&＆_@.\-~][\w\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u4e00-\u9fff]"
)


def parse_authors(text: str | None) -> list[str]:
    """Every reporter named in bylines of the text, in order (記者 甲 乙 ... 實習生 丙)."""
    if not text:
        return []
    found: list[str] = []
    for m in AUTHOR.finditer(text):
        handle = _HANDLE.match(text, m.start("names"))
        if handle and m.group(0).lstrip().startswith("作者") and _HANDLE_MARK.search(handle.group(0)):
            # A forum or blog user name after 作者： ("放飞&心情", "ggjj_88"): one author, whole.
            if handle.group(0) not in found:
                found.append(handle.group(0))
            continue
        names = split_names(m["names"])
        if (
            m.end("names") - m.start("names")
            and m.string[m.start("names") - 1 : m.start("names")] not in " \t\u3000\xa0:：/／|｜丨"
        ):
            # Glued to the label (记者王强): only believed when it reads as a surname and name.
            names = [n for n in names if looks_like_name(n)]
        found += [n for n in names if n not in found]
    for m in REPORTED_BY.finditer(text):
        found += [n for n in split_names(m["names"]) if n not in found]
    for m in NAME_SLASH_PLACE.finditer(text):
        names = re.split(r"[、，,]", m["names"])
        if all(looks_like_name(n) for n in names):  # 綜合外電／台北報導 names nobody
            found += [n for n in names if n not in found]
    for m in BBS_POSTER.finditer(text):
        if m["id"] not in found:
            found.append(m["id"])
    return found


def looks_like_name(word: str) -> bool:
    """2 to 4 Han characters starting with a common surname (either script)."""
    if not 2 <= len(word) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in word):
        return False
    first = convert(word[0], "hans") or word[0]
    return first in SURNAMES and word not in NOT_NAMES and not NOT_NAME_END.search(word)


def lone_name(lines: list[str]) -> list[str]:
    """A byline that is only the authors' names (one to four), on its own line near the headline."""
    for line in lines:
        names = re.split(r"[ \u3000\xa0、，,]+", line.strip())
        if 1 <= len(names) <= 4 and all(looks_like_name(n) for n in names):
            return names
    return []


def names_only(text: str | None) -> list[str]:
    """Names when the text is nothing but names (an author element, a meta tag): 張三 李四, 赵 培."""
    if not text:
        return []
    text = re.sub(r"^.*?(?:作者|記者|记者|撰文|文)\s*[:：/／|｜]?\s*", "", text.strip())
    if re.fullmatch(r"[\u4e00-\u9fff][ \u3000\xa0]+[\u4e00-\u9fff]{1,2}", text):
        text = re.sub(r"[ \u3000\xa0]", "", text)  # a name spaced out: 赵 培
    names = [n for n in re.split(r"[ \u3000\xa0、，,;；]+", text) if n]
    if 1 <= len(names) <= 6 and all(looks_like_name(n) for n in names):
        return names
    return []


def trailing_names(lines: list[str]) -> list[str]:
    """Reporters named in brackets at the very end of the story: ……佳节。（常书香 马丹阳）"""
    for line in reversed(lines):
        m = TRAILING_NAMES.search(line)
        if m:
            names = re.split(r"[ 、，,\u3000\xa0]+", m["names"].strip())
            if all(looks_like_name(n) for n in names):
                return names
            return []
    return []


def bracketed_name(lines: list[str]) -> list[str]:
    """A name in square brackets on a line that also gives the date or the source."""
    for line in lines:
        if re.search(r"\d{4}|來源|来源|發布|发布", line):
            for m in BRACKETED_NAME.finditer(line):
                if looks_like_name(m["names"]):
                    return [m["names"]]
    return []


def photo_credits(captions: list[str]) -> list[str]:
    found: list[str] = []
    for caption in captions:
        m = PHOTO_CREDIT.search(caption or "")
        if m and looks_like_name(m["names"]) and m["names"] not in found:
            found.append(m["names"])
    return found


def parse_dateline(first_paragraph: str | None) -> tuple[str | None, list[str]]:
    """The dateline of the first paragraph and the reporters named in its brackets."""
    if not first_paragraph:
        return None, []
    m = DATELINE.match(first_paragraph.strip()) or BRACKET_BYLINE.match(first_paragraph.strip())
    if not m:
        return None, []
    who = m["who"] or ""
    # "(記者 龔旭群 昌煥玉)" or "(中國網 龔旭群)": drop role words and outlet names.
    return clean_line(m["dl"]), split_names(
        re.sub(r"記者|记者|通訊員|通讯员|實習生|实习生|攝影|摄影", " ", who)
    )


_TRAILING_SEPARATOR = re.compile(r"[\s\-_|｜—]+$")


def strip_trailing_separator(text: str) -> str:
    """A title left with the separator of a site name that was cut off: "标题-", "标题 - -"."""
    return _TRAILING_SEPARATOR.sub("", text)


def clean_title(title: str | None, h1s: list[str] | None = None) -> str | None:
    """Title without the site-name suffix ("... _ 海峽網", "... - 新浪新聞")."""
    if not title:
        return None
    title = strip_trailing_separator(clean_line(title)) or clean_line(title)
    shown = [h for h in map(clean_line, h1s or ()) if len(h) >= 4 and h in title]
    if shown:  # the longest: a blog's name may be a heading too ("post - 好看的hk - 博客园")
        return max(shown, key=len)
    # "标题-新华网": a site name glued on with a bare hyphen or underscore.
    m = re.match(r"^(?P<t>.{4,}?)\s*[-_－—|｜]\s*(?P<site>[^-_－—|｜]{2,12})$", title)
    if m and OUTLET_SUFFIX.search(m["site"].strip()):
        title = m["t"].strip()
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) <= 1:
        return title
    headings = {clean_line(h) for h in h1s or ()}
    named = [p for p in parts if p in headings]
    if named:  # the piece the page also shows as a heading ("蔡健雅_百度百科" and <h1>蔡健雅)
        return named[0]
    # The article title is the longest piece; site and channel names are short.
    return max([p for p in parts if len(p) > 10 or not OUTLET_SUFFIX.search(p)] or parts, key=len)


_BLOG_OF = re.compile(
    r"[\[【「]?(?P<name>[^\s\[\]【】「」<>()（）:：,，。|｜]{2,20}?)[\]】」]?的(?:博客|部落格)"
)
_NOT_OWNERS = frozenset(
    "新的 我的 你的 他的 她的 自己的 一般的 有聲 有声 個人 个人 註冊新 注册新 熱門 热门 最新".split()
)


def blog_owner(url: str | None, title: str | None, texts: list[str]) -> list[str]:
    """On a blog (the URL says so), its owner: "海姑娘 | blog.example.com", "[太小心]的博客"."""
    if not url or "blog" not in url.lower():
        return []
    m = re.match(r"^\s*(?P<name>[^|｜\s]{2,20})\s*[|｜]\s*blog\.", title or "", re.I)
    if m:
        return [m["name"]]
    pieces = [p for p in _TITLE_SEP.split(title or "") if p]
    if len(pieces) >= 3 and re.search(r"博客|部落格|blog", pieces[-1], re.I) and 2 <= len(pieces[-2]) <= 20:
        return [pieces[-2]]  # "文章标题_张三_新浪博客": the owner between the post and the service
    counts: dict[str, int] = {}
    for text in texts:
        for m in _BLOG_OF.finditer(text or ""):
            name = m["name"].lstrip("的")
            if name not in _NOT_OWNERS and not name.endswith(("的", "個", "个")):
                # "[太小心]的博客" names the owner on purpose; "比一般的博客" is running text.
                counts[name] = counts.get(name, 0) + (3 if m.group(0)[0] in "[【「" else 1)
    return [max(counts, key=counts.__getitem__)] if counts else []


_POSTED_BY = re.compile(
    r"(?:^|[ \t\u3000\xa0|｜])(?P<name>[^\s|｜:：，,。()（）\[\]【】]{2,24})[ \t\u3000\xa0]*(?:發表於|发表于)[ \t\u3000\xa0]*[:：]?[ \t\u3000\xa0]*(?:19|20)\d\d",
    re.M,
)


def posted_by(text: str | None) -> list[str]:
    """The poster on a blog or forum line: "ggjj_88 发表于 2005-9-15 11:46"."""
    for m in _POSTED_BY.finditer(text or ""):
        name = m["name"]
        if name not in NOT_NAMES and not name.startswith(
            ("本文", "此文", "文章", "原文", "最後", "最后", "樓主", "楼主", "網友", "网友", "匿名")
        ):
            return [name]
    return []


_HEADLINE_NAME = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,4})[ \u3000]*[：:][ \u3000]*\S{4,}")


def headline_name(lines: list[str]) -> list[str]:
    """A columnist's name heading the headline ("茉莉：我是怎样……") and standing alone on a
    line of its own under it: a pen name, which the surname test would not recognise."""
    for i, line in enumerate(lines):
        m = _HEADLINE_NAME.match(line.strip())
        if m and m["name"] not in NOT_NAMES and any(other.strip() == m["name"] for other in lines[i + 1 :]):
            return [m["name"]]
    return []


_ISSUER = re.compile(
    r"(?:發文機關|发文机关|發文單位|发文单位|發布機構|发布机构)\s*[:：]\s*"
    r"(?P<org>[\u4e00-\u9fff]{2,30}(?:[、，,][\u4e00-\u9fff]{2,30}){0,4})"
)


def issuer(text: str | None) -> list[str]:
    """The issuing bodies of a government document (发文机关：吉林省人民政府), its authors."""
    m = _ISSUER.search(text or "")
    return re.split(r"[、，,]", m["org"]) if m else []


# A personal name in a Latin script: two to four words, each capitalised (Letícia, O'Brien,
# Jean-Luc, J.), with the particles that stay lowercase inside names (de, van, bin).
_LATIN_NAME = re.compile(
    r"[A-Z\u00c0-\u00de][\w'’.-]*(?: (?:(?:de|da|di|du|del|der|den|van|von|bin|al|la|le)"
    r" )?[A-Z\u00c0-\u00de][\w'’.-]*){1,3}"
)
# "By A, B and C", "BY A | Reuters", "Written by A": the byline's lead word and what ends it.
_BY = re.compile(r"^\s*(?:(?:written|reported|posted|words|story|text)\s+)?by\b[:\s]*", re.I)
_BYLINE_END = re.compile(
    r"\s*(?:[|•·]|\s[-–—]\s|\sin\s+[A-Z]|\bUpdated\b|\bPublished\b|\bPosted\b|\d{1,2}:\d{2}).*$", re.I
)
_INNER_BY = re.compile(r"\s(?:BY|By)\s+(?=[A-Z])")
# Words of a byline that name a post or an outlet, never a person.
_POST_WORD = re.compile(
    r"\b(?:Correspondent|Editor|Reporter|Writer|Staff|Contributor|Columnist|Press|News|Newsroom|"
    r"Agency|Daily|Times|Post|Online|Desk|Bureau|Dailymail|Reuters|Xinhua)\b",
    re.I,
)
_NAME_SEP = re.compile(r"\s*(?:,|\band\b|&|\bwith\b)\s*", re.I)


def latin_names(text: str | None, *, need_by: bool = False) -> list[str]:
    """Names from a Latin byline or author field: "By Ernesto Londoño and Letícia Casado" ->
    both names; a field holding a URL, a sentence or anything but names gives nothing.
    `need_by`: the text must start with "By" (a line of the page, not a metadata field)."""
    if not text or len(text) > 120 or "://" in text or "@" in text:
        return []
    m = _BY.match(text)
    if m is None and need_by:
        # "Published: May 11, 2022 By Rosemary Scott": a capitalised By after a stamp.
        m = _INNER_BY.search(text)
        if m is None:
            return []
    rest = _BYLINE_END.sub("", text[m.end() :] if m else text).strip(" ,.;:")
    names = [n for n in _NAME_SEP.split(rest) if n]
    if len(names) > 1:
        # "By Ryan Parry, West Coast Editor For Dailymail.com", "By Jane Roe, Associated Press":
        # after the names, a comma brings the writer's post or outlet, which is no name.
        person = [bool(_LATIN_NAME.fullmatch(n)) and not _POST_WORD.search(n) for n in names]
        if person[0] and not all(person):
            names = names[: person.index(False)]
    if 1 <= len(names) <= 6 and all(_LATIN_NAME.fullmatch(n) for n in names):
        return names
    return []
