"""What researchers ask of the dataset over time: counts per period, words in context, top terms.

Counts go through the search index (archive/search.py's bigram FTS5), so a word in either
script is found in both, exactly: Han words of one or two characters are matched by the index
alone; longer words and Latin words are checked against the folded text as search does.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from itertools import islice

from archive.store.rows import article_filters, deleted_filters
from crawler.searchtext import contains_all, fold, fts_expression, query_terms

PERIODS = ("day", "week", "month")
_SHORT_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,2}")


def period_of(day: str, by: str) -> str:
    """'2024-03-05' as its day, ISO week ('2024-W10') or month ('2024-03')."""
    if by == "day":
        return day
    if by == "month":
        return day[:7]
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _filters(site, since, until, dated: bool = True) -> tuple[str, list]:
    """The WHERE of a selection; `dated`: only articles with a publication date."""
    where, params = article_filters(site, since, until)
    return " and ".join(["a.published_at is not null" if dated else "1", *where]), params


def _deleted_filters(site, since, until) -> tuple[str, list]:
    """The WHERE of deleted articles (joined as `s`), by site and day of deletion."""
    where, params = deleted_filters(site, since, until)
    return " and ".join(where), params


def _days(db, word: str, site, since, until, deleted: bool = False) -> list[str]:
    """The publication day of every article containing the word (in either script); with
    `deleted`, the day each deleted one was found gone."""
    terms = query_terms(word)
    if not terms:
        raise ValueError(f"{word!r} has no letters to count")
    where, params = (_deleted_filters if deleted else _filters)(site, since, until)
    exact = all(_SHORT_HAN.fullmatch(t) for t in terms)  # the index alone answers exactly
    day = "substr(s.deleted_at, 1, 10)" if deleted else "substr(a.published_at, 1, 10)"
    columns = day + ("" if exact else ", a.title_norm, a.body_norm")
    joined = " join article_status s on s.url = a.url" if deleted else ""
    sql = (
        f"select {columns} from articles_fts join articles a on a.rowid = articles_fts.rowid{joined} "  # noqa: S608
        f"where articles_fts match ? and {where}"
    )
    days = []
    for row in db.execute(sql, [fts_expression(terms), *params]):
        if exact or contains_all(terms, fold(row[1]) + "\n" + fold(row[2])):
            days.append(row[0])
    return days


def _all_periods(first: str, last: str, by: str) -> list[str]:
    """Every period from the one holding `first` to the one holding `last` (days)."""
    out: list[str] = []
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    step = timedelta(days=1 if by == "day" else 7 if by == "week" else 28)
    while day <= end + step:
        label = period_of(day.isoformat(), by)
        if not out or out[-1] != label:
            out.append(label)
        day += step
    stop = period_of(last, by)
    return out[: out.index(stop) + 1] if stop in out else out


ALL_DELETED = "*"  # the word of `trend --deleted` with no words: every deletion


def trend(
    db, words: list[str], *, by: str = "month", site=None, since=None, until=None, deleted: bool = False
) -> list[dict]:
    """[{"period", "word", "count"}]: articles containing each word, per period of their
    publication date, every period from the first to the last with a count (0 included). With
    `deleted`: the deleted articles, per period of their deletion (no words: all of them, as
    the word "*")."""
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}")
    if deleted:
        where, params = _deleted_filters(site, since, until)
        all_days = [
            d
            for (d,) in db.execute(
                "select substr(s.deleted_at, 1, 10) from article_status s join articles a on a.url = s.url where "  # noqa: S608
                + where,
                params,
            )
        ]
        words = words or [ALL_DELETED]
    per_word = {}
    for word in words:
        days_of = (
            all_days if deleted and word == ALL_DELETED else _days(db, word, site, since, until, deleted)
        )
        per_word[word] = Counter(
            period_of(d, by) for d in days_of if re.fullmatch(r"\d{4}-\d\d-\d\d", d or "")
        )
    found = [d for counts in per_word.values() for d in counts]
    if not found:
        return []
    if deleted:
        source = all_days
    else:
        where, params = _filters(site, since, until)
        source = [
            d
            for (d,) in db.execute(
                "select substr(a.published_at, 1, 10) from articles a where " + where, params
            )
        ]  # noqa: S608
    days = sorted(d for d in source if re.fullmatch(r"\d{4}-\d\d-\d\d", d or ""))
    periods = _all_periods(days[0], days[-1], by) if days else sorted(set(found))
    return [{"period": p, "word": w, "count": per_word[w].get(p, 0)} for w in words for p in periods]


def kwic(
    db, word: str, *, width: int = 20, limit: int = 100, site=None, since=None, until=None
) -> list[dict]:
    """Each occurrence of a word with `width` characters either side, newest articles first."""
    terms = query_terms(word)
    if len(terms) != 1:
        raise ValueError("kwic takes one word (no spaces)")
    term = terms[0]
    where, params = _filters(site, since, until, dated=False)
    rows = db.execute(
        "select a.url, a.site, a.published_at, a.body, a.body_norm from articles_fts "  # noqa: S608
        f"join articles a on a.rowid = articles_fts.rowid where articles_fts match ? and {where} "
        "order by a.published_at desc, a.url",
        [fts_expression(terms), *params],
    )
    out = []
    for url, site_name, published, body, body_norm in rows:
        folded = fold(body_norm or body)
        # The page's own script where folding kept the length (OpenCC maps almost 1:1).
        shown = body if body and len(body) == len(folded) else folded
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            out.append(
                {
                    "published_at": published,
                    "site": site_name,
                    "left": shown[max(0, start - width) : start].replace("\n", " "),
                    "word": shown[start:end],
                    "right": shown[end : end + width].replace("\n", " "),
                    "url": url,
                }
            )
            if limit and len(out) >= limit:
                return out
            start = folded.find(term, end)
    return out


# Words that say nothing about a topic: function words, pronouns, reporting verbs, units and
# news furniture. Written for this project (Simplified; texts are folded to it first).
STOP_WORDS = frozenset(
    """
    的 了 和 是 在 有 也 都 就 而 及 与 或 对 为 以 于 将 把 被 让 从 向 到 由 等 着 过 这 那 之 其 此 该 各 每
    一个 一些 这个 这些 那个 那些 我们 你们 他们 她们 它们 自己 大家 什么 怎么 如何 为什么 因为 所以 但是 但 而且
    并且 如果 虽然 已经 正在 还是 可以 可能 需要 应该 进行 通过 根据 按照 关于 对于 以及 其中 目前 今年 去年 明年
    今天 昨天 日前 近日 表示 介绍 指出 认为 称 说 说道 记者 报道 获悉 了解 据悉 据 新华社 来源 编辑 责任编辑 作者
    日讯 日电 本报讯 讯 电 消息 通讯员 实习生
    万 亿 元 个 年 月 日 时 分 秒 次 项 家 名 位 人 多 以上 以下 左右 其他 之一 方面 情况 问题 工作 相关 有关 一 二 三
    不 没有 没 很 更 最 非常 还 又 再 才 只 仅 就是 而是 不是 同时 此外 另外 其实 然后 之后 之前 以来 期间
    """.split()
)
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z'-]{2,}")


def terms(db, *, top: int = 50, site=None, since=None, until=None) -> list[dict]:
    """The most frequent words of the selected articles' normalised text (jieba's segmenter),
    with how many articles use each: stop words, single characters and numbers left out."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    where, params = _filters(site, since, until, dated=False)
    counts: Counter = Counter()
    documents: Counter = Counter()
    per_site: dict[str, Counter] = {}
    articles_of: Counter = Counter()
    for site_name, title_norm, body_norm in db.execute(
        f"select a.site, a.title_norm, a.body_norm from articles a where {where}",  # noqa: S608
        params,
    ):
        words = [
            w
            for w in jieba.lcut(fold((title_norm or "") + "\n" + (body_norm or "")))
            if _WORDLIKE.fullmatch(w) and w not in STOP_WORDS
        ]
        counts.update(words)
        documents.update(set(words))
        per_site.setdefault(site_name, Counter()).update(set(words))
        articles_of[site_name] += 1
    furniture = {
        w
        for name, used in per_site.items()
        if articles_of[name] >= FURNITURE_MIN_ARTICLES
        for w, n in used.items()
        if n >= FURNITURE_SHARE * articles_of[name]
    }
    ranked = ((w, n) for w, n in counts.most_common() if w not in furniture)
    return [{"term": w, "count": n, "articles": documents[w]} for w, n in islice(ranked, top)]


# A word in nearly every article of a site is the site's own furniture (its name in every
# dateline, "讯", its slogan), not a term of the news; no word of the news itself comes near
# that share over a site's articles.
FURNITURE_SHARE = 0.8
FURNITURE_MIN_ARTICLES = 10
