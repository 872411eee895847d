"""Render the demo news portal into a table of pages: path -> (status, headers, body bytes).

The site behaves like a real regional portal: channel lists with pagination, articles full
of boilerplate, a GBK channel served without charset in the HTTP header, a Big5 channel,
robots.txt with a disallowed page, RSS, a sitemap, a redirect and a broken link.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape

from crawler.demo.content import (
    CAPTIONS,
    CHANNELS,
    CLOSERS,
    EDITORS,
    MIDDLES,
    OPENERS,
    PARTNERS,
    PLACES,
    REPORTERS,
    SCRIPT,
    SOURCES,
    STYLE,
    SUB_CHANNELS,
    SUBHEADS,
    TITLES,
)
from crawler.demo.pictures import scene
from crawler.text import convert

SITE_NAME = "海濱網"  # the portal's own name, as printed on its pages
PER_PAGE = 5
CHINA = timezone(timedelta(hours=8))
BROKEN_PATH = "/local/2026/03/31/9999.html"
PRIVATE_PATH = "/private/drafts.html"
REDIRECT_PATH = "/go/top-story"
# Articles split over several pages, one per pager style a portal uses: channel -> (index of
# the article in its channel, number of pages, style).
MULTI_PAGE = {"local": (1, 3, "currpage"), "finance": (1, 2, "page_n"), "culture": (1, 2, "query")}
# The site's stylesheet and script, which load a background, a logo and an icon.
SITE_CSS = b"body{background:#fff url(bg.png) repeat-x}\n.top{background:url('/static/logo.png') no-repeat;padding-left:20px}\n"
SITE_JS = b"document.documentElement.className+=' js';\n"


@dataclass
class DemoArticle:
    id: int
    channel: str
    title: str
    published: datetime
    reporters: list[str]
    editor: str
    source: str
    paragraphs: list[str]  # the body as published, first paragraph carrying the dateline
    subheading: str
    caption: str
    related: list[int] = field(default_factory=list)
    pages: int = 1  # more than one: the article is split over pages (see MULTI_PAGE)
    pager: str = ""

    @property
    def path(self) -> str:
        return f"/{CHANNELS[self.channel][1]}/{self.published:%Y/%m/%d}/{self.id}.html"

    def page_path(self, page: int) -> str:
        """Page 1 is `path`; later pages as the article's pager style numbers them."""
        if page == 1:
            return self.path
        stem = self.path[: -len(".html")]
        return {"currpage": f"{stem}_{page}.html", "page_n": f"{stem}-{page}.html"}.get(
            self.pager, f"{self.path}?page={page}"
        )

    def page_paragraphs(self, page: int) -> list[str]:
        """The paragraphs shown on one page: the body cut into `pages` nearly equal parts (a
        page may open with the subheading, as real ones do)."""
        size = -(-len(self.paragraphs) // self.pages)
        return self.paragraphs[(page - 1) * size : page * size]

    @property
    def script(self) -> str:
        return CHANNELS[self.channel][3]


@dataclass
class Page:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _t(text: str, script: str) -> str:
    return (convert(text, "hant") or text) if script == "hant" else text


def build_articles(seed: int = 20260420, edition: int = 1) -> list[DemoArticle]:
    """The demo articles. Edition 2 is the same site a few hours later: two new articles and
    one article silently edited, as news sites do. Edition 3 has the same articles, three of
    them taken down (build_site)."""
    articles = _first_edition(seed)
    if edition >= 2:
        edited = articles[0]
        edited.paragraphs = [
            *edited.paragraphs[:-1],
            "更正：此前报道中的开通日期有误，现已更正。" + edited.paragraphs[-1],
        ]
        latest = max(a.published for a in articles)
        for k, title in enumerate(EDITION_2_TITLES):
            articles.append(
                DemoArticle(
                    id=2001 + k,
                    channel="local",
                    title=title,
                    published=latest + timedelta(hours=3 + k),
                    reporters=["林晓东"],
                    editor="方敏",
                    source="榕城日报",
                    paragraphs=[
                        f"海滨网{latest.month}月{latest.day}日讯（记者 林晓东）{title}，相关部门表示将尽快落实。",
                        "据了解，这项工作已纳入今年的重点任务清单，市民可通过热线反映意见。",
                        "多方协作 稳步推进",
                        "记者将持续关注此事进展。",
                    ],
                    subheading="多方协作 稳步推进",
                    caption="现场图片",
                    related=[1001, 1002, 1003, 1004, 1005],
                )
            )
    return articles


EDITION_2_TITLES = ["晚间突发：城区部分路段临时交通管制", "夜市食品安全抽检结果公布"]


def _first_edition(seed: int) -> list[DemoArticle]:
    rng = random.Random(seed)
    articles: list[DemoArticle] = []
    start = datetime(2026, 4, 1, 8, 0, tzinfo=CHINA)
    next_id = 1001
    for channel, titles in TITLES.items():
        script = CHANNELS[channel][3]
        for k, title in enumerate(titles):
            published = start + timedelta(
                days=k * 2 + len(articles) % 3, hours=rng.randint(0, 10), minutes=rng.choice([0, 15, 30, 45])
            )
            reporters = rng.sample(REPORTERS, rng.choice([1, 2, 2, 3]))
            place = rng.choice(PLACES)
            short = title.split(" ")[0]
            fill = {"title_short": short, "place": place, "n": rng.randint(2, 30)}
            opener = rng.choice(OPENERS[channel]).format(**fill)
            middles = [m.format(**fill) for m in rng.sample(MIDDLES, 4)]
            site = _t(SITE_NAME if script == "hant" else "海滨网", script)
            dateline = f"{site}{published.month}月{published.day}日{_t('讯', script)}"
            who = _t("记者", script) + " " + " ".join(_t(r, script) for r in reporters)
            first = f"{dateline}（{who}）{_t(opener, script)}"
            paragraphs = [first, *(_t(m, script) for m in middles[:2]), _t(rng.choice(SUBHEADS), script)]
            paragraphs += [_t(m, script) for m in middles[2:]] + [_t(rng.choice(CLOSERS), script)]
            articles.append(
                DemoArticle(
                    id=next_id,
                    channel=channel,
                    title=_t(title, script),
                    published=published,
                    reporters=[_t(r, script) for r in reporters],
                    editor=_t(rng.choice(EDITORS), script),
                    source=_t(rng.choice(SOURCES), script),
                    paragraphs=paragraphs,
                    subheading=paragraphs[3],
                    caption=_t(rng.choice(CAPTIONS), script),
                )
            )
            next_id += 1
    for a in articles:
        others = [b.id for b in articles if b.id != a.id]
        a.related = rng.sample(others, rng.randint(5, 8))
    for channel, (index, pages, pager) in MULTI_PAGE.items():
        article = [a for a in articles if a.channel == channel][index]
        article.pages, article.pager = pages, pager
    return articles


def _nav(script: str) -> str:
    items = "".join(
        f'<li><a href="/{path}/index.html">{escape(_t(name, script))}</a></li>'
        for name, path, _, _ in CHANNELS.values()
    )
    menu = "".join(
        f'<li class="m{i}"><a href="/channel/{i}.html">{escape(_t(name, script))}</a></li>'
        for i, name in enumerate(SUB_CHANNELS)
    )
    return (
        f'<div class="nav"><ul><li><a href="/">{_t("首页", script)}</a></li>{items}</ul>'
        f'<ul class="mega">{menu}</ul></div>'
    )


def _footer(script: str) -> str:
    partners = " | ".join(
        f'<a href="http://www.{host}.example.cn/">{escape(_t(name, script))}</a>' for name, host in PARTNERS
    )
    return (
        f'<div class="links"><b>{_t("友情链接", script)}</b> {partners}</div>'
        f'<div class="footer"><p><a href="/about.html">{_t("关于我们", script)}</a> | '
        f'<a href="/contact.html">{_t("联系我们", script)}</a></p>'
        f"<p>{_t('版权所有 海滨网 未经授权禁止转载', script)}</p><p>{_t('闽ICP备00000000号', script)}</p></div>"
    )


def _page(title: str, script: str, charset: str, inner: str, head_extra: str = "") -> str:
    lang = "zh-Hant" if script == "hant" else "zh-Hans"
    site = _t("海滨网", script)
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head>{meta}<title>{escape(title)}_{site}</title>{head_extra}'
        f'<link rel="alternate" type="application/rss+xml" href="/rss.xml"><style>{STYLE}</style>'
        '<link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/favicon.ico">'
        '<script src="/static/site.js"></script>'
        f"<script>{SCRIPT}</script></head>\n<body>"
        f'<div class="top"><a href="/">{site}</a> <a href="/login.html">{_t("登录", script)}</a></div>'
        f"{_nav(script)}{inner}{_footer(script)}</body></html>\n"
    )


