"""Crawling a site without a profile: discovery, article/list classification, traps, drafts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from crawler.demo.site import PRIVATE_PATH, build_articles
from crawler.links import discover, robots_sitemaps
from crawler.urls import canonical_url, looks_like_article_url, trap_reason
from tests.conftest import run_cli
from tests.servers import module_server
from tests.test_crawl_e2e import rows

DEMO = build_articles()


def generic_crawl(start: str, data, *extra: str):
    return run_cli(
        "crawl",
        "--start-url",
        start,
        "--data-dir",
        str(data),
        "--allow-private-addresses",
        "--delay",
        "0",
        "--quiet",
        *extra,
    )


@pytest.fixture(scope="module")
def generic_demo(demo_site, tmp_path_factory):
    data = tmp_path_factory.mktemp("generic")
    result = generic_crawl(demo_site + "/", data)
    assert result.returncode == 0, result.stderr
    return demo_site, data


def test_generic_crawl_stores_every_article_and_no_list_page(generic_demo):
    base, data = generic_demo
    stored = {r["url"] for r in rows(data, "select url from articles")}
    assert stored == {base + a.path for a in DEMO}
    fetched = {r["url"] for r in rows(data, "select url from captures")}
    assert (
        base + "/local/index.html" in fetched and base + "/local/index_2.html" in fetched
    )  # lists were read
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in fetched)  # partner sites never fetched
    assert base + PRIVATE_PATH not in fetched  # robots.txt obeyed
    assert {r["site"] for r in rows(data, "select site from articles")} == {"adhoc"}
    assert (data / "warc" / "adhoc").is_dir()


def test_feeds_and_sitemaps_are_discovered(generic_demo):
    base, data = generic_demo
    fetched = {r["url"] for r in rows(data, "select url from captures where status = 200")}
    assert base + "/sitemap.xml" in fetched  # named in robots.txt
    assert base + "/rss.xml" in fetched  # announced with <link rel="alternate">


def test_traps_end_within_limits_and_articles_are_stored_once(tmp_path):
    with module_server("tests.trapserver") as base:
        result = generic_crawl(base + "/", tmp_path)
        assert result.returncode == 0, result.stderr
    articles = rows(tmp_path, "select url from articles")
    assert len(articles) == len({r["url"] for r in articles}) == 12
    captures = [r["url"] for r in rows(tmp_path, "select url from captures")]
    assert len(captures) < 80
    assert not [u for u in captures if "sid=" in u or "jsessionid" in u or "/calendar" in u]


def test_start_url_usage_errors(tmp_path):
    bad = run_cli("crawl", "--start-url", "ftp://x.example/", "--data-dir", str(tmp_path))
    assert bad.returncode == 2 and "is not an http(s) URL" in bad.stderr
    both = run_cli("crawl", "demo", "--start-url", "http://x.example/", "--data-dir", str(tmp_path))
    assert both.returncode == 2 and "not both" in both.stderr
    none = run_cli("crawl", "--data-dir", str(tmp_path))
    assert none.returncode == 2 and "name a SITE profile or give --start-url" in none.stderr


def test_broken_profile_is_one_line_naming_file_and_key(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    bad = profiles / "mysite.toml"
    bad.write_text(
        'name = "mysite"\ndomains = ["x.example"]\nstart_urls = ["http://x.example/"]\n'
        "article_patterns = ['/a/(\\\\d+']\n",
        encoding="utf-8",
    )
    result = run_cli("crawl", "mysite", "--profiles", str(profiles), "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and f"{bad}: article_patterns:" in result.stderr


def test_profile_draft_writes_a_profile_that_loads_and_matches_articles(demo_site, tmp_path):
    from crawler.profile import load_profile

    out = tmp_path / "draft" / "demo-copy.toml"
    result = run_cli("profile-draft", demo_site + "/", "--allow-private-addresses", "--out", str(out))
    assert result.returncode == 0, result.stderr
    profile = load_profile(out)
    assert profile.is_article_url(demo_site + DEMO[0].path)
    assert not profile.is_article_url(demo_site + "/local/index_2.html")
    assert demo_site + "/rss.xml" in profile.feeds and demo_site + "/sitemap.xml" in profile.sitemaps


def test_profile_draft_refuses_private_addresses_by_default(demo_site):
    result = run_cli("profile-draft", demo_site + "/")
    assert result.returncode == 2 and "refused private address 127.0.0.1" in result.stderr


class _TinySite:
    """A few fixed answers on one loopback address, counting the requests it gets."""

    def __init__(self, host: str, pages: dict):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        site = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                site.hits.append(self.path)
                status, headers, body = pages.get(self.path, (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("PORT", str(site.port)))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.replace(b"PORT", str(site.port).encode()))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_profile_draft_checks_every_redirect_hop_against_the_guard():
    """Allowed to reach 127.0.0.1 only, it must not follow a redirect to 127.0.0.2."""
    inner = _TinySite("127.0.0.2", {"/": (200, {"Content-Type": "text/html"}, b"<p>secret</p>")})
    outer = _TinySite("127.0.0.1", {"/": (302, {"Location": f"http://127.0.0.2:{inner.port}/"}, b"")})
    try:
        result = run_cli("profile-draft", f"http://127.0.0.1:{outer.port}/", "--allow-address", "127.0.0.1")
    finally:
        outer.close()
        inner.close()
    assert result.returncode == 2, result.stderr
    assert "refused private address 127.0.0.2" in result.stderr
    assert outer.hits == ["/"] and inner.hits == []


def test_profile_draft_writes_page_text_as_toml_values_never_as_keys(tmp_path):
    import tomllib

    sneaky = 'http://127.0.0.1:PORT/feed.xml", "http://evil.example/x'
    page = (
        "<html><head><title>T</title>"
        f"<link rel='alternate' type='application/rss+xml' href='{sneaky}'>"
        "</head><body><a href='/2024/05/01/123456.html'>a</a></body></html>"
    ).encode()
    robots = b'User-agent: *\nSitemap: http://127.0.0.1:PORT/s.xml"]\nevil = ["1\n'
    site = _TinySite(
        "127.0.0.1",
        {
            "/": (200, {"Content-Type": "text/html; charset=utf-8"}, page),
            "/robots.txt": (200, {"Content-Type": "text/plain"}, robots),
        },
    )
    out = tmp_path / "draft.toml"
    try:
        result = run_cli(
            "profile-draft", f"http://127.0.0.1:{site.port}/", "--allow-private-addresses", "--out", str(out)
        )
    finally:
        site.close()
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert "evil" not in data
    assert all(len(data[k]) <= 1 for k in ("feeds", "sitemaps"))
    assert not any("evil.example" in f and '"' not in f for f in data["feeds"])


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTP://News.Example.com:80/a/b.html;jsessionid=AB12?utm_source=x&id=3&b=2#top",
            "http://news.example.com/a/b.html?b=2&id=3",
        ),
        ("https://news.example.com:443/?sid=123", "https://news.example.com/"),
        ("http://news.example.com:8080/x?page=2", "http://news.example.com:8080/x?page=2"),
        # IPv6 literals keep their brackets (without them every link of such a site was lost)
        ("http://[::1]:8080/a/b.html#x", "http://[::1]:8080/a/b.html"),
        ("http://[2001:DB8::1]/x?b=2&a=1", "http://[2001:db8::1]/x?a=1&b=2"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://x.example/calendar?date=2026-04-01", "calendar"),
        ("http://x.example/events?year=2026&month=4", "calendar"),
        ("http://x.example/x/y/x/y/x/y/x.html", "repeated path segment"),
        ("http://x.example/" + "a/" * 12, "path too deep"),
        ("http://x.example/s?" + "&".join(f"p{i}=1" for i in range(8)), "too many query parameters"),
        ("http://x.example/local/2026/04/01/1001.html", None),
    ],
)
def test_trap_reason(url, reason):
    assert trap_reason(url) == reason


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("http://x.example/local/2026/04/01/1001.html", True),
        ("http://x.example/news/content_12345.htm", True),
        ("http://x.example/a/20180420/123.html", True),
        ("http://x.example/local/index_2.html", False),
        ("http://x.example/about.html", False),
    ],
)
def test_article_url_shapes(url, article):
    assert looks_like_article_url(url) is article


def test_feeds_from_robots_and_link_alternate():
    assert robots_sitemaps(
        "http://x.example/robots.txt",
        b"User-agent: *\nSitemap: /news-sitemap.xml\nsitemap: http://x.example/s2.xml\n",
    ) == ["http://x.example/news-sitemap.xml", "http://x.example/s2.xml"]
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body><a href="/a/1.html">x</a></body></html>'
    links, feeds = discover("http://x.example/", page)
    assert links == ["http://x.example/a/1.html"] and feeds == ["http://x.example/rss.xml"]


def test_generic_crawl_follows_redirect_chains_to_articles(tmp_path):
    log = tmp_path / "sent"
    with module_server("tests.rawserver", str(log)) as base:
        result = generic_crawl(base + "/", tmp_path / "data")
        assert result.returncode == 0, result.stderr
    titles = {r["title"] for r in rows(tmp_path / "data", "select title from articles")}
    assert "跳轉之後的文章" in titles  # reachable only through /r/1 -> /r/2 -> /a/final.html
    assert len(titles) == 5
