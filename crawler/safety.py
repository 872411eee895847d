"""Refuse to fetch loopback, private and link-local addresses unless allowed.

Two guards, because a check made before the connection can be fooled by DNS answering
differently the second time (rebinding):
- PrivateAddressMiddleware refuses IP literals in URLs at once, with a clear reason;
- GuardedResolver is the resolver the connections themselves use: a host name that resolves
  to any forbidden address gets no address at all, so no connection is ever opened to it.
`--allow-private-addresses` lifts both; `--allow-address NET` lifts them for some networks only.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingHostnameResolver
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

logger = logging.getLogger(__name__)

# Host names the resolver refused, with the address that made it refuse: the spider's errback
# turns the DNS error of such a request into a clear failure reason.
# Addresses of servers this process started for its own crawls (the bundled demo site,
# crawler/demo/serving.py). The resolver is the process's, built from the first crawl's
# settings, so a crawl's own allowance cannot reach it.
SERVED_HERE: set[str] = set()
REFUSED: dict[str, str] = {}


def is_private_address(ip: str) -> bool:
    """True for addresses a crawler must not be turned against (RFC 1918, loopback, link-local...)."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]").split("%")[0])
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


def parse_networks(values) -> tuple:
    """`--allow-address` values (addresses or networks, comma-separated) as ip_network objects."""
    out = []
    for value in values or ():
        for part in str(value).split(","):
            if part.strip():
                try:
                    out.append(ipaddress.ip_network(part.strip(), strict=False))
                except ValueError:
                    raise ValueError(f"not an IP address or network: {part.strip()!r}") from None
    return tuple(out)


def forbidden(ip: str, allowed_networks=()) -> bool:
    """True when ip is private and not inside one of the explicitly allowed networks."""
    if not is_private_address(ip):
        return False
    try:
        addr = ipaddress.ip_address(ip.strip("[]").split("%")[0])
    except ValueError:
        return False
    return not any(addr.version == net.version and addr in net for net in allowed_networks)


def ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def resolves_to_private(host: str) -> bool:
    """For code outside the crawl (profile-draft): a host whose addresses include a private one."""
    if ip_literal(host):
        return is_private_address(host)
    if _never_resolves(host):
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the download itself will fail and be recorded
    return any(is_private_address(str(info[4][0])) for info in infos)


class _Guard:
    """What the crawl may reach, from its settings."""

    def __init__(self, settings):
        self.allow_all = settings.getbool("NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES")
        self.networks = parse_networks(settings.getlist("NEWSARCHIVE_ALLOWED_ADDRESSES"))

    def refuses(self, ip: str) -> bool:
        return not self.allow_all and ip not in SERVED_HERE and forbidden(ip, self.networks)


class PrivateAddressMiddleware:
    """Downloader middleware: every request, redirects included, passes through here."""

    def __init__(self, guard: _Guard):
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_Guard(crawler.settings))

    def process_request(self, request):
        host = urlsplit(request.url).hostname or ""
        literal = ip_literal(host)
        if literal and self.guard.refuses(literal):
            raise IgnoreRequest(f"refused private address {host} (use --allow-private-addresses to permit)")
        if host in REFUSED:
            raise IgnoreRequest(
                f"refused private address {host} (resolves to {REFUSED[host]}; "
                "use --allow-private-addresses to permit)"
            )
        return None


@provider(IResolutionReceiver)
class _FilteringReceiver:
    """Passes a host's addresses on only if none of them is forbidden."""

    def __init__(self, receiver, host: str, guard: _Guard):
        self.receiver, self.host, self.guard = receiver, host, guard
        self.addresses: list = []

    def resolutionBegan(self, resolution) -> None:  # noqa: N802 - twisted's interface
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address) -> None:  # noqa: N802
        self.addresses.append(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        bad = [a.host for a in self.addresses if self.guard.refuses(a.host)]
        if bad:
            REFUSED[self.host] = bad[0]
            logger.warning("refused %s: it resolves to the private address %s", self.host, bad[0])
        else:
            for address in self.addresses:
                self.receiver.addressResolved(address)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver(CachingHostnameResolver):
    """DNS_RESOLVER: Scrapy's caching resolver (IPv4 and IPv6), with forbidden answers withheld."""

    guard: _Guard

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.guard = _Guard(crawler.settings)
        return resolver

    def resolveHostName(self, resolutionReceiver, hostName, *args, **kwargs):  # noqa: N802, N803
        if _never_resolves(hostName):
            # RFC 6761, 6.4: a name under .invalid gets an immediate negative answer, with no
            # query sent anywhere (tests and benchmarks use such names for hosts that are down).
            resolution = _NoResolution(hostName)
            resolutionReceiver.resolutionBegan(resolution)
            resolutionReceiver.resolutionComplete()
            return resolution
        receiver = _FilteringReceiver(resolutionReceiver, hostName, self.guard)
        return super().resolveHostName(receiver, hostName, *args, **kwargs)


def _never_resolves(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name == "invalid" or name.endswith(".invalid")


@implementer(IHostResolution)
class _NoResolution:
    def __init__(self, name: str):
        self.name = name

    def cancel(self) -> None:
        pass
