"""A generated news site whose pages vary what real sites vary, for the article test.

Article pages come in seven templates (a modern portal, a 2005 table layout with <br> text, a
short news brief under a photo, a government notice, an English edition, a car-news page with
a spec table, an app-style page whose story runs into a "you may also like" feed of teasers in
the same container), list pages in five (dated link lists, teaser cards with summaries, a table
layout, an English index, a channel front with several link blocks and one lead teaser).
Pages are served in UTF-8, GBK or Big5, in Simplified or Traditional script; portal articles
link a print view (`?print=1`) that serves the very same bytes. All text is
made up here from fragments (fiction); nothing is copied from a real site.

    python -m tests.variedsite [--port 0] [--articles N]

serves the site and prints its base URL on the first line, like crawler.demo.server. Pages
carry an ETag and answer If-None-Match with 304.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import socket
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.text import convert

PLACES = ["榕城", "江滨市", "青禾县", "云岭镇", "东湖区", "南港", "北岸新区", "石桥乡"]
SUBJECTS = ["市交通局", "区教育中心", "县农业站", "港务集团", "社区卫生院", "文化馆", "消防支队", "气象台"]
ACTIONS = [
    "启动了为期三个月的专项整治行动",
    "公布了今年上半年的工作数据",
    "召开新闻发布会介绍最新进展",
    "与周边城市签署合作协议",
    "完成了第一阶段的改造工程",
    "发布了面向市民的服务指南",
    "开通了新的线上办事渠道",
    "举办了主题开放日活动",
]
DETAILS = [
    "据介绍，此次行动覆盖全部街道，预计惠及群众十余万人",
    "相关负责人表示，下一步将继续完善配套设施，确保项目按期完成",
    "记者在现场看到，不少市民早早排起了长队，秩序井然",
    "数据显示，前五个月累计完成投资比去年同期增长百分之十二",
    "专家认为，这一做法有助于缓解高峰时段的压力",
    "工作人员提醒，办理业务前请提前准备好有效证件",
    "项目建成后，周边居民的出行时间将缩短约二十分钟",
    "活动现场还设置了咨询台，为群众解答政策问题",
    "据悉，该中心今年还将新增两个服务网点",
    "有居民告诉记者，新措施让日常生活方便了许多",
]
REPORTERS = ["林远航", "陈思琪", "黄景行", "郑雨辰", "吴可欣", "刘一鸣"]
EN_SUBJECTS = [
    "The port authority",
    "City planners",
    "The regional health board",
    "Local farmers",
    "The weather office",
]
EN_ACTIONS = [
    "announced a three-month programme to repair old bridges",
    "published figures showing a rise in river traffic",
    "opened a new service centre for residents",
    "signed an agreement with two neighbouring counties",
    "warned of heavy rain across the coast this week",
]
EN_DETAILS = [
    "Officials said the work would be finished before the end of the year.",
    "Residents who spoke to reporters welcomed the plan, though some worried about the cost.",
    "The figures, released on Tuesday, cover the first five months of the year.",
    "A spokesperson said more details would be published next month.",
    "Traffic on the main road is expected to be lighter once the project is complete.",
    "Experts said the change could ease pressure on hospitals during the winter.",
    "The council will hold a public meeting to hear comments from residents.",
]

ARTICLE_TEMPLATES = ("portal", "table2005", "brief", "gov", "english", "auto", "feed")
LIST_TEMPLATES = ("datedlist", "teasers", "tablelist", "englishlist", "front")
CHARSETS = {
    "portal": "utf-8",
    "table2005": "gbk",
    "brief": "utf-8",
    "gov": "utf-8",
    "english": "utf-8",
    "auto": "big5",
    "feed": "utf-8",
}
# Templates written in Traditional script.
TRADITIONAL = ("auto", "feed")


@dataclass(frozen=True)
class Story:
    n: int
    template: str
    title: str
    date: str
    reporter: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        y, m, d = self.date.split("-")
        return f"/news/{y}{m}/{d}/c_{1000 + self.n}.html"


def _zh_paragraph(rng: random.Random, place: str) -> str:
    return (
        f"{place}{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}。{rng.choice(DETAILS)}。{rng.choice(DETAILS)}。"
    )


def _en_paragraph(rng: random.Random) -> str:
    return f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_ACTIONS)}. {rng.choice(EN_DETAILS)} {rng.choice(EN_DETAILS)}"


def build_stories(count: int, seed: int = 7) -> list[Story]:
    rng = random.Random(seed)
    stories = []
    for n in range(count):
        template = ARTICLE_TEMPLATES[n % len(ARTICLE_TEMPLATES)]
        date = f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}"
        place = rng.choice(PLACES)
        if template == "english":
            title = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_ACTIONS)}"[:70].rstrip()
            paragraphs = tuple(_en_paragraph(rng) for _ in range(rng.randint(3, 7)))
        elif template == "brief":
            title = f"{place}{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)[:10]}"
            paragraphs = (f"{place}{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}。{rng.choice(DETAILS)}。",)
        else:
            title = f"{place}{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)[:12]}"
            paragraphs = tuple(_zh_paragraph(rng, place) for _ in range(rng.randint(3, 8)))
        stories.append(Story(n, template, title, date, rng.choice(REPORTERS), paragraphs))
    return stories


NAV = '<div class="nav"><a href="/">首页</a> | <a href="/list/1.html">新闻</a> | <a href="/list/2.html">本地</a> | <a href="/list/3.html">财经</a> | <a href="/list/4.html">图片</a> | <a href="/en/">English</a></div>'
FOOT = '<div class="footer"><p>关于我们 | 联系方式 | 网站地图</p><p>版权所有 江滨新闻网 未经授权不得转载</p></div>'


def _related(stories: list[Story], story: Story) -> str:
    others = [s for s in stories if s.n != story.n][:6]
    items = "".join(f'<li><a href="{s.path}">{s.title}</a></li>' for s in others)
    return f'<div class="related"><h3>相关新闻</h3><ul>{items}</ul></div>'


def render_article(story: Story, stories: list[Story]) -> str:
    t, d, p = story.title, story.date, story.paragraphs
    if story.template == "portal":
        body = "".join(f"<p>{x}</p>" for x in p)
        inner = (
            f'{NAV}<div class="main"><h1>{t}</h1><div class="info">{d} 10:20 来源：江滨日报 '
            f'记者 {story.reporter}</div><div class="content">{body}</div>{_related(stories, story)}'
            f'<div class="pages"><a href="{story.path}?print=1">打印本页</a> <a href="/list/1.html">返回列表</a>'
            f"</div></div>{FOOT}"
        )
        return _html(f"{t}_江滨新闻网", inner)
    if story.template == "table2005":
        body = "<br><br>".join("　　" + x for x in p)
        links = "".join(f'<tr><td><a href="{s.path}">·{s.title}</a></td></tr>' for s in stories[:8])
        inner = (
            f'<table width="760"><tr><td colspan="2">{NAV}</td></tr><tr><td width="560" valign="top">'
            f'<table><tr><td align="center"><font size="4"><b>{t}</b></font></td></tr>'
            f'<tr><td align="center">{d.replace("-", "年", 1).replace("-", "月")}日 来源：江滨晚报</td></tr>'
            f'<tr><td>{body}</td></tr></table></td><td width="200" valign="top"><table>{links}</table>'
            f"</td></tr></table>{FOOT}"
        )
        return _html(f"{t}_新闻中心_江滨网", inner, doctype=False)
    if story.template == "brief":
        inner = (
            f'{NAV}<div class="article"><h1>{t}</h1><p class="time">{d} 08:05</p>'
            f'<div class="pic"><img src="/img/{story.n}.jpg" alt=""><p>现场图片</p></div>'
            f'<div class="text"><p>{p[0]}</p></div></div>{_related(stories, story)}{FOOT}'
        )
        return _html(t, inner, og="website")
    if story.template == "gov":
        body = "".join(f"<p>{x}</p>" for x in p)
        inner = (
            f'{NAV}<table class="meta"><tr><td>索引号：</td><td>JB-2025-{story.n:04d}</td>'
            f"<td>发布日期：</td><td>{d}</td></tr><tr><td>发文机关：</td><td>江滨市人民政府办公室</td></tr></table>"
            f'<div class="doc"><h2>{t}</h2>{body}<p style="text-align:right">江滨市人民政府办公室</p>'
            f"<p>{d}</p></div>{FOOT}"
        )
        return _html(f"{t} - 江滨市人民政府", inner)
    if story.template == "english":
        body = "".join(f"<p>{x}</p>" for x in p)
        items = "".join(
            f'<li><a href="{s.path}">{s.title}</a></li>' for s in stories if s.template == "english"
        )
        inner = (
            '<div class="nav"><a href="/en/">Home</a> <a href="/en/">World</a> <a href="/en/">Business</a></div>'
            f'<article><h1>{t}</h1><p class="byline">By Mei Lin | {d}</p>{body}</article>'
            f"<aside><h3>Most read</h3><ul>{items}</ul></aside><footer>Copyright Jiangbin Daily</footer>"
        )
        return _html(f"{t} - Jiangbin Daily", inner, lang="en", og="article")
    if story.template == "feed":
        body = "".join(f"<p>{x}</p>" for x in p)
        # The feed sits in the story's own container and is longer than the story: each teaser a
        # linked title, a sentence of summary and an age.
        feed = "".join(
            f'<div class="item"><a href="{s.path}">{s.title}</a><p>{s.paragraphs[0]}</p>'
            f"<span>{1 + s.n % 23}小时前</span></div>"
            for s in stories
            if s.n != story.n
        )
        inner = (
            f'{NAV}<div class="main"><h1>{t}</h1><div class="meta"><span>{d} 09:12</span>·'
            f'<a href="/u/{story.n}">江滨日报</a></div><article>{body}</article>'
            f"<h3>你可能还想看</h3>{feed}</div>{FOOT}"
        )
        return _html(f"{t}-江滨日报", inner)
    # auto: a spec table between paragraphs, pictures between them
    specs = "".join(f"<tr><td>项目{i}</td><td>{i * 13}万元</td></tr>" for i in range(1, 7))
    body = "".join(f'<p>{x}</p><p><img src="/img/car{story.n}_{i}.jpg"></p>' for i, x in enumerate(p))
    inner = (
        f'{NAV}<div id="article"><h1>{t}</h1><div class="meta">{d} 作者：{story.reporter}</div>'
        f'{body}<table class="spec">{specs}</table></div><div class="hot"><h3>热门车型</h3>'
        + "".join(f'<a href="/list/3.html">车型{i}</a> ' for i in range(12))
        + f"</div>{FOOT}"
    )
    return _html(t, inner)


def render_list(template: str, stories: list[Story], page: int) -> str:
    if template == "datedlist":
        items = "".join(f'<li><a href="{s.path}">{s.title}</a><span>{s.date}</span></li>' for s in stories)
        inner = f'{NAV}<div class="list"><h2>本地新闻</h2><ul>{items}</ul>{_pager(page)}</div>{FOOT}'
        return _html("本地新闻_江滨新闻网", inner)
    if template == "teasers":
        items = "".join(
            f'<div class="item"><h3><a href="{s.path}">{s.title}</a></h3><p>{s.paragraphs[0][:60]}……</p>'
            f"<span>{s.date}</span></div>"
            for s in stories
        )
        inner = f'{NAV}<div class="list"><h2>要闻</h2>{items}{_pager(page)}</div>{FOOT}'
        return _html("要闻_江滨新闻网", inner)
    if template == "tablelist":
        rows = "".join(
            f'<tr><td>·<a href="{s.path}">{s.title}</a></td><td>({s.date})</td></tr>' for s in stories
        )
        inner = (
            f'<table width="760"><tr><td>{NAV}</td></tr><tr><td><table>{rows}</table></td></tr></table>{FOOT}'
        )
        return _html("新闻中心_江滨网", inner, doctype=False)
    if template == "englishlist":
        items = "".join(
            f'<div class="card"><h2><a href="{s.path}">{s.title}</a></h2><p>{s.paragraphs[0][:110]}...</p>'
            f"<time>{s.date}</time></div>"
            for s in stories
        )
        inner = f'<div class="nav"><a href="/en/">Home</a></div><main><h1>World</h1>{items}</main><footer>Copyright</footer>'
        return _html("World - Jiangbin Daily", inner, lang="en")
    # front: link blocks under headings, and one lead story with a summary paragraph
    lead = stories[0]
    blocks = "".join(
        f'<div class="box"><h2>{name}</h2><ul>'
        + "".join(f'<li><a href="{s.path}">{s.title}</a></li>' for s in stories[i::4])
        + "</ul></div>"
        for i, name in enumerate(("要闻", "本地", "财经", "体育"))
    )
    inner = (
        f'{NAV}<div class="lead"><h1><a href="{lead.path}">{lead.title}</a></h1><p>{lead.paragraphs[0]}</p>'
        f"</div>{blocks}{FOOT}"
    )
    return _html("江滨新闻网", inner, og="website")


def _pager(page: int) -> str:
    return (
        '<div class="pager">'
        + "".join(f'<a href="/list/{i}.html">{i}</a> ' for i in range(1, 6))
        + "<a>下一页</a></div>"
    )


def _html(title: str, inner: str, *, lang: str = "zh-CN", og: str | None = None, doctype: bool = True) -> str:
    head = f"<title>{title}</title>" + (f'<meta property="og:type" content="{og}">' if og else "")
    return (
        "<!DOCTYPE html>" if doctype else ""
    ) + f'<html lang="{lang}"><head>{head}</head><body>{inner}</body></html>'


@dataclass(frozen=True)
class Site:
    pages: dict[str, tuple[str, bytes]]  # path -> (content type, body)
    articles: list[str]  # paths of the article pages
    lists: list[str]  # paths of the list pages


def build_site(count: int = 60, seed: int = 7) -> Site:
    """The whole site: every story as an article page, and list pages of every style that
    link all of them, some Traditional and served in Big5, some GBK."""
    stories = build_stories(count, seed)
    pages: dict[str, tuple[str, bytes]] = {}

    def add(path: str, html: str, charset: str, script: str = "hans") -> None:
        if script == "hant":
            html = convert(html, "hant") or html
        pages[path] = (f"text/html; charset={charset}", html.encode(charset, "xmlcharrefreplace"))

    for story in stories:
        charset = CHARSETS[story.template]
        add(
            story.path,
            render_article(story, stories),
            charset,
            "hant" if story.template in TRADITIONAL else "hans",
        )
    lists = []
    chunk = max(1, len(stories) // 5)
    for page in range(1, 6):
        template = LIST_TEMPLATES[(page - 1) % len(LIST_TEMPLATES)]
        part = stories[(page - 1) * chunk : page * chunk] or stories[:chunk]
        if template == "englishlist":
            part = [s for s in stories if s.template == "english"] or part
        path = f"/list/{page}.html"
        add(
            path,
            render_list(template, part, page),
            "big5" if page == 3 else "utf-8",
            "hant" if page == 3 else "hans",
        )
        lists.append(path)
    add("/", render_list("front", stories, 1), "utf-8")
    add("/en/", render_list("englishlist", [s for s in stories if s.template == "english"], 1), "utf-8")
    lists += ["/", "/en/"]
    return Site(pages, [s.path for s in stories], lists)


def serve_with_etags(lookup, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server of `lookup(path, query)` -> (content type, body) or None (404), each page with
    an ETag and a 304 for If-None-Match, as the generated test sites serve."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            found = lookup(parts.path, parts.query)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            ctype, body = found
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            pass

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    return Server((host, port), Handler)


def serve(site: Site, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    return serve_with_etags(lambda path, query: site.pages.get(path), host, port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--host", default="127.0.0.1", help="an address of loopback (::1 for IPv6)")
    args = parser.parse_args(argv)
    server = serve(build_site(args.articles), args.port, args.host)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"http://{shown}:{server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
