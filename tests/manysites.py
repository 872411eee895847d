"""Many small news sites, each on its own loopback address, for concurrent crawls.

    python -m tests.manysites --sites N [--articles M] [--hang K] [--log FILE] [--first 2]

serves site i on 127.0.0.(first+i), all on one port, and prints a JSON line first:
{"port": P, "hosts": [...]}. Each site has robots.txt, an index page linking its articles and
M articles. With --hang K, site K accepts connections and never answers. With --log, each
request is written as "host monotonic-time path" (for the politeness checks).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


def write_profile(folder, name: str, host: str, port: int, delay: float = 0.5) -> None:
    """A site profile for one of the sites served here."""
    (folder / f"{name}.toml").write_text(
        f'name = "{name}"\ndomains = ["{host}"]\nstart_urls = ["http://{host}:{port}/"]\n'
        f'article_patterns = ["/news/"]\ndelay = {delay}\n',
        encoding="utf-8",
    )


def pages(site: int, articles: int) -> dict[str, bytes]:
    out = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    links = "".join(
        f"<li><a href='/news/2025/03/{n:03d}.html'>站点{site}新闻{n}</a> 2025-03-01</li>"
        for n in range(articles)
    )
    out["/"] = (
        f"<html><head><meta charset='utf-8'><title>站点{site}</title></head><body><ul>{links}</ul></body></html>".encode()
    )
    for n in range(articles):
        body = "".join(
            f"<p>第{site}号站点第{n}篇报道第{k}段：本地有关部门今天介绍了第{k}项工作的最新进展，市民反响良好，相关负责人表示将继续推进。</p>"
            for k in range(4)
        )
        out[f"/news/2025/03/{n:03d}.html"] = (
            f"<html><head><meta charset='utf-8'><title>站点{site}新闻{n}</title></head><body>"
            f"<h1>站点{site}新闻{n}</h1><div class='info'>2025-03-01 08:00 来源：站点{site}</div>{body}</body></html>"
        ).encode()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--hang", type=int, action="append", default=[])
    parser.add_argument("--log")
    parser.add_argument("--first", type=int, default=2)
    args = parser.parse_args(argv)
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    lock = threading.Lock()
    hosts = [f"127.0.0.{args.first + i}" for i in range(args.sites)]
    probe = socket.socket()
    probe.bind((hosts[0], 0))
    port = probe.getsockname()[1]
    probe.close()
    held = []
    for i, host in enumerate(hosts):
        site_pages = pages(i, args.articles)
        if i in args.hang:
            sock = socket.socket()
            sock.bind((host, port))
            sock.listen(64)  # the kernel accepts; nobody ever answers
            held.append(sock)
            continue

        class Handler(BaseHTTPRequestHandler):
            content = site_pages

            def do_GET(self):  # noqa: N802
                if log is not None:
                    with lock:
                        log.write(f"{self.server.server_address[0]} {time.monotonic():.4f} {self.path}\n")
                        log.flush()
                page = self.content.get(urlsplit(self.path).path)
                self.send_response(200 if page is not None else 404)
                self.send_header(
                    "Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
                )
                self.send_header("Content-Length", str(len(page or b"")))
                self.end_headers()
                self.wfile.write(page or b"")

            def log_message(self, *a):
                pass

        server = ThreadingHTTPServer((host, port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": port, "hosts": hosts}), flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
