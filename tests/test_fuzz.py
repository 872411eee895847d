"""Property-based fuzzing: any bytes into the extractor, any payload through the WARC writer.

Derandomized, so CI sees the same examples every run; to hunt for new failures, run
`NEWSARCHIVE_FUZZ_RANDOM=1 NEWSARCHIVE_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from archive.records import Exchange, http_head
from archive.warc import WarcWriter
from crawler.decode import NotText
from crawler.extract import extract
from tests.extract_cases import FIXTURES, SPEC_KEYS, cases

FIXED = not os.environ.get("NEWSARCHIVE_FUZZ_RANDOM")
N = int(os.environ.get("NEWSARCHIVE_FUZZ_EXAMPLES", "150"))
PAGES = [(FIXTURES / c / "page.html").read_bytes() for c in cases()]


def mutate(page: bytes, seed: int, edits: int) -> bytes:
    """Cut, duplicate, delete and flip bytes of a real page: half-broken HTML in odd encodings."""
    rng = random.Random(seed)
    data = bytearray(page)
    for _ in range(edits):
        if not data:
            break
        pos = rng.randrange(len(data))
        action = rng.randrange(4)
        if action == 0:
            data[pos] = rng.randrange(256)
        elif action == 1:
            del data[pos : pos + rng.randrange(1, 200)]
        elif action == 2:
            data[pos:pos] = data[rng.randrange(len(data)) :][: rng.randrange(1, 300)]
        else:
            data = data[:pos]
    return bytes(data)


@settings(max_examples=N, deadline=None, derandomize=FIXED, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=4000),
    st.sampled_from(["text/html", "text/html; charset=big5", None, "text/html; charset=x-nope"]),
)
def test_extract_survives_any_bytes(raw, content_type):
    """Only the documented exception escapes: NotText, for bytes that are empty or binary."""
    try:
        data = extract("http://fuzz.example/a/1.html", raw, content_type=content_type).to_dict()
    except NotText as exc:
        assert str(exc) == "empty body" or str(exc).startswith("binary data")
        return
    assert set(data) == SPEC_KEYS


@settings(max_examples=N, deadline=None, derandomize=FIXED)
@given(st.integers(0, len(PAGES) - 1), st.integers(0, 2**32), st.integers(1, 40))
def test_extract_survives_mutated_pages(index, seed, edits):
    try:
        data = extract("http://fuzz.example/a/1.html", mutate(PAGES[index], seed, edits)).to_dict()
    except NotText as exc:  # a page cut down to nothing, or to a few stray bytes
        assert str(exc) == "empty body" or str(exc).startswith("binary data")
        return
    assert set(data) == SPEC_KEYS
    assert data["body"] is None or "\x00" not in data["body"]


@settings(
    max_examples=max(N // 3, 20),
    deadline=None,
    derandomize=FIXED,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.binary(max_size=3000), st.text(max_size=40)), min_size=1, max_size=5))
def test_warc_writer_round_trips_any_payload(tmp_path_factory, exchanges):
    folder = tmp_path_factory.mktemp("fuzzwarc")
    ids = count()
    writer = WarcWriter(
        folder,
        prefix="fuzz",
        hostname="box",
        clock=lambda: datetime(2026, 4, 20, tzinfo=UTC),
        new_id=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(ids):012d}>",
    )
    with writer:
        for payload, path in exchanges:
            url = "http://fuzz.example/" + "".join(c for c in path if c.isalnum())
            writer.write_exchange(
                Exchange(
                    url=url,
                    request_head=http_head(f"GET {url[19:] or '/'} HTTP/1.1", [(b"Host", b"fuzz.example")]),
                    response_head=http_head(
                        "HTTP/1.1 200 OK", [(b"Content-Type", b"application/octet-stream")]
                    ),
                    payload=payload,
                )
            )
    (path,) = folder.glob("*.warc.gz")
    with path.open("rb") as fh:
        bodies = [r.content_stream().read() for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert bodies == [payload for payload, _ in exchanges]
