"""A test server that writes raw HTTP bytes: odd header case and order, custom reason phrases,
chunked and gzip bodies, cookies, a 404 and a redirect chain.

    python -m tests.rawserver LOGDIR

prints its base URL; every response it sends is also written, byte for byte, to
LOGDIR/<n>.bin with the request path in LOGDIR/<n>.path, so tests can compare the WARC.
"""

from __future__ import annotations

import gzip
import socketserver
import sys
import threading
from pathlib import Path

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
    "<div class='content'><p>記者今天從市政府獲悉，{title}的相關工作已經全面展開，預計年底前完成。</p>"
    "<p>負責人表示，將廣泛聽取市民意見，確保各項措施落到實處。</p>"
    "<p>據了解，相關部門已經制定詳細的工作方案，並將定期向社會公布進展情況，接受市民監督。</p></div></body></html>"
)


def _chunked(body: bytes, sizes=(7, 50)) -> bytes:
    out, pos, i = [], 0, 0
    while pos < len(body):
        size = sizes[i % len(sizes)]
        piece = body[pos : pos + size]
        out.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        pos, i = pos + size, i + 1
    return b"".join(out) + b"0\r\n\r\n"


def responses() -> dict[str, bytes]:
    home = (
        b"<html><body><a href='/a/chunked.html'>a</a> <a href='/a/gzip.html'>b</a> "
        b"<a href='/a/gzchunk.html'>c</a> <a href='/a/missing.html'>d</a> <a href='/r/1'>e</a> "
        b"<a href='/a/q.html?id=7&amp;x=y'>f</a></body></html>"
    )
    chunked = ARTICLE.format(title="分塊傳輸的文章").encode()
    gz = gzip.compress(ARTICLE.format(title="壓縮傳輸的文章").encode(), mtime=0)
    gzc = gzip.compress(ARTICLE.format(title="壓縮又分塊的文章").encode(), mtime=0)
    final = ARTICLE.format(title="跳轉之後的文章").encode()
    query = ARTICLE.format(title="帶查詢參數的文章").encode()
    return {
        "/robots.txt": b"HTTP/1.1 200 OK\r\nContent-Length: 24\r\ncontent-type: text/plain\r\n\r\nUser-agent: *\nDisallow:\n",
        "/": b"HTTP/1.1 200 Fine Thanks\r\ncontent-TYPE: text/html; charset=utf-8\r\nX-Odd-Header:   spaced  \r\n"
        b"set-cookie: sid=abc123; Path=/; HttpOnly\r\nSet-Cookie: theme=dark\r\nContent-Length: "
        + str(len(home)).encode()
        + b"\r\n\r\n"
        + home,
        "/a/chunked.html": b"HTTP/1.1 200 Here You Go\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + _chunked(chunked),
        "/a/gzip.html": b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
        + str(len(gz)).encode()
        + b"\r\nvary: Accept-Encoding\r\n\r\n"
        + gz,
        "/a/gzchunk.html": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(gzc, (100, 3)),
        "/a/missing.html": b"HTTP/1.1 404 Nope\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nnot here\n",
        "/r/1": b"HTTP/1.1 301 Moved For Good\r\nLocation: /r/2\r\nContent-Length: 0\r\n\r\n",
        "/r/2": b"HTTP/1.1 302 Found It Elsewhere\r\nlocation: /a/final.html\r\nContent-Length: 0\r\n\r\n",
        "/a/final.html": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
        + str(len(final)).encode()
        + b"\r\n\r\n"
        + final,
        "/a/q.html?id=7&x=y": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
        + str(len(query)).encode()
        + b"\r\n\r\n"
        + query,
    }


def serve(log_dir: Path) -> tuple[socketserver.ThreadingTCPServer, str]:
    table = responses()
    counter = iter(range(1_000_000))
    lock = threading.Lock()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while True:  # keep-alive: several requests on one connection
                line = self.rfile.readline()
                if not line:
                    return
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                target = line.split(b" ")[1].decode()
                raw = table.get(target, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                with lock:
                    n = next(counter)
                    (log_dir / f"{n}.path").write_text(target)
                    (log_dir / f"{n}.bin").write_bytes(raw)
                for i in range(0, len(raw), 40):  # in pieces, as a real network delivers them
                    self.wfile.write(raw[i : i + 40])
                self.wfile.flush()

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    log = Path(sys.argv[1])
    log.mkdir(parents=True, exist_ok=True)
    _, url = serve(log)
    print(url, flush=True)
    threading.Event().wait()
