"""What became of the archived articles: `deleted` (which disappeared, and when), `history URL`
(one article's captures, versions, checks and status) and `diff URL` (what an edit changed)."""

from __future__ import annotations

import csv
import sys

from crawler.commands.base import (
    Command,
    check_output,
    day,
    json_option,
    open_store,
    print_json,
    spreadsheet_safe,
    whole,
)
from crawler.errors import NewsarchiveError

DELETED_KEYS = (
    "url",
    "site",
    "title",
    "published_at",
    "last_seen_live",
    "deleted_at",
    "how",
    "warc_file",
    "warc_offset",
)


def run_deleted(args) -> int:
    store = open_store(args)
    found = store.deleted_articles(args.site, args.since, args.until)
    if args.json:
        print_json([{k: row[k] for k in DELETED_KEYS} for row in found])
    elif args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(DELETED_KEYS)
        for row in found:
            writer.writerow(spreadsheet_safe([row[k] for k in DELETED_KEYS]))
    else:
        for row in found:
            print(
                f"{row['deleted_at']}  {row['site']}  {row['how']:<8}  {row['title'] or ''}\n"
                f"    {row['url']}\n    last seen live {row['last_seen_live']}; "
                f"last live capture {row['warc_file']}@{row['warc_offset']}"
            )
        print(f"{len(found)} deleted articles", file=sys.stderr)
    return 0


def _deleted_options(parser) -> None:
    _period(parser, "deleted")
    parser.add_argument("--csv", action="store_true", help="print CSV with a header row")
    json_option(parser, "print one JSON array of objects with the keys " + ", ".join(DELETED_KEYS))


def _period(parser, what: str) -> None:
    parser.add_argument("--site", help="only this site")
    parser.add_argument("--since", type=day, metavar="YYYY-MM-DD", help=f"{what} on or after this day (UTC)")
    parser.add_argument("--until", type=day, metavar="YYYY-MM-DD", help=f"{what} on or before this day (UTC)")


def run_history(args) -> int:
    store = open_store(args)
    events = store.history(args.url)
    if events is None or (args.site and events["site"] != args.site):
        raise NewsarchiveError(
            f"no article at {args.url} in {store.path}" + (f" of site {args.site}" if args.site else "")
        )
    timeline = [
        e
        for e in events["timeline"]
        if (not args.since or e["at"][:10] >= args.since) and (not args.until or e["at"][:10] <= args.until)
    ]
    if args.json:
        print_json({**events, "timeline": timeline})
        return 0
    status = events["status"]
    print(f"{events['url']}  ({events['site']}) {events['title'] or ''}")
    line = f"status: {status['status']}, last seen live {status['last_seen_live']}"
    if status["deleted_at"]:
        line += f", deleted {status['deleted_at']} ({status['how']})"
    if status["restorations"]:
        line += f", restored {status['restorations']} time(s)"
    print(line)
    for event in timeline:
        print(f"  {event['at']}  {event['event']:<9} {event['detail']}")
    return 0


def _history_options(parser) -> None:
    parser.add_argument("url", metavar="URL", help="the article's URL, as stored")
    _period(parser, "events")
    json_option(
        parser, 'print {"url", "site", "title", "status", "timeline": [{"at", "event", "detail", ...}]}'
    )


def run_diff(args) -> int:
    from crawler.lifecycle.diff import as_html, as_text, changes

    if args.html:
        check_output(args.html, args, "--html")
    store = open_store(args)
    versions = store.versions(args.url)
    if not versions or (args.site and store.site_of(args.url) != args.site):
        raise NewsarchiveError(
            f"no article at {args.url} in {store.path}" + (f" of site {args.site}" if args.site else "")
        )
    versions = {
        n: v
        for n, v in versions.items()
        if (not args.since or v[0][:10] >= args.since) and (not args.until or v[0][:10] <= args.until)
    }
    if not versions:
        raise NewsarchiveError(f"{args.url} has no version fetched between --since and --until")
    last = max(versions)
    to = args.to if args.to is not None else last
    since = args.since_version
    if since is None:
        since = max((n for n in versions if n < to), default=to)
    for n in (since, to):
        if n not in versions:
            raise NewsarchiveError(
                f"{args.url} has versions {min(versions)} to {last} (of those asked for), not {n}"
            )
    if since == to:
        print(f"{args.url} has one version: nothing to compare", file=sys.stderr)
        return 0
    (at_a, title_a, body_a), (at_b, title_b, body_b) = versions[since], versions[to]
    found = changes(f"{title_a}\n{body_a}", f"{title_b}\n{body_b}")
    left, right = f"version {since} ({at_a})", f"version {to} ({at_b})"
    if args.json:
        print_json(
            {
                "url": args.url,
                "from": {"version": since, "fetched_at": at_a},
                "to": {"version": to, "fetched_at": at_b},
                "changes": [{"before": c.before, "after": c.after, "pieces": c.pieces} for c in found],
            }
        )
    elif args.html:
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(as_html(found, title_b or args.url, left, right))
        print(f"wrote {args.html}: {len(found)} changes", file=sys.stderr)
    else:
        print(f"{args.url}: {left} -> {right}: {len(found)} changes")
        if found:
            print(as_text(found, colour=sys.stdout.isatty()))
    return 0


def _diff_options(parser) -> None:
    parser.add_argument("url", metavar="URL", help="the article's URL, as stored")
    parser.add_argument(
        "--from",
        dest="since_version",
        type=whole(1, 10**9),
        metavar="N",
        help="the older version (default: the one before --to)",
    )
    parser.add_argument(
        "--to", type=whole(1, 10**9), metavar="M", help="the newer version (default: the last)"
    )
    parser.add_argument("--html", metavar="FILE", help="write the changes side by side as an HTML page")
    _period(parser, "versions fetched")
    json_option(parser, 'print {"url", "from", "to", "changes": [{"before", "after", "pieces"}]}')


COMMANDS = [
    Command(
        "deleted",
        help="the archived articles that disappeared from their sites, newest deletion first",
        description="The articles that rechecks found deleted (404, 410, a redirect to the home "
        "page or a channel, a removal or not-found page), confirmed by two checks at least an hour "
        "apart: when each was last seen live, when it was first found gone (the deletion happened "
        "in between), how, and the WARC record of its last live capture (replay it in pywb at "
        "that time). --since/--until select by the day of deletion.",
        options=_deleted_options,
        run=run_deleted,
    ),
    Command(
        "history",
        help="an article's timeline: captures, versions, checks and its status",
        description="Everything the archive knows happened to one article: when it was first "
        "captured, each version, each check (unchanged, changed, gone, redirected, notice, "
        "unavailable) and its status now (live, deleted or unknown), with restorations.",
        options=_history_options,
        run=run_history,
    ),
    Command(
        "diff",
        help="what changed between two versions of an article, sentence by sentence",
        description="What changed between two stored versions of an article (default: the last "
        "two): the sentences an edit touched, by character for Chinese and by word for Latin "
        "text, in the article's own script; deleted text [-so-], inserted {+so+} (red and green "
        "in a terminal). Example: newsarchive diff http://demo.newsarchive.test/local/2026/04/01/1001.html",
        options=_diff_options,
        run=run_diff,
    ),
]
