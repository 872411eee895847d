"""Serve the demo news site on 127.0.0.1.

    python -m crawler.demo.server [--port 0]

prints the base URL on its first line of stdout, then serves until killed.
"""

from __future__ import annotations

import argparse
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo.site import Page, build_site


def make_handler(pages: dict[str, Page]):
    class DemoHandler(BaseHTTPRequestHandler):
        server_version = "DemoNews/1.0"
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0]
            page = pages.get(path)
            if page is None:
                page = Page(
                    404, [("Content-Type", "text/html; charset=utf-8")], "<h1>404 找不到頁面</h1>".encode()
                )
            self.send_response(page.status)
            for key, value in page.headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format, *args):  # noqa: A002 - quiet: the crawler reports what matters
            pass

    return DemoHandler


def start_server(port: int = 0, pages: dict[str, Page] | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a background thread; returns the server and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(pages or build_site()))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the bundled demo news site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args(argv)
    server, url = start_server(args.port)
    print(url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
