"""pywb replays the crawl's WARC files and its WACZ (pywb lives in its own venv: it pins redis 2.10)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from crawler.demo.site import build_articles, build_site
from tests.conftest import ROOT, crawl_demo, run_cli

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
def crawled_twice(demo_site, tmp_path_factory):
    """The demo crawled, then crawled again with every article inside the refetch window: the
    second run's answers are 304s, so the newest capture of every article page, photo,
    stylesheet and script is a server-not-modified revisit."""
    data = tmp_path_factory.mktemp("twice")
    first = crawl_demo(demo_site, data)
    assert first.returncode == 0, first.stderr
    second = crawl_demo(demo_site, data, "--refetch-window", "400")
    assert second.returncode == 0, second.stderr
    return {"url": demo_site, "data": data}


def _start_wayback(bin_dir: Path, root: Path, commands) -> tuple[subprocess.Popen, str]:
    """pywb's wayback on a free port over the collections `commands` (wb-manager's) make."""
    for cmd in commands:
        subprocess.run([str(bin_dir / "wb-manager"), *cmd], cwd=root, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        # To a file: pywb logs every request on stderr, and an unread pipe fills after a
        # hundred or so, which stalls the server.
        stderr=(root / "wayback.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            return proc, base
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, (root / "wayback.log").read_text()
            time.sleep(0.3)


@pytest.fixture(scope="module")
def wayback(crawled_twice, tmp_path_factory):
    bin_dir = pywb_venv()
    data = crawled_twice["data"]
    root = tmp_path_factory.mktemp("pywb")
    wacz = root / "demo.wacz"
    result = run_cli("export", "--format", "wacz", "--out", str(wacz), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    warcs = sorted(str(p) for p in (data / "warc").rglob("*.warc.gz"))
    proc, base = _start_wayback(
        bin_dir,
        root,
        (
            ["init", "warcs"],
            ["add", "warcs", *warcs],
            ["init", "wacz"],
            ["add", "--unpack-wacz", "wacz", str(wacz)],
        ),
    )
    yield base, crawled_twice["url"]
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


def _article_photos(article, pages) -> list[str]:
    """The photos the pages of an article show (not every page has one)."""
    from crawler.demo.site import picture_path

    shown = []
    for n in range(1, article.pages + 1):
        photo = picture_path(article, n)
        if photo in pages and photo.encode() in pages[article.page_path(n)].body:
            shown.append(photo)
    return shown


def _newest_captures(data: Path) -> dict[str, str]:
    """URL -> WARC-Date of its newest capture, for the URLs whose newest capture is a 304 revisit."""
    import sqlite3

    db = sqlite3.connect(data / "news.db")
    rows = db.execute(
        "select url, fetched_at, status from captures c where fetched_at = "
        "(select max(fetched_at) from captures where url = c.url)"
    ).fetchall()
    db.close()
    return {url: at for url, at, status in rows if status == 304}


@pytest.mark.parametrize("collection", ["warcs", "wacz"])
def test_the_newest_capture_replays_after_a_second_crawl(wayback, crawled_twice, collection):
    """Asked with no time (the newest capture), every page of every article, its photos, the
    stylesheet and the script replay with status 200 and the bytes the server sent, though
    their newest capture is the second crawl's 304 (a server-not-modified revisit)."""
    base, site = wayback
    articles = build_articles()
    pages = build_site(articles)
    paths = ["/static/site.css", "/static/site.js"]
    for article in articles:
        paths += [article.page_path(n) for n in range(1, article.pages + 1)]
    revisited = _newest_captures(crawled_twice["data"])
    assert {site + p for p in paths} <= set(revisited)  # the case this test is about
    # The photos of an unchanged page are not asked again in that run: their newest capture is
    # the first crawl's; they must replay all the same.
    photos = [p for a in articles for p in _article_photos(a, pages)]
    assert len(photos) > len(articles)
    wrong = []
    for path in dict.fromkeys(paths + photos):
        try:
            with urllib.request.urlopen(f"{base}/{collection}/id_/{site}{path}", timeout=10) as resp:
                stamp, body = resp.headers["Memento-Datetime"], resp.read()
        except urllib.error.HTTPError as exc:
            wrong.append((path, exc.code))
            continue
        except OSError as exc:
            wrong.append((path, str(exc)))
            continue
        if body != pages[path].body:
            wrong.append((path, "other bytes"))
        # pywb served the second crawl's capture (resolved to the first crawl's bytes), not an older one
        served = parsedate_to_datetime(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")
        if site + path in revisited and served != revisited[site + path]:
            wrong.append((path, f"capture of {stamp}"))
    assert not wrong


def test_the_last_live_capture_of_a_deleted_article_replays(tmp_path):
    """Three demo articles taken down (edition 3): each is listed by `deleted`, and pywb replays
    its last live capture, found by the WARC record `deleted` names, with the original bytes."""
    import json

    from warcio.archiveiterator import ArchiveIterator

    from crawler.demo.site import TAKEN_DOWN

    data = tmp_path / "data"
    for extra in ((), ("--edition", "3", "--now", "+2h"), ("--edition", "3", "--now", "+4h")):
        result = run_cli("demo", "--quiet", "--data-dir", str(data), *extra)
        assert result.returncode == 0, result.stderr
    gone = json.loads(run_cli("deleted", "--json", "--data-dir", str(data)).stdout)
    assert len(gone) == len(TAKEN_DOWN)
    root = tmp_path / "pywb"
    root.mkdir()
    warcs = sorted(str(p) for p in (data / "warc").rglob("*.warc.gz"))
    proc, base = _start_wayback(pywb_venv(), root, (["init", "gone"], ["add", "gone", *warcs]))
    pages = build_site(build_articles())
    try:
        for row in gone:
            with (data / "warc" / row["warc_file"]).open("rb") as fh:
                fh.seek(row["warc_offset"])
                date = next(iter(ArchiveIterator(fh))).rec_headers["WARC-Date"]
            stamp = "".join(c for c in date if c.isdigit())[:14]
            with urllib.request.urlopen(f"{base}/gone/{stamp}id_/{row['url']}", timeout=10) as resp:
                path = row["url"].removeprefix("http://demo.newsarchive.test")
                assert resp.status == 200 and resp.read() == pages[path].body, row["url"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
