"""pywb replays the crawl's WARC files and its WACZ (pywb lives in its own venv: it pins redis 2.10)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crawler.demo.site import build_articles, build_site
from tests.conftest import ROOT, run_cli

PYWB_VENV = ROOT / ".venv-pywb"
PYWB = "pywb==2.10.0"


def pywb_venv() -> Path:
    bin_dir = PYWB_VENV / "bin"
    if not (bin_dir / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PYWB_VENV)], check=True)
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True
        )
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", PYWB], check=True)
    return bin_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def wayback(demo_crawl, tmp_path_factory):
    bin_dir = pywb_venv()
    data = demo_crawl["data"]
    root = tmp_path_factory.mktemp("pywb")
    wacz = root / "demo.wacz"
    result = run_cli("export", "--format", "wacz", "--out", str(wacz), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    warcs = sorted(str(p) for p in (data / "warc").rglob("*.warc.gz"))
    for cmd in (
        ["init", "warcs"],
        ["add", "warcs", *warcs],
        ["init", "wacz"],
        ["add", "--unpack-wacz", "wacz", str(wacz)],
    ):
        subprocess.run([str(bin_dir / "wb-manager"), *cmd], cwd=root, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.3)
    yield base, demo_crawl["url"]
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("collection", ["warcs", "wacz"])
@pytest.mark.parametrize("channel", ["local", "finance", "culture"])  # UTF-8, GBK, Big5
def test_pywb_replays_archived_articles(wayback, collection, channel):
    base, site = wayback
    articles = build_articles()
    pages = build_site(articles)
    article = next(a for a in articles if a.channel == channel)
    with urllib.request.urlopen(f"{base}/{collection}/2026id_/{site}{article.path}", timeout=10) as resp:
        body = resp.read()
    assert body == pages[article.path].body  # the original bytes, as served


@pytest.mark.parametrize("collection", ["warcs", "wacz"])
def test_pywb_replays_an_articles_photo_and_stylesheet(wayback, collection):
    """The photo of an article (and the site's stylesheet) are in the archive: pywb serves
    them byte for byte, so a replayed article shows its picture."""
    from crawler.demo.site import picture_path

    base, site = wayback
    articles = build_articles()
    pages = build_site(articles)
    article = next(a for a in articles if a.pages > 1)
    for path in (picture_path(article), picture_path(article, 2), "/static/site.css"):
        with urllib.request.urlopen(f"{base}/{collection}/2026id_/{site}{path}", timeout=10) as resp:
            assert resp.read() == pages[path].body, path


def test_pywb_replays_a_later_page_of_an_article(wayback):
    base, site = wayback
    articles = build_articles()
    pages = build_site(articles)
    article = next(a for a in articles if a.pager == "query")  # ?page=2 of a Big5 article
    path = article.page_path(2)
    with urllib.request.urlopen(f"{base}/warcs/2026id_/{site}{path}", timeout=10) as resp:
        assert resp.read() == pages[path].body
