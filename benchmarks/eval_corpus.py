"""`make eval`: newsarchive's extractor against trafilatura on ../shared/corpus, same run.

Runs `newsarchive extract --batch` over the corpus, scores it with the corpus scorer, then
does the same with trafilatura (a benchmark-only dependency), and prints both with ms/page:
over all pages, per language, per source, and on the two halves of the corpus. Then the
corpus again with one change real sites make at a time (benchmarks/perturb.py), and the
Traditional/Big5 variants. The halves
split every source's cases by a hash of their name: rules are tuned on the "tune" half and
only checked on the other, so a change that helps one half and not the other is overfitting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("NEWSARCHIVE_CORPUS", ROOT.parent / "shared" / "corpus"))
SCORER = CORPUS.parent / "tools" / "score_extraction.py"


def score(predictions: Path, corpus: Path = CORPUS) -> dict:
    """The scorer's summary, with its per-case rows under "cases"."""
    per_case = predictions.with_suffix(".scores.json")
    subprocess.run(
        [sys.executable, str(SCORER), str(corpus), str(predictions), "--json", str(per_case)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(per_case.read_text(encoding="utf-8"))
    return {**data["summary"], "cases": data["cases"]}


def half(case: str) -> str:
    """The half of the corpus a case is in: "tune" or "check" (stable, about half of each source)."""
    return "tune" if zlib.crc32(case.encode()) % 2 == 0 else "check"


def groups(corpus: Path) -> dict[str, list[str]]:
    """Named groups of cases: languages, sources, the two halves and each half per language."""
    out: dict[str, list[str]] = {}
    for truth_file in sorted(corpus.glob("*/truth.json")):
        case = truth_file.parent.name
        lang = json.loads(truth_file.read_text(encoding="utf-8")).get("lang") or "?"
        lang = "en" if lang.startswith("en") else "zh" if lang.startswith("zh") else lang
        for name in (
            f"lang {lang}",
            f"{half(case)}",
            f"{half(case)} {lang}",
            f"source {case.rsplit('-', 1)[0]}",
        ):
            out.setdefault(name, []).append(case)
    return dict(sorted(out.items()))


def mean_of(cases: dict, names: list[str], key: str) -> float | None:
    values = [float(cases[n][key]) for n in names if n in cases and key in cases[n]]
    return round(sum(values) / len(values), 3) if values else None


def print_groups(rows: dict, corpus: Path, keys: list[str]) -> None:
    """Each group's scores, newsarchive's and trafilatura's side by side."""
    names = list(rows)
    print(f"\n{'group':<18}{'n':>4}" + "".join(f"{k:>18}" for k in keys))
    print(f"{'':<22}" + "".join(f"{' / '.join(n[:5] for n in names):>18}" for _ in keys))
    for group, cases in groups(corpus).items():
        cells = []
        for key in keys:
            values = [mean_of(rows[name][0]["cases"], cases, key) for name in names]
            cells.append(" / ".join("  -  " if v is None else f"{v:.3f}" for v in values))
        print(f"{group:<18}{len(cases):>4}" + "".join(f"{c:>18}" for c in cells))


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


def evaluate(corpus: Path, keys: list[str], label: str) -> dict[str, tuple[dict, float]]:
    pages = sorted(corpus.glob("*/page.html"))
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "ours.jsonl"
        run_ours(pages, ours)
        rows = {"newsarchive": (score(ours, corpus), time_ours_in_process(pages))}
        theirs = Path(tmp) / "trafilatura.jsonl"
        ms = run_trafilatura(pages, theirs)
        if ms is not None:
            rows["trafilatura"] = (score(theirs, corpus), ms)
        norm = body_norm_f1(ours, corpus)
    print(f"\n{label}: {len(pages)} pages from {corpus}")
    print(f"{'extractor':<14}" + "".join(f"{k:>16}" for k in keys) + f"{'ms/page':>10}")
    for name, (summary, ms) in rows.items():
        print(f"{name:<14}" + "".join(f"{summary.get(k)!s:>16}" for k in keys) + f"{ms:>10.1f}")
    if norm is not None:
        print(f"newsarchive body_norm against the Simplified original (body_hans): F1 {norm:.4f}")
    return rows


def body_norm_f1(predictions: Path, corpus: Path) -> float | None:
    """Variants only: how well body_norm (our OpenCC t2s) gives back the original Simplified text."""
    sys.path.insert(0, str(SCORER.parent))
    from score_extraction import prf

    scores = []
    for line in predictions.read_text(encoding="utf-8").splitlines():
        pred = json.loads(line)
        truth = json.loads((Path(pred["path"]).parent / "truth.json").read_text(encoding="utf-8"))
        if truth.get("body_hans"):
            scores.append(prf(pred.get("body_norm") or "", truth["body_hans"])[2])
    return sum(scores) / len(scores) if scores else None


def _garbled(page: Path) -> bool:
    """A page that is mostly U+FFFD replacement characters (raw, or as Big5's &#65533;)."""
    raw = page.read_bytes()
    return raw.count("\ufffd".encode()) + raw.count(b"&#65533;") > 100


def robustness(base: dict) -> None:
    """The corpus with one thing real sites vary changed at a time (benchmarks/perturb.py),
    scored like the corpus itself, per language: a drop is a rule that holds only on the
    pages as they are."""
    from perturb import CHANGES

    keys = ["body_f1", "body_p", "title_ok", "date_ok", "author_ok"]
    langs = {k.split()[1]: v for k, v in groups(CORPUS).items() if k.startswith("lang ")}
    print("\nRobustness: the corpus with one change real sites make (newsarchive, zh | en)")
    print(f"{'change':<16}" + "".join(f"{k:>16}" for k in keys) + "  what changed")

    def row(name: str, cases: dict, note: str) -> None:
        cells = [" | ".join(_cell(mean_of(cases, langs[lang], key)) for lang in ("zh", "en")) for key in keys]
        print(f"{name:<16}" + "".join(f"{c:>16}" for c in cells) + f"  {note}")

    row("(as it is)", base["cases"], "")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (note, change) in CHANGES.items():
            corpus = Path(tmp) / name
            for truth_file in sorted(CORPUS.glob("*/truth.json")):
                lang = json.loads(truth_file.read_text(encoding="utf-8")).get("lang") or ""
                case = corpus / truth_file.parent.name
                case.mkdir(parents=True)
                (case / "truth.json").symlink_to(truth_file)
                raw = (truth_file.parent / "page.html").read_bytes()
                (case / "page.html").write_bytes(change(raw, "en" if lang.startswith("en") else "zh"))
            out = Path(tmp) / f"{name}.jsonl"
            run_ours(sorted(corpus.glob("*/page.html")), out)
            row(name, score(out, corpus)["cases"], note)


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def make_variants(out: Path) -> Path | None:
    tool = SCORER.parent / "make_variants.py"
    if not tool.exists():
        return None
    subprocess.run([sys.executable, str(tool), str(CORPUS), str(out)], check=True, capture_output=True)
    return out


def main() -> int:
    if not (CORPUS.is_dir() and SCORER.exists()):
        print(f"make eval: no corpus at {CORPUS} (set NEWSARCHIVE_CORPUS); skipped")
        return 0
    keys = ["body_f1", "body_p", "body_r", "title_ok", "date_ok", "author_ok", "boilerplate_out", "missing"]
    rows = evaluate(CORPUS, keys, "corpus")
    print_groups(rows, CORPUS, ["body_f1", "body_p", "title_ok", "date_ok", "author_ok"])
    if "trafilatura" in rows:
        print(f"speed: newsarchive is {rows['trafilatura'][1] / rows['newsarchive'][1]:.1f}x trafilatura's")
    else:
        print("trafilatura is not installed: pip install trafilatura==2.3.1 to compare")
    robustness(rows["newsarchive"][0])
    with tempfile.TemporaryDirectory() as tmp:
        variants = make_variants(Path(tmp) / "variants")
        if variants is not None:
            for kind in ("hant", "big5"):
                subset, readable = Path(tmp) / kind, Path(tmp) / f"{kind}-readable"
                subset.mkdir()
                readable.mkdir()
                garbled = []
                for case in variants.glob(f"*-{kind}"):
                    (subset / case.name).symlink_to(case)
                    if _garbled(case / "page.html"):
                        garbled.append(case.name)
                    else:
                        (readable / case.name).symlink_to(case)
                evaluate(subset, keys[:3] + ["missing"], f"Traditional variants ({kind})")
                if garbled:
                    # make_variants.py decodes a page as UTF-8 unless its truth says gb18030: a GBK
                    # page without that key comes out as replacement characters, text no
                    # extractor can read. The score without those pages is the extractor's own.
                    print(f"  {', '.join(sorted(garbled))}: made from bytes the tool could not decode")
                    evaluate(
                        readable, keys[:3] + ["missing"], f"Traditional variants ({kind}), readable pages"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
