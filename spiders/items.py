"""Items the spider yields: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.extract.article import Article
from crawler.lifecycle.classify import Outcome

if TYPE_CHECKING:
    from archive.store import PageCapture
    from crawler.prepared import Prepared


@dataclass(frozen=True)
class ArticleItem:
    article: Article
    site: str
    crawl_id: str
    fetched_at: str
    warc_filename: str
    warc_offset: int
    warc_record_id: str
    frontier_url: str  # the URL the run scheduled (before any redirect)
    prepared: Prepared | None = None  # hash and index row, computed beside the extraction
    # The URL whose archived response holds this very payload, when it is another URL (the
    # same page at x.html and x.html?print=1): the article is stored once, under that URL.
    payload_of: str | None = None
    # An article split over several pages: every page with its capture, page 1 first.
    pages: tuple[PageCapture, ...] = ()
    # A fetch of a stored article is a check of it; its outcome (changed, unchanged) is what
    # storing the article finds.
    check: CheckItem | None = None


@dataclass(frozen=True)
class UnchangedItem:
    """A conditional refetch answered 304 Not Modified."""

    crawl_id: str
    url: str
    fetched_at: str
    check: CheckItem | None = None  # an unchanged stored article: a check of it


@dataclass(frozen=True)
class CheckItem:
    """One check of a stored article (crawler/lifecycle/classify.py says what it found)."""

    crawl_id: str
    url: str
    site: str
    checked_at: str
    status: int | None  # HTTP status; None when no answer came
    outcome: Outcome | None = None  # None: decided by storing the article it carries
    warc: tuple[str | None, int | None, str | None] = (None, None, None)

    def row(self, outcome: Outcome) -> dict:
        return {
            "url": self.url,
            "site": self.site,
            "crawl_id": self.crawl_id,
            "checked_at": self.checked_at,
            "outcome": outcome.outcome,
            "verdict": outcome.verdict,
            "how": outcome.how,
            "status": self.status,
            "redirect_to": outcome.redirect_to,
            "notice": outcome.notice,
            "warc_filename": self.warc[0],
            "warc_offset": self.warc[1],
            "warc_record_id": self.warc[2],
        }


@dataclass(frozen=True)
class FailureItem:
    crawl_id: str
    url: str
    stage: str  # fetch, decode, extract, store
    reason: str
    kind: str | None = None  # what was fetched (article, list, requisite...), where known
