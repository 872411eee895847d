"""Fold the shards of a shared crawl (one SQLite file per worker) into one dataset.

Merging is idempotent: a shard merged twice, or two shards that both hold a page, leave each
capture, failure and version once. An article found in several shards gets the union of its
versions, in the order they were fetched, with consecutive identical texts collapsed; its
row is the newest version's. Shards are only read (after being brought to the current schema).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive.store import ArticleStore
from archive.store.articles import VERSION_COLUMNS
from archive.store.rows import index_row


@dataclass
class MergeReport:
    shards: int = 0
    crawls: int = 0
    captures: int = 0
    failures: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    versions: int = 0
    checks: int = 0
    skipped: list[str] = field(default_factory=list)


def _rows(conn: sqlite3.Connection, sql: str, args=()) -> list[dict]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def merge_shard(target: ArticleStore, shard_path: Path, report: MergeReport) -> None:
    # The shard is opened through ArticleStore once, so that an older schema is brought up to date.
    ArticleStore(shard_path).close()
    src = sqlite3.connect(f"file:{shard_path}?mode=ro", uri=True)
    db = target.db
    try:
        with target.transaction():
            for row in _rows(src, "select * from crawls"):
                if db.execute("select 1 from crawls where id = ?", [row["id"]]).fetchone() is None:
                    db.table("crawls").insert(row)
                    report.crawls += 1
            for row in _rows(src, "select * from captures order by id"):
                row.pop("id")
                if not db.execute(
                    "select 1 from captures where record_id = ?", [row["record_id"]]
                ).fetchone():
                    db.table("captures").insert(row)
                    report.captures += 1
            for row in _rows(src, "select * from failures order by id"):
                row.pop("id")
                if not db.execute(
                    "select 1 from failures where crawl_id = ? and url = ? and stage = ? and at = ?",
                    [row["crawl_id"], row["url"], row["stage"], row["at"]],
                ).fetchone():
                    db.table("failures").insert(row)
                    report.failures += 1
            for row in _rows(src, "select * from frontier"):
                db.table("frontier").insert(row, ignore=True)
            for row in _rows(src, "select * from fetch_state"):
                mine = db.execute(
                    "select last_fetched_at from fetch_state where url = ?", [row["url"]]
                ).fetchone()
                if mine is None or (row["last_fetched_at"] or "") > (mine[0] or ""):
                    db.table("fetch_state").insert(row, replace=True)
            for article in _rows(src, "select * from articles order by url"):
                _merge_article(target, src, article, report)
            for row in _rows(src, "select * from article_aliases"):
                db.table("article_aliases").insert(row, ignore=True)
            checked = _merge_checks(target, src, report)
        # The statuses of the articles with new checks, from all their checks, wherever made.
        target.refresh_statuses(sorted(checked))
    finally:
        src.close()
    report.shards += 1


def _merge_checks(target: ArticleStore, src: sqlite3.Connection, report: MergeReport) -> set[str]:
    """A shard's checks, each once, and when its articles were first captured; returns the URLs
    with checks new to the target."""
    db = target.db
    for row in _rows(src, "select url, site, since from article_status where since is not null"):
        mine = db.execute("select since from article_status where url = ?", [row["url"]]).fetchone()
        if mine is None:
            target.start_status(row["url"], row["site"], row["since"])
        elif row["since"] < (mine[0] or row["since"]):
            db.execute("update article_status set since = ? where url = ?", [row["since"], row["url"]])
    checked = set()
    for row in _rows(src, "select * from checks order by id"):
        row.pop("id")
        if not db.execute(
            "select 1 from checks where url = ? and checked_at = ? and crawl_id is ? and warc_record_id is ?",
            [row["url"], row["checked_at"], row["crawl_id"], row["warc_record_id"]],
        ).fetchone():
            target.add_check(row)
            report.checks += 1
            checked.add(row["url"])
    return checked


def _merge_article(target: ArticleStore, src: sqlite3.Connection, article: dict, report: MergeReport) -> None:
    db = target.db
    url = article["url"]
    theirs = _rows(src, "select * from article_versions where url = ?", [url])
    if not theirs:
        # A shard whose article has no version rows (damaged, or written by hand): its row is
        # the one version it knows, rather than an article lost from the merge.
        theirs = [
            {
                **{k: article.get(k) for k in VERSION_COLUMNS},
                "version": 1,
                "fetched_at": article.get("last_changed_at") or article.get("first_seen_at"),
            }
        ]
    mine = _rows(db.conn, "select * from article_versions where url = ?", [url])
    current = _rows(db.conn, "select * from articles where url = ?", [url])
    if not current:
        report.articles_new += 1
    # Union of both histories (a version is its capture), in fetch order, without repeats.
    seen: set[tuple] = set()
    versions: list[dict] = []
    for v in sorted(mine + theirs, key=lambda v: (v["fetched_at"] or "", v["warc_record_id"] or "")):
        key = (v["fetched_at"], v["warc_record_id"])
        if key in seen:
            continue
        seen.add(key)
        if versions and versions[-1]["content_hash"] == v["content_hash"]:
            continue  # the same text fetched again: not a new version
        versions.append(v)
    if current and [v["warc_record_id"] for v in versions] == [v["warc_record_id"] for v in mine]:
        return  # nothing new from this shard
    if current:
        report.articles_updated += 1
    db.execute("delete from article_versions where url = ?", [url])
    for number, v in enumerate(versions, 1):
        db.table("article_versions").insert({**v, "version": number})
    report.versions += len(versions) - len(mine)
    newest = versions[-1]
    # The article row comes from whichever database holds the newest version's full fields.
    base = article if any(v["warc_record_id"] == newest["warc_record_id"] for v in theirs) else current[0]
    row = {
        **base,
        "version": len(versions),
        "first_seen_at": min(r["first_seen_at"] for r in [article, *current] if r["first_seen_at"]),
        "last_fetched_at": max(r["last_fetched_at"] or "" for r in [article, *current]),
        "last_changed_at": newest["fetched_at"],
    }
    db.table("articles").insert(row, replace=True) if not current else db.table("articles").update(url, row)
    rowid = db.execute("select rowid from articles where url = ?", [url]).fetchone()[0]
    index_row(db, rowid, row["title_norm"], row["body_norm"])
    if base is article:
        db.execute("delete from related where article_url = ?", [url])
        db.table("related").insert_all(_rows(src, "select * from related where article_url = ?", [url]))


def merge(target_path: Path, shards: list[Path]) -> MergeReport:
    report = MergeReport()
    target = ArticleStore(target_path)
    try:
        for shard in shards:
            if shard.resolve() == Path(target_path).resolve():
                report.skipped.append(str(shard))
                continue
            merge_shard(target, shard, report)
        from archive.clusters import update_clusters

        update_clusters(target)
    finally:
        target.close()
    return report
