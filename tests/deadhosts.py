"""A news site whose article pages load pictures, scripts and styles from hosts that cannot be
reached, as real pages do when a CDN is blocked or an ad server is down:

- names under `.invalid` (RFC 6761), which never resolve (the crawler answers them itself,
  with no query sent);
- a host on 127.0.0.2 whose port is closed (connection refused).

    python -m tests.deadhosts --articles 40 [--per-host 8]

prints its base URL. The home page lists every article; each article has its own photo on the
site and `per-host` requisites on each dead host.
"""

from __future__ import annotations

import argparse
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEAD_NAMES = ("cdn.pics.invalid", "ads.tracker.invalid", "static.widgets.invalid")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
    b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
SENTENCES = (
    "本报讯 记者从市交通运输局获悉，今年第{n}条公交线路调整方案已经公布，将于下月起实施。",
    "调整后的线路将连接城东新区与老城区，沿途设置站点十二个，早晚高峰发车间隔缩短到八分钟。",
    "市民可以通过官方网站和手机应用查询新的时刻表，有关部门也将在站台张贴告示。",
    "交通部门负责人表示，此次调整充分听取了沿线居民的意见，今后还将根据客流情况继续优化。",
)


def closed_port() -> int:
    """A port on 127.0.0.2 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return s.getsockname()[1]


def dead_hosts(refused_port: int) -> list[str]:
    return [f"http://{name}" for name in DEAD_NAMES] + [f"http://127.0.0.2:{refused_port}"]


def article(n: int, per_host: int, refused_port: int) -> bytes:
    loads = []
    for origin in dead_hosts(refused_port):
        for k in range(per_host):
            kind = k % 3
            if kind == 0:
                loads.append(f'<img src="{origin}/img/{n}_{k}.jpg" alt="">')
            elif kind == 1:
                loads.append(f'<script src="{origin}/js/{n}_{k}.js"></script>')
            else:
                loads.append(f'<link rel="stylesheet" href="{origin}/css/{n}_{k}.css">')
    body = "".join(f"<p>{s.format(n=n)}</p>" for s in SENTENCES)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>第{n}条公交线路调整_城市新闻</title>"
        f"{''.join(x for x in loads if x.startswith('<link'))}</head><body>"
        f"<h1>第{n}条公交线路调整</h1><p class='info'>2026-03-{1 + n % 28:02d} 10:00 来源：城市日报</p>"
        f"<div class='article'><img src='/photo/{n}.png' alt='站台'>{body}</div>"
        f"{''.join(x for x in loads if not x.startswith('<link'))}</body></html>"
    ).encode()


def serve(articles: int, per_host: int, host: str = "127.0.0.1"):
    refused_port = closed_port()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            path = self.path.split("?")[0]
            if path == "/":
                links = "".join(
                    f"<li><a href='/news/2026/03/{n}.html'>第{n}条公交线路调整</a></li>"
                    for n in range(articles)
                )
                self._send(
                    f"<html><head><meta charset='utf-8'><title>城市新闻</title></head><body><ul>{links}</ul></body></html>".encode()
                )
            elif path.startswith("/news/2026/03/") and path.endswith(".html"):
                self._send(article(int(path.rsplit("/", 1)[1][:-5]), per_host, refused_port))
            elif path.startswith("/photo/"):
                self._send(PNG, "image/png")
            elif path == "/robots.txt":
                self._send(b"User-agent: *\nAllow: /\n", "text/plain")
            else:
                self.send_error(404)

        def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}", refused_port


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--per-host", type=int, default=8)
    args = parser.parse_args()
    _, url, _ = serve(args.articles, args.per_host)
    print(url, flush=True)
    threading.Event().wait()
