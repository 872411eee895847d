"""`newsarchive demo`: serve the demo site on 127.0.0.1, crawl it, show what was stored."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.commands.base import Command, moment, quiet_option, whole
from crawler.commands.crawl import crawl_settings, prepare_log, run_spiders, summarise


def run_demo(args) -> int:
    from crawler.demo.serving import BUNDLED, DEMO_HOST, KUAIBAO

    print(
        f"Serving the demo news sites http://{DEMO_HOST}/ and http://{KUAIBAO}/ on a loopback port; "
        "crawling them with the 'demo' and 'demo-kuaibao' profiles...",
        flush=True,
    )
    crawl_args = argparse.Namespace(
        **vars(args),
        allow_private_addresses=False,
        delay=0.0,
        target_script="hans",
        max_pages=0,
        depth=0,
        concurrency=4,
        warc_max_size=None,
        log_file=None,
        since=None,
        refetch_window=None,
    )
    settings = crawl_settings(crawl_args, quiet=args.quiet)
    settings.set("NEWSARCHIVE_DEMO_EDITION", args.edition, priority="cmdline")
    prepare_log(settings)
    # No --base-url: the run serves the bundled site itself (crawler/demo/serving.py), so the
    # URLs, and so the dataset, are the same from run to run whatever port is free.
    ids = run_spiders(
        settings,
        [
            {"site": site, "profiles": "", "base_url": None, "since": None, "refetch_window": None}
            for site in BUNDLED
        ],
    )
    db = Path(settings.get("NEWSARCHIVE_DB"))
    rows, text = summarise(db, ids)
    print(text)
    print(report(db, Path(settings.get("ARCHIVE_WARC_DIR"))))
    return 0 if all(r["status"] == "finished" for r in rows) else 1


def _here(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report(db: Path, warc_dir: Path) -> str:
    from archive.store import ArticleStore

    store = ArticleStore(db)
    articles = store.article_count()
    by_script = store.articles_by_script()
    captured = store.capture_summary()
    store.close()
    warcs = sorted(warc_dir.rglob("*.warc.gz"))
    size = sum(p.stat().st_size for p in warcs)
    tool = _here(Path(sys.executable).parent / "sqlite-utils")
    lines = [
        "",
        f"Stored: {articles} articles in {db} ({', '.join(f'{k}: {v}' for k, v in sorted(by_script.items()))})",
        f"  {captured['split']} of them over several pages ({captured['pages']} pages, listed in article_pages)",
        f"  {captured['archived']} of their {captured['images']} pictures archived with them; "
        f"{captured['requisites']} images, stylesheets and scripts in all",
        f"WARC files: {len(warcs)} in {warc_dir} ({size / 1024:.0f} KiB)",
        "",
        "Search it, in either script (兩岸 finds 两岸 too):",
        f"  {_here(Path(sys.executable).parent / 'newsarchive')} search 兩岸 --data-dir {db.parent}",
        "",
        "Or query it (the normalised columns are Simplified, whatever the page's script):",
        f"  {tool} {db} \"select published_at, title, editor from articles where body_norm like '%两岸%' limit 5\" --table",
        f'  {tool} {db} "select url, stage, reason from failures" --table',
    ]
    return "\n".join(lines)


def _options(parser) -> None:
    parser.add_argument(
        "--edition",
        type=whole(1, 3),
        default=1,
        help="which edition of the sites to serve: 1 (default), 2 (two new articles, one edited) or "
        "3 (as 2, and three articles taken down: a 404, a redirect to the home page, a removal notice)",
    )
    parser.add_argument(
        "--now",
        type=moment,
        metavar="TIME",
        help="the run's clock (ISO 8601 in UTC, or +2h from now): rechecks are due by it",
    )
    quiet_option(parser, "print nothing unless something failed")


COMMANDS = [
    Command(
        "demo",
        help="serve the demo site, crawl it, show the result",
        description="Serve the bundled demo news site on 127.0.0.1, crawl it, print what was stored.",
        options=_options,
        run=run_demo,
    )
]
