"""`newsarchive profile-draft URL`: fetch a few pages of a site and write a starting profile."""

from __future__ import annotations

import re
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from crawler import __version__
from crawler.cli import UsageError

USER_AGENT = f"newsarchive/{__version__} (profile-draft; +https://github.com/newsarchive/newsarchive)"


def fetch(url: str, allow_private: bool, limit: int = 5_000_000) -> tuple[bytes, str | None]:
    from crawler.safety import resolves_to_private

    host = urlsplit(url).hostname or ""
    if not allow_private and resolves_to_private(host):
        raise UsageError(f"refused private address {host} (use --allow-private-addresses to permit)")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=20) as resp:  # noqa: S310 - http(s) checked by caller
        return resp.read(limit), resp.headers.get("Content-Type")


def path_pattern(paths: list[str]) -> str:
    """A regular expression for URL paths shaped like the samples: digits generalised, words kept
    where every sample shares them."""
    split = [p.strip("/").split("/") for p in paths]
    width = Counter(len(s) for s in split).most_common(1)[0][0]
    same = [s for s in split if len(s) == width]
    parts = []
    for i in range(width):
        column = [s[i] for s in same]
        if all(re.fullmatch(r"\d+", c) for c in column):  # dates and ids vary even if the samples agree
            lengths = {len(c) for c in column}
            parts.append(rf"\d{{{lengths.pop()}}}" if len(lengths) == 1 else r"\d+")
        elif all(re.fullmatch(r"\d+\.\w+", c) for c in column):
            parts.append(r"\d+\." + re.escape(column[0].rsplit(".", 1)[1]))
        elif all(c == column[0] for c in column):
            parts.append(re.escape(column[0]))
        else:
            parts.append(r"[^/]+")
    return "/" + "/".join(parts) + "$"


def draft(url: str, pages: int, allow_private: bool) -> str:
    from crawler.extract import extract
    from crawler.links import discover, robots_sitemaps, same_site
    from crawler.urls import canonical_url, looks_like_article_url

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http(s) URL")
    host = parts.hostname
    raw, ctype = fetch(url, allow_private)
    links, feeds = discover(url, raw, ctype)
    origin = f"{parts.scheme}://{parts.netloc}"
    try:
        robots, _ = fetch(origin + "/robots.txt", allow_private)
        sitemaps = robots_sitemaps(origin + "/robots.txt", robots)
    except OSError:
        sitemaps = []
    local = list(dict.fromkeys(canonical_url(link) for link in links if same_site(link, (host,))))
    candidates = [link for link in local if looks_like_article_url(link)][:pages]
    articles = []
    for link in candidates:
        try:
            body, ctype = fetch(link, allow_private)
            is_article = extract(link, body, content_type=ctype).is_article
        except (OSError, ValueError):  # unreachable, or no page (empty, binary, too large)
            continue
        if is_article:
            articles.append(link)
    name = re.sub(r"[^a-z0-9_-]", "-", host.lower().removeprefix("www."))[:64].strip("-") or "site"
    article_pattern = path_pattern([urlsplit(a).path for a in articles]) if articles else None
    lists = [
        link for link in local if not looks_like_article_url(link) and urlsplit(link).path not in ("", "/")
    ]
    lines = [
        f"# Drafted by newsarchive profile-draft from {url}: review every key before using it.",
        f'name = "{name}"',
        f'description = "{host}"',
        f'domains = ["{host}"]',
        f'start_urls = ["{url}"]',
        "feeds = [" + ", ".join(f'"{f}"' for f in dict.fromkeys(feeds)) + "]",
        "sitemaps = [" + ", ".join(f'"{s}"' for s in dict.fromkeys(sitemaps)) + "]",
        f"# {len(articles)} of {len(candidates)} sampled links were articles"
        + (f", e.g. {articles[0]}" if articles else ""),
        "article_patterns = [" + (f"'{article_pattern}'" if article_pattern else "") + "]",
        f"# {len(lists)} other links on the start page; channel lists to follow go here, e.g. '/news/index(_\\d+)?\\.html$'",
        "list_patterns = []",
        "refetch_window_days = 3",
        "",
        "[selectors]",
        '# title = "h1"',
        '# body = ".article .content"',
    ]
    return "\n".join(lines) + "\n"


def run_draft(args) -> int:
    from crawler.profile import load_profile

    try:
        text = draft(args.url, args.pages, args.allow_private_addresses)
    except OSError as exc:
        print(f"newsarchive profile-draft: cannot fetch {args.url}: {exc}", file=sys.stderr)
        return 1
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        load_profile(out)  # the draft must at least load
        print(f"wrote {out}: review it, then crawl with --profiles {out.parent}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
