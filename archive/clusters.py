"""Copies of one story across sites, kept in the `clusters` table after every crawl.

Incremental: only articles that are new or changed since the last update are matched, each
against the LSH band index in `copy_bands` (crawler.nearcopy), never everything against
everything. A confirmed copy joins the cluster of the copy it matched (clusters merge when a
new article matches several); each cluster names its earliest copy (by publication time,
then first sight) and every member's similarity to it (Jaccard of 5-character shingles).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from crawler.nearcopy import (
    MIN_ESTIMATE,
    MIN_SHINGLES,
    are_copies,
    band_keys,
    estimate,
    jaccard,
    pack,
    shingles,
    signature,
)

logger = logging.getLogger(__name__)


@dataclass
class ClusterReport:
    matched: int = 0  # articles (re)indexed
    joined: int = 0  # of those, found to be copies of another
    clusters: int = 0  # clusters of two or more after the update


def _text(db, url: str) -> str:
    row = db.execute("select body_norm, body from articles where url = ?", [url]).fetchone()
    return (row[0] or row[1] or "") if row else ""


def pending(db) -> list[tuple[str, str, int]]:
    """(url, content_hash, rowid) of the articles not yet matched in their current version."""
    return db.execute(
        "select a.url, a.content_hash, a.rowid from articles a left join copy_state s on s.url = a.url "
        "where s.url is null or s.content_hash is not a.content_hash or s.article is not a.rowid "
        "order by a.first_seen_at, a.url"
    ).fetchall()


def update_clusters(store, *, everything: bool = False) -> ClusterReport:
    """Match the new and changed articles (all of them with `everything`) and update `clusters`."""
    db = store.db
    report = ClusterReport()
    with store.transaction():
        if everything:
            for table in ("copy_bands", "copy_state", "clusters"):
                db.execute(f"delete from {table}")  # noqa: S608 - fixed names
        gone = db.execute("select url from copy_state where url not in (select url from articles)").fetchall()
        for (url,) in gone:
            _forget(db, url)
        cache: dict[str, set[str]] = {}
        for url, content_hash, rowid in pending(db):
            _forget(db, url)
            cache.pop(url, None)  # its text may have changed
            report.matched += 1
            report.joined += _match(db, url, content_hash, rowid, cache)
    report.clusters = db.execute("select count(distinct cluster_id) from clusters").fetchone()[0]
    return report


def _forget(db, url: str) -> None:
    """Take an article out of the band index and its cluster (before it is matched again)."""
    row = db.execute("select article from copy_state where url = ?", [url]).fetchone()
    if row is not None:
        db.execute("delete from copy_bands where article = ?", [row[0]])
        db.execute("delete from copy_state where url = ?", [url])
    found = db.execute("select cluster_id from clusters where url = ?", [url]).fetchone()
    if found is None:
        return
    db.execute("delete from clusters where url = ?", [url])
    rest = [u for (u,) in db.execute("select url from clusters where cluster_id = ?", [found[0]])]
    if len(rest) < 2:
        db.execute("delete from clusters where cluster_id = ?", [found[0]])
    else:
        _refresh(db, found[0], rest)


def _match(db, url: str, content_hash: str, rowid: int, cache: dict) -> bool:
    """Index one article and join it to the copies it has; True when it has some."""
    mine = _shingles(db, url, cache)
    values = signature(mine) if len(mine) >= MIN_SHINGLES else None
    db.execute(
        "insert into copy_state (url, content_hash, article, signature) values (?, ?, ?, ?)",
        [url, content_hash, rowid, pack(values) if values is not None else None],
    )
    if values is None:
        return False
    keys = _rare(db, band_keys(values))
    marks = ", ".join("?" for _ in keys)
    # Candidates with the bands they share (more shared bands: likelier a copy, checked first)
    # and the cluster they are in: one confirmed member is enough to join a whole cluster.
    candidates = db.execute(
        f"select s.url, count(*) as shared, c.cluster_id, s.signature from copy_bands b "  # noqa: S608
        f"join copy_state s on s.article = b.article left join clusters c on c.url = s.url "
        f"where b.key in ({marks}) group by s.url having shared >= {MIN_SHARED_BANDS} order by shared desc, s.url",
        keys,
    ).fetchall()
    db.conn.executemany(
        "insert or ignore into copy_bands (key, article) values (?, ?)", [(k, rowid) for k in keys]
    )
    copies, joined, tried = [], set(), set()
    for candidate, _, cluster, packed in candidates:
        if candidate == url or estimate(values, packed) < MIN_ESTIMATE:
            continue  # signatures too far apart: another story on the same topic
        if cluster is None:
            if are_copies(mine, _shingles(db, candidate, cache)):
                copies.append(candidate)
        elif cluster not in tried:
            # A cluster is joined by being a copy of its earliest copy, not of any member: so
            # copies of copies cannot drift, link by link, into another story.
            tried.add(cluster)
            earliest = db.execute(
                "select url from clusters where cluster_id = ? and is_earliest = 1", [cluster]
            ).fetchone()
            if earliest and are_copies(mine, _shingles(db, earliest[0], cache)):
                joined.add(cluster)
    if not copies and not joined:
        return False
    new_id = (db.execute("select max(cluster_id) from clusters").fetchone()[0] or 0) + 1
    cluster_id = min(joined) if joined else new_id
    if len(joined) == 1 and not copies and _join(db, cluster_id, url, cache):
        return True  # the common case: one more copy of a known story
    members = set(copies) | {url}
    for cid in joined:
        members |= {u for (u,) in db.execute("select url from clusters where cluster_id = ?", [cid])}
        db.execute("delete from clusters where cluster_id = ?", [cid])
    _refresh(db, cluster_id, sorted(members), cache)
    return True


def _rare(db, keys: list[int]) -> list[int]:
    """The band keys not shared by more than MAX_BUCKET articles. A band that hundreds of texts
    share comes from boilerplate (a template sentence, a standard disclaimer), not from one
    story: like a stop word, it only multiplies candidates; a copy shares many other bands."""
    marks = ", ".join("?" for _ in keys)
    crowded = {
        key
        for (key,) in db.execute(
            f"select key from copy_bands where key in ({marks}) group by key having count(*) > ?",  # noqa: S608
            [*keys, MAX_BUCKET],
        )
    }
    return [k for k in keys if k not in crowded]


def _join(db, cluster_id: int, url: str, cache: dict) -> bool:
    """Add one member to a cluster whose earliest copy stays the earliest; False when the new
    member is earlier (then the whole cluster is measured again against it)."""
    when = "coalesce(a.published_at, a.first_seen_at, '9999'), coalesce(a.first_seen_at, '9999'), a.url"
    first = db.execute(
        f"select {when} from clusters c join articles a on a.url = c.url "  # noqa: S608
        "where c.cluster_id = ? and c.is_earliest = 1",
        [cluster_id],
    ).fetchone()
    mine = db.execute(f"select {when} from articles a where a.url = ?", [url]).fetchone()  # noqa: S608
    if first is None or tuple(mine) < tuple(first):
        return False
    similarity = round(jaccard(_shingles(db, first[2], cache), _shingles(db, url, cache)), 3)
    db.execute(
        "insert or replace into clusters (cluster_id, url, similarity, is_earliest) values (?, ?, ?, 0)",
        [cluster_id, url, similarity],
    )
    return True


def _shingles(db, url: str, cache: dict) -> set[str]:
    """An article's shingles, kept for the rest of the update: the members of a busy cluster
    are candidates of many new articles."""
    found = cache.get(url)
    if found is None:
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))  # the oldest entry
        found = cache[url] = shingles(_text(db, url))
    return found


_CACHE_SIZE = 1_000
# Candidates must share two bands of the 32: a copy (shingle Jaccard 0.7, a cut to 70%) shares
# 7.6 on average and fewer than two with a probability of 0.2%; two texts on one topic
# (Jaccard 0.3) share 0.26, and two or more with a probability of 3%.
MIN_SHARED_BANDS = 2
MAX_BUCKET = 50


def _refresh(db, cluster_id: int, members: list[str], cache: dict | None = None) -> None:
    """(Re)write a cluster's rows: its earliest copy and each member's similarity to it."""
    marks = ", ".join("?" for _ in members)
    dated = db.execute(
        f"select url, coalesce(published_at, first_seen_at), first_seen_at from articles "  # noqa: S608
        f"where url in ({marks})",
        members,
    ).fetchall()
    earliest = min(dated, key=lambda r: (r[1] or "9999", r[2] or "9999", r[0]))[0]
    cache = {} if cache is None else cache
    first = _shingles(db, earliest, cache)
    db.execute("delete from clusters where cluster_id = ?", [cluster_id])
    db.conn.executemany(
        "insert or replace into clusters (cluster_id, url, similarity, is_earliest) values (?, ?, ?, ?)",
        [
            (
                cluster_id,
                u,
                round(jaccard(first, shingles(_text(db, u))), 3) if u != earliest else 1.0,
                int(u == earliest),
            )
            for u, _, _ in dated
        ],
    )


def copies_of(db, url: str) -> list[dict]:
    """The article's cluster, earliest first: url, site, published_at, source, title, similarity."""
    row = db.execute("select cluster_id from clusters where url = ?", [url]).fetchone()
    if row is None:
        return []
    return [
        dict(
            zip(
                ("url", "site", "published_at", "source", "title", "similarity", "is_earliest"),
                r,
                strict=True,
            )
        )
        for r in db.execute(
            "select a.url, a.site, a.published_at, a.source, a.title, c.similarity, c.is_earliest "
            "from clusters c join articles a on a.url = c.url where c.cluster_id = ? "
            "order by c.is_earliest desc, coalesce(a.published_at, a.first_seen_at), a.url",
            [row[0]],
        )
    ]
