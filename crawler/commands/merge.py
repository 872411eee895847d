"""`newsarchive merge [SHARD.db...]`: fold the workers' shards of a shared crawl into one dataset."""

from __future__ import annotations

import sys
from pathlib import Path

from crawler.commands.base import Command, data_paths
from crawler.errors import UsageError
from crawler.lock import running_site


def run_merge(args) -> int:
    from archive.cdxj import index_closed_file
    from archive.merge import merge
    from archive.repair import repair_open_files
    from crawler.paths import safe_name

    db, warc = data_paths(args)
    shards = [Path(s) for s in args.shards] or sorted((Path(args.data_dir) / "shards").glob("*/news.db"))
    if not shards:
        raise UsageError(f"no shards given and none in {Path(args.data_dir) / 'shards'}")
    for shard in shards:
        if not shard.is_file():
            raise UsageError(f"no shard database at {shard}")
        site = running_site(shard.parent)
        if site:
            raise UsageError(
                f"worker {shard.parent.name} is still crawling {site!r}; merge once it has stopped"
            )
    # A killed worker leaves its last WARC file `.open`: close it the way its next start would.
    repaired = 0
    for shard in shards:
        prefix = f"newsarchive-{safe_name(shard.parent.name, 'worker')}"
        for folder in [p for p in warc.iterdir() if p.is_dir()] if warc.is_dir() else []:
            for repair in repair_open_files(folder, prefix):
                if repair.records:
                    index_closed_file(repair.path)
                repaired += 1
    report = merge(db, shards)
    print(
        f"merged {report.shards} shards into {db}: {report.articles_new} new articles, "
        f"{report.articles_updated} updated, {report.versions} versions, {report.captures} captures, "
        f"{report.failures} failures, {report.crawls} crawls"
        + (f"; {repaired} torn WARC files repaired" if repaired else ""),
        file=sys.stdout,
    )
    return 0


def _options(parser) -> None:
    parser.add_argument("shards", nargs="*", metavar="SHARD.db", help="shard databases (default: all)")


COMMANDS = [
    Command(
        "merge",
        help="fold the workers' shards of a shared crawl (--redis) into one dataset",
        description="Merge worker shards (default: every DATA_DIR/shards/*/news.db) into DATA_DIR/news.db. "
        "Idempotent; run it once the workers have stopped.",
        options=_options,
        run=run_merge,
    )
]
