"""Which links a run follows, and as what: one small class per crawl mode.

A profile's crawl reads only the URLs its patterns name (articles and lists); a generic crawl
(a start URL, no patterns) reads every page of the site and lets the extractor tell articles,
keeping away from endless URL spaces. No Scrapy here.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from crawler.links import is_feed_url, rebase, same_site
from crawler.urls import canonical_url, trap_reason

# Query strings per path a generic crawl follows (filters, sorts, calendars are endless).
MAX_QUERY_VARIANTS = 20


class ProfilePolicy:
    """Follows the links the profile's patterns name: articles, and lists that lead to them."""

    generic = False
    start_kind = "list"

    def __init__(self, profile, base_url: str | None = None, original_domains: tuple[str, ...] = ()):
        self.profile = profile
        self.base_url = base_url
        self.original_domains = original_domains

    def follow(self, link: str, kind: str | None = None) -> tuple[str, str] | None:
        """(url, kind) to schedule for a link found on a page, or None to leave it."""
        if self.profile.is_article_url(link):
            return link, "article"
        if self.profile.is_list_url(link):
            return link, "list"
        return None

    def after_redirect(self, target: str, kind: str) -> str:
        """How to read the target of a redirect: a moved feed is still a feed; anything else
        is an article by its URL, or read as a list page."""
        if self.profile.is_article_url(target):
            return "article"
        return "feed" if kind == "feed" else "list"

    def local(self, link: str) -> str:
        """A link of the site as the crawl fetches it (from a mirror: rebased onto it)."""
        if self.base_url and same_site(link, self.original_domains):
            return rebase(link, self.base_url)
        return link


class GenericPolicy:
    """Follows every page of the site, canonicalised, skipping URL traps."""

    generic = True
    start_kind = "page"

    def __init__(self, count: Callable[[str], None] | None = None):
        self.count = count  # counts the links left out, by the stats key they go under
        self.query_variants: dict[str, int] = {}

    def follow(self, link: str, kind: str | None = None) -> tuple[str, str] | None:
        link = canonical_url(link)
        reason = trap_reason(link)
        if reason is None and urlsplit(link).query:
            path = link.split("?", 1)[0]
            self.query_variants[path] = self.query_variants.get(path, 0) + 1
            if self.query_variants[path] > MAX_QUERY_VARIANTS:
                reason = "too many query variants"
        if reason is not None:
            if self.count is not None:
                self.count("newsarchive/trap_skipped")
            return None
        return link, kind or ("feed" if is_feed_url(link) else "page")

    def after_redirect(self, target: str, kind: str) -> str:
        return "feed" if kind == "feed" else "page"

    def local(self, link: str) -> str:
        return link


def policy_for(
    profile,
    base_url: str | None,
    original_domains: tuple[str, ...],
    count: Callable[[str], None] | None = None,
):
    """Without URL patterns, a profile's crawl is generic: every page, the extractor decides."""
    if profile.article_patterns or profile.list_patterns:
        return ProfilePolicy(profile, base_url, original_domains)
    return GenericPolicy(count)
