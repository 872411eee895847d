"""Find and normalise publication dates as written on Chinese news pages.

All parsers return ISO 8601: with the +08:00 offset (or the page's own) when a time is
known, a bare date otherwise. Nothing later than the capture time is ever returned.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))

_SEP = r"\s*[-/.年]\s*"
_TIME = (
    r"(?:\s*(?:T|日)?\s*(?:[(（]?(?:星期|週|周)[一二三四五六日天][)）]?\s*)?(?:(?P<ap>上午|下午|晚上|凌晨|中午|早上)\s*)?"
    r"(?P<H>[0-2]?\d)\s*[:：時时点點]\s*(?P<M>[0-5]\d)(?:\s*[:：分]\s*(?P<S>[0-5]\d))?)?"
)
_ZONE = r"(?P<Z>Z|[+-]\d{2}:?\d{2})?"

FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})"
    + _SEP
    + r"(?P<m>[01]?\d)\s*[-/.月]\s*(?P<d>[0-3]?\d)(?!\d)\s*日?"
    + _TIME
    + r"(?:\.\d+)?"
    + _ZONE
)
ROC = re.compile(r"(?:民國|民国)\s*(?P<y>\d{2,3})\s*年\s*(?P<m>[01]?\d)\s*月\s*(?P<d>[0-3]?\d)\s*日" + _TIME)
ROC_SLASH = re.compile(r"(?<![\d/])(?P<y>1[01]\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?![\d/])" + _TIME)
# 9/17/2004 5:54:13 AM: month first, as ASP and IIS pages print it.
US = re.compile(
    r"(?<![\d/])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?\s*(?P<ampm>[AaPp][Mm])?)?"
)
# A date after a label that says it is the publication time.
LABELED = re.compile(
    r"(?:發表於|发表于|發布於|发布于|發佈於|发布时间|發布時間|發佈時間|发表时间|發表時間|出版时间|出版時間|"
    r"刊登时间|刊登時間|更新时间|更新時間|发布日期|發布日期|發佈日期|日期|时间|時間|"
    # the same labels in page scripts and data attributes: publish_time: '2019-09-08 ...'
    r"[Pp]ublish_?[Tt]ime|[Pp]ublish_?[Dd]ate|[Pp]ub_?[Dd]ate|[Pp]ub_?[Tt]ime|[Pp]ost_?[Dd]ate|"
    r"Date|date)[\"']?[\s:：=(\"']{0,5}"
)
MONTH_DAY = re.compile(r"(?<!\d)(?P<m>[01]?\d)\s*月\s*(?P<d>[0-3]?\d)\s*日" + _TIME)
SHORT = re.compile(r"(?<![\d-])(?P<m>[01]?\d)-(?P<d>[0-3]\d)\s+(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?!\d)")
COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
RELATIVE = re.compile(
    r"(?P<n>\d+|半|一|兩|两|几|幾)\s*(?P<u>秒|分鐘|分钟|小時|小时|天|日)前|(?P<w>剛剛|刚刚|今天|昨天|前天)"
)
URL_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")
URL_YM_D = re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)/(?P<d>[0-3]\d)/")

_NUM = {"半": 0, "一": 1, "兩": 2, "两": 2, "几": 3, "幾": 3}


def _hour(m: re.Match) -> str | None:
    """The hour of a match, on the 24-hour clock: 下午 2:30 is 14:30, 中午 12:10 stays 12."""
    hour, half = m["H"], m.groupdict().get("ap")
    if (
        hour is not None
        and half in ("下午", "晚上", "中午")
        and int(hour) < 12
        and not (half == "中午" and int(hour) >= 11)
    ):
        return str(int(hour) + 12)
    return hour


def _iso(y: int, m: int, d: int, hh=None, mm=None, ss=None, zone: str | None = None) -> str | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if hh is None or mm is None:
        return day.isoformat()
    try:
        hh, mm, ss = int(hh), int(mm), int(ss or 0)
        if zone in (None, ""):
            tz = CHINA
        elif zone == "Z":
            tz = UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return datetime(y, m, d, hh, mm, ss, tzinfo=tz).isoformat()
    except ValueError:
        return day.isoformat()


def _not_future(value: str | None, now: datetime | None) -> str | None:
    if value is None or now is None:
        return value
    if len(value) == 10:
        return (
            value if date.fromisoformat(value) <= now.astimezone(CHINA).date() + timedelta(days=1) else None
        )
    return value if datetime.fromisoformat(value) <= now + timedelta(hours=1) else None


# 二〇二四年五月二十日: the date written in Han numerals, as official documents close.
HAN = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_HAN_DIGIT = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def _han_number(text: str) -> int:
    """一 to 三十一 (十, 十五, 二十, 二十一)."""
    if "十" not in text:
        return _HAN_DIGIT[text]
    tens, _, units = text.partition("十")
    return (_HAN_DIGIT[tens] if tens else 1) * 10 + (_HAN_DIGIT[units] if units else 0)


# "May 20, 2024", "20 May 2024 09:47", RFC 2822 "Mon, 20 May 2024 09:47:48 GMT" (feeds, meta tags)
_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_EN_MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
# ", 1:27 p.m.", " at 09:47 GMT", " 05.00 GMT" (a dot only before a zone or am/pm: "10.50 million")
_EN_TIME = (
    r"(?:,?\s+(?:at\s+)?(?P<H>[0-2]?\d)(?::|\.(?=\d\d\s*(?:[ap]\.?m\b|[A-Z]{2,4}\b)))(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?"
    r"(?:\s*(?P<Z>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|GMT|UTC|Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4}\b))?)?"
)
# Time zones English news pages name after a time. CST is left out: it is China's as often as
# the US Midwest's. US zones named without S or D ("ET") follow the US daylight-saving rule.
_ZONES = {
    "GMT": 0, "UTC": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "IST": None, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
_US_STANDARD = {"ET": -5, "CT": -6, "MT": -7, "PT": -8}
ENGLISH = re.compile(
    rf"(?<![\w])(?:{_EN_MONTH}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    rf"|(?P<d2>[0-3]?\d)\s+{_EN_MONTH.replace('mon', 'mon2')}\s+(?P<y2>(?:19|20)\d{{2}})){_EN_TIME}",
    re.I,
)

# "Mon Jan  3 12:00:00 2005", as BBS posts (发信站) and C's asctime print it
ASCTIME = re.compile(
    rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+{_EN_MONTH}\s+(?P<d>[0-3]?\d)\s+"
    r"(?P<H>[0-2]?\d):(?P<M>[0-5]\d):(?P<S>[0-5]\d)\s+(?P<y>(?:19|20)\d{2})"
)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def parse_date(text: str | None, now: datetime | None = None, year: int | None = None) -> str | None:
    """Parse the first date in text. `year` fills in dates written without one (4月20日)."""
    if not text:
        return None
    text = _norm(text)
    for pattern in (FULL,):
        m = pattern.search(text)
        if m:
            return _not_future(
                _iso(int(m["y"]), int(m["m"]), int(m["d"]), _hour(m), m["M"], m["S"], m["Z"]), now
            )
    m = ROC.search(text)
    if m:
        return _not_future(_iso(int(m["y"]) + 1911, int(m["m"]), int(m["d"]), _hour(m), m["M"]), now)
    m = ROC_SLASH.search(text)
    if m:
        return _not_future(_iso(int(m["y"]) + 1911, int(m["m"]), int(m["d"]), _hour(m), m["M"]), now)
    m = US.search(text)
    if m:
        hour = m["H"]
        if hour is not None and m["ampm"]:
            hour = int(hour) % 12 + (12 if m["ampm"].lower() == "pm" else 0)
        return _not_future(_iso(int(m["y"]), int(m["m"]), int(m["d"]), hour, m["M"], m["S"]), now)
    m = HAN.search(text)
    if m:
        year_digits = "".join(str(_HAN_DIGIT[c]) for c in m["y"])
        return _not_future(_iso(int(year_digits), _han_number(m["m"]), _han_number(m["d"])), now)
    m = ASCTIME.search(text)
    if m:
        month = _MONTHS[m["mon"][:3].lower()]
        return _not_future(_iso(int(m["y"]), month, int(m["d"]), m["H"], m["M"], m["S"]), now)
    m = ENGLISH.search(text)
    if m:
        y, month, d = (
            int(m["y"] or m["y2"]),
            _MONTHS[(m["mon"] or m["mon2"])[:3].lower()],
            int(m["d"] or m["d2"]),
        )
        hour = m["H"]
        if hour is not None and m["ampm"]:
            hour = int(hour) % 12 + (12 if m["ampm"].lower() == "p" else 0)
        return _not_future(_iso(y, month, d, hour, m["M"], m["S"], _english_zone(m["Z"], y, month, d)), now)
    m = RELATIVE.search(text)
    if m and now is not None:
        return _relative(m, now)
    ref_year = year or (now.astimezone(CHINA).year if now else None)
    if ref_year is None:
        return None
    for pattern in (MONTH_DAY, SHORT):
        m = pattern.search(text)
        if m:
            value = _iso(ref_year, int(m["m"]), int(m["d"]), _hour(m), m["M"], m.groupdict().get("S"))
            # A month-day later than the capture belongs to the previous year.
            if value and now is not None and year is None and _not_future(value, now) is None:
                value = _iso(ref_year - 1, int(m["m"]), int(m["d"]), _hour(m), m["M"], m.groupdict().get("S"))
            return _not_future(value, now)
    return None


def _english_zone(name: str | None, y: int, m: int, d: int) -> str | None:
    """The offset ("+hh:mm", or "Z") of a zone written after an English time, None when the
    name is no zone we know (the page's default then applies)."""
    if not name:
        return None
    name = re.sub(r"\s+", "", name.upper())
    if name in ("Z", "GMT", "UTC"):
        return "Z"
    if name[0] in "+-":
        return name
    gmt = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?", name)
    if gmt:
        return f"{gmt[1]}{int(gmt[2]):02d}:{gmt[3] or '00'}"
    hours = _ZONES.get(name)
    if hours is None and name in _US_STANDARD:
        hours = _US_STANDARD[name] + _us_summer(y, m, d)
    if hours is None:
        return None
    return f"{'-' if hours < 0 else '+'}{abs(hours):02d}:00"


def _us_summer(y: int, m: int, d: int) -> int:
    """1 between the second Sunday of March and the first Sunday of November (US rule since
    2007), else 0: the hour daylight saving adds to a US zone written without S or D."""
    march = date(y, 3, 8)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(y, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return 1 if start <= date(y, m, d) < end else 0


def _relative(m: re.Match, now: datetime) -> str:
    local = now.astimezone(CHINA)
    word = m["w"]
    if word in ("剛剛", "刚刚"):
        return local.replace(second=0, microsecond=0).isoformat()
    if word == "今天":
        return local.date().isoformat()
    if word == "昨天":
        return (local.date() - timedelta(days=1)).isoformat()
    if word == "前天":
        return (local.date() - timedelta(days=2)).isoformat()
    n = _NUM[m["n"]] if m["n"] in _NUM else int(m["n"])
    unit = m["u"]
    if unit in ("天", "日"):
        return (local.date() - timedelta(days=n)).isoformat()
    delta = {"秒": timedelta(seconds=n), "分鐘": timedelta(minutes=n), "分钟": timedelta(minutes=n)}.get(
        unit, timedelta(hours=n)
    )
    return (local - delta).replace(second=0, microsecond=0).isoformat()


# Words before 日期/时间 that make it the date of a life or an event, not of the page.
_OTHER_EVENT = re.compile(
    r"(?:出生|誕生|诞生|逝世|去世|死亡|成立|創立|创立|建立|開始|开始|結束|结束|截止|活動|活动|會議|会议|"
    r"比賽|比赛|考試|考试|報名|报名|開幕|开幕|上映|開業|开业|"
    # the date a source was cited or looked up (引用日期 in an encyclopedia's references)
    r"引用|訪問|访问|查閱|查阅|檢索|检索|下載|下载)$"
)


_LEADING_MONTH = re.compile(_EN_MONTH + r"\s+\d", re.I)


def labeled_date(text: str | None, now: datetime | None = None) -> str | None:
    """The first date that follows a publication label (发布时间：, 發表於, 日期:)."""
    if not text:
        return None
    # The labels are searched in the text as it is: normalising a whole page is costly and
    # could shift positions; each candidate date is normalised by parse_date.
    for m in LABELED.finditer(text):
        if _OTHER_EVENT.search(text, max(0, m.start() - 4), m.start()):
            continue  # 出生日期, 成立时间: the date of something else than the page
        after = text[m.end() : m.end() + 40]
        value = parse_date(after, now=now)
        # the date must follow the label: a digit, or an English month ("Published: Apr 30")
        if value and (after.lstrip()[:1].isdigit() or _LEADING_MONTH.match(after.lstrip())):
            return value
    return None


_SLASHED = re.compile(r"(?<![\d/])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d{2})(?![\d/])")


def day_first(text: str) -> bool:
    """Whether the page writes its slashed dates day first (13/02/2022) and never month first
    (02/13/2022): then 06/02/2022 on the same page is the 6th of February, not June 2nd."""
    if "/19" not in text and "/20" not in text:  # no slashed year: no regex scan of the page
        return False
    days_first = months_first = False
    for m in _SLASHED.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        days_first = days_first or (a > 12 and b <= 12)
        months_first = months_first or (b > 12 and a <= 12)
    return days_first and not months_first


def day_first_as_iso(text: str) -> str:
    """Slashed day-first dates rewritten year first (06/02/2022 -> 2022-02-06)."""
    return _SLASHED.sub(lambda m: f"{m['y']}-{int(m['b']):02d}-{int(m['a']):02d}", text)


def date_from_url(url: str | None, now: datetime | None = None) -> str | None:
    if not url:
        return None
    for pattern in (URL_YM_D, URL_DATE):
        for m in pattern.finditer(url):
            value = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
            if value and _not_future(value, now):
                return value
    return None


def year_of(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


_DOCUMENT = re.compile(r"發文機關|发文机关|發文字號|发文字号|發文單位|发文单位")
_WRITTEN = re.compile(r"(?:成文日期|成文時間|成文时间)[ \t\u3000\xa0]*[:：]")


def document_date(text: str | None, now: datetime | None = None) -> str | None:
    """The date of a government document (成文日期), when the page is one: its metadata table
    names the issuing body or the document number. The date the website put it up (发布日期)
    comes later and is not the one the document is cited by."""
    if not text or not _DOCUMENT.search(text):
        return None
    m = _WRITTEN.search(text)
    return parse_date(text[m.end() : m.end() + 40], now=now) if m else None
