"""Near-copies of one story: character shingles, MinHash signatures and LSH band keys.

A syndicated story (a Xinhua dispatch on dozens of portals) comes back with its own title, a
来源 line or an editor's note added, cut short, or in Traditional script. Everything here works
on `body_norm` (Simplified), so scripts do not split copies, and on the text's letters and
digits only, so punctuation and layout do not either.

Candidates come from locality-sensitive hashing: the 128 MinHash values are cut into 32 bands
of 4; two texts sharing one band are candidates, which happens with probability
1 - (1 - J^4)^32 for shingle-set Jaccard similarity J: 0.998 at J = 0.65 (a copy cut to 70%
with a source line), 0.10 at J = 0.2. Candidates are then confirmed on their shingle sets.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

SHINGLE = 5  # characters: a Chinese word or two; long enough to be rare across stories
NUM_PERM = 128
BANDS, ROWS = 32, 4
SEED = 20240501
# datasketch 2's hashing scheme, named so that signatures stay comparable across versions.
SCHEME = "affine32"
# Copies: the shorter text's shingles are mostly in the longer one (a copy cut to 70% is
# wholly contained), and the shorter is not a mere quotation of the longer.
MIN_CONTAINMENT = 0.7
MIN_LENGTH_RATIO = 0.4
# Texts this short are no story to syndicate (a caption, a one-line brief).
MIN_SHINGLES = 30

_NOT_TEXT = re.compile(r"[\W_]+")


def shingles(text: str | None) -> set[str]:
    """The set of SHINGLE-character pieces of a text's letters and digits."""
    flat = _NOT_TEXT.sub("", (text or "").lower())
    return {flat[i : i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


@cache
def _template():
    from datasketch import MinHash

    # The permutations are drawn once; every signature reuses them (drawing them costs more
    # than hashing a whole article).
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def signature(pieces: set[str]):
    """The MinHash values (numpy array of NUM_PERM) of a shingle set."""
    from datasketch import MinHash

    template = _template()
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme=SCHEME)
    m.update_batch([p.encode("utf-8") for p in pieces])
    return m.hashvalues


def band_keys(values) -> list[int]:
    """One signed 64-bit key per band (band number and its values hashed together), for an
    indexed SQLite column."""
    keys = []
    raw = values.astype("<u8").tobytes()
    width = ROWS * 8
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * width : (band + 1) * width], digest_size=8, person=band.to_bytes(2, "little")
        )
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys


# Candidates whose signatures agree on fewer values than this are no copies: a copy at the
# loosest (70% of a text 40% as long as the other) has shingle Jaccard 0.25, and 128 values
# estimate it within about 0.04.
MIN_ESTIMATE = 0.15


def pack(values) -> bytes:
    return values.astype("<u4").tobytes()


def estimate(values, packed: bytes | None) -> float:
    """Jaccard similarity estimated from two signatures (one packed, as stored)."""
    import numpy

    if not packed:
        return 1.0  # no signature stored: let the exact check decide
    other = numpy.frombuffer(packed, dtype="<u4")
    return float(numpy.count_nonzero(values.astype("<u4") == other)) / len(other)


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def are_copies(a: set[str], b: set[str]) -> bool:
    """Whether two shingle sets are copies of one story (see MIN_CONTAINMENT)."""
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < MIN_LENGTH_RATIO * len(large):
        return False
    return len(small & large) >= MIN_CONTAINMENT * len(small)
