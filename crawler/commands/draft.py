"""`newsarchive profile-draft URL`: fetch a few pages of a site and write a starting profile."""

from __future__ import annotations

import re
import socket
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from crawler import __version__
from crawler.commands.base import Command, address_options, check_output
from crawler.errors import NewsarchiveError, UsageError
from crawler.tomlwrite import dumps

USER_AGENT = f"newsarchive/{__version__} (profile-draft; +https://github.com/newsarchive/newsarchive)"


class Refused(NewsarchiveError, OSError):
    """A URL the guard does not let profile-draft fetch (a private address, another scheme)."""


class _Guard:
    """The crawl's address rules (crawler.safety) for every hop profile-draft makes."""

    def __init__(self, allow_private: bool, networks=()):
        self.allow_private = allow_private
        self.networks = networks

    def check(self, url: str) -> None:
        from crawler.safety import forbidden, ip_literal

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"refused {url!r}: not an http(s) URL")
        if self.allow_private:
            return
        host = parts.hostname
        try:
            addresses = (
                [ip_literal(host)]
                if ip_literal(host)
                else [info[4][0] for info in socket.getaddrinfo(host, parts.port or 80)]
            )
        except OSError:
            return  # unresolvable: the fetch itself fails
        for address in addresses:
            if forbidden(str(address), self.networks):
                raise Refused(
                    f"refused private address {address} of {host} (use --allow-private-addresses "
                    "or --allow-address to permit)"
                )

    def opener(self) -> urllib.request.OpenerDirector:
        guard = self

        class GuardedRedirects(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                guard.check(newurl)  # every hop, not only the first
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        return urllib.request.build_opener(GuardedRedirects)


def fetch(url: str, guard: _Guard, limit: int = 5_000_000) -> tuple[bytes, str | None]:
    guard.check(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with guard.opener().open(request, timeout=20) as resp:
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


def draft(url: str, pages: int, guard: _Guard) -> str:
    from crawler.extract import extract
    from crawler.links import discover, robots_sitemaps, same_site
    from crawler.urls import canonical_url, looks_like_article_url

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http(s) URL")
    host = parts.hostname
    try:
        raw, ctype = fetch(url, guard)
    except Refused as exc:
        raise UsageError(str(exc)) from None
    links, feeds = discover(url, raw, ctype)
    origin = f"{parts.scheme}://{parts.netloc}"
    try:
        robots, _ = fetch(origin + "/robots.txt", guard)
        sitemaps = robots_sitemaps(origin + "/robots.txt", robots)
    except OSError:
        sitemaps = []
    local = list(dict.fromkeys(canonical_url(link) for link in links if same_site(link, (host,))))
    candidates = [link for link in local if looks_like_article_url(link)][:pages]
    articles = []
    for link in candidates:
        try:
            body, ctype = fetch(link, guard)
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
    return dumps(
        [
            f"Drafted by newsarchive profile-draft from {url}: review every key before using it.",
            ("name", name),
            ("description", host),
            ("domains", [host]),
            ("start_urls", [url]),
            ("feeds", list(dict.fromkeys(feeds))),
            ("sitemaps", list(dict.fromkeys(sitemaps))),
            f"{len(articles)} of {len(candidates)} sampled links were articles"
            + (f", e.g. {articles[0]}" if articles else ""),
            ("article_patterns", [article_pattern] if article_pattern else []),
            f"{len(lists)} other links on the start page; channel lists to follow go here, "
            "e.g. '/news/index(_\\d+)?\\.html$'",
            ("list_patterns", []),
            ("refetch_window_days", 3),
            "",
            ("selectors", None),
            '# title = "h1"',
            '# body = ".article .content"',
        ]
    )


def _networks(values: list[str]) -> tuple:
    from crawler.safety import parse_networks

    try:
        return parse_networks(values)
    except ValueError as exc:
        raise UsageError(f"--allow-address: {exc}") from None


def run_draft(args) -> int:
    from crawler.profile import load_profile

    if args.pages < 1:
        raise UsageError(f"--pages must be 1 or more, not {args.pages}")
    try:
        parts = urlsplit(args.url)
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError as exc:
        raise UsageError(f"{args.url!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{args.url!r} is not an http(s) URL")
    if args.out:
        check_output(args.out, args)  # before anything is fetched
    try:
        text = draft(
            args.url, args.pages, _Guard(args.allow_private_addresses, _networks(args.allow_address))
        )
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


def _options(parser) -> None:
    parser.add_argument("url")
    parser.add_argument("--out", help="write the profile here (then it is checked by loading it)")
    parser.add_argument("--pages", type=int, default=8, help="article-looking links to sample (default 8)")
    address_options(parser)


COMMANDS = [
    Command(
        "profile-draft",
        help="draft a site profile from a few of its pages",
        description="Fetch a site's start page and a few links, and print (or --out) a starting profile.",
        options=_options,
        run=run_draft,
    )
]