def _pager(a: DemoArticle, page: int) -> str:
    """The pager under a page of an article split over pages, in the article's style."""
    s, n = a.script, a.pages
    numbers = [f"<b>{i}</b>" if i == page else f'<a href="{a.page_path(i)}">{i}</a>' for i in range(1, n + 1)]
    prev = f'<a href="{a.page_path(page - 1)}">{_t("上一页", s)}</a> ' if page > 1 else ""
    nxt = f' <a href="{a.page_path(page + 1)}">{_t("下一页", s)}</a>' if page < n else ""
    if a.pager == "currpage":
        return f'<div id="div_currpage">{prev}{" ".join(numbers)}{nxt}</div>'
    if a.pager == "page_n":
        return f'<div class="page_n">{prev}{" ".join(numbers)}{nxt}</div>'
    pages = " ".join(f'<a href="{a.page_path(i)}">{_t(f"第{i}页", s)}</a>' for i in range(1, n + 1))
    return f'<div class="pages">{pages}{nxt}</div>'


def picture_path(a: DemoArticle, page: int = 1) -> str:
    return f"/images/{a.id}.png" if page == 1 else f"/images/{a.id}-{page}.png"


def render_article(a: DemoArticle, by_id: dict[int, DemoArticle], page: int = 1) -> str:
    s = a.script
    channel_name = _t(CHANNELS[a.channel][0], s)
    paras = []
    for i, p in enumerate(a.page_paragraphs(page)):
        if p == a.subheading:
            paras.append(f"<p><strong>{escape(p)}</strong></p>")
        else:
            paras.append(f"<p>{escape(p)}</p>")
        if i == 1:
            paras.append(
                f'<p style="text-align:center"><img src="{picture_path(a, page)}" alt=""></p>'
                f'<p class="pic-caption" style="text-align:center">{escape(a.caption)}</p>'
            )
    related = "".join(
        f'<li><a href="{by_id[r].path}">{escape(by_id[r].title)}</a> <span>{by_id[r].published:%Y-%m-%d}</span></li>'
        for r in a.related
    )
    if a.id % 10 == 3:  # one dead link in the list, as real sites have
        related += f'<li><a href="{BROKEN_PATH}">{_t("旧闻回顾：本地交通十年变迁", s)}</a> <span>2026-03-31</span></li>'
    info = (
        f'<div class="info"><span class="time">{a.published:%Y-%m-%d %H:%M}</span> '
        f'<span class="source">{_t("来源", s)}：{escape(a.source)}</span> '
        f'<span class="author">{_t("作者", s)}：{escape(" ".join(a.reporters))}</span></div>'
    )
    inner = (
        f'<div class="crumb"><a href="/">{_t("首页", s)}</a> &gt; <a href="/{CHANNELS[a.channel][1]}/index.html">{escape(channel_name)}</a> &gt; {_t("正文", s)}</div>'
        f'<div class="main"><div class="article"><h1>{escape(a.title)}</h1>{info}'
        f'<div class="content">{"".join(paras)}</div>{_pager(a, page) if a.pages > 1 else ""}'
        + (f'<p class="editor">{_t("责任编辑", s)}：{escape(a.editor)}</p>' if page == a.pages else "")
        + f'<div class="share">{_t("分享到", s)}：<a href="#">{_t("微信", s)}</a> <a href="#">{_t("微博", s)}</a> <a href="#">QQ空间</a></div>'
        f'<div class="comment">{_t("已有0人发表了评论", s)}</div>'
        f'<div class="channel-links"><a href="/culture/index.html">{_t("进入图片频道最新图文", s)}</a> '
        f'<a href="/local/index.html">{_t("一周热点新闻", s)}</a></div>'
        f'<div class="related"><h3>{_t("相关新闻", s)}</h3><ul>{related}</ul></div>'
        f"</div>"
        f'<div class="side"><h3>{_t("热门排行", s)}</h3><ul>'
        + "".join(
            f'<li><a href="{by_id[r].path}">{escape(by_id[r].title)}</a></li>' for r in sorted(by_id)[:6]
        )
        + "</ul></div></div>"
    )
    head = f'<meta name="publishdate" content="{a.published:%Y-%m-%d %H:%M}">' if a.id % 2 else ""
    if page < a.pages:
        head += f'<link rel="next" href="{a.page_path(page + 1)}">'
    title = a.title if page == 1 else f"{a.title}({page})"
    return _page(title, s, CHANNELS[a.channel][2], inner, head)


