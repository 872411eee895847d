"""Where a redirect leads, or why it is not followed. Requests never follow redirects inside
Scrapy (`dont_redirect`): the spider schedules each target like any link, so that domains,
the frontier and the refetch rules apply to it too. No Scrapy here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hop:
    """The next request of a redirect chain: its target, the hops so far, the URLs before it."""

    target: str
    hops: int
    chain: tuple[str, ...]


def next_hop(status: int, target: str | None, meta: dict, max_hops: int) -> Hop | str:
    """The next hop of a redirect to `target` (None: the answer had no Location), or the reason
    it is not followed. `meta` is the redirected request's: its hops and chain so far."""
    hops = meta.get("redirect_hops", 0) + 1
    if target is None or hops > max_hops:
        return f"HTTP {status}: " + ("too many redirects" if target is not None else "no Location")
    chain = (*meta.get("redirect_chain", ()), meta["frontier_url"])
    if target in chain:
        loop = " -> ".join([*chain[chain.index(target) :], target])
        return f"HTTP {status}: redirect loop {loop}"
    return Hop(target, hops, chain)
