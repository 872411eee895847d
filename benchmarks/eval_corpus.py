"""`make eval`: newsarchive's extractor against trafilatura on ../shared/corpus, same run.

Runs `newsarchive extract --batch` over the corpus, scores it with the corpus scorer, then
does the same with trafilatura (a benchmark-only dependency), and prints both with ms/page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("NEWSARCHIVE_CORPUS", ROOT.parent / "shared" / "corpus"))
SCORER = CORPUS.parent / "tools" / "score_extraction.py"


def score(predictions: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), str(CORPUS), str(predictions)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def run_ours(pages: list[Path], out: Path) -> float:
    listing = out.with_suffix(".list.jsonl")
    listing.write_text(
        "".join(json.dumps({"path": str(p), "url": _url(p)}) + "\n" for p in pages), encoding="utf-8"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "extract", "--batch", str(listing)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    out.write_text(result.stdout, encoding="utf-8")
    if result.returncode:
        print(result.stderr, file=sys.stderr)
    return elapsed


def _url(page: Path) -> str | None:
    truth = page.parent / "truth.json"
    return json.loads(truth.read_text(encoding="utf-8")).get("url") if truth.exists() else None


def time_ours_in_process(pages: list[Path]) -> float:
    from crawler.extract import extract

    raws = [(p.read_bytes(), _url(p)) for p in pages]
    extract(raws[0][1], raws[0][0])  # warm OpenCC and lxml up
    start = time.perf_counter()
    for raw, url in raws:
        extract(url, raw)
    return (time.perf_counter() - start) / len(raws) * 1000


def run_trafilatura(pages: list[Path], out: Path) -> float | None:
    try:
        import trafilatura
    except ImportError:
        return None
    from crawler.decode import decode_html

    lines, total = [], 0.0
    for page in pages:
        html = decode_html(page.read_bytes()).text
        start = time.perf_counter()
        data = trafilatura.bare_extraction(html, url=_url(page), with_metadata=True)
        total += time.perf_counter() - start
        data = data.as_dict() if hasattr(data, "as_dict") else (data or {})
        lines.append(
            json.dumps(
                {
                    "path": str(page),
                    "title": data.get("title"),
                    "published_at": data.get("date"),
                    "authors": data.get("author"),
                    "body": data.get("text"),
                },
                ensure_ascii=False,
            )
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total / len(pages) * 1000


def main() -> int:
    if not (CORPUS.is_dir() and SCORER.exists()):
        print(f"make eval: no corpus at {CORPUS} (set NEWSARCHIVE_CORPUS); skipped")
        return 0
    pages = sorted(CORPUS.glob("*/page.html"))
    keys = ["body_f1", "body_p", "body_r", "title_ok", "date_ok", "author_ok", "boilerplate_out", "missing"]
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "ours.jsonl"
        run_ours(pages, ours)
        ms_ours = time_ours_in_process(pages)
        rows = {"newsarchive": (score(ours), ms_ours)}
        theirs = Path(tmp) / "trafilatura.jsonl"
        ms_theirs = run_trafilatura(pages, theirs)
        if ms_theirs is not None:
            rows["trafilatura"] = (score(theirs), ms_theirs)
    print(f"{len(pages)} pages from {CORPUS}")
    print(f"{'extractor':<14}" + "".join(f"{k:>16}" for k in keys) + f"{'ms/page':>10}")
    for name, (summary, ms) in rows.items():
        print(f"{name:<14}" + "".join(f"{summary.get(k)!s:>16}" for k in keys) + f"{ms:>10.1f}")
    if "trafilatura" not in rows:
        print("trafilatura is not installed: pip install trafilatura==2.3.1 to compare")
    else:
        print(f"speed: newsarchive is {rows['trafilatura'][1] / rows['newsarchive'][1]:.1f}x trafilatura's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
