"""The README's demo commands, read from the README and run as written after `newsarchive demo`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import ROOT, run_cli


def _blocks(after: str, count: int) -> list[str]:
    """The command lines of the first `count` sh blocks after the line `after`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text[text.index(after) :]
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)[:count]
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _run(line: str, where: Path) -> subprocess.CompletedProcess:
    """One README command line, run by bash as a user would, in `where` (.venv linked in)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (line, result.stderr)
    assert "Traceback" not in result.stderr, line
    return result


def test_the_readmes_demo_commands_run_as_written(tmp_path):
    demo = run_cli("demo", "--data-dir", str(tmp_path / "data"))
    assert demo.returncode == 0, demo.stderr
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    lines = _blocks("The pictures are small PNG scenes", 3)
    assert len(lines) >= 9 and any("crawl demo" in line for line in lines)
    for line in lines:
        result = _run(line, tmp_path)
        if "warcio check" not in line:  # which says nothing when all is well
            assert result.stdout.strip(), line


def test_the_readmes_lifecycle_commands_show_the_taken_down_articles(tmp_path):
    demo = run_cli("demo", "--data-dir", str(tmp_path / "data"), "--quiet")
    assert demo.returncode == 0, demo.stderr
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    lines = _blocks("On the demo (after `make demo`", 1)
    assert any("deleted" in line for line in lines) and any("diff" in line for line in lines)
    out = {line.split()[1]: _run(line, tmp_path).stdout for line in lines}
    from crawler.demo.site import TAKEN_DOWN, build_articles

    paths = {a.id: a.path for a in build_articles(edition=3)}
    listed = re.findall(r"^    (http://\S+)$", out["deleted"], flags=re.M)
    assert sorted(listed) == sorted(f"http://demo.newsarchive.test{paths[i]}" for i in TAKEN_DOWN)
    assert "{+更正：此前报道中的开通日期有误，现已更正。+}" in out["diff"]
    assert "status: deleted" in out["history"]
