"""Full-text search over the articles: bigram FTS5 for candidates, an exact check for the answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from archive.store.rows import article_filters
from crawler.searchtext import contains_all, fold, fts_expression, query_terms

_SNIPPET_CONTEXT = 40


@dataclass(frozen=True)
class Hit:
    url: str
    title: str | None
    published_at: str | None
    site: str | None
    snippet: str
    rank: float
    copies: int = 0  # copies of this story on other pages (archive/clusters.py)
    status: str = "live"  # live, deleted or unknown (crawler/lifecycle/status.py)
    deleted_at: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def snippet(terms: list[str], body: str | None, body_norm: str | None, mark: tuple[str, str]) -> str:
    original = body or ""
    folded = fold(body_norm or original)
    positions = [(folded.find(t), t) for t in terms if folded.find(t) >= 0]
    # Show the page's own script when folding kept the length (OpenCC is almost always 1:1).
    text = original if len(original) == len(folded) else folded
    if not positions:
        return text[: 2 * _SNIPPET_CONTEXT].replace("\n", " ")
    start, term = min(positions)
    end = start + len(term)
    left, right = max(0, start - _SNIPPET_CONTEXT), min(len(text), end + _SNIPPET_CONTEXT)
    piece = (
        ("…" if left else "")
        + text[left:start]
        + mark[0]
        + text[start:end]
        + mark[1]
        + text[end:right]
        + ("…" if right < len(text) else "")
    )
    return piece.replace("\n", " ")


_HITS = (
    "select a.url, a.title, a.published_at, a.site, a.title_norm, a.body_norm, a.body, "
    "bm25(articles_fts, 5.0, 1.0, 0.2) as score, "
    "(select count(*) - 1 from clusters o where o.cluster_id = c.cluster_id) as copies, "
    "coalesce(s.status, 'live'), s.deleted_at "
    "from articles_fts join articles a on a.rowid = articles_fts.rowid "
    "left join clusters c on c.url = a.url left join article_status s on s.url = a.url where "
)


def search(
    db,
    query: str,
    *,
    limit: int = 20,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    mark: tuple[str, str] = ("【", "】"),
    deleted: bool = False,
) -> list[Hit]:
    """Articles containing every term of the query (in either script), best first; with
    `deleted`, only those deleted from their site."""
    terms = query_terms(query)
    if not terms:
        raise ValueError("the query has no words to search for")
    clauses, values = article_filters(site, since, until)
    if deleted:
        clauses.append("s.status = 'deleted'")
    where, params = ["articles_fts match ?", *clauses], [fts_expression(terms), *values]
    sql = _HITS + " and ".join(where) + " order by score"
    hits: list[Hit] = []
    for (
        url,
        title,
        published,
        site_name,
        title_norm,
        body_norm,
        body,
        score,
        copies,
        status,
        gone_at,
    ) in db.execute(sql, params):
        # The index finds candidates; this check makes the answer exact (no cross-sentence matches).
        if not contains_all(terms, fold(title_norm) + "\n" + fold(body_norm)):
            continue
        around = snippet(terms, body, body_norm, mark)
        hits.append(
            Hit(
                url,
                title,
                published,
                site_name,
                around,
                round(-score, 4),
                max(copies or 0, 0),
                status,
                gone_at,
            )
        )
        if limit and len(hits) >= limit:
            break
    return hits
