"""Serve the demo news sites on 127.0.0.1 (海濱網, and 东南快报 for requests naming its host).

    python -m crawler.demo.server [--port 0] [--edition N] [--mutable]

prints the base URL on its first line of stdout, then serves until killed. Pages carry an
ETag and Last-Modified and answer conditional requests with 304. With --mutable, a GET of
/__demo__/edition?n=2 switches the site to another edition (new and edited articles), so
tests can change the site between two crawls without changing its address.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawler.demo.site import Page, build_articles, build_site
from crawler.demo.wire import KUAIBAO_HOST, build_wire

NOT_FOUND = Page(404, [("Content-Type", "text/html; charset=utf-8")], "<h1>404 找不到頁面</h1>".encode())
EDITION_ONE_TIME = datetime(2026, 4, 25, tzinfo=UTC)


class DemoSite:
    """The pages of the current edition, switchable while serving."""

    def __init__(self, edition: int = 1):
        self.lock = threading.Lock()
        self.set_edition(edition)

    def set_edition(self, edition: int) -> None:
        pages = build_site(edition=edition)
        wire = build_wire(build_articles())  # the second site takes over first-edition stories
        with self.lock:
            self.edition, self.pages, self.wire = edition, pages, wire
            self.modified = EDITION_ONE_TIME + timedelta(days=edition - 1)


def etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def not_modified(headers, tag: str, modified: datetime) -> bool:
    # RFC 9110 13.2.2: If-None-Match, when present, decides; If-Modified-Since otherwise.
    if headers.get("If-None-Match"):
        return tag in [t.strip() for t in headers["If-None-Match"].split(",")]
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def make_handler(site: DemoSite, mutable: bool):
    class DemoHandler(BaseHTTPRequestHandler):
        server_version = "DemoNews/1.0"
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            if mutable and parts.path == "/__demo__/edition":
                site.set_edition(int(parse_qs(parts.query).get("n", ["1"])[0]))
                return self._send(Page(200, [("Content-Type", "text/plain")], b"ok"), None)
            # A page of an article split by ?page=N is its own entry; other queries are ignored.
            key = f"{parts.path}?{parts.query}" if parts.query else parts.path
            with site.lock:
                # A request sent as to a proxy names its host (crawler/demo/serving.py).
                table = site.wire if parts.hostname == KUAIBAO_HOST else site.pages
                page = table.get(key) or table.get(parts.path, NOT_FOUND)
                modified = site.modified
            self._send(page, modified if page.status == 200 else None)

        def _send(self, page: Page, modified: datetime | None):
            headers = list(page.headers)
            status, body = page.status, page.body
            if modified is not None:
                tag = etag(page.body)
                headers += [("ETag", tag), ("Last-Modified", format_datetime(modified, usegmt=True))]
                if not_modified(self.headers, tag, modified):
                    status, body = 304, b""
                    headers = [h for h in headers if h[0] != "Content-Type"]
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - quiet: the crawler reports what matters
            pass

    return DemoHandler


def start_server(port: int = 0, edition: int = 1, mutable: bool = False) -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a background thread; returns the server and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(DemoSite(edition), mutable))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the bundled demo news site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--edition", type=int, default=1, help="which edition of the site to serve first")
    parser.add_argument(
        "--mutable", action="store_true", help="allow /__demo__/edition?n=N to switch editions"
    )
    args = parser.parse_args(argv)
    server, url = start_server(args.port, args.edition, args.mutable)
    print(url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
