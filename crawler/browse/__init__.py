"""Datasette support for `newsarchive browse` (the plugin file lives in this folder)."""
