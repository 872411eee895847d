"""Scrapy spiders of newsarchive (one profile-driven NewsSpider)."""
