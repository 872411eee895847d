"""Hosts that cannot be reached, remembered for the rest of a run.

Real article pages load pictures, scripts and styles from dozens of other hosts (CDNs, ad and
analytics servers). When such a host's name does not resolve, or it refuses or drops the
connection, each of its URLs used to be tried three times with backoff, and every URL failed
the same way: a crawl of 81 articles took 7 minutes instead of one, and its failures table held
thousands of requisite rows. Here:

- a name that does not resolve is not retried (it will not resolve in a second either);
- once a host has failed to resolve or connect, the run's other requisites on it fail at once,
  without a request, with a reason that says which failure it was;
- the pages of the site itself are left to the retry middleware: a site that is down for a
  moment must not lose its articles for the whole run.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest
from twisted.internet.error import ConnectError, ConnectingCancelledError, DNSLookupError

logger = logging.getLogger(__name__)

_UNRESOLVED = (CannotResolveHostError, DNSLookupError)
UNREACHABLE = _UNREACHABLE = (*_UNRESOLVED, DownloadConnectionRefusedError, ConnectError)


class HostUnreachable(IgnoreRequest):
    """A requisite not asked for: its host failed to resolve or connect earlier in this run."""


def dead_hosts(crawler) -> dict[str, str]:
    """The run's unreachable requisite hosts: host -> how it failed (kept on the crawler, so the
    download handler sees the requests that were queued before the host failed)."""
    dead = getattr(crawler, "_newsarchive_dead_hosts", None)
    if dead is None:
        dead = crawler._newsarchive_dead_hosts = {}
    return dead


def refuse_if_dead(crawler, request) -> None:
    """Raise HostUnreachable for a requisite whose host failed earlier in the run."""
    if request.meta.get("kind") != "requisite":
        return
    host = (urlsplit(request.url).hostname or "").lower()
    why = dead_hosts(crawler).get(host)
    if why is not None:
        crawler.stats.inc_value("newsarchive/requisites_host_unreachable")
        raise HostUnreachable(f"not asked for: {host} was unreachable earlier in this run ({why})")


def note_unreachable(crawler, request, exception) -> bool:
    """Remember a requisite's host as dead when `exception` says it could not be resolved or
    connected to; True when it says so (whatever the kind of request). Called by the download
    handler as the failure happens, before the download slot takes its next request."""
    if not isinstance(exception, _UNREACHABLE) or isinstance(exception, ConnectingCancelledError):
        return False
    if request.meta.get("kind") == "requisite":
        host = (urlsplit(request.url).hostname or "").lower()
        dead = dead_hosts(crawler)
        if host and host not in dead:
            dead[host] = f"{type(exception).__name__}: {str(exception).strip()[:200]}"
            logger.info("requisites of %s are not asked for again this run: %s", host, dead[host])
    return True


class UnreachableHostMiddleware:
    """Downloader middleware (between the retries and the host gate); the download handler
    asks `refuse_if_dead` again right before a request goes out."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.dead = dead_hosts(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        refuse_if_dead(self.crawler, request)
        return None

    def process_exception(self, request, exception):
        if not note_unreachable(self.crawler, request, exception):
            return None
        if isinstance(exception, _UNRESOLVED) or request.meta.get("kind") == "requisite":
            # Retried, it fails the same way; a requisite's host is then dead for the run.
            request.meta["dont_retry"] = True
        return None
