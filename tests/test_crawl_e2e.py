"""End to end: a real Scrapy crawl of the demo site over 127.0.0.1, judged on rows and WARC records."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.demo.site import BROKEN_PATH, PRIVATE_PATH, build_articles
from crawler.text import convert, detect_script

DEMO = build_articles()
BOILERPLATE = [
    "發表了評論",
    "发表了评论",
    "進入圖片頻道",
    "进入图片频道",
    "一周熱點新聞",
    "一周热点新闻",
    "責任編輯",
    "责任编辑",
    "分享到",
    "微博",
    "QQ空間",
    "QQ空间",
    "相關新聞",
    "相关新闻",
    "版权所有",
    "版權所有",
]


def rows(data: Path, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(data / "news.db")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_every_demo_article_stored_once_with_all_fields(demo_crawl):
    data, base = demo_crawl["data"], demo_crawl["url"]
    articles = {r["url"]: r for r in rows(data, "select * from articles")}
    assert len(articles) == len(DEMO) >= 40
    for expected in DEMO:
        row = articles[base + expected.path]
        assert row["title"] == expected.title  # GBK and Big5 pages decoded without mojibake
        assert row["published_at"] == expected.published.isoformat()
        assert row["published_at"].endswith("+08:00")
        assert row["source"] == expected.source
        assert json.loads(row["authors"]) == expected.reporters
        assert row["editor"] == expected.editor
        assert row["dateline"] and row["dateline"] in expected.paragraphs[0]
        assert row["body"] == "\n".join(expected.paragraphs)
        assert row["version"] == 1
        assert json.loads(row["images"])[0]["caption"] == expected.caption


def test_bodies_hold_no_boilerplate(demo_crawl):
    for row in rows(demo_crawl["data"], "select url, body from articles"):
        for phrase in BOILERPLATE:
            assert phrase not in row["body"], (row["url"], phrase)


def test_traditional_pages_are_normalised_to_simplified(demo_crawl):
    trad = rows(demo_crawl["data"], "select * from articles where script = 'hant'")
    assert len(trad) == sum(a.script == "hant" for a in DEMO) > 0
    for row in trad:
        assert row["title_norm"] == convert(row["title"], "hans") != row["title"]
        assert detect_script(row["body_norm"]) == "hans"
        assert detect_script(row["body"]) == "hant"  # the original is kept


def test_related_lists_are_stored(demo_crawl):
    data, base = demo_crawl["data"], demo_crawl["url"]
    by_id = {a.id: a for a in DEMO}
    for expected in DEMO:
        related = rows(
            data, "select * from related where article_url = ? order by position", [base + expected.path]
        )
        want = [base + by_id[r].path for r in expected.related]
        assert [r["url"] for r in related][: len(want)] == want
        assert all(r["title"] and r["published_at"] for r in related)


def test_warc_files_pass_warcio_check(demo_crawl):
    files = sorted((demo_crawl["data"] / "warc" / "demo").glob("*.warc.gz"))
    assert files and not list((demo_crawl["data"] / "warc").rglob("*.open"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_article_rows_point_at_their_response_records(demo_crawl):
    data = demo_crawl["data"]
    for row in rows(data, "select url, body, warc_filename, warc_offset, warc_record_id from articles"):
        with (data / "warc" / row["warc_filename"]).open("rb") as fh:
            fh.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
            assert record.rec_headers.get_header("WARC-Record-ID") == row["warc_record_id"]
            assert record.http_headers.get_statuscode() == "200"
            assert record.content_stream().read()  # the page itself is there


def test_every_fetch_has_a_request_response_pair(demo_crawl):
    files = sorted((demo_crawl["data"] / "warc" / "demo").glob("*.warc.gz"))
    responses, concurrent = set(), set()
    uris = []
    for path in files:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    responses.add(record.rec_headers.get_header("WARC-Record-ID"))
                    uris.append(record.rec_headers.get_header("WARC-Target-URI"))
                elif record.rec_type == "request":
                    concurrent.add(record.rec_headers.get_header("WARC-Concurrent-To"))
    assert responses == concurrent
    base = demo_crawl["url"]
    assert base + "/robots.txt" in uris
    assert base + "/go/top-story" in uris  # the redirect itself is archived, not only its target
    assert base + BROKEN_PATH in uris  # so is the 404


def test_robots_disallowed_page_never_fetched_and_broken_link_is_a_failure(demo_crawl):
    data, base = demo_crawl["data"], demo_crawl["url"]
    assert not rows(data, "select * from captures where url like ?", [f"%{PRIVATE_PATH}"])
    failures = rows(data, "select * from failures")
    assert [(f["url"], f["stage"], f["reason"]) for f in failures] == [
        (base + BROKEN_PATH, "fetch", "HTTP 404")
    ]
    crawl = rows(data, "select * from crawls")[0]
    assert crawl["status"] == "finished" and crawl["errors"] == 1
    assert crawl["articles_new"] == len(DEMO) and crawl["pages"] >= len(DEMO)


def test_quiet_crawl_reports_only_failures(demo_crawl):
    out = demo_crawl["result"]
    assert "HTTP 404" in out.stdout + out.stderr  # the broken link is reported even with --quiet
    assert "..." not in out.stderr  # no progress lines


def test_each_closed_warc_file_has_its_cdxj_index(demo_crawl, tmp_path):
    from archive.cdxj import index_path
    from tests.conftest import assert_indexes_match_cdxj_indexer

    assert assert_indexes_match_cdxj_indexer(demo_crawl["data"], tmp_path) >= 1
    for warc in (demo_crawl["data"] / "warc" / "demo").glob("*.warc.gz"):
        lines = index_path(warc).read_text(encoding="utf-8").splitlines()
        with warc.open("rb") as fh:
            wanted = sum(r.rec_type in ("response", "revisit") for r in ArchiveIterator(fh))
        assert len(lines) == wanted and lines == sorted(lines)


def test_wacz_package(demo_crawl, tmp_path):
    import hashlib
    import zipfile

    from tests.conftest import run_cli

    out = tmp_path / "demo.wacz"
    result = run_cli("export", "--format", "wacz", "--out", str(out), "--data-dir", str(demo_crawl["data"]))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and resource[
                "bytes"
            ] == len(data)
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert (
            zf.getinfo(
                next(r["path"] for r in package["resources"] if r["path"].startswith("archive/"))
            ).compress_type
            == zipfile.ZIP_STORED
        )
    assert pages[0]["format"] == "json-pages-1.0"
    assert len(pages) - 1 == len(DEMO) and all(p["title"] and p["text"] and p["ts"] for p in pages[1:])


def test_two_sites_in_one_process_share_the_database_and_both_finish(demo_site, tmp_path):
    """`crawl A B` runs both crawlers on one reactor thread: with grouped commits they share one
    connection (two would wait on each other's open write transaction)."""
    import re
    import sqlite3

    from tests.conftest import ROOT, assert_indexes_match_cdxj_indexer, run_cli

    demo = (ROOT / "crawler" / "sites" / "demo.toml").read_text(encoding="utf-8")
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for channel in ("local", "finance"):
        text = demo.replace('name = "demo"', f'name = "demo-{channel}"')
        text = re.sub(
            r"(?ms)^start_urls = \[.*?\]",
            f'start_urls = ["http://demo.newsarchive.test/{channel}/index.html"]',
            text,
        )
        text = re.sub(r"(?m)^(feeds|sitemaps) = .*$", r"\1 = []", text)
        text = text.replace(r"'/[a-z]+/\d{4}", f"'/{channel}/\\d{{4}}").replace(
            r"'/[a-z]+/index(_\d+)?\.html$', '/go/', '/private/'", f"'/{channel}/index(_\\d+)?\\.html$'"
        )
        (profiles / f"demo-{channel}.toml").write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    result = run_cli(
        "crawl",
        "demo-local",
        "demo-finance",
        "--profiles",
        str(profiles),
        "--base-url",
        demo_site,
        "--data-dir",
        str(data),
        "--allow-private-addresses",
        "--delay",
        "0",
        "--quiet",
        timeout=120,  # two connections would stall on each other: fail, do not hang
    )
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(data / "news.db")
    runs = dict(conn.execute("select site, status from crawls").fetchall())
    assert runs == {"demo-local": "finished", "demo-finance": "finished"}
    per_site = dict(conn.execute("select site, count(*) from articles group by site").fetchall())
    assert set(per_site) == {"demo-local", "demo-finance"} and min(per_site.values()) > 0
    wrong = conn.execute(
        "select count(*) from articles where (site = 'demo-local') != (url like '%/local/%')"
    ).fetchone()[0]
    assert wrong == 0
    assert conn.execute("select count(*) from frontier where done_at is null").fetchone()[0] == 0
    assert assert_indexes_match_cdxj_indexer(data, tmp_path / "cdxj") == 2  # a file per site
