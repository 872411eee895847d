from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archive.repair import repair_open_files
from tests.test_warc import exchange, make_writer


def test_torn_open_file_is_truncated_to_whole_records_and_closed(tmp_path):
    w = make_writer(tmp_path)
    ref, _ = w.write_exchange(exchange())
    w.write_exchange(exchange(url="http://news.example/b"))
    w._file.flush()
    open_path = next(tmp_path.glob("*.open"))
    whole = open_path.stat().st_size
    w._file.write(b"\x1f\x8b\x08\x00torn-record")  # a record cut by SIGKILL mid-write
    w._file.close()
    w._file = None  # the process "died": nothing renamed the file

    repairs = repair_open_files(tmp_path)

    assert [(r.records, r.kept, r.dropped) for r in repairs] == [(5, whole, 15)]
    assert not list(tmp_path.glob("*.open"))
    final = tmp_path / ref.filename
    assert final.stat().st_size == whole
    warcio = Path(sys.executable).parent / "warcio"
    assert subprocess.run([str(warcio), "check", str(final)], capture_output=True).returncode == 0


def test_open_file_with_nothing_whole_is_removed(tmp_path):
    (tmp_path / "x-20260101000000-00000-box.warc.gz.open").write_bytes(b"\x1f\x8b\x08")
    repairs = repair_open_files(tmp_path)
    assert repairs[0].records == 0 and not list(tmp_path.iterdir())


def test_closed_files_are_left_alone(tmp_path):
    with make_writer(tmp_path) as w:
        w.write_exchange(exchange())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert repair_open_files(tmp_path) == []
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
