"""Golden extraction fixtures: one folder per case (page.html, meta.json, expected.json).

    python -m tests.extract_cases [CASE]

prints what the extractor now returns for each case, for review before updating expected.json.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.extract import extract

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
# The keys of the SPEC's `extract` JSON object, written out (not derived from the code).
SPEC_KEYS = frozenset(
    {
        "url",
        "title",
        "published_at",
        "source",
        "authors",
        "editor",
        "dateline",
        "body",
        "images",
        "related",
        "script",
        "title_norm",
        "body_norm",
        "lang",
        "encoding",
        "is_article",
        "article_score",
    }
)
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def cases() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / "page.html").exists())


def run_case(name: str):
    folder = FIXTURES / name
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    raw = (folder / "page.html").read_bytes()
    return extract(meta.get("url"), raw, content_type=meta.get("content_type"), now=NOW)


def main(argv: list[str]) -> int:
    for name in argv or cases():
        print(f"== {name}")
        print(json.dumps(run_case(name).to_dict(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
