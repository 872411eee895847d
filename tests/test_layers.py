"""The layout holds: no module imports back up the layers, SQL goes through the store, the
store opens without the extractor, and the article columns are written out once."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PACKAGES = ("archive", "crawler", "spiders", "pipelines")


def _modules() -> dict[str, ast.Module]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    """Every module imported anywhere in the file, inside functions too."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# (modules, what they must never import)
RULES = [
    (("crawler.extract",), ("scrapy", "archive", "spiders", "pipelines", "crawler.commands", "crawler.cli")),
    (("archive",), ("spiders", "pipelines", "crawler.commands", "crawler.cli")),
    (("archive.store",), ("scrapy", "crawler.extract.extractor", "archive.capture", "archive.rawhttp")),
    (("crawler.commands",), ("crawler.cli",)),
    (("spiders", "pipelines"), ("crawler.commands", "crawler.cli")),
    (("crawler.paths", "crawler.errors", "crawler.text", "crawler.searchtext"), ("archive", "scrapy")),
]


@pytest.mark.parametrize(("owners", "forbidden"), RULES, ids=[r[0][0] for r in RULES])
def test_no_module_imports_up_the_layers(owners, forbidden):
    wrong = [
        f"{module} imports {name}"
        for module, tree in MODULES.items()
        if _under(module, *owners)
        for name in _imports(tree)
        if _under(name, *forbidden)
    ]
    assert not wrong, wrong


def test_only_the_cli_entry_points_import_the_cli():
    users = {m for m, tree in MODULES.items() if any(_under(n, "crawler.cli") for n in _imports(tree))}
    assert users <= {"crawler.__main__"}, users


def test_sql_goes_through_the_store():
    """Commands, spiders, pipelines and the crawl's components hold no SQL of their own."""
    outside = [
        m
        for m in MODULES
        if _under(m, "crawler", "spiders", "pipelines") and not _under(m, "crawler.extract")
    ]
    wrong = []
    for module in outside:
        source = ast.unparse(MODULES[module])
        if ".execute(" in source or ".db[" in source or "sqlite3.connect" in source:
            wrong.append(module)
    assert not wrong, wrong


def test_opening_the_store_loads_no_extractor_and_no_scrapy():
    code = "import sys, archive.store; print(sorted(m for m in ('lxml', 'opencc', 'scrapy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_article_columns_are_the_table_and_the_row(tmp_path):
    from archive.store import ARTICLE_COLUMNS, ArticleStore, WarcPointer
    from archive.store.articles import article_row
    from crawler.extract.article import Article

    store = ArticleStore(tmp_path / "news.db")
    table = [c.name for c in store.db["articles"].columns]
    store.close()
    row = article_row(
        Article(url="http://a.test/1"),
        site="s",
        crawl_id="c",
        fetched_at="2026-01-01T00:00:00Z",
        warc=WarcPointer("f.warc.gz", 0, "<urn:uuid:1>"),
        digest="d",
        version=1,
    )
    assert sorted(table) == sorted(ARTICLE_COLUMNS) == sorted([*row, "first_seen_at"])


def test_no_function_over_sixty_lines_without_a_reason():
    """A function past 60 lines says why in its docstring ("Long on purpose: ...")."""
    long = []
    for module, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                reason = "long on purpose" in (ast.get_docstring(node) or "").lower()
                if size > 60 and not reason:
                    long.append(f"{module}.{node.name}: {size} lines")
    assert not long, long
