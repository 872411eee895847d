"""The researchers' commands: search, export, verify, reextract."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from archive.store.schema import ARTICLE_COLUMNS
from crawler.commands.base import (
    Command,
    check_output,
    data_paths,
    json_option,
    open_store,
    print_json,
    profiles_option,
    quiet_option,
    selection_options,
    spreadsheet_safe,
    target_script_option,
    whole,
)
from crawler.errors import NewsarchiveError, UsageError

# The export's columns: an article row's, then its cluster of copies (null when it has none).
EXPORT_COLUMNS = [*ARTICLE_COLUMNS, "cluster_id", "status", "last_seen_live", "deleted_at"]
JSON_COLUMNS = ("authors", "images")


def run_search(args) -> int:
    from archive.search import search

    store = open_store(args)
    tty = sys.stdout.isatty() and not args.json
    mark = ("\033[1;31m", "\033[0m") if tty else ("【", "】")
    try:
        hits = search(
            store.db,
            args.query,
            limit=args.limit,
            site=args.site,
            since=args.since,
            until=args.until,
            mark=mark,
            deleted=args.deleted,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json([h.to_dict() for h in hits])
        return 0
    for h in hits:
        copies = f"  ({h.copies} cop{'y' if h.copies == 1 else 'ies'} elsewhere)" if h.copies else ""
        gone = f"  [deleted {h.deleted_at[:16]}]" if h.status == "deleted" and h.deleted_at else ""
        print(f"{(h.published_at or '')[:16]:<16}  {h.site or ''}  {h.title or ''}{copies}{gone}")
        print(f"    {h.url}")
        print(f"    {h.snippet}")
    print(f"{len(hits)} article{'s' if len(hits) != 1 else ''} found", file=sys.stderr)
    return 0


def run_copies(args) -> int:
    from archive.clusters import copies_of

    store = open_store(args)
    if not store.has_article(args.url):
        raise NewsarchiveError(f"no article at {args.url} in {store.path}")
    rows = copies_of(store.db, args.url)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"no copies of {args.url} found on other pages", file=sys.stderr)
        return 0
    for r in rows:
        mark = "earliest" if r["is_earliest"] else f"{r['similarity']:.2f}"
        print(f"{(r['published_at'] or '')[:16]:<16}  {r['site']:<12}  {mark:>8}  {r['source'] or '-'}")
        print(f"    {r['title'] or ''}")
        print(f"    {r['url']}")
    print(f"{len(rows)} copies of one story", file=sys.stderr)
    return 0


def _rows(store, args):
    return store.export_rows(site=args.site, since=args.since, until=args.until)


def _as_object(row: tuple) -> dict:
    """An exported row as JSON Lines and Parquet have it: authors and images as lists."""
    obj = dict(zip(EXPORT_COLUMNS, row, strict=True))
    for key in JSON_COLUMNS:
        obj[key] = json.loads(obj[key]) if obj[key] else []
    return obj


def run_export(args) -> int:
    if args.out:
        check_output(args.out, args)
    store = open_store(args)
    if args.format == "parquet":
        return _export_parquet(store, args)
    if args.format == "wacz":
        return _export_wacz(store, args)
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout  # noqa: SIM115
    n = 0
    try:
        if args.format == "csv":
            writer = csv.writer(out)
            writer.writerow(EXPORT_COLUMNS)
            cells = (lambda row: row) if args.raw_cells else spreadsheet_safe
            for row in _rows(store, args):
                writer.writerow(cells(row))
                n += 1
        else:
            for row in _rows(store, args):
                out.write(json.dumps(_as_object(row), ensure_ascii=False) + "\n")
                n += 1
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"exported {n} articles to {args.out}", file=sys.stderr)
    return 0


def _export_parquet(store, args) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("parquet needs pyarrow: pip install 'newsarchive[parquet]'") from None
    if not args.out:
        raise UsageError("parquet is binary: give --out FILE")
    types = {
        "version": pa.int64(),
        "warc_offset": pa.int64(),
        "article_score": pa.float64(),
        "cluster_id": pa.int64(),
    }
    # authors and images are lists, as in JSON Lines: a list of names, and a list of structs
    # (what a picture is: its address, caption, and where its bytes are archived).
    types["authors"] = pa.list_(pa.string())
    types["images"] = pa.list_(
        pa.struct(
            [
                ("src", pa.string()),
                ("caption", pa.string()),
                ("archived", pa.bool_()),
                ("warc_filename", pa.string()),
                ("warc_offset", pa.int64()),
            ]
        )
    )
    schema = pa.schema([(c, types.get(c, pa.string())) for c in EXPORT_COLUMNS])

    def table(rows: list[tuple]):
        return pa.Table.from_pylist([_as_object(r) for r in rows], schema)

    n = 0
    with pq.ParquetWriter(args.out, schema) as writer:
        batch: list[tuple] = []
        for row in _rows(store, args):
            batch.append(row)
            if len(batch) == 2000:
                writer.write_table(table(batch))
                n += len(batch)
                batch = []
        if batch:
            writer.write_table(table(batch))
            n += len(batch)
    print(f"exported {n} articles to {args.out}", file=sys.stderr)
    return 0


def _export_wacz(store, args) -> int:
    from archive.wacz import write_wacz

    if not args.out:
        raise UsageError("a WACZ is a zip file: give --out FILE.wacz")
    _, warc_dir = data_paths(args)
    names = store.warc_files(crawl_id=args.crawl, site=args.site)
    warcs = [warc_dir / n for n in names if (warc_dir / n).is_file()]
    if not warcs:
        raise UsageError("no WARC files match (check --crawl / --site)")
    included = set(names)
    # Pages: the articles whose response record is inside the package.
    rows = store.archived_pages()
    pages = (
        {"url": url, "ts": ts, "title": title, "text": body}
        for url, title, body, ts, f in rows
        if f in included
    )
    try:
        count = write_wacz(
            Path(args.out), warcs, pages, title=f"newsarchive {args.site or args.crawl or 'all'}"
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {args.out}: {len(warcs)} WARC files, {count} pages", file=sys.stderr)
    return 0


def run_verify(args) -> int:
    from archive.verify import verify

    store = open_store(args)
    _, warc_dir = data_paths(args)
    problems = 0
    for line in verify(store.db, warc_dir):
        problems += 1
        print(line)
    articles = store.article_count()
    files = len(list(warc_dir.rglob("*.warc.gz")))
    if problems:
        print(
            f"verify: {problems} problem{'s' if problems != 1 else ''} ({articles} articles, {files} WARC files)",
            file=sys.stderr,
        )
        return 1
    print(f"verify: OK: {articles} articles point at intact response records; {files} WARC files are valid")
    return 0


def run_reextract(args) -> int:
    from archive.reextract import rebuild
    from crawler.profile import load_profiles

    db, warc_dir = data_paths(args)
    if not warc_dir.is_dir():
        raise UsageError(f"no WARC folder at {warc_dir}")
    _refuse_while_writing(db, warc_dir)
    store = open_store(args, must_exist=False)
    profiles = load_profiles(args.profiles)
    tty = sys.stderr.isatty()
    last = [-1]

    def progress(done: int, total: int, articles: int) -> None:
        pct = done * 100 // total
        if pct == last[0] or args.quiet:
            return
        last[0] = pct
        bar = "#" * (pct // 4) + "." * (25 - pct // 4)
        end = "\r" if tty and pct < 100 else "\n"
        if tty or pct % 10 == 0:
            print(f"reextract [{bar}] {pct:3d}%  {articles} articles", end=end, file=sys.stderr, flush=True)

    counts = rebuild(store, warc_dir, profiles, target_script=args.target_script, progress=progress)
    for path, why in counts["damaged"].items():
        print(f"newsarchive reextract: {path}: {why}", file=sys.stderr)
    if counts["kept"]:
        print(
            f"reextract: nothing changed: {counts['kept']} articles have their records in the damaged "
            "files above and would be lost; restore those files (or remove them, knowing what goes "
            f"with them) and run reextract again"
        )
        return 1
    print(
        f"reextract: {counts['articles']} articles ({counts['versions']} versions) rebuilt from "
        f"{counts['records']} archived pages in {warc_dir}; {counts['errors']} errors"
        + (f"; {len(counts['damaged'])} damaged WARC files" if counts["damaged"] else "")
    )
    return 1 if counts["errors"] or counts["damaged"] else 0


def _refuse_while_writing(db, warc_dir) -> None:
    """reextract reads every WARC file: not while a crawl writes one (it would see a `.open`
    file as empty and delete its articles) or one was left torn by a killed crawl."""
    from crawler.errors import DataError
    from crawler.lock import running_site

    for folder in (db.parent, warc_dir):
        site = running_site(folder) if (folder / "locks").is_dir() else None
        if site:
            raise DataError(f"a crawl of {site.split('.')[0]!r} is running; reextract once it has finished")
    torn = sorted(warc_dir.rglob("*.warc.gz.open"))
    if torn:
        raise DataError(
            f"{torn[0]} was left open by an interrupted crawl; the next crawl of its site (or "
            "`newsarchive merge` for a shared crawl) repairs it; reextract after that"
        )


def _search_options(parser) -> None:
    parser.add_argument("query", help="words to find (all must appear); 2-character words work")
    parser.add_argument(
        "--limit", type=whole(0, 10**9), default=20, help="at most N results (default 20; 0: all)"
    )
    selection_options(parser)
    parser.add_argument(
        "--deleted",
        action="store_true",
        help="only articles deleted from their sites since they were archived (see `deleted`)",
    )
    json_option(parser, "print a JSON list (each hit has status and deleted_at)")


def _export_options(parser) -> None:
    parser.add_argument("--format", choices=["jsonl", "csv", "parquet", "wacz"], required=True)
    parser.add_argument("--crawl", metavar="ID", help="wacz: only the WARC files of this crawl")
    parser.add_argument("--out", help="write here instead of standard output")
    selection_options(parser)
    parser.add_argument(
        "--raw-cells",
        action="store_true",
        help="csv: write cells as stored, even those a spreadsheet would run as a formula "
        "(by default a cell starting with = + - @ tab or CR gets a leading ')",
    )


def _copies_options(parser) -> None:
    parser.add_argument("url", help="the article's URL (as stored)")
    json_option(parser, "print a JSON list")


def _reextract_options(parser) -> None:
    profiles_option(parser)
    target_script_option(parser)
    quiet_option(parser, "no progress bar")


COMMANDS = [
    Command(
        "search",
        help="full-text search, in either script",
        description="Full-text search over titles and bodies; a query in either script finds both.",
        options=_search_options,
        run=run_search,
    ),
    Command(
        "export",
        help="dump the articles (jsonl, csv, parquet) or package a crawl (wacz)",
        description="Dump the articles for analysis, streaming.",
        options=_export_options,
        run=run_export,
    ),
    Command(
        "verify",
        help="check rows against the WARC files",
        description="Check that every article row points at an intact WARC record and every WARC file is valid.",
        options=lambda parser: None,
        run=run_verify,
    ),
    Command(
        "copies",
        help="the copies of an article on other sites, earliest first",
        description="List the near-copies of an article (one story republished across sites) by date, "
        "with site, source line and similarity to the earliest copy.",
        options=_copies_options,
        run=run_copies,
    ),
    Command(
        "reextract",
        help="rebuild the article rows from the WARC files",
        description="Rebuild the article rows from the WARC files alone, with the current extractor.",
        options=_reextract_options,
        run=run_reextract,
    ),
]
