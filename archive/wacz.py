"""WACZ 1.1.1 packages: WARC files, a CDXJ index and pages/pages.jsonl in one zip.

ReplayWeb.page and pywb open it and list the pages (each archived article with its title
and text). https://specs.webrecorder.net/wacz/1.1.1/
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from archive.cdxj import write_index
from crawler import __version__


def _sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return "sha256:" + h.hexdigest(), size


def write_wacz(out: Path, warcs: list[Path], pages: Iterable[dict], title: str) -> int:
    """Write the package; returns the number of pages listed."""
    if not warcs:
        raise ValueError("no WARC files to package")
    names = [w.name for w in warcs]
    if len(set(names)) != len(names):
        raise ValueError("two WARC files share a name; package them separately")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index = write_index(warcs, Path(tmp) / "index.cdx")  # CDXJ lines; WACZ names it .cdx
        pages_file = Path(tmp) / "pages.jsonl"
        count = 0
        with pages_file.open("w", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True})
                + "\n"
            )
            for page in pages:
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
                count += 1
        members = [(w, f"archive/{w.name}") for w in warcs] + [
            (index, "indexes/index.cdx"),
            (pages_file, "pages/pages.jsonl"),
        ]
        resources = []
        for path, arcname in members:
            digest, size = _sha256_file(path)
            resources.append({"name": Path(arcname).name, "path": arcname, "hash": digest, "bytes": size})
        package = {
            "profile": "data-package",
            "wacz_version": "1.1.1",
            "title": title,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software": f"newsarchive {__version__}",
            "resources": resources,
        }
        package_bytes = json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
        package_digest = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        part = out.with_name(out.name + ".part")
        with zipfile.ZipFile(part, "w") as zf:
            for path, arcname in members:
                # WARC files are gzipped already: stored, so readers can seek into them.
                kind = zipfile.ZIP_STORED if arcname.startswith("archive/") else zipfile.ZIP_DEFLATED
                zf.write(path, arcname, compress_type=kind)
            zf.writestr("datapackage.json", package_bytes, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(
                "datapackage-digest.json", json.dumps(package_digest), compress_type=zipfile.ZIP_DEFLATED
            )
        part.replace(out)
    return count
