"""`newsarchive stats`: articles per site and per day, failures, last crawls; --html for a chart."""

from __future__ import annotations

import html
import sys
from pathlib import Path

from crawler.commands.base import Command, check_output, open_store

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def gather(store) -> dict:
    """What the report shows: per site its articles, versions, failures and last crawl, and the
    articles per publication day."""
    sites = store.site_summaries()
    failures = store.failures_per_site()
    requisites = store.failures_per_site(requisites=True)
    last = {
        site: {
            "id": c["id"],
            "status": c["status"],
            "started_at": c["started_at"],
            "finished_at": c["finished_at"],
            "pages": c["pages"],
            "new": c["articles_new"],
            "changed": c["articles_changed"],
            "errors": c["errors"],
        }
        for site, c in store.last_crawls().items()
    }
    deletions = store.deletions_per_day()
    deleted: dict[str, int] = {}
    for per_site in deletions.values():
        for site, n in per_site.items():
            deleted[site] = deleted.get(site, 0) + n
    for row in sites:
        row["deleted"] = deleted.get(row["site"], 0)
        row["failures"] = failures.get(row["site"], 0)
        row["requisite_failures"] = requisites.get(row["site"], 0)
        row["last_crawl"] = last.get(row["site"])
    return {
        "sites": sites,
        "per_day": store.articles_per_day(),
        "deleted_per_day": deletions,
        "crawl_sites": sorted(last),
    }


def render_text(data: dict, days: int = 14) -> str:
    lines = [
        f"{'site':<16}{'articles':>9}{'versions':>9}{'deleted':>9}{'failures':>9}{'requisites':>11}  "
        f"{'published':<23}  last crawl"
    ]
    for s in data["sites"]:
        crawl = s["last_crawl"]
        crawl_txt = (
            f"{crawl['finished_at'] or crawl['started_at']} {crawl['status']} (+{crawl['new']} new, {crawl['errors']} errors)"
            if crawl
            else "-"
        )
        lines.append(
            f"{s['site']:<16}{s['articles']:>9}{s['versions']:>9}{s['deleted']:>9}{s['failures']:>9}"
            f"{s['requisite_failures']:>11}  "
            f"{(s['first'] or '?') + ' .. ' + (s['last'] or '?'):<23}  {crawl_txt}"
        )
    names = [s["site"] for s in data["sites"]]
    recent = sorted(data["per_day"])[-days:]
    if recent:
        lines += [
            "",
            f"articles per day (last {len(recent)} days with articles)",
            f"{'day':<12}" + "".join(f"{n[:10]:>11}" for n in names),
        ]
        lines += [f"{d:<12}" + "".join(f"{data['per_day'][d].get(n, 0):>11}" for n in names) for d in recent]
    gone = sorted(data["deleted_per_day"])[-days:]
    if gone:
        lines += [
            "",
            f"deletions per day (found gone; last {len(gone)} days with deletions)",
            f"{'day':<12}" + "".join(f"{n[:10]:>11}" for n in names),
        ]
        lines += [
            f"{d:<12}" + "".join(f"{data['deleted_per_day'][d].get(n, 0):>11}" for n in names) for d in gone
        ]
    return "\n".join(lines)


def render_chart(
    data: dict, width: int = 860, height: int = 280, key: str = "per_day", what: str = "articles"
) -> str:
    """An SVG bar chart of articles (or deletions) per day, one colour per site (stacked)."""
    per_day = data[key]
    days = sorted(per_day)
    names = [s["site"] for s in data["sites"]]
    if not days:
        return f"<p>No {what} yet.</p>"
    top = max(sum(per_day[d].values()) for d in days)
    left, bottom, plot_w, plot_h = 40, 30, width - 60, height - 50
    bar = plot_w / len(days)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{what} per day per site">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{left + plot_w}" y2="{height - bottom}" stroke="#888"/>',
    ]
    for tick in range(0, top + 1, max(1, top // 4)):
        y = height - bottom - tick / top * plot_h
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>'
        )
    for i, day in enumerate(days):
        y = height - bottom
        for k, name in enumerate(names):
            n = per_day[day].get(name, 0)
            if not n:
                continue
            h = n / top * plot_h
            y -= h
            parts.append(
                f'<rect x="{left + i * bar + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{html.escape(day)} {html.escape(name)}: {n}</title></rect>'
            )
        if len(days) <= 16 or i % max(1, len(days) // 12) == 0:
            parts.append(
                f'<text x="{left + (i + 0.5) * bar:.1f}" y="{height - 12}" font-size="10" '
                f'text-anchor="middle">{day[5:]}</text>'
            )
    parts.append("</svg>")
    legend = " ".join(
        f'<span style="color:{PALETTE[k % len(PALETTE)]}">&#9632;</span> {html.escape(n)}'
        for k, n in enumerate(names)
    )
    return "".join(parts) + f"<p>{legend}</p>"


def render_html(data: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s['site'])}</td><td>{s['articles']}</td><td>{s['versions']}</td><td>{s['deleted']}</td>"
        f"<td>{s['failures']}</td>"
        f"<td>{s['requisite_failures']}</td><td>{s['first'] or ''} – {s['last'] or ''}</td>"
        f"<td>{html.escape(str((s['last_crawl'] or {}).get('finished_at') or ''))} "
        f"{html.escape(str((s['last_crawl'] or {}).get('status') or ''))}</td></tr>"
        for s in data["sites"]
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>newsarchive stats</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style></head>"
        "<body><h1>newsarchive: articles per day</h1>"
        + render_chart(data)
        + "<h2>Deletions per day</h2>"
        + render_chart(data, key="deleted_per_day", what="deletions found")
        + "<h2>Sites</h2><table><tr><th>site</th><th>articles</th><th>versions</th><th>deleted</th><th>failures</th>"
        "<th>requisites failed</th><th>published</th><th>last crawl</th></tr>"
        + rows
        + "</table></body></html>\n"
    )


def run_stats(args) -> int:
    if args.html:
        check_output(args.html, args, "--html")
    store = open_store(args)
    data = gather(store)
    print(render_text(data))
    if args.html:
        Path(args.html).write_text(render_html(data), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    return 0


def _options(parser) -> None:
    parser.add_argument("--html", metavar="FILE", help="also write an HTML report with a chart")


COMMANDS = [
    Command(
        "stats",
        help="articles per site and per day, failures, last crawls",
        description="Articles per site and per day, failures and last crawl per site.",
        options=_options,
        run=run_stats,
    )
]
