"""东南快报, the demo's second site: a small aggregator that republishes some of 海濱網's stories.

It is what makes `newsarchive copies` and the copy clusters show something on the demo: four
of its six articles are 海濱網 stories taken over as portals take wire copy (a title of their
own, 来源 naming the original, the last paragraph dropped, Traditional text converted to
Simplified), two are its own. Served by the same demo server, for the host KUAIBAO_HOST.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from crawler.demo.pictures import scene
from crawler.text import convert

KUAIBAO_HOST = "kuaibao.newsarchive.test"
NAME = "东南快报"
# Which 海濱網 articles it takes over (indexes into the first edition, spread over channels,
# Traditional ones among them) and the titles it gives them.
TAKEN = {0: "快讯：", 9: "财经速递：", 21: "文化：", 33: "两岸观察："}
OWN = [
    (
        "东南快报社区义诊活动本周末举行",
        [
            "东南快报讯 本周末，多家医院的医生将走进社区，为居民提供免费义诊和健康咨询。",
            "活动设内科、眼科、口腔等多个诊台，居民可凭身份证现场登记。",
            "主办方提醒，高龄老人可由家属陪同前往，现场备有休息区和饮用水。",
        ],
    ),
    (
        "读者来信：老旧小区加装电梯进展如何",
        [
            "东南快报讯 近日，多位读者来信询问老旧小区加装电梯的进展。",
            "记者从有关部门了解到，今年已有一批小区完成加装，另有数十个项目正在施工。",
            "相关负责人表示，将进一步简化审批流程，并加大补贴力度。",
        ],
    ),
]


def _page(title: str, inner: str) -> bytes:
    html = (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - {NAME}</title>"
        '<link rel="stylesheet" href="/kb.css"></head><body>'
        f'<header><a href="/">{NAME}</a> <nav><a href="/news/">新闻</a></nav></header>'
        f"<main>{inner}</main><footer><p>{NAME} 版权所有</p></footer></body></html>\n"
    )
    return html.encode("utf-8")


def build_wire(articles) -> dict:
    """Every page of 东南快报 by path, from 海濱網's articles (crawler.demo.site.build_articles)."""
    from crawler.demo.site import SITE_NAME, Page

    items = []  # (path, title, published, paragraphs, source)
    for n, (index, prefix) in enumerate(sorted(TAKEN.items())):
        a = articles[index]
        simplified = [convert(p, "hans") or p for p in a.paragraphs]
        title = prefix + (convert(a.title, "hans") or a.title)
        source = convert(SITE_NAME, "hans") or SITE_NAME
        items.append(
            (f"/news/{3001 + n}.html", title, a.published + timedelta(hours=5), simplified[:-1], source)
        )
    latest = max(a.published for a in articles)
    for n, (title, paragraphs) in enumerate(OWN):
        items.append((f"/news/{3101 + n}.html", title, latest - timedelta(days=2 * n + 1), paragraphs, NAME))
    items.sort(key=lambda item: item[2], reverse=True)
    pages = {}
    html = "text/html; charset=utf-8"
    for n, (path, title, published, paragraphs, source) in enumerate(items):
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        picture = f"/pic/{path.rsplit('/', 1)[1][:-5]}.png"
        inner = (
            f'<article><h1 class="headline">{escape(title)}</h1>'
            f'<div class="meta"><time>{published:%Y年%m月%d日 %H:%M}</time> 来源：{escape(source)}</div>'
            f'<figure><img src="{picture}" alt=""></figure><div class="text">{body}</div>'
            '<p class="note">（本文转载自合作媒体，版权归原作者所有）</p></article>'
        )
        pages[path] = Page(200, [("Content-Type", html)], _page(title, inner))
        pages[picture] = Page(200, [("Content-Type", "image/png")], scene(9000 + n))
    rows = "".join(
        f'<li><a href="{p}">{escape(t)}</a> <span>{d:%m-%d}</span></li>' for p, t, d, _, _ in items
    )
    listing = _page("新闻", f"<h2>新闻</h2><ul>{rows}</ul>")
    pages["/"] = Page(200, [("Content-Type", html)], listing)
    pages["/news/"] = Page(200, [("Content-Type", html)], listing)
    pages["/kb.css"] = Page(
        200, [("Content-Type", "text/css")], b"body{font-family:sans-serif;max-width:40em}\n"
    )
    pages["/robots.txt"] = Page(200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n")
    return pages
