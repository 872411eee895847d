"""newsarchive: an archival crawler for Chinese-language news sites."""

from __future__ import annotations

__version__ = "0.1.0"
