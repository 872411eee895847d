"""A generated news site of articles split over several pages, with the images, stylesheets,
scripts and fonts a browser loads to show them.

Pager styles vary as portals' do: `c_123.htm` / `c_123_2.htm` with 下一页 in `div#div_currpage`
(UTF-8), `c1001-123.html` / `c1001-123-2.html` under a `page_n` pager that shows only the
next three pages (GBK), `123.shtml` / `123_2.shtml` with 第2頁 and 下一頁 (Big5, Traditional),
and `?page=2` named by `<link rel="next">` and `rel="prev"` alone (UTF-8). The GBK channel's pictures come from
a second host (a CDN), served by the same process on 127.0.0.2. Stylesheets load a background
and a font through url(), and @import a second stylesheet; pictures use src, srcset and lazy
data-original. All text is made up here from fragments.

    python -m tests.pagedsite [--port 0] [--cdn-host 127.0.0.2]

prints "SITE_URL CDN_URL" on its first line. `GET /__edition/2` switches to a second edition in
which the last page of the first article of every style is edited. Pages carry an ETag and
answer If-None-Match with 304.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import threading
import zlib
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs

from crawler.text import convert
from tests.variedsite import serve_with_etags

CLAUSES = [
    "记者从市交通局获悉",
    "新的公交线路将于下月开通",
    "沿线居民的出行时间预计缩短二十分钟",
    "据介绍，工程共分三个阶段实施",
    "第一阶段已于今年春季完成",
    "相关负责人表示，施工期间将尽量减少对交通的影响",
    "数据显示，前三季度全市客流量同比增长百分之八",
    "专家认为，这一举措有助于缓解早晚高峰的压力",
    "社区工作人员逐户上门征求意见",
    "不少市民表示，新措施让日常生活方便了许多",
    "项目总投资约为三点五亿元",
    "下一步还将增设十二个换乘站点",
    "活动现场设置了多个咨询台",
    "工作人员耐心解答群众提出的问题",
    "气象部门提醒，本周后期将有明显降温",
    "农业部门组织技术人员深入田间指导",
]
STYLES = ("currpage", "page_n", "shtml", "query")
CHARSETS = {"currpage": "utf-8", "page_n": "gbk", "shtml": "big5", "query": "utf-8", "opaque": "utf-8"}
# Reached only from /e/, which nothing links: crawled with a profile naming its next_page link.
OPAQUE_STORIES = 3
# Small image files of our own making: a GIF, a PNG (zlib-built), and a "font".
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _png(seed: int) -> bytes:
    raw = b"\x00" + bytes([seed % 256, 80, 160])
    ihdr = (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


@dataclass
class Story:
    id: int
    style: str
    title: str
    pages: list[list[str]]  # paragraphs of each page

    @property
    def charset(self) -> str:
        return CHARSETS[self.style]

    def path(self, page: int = 1) -> str:
        if self.style == "currpage":
            return f"/a/c_{self.id}.htm" if page == 1 else f"/a/c_{self.id}_{page}.htm"
        if self.style == "page_n":
            return f"/b/c1001-{self.id}.html" if page == 1 else f"/b/c1001-{self.id}-{page}.html"
        if self.style == "shtml":
            return f"/c/{self.id}.shtml" if page == 1 else f"/c/{self.id}_{page}.shtml"
        if self.style == "opaque":  # later pages named by no rule: a profile's next_page finds them
            return (
                f"/e/s{self.id}.html"
                if page == 1
                else f"/e/x{hashlib.sha1(f'{self.id}/{page}'.encode()).hexdigest()[:8]}.html"
            )
        return f"/d/article?id={self.id}" if page == 1 else f"/d/article?id={self.id}&page={page}"


@dataclass
class Site:
    stories: list[Story]
    cdn: str = ""
    edition: int = 1
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # requisites, any host

    def requisites_of(self, story: Story, page: int) -> list[str]:
        """The URLs (path on the site, or absolute on the CDN) a page loads, CSS content included."""
        return [
            "/static/site.css",
            "/static/print.css",
            "/static/bg.png",
            "/static/font.woff",
            "/static/site.js",
            "/favicon.ico",
            *self._pictures(story, page),
        ]

    def _pictures(self, story: Story, page: int) -> list[str]:
        own = f"/img/{story.id}-{page}.png"
        big = f"/img/{story.id}-{page}@2x.png"
        if story.style == "page_n":
            return [self.cdn + own, self.cdn + big]
        return [own, big]


def build_stories(per_style: int = 6, seed: int = 7, styles: tuple[str, ...] = STYLES) -> list[Story]:
    rng = random.Random(seed)
    stories = []
    for style in styles:
        for k in range(per_style):
            story_id = 5000 + (STYLES + ("opaque",)).index(style) * 100 + k
            page_count = 2 + (k % 4)  # 2 to 5 pages
            pages = []
            for n in range(page_count):
                paragraphs = []
                for m in range(3):
                    words = rng.sample(CLAUSES, 3)
                    paragraphs.append(f"{'，'.join(words)}。第{story_id}号稿第{n + 1}页第{m + 1}段。")
                pages.append(paragraphs)
            title = f"{rng.choice(['城区', '江滨', '青禾'])}{rng.choice(['公交', '社区', '农业'])}工作新进展（{story_id}）"
            stories.append(Story(story_id, style, title, pages))
    return stories


def _t(text: str, style: str) -> str:
    return convert(text, "hant") if style == "shtml" else text


def _pager(story: Story, page: int) -> str:
    n = len(story.pages)
    if story.style == "currpage":
        links = " ".join(
            f"<span>{i}</span>" if i == page else f'<a href="{story.path(i)}">{i}</a>'
            for i in range(1, n + 1)
        )
        nxt = f' <a href="{story.path(page + 1)}">下一页</a>' if page < n else ""
        return f'<div id="div_currpage">{links}{nxt}</div>'
    if story.style == "page_n":
        shown = range(max(1, page - 1), min(n, page + 3) + 1)  # a window of the pager only
        prev = f'<a href="{story.path(page - 1)}">上一页</a> ' if page > 1 else ""
        links = " ".join(
            f'<a class="a1">{i}</a>' if i == page else f'<a href="{story.path(i)}">{i}</a>' for i in shown
        )
        nxt = f' <a href="{story.path(page + 1)}">下一页</a>' if page < n else ""
        return f'<div class="page_n">{prev}{links}{nxt}</div>'
    if story.style == "shtml":
        links = " ".join(f'<a href="{story.path(i)}">第{i}頁</a>' for i in range(1, n + 1))
        nxt = f' <a href="{story.path(page + 1)}">下一頁</a>' if page < n else ""
        return f'<div class="pages">{links}{nxt}</div>'
    if story.style == "opaque":
        # The last page's "next" leads back to page 1, as a broken pager does: a loop.
        nxt = story.path(page + 1) if page < n else story.path(1)
        return f'<div class="turn"><a class="next-page" href="{nxt}">下一页</a></div>'
    return ""  # query style: <link rel="next"> in the head only


def render_page(site: Site, story: Story, page: int) -> bytes:
    style = story.style
    paragraphs = list(story.pages[page - 1])
    if site.edition >= 2 and page == len(story.pages) and story.id % 100 == 1:
        paragraphs.append(f"更正：第{story.id}号稿末页内容已更新。")
    own, big = site._pictures(story, page)
    lazy = 'src="/static/blank.gif" data-original' if page % 2 == 0 else "src"
    body = "".join(f"<p>{_t(p, style)}</p>" for p in paragraphs[:2])
    body += (
        f'<p class="pic"><img {lazy}="{own}" srcset="{own} 1x, {big} 2x" alt=""></p>'
        f'<p class="pic-note">{_t("图为现场", style)}</p>'
    )
    body += "".join(f"<p>{_t(p, style)}</p>" for p in paragraphs[2:])
    head_next = ""
    if style == "query" and page < len(story.pages):
        head_next = f'<link rel="next" href="{story.path(page + 1)}">'
    if style == "query" and page > 1:
        head_next += f'<link rel="prev" href="{story.path(page - 1)}">'
    date = f"2026-05-{1 + story.id % 28:02d} 09:30"
    info = f'<div class="info">{date} {_t("来源", style)}：{_t("江滨日报", style)}</div>' if page == 1 else ""
    editor = (
        f'<p class="editor">{_t("责任编辑", style)}：{_t("王晓", style)}</p>'
        if page == len(story.pages)
        else ""
    )
    suffix = f"({page})" if page > 1 else ""
    html = (
        f'<!DOCTYPE html><html><head><meta charset="{story.charset}">'
        f"<title>{_t(story.title, style)}{suffix}_{_t('江滨网', style)}</title>"
        f'<link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/favicon.ico">'
        f'<script src="/static/site.js"></script>{head_next}</head><body>'
        f'<div class="nav"><a href="/">{_t("首页", style)}</a> <a href="/{style}/">{_t("频道", style)}</a></div>'
        f'<div class="main"><h1>{_t(story.title, style)}</h1>{info}<div class="content">{body}</div>'
        f'{_pager(story, page)}{editor}<img src="/private/pixel.gif" alt=""></div>'
        f'<div class="foot">{_t("版权所有 江滨网", style)}</div></body></html>'
    )
    codec = {"gbk": "gbk", "big5": "big5"}.get(story.charset, "utf-8")
    return html.encode(codec, "xmlcharrefreplace")


def render_list(site: Site, style: str) -> bytes:
    rows = "".join(
        f'<li><a href="{s.path()}">{_t(s.title, style)}</a> <span>2026-05-{1 + s.id % 28:02d}</span></li>'
        for s in site.stories
        if s.style == style
    )
    # A portal's "continue reading" link straight to page 2 of a story.
    lead = next(s for s in site.stories if s.style == style)
    rows += f'<li><a href="{lead.path(2)}">{_t("接上页", style)}：{_t(lead.title, style)}</a></li>'
    codec = {"gbk": "gbk", "big5": "big5"}.get(CHARSETS[style], "utf-8")
    html = (
        f'<!DOCTYPE html><html><head><meta charset="{CHARSETS[style]}"><title>{style}</title>'
        f'<link rel="stylesheet" href="/static/site.css"></head><body><ul>{rows}</ul></body></html>'
    )
    return html.encode(codec, "xmlcharrefreplace")


def build_files(site: Site) -> dict[str, tuple[str, bytes]]:
    files = {
        "/static/site.css": (
            "text/css",
            b'@import "print.css";\nbody { background: url(bg.png) repeat-x; }\n'
            b"@font-face { font-family: x; src: url('/static/font.woff') format('woff'); }\n"
            b".logo { background-image: url(data:image/gif;base64,R0lGODlhAQABAAAAACw=); }\n",
        ),
        "/static/print.css": ("text/css", b"@media print { .nav { display: none } }\n"),
        "/static/bg.png": ("image/png", _png(1)),
        "/static/font.woff": ("font/woff", b"wOFF" + bytes(60)),
        "/static/site.js": ("application/javascript", b"document.documentElement.className='js';\n"),
        "/static/blank.gif": ("image/gif", GIF),
        "/favicon.ico": ("image/x-icon", GIF),
    }
    for story in site.stories:
        for page in range(1, len(story.pages) + 1):
            files[f"/img/{story.id}-{page}.png"] = ("image/png", _png(story.id * 7 + page))
            files[f"/img/{story.id}-{page}@2x.png"] = ("image/png", _png(story.id * 7 + page + 1))
    return files


def _lookup(site: Site, path: str, query: str, cdn: bool) -> tuple[str, bytes] | None:
    if cdn:
        return site.files.get(path) if path.startswith("/img/") else None
    if path == "/robots.txt":
        return "text/plain", b"User-agent: *\nDisallow: /private/\n"
    if path == "/":
        links = "".join(f'<a href="/{s}/">{s}</a> ' for s in STYLES)
        return "text/html; charset=utf-8", f"<html><body>{links}</body></html>".encode()
    if path == "/e/":
        return "text/html; charset=utf-8", render_list(site, "opaque")
    if path == "/private/pixel.gif":
        return "image/gif", GIF  # robots.txt forbids it: a crawl never asks
    for style in STYLES:
        if path == f"/{style}/":
            return f"text/html; charset={CHARSETS[style]}", render_list(site, style)
    for story in site.stories:
        for page in range(1, len(story.pages) + 1):
            full = story.path(page)
            want_path, _, want_query = full.partition("?")
            if path == want_path and parse_qs(query) == parse_qs(want_query):
                return f"text/html; charset={story.charset}", render_page(site, story, page)
    found = site.files.get(path)
    if found is not None and (not site.cdn or not path.startswith("/img/") or _on_site(site, path)):
        return found
    return None


def _on_site(site: Site, path: str) -> bool:
    """Pictures of the CDN channel are on the CDN only."""
    story_id = int(path.split("/")[2].split("-")[0])
    return next(s for s in site.stories if s.id == story_id).style != "page_n"


def serve(site: Site, host: str, port: int, cdn: bool = False) -> ThreadingHTTPServer:
    def lookup(path: str, query: str) -> tuple[str, bytes] | None:
        if path.startswith("/__edition/"):
            site.edition = int(path.rsplit("/", 1)[1])
            return "text/plain", b"ok"
        return _lookup(site, path, query, cdn)

    return serve_with_etags(lookup, host, port)


def build_site(cdn: str = "", per_style: int = 6) -> Site:
    site = Site(build_stories(per_style) + build_stories(OPAQUE_STORIES, seed=8, styles=("opaque",)), cdn)
    site.files = build_files(site)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cdn-host", default="127.0.0.2", help="a loopback address for the picture host")
    args = parser.parse_args(argv)
    site = Site([])  # filled in once the CDN's port is known: both servers share it
    cdn_server = serve(site, args.cdn_host, 0, cdn=True)
    cdn = f"http://{args.cdn_host}:{cdn_server.server_address[1]}"
    built = build_site(cdn)
    site.stories, site.cdn, site.files = built.stories, built.cdn, built.files
    server = serve(site, "127.0.0.1", args.port)
    print(f"http://127.0.0.1:{server.server_address[1]} {cdn}", flush=True)
    threading.Thread(target=cdn_server.serve_forever, daemon=True).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
