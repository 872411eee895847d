"""The bundled demo profiles serve themselves: `crawl demo` and `schedule run-due` need no server.

The demo profile names http://demo.newsarchive.test/, a name that resolves nowhere (RFC 6761
keeps .test for such uses). A crawl of it with no --base-url starts the demo server on a free
loopback port for the run, and every request for that host is sent there, as to an HTTP proxy
(the request line carries the whole URL, which the demo server reads as a path). The archive
and the dataset keep the site's own URLs, so they are the same whatever port served them, and
a second run finds the first one's captures.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

DEMO_HOST = "demo.newsarchive.test"
# The bundled profiles the demo server serves, and their hosts.
KUAIBAO = "kuaibao.newsarchive.test"
BUNDLED = {"demo": DEMO_HOST, "demo-kuaibao": KUAIBAO}


def wants_bundled_server(kwargs: dict) -> bool:
    """Whether a job crawls the bundled demo profile at its own (unresolvable) address."""
    from crawler.profile import ProfileError, bundled_profile_files, load_profiles

    site = kwargs.get("site")
    if site not in BUNDLED or kwargs.get("base_url") or kwargs.get("start_urls"):
        return False
    extra = [d for d in (kwargs.get("profiles") or "").split(",") if d]
    try:
        profile = load_profiles(extra).get(site)
    except ProfileError:
        return False  # the crawl reports it
    bundled = {str(f) for f in bundled_profile_files()}
    return profile is not None and str(profile.path) in bundled


def serve_for(jobs) -> list:
    """Start one demo server for the jobs that crawl the bundled demo site, and point their
    settings at it; returns the servers started (to shut down after the run)."""
    demo_jobs = [job for job in jobs if wants_bundled_server(job.kwargs)]
    if not demo_jobs:
        return []
    from crawler.demo.server import start_server
    from crawler.safety import SERVED_HERE

    edition = max(job.settings.getint("NEWSARCHIVE_DEMO_EDITION", 1) for job in demo_jobs)
    server, url = start_server(0, edition)
    SERVED_HERE.add(urlsplit(url).hostname or "")
    for job in demo_jobs:
        settings = job.settings.copy()
        settings.set("NEWSARCHIVE_SERVE_HOSTS", dict.fromkeys(BUNDLED.values(), url), priority="cmdline")
        job.settings = settings
    return [server]


class ServeHostsMiddleware:
    """Downloader middleware: a request for a host of NEWSARCHIVE_SERVE_HOSTS goes to the
    server that serves it, as through a proxy; its URL, and so its record, are unchanged."""

    def __init__(self, hosts: dict[str, str]):
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler):
        hosts = crawler.settings.getdict("NEWSARCHIVE_SERVE_HOSTS")
        if not hosts:
            raise NotConfigured
        return cls(hosts)

    def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        server = self.hosts.get(parts.hostname or "")
        if server is not None and parts.scheme == "http":
            request.meta["proxy"] = server
        return None
