"""Keep Scrapy's cookie code from reaching for the internet.

Scrapy's CookiesMiddleware asks tldextract whether a domain is a public suffix; by default
tldextract downloads the Public Suffix List on first use. We use its bundled snapshot.
"""

from __future__ import annotations


def use_bundled_suffix_list() -> None:
    import scrapy.downloadermiddlewares.cookies as cookies
    from tldextract import TLDExtract

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
