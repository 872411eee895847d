"""An extraction plus what storing it needs, computed together in the extraction workers.

This module stays light (no Scrapy, no SQLite): the crawl's worker processes import it.
"""

from __future__ import annotations

from crawler.extract import extract
from crawler.extract.article import Article
from crawler.links import PageReading, read_tree
from crawler.searchtext import index_columns
from crawler.text import content_hash, nfkc


class Prepared:
    """What storing an article needs beyond the article: its content hash and search-index row.

    Computed by `prepare`, in the extraction worker during a crawl, so that the crawl process
    (the reactor thread) only writes rows.
    """

    __slots__ = ("content_hash", "index")

    def __init__(self, content_hash: str, index: dict[str, str]):
        self.content_hash = content_hash
        self.index = index


def prepare(article: Article) -> Prepared:
    hashed = article.body_norm or article.body
    normal = nfkc(hashed or "")  # one NFKC pass for the hash and the index
    return Prepared(
        content_hash(hashed, nfkc_form=normal),
        index_columns(
            article.title_norm, article.body_norm, body_nfkc=normal if hashed == article.body_norm else None
        ),
    )


def extract_for_store(*args, **kwargs) -> tuple[Article, Prepared | None]:
    """extract() and, for an article, its Prepared row data, in one call."""
    article = extract(*args, **kwargs)
    return article, (prepare(article) if article.is_article else None)


def extract_page(
    url: str, raw: bytes, profile=None, *, read: dict | None = None, prepare_row: bool = True, **kwargs
) -> tuple[Article, Prepared | None, PageReading | None]:
    """extract(), its Prepared row data (unless prepare_row is False: the crawl process then
    prepares it), and, with `read` (read_tree's options), the page's links, requisites and
    pager, read from the extractor's own parse of the page."""
    readings: list[PageReading] = []

    def hook(root) -> None:
        readings.append(read_tree(url, root, **(read or {})))

    article = extract(url, raw, profile, tree_hook=hook if read is not None else None, **kwargs)
    prepared = prepare(article) if prepare_row and article.is_article else None
    return article, prepared, (readings[0] if readings else None)


def extract_only(*args, **kwargs) -> tuple[Article, None]:
    """extract() alone: the crawl process prepares the row (when the worker is the busier one)."""
    return extract(*args, **kwargs), None


_WARM_PAGE = (
    "<html><head><title>预热</title></head><body><h1>预热页面</h1>"
    "<p>2026年1月1日 来源：本站 作者：王五</p><p>這是一段繁體文字，这是一段简体文字，用来装载转换词典。</p>"
    "</body></html>"
).encode()


def warm_up() -> None:
    """Extract a small page once, so that a new worker loads its dictionaries (OpenCC, the
    script tables) before the crawl's first pages arrive rather than while they wait."""
    extract_for_store("http://warm-up.invalid/a.html", _WARM_PAGE)
