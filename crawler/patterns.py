"""Regular expressions from site profiles, run with a time bound.

A profile is written by a person, and a pattern such as `(a|aa)+$` met by a long URL would
take longer than any crawl: Python's `re` holds the interpreter inside one search, so not even
SIGTERM gets through. Profile patterns run on the `regex` engine, whose searches take a
timeout; a search that runs out counts as no match and is logged once per pattern.
"""

from __future__ import annotations

import logging

import regex

logger = logging.getLogger(__name__)

# Seconds one search of one profile pattern may take. A sane URL or line pattern needs
# microseconds; this only stops the pathological ones.
SEARCH_TIMEOUT = 0.1


class BoundedPattern:
    """A compiled profile pattern whose search gives up after SEARCH_TIMEOUT seconds."""

    __slots__ = ("pattern", "_compiled", "_warned")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled = regex.compile(pattern, flags=regex.VERSION0)
        self._warned = False

    def search(self, text: str):
        try:
            return self._compiled.search(text, timeout=SEARCH_TIMEOUT)
        except TimeoutError:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "profile pattern %r gave up after %g s on a %d-character text; counted as no match",
                    self.pattern,
                    SEARCH_TIMEOUT,
                    len(text),
                )
            return None

    def __getstate__(self):  # sent to extraction workers: they compile it again
        return self.pattern

    def __setstate__(self, state):
        self.__init__(state)


def bounded(pattern: str) -> BoundedPattern:
    """Compile a profile pattern; raises regex.error for a bad one."""
    return BoundedPattern(pattern)
