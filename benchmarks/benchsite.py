"""A generated news site for benchmarks: N articles of about 50 KB, both scripts, some GBK.

Pages are rendered on request (nothing held per page), from the demo portal's templates and
sentence pools, so the site looks like the demo one but is as large as asked.

    python benchmarks/benchsite.py [--articles 5000]   # prints its base URL
"""

from __future__ import annotations

import argparse
import random
import socket
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.demo.content import CLOSERS, MIDDLES, OPENERS, PLACES, TITLES  # noqa: E402
from crawler.demo.site import CHINA, GIF, SITE_CSS, SITE_JS, DemoArticle, _page, render_article  # noqa: E402
from crawler.text import convert  # noqa: E402

PER_LIST = 50
CHANNEL_OF = ["local", "finance", "culture", "strait", "local"]  # finance is GBK, culture Big5


def article(n: int) -> DemoArticle:
    rng = random.Random(n)
    channel = CHANNEL_OF[n % len(CHANNEL_OF)]
    script = "hant" if channel in ("culture", "strait") else "hans"
    title = rng.choice(TITLES[channel]) + f"（{n}）"
    fill = {"title_short": title, "place": rng.choice(PLACES), "n": rng.randint(2, 99)}
    paras = [rng.choice(OPENERS[channel]).format(**fill)] + [
        m.format(**fill) for m in rng.sample(MIDDLES, 6)
    ] * 8
    paras.append(rng.choice(CLOSERS))
    t = (lambda s: convert(s, "hant")) if script == "hant" else (lambda s: s)
    paras = [t(p) for p in paras]
    return DemoArticle(
        id=n,
        channel=channel,
        title=t(title),
        published=datetime(2026, 1, 1, 8, tzinfo=CHINA) + timedelta(hours=n),
        reporters=[t("林晓东")],
        editor=t("方敏"),
        source=t("榕城日报"),
        paragraphs=paras,
        subheading=paras[3],
        caption=t("现场图片"),
        related=[(n + k) % max(n, 1) + 1 for k in (7, 13, 29, 31, 37)],
    )


class BenchSite:
    def __init__(self, articles: int, prerender: bool = False):
        self.count = articles
        # Pre-rendered pages keep the server's CPU out of the measurement of the crawler.
        self.cache = {}
        if prerender:
            for n in range(1, articles + 1):
                self.cache[article(n).path] = self._render(n)

    def _render(self, n: int) -> tuple[int, str, bytes]:
        a = article(n)
        charset = {"finance": "gbk", "culture": "big5"}.get(a.channel, "utf-8")
        html = render_article(a, _Related(self.count))
        # Real article pages weigh about 50 KB: most of it is sidebars of other headlines.
        more = "".join(
            f'<li class="m{k % 40}"><a href="/list/{k % 7}.html">{TITLES["local"][k % 11]}（{k}）</a>'
            f"<span>2026-01-{1 + k % 28:02d}</span></li>"
            for k in range(n, n + 160)
        )
        html = html.replace("</body>", f'<div class="more"><h3>更多</h3><ul>{more}</ul></div></body>')
        ctype = "text/html" if charset == "gbk" else f"text/html; charset={charset}"
        return 200, ctype, html.encode(charset, "xmlcharrefreplace")

    def get(self, path: str) -> tuple[int, str, bytes]:
        if path in self.cache:
            return self.cache[path]
        if path in ("/", "/index.html"):
            return self._list(0)
        if path.startswith("/list/") and path.endswith(".html"):
            return self._list(int(path[6:-5]))
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[-1].endswith(".html") and parts[-1][:-5].isdigit():
            n = int(parts[-1][:-5])
            if 1 <= n <= self.count and article(n).path == path:
                return self._render(n)
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow:\n"
        # The page requisites: a picture an article, and the site's stylesheet, script and icons.
        if path.startswith("/images/") or path in ("/static/bg.gif", "/static/logo.gif", "/favicon.ico"):
            return 200, "image/gif", GIF
        if path == "/static/site.css":
            return 200, "text/css", SITE_CSS
        if path == "/static/site.js":
            return 200, "application/javascript", SITE_JS
        return 404, "text/plain", b"not found"

    def _list(self, page: int) -> tuple[int, str, bytes]:
        first = page * PER_LIST + 1
        if first > self.count:
            return 404, "text/plain", b"not found"
        rows = "".join(
            f'<li><a href="{article(n).path}">{article(n).title}</a></li>'
            for n in range(first, min(first + PER_LIST, self.count + 1))
        )
        more = f'<a href="/list/{page + 1}.html">下一页</a>' if first + PER_LIST <= self.count else ""
        return (
            200,
            "text/html; charset=utf-8",
            _page("列表", "hans", "utf-8", f"<ul>{rows}</ul>{more}").encode(),
        )


class _Related(dict):
    """render_article looks related ids up here; they are rendered on demand too."""

    def __init__(self, count: int):
        super().__init__()
        self.count = count

    def __getitem__(self, n):
        return article((n - 1) % self.count + 1)

    def __iter__(self):
        return iter(range(1, min(self.count, 6) + 1))


def serve(articles: int, port: int = 0, prerender: bool = False) -> tuple[ThreadingHTTPServer, str]:
    site = BenchSite(articles, prerender)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            # Head and body leave in separate writes: without this, Nagle's algorithm and delayed
            # ACKs add tens of milliseconds to every response and the server, not the crawler, is timed.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):  # noqa: N802
            status, ctype, body = site.get(self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


PROFILE = r"""name = "bench"
domains = ["bench.test"]
start_urls = ["http://bench.test/"]
article_patterns = ['/[a-z]+/\d{4}/\d{2}/\d{2}/\d+\.html$']
list_patterns = ['/list/\d+\.html$']
refetch_window_days = 0

[selectors]
title = ".article h1"
body = ".article .content"
related = ".article .related"
"""

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--prerender", action="store_true")
    args = parser.parse_args()
    _, url = serve(args.articles, prerender=args.prerender)
    print(url, flush=True)
    threading.Event().wait()
