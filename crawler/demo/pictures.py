"""The demo portal's photos: small PNG scenes drawn here, one of its own for each picture.

A coast at some hour (sky, sun, hills, sea, a pier), varied by a seed so that no two pictures
are alike: every photo is its own capture, as on a real site, not one shared record. Drawn
with the standard library only (zlib), 320x200, a few KB each.
"""

from __future__ import annotations

import random
import struct
import zlib
from functools import lru_cache

WIDTH, HEIGHT = 320, 200


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=256)
def scene(seed: int, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A PNG picture of a coast, different for every seed."""
    WIDTH, HEIGHT = width, height  # noqa: N806 - the picture's own size
    rnd = random.Random(seed)
    dusk = rnd.random()
    sky_top = _mix((40, 110, 200), (70, 40, 110), dusk)
    sky_low = _mix((180, 215, 240), (250, 160, 90), dusk)
    sea_top, sea_low = _mix((30, 100, 150), (60, 60, 120), dusk), (10, 40, 70)
    horizon = rnd.randint(HEIGHT * 52 // 100, HEIGHT * 68 // 100)
    sun_r = max(2, rnd.randint(HEIGHT // 20, HEIGHT // 9))
    sun_x, sun_y = rnd.randint(sun_r, WIDTH - sun_r), rnd.randint(sun_r, max(sun_r, horizon - sun_r))
    peaks = [
        (
            rnd.randint(0, WIDTH),
            rnd.randint(HEIGHT // 10, HEIGHT * 3 // 10),
            rnd.randint(WIDTH // 6, WIDTH * 3 // 8),
        )
        for _ in range(rnd.randint(2, 4))
    ]
    hill = bytes(_mix((60, 110, 70), (50, 50, 70), dusk))
    sun = bytes(_mix((255, 240, 170), (255, 190, 120), dusk))
    pier_w = rnd.randint(WIDTH // 6, WIDTH // 4)
    pier_x = rnd.randint(0, WIDTH - pier_w)
    # Where the hills begin in each column (rows are filled span by span: drawing pixel by
    # pixel in Python takes a quarter of a second a picture).
    tops = [
        horizon - int(max((h * max(0.0, 1 - abs(x - px) / w) for px, h, w in peaks), default=0))
        for x in range(WIDTH)
    ]
    rows = []
    for y in range(HEIGHT):
        if y < horizon:
            row = bytearray(bytes(_mix(sky_top, sky_low, y / horizon)) * WIDTH)
            if abs(y - sun_y) <= sun_r:
                half = int((sun_r**2 - (y - sun_y) ** 2) ** 0.5)
                left, right = max(0, sun_x - half), min(WIDTH, sun_x + half + 1)
                row[3 * left : 3 * right] = sun * (right - left)
            for x in range(WIDTH):
                if tops[x] <= y:
                    row[3 * x : 3 * x + 3] = hill
        else:
            colour = _mix(sea_top, sea_low, (y - horizon) / (HEIGHT - horizon))
            row = bytearray(bytes(colour) * WIDTH)
            if (y - horizon) % 9 == 0:  # glints on the waves
                glint = bytes(_mix(colour, (255, 255, 255), 0.35))
                for x in range(WIDTH):
                    if (x + 7 * y) % 23 < 9:
                        row[3 * x : 3 * x + 3] = glint
            if (
                horizon + (HEIGHT - horizon) // 3
                <= y
                < horizon + (HEIGHT - horizon) // 3 + max(1, HEIGHT // 33)
            ):
                row[3 * pier_x : 3 * (pier_x + pier_w)] = bytes((90, 70, 50)) * pier_w
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"".join(rows), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
