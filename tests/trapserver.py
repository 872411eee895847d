"""A news site full of crawler traps: an endless calendar, session ids in every URL, endless
pages of a list. `python -m tests.trapserver` prints its base URL."""

from __future__ import annotations

import random
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ARTICLES = 12
BODY = (
    "<p>記者今天從市政府獲悉，第{n}項便民措施已經正式實施，市民辦理相關業務不再需要往返多個窗口。</p>"
    "<p>負責人表示，這項措施經過半年試點，收到市民大量意見，目前已在全市推廣，預計每年可節省大量時間。</p>"
    "<p>據了解，有關部門將持續收集反饋，並根據實際情況進一步完善流程，確保措施落到實處。</p>"
)


def _sid() -> str:
    return "".join(random.choice("ABCDEF0123456789") for _ in range(16))


def page(title: str, inner: str) -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{inner}</body></html>".encode()
    )


class TrapHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        path = parts.path.split(";")[0]
        if path == "/robots.txt":
            body, ctype = b"User-agent: *\nDisallow:\n", "text/plain"
        elif path == "/":
            body, ctype = (
                page(
                    "陷阱新聞網",
                    (
                        "<a href='/calendar?date=2026-04-01'>活動日曆</a> "
                        f"<a href='/list?page=1&sid={_sid()}'>新聞列表</a> "
                        f"<a href='/a/1.html;jsessionid={_sid()}'>頭條</a> <a href='/x/y/x/y/x/y/x.html'>迷宮</a>"
                    ),
                ),
                "text/html; charset=utf-8",
            )
        elif path == "/calendar":
            day = date.fromisoformat(query.get("date", ["2026-04-01"])[0])
            links = " ".join(
                f"<a href='/calendar?date={day + timedelta(days=d)}'>{day + timedelta(days=d)}</a>"
                for d in (-1, 1, 30)
            )
            body, ctype = page(f"日曆 {day}", links), "text/html; charset=utf-8"
        elif path == "/list":
            n = int(query.get("page", ["1"])[0])
            items = " ".join(
                f"<li><a href='/a/{(n * 3 + k) % ARTICLES + 1}.html?sid={_sid()}'>新聞標題{k}</a></li>"
                for k in range(3)
            )
            body, ctype = (
                page(f"列表 {n}", f"<ul>{items}</ul><a href='/list?page={n + 1}&sid={_sid()}'>下一頁</a>"),
                "text/html; charset=utf-8",
            )
        elif path.startswith("/a/") and path.endswith(".html"):
            n = path[3:-5]
            body, ctype = (
                page(
                    f"便民措施第{n}項正式實施",
                    f"<h1>便民措施第{n}項正式實施</h1>{BODY.format(n=n)}"
                    f"<a href='/list?page={n}&sid={_sid()}'>更多</a>",
                ),
                "text/html; charset=utf-8",
            )
        elif path.startswith("/x/"):
            body, ctype = (
                page("迷宮", f"<a href='{path.rsplit('/', 1)[0]}/x/y/z.html'>更深</a>"),
                "text/html; charset=utf-8",
            )
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), TrapHandler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()
    sys.exit(0)
