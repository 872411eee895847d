"""What rechecks cost: a site that publishes N articles (default 10,000) over D simulated days
(default 60), crawled once a day at advancing --now times, with the default recheck schedule
and budget, beside the same 60 runs with `--recheck off`.

The site (served here, on 127.0.0.1) publishes N/D articles a day; its home page lists that
day's. Every page has an ETag and answers If-None-Match with 304; one article in 50 is taken
down (404) ten days after it is published, so that deletions are found on the way.

Prints, per series: requests per run (mean, max), rechecks per run (mean, max, and the budget),
the share of rechecks that were conditional and answered 304, rechecks per stored article per
day, wall time of the 60 runs, and the ratio to the series with rechecks off.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
BUDGET = 500
PROFILE = """name = "rechecksite"
domains = ["127.0.0.1"]
start_urls = ["{url}/"]
article_patterns = ['/a/\\d+\\.html$']
refetch_window_days = 0
[selectors]
title = "h1"
body = ".content"
"""


class Site:
    def __init__(self, articles: int, days: int):
        self.per_day = max(1, articles // days)
        self.day = 0
        self.lock = threading.Lock()

    def page(self, path: str) -> tuple[int, bytes]:
        with self.lock:
            day = self.day
        if path == "/":
            first = day * self.per_day
            links = "".join(
                f'<li><a href="/a/{n}.html">第{n}号新闻</a></li>' for n in range(first, first + self.per_day)
            )
            return 200, f"<html><body><ul>{links}</ul></body></html>".encode()
        if path.startswith("/a/") and path.endswith(".html"):
            n = int(path[3:-5])
            published = n // self.per_day
            if published > day or (n % 50 == 0 and day >= published + 10):
                return 404, b""
            text = "".join(
                f"<p>第{n}号新闻的第{k}段。记者从有关部门获悉，相关工作正在推进之中。</p>" for k in range(6)
            )
            return (
                200,
                f'<html><body><h1>第{n}号新闻</h1><div class="content">{text}</div></body></html>'.encode(),
            )
        return 404, b""


def serve(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            if self.path == "/robots.txt":
                status, body = 200, b"User-agent: *\nAllow: /\n"
            else:
                status, body = site.page(self.path)
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(status)
            if status == 200:
                self.send_header("ETag", tag)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def series(site: Site, url: str, days: int, tmp: Path, recheck: str) -> dict:
    from tests.conftest import run_cli

    name = "off" if recheck == "off" else "on"
    data, profiles = tmp / f"data-{name}", tmp / f"profiles-{name}"
    profiles.mkdir()
    (profiles / "rechecksite.toml").write_text(PROFILE.format(url=url), encoding="utf-8")
    start = time.perf_counter()
    for day in range(days):
        site.day = day
        now = (T0 + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
        result = run_cli(
            "crawl", "rechecksite", "--profiles", str(profiles), "--data-dir", str(data), "--now", now,
            "--allow-private-addresses", "--delay", "0", "--quiet", "--recheck", recheck,
            "--set", f"NEWSARCHIVE_RECHECK_BUDGET={BUDGET}", "--set", "ROBOTSTXT_OBEY=0", timeout=900,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(result.stderr)
    seconds = time.perf_counter() - start
    conn = sqlite3.connect(data / "news.db")
    requests = [n for (n,) in conn.execute("select count(*) from captures group by crawl_id")]
    checks = dict(conn.execute("select crawl_id, count(*) from checks group by crawl_id").fetchall())
    per_run = [checks.get(c, 0) for (c,) in conn.execute("select id from crawls order by started_at")]
    not_modified = conn.execute("select count(*) from checks where status = 304").fetchone()[0]
    total_checks = sum(per_run)
    article_days = conn.execute(
        "select sum(?- julianday(coalesce(s.since, a.first_seen_at))) from articles a "
        "left join article_status s on s.url = a.url",
        [(T0 + timedelta(days=days - 1)).timestamp() / 86400 + 2440587.5],
    ).fetchone()[0]
    deleted = conn.execute("select count(*) from article_status where status = 'deleted'").fetchone()[0]
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    return {
        "seconds": seconds,
        "requests": requests,
        "checks": per_run,
        "not_modified": not_modified,
        "total_checks": total_checks,
        "article_days": article_days or 1,
        "deleted": deleted,
        "articles": articles,
    }


def main(articles: int = 10000, days: int = 60) -> None:
    site = Site(articles, days)
    server = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        on = series(site, url, days, Path(tmp), "1h,6h,1d,3d,7d,30d")
        off = series(site, url, days, Path(tmp), "off")
    server.shutdown()
    checks = on["checks"]
    print(
        f"rechecks: {on['articles']} articles over {days} daily runs; rechecks per run mean "
        f"{sum(checks) / len(checks):.0f}, max {max(checks)} (budget {BUDGET}); "
        f"{on['not_modified'] / max(on['total_checks'], 1):.0%} of rechecks answered 304; "
        f"{on['total_checks'] / on['article_days']:.3f} rechecks per article per day; "
        f"{on['deleted']} deletions found of {sum(1 for n in range(articles) if n % 50 == 0 and n // site.per_day + 10 < days)} made"
    )
    print(
        f"rechecks: requests per run mean {sum(on['requests']) / days:.0f} (max {max(on['requests'])}), "
        f"off {sum(off['requests']) / days:.0f}; {days} runs {on['seconds']:.0f} s, off {off['seconds']:.0f} s: "
        f"{on['seconds'] / off['seconds']:.2f}x"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
