"""`newsarchive diff URL`: what changed between two stored versions of an article."""

from __future__ import annotations

import sys

from crawler.commands.base import Command, check_output, json_option, open_store, print_json, whole
from crawler.errors import NewsarchiveError


def run_diff(args) -> int:
    from crawler.lifecycle.diff import as_html, as_text, changes

    if args.html:
        check_output(args.html, args, "--html")
    store = open_store(args)
    versions = store.versions(args.url)
    if not versions:
        raise NewsarchiveError(f"no article at {args.url} in {store.path}")
    last = max(versions)
    to = args.to if args.to is not None else last
    since = args.since_version if args.since_version is not None else max(1, to - 1)
    for n in (since, to):
        if n not in versions:
            raise NewsarchiveError(f"{args.url} has versions 1 to {last}, not {n}")
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
    json_option(parser, 'print {"url", "from", "to", "changes": [{"before", "after", "pieces"}]}')


COMMANDS = [
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
