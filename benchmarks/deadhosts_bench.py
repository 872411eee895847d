"""A crawl whose pages load requisites from hosts that cannot be reached (names that do not
resolve, a port that refuses), against the same crawl with requisites off (target: 1.3x).

Before the run remembered dead hosts, every requisite was tried three times with backoff, and
each host failed again for each of its URLs (2.6x here, 7 minutes for 81 articles elsewhere).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from crawl_bench import run_measured  # noqa: E402

from tests.deadhosts import serve  # noqa: E402

ROUNDS = 3


def crawl(base: str, data: Path, requisites: str) -> float:
    cmd = [sys.executable, "-m", "crawler", "crawl", "--start-url", base + "/", "--data-dir", str(data),
           "--allow-private-addresses", "--delay", "0", "--quiet", "--set", f"NEWSARCHIVE_REQUISITES={requisites}"]  # fmt: skip
    seconds, _, _ = run_measured(cmd)
    return seconds


def main(articles: int = 80, per_host: int = 12) -> None:
    server, base, _ = serve(articles, per_host)
    try:
        times = {"all": [], "off": []}
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(ROUNDS):
                for mode in ("off", "all") if n % 2 == 0 else ("all", "off"):
                    times[mode].append(crawl(base, Path(tmp) / f"{mode}-{n}", mode))
    finally:
        server.shutdown()
    best = {mode: min(values) for mode, values in times.items()}
    print(
        f"dead requisite hosts ({articles} articles, {per_host * 4} requisites each on 4 unreachable hosts): "
        f"{best['all']:.1f} s against {best['off']:.1f} s with requisites off, "
        f"{best['all'] / best['off']:.2f}x (target 1.3x)"
    )


if __name__ == "__main__":
    main()