def render_list(channel: str, items: list[DemoArticle], page: int, pages: int) -> str:
    name, path, charset, s = CHANNELS[channel]
    rows = "".join(
        f'<li><a href="{a.path}">{escape(a.title)}</a><span class="date">{a.published:%Y-%m-%d}</span></li>'
        for a in items
    )
    pager = []
    if page > 1:
        prev = "index.html" if page == 2 else f"index_{page - 1}.html"
        pager.append(f'<a href="/{path}/{prev}">{_t("上一页", s)}</a>')
    if page < pages:
        pager.append(f'<a href="/{path}/index_{page + 1}.html">{_t("下一页", s)}</a>')
    inner = f'<div class="list"><h2>{escape(_t(name, s))}</h2><ul>{rows}</ul><div class="pager">{" ".join(pager)}</div></div>'
    return _page(_t(name, s), s, charset, inner)


def build_site(articles: list[DemoArticle] | None = None, edition: int = 1) -> dict[str, Page]:
    """Every page of the demo site by path. Long on purpose: it is the site's map, each kind
    of page (channels, articles, pictures, portal furniture, feeds) in the order a reader
    meets them, and splitting it would scatter the map."""
    articles = articles or build_articles(edition=edition)
    by_id = {a.id: a for a in articles}
    pages: dict[str, Page] = {}

    def add(
        path: str, text: str, charset: str, header_charset: bool = True, ctype: str = "text/html"
    ) -> None:
        header = f"{ctype}; charset={charset}" if header_charset else ctype
        pages[path] = Page(200, [("Content-Type", header)], text.encode(_codec(charset), "xmlcharrefreplace"))

    for channel, (_, path, charset, _script) in CHANNELS.items():
        items = sorted((a for a in articles if a.channel == channel), key=lambda a: a.published, reverse=True)
        count = (len(items) + PER_PAGE - 1) // PER_PAGE
        for n in range(1, count + 1):
            name = "index.html" if n == 1 else f"index_{n}.html"
            html = render_list(channel, items[(n - 1) * PER_PAGE : n * PER_PAGE], n, count)
            # The GBK channel names its charset only in <meta>, like many older sites.
            add(f"/{path}/{name}", html, charset, header_charset=charset != "gbk")
        for a in items:
            for page in range(1, a.pages + 1):
                html = render_article(a, by_id, page)
                add(a.page_path(page), html, charset, header_charset=charset != "gbk")
                pages[picture_path(a, page)] = Page(
                    200, [("Content-Type", "image/png")], scene(a.id * 10 + page)
                )
    for path, ctype, body in (
        ("/static/site.css", "text/css", SITE_CSS),
        ("/static/site.js", "application/javascript", SITE_JS),
        ("/static/bg.png", "image/png", scene(1, 64, 8)),
        ("/static/logo.png", "image/png", scene(2, 16, 16)),
        ("/favicon.ico", "image/png", scene(3, 16, 16)),
    ):
        pages[path] = Page(200, [("Content-Type", ctype)], body)
    latest = sorted(articles, key=lambda a: a.published, reverse=True)
    home_rows = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in latest[:8])
    home = _page(
        "首页",
        "hans",
        "utf-8",
        f'<div class="headlines"><h2>要闻</h2><ul>{home_rows}</ul>'
        f'<p><a href="{REDIRECT_PATH}">今日头条</a> <a href="{PRIVATE_PATH}">内部稿库</a></p></div>',
    )
    add("/", home, "utf-8")
    pages["/index.html"] = pages["/"]
    # The sub-channels of the mega menu and the footer pages exist, as on a real portal.
    for i, name in enumerate(SUB_CHANNELS):
        picks = latest[i % 7 :: 9][:4]
        rows = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in picks)
        add(
            f"/channel/{i}.html",
            _page(name, "hans", "utf-8", f'<div class="list"><h2>{escape(name)}</h2><ul>{rows}</ul></div>'),
            "utf-8",
        )
    for path, name, text in (
        ("/about.html", "关于我们", "海滨网是一家地方新闻网站。"),
        ("/contact.html", "联系我们", "新闻热线：0591-00000000。"),
        ("/login.html", "登录", "请输入用户名和密码。"),
    ):
        add(path, _page(name, "hans", "utf-8", f"<div><h2>{name}</h2><p>{text}</p></div>"), "utf-8")
    pages[REDIRECT_PATH] = Page(
        301, [("Location", latest[0].path), ("Content-Type", "text/html")], b"<a>moved</a>"
    )
    add(PRIVATE_PATH, _page("内部稿库", "hans", "utf-8", "<p>未公开稿件</p>"), "utf-8")
    pages["/robots.txt"] = Page(
        200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n"
    )
    add("/rss.xml", render_rss(latest[:20]), "utf-8", ctype="application/rss+xml")
    add("/sitemap.xml", render_sitemap(articles), "utf-8", ctype="application/xml")
    if edition >= 3:
        _take_down(pages, by_id, add)
    return pages


