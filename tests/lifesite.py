"""A news site whose articles are removed, edited, fail and come back between crawls: the test
site of the lifecycle checks (crawler/lifecycle/).

    python -m tests.lifesite [--port 0]

prints its URL on its first line. `GET /__stage/N` moves the site to stage N (1 to 4):

- stage 1: every article is live and linked from the home page and the channel.
- stage 2: the lists link only the untouched articles and one new one, and the others are
  removed in every way a site removes them (404, 410, a redirect to the home page and to a
  channel index, a 200 page in the site's template that says nothing but "not here", a removal
  notice in Simplified and one in Traditional); one is edited, one answers 503 and one times
  out (both only in stage 2), one is removed and restored in stage 4, one moves to a new URL
  with a 301.
- stages 3 and 4: as 2, but the failing ones answer again; stage 4 restores the removed one.
- stage 9: a broken server: every URL, the home page included, answers 404.

Unknown URLs answer 200 with the site's not-found page (a soft 404), as many portals do.
Pages carry an ETag and answer If-None-Match with 304. Article pages are UTF-8, except the
Traditional ones, which are Big5.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.text import convert

SENTENCES = [
    "市交通局昨日召开新闻发布会，通报了今年以来全市公共交通的运行情况。",
    "数据显示，前十个月全市公交客流量同比增长百分之六，地铁客流增长更为明显。",
    "相关负责人表示，将继续优化线路布局，加密高峰时段的发车班次。",
    "不少市民认为，新开通的线路让通勤时间缩短了二十多分钟。",
    "专家指出，公共交通的吸引力取决于准点率和换乘的便利程度。",
    "据了解，明年还将新建三个公交枢纽站，并增设一批港湾式停靠站。",
    "社区工作人员表示，将收集居民的意见，及时反馈给有关部门。",
    "发布会上还通报了出租车行业的整治情况，投诉量明显下降。",
    "气象部门提醒，本周后期有降温降雨过程，市民出行需注意安全。",
    "农业部门组织技术人员深入田间地头，指导农户做好秋冬种工作。",
    "文化馆近日推出系列公益讲座，内容涵盖书法、摄影和传统戏曲。",
    "图书馆延长了周末的开放时间，并增加了自习座位。",
]

# id -> (title, how it fares from stage 2 on)
ARTICLES = {
    101: ("公交线路调整方案公布", "404"),
    102: ("地铁三号线延长段试运行", "410"),
    103: ("出租车行业整治取得成效", "to-home"),
    104: ("新建公交枢纽站选址确定", "soft-404"),
    105: ("港湾式停靠站建设启动", "notice-hans"),
    106: ("兩岸交流活動在廈門舉行", "notice-hant"),
    107: ("秋冬种工作全面展开", "edited"),
    108: ("公益讲座系列推出", "503-once"),
    109: ("图书馆延长开放时间", "timeout-once"),
    110: ("社区意见征集活动结束", "removed-restored"),
    111: ("降温降雨天气将至", "moved"),
    112: ("全市客流量稳步增长", "untouched"),
    113: ("换乘站点增设计划", "untouched"),
    114: ("高峰班次加密", "untouched"),
    115: ("枢纽站配套道路开工", "to-channel"),
}
NEW_IN_STAGE_2 = 116
REMOVED = {
    aid
    for aid, (_, how) in ARTICLES.items()
    if how in ("404", "410", "to-home", "soft-404", "notice-hans", "notice-hant", "to-channel")
}
EDIT = "更正：原文中枢纽站的数量有误，应为三个。"
HANT = {106}


def path_of(aid: int) -> str:
    return f"/news/2026/05/{aid}.html"


def page(title: str, main: str, charset: str = "utf-8") -> bytes:
    """A page in the site's template: a header, a menu, a sidebar of headlines, a footer."""
    side = "".join(f"<li>{t}</li>" for t, _ in list(ARTICLES.values())[:4])
    html = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title} - 滨江新闻网</title></head>'
        '<body><div class="top"><a href="/">滨江新闻网</a> | <a href="/news/index.html">本地新闻</a> | '
        "<span>天气 晴 18℃</span></div>"
        f'<div class="main">{main}</div>'
        f'<div class="side"><h3>热门排行</h3><ul>{side}</ul></div>'
        '<div class="foot">滨江新闻网 版权所有 联系我们 广告服务 网站地图</div></body></html>'
    )
    if charset == "big5":
        html = convert(html, "hant") or html
    return html.encode(charset, errors="xmlcharrefreplace")


