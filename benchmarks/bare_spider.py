"""The baseline: a bare Scrapy spider that only follows the bench site's links (no WARC, no
extraction, no database), with the same politeness settings as the full crawl.

    python benchmarks/bare_spider.py BASE_URL CONCURRENCY [CONCURRENT_ITEMS]
"""

from __future__ import annotations

import re
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

ARTICLE = re.compile(r"/[a-z]+/\d{4}/\d{2}/\d{2}/\d+\.html$")
LIST = re.compile(r"/list/\d+\.html$")
HREF = re.compile(rb'href="(/[^"]+)"')


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [base + "/"]
        self.seen: set[str] = set()  # as newsarchive's frontier does: a link is scheduled once

    def parse(self, response):
        # As little work as following links can take: a regular expression over the bytes.
        for href in HREF.findall(response.body):
            url = response.urljoin(href.decode("latin-1"))
            if (ARTICLE.search(url) or LIST.search(url)) and url not in self.seen:
                self.seen.add(url)
                yield scrapy.Request(url, callback=self.parse)


if __name__ == "__main__":
    base, concurrency = sys.argv[1], int(sys.argv[2])
    # Scrapy's default CONCURRENT_ITEMS unless told (crawl_bench gives it newsarchive's value).
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    process = CrawlerProcess(
        {
            "CONCURRENT_ITEMS": items,
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "TELNETCONSOLE_ENABLED": False,
            "COOKIES_ENABLED": False,
        }
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, base=base)
    process.start()
    print(crawler.stats.get_value("downloader/response_count", 0))
