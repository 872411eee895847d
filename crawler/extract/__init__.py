"""Article extraction as pure functions of (url, bytes, profile): no Scrapy here."""

from __future__ import annotations

from crawler.extract.article import Article, Image, RelatedLink
from crawler.extract.extractor import extract

__all__ = ["Article", "Image", "RelatedLink", "extract"]