# Edition 3: three stories taken down, each as sites do it (the lists still link them: only a
# recheck tells what became of them).
TAKEN_DOWN = {1005: "404", 1016: "home", 1026: "notice"}


def _take_down(pages: dict, by_id: dict, add) -> None:
    for aid, how in TAKEN_DOWN.items():
        article = by_id[aid]
        _, _, charset, script = CHANNELS[article.channel]
        if how == "404":
            del pages[article.path]
        elif how == "home":
            pages[article.path] = Page(302, [("Location", "/"), ("Content-Type", "text/html")], b"")
        else:
            notice = _t("该内容已被发布者删除", script)
            add(
                article.path,
                _page(_t("提示", script), script, charset, f'<div class="notice"><p>{notice}</p></div>'),
                charset,
            )


def _codec(charset: str) -> str:
    return {"gbk": "gbk", "big5": "big5"}.get(charset, charset)


def render_rss(items: list[DemoArticle]) -> str:
    entries = "".join(
        f"<item><title>{escape(a.title)}</title><link>http://demo.newsarchive.test{a.path}</link>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S +0800}</pubDate></item>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>海滨网</title>'
        f"<link>http://demo.newsarchive.test/</link>{entries}</channel></rss>"
    )


def render_sitemap(articles: list[DemoArticle]) -> str:
    urls = "".join(f"<url><loc>http://demo.newsarchive.test{a.path}</loc></url>" for a in articles)
    return f'<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
