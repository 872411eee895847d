"""One crawl per site at a time: an advisory lock file per site in the data directory.

flock() locks die with their process, so a crawl killed with SIGKILL never leaves a lock
that blocks the next run. A process that holds a site's lock may ask for it again.
"""

from __future__ import annotations

import fcntl
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from crawler.errors import NewsarchiveError

_HELD: dict[str, int] = {}


class SiteLocked(NewsarchiveError, RuntimeError):
    """Another live process is crawling this site."""


def lock_path(data_dir: Path | str, site: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", site)  # a site name can never leave the locks folder
    return Path(data_dir) / "locks" / f"{safe}.lock"


def acquire(data_dir: Path | str, site: str) -> Path:
    path = lock_path(data_dir, site)
    key = str(path.resolve()) if path.exists() else str(path.absolute())
    if key in _HELD:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown process"
        os.close(fd)
        raise SiteLocked(
            f"another crawl of {site.split('.')[0]!r} is running ({holder}); not starting a second one"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}".encode(), 0)
    _HELD[str(path.resolve())] = fd
    return path


def acquire_warc_folder(warc_root: Path | str, site: str, prefix: str | None) -> Path:
    """Lock a site's WARC folder for one writer (one file-name prefix): two crawls that share
    a WARC folder through different databases must not write, or repair, each other's files.
    Shared-crawl workers each have their own prefix, so they never wait on each other."""
    return acquire(warc_root, f"{site}.{prefix or 'newsarchive'}")


def lock_crawl(settings, site: str) -> None:
    """Take a crawl's locks: its site in the data directory, and its writer's WARC folder.
    Raises SiteLocked when another live process holds either."""
    from crawler.paths import db_path, warc_dir

    acquire(db_path(settings).parent, site)
    acquire_warc_folder(warc_dir(settings), site, settings.get("ARCHIVE_WARC_PREFIX"))


def is_locked(data_dir: Path | str, site: str) -> bool:
    """Whether a live process holds the site's crawl lock in this data directory."""
    path = lock_path(data_dir, site)
    if not path.exists():
        return False
    return _held_elsewhere(path)


def _held_elsewhere(path: Path) -> bool:
    if str(path.resolve()) in _HELD:
        return True
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def running_site(data_dir: Path | str) -> str | None:
    """A site some live process holds the lock of in this data directory, or None."""
    for path in sorted((Path(data_dir) / "locks").glob("*.lock")):
        if _held_elsewhere(path):
            return path.stem
    return None


def release_all() -> None:
    for fd in _HELD.values():
        os.close(fd)
    _HELD.clear()
