"""The extractor's output: one article (or list page) as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Image:
    src: str
    caption: str | None = None


@dataclass(frozen=True)
class RelatedLink:
    url: str
    title: str
    published_at: str | None = None


@dataclass(frozen=True)
class Article:
    url: str | None
    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    dateline: str | None = None
    body: str | None = None
    images: tuple[Image, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    script: str = "none"
    title_norm: str | None = None
    body_norm: str | None = None
    lang: str | None = None
    encoding: str | None = None
    is_article: bool = False
    article_score: float = 0.0  # 0..1, the article test's confidence (crawler.extract.decision)

    def to_dict(self) -> dict:
        """The `extract` JSON object of the SPEC (every key present, null when unknown)."""
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["images"] = [asdict(i) for i in self.images]
        data["related"] = [asdict(r) for r in self.related]
        return data
