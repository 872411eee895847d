"""Items the spider yields: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.extract.article import Article

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


@dataclass(frozen=True)
class UnchangedItem:
    """A conditional refetch answered 304 Not Modified."""

    crawl_id: str
    url: str
    fetched_at: str


@dataclass(frozen=True)
class FailureItem:
    crawl_id: str
    url: str
    stage: str  # fetch, decode, extract, store
    reason: str
    kind: str | None = None  # what was fetched (article, list, requisite...), where known