def body_of(aid: int, edited: bool = False) -> list[str]:
    start = aid % len(SENTENCES)
    lines = [SENTENCES[(start + i) % len(SENTENCES)] for i in range(5)]
    if edited:
        lines.append(EDIT)
    return lines


def article_page(aid: int, edited: bool = False, url_id: int | None = None) -> bytes:
    title, _ = ARTICLES.get(aid, ("新线路开通首日客流平稳", ""))
    lines = body_of(aid, edited)
    if aid in HANT:
        lines = [convert(line, "hant") or line for line in lines]
    main = (
        f'<div class="article"><h1>{title}</h1><div class="info">2026-05-01 08:00 来源：滨江日报</div>'
        '<div class="content">' + "".join(f"<p>{line}</p>" for line in lines) + "</div></div>"
    )
    return page(title, main, "big5" if aid in HANT else "utf-8")


def not_found_page() -> bytes:
    # Nothing here a list of notice words would know: only the template gives it away.
    return page(
        "滨江新闻网", '<div class="oops"><h2>哎呀</h2><p>这里空空如也，去首页看看别的新闻吧。</p></div>'
    )


def notice_page(traditional: bool) -> bytes:
    if traditional:
        main = '<div class="msg">該內容已被發布者刪除</div>'
        return page("提示", main, "big5")
    return page("提示", '<div class="msg">抱歉，该文章已被删除。</div>')


class LifeSite:
    def __init__(self):
        self.stage = 1
        self.lock = threading.Lock()

    def listed(self) -> list[int]:
        if self.stage == 1:
            return list(ARTICLES)
        return [aid for aid, (_, how) in ARTICLES.items() if how == "untouched"] + [NEW_IN_STAGE_2]

    def answer(self, path: str):
        """(status, headers, body, delay) for a path at the current stage."""
        stage = self.stage
        if stage == 9:
            return 404, {}, b"", 0
        if path in ("/", "/index.html", "/news/index.html"):
            links = "".join(
                f'<li><a href="{path_of(a)}">{ARTICLES.get(a, ("新线路开通首日客流平稳",))[0]}</a></li>'
                for a in self.listed()
            )
            return 200, {}, page("滨江新闻网", f'<ul class="list">{links}</ul>'), 0
        if path == "/news/2026/05/111-bridge.html" and stage >= 2:
            return 200, {}, article_page(111), 0
        aid = next((a for a in [*ARTICLES, NEW_IN_STAGE_2] if path_of(a) == path), None)
        if aid is None:
            return 200, {}, not_found_page(), 0
        if aid == NEW_IN_STAGE_2:
            return (200, {}, article_page(aid), 0) if stage >= 2 else (200, {}, not_found_page(), 0)
        how = ARTICLES[aid][1]
        if stage == 1 or how == "untouched":
            return 200, {}, article_page(aid), 0
        return self._changed(aid, how, stage)

    def _changed(self, aid: int, how: str, stage: int):
        if how in ("404", "410"):
            return int(how), {}, b"", 0
        if how == "to-home":
            return 302, {"Location": "/"}, b"", 0
        if how == "to-channel":
            return 302, {"Location": "/news/index.html"}, b"", 0
        if how == "soft-404":
            return 200, {}, not_found_page(), 0
        if how.startswith("notice"):
            return 200, {}, notice_page(how == "notice-hant"), 0
        if how == "edited":
            return 200, {}, article_page(aid, edited=True), 0
        if how == "503-once" and stage == 2:
            return 503, {"Retry-After": "1"}, b"busy", 0
        if how == "timeout-once" and stage == 2:
            return 200, {}, article_page(aid), 30
        if how == "removed-restored" and stage in (2, 3):
            return 404, {}, b"", 0
        if how == "moved":
            return 301, {"Location": "/news/2026/05/111-bridge.html"}, b"", 0
        return 200, {}, article_page(aid), 0


def make_handler(site: LifeSite):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            path = urlsplit(self.path).path
            if path.startswith("/__stage/"):
                with site.lock:
                    site.stage = int(path.rsplit("/", 1)[1])
                self._send(200, {}, b"ok")
                return
            if path == "/robots.txt":
                self._send(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
                return
            status, headers, body, delay = site.answer(path)
            if delay:
                time.sleep(delay)
            if status == 200:
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                headers = {"ETag": etag, "Content-Type": "text/html", **headers}
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, {"ETag": etag}, b"")
                    return
            self._send(status, headers, body)

        def _send(self, status: int, headers: dict, body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except OSError:
                pass  # the crawler gave up waiting (the timeout case)

        def log_message(self, format, *args):  # noqa: A002
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(LifeSite()))
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
