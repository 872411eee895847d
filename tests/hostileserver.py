"""A news site that misbehaves on purpose, for the hostile-site tests (issue 8).

    python -m tests.hostileserver

prints its base URL. The home page links every case; GOOD lists the pages that must end up
stored as articles, BAD the ones that must end up as `failures` rows. The server writes raw
bytes on a plain socket, so it can send what no well-behaved framework would: wrong charsets,
truncated gzip, stalls, resets, bombs.
"""

from __future__ import annotations

import argparse
import gzip
import random
import socket
import socketserver
import struct
import threading
import time

PARAGRAPHS = (
    "記者今天從市政府獲悉，第{n}批舊城改造項目已經完成驗收，周邊居民的出行條件明顯改善。",
    "負責人介紹，項目歷時十四個月，共改造道路九條，新增停車位三百多個，並增設了無障礙設施。",
    "據了解，有關部門將繼續聽取居民意見，對照明、排水等細節進行完善，確保工程質量經得起檢驗。",
    "不少居民表示，過去雨天積水的問題得到了解決，老人和孩子出門也更加安全方便了。",
)

# path: how it must end ("good": stored as an article; "bad": a failures row)
GOOD = [
    "/good/utf8.html",
    "/good/gbk-undeclared.html",
    "/good/wrong-header.html",
    "/good/bom.html",
    "/good/big5.html",
    "/good/says-big5-is-gbk.html",
    "/good/says-gbk-is-big5.html",
    "/good/invalid-utf8.html",
    "/good/mixed.html",
    "/good/after-503.html",
    "/good/chain-end.html",
    "/good/deep.html",
    "/good/from-sitemap.html",
]
BAD = [
    "/bad/long-line.html",
    "/bad/binary.html",
    "/bad/empty.html",
    "/bad/truncated-gzip.html",
    "/bad/gzip-bomb.html",
    "/bad/huge.html",
    "/bad/huge-chunked.html",
    "/bad/endless-headers.html",
    "/bad/stall.html",
    "/bad/silent.html",
    "/bad/reset.html",
    "/bad/500.html",
    "/bad/503-forever.html",
    "/loop/a.html",
    "/chain/1.html",
    "/away.html",
    "/to-private-name.html",
    "/to-private-ip.html",
    "/to-private-v6.html",
]
# Linked from the home page but neither: feeds and link lists, read for their links.
OTHER = ["/links.html", "/feed.xml", "/bomb.xml", "/sitemap.xml", "/chain/start.html"]


# Misbehaviours the socket handler acts out itself (huge bodies, stalls, silence, a reset).
ACTED = (
    "/bad/huge.html",
    "/bad/huge-chunked.html",
    "/bad/endless-headers.html",
    "/bad/stall.html",
    "/bad/silent.html",
    "/bad/reset.html",
)


def article(n: int, title: str, charset: str | None = "utf-8", paragraphs: int = 4) -> str:
    meta = f"<meta charset='{charset}'>" if charset else ""
    body = "".join(f"<p>{PARAGRAPHS[i % 4].format(n=n)}</p>" for i in range(paragraphs))
    return (
        f"<html><head>{meta}<title>{title}</title></head><body><div class='nav'><a href='/'>首頁</a></div>"
        f"<h1>{title}</h1><div class='info'>2026-03-0{n % 9 + 1} 10:00 來源：測試日報</div>"
        f"<div class='content'>{body}</div></body></html>"
    )


