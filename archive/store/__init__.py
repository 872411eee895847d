"""The dataset in SQLite (news.db), derived from the WARC files: the project's only door to it.

`ArticleStore` is one connection (`connection.py`: opening, migrating, grouped transactions)
with a module per table group: `articles.py` (articles, versions, related lists, pages,
aliases), `captures.py` (WARC records and the pictures they hold), `crawls.py`,
`failures.py`, `lifecycle.py` (checks and statuses), `schedules.py`, and `frontier.py` (a run's frontier and the URLs' last
answers). `schema.py` holds the migrations and `ARTICLE_COLUMNS`; `shared.py` the store each
database has in a crawling process.
"""

from __future__ import annotations

from archive.store.articles import Articles, PageCapture, WarcPointer
from archive.store.captures import Captures
from archive.store.crawls import Crawls
from archive.store.failures import Failures
from archive.store.lifecycle import Lifecycle
from archive.store.rows import utcnow
from archive.store.schedules import Schedules
from archive.store.schema import ARTICLE_COLUMNS, SCHEMA_VERSION

__all__ = ["ARTICLE_COLUMNS", "SCHEMA_VERSION", "ArticleStore", "PageCapture", "WarcPointer", "utcnow"]


class ArticleStore(Articles, Captures, Crawls, Failures, Lifecycle, Schedules):
    """The dataset: every table group over one connection (see the module docstring)."""
