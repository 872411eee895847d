"""Settling statuses once a crawl has ended: from whole checks only, never from half a run.

A crawl that found the site itself down (none of its start pages answered) has its gone
answers turned to unknown first: a site-wide outage, or a server that answers 404 to
everything for an hour, never deletes anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settled:
    changed: int  # articles whose status or deletion time changed
    deleted: int  # articles of the site deleted now
    site_down: int  # gone answers set aside because their crawl found the site down


def settle(store, site: str, start_urls: tuple[str, ...]) -> Settled:
    unsettled = store.unsettled_checks(site)
    demoted = 0
    with store.transaction():
        for crawl_id in sorted({c for _, c in unsettled if c}):
            if store.crawl_site_down(crawl_id, start_urls):
                demoted += store.demote_gone(crawl_id)
    changed = store.refresh_statuses(sorted({url for url, _ in unsettled}))
    return Settled(changed, store.deleted_count(site), demoted)
