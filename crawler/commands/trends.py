"""`newsarchive trend`, `kwic` and `terms`: word counts over time, words in context, top terms."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from crawler.commands.base import (
    Command,
    check_output,
    json_option,
    open_store,
    print_json,
    selection_options,
    spreadsheet_safe,
    whole,
)
from crawler.errors import NewsarchiveError, UsageError

# Fonts with Chinese glyphs, in order of preference: Debian's fonts-wqy-zenhei (what `make`
# and CI install), then the Noto and Source Han families most systems have.
CJK_FONTS = (
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Droid Sans Fallback",
)


def run_trend(args) -> int:
    from archive.trends import trend

    for option in ("svg", "png"):
        if getattr(args, option):
            check_output(getattr(args, option), args, f"--{option}")
    store = open_store(args)
    try:
        if not args.words and not args.deleted:
            raise ValueError("give at least one WORD (or --deleted: every deletion)")
        rows = trend(
            store.db,
            args.words,
            by=args.by,
            site=args.site,
            since=args.since,
            until=args.until,
            deleted=args.deleted,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    words = list(dict.fromkeys(r["word"] for r in rows)) or args.words
    if args.svg or args.png:
        draw(rows, words, args.by, Path(args.svg or args.png))
        print(f"wrote {args.svg or args.png}", file=sys.stderr)
    if args.json:
        print_json(rows)
        return 0
    if not (args.svg or args.png):
        table: dict[str, dict[str, int]] = {}
        for r in rows:
            table.setdefault(r["period"], {})[r["word"]] = r["count"]
        print("period".ljust(10) + "".join(f"{w:>10}" for w in words))
        for period, counts in table.items():
            print(period.ljust(10) + "".join(f"{counts.get(w, 0):>10}" for w in words))
    return 0


def cjk_font() -> str | None:
    """The name of an installed font that draws Chinese, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in CJK_FONTS if n in names), None)
    if found is None:
        # matplotlib caches the font list; one installed since (apt-get) needs a fresh look.
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in CJK_FONTS if n in names), None)
    return found


def draw(rows: list[dict], words: list[str], by: str, out: Path) -> None:
    """A line chart of the counts, one line a word, for a paper: labelled axes, a legend,
    Chinese drawn with a CJK font (SVG keeps the text as text)."""
    try:
        import matplotlib
    except ImportError:
        raise UsageError("charts need matplotlib: pip install 'newsarchive[research]'") from None
    matplotlib.use("Agg")
    import logging

    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    # WenQuanYi Zen Hei comes in one weight (medium): matplotlib says so for every label.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

    font = cjk_font()
    if font is None and out.suffix.lower() != ".svg":
        raise NewsarchiveError(
            "no font with Chinese glyphs is installed (apt-get install fonts-wqy-zenhei); "
            "--svg needs none: the viewer draws its text"
        )
    style = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "svg.fonttype": "none"}
    periods = list(dict.fromkeys(r["period"] for r in rows))
    with plt.rc_context(style):  # type: ignore[arg-type]  # matplotlib types rc values narrowly
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=150)
        for word in words:
            counts = {r["period"]: r["count"] for r in rows if r["word"] == word}
            ax.plot(
                range(len(periods)),
                [counts.get(p, 0) for p in periods],
                marker="o",
                linewidth=1.5,
                label=word,
            )
        step = max(1, len(periods) // 12)
        ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right")
        ax.set_xlabel({"day": "day", "week": "ISO week", "month": "month"}[by])
        ax.set_ylabel("articles containing the word")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.set_title("Articles per " + by + ": " + ", ".join(words))
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out)
        plt.close(fig)


def run_kwic(args) -> int:
    from archive.trends import kwic

    store = open_store(args)
    try:
        rows = kwic(store.db, args.word, width=args.width, limit=args.limit, site=args.site)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.csv:
        writer = csv.DictWriter(
            sys.stdout, fieldnames=["published_at", "site", "left", "word", "right", "url"]
        )
        writer.writeheader()
        writer.writerows(dict(zip(r, spreadsheet_safe(r.values()), strict=True)) for r in rows)
        return 0
    for r in rows:
        print(
            f"{(r['published_at'] or '')[:10]:<10}  {r['site']:<10}  {r['left']:>{args.width}}【{r['word']}】{r['right']}"
        )
        print(f"{'':<22}{r['url']}")
    print(f"{len(rows)} occurrences", file=sys.stderr)
    return 0


def display_width(text: str) -> int:
    """Columns a terminal gives the text: two for wide and full-width characters."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def run_terms(args) -> int:
    from archive.trends import terms

    store = open_store(args)
    try:
        rows = terms(store.db, top=args.top, site=args.site, since=args.since, until=args.until)
    except ImportError:
        raise UsageError("terms needs jieba: pip install 'newsarchive[research]'") from None
    if args.json:
        print_json(rows)
        return 0
    width = max((display_width(r["term"]) for r in rows), default=0)
    for rank, r in enumerate(rows, 1):
        # Padded by how wide the term shows: a Chinese character takes two columns.
        pad = " " * (width - display_width(r["term"]))
        print(f"{rank:>4}  {r['term']}{pad}  {r['count']:>8}  in {r['articles']} articles")
    return 0


def _trend_options(parser) -> None:
    parser.add_argument("words", nargs="*", metavar="WORD")
    parser.add_argument("--by", choices=["day", "week", "month"], default="month")
    selection_options(parser)
    parser.add_argument(
        "--deleted",
        action="store_true",
        help="count deleted articles per period of their deletion (deleted_at), not articles per "
        "publication date; --since/--until then select by deletion day; no WORD: every deletion",
    )
    json_option(parser, 'print [{"period", "word", "count"}]')
    chart = parser.add_mutually_exclusive_group()
    chart.add_argument("--svg", metavar="FILE", help="draw a line chart as SVG")
    chart.add_argument("--png", metavar="FILE", help="draw a line chart as PNG")


def _kwic_options(parser) -> None:
    parser.add_argument("word")
    parser.add_argument(
        "--width", type=whole(0, 1000), default=20, help="characters either side (default 20; at most 1000)"
    )
    parser.add_argument(
        "--limit", type=whole(0, 10**9), default=100, help="occurrences at most (0: all; default 100)"
    )
    parser.add_argument("--site")
    parser.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")


def _terms_options(parser) -> None:
    parser.add_argument("--top", type=whole(1, 10**6), default=50, help="the N most frequent (default 50)")
    selection_options(parser)
    json_option(parser)


COMMANDS = [
    Command(
        "trend",
        help="articles containing each word, per day, week or month (table, JSON, chart)",
        description="Count the articles containing each word (either script, exact) per period of "
        "their publication date; --svg/--png draw a line chart.",
        options=_trend_options,
        run=run_trend,
    ),
    Command(
        "kwic",
        help="every occurrence of a word with its context, date, site and URL",
        description="Keyword in context: each occurrence of WORD (either script) with WIDTH characters "
        "either side, newest articles first.",
        options=_kwic_options,
        run=run_kwic,
    ),
    Command(
        "terms",
        help="the most frequent words of the articles (Chinese word segmentation)",
        description="Top terms of the normalised text, segmented with jieba, stop words left out.",
        options=_terms_options,
        run=run_terms,
    ),
]
