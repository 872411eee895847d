"""Where the database and WARC files live, from settings or command-line options."""

from __future__ import annotations

from pathlib import Path


def safe_name(text: str, fallback: str = "x", limit: int = 64) -> str:
    """A file-name component from anything (a site name, a host, a setting): no separators, no
    `..`, no leading dot, so that a path built from it cannot leave its folder."""
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)[:limit].lstrip(".")
    return name.replace("..", "-") or fallback


def inside(root: Path, *parts: str) -> Path:
    """root/parts, refusing a result outside root (a last check where names come from outside)."""
    path = Path(root).joinpath(*parts)
    if not path.resolve().is_relative_to(Path(root).resolve()):
        raise ValueError(f"{path} is outside {root}")
    return path


def db_path(settings) -> Path:
    return Path(
        settings.get("NEWSARCHIVE_DB") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "news.db"
    )


def warc_dir(settings) -> Path:
    return Path(
        settings.get("ARCHIVE_WARC_DIR") or Path(settings.get("NEWSARCHIVE_DATA_DIR") or "data") / "warc"
    )
