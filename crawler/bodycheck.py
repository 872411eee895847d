"""Refuse bodies that arrived broken, before anything is made of them.

Scrapy's decompression keeps "as much data as possible" of a truncated gzip body, so a page
cut off mid-transfer would be stored as a shorter article, and the next complete fetch would
look like an edit. This middleware sits before HttpCompressionMiddleware (it sees the body
still compressed) and turns a gzip stream that stops before its end into a `decode` failure.
The capture itself is still archived in the WARC, as the server sent it.
"""

from __future__ import annotations

import zlib

from scrapy.exceptions import IgnoreRequest


class BrokenBody(IgnoreRequest):
    """The body cannot be a whole page (recorded at the `decode` stage)."""


def gzip_truncated(data: bytes, limit: int = 64 << 20) -> bool:
    """True when a gzip body ends before its last member does.

    Members are decompressed in 64 KiB steps and thrown away; past `limit` bytes of output the
    question is left to the size cap. A wrong CRC or length in a complete trailer is not
    truncation (browsers show such pages).
    """
    produced = 0
    while data[:2] == b"\x1f\x8b":
        stream = zlib.decompressobj(31)
        pending = data
        try:
            while not stream.eof:
                out = stream.decompress(pending, 65536)
                produced += len(out)
                if produced > limit:
                    return False
                pending = stream.unconsumed_tail
                if not out and not pending:
                    return True  # input used up before the end of the stream
        except zlib.error as exc:
            return "check" not in str(exc)  # "incorrect data check": complete, with a bad CRC
        data = stream.unused_data
    return False


class TruncatedBodyMiddleware:
    """Downloader middleware (order above HttpCompressionMiddleware's 590)."""

    def process_response(self, request, response):
        encoding = response.headers.get(b"Content-Encoding", b"").lower()
        if encoding in (b"gzip", b"x-gzip") and response.body and gzip_truncated(response.body):
            raise BrokenBody(f"truncated gzip body ({len(response.body):,} compressed bytes received)")
        return response
