"""Scrapy settings for newsarchive (also used by `scrapy crawl news` and Scrapyd)."""

from __future__ import annotations

import os

from crawler import __version__
from crawler.offline import use_bundled_suffix_list

use_bundled_suffix_list()

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = f"newsarchive/{__version__} (+https://github.com/newsarchive/newsarchive; archival crawler)"
ROBOTSTXT_OBEY = True
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts a code-execution HTTP server (token-protected, on localhost) in every crawl
# and writes its token to the user's home: an unattended crawler wants neither.
REMOTE_CONTROL_ENABLED = False

# Politeness: a delay per host, adapted by AutoThrottle. `--delay 0` turns both off.
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Outputs of one response processed at once. Scrapy's default (100) starts 101 asyncio tasks
# for every response, a large share of a bare spider's CPU (BENCHMARKS.md); a page here yields
# one item and a handful of links.
CONCURRENT_ITEMS = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 0
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Scrapy's HTTP/1.1 handler, also keeping the raw bytes for byte-exact WARC records.
DOWNLOAD_HANDLERS = {
    "http": "archive.rawhttp.RawHTTPDownloadHandler",
    "https": "archive.rawhttp.RawHTTPDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.safety.PrivateAddressMiddleware": 50,
    # The bundled demo site, served for the run at a loopback port (crawler/demo/serving.py).
    "crawler.demo.serving.ServeHostsMiddleware": 60,
    # Retries wait (backoff, Retry-After) instead of hammering a struggling server.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # Sees a failed download before the retries do: a name that does not resolve is not
    # retried, and a requisite host that failed stays failed for the run (crawler/hosts.py).
    "crawler.hosts.UnreachableHostMiddleware": 560,
    # Sees responses before HttpCompressionMiddleware (590) decompresses them.
    "crawler.bodycheck.TruncatedBodyMiddleware": 595,
    # Last before the download: every request, retries and redirects included, waits for its
    # host's slot, shared by every crawl of the process (crawler/politeness.py).
    "crawler.politeness.HostGateMiddleware": 950,
}
# DOWNLOAD_DELAY is a minimum: the host gate randomises gaps upwards only (Scrapy's own
# randomisation would bring a 0.5 s delay down to 0.25 s).
RANDOMIZE_DOWNLOAD_DELAY = False
# The resolver connections use: forbidden addresses are withheld (see crawler/safety.py).
TWISTED_DNS_RESOLVER = "crawler.safety.GuardedResolver"
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
EXTENSIONS = {
    # The run's frontier, locks and crawl id: made first, since the others use them.
    "crawler.frontier.FrontierExtension": 50,
    # The extraction worker processes (none when NEWSARCHIVE_EXTRACT_WORKERS is 0).
    "crawler.pool.ExtractionPoolExtension": 60,
    "archive.capture.WarcCaptureExtension": 100,
    "crawler.progress.CrawlRecordExtension": 110,
    "crawler.progress.ProgressExtension": 120,
}
ITEM_PIPELINES = {
    "pipelines.store.ArticleStorePipeline": 300,
}

# newsarchive's own settings
NEWSARCHIVE_DATA_DIR = "data"
NEWSARCHIVE_DB = None  # default: DATA_DIR/news.db
NEWSARCHIVE_TARGET_SCRIPT = "hans"
NEWSARCHIVE_PROGRESS_INTERVAL = 0  # seconds between progress lines on stderr; 0: none
NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES = False
NEWSARCHIVE_ALLOWED_ADDRESSES: list[str] = []  # networks allowed although private, e.g. ["127.0.0.1/32"]
NEWSARCHIVE_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each further one
NEWSARCHIVE_RETRY_AFTER_MAX = 300  # a longer Retry-After gives the request up at once
# Worker processes for extraction, off the reactor thread (0: extract in the crawl process).
NEWSARCHIVE_EXTRACT_WORKERS = min(4, (os.cpu_count() or 1) - 1)
# Seconds a worker may spend on one page before it is stopped and the page becomes a failures
# row (the pages queued behind it go to a new worker). 0: no limit.
NEWSARCHIVE_EXTRACT_TIMEOUT = 120
# Rows are committed in groups, at most this many seconds apart (0: a commit for every page).
# A crawl killed outright loses at most that much work, which its next run fetches again.
NEWSARCHIVE_COMMIT_INTERVAL = 0.5
# Sites crawled at once by `crawl SITE...` and `schedule run-due`, in one process; a new one
# starts as another finishes. Most of a small site's crawl is waiting for its politeness delay.
NEWSARCHIVE_CONCURRENT_SITES = 16
NEWSARCHIVE_HOST_GATE_ENABLED = True
# Page requisites (images, stylesheets, scripts, icons): all, images or off; None: the
# profile's `requisites` key (default all). List pages' requisites too, unless turned off.
NEWSARCHIVE_REQUISITES = None
NEWSARCHIVE_REQUISITES_ON_LISTS = True
# A requisite larger than this is not archived (a failures row says so): a video or a huge
# download behind an <img> must not fill the archive.
NEWSARCHIVE_REQUISITE_MAXSIZE = 10 * 1024 * 1024
# Pages of one article fetched at most; a longer pager (or one that never ends) stops there
# with a failures row, and the pages read so far are stored.
NEWSARCHIVE_MAX_ARTICLE_PAGES = 100
# The run's clock (ISO 8601, UTC; `crawl --now`): what the refetch window counts from. Unset:
# the wall clock when the crawl starts.
NEWSARCHIVE_NOW = None
# When stored articles are checked again for edits and deletions (crawler/lifecycle/): the
# intervals after their first capture ("1h,6h,1d"), or "off"; None: the profile's `recheck`.
NEWSARCHIVE_RECHECK = None
# Rechecks one run of a site makes at most, the most overdue first; the rest wait for the next
# run, so that a site with 100,000 old articles never turns a run into a full recrawl.
NEWSARCHIVE_RECHECK_BUDGET = 500
# The edition of the bundled demo sites a crawl of them serves (crawler/demo/site.py): 1, 2
# (new and edited articles) or 3 (three articles taken down as well); `newsarchive demo --edition`.
NEWSARCHIVE_DEMO_EDITION = 1
ARCHIVE_WARC_ENABLED = True
ARCHIVE_WARC_DIR = None  # default: DATA_DIR/warc
ARCHIVE_WARC_MAX_SIZE = 1_000_000_000
ARCHIVE_WARC_PREFIX = "newsarchive"
ARCHIVE_WARC_OPERATOR = ""
ARCHIVE_CDXJ_ENABLED = (
    True  # a sorted CDXJ index beside each WARC file once it is closed (WARC_DIR/SITE/indexes/)
)
