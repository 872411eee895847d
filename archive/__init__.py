"""Archiving: WARC writing and SQLite storage. The WARC writer knows nothing of Scrapy."""
