"""Refuse to fetch loopback, private and link-local addresses unless allowed."""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


def is_private_address(ip: str) -> bool:
    """True for addresses a crawler must not be turned against (RFC 1918, loopback, link-local...)."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_reserved
        or addr.is_multicast
        or addr.is_unspecified
        or not addr.is_global
    )


@lru_cache(maxsize=4096)
def resolves_to_private(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return is_private_address(host)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the download itself will fail and be recorded
    return any(is_private_address(info[4][0]) for info in infos)


class PrivateAddressMiddleware:
    """Downloader middleware: every request, redirects included, passes through here."""

    def __init__(self, allow: bool):
        self.allow = allow

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES"))

    def process_request(self, request):
        if self.allow:
            return None
        host = urlsplit(request.url).hostname or ""
        if host and resolves_to_private(host):
            raise IgnoreRequest(f"refused private address {host} (use --allow-private-addresses to permit)")
        return None
