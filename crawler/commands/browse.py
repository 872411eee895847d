"""`newsarchive browse`: the dataset in Datasette on 127.0.0.1, with the search wired in."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.commands.base import Command, data_paths
from crawler.errors import UsageError

SEARCH_SQL = (
    "select a.published_at, a.site, a.title, na_snippet(:q, a.body, a.body_norm) as snippet, a.url from articles_fts join articles a on a.rowid = articles_fts.rowid "
    "where articles_fts match na_fts(:q) and na_contains(:q, a.title_norm, a.body_norm) "
    "order by bm25(articles_fts, 5.0, 1.0, 0.2) limit 100"
)

COPIES_SQL = (
    "select a.published_at, a.site, a.source, a.title, c.similarity, c.is_earliest, a.url "
    "from clusters c join articles a on a.url = c.url "
    "where c.cluster_id = (select cluster_id from clusters where url = :url) "
    "order by c.is_earliest desc, coalesce(a.published_at, a.first_seen_at), a.url"
)

DELETED_SQL = (
    "select s.deleted_at, a.site, s.how, a.title, a.published_at, s.last_seen_live, a.url "
    "from article_status s join articles a on a.url = s.url where s.status = 'deleted' "
    "order by s.deleted_at desc, a.url"
)

DESCRIPTIONS = {
    "articles": "One row per article (latest version), pointing at its WARC response record.",
    "article_versions": "Every version of every article: silent edits are kept.",
    "related": "The related-news list under each article, in page order.",
    "captures": "Every fetch (robots.txt, redirects, errors included) and its WARC record.",
    "crawls": "One row per crawl run, with its status and counts.",
    "failures": "Pages that could not be fetched, decoded, extracted or stored, and why.",
    "clusters": "Copies of one story across sites: one row per article in a group of two or more.",
    "article_aliases": "Other URLs serving exactly an article's page (a print view, a mirror).",
    "checks": "Every recheck of a stored article: what it answered (unchanged, changed, gone, "
    "redirected, notice, unavailable) and its WARC record.",
    "article_status": "Each checked article's status (live, deleted, unknown), when it was last seen "
    "live and when it was first found gone.",
}


def metadata(db_name: str) -> dict:
    return {
        "title": "newsarchive",
        "description": "Chinese news archive. Search in either script with the 'search' query; 2-character words work.",
        "databases": {
            db_name: {
                "tables": {name: {"description": text} for name, text in DESCRIPTIONS.items()}
                | {
                    "articles_fts": {"hidden": True},
                    "copy_bands": {"hidden": True},
                    "copy_state": {"hidden": True},
                },
                "queries": {
                    "search": {"sql": SEARCH_SQL, "title": "Search articles (either script)"},
                    "copies": {"sql": COPIES_SQL, "title": "Copies of an article on other sites"},
                    "deleted": {
                        "sql": DELETED_SQL,
                        "title": "Articles deleted from their sites, newest first",
                    },
                },
            }
        },
    }


def datasette_command(db: Path, port: int, meta_file: Path) -> list[str]:
    exe = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which("datasette")
    if exe is None:
        raise UsageError("browse needs Datasette: pip install 'newsarchive[browse]'")
    plugins = Path(__file__).resolve().parent.parent / "browse"
    return [
        exe,
        "serve",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--metadata",
        str(meta_file),
        "--plugins-dir",
        str(plugins),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]


def run_browse(args) -> int:
    db, _ = data_paths(args)
    if not db.is_file():
        raise UsageError(f"no database at {db} (crawl something first, or give --db / --data-dir)")
    with tempfile.TemporaryDirectory() as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(json.dumps(metadata(db.stem), ensure_ascii=False), encoding="utf-8")
        cmd = datasette_command(db, args.port, meta_file)
        print(f"Datasette on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")])
            ),
        }
        child = subprocess.Popen(cmd, env=env)

        def stop(signum, frame):  # a terminated browse must not leave Datasette running
            child.terminate()

        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, stop)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            return 0


def _options(parser) -> None:
    parser.add_argument("--port", type=int, default=8001, help="port (default 8001)")


COMMANDS = [
    Command(
        "browse",
        help="open the dataset in Datasette on 127.0.0.1",
        description="Serve the dataset in Datasette on 127.0.0.1, with table notes and the search.",
        options=_options,
        run=run_browse,
    )
]