def response(status: str, body: bytes, headers: list[tuple[str, str]] = (), length: bool = True) -> bytes:
    head = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    if length:
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def html(body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    return response(status, body, [("Content-Type", ctype)])


def redirect(location: str, status: str = "302 Found") -> bytes:
    return response(status, b"", [("Location", location)])


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of zeros as concatenated gzip members of 1 MiB each (about 1 KB per MiB)."""
    member = gzip.compress(b"\0" * (1 << 20), 9, mtime=0)
    return member * (size >> 20)


class Site:
    def __init__(self, private_port: int):
        self.private_port = private_port
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.bomb = gzip_bomb(1 << 30)  # 1 GiB of zeros

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]

    def home(self) -> bytes:
        links = "".join(f"<li><a href='{p}'>第{i}條</a></li>" for i, p in enumerate(GOOD + BAD + OTHER))
        return html(
            f"<html><head><meta charset='utf-8'><title>壞網站</title>"
            f"<link rel='alternate' type='application/rss+xml' href='/feed.xml'></head>"
            f"<body><ul>{links}</ul></body></html>".encode()
        )

    def robots(self) -> bytes:
        # Malformed: junk lines, binary bytes, a BOM, lines without colons; two sitemaps.
        body = (
            b"\xef\xbb\xbfUser-agent *\n\x00\xff\xfe garbage\nDisallow /nothing\nUser-agent: *\n"
            b"Disallow: /secret/\nSitemap: /sitemap.xml\nSitemap: /bomb.xml\nCrawl-delay: soon\n"
        )
        return response("200 OK", body, [("Content-Type", "text/plain")])

    def route(self, path: str) -> bytes | str:
        """The raw response, or the name of a misbehaviour the handler acts out."""
        n = self.hit(path)
        if path == "/":
            return self.home()
        if path == "/robots.txt":
            return self.robots()
        if path == "/good/utf8.html":
            return html(article(1, "舊城改造項目完成驗收").encode())
        if path == "/good/gbk-undeclared.html":
            return html(article(2, "旧城改造项目完成验收", charset=None).encode("gbk"), "text/html")
        if path == "/good/wrong-header.html":  # says UTF-8, is GBK
            return html(article(3, "旧城改造工程通过验收", charset="utf-8").encode("gbk"))
        if path == "/good/bom.html":  # the BOM says UTF-8, the header says GBK: the BOM wins
            return html(b"\xef\xbb\xbf" + article(4, "舊城道路改造完工").encode(), "text/html; charset=gbk")
        if path == "/good/big5.html":
            return html(article(5, "舊城改造工程竣工", charset="big5").encode("big5"), "text/html")
        if path == "/good/says-big5-is-gbk.html":  # header and <meta> say Big5; the bytes are GBK
            page = article(12, "旧城绿化带完成改造", charset="big5").encode("gbk")
            return html(page, "text/html; charset=big5")
        if path == "/good/says-gbk-is-big5.html":  # header and <meta> say GBK; the bytes are Big5
            page = article(13, "舊城綠化帶完成改造", charset="gbk").encode("big5")
            return html(page, "text/html; charset=gbk")
        if path == "/good/invalid-utf8.html":
            page = article(6, "舊城停車位增加三百個").encode()
            return html(page.replace("周邊".encode(), b"\xe5\xff\xfe", 1))
        if path == "/good/mixed.html":  # UTF-8 with one paragraph pasted in GBK
            page = article(7, "舊城排水系統更新").encode()
            return html(page.replace(PARAGRAPHS[3].encode(), "不少居民表示问题得到了解决".encode("gbk"), 1))
        if path == "/good/after-503.html":
            if n <= 2:
                return html(b"busy", status="503 Service Unavailable").replace(
                    b"\r\n\r\n", b"\r\nRetry-After: 1\r\n\r\n", 1
                )
            return html(article(8, "舊城改造居民滿意").encode())
        if path == "/chain/start.html":
            return redirect("/chain/s1.html", "301 Moved Permanently")
        if path.startswith("/chain/s"):
            step = int(path[len("/chain/s") : -5])
            return redirect("/good/chain-end.html" if step >= 3 else f"/chain/s{step + 1}.html")
        if path == "/good/chain-end.html":
            return html(article(9, "舊城改造三次跳轉之後").encode())
        if path == "/bad/long-line.html":  # one 10 MB line, too big to extract
            body = "".join(f"<p>{PARAGRAPHS[i % 4].format(n=i)}</p>" for i in range(80_000))
            page = article(10, "一行十兆的長文章").replace(
                "<div class='content'>", "<div class='content'>" + body
            )
            return html(page.replace("\n", " ").encode())
        if path == "/good/deep.html":  # nested far past libxml2's default depth limit
            depth = 20_000
            page = article(11, "層層嵌套的文章").replace(
                "<div class='content'>", "<div class='content'>" + "<div><span>" * depth
            )
            return html(page.replace("</body>", "</span></div>" * depth + "</body>").encode())
        if path == "/good/from-sitemap.html":
            return html(article(12, "站點地圖裏的文章").encode())
        if path == "/bad/binary.html":
            rng = random.Random(8)
            return html(bytes(rng.randrange(256) for _ in range(20_000)), "text/html")
        if path == "/bad/empty.html":
            return html(b"")
        if path == "/bad/truncated-gzip.html":
            gz = gzip.compress(article(13, "截斷的壓縮頁").encode(), mtime=0)
            return response(
                "200 OK",
                gz[: len(gz) // 2],
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            )
        if path == "/bad/gzip-bomb.html":
            return response(
                "200 OK", self.bomb, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
            )
        if path in ACTED:
            return path
        if path == "/bad/500.html":
            return html(b"oops", status="500 Internal Server Error")
        if path == "/bad/503-forever.html":
            return html(b"down", status="503 Service Unavailable").replace(
                b"\r\n\r\n", b"\r\nRetry-After: 86400\r\n\r\n", 1
            )
        if path == "/loop/a.html":
            return redirect("/loop/b.html")
        if path == "/loop/b.html":
            return redirect("/loop/a.html")
        if path == "/chain/1.html" or path.startswith("/chain/") and path[7:-5].isdigit():
            step = int(path[7:-5])
            return redirect(f"/chain/{step + 1}.html")
        if path == "/away.html":
            return redirect("http://elsewhere.invalid/news/1.html")
        if path == "/to-private-name.html":
            return redirect(f"http://localhost:{self.private_port}/admin")
        if path == "/to-private-ip.html":
            return redirect(f"http://127.0.0.1:{self.private_port}/latest/meta-data/")
        if path == "/to-private-v6.html":
            return redirect(f"http://[::1]:{self.private_port}/")
        if path == "/links.html":  # thousands of links: off-site, junk, repeated, and one article
            parts = [f"<a href='http://elsewhere{i}.invalid/{i}.html'>x</a>" for i in range(3000)]
            parts += ["<a href='javascript:void(0)'>j</a><a href='mailto:a@b.c'>m</a>"] * 500
            parts += ["<a href='/good/utf8.html'>again</a>"] * 1000
            parts += ["<a href='http://[::1'>broken</a><a href='http://%zz/'>bad</a>"] * 100
            return html(f"<html><body>{''.join(parts)}</body></html>".encode())
        if path == "/feed.xml":  # RSS that is not well-formed: unclosed tags, stray bytes
            return response(
                "200 OK",
                b"<?xml version='1.0'?><rss><channel><item><title>\xff\xfe<link>/good/utf8.html</link>"
                b"<item><link>/good/big5.html</link></channel>",
                [("Content-Type", "application/rss+xml")],
            )
        if path == "/bomb.xml":  # an entity expansion bomb ("billion laughs")
            ents = "".join(
                f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "ha"}">' for i in range(10)
            )
            body = (
                f'<?xml version="1.0"?><!DOCTYPE urlset [{ents}]>'
                f"<urlset><url><loc>&e9;</loc></url><url><loc>/good/from-sitemap.html</loc></url></urlset>"
            )
            return response("200 OK", body.encode(), [("Content-Type", "application/xml")])
        if path == "/sitemap.xml":  # truncated mid-tag
            body = b"<?xml version='1.0'?><urlset><url><loc>/good/from-sitemap.html</loc></url><url><lo"
            return response("200 OK", body, [("Content-Type", "application/xml")])
        return response("404 Not Found", b"not here", [("Content-Type", "text/plain")])


def serve(
    host: str = "127.0.0.1", private_port: int = 9, log: str | None = None
) -> tuple[socketserver.ThreadingTCPServer, str, Site]:
    site = Site(private_port)
    log_lock = threading.Lock()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while True:
                line = self.rfile.readline(65536)
                if not line:
                    return
                while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass
                try:
                    path = line.split(b" ")[1].decode("latin-1")
                except IndexError:
                    return
                if log:
                    with log_lock, open(log, "a") as f:
                        f.write(f"{time.time():.3f} {path}\n")
                out = site.route(path)
                if isinstance(out, str):
                    self.act(out)
                    return
                try:
                    self.wfile.write(out)
                    self.wfile.flush()
                except OSError:
                    return

        def act(self, what: str) -> None:
            w = self.wfile
            try:
                if what == "/bad/huge.html":  # 50 MB, announced
                    size = 50 << 20
                    w.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n\r\n".encode()
                    )
                    block = b"<p>" + "大".encode() * 1000 + b"</p>"
                    for _ in range(size // len(block)):
                        w.write(block)
                elif what == "/bad/huge-chunked.html":  # 50 MB, not announced
                    w.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                    )
                    block = b"<p>" + "大".encode() * 20_000 + b"</p>"
                    for _ in range((50 << 20) // len(block)):
                        w.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                    w.write(b"0\r\n\r\n")
                elif what == "/bad/endless-headers.html":  # headers that never end (400 MB)
                    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                    pad = b"X-Padding: " + b"a" * 1000 + b"\r\n"
                    for _ in range((400 << 20) // len(pad)):
                        w.write(pad)
                elif what == "/bad/stall.html":  # half a body, then nothing
                    w.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>"
                    )
                    w.flush()
                    time.sleep(60)
                elif what == "/bad/silent.html":  # never answers
                    time.sleep(60)
                elif what == "/bad/reset.html":  # part of a body, then a TCP reset
                    w.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9000\r\n\r\n<html><p>"
                    )
                    w.flush()
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
            except OSError:
                pass

    server = socketserver.ThreadingTCPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}", site


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--private-port", type=int, default=9, help="where the private redirects point")
    parser.add_argument("--log", help="append 'time path' for every request to this file")
    args = parser.parse_args()
    _, url, _ = serve(args.host, args.private_port, args.log)
    print(url, flush=True)
    threading.Event().wait()
