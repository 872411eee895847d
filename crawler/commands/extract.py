"""`newsarchive extract`: one saved page, or a batch, to JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archive.payload import MAX_PAGE_BYTES, PayloadTooLarge, read_bounded
from crawler.commands.base import Command, print_json, profiles_option, target_script_option
from crawler.errors import UsageError
from crawler.extract import extract


def _profile(args):
    if not args.site:
        return None
    from crawler.profile import get_profile

    return get_profile(args.site, args.profiles)


def run_extract(args) -> int:
    profile = _profile(args)
    if args.batch:
        return _batch(Path(args.batch), profile, args)
    if not args.file:
        raise UsageError("give a FILE or --batch LIST.jsonl")
    try:
        raw = _read_page(Path(args.file))
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    except PayloadTooLarge as exc:
        raise UsageError(str(exc)) from None
    try:
        article = extract(args.url, raw, profile, encoding=args.encoding, target_script=args.target_script)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print_json(article.to_dict())
    return 0


def _read_page(path: Path) -> bytes:
    """A saved page, at most as large as a crawl accepts one (`extract /dev/zero` stops there)."""
    with path.open("rb") as fh:
        return read_bounded(fh, MAX_PAGE_BYTES, str(path))


def _batch(listing: Path, profile, args) -> int:
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {listing}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{listing}: not a JSON Lines list (not UTF-8 text at byte {exc.start})") from None
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            path = job["path"]
        except (ValueError, KeyError, TypeError):
            raise UsageError(f'{listing}:{number}: not a JSON object with a "path"') from None
        try:
            raw = _read_page(Path(path))
            article = extract(
                job.get("url"), raw, profile, encoding=args.encoding, target_script=args.target_script
            )
            print_json({"path": path, **article.to_dict()})
        except Exception as exc:  # one bad page must not stop the batch
            failed += 1
            print_json({"path": path, "error": f"{type(exc).__name__}: {exc}"})
            print(f"newsarchive extract: {path}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def _options(parser) -> None:
    parser.add_argument("file", nargs="?", help="the saved page")
    parser.add_argument("--url", help="the page's URL (for links and dates)")
    parser.add_argument("--site", help="use this site profile's selectors")
    profiles_option(parser)
    parser.add_argument("--encoding", help="decode with this encoding instead of detecting it")
    parser.add_argument(
        "--batch", metavar="LIST.jsonl", help='lines of {"path": ..., "url": ...}; prints one object a line'
    )
    target_script_option(parser)


COMMANDS = [
    Command(
        "extract",
        help="extract one saved page and print JSON",
        description="Extract one saved page (raw bytes) and print one JSON object.",
        options=_options,
        run=run_extract,
    )
]
