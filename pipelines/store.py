"""ArticleStorePipeline: article, unchanged and failure items into the SQLite dataset.

An article's frontier entry is marked done only once its row is stored, so a run killed in
between fetches it again on resume rather than losing it.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace

from scrapy.exceptions import DropItem
from twisted.internet import task

from archive.store import WarcPointer
from archive.store.shared import store_for
from crawler.fatal import stop_crawl, stopped, storage_problem
from crawler.frontier import frontier_of
from crawler.lifecycle.classify import Outcome
from spiders.items import ArticleItem, CheckItem, FailureItem, UnchangedItem

logger = logging.getLogger(__name__)

UNCHANGED = Outcome("unchanged", "live")
CHANGED = Outcome("changed", "live")


class ArticleStorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.store = store_for(self.crawler)
        self.frontier = frontier_of(self.crawler)
        self.commits = None
        if self.store.commit_every > 0:
            # Grouped commits: a quiet spell (a slow server) still commits what is waiting.
            self.commits = task.LoopingCall(self._commit_if_due)
            self.commits.start(self.store.commit_every, now=False)

    def close_spider(self):
        if self.commits is not None and self.commits.running:
            self.commits.stop()
        if stopped(self.crawler):
            # Keep what can still be committed; the end-of-run passes wait for the next run.
            try:
                self.store.commit()
            except sqlite3.Error as exc:
                logger.error("could not commit the last pages: %s", exc)
            return
        self.store.commit()
        self._annotate_images()
        self._settle_statuses()
        self._update_clusters()

    def _settle_statuses(self) -> None:
        """The statuses of the articles checked since they were last settled (this run's, and a
        killed run's): computed from whole checks once a run has ended."""
        from crawler.lifecycle.settle import settle

        spider = self.crawler.spider
        try:
            report = settle(self.store, spider.site_folder, spider.profile.start_urls)
        except Exception:  # the checks are stored; the next run settles them
            logger.exception("could not settle the statuses of the checked articles")
            return
        self.stats.set_value("newsarchive/statuses_changed", report.changed)
        self.stats.set_value("newsarchive/articles_deleted", report.deleted)
        if report.site_down:
            self.stats.set_value("newsarchive/site_down_checks", report.site_down)

    def _commit_if_due(self) -> None:
        try:
            self.store.commit_if_due()
        except sqlite3.Error as exc:
            self._storage_failed(exc)

    def _storage_failed(self, exc: Exception) -> None:
        problem = storage_problem(exc)
        if problem is None:
            raise exc
        stop_crawl(self.crawler, problem)

    def _annotate_images(self) -> None:
        """Each image of this run's articles says whether it was archived, and where."""
        crawl_id = getattr(self.crawler.spider, "crawl_id", None)
        if not crawl_id:
            return
        try:
            self.stats.set_value(
                "newsarchive/articles_images_annotated", self.store.annotate_images(crawl_id)
            )
        except Exception:  # the articles are stored; `reextract` annotates them again
            logger.exception("could not mark the archived images")

    def _update_clusters(self) -> None:
        """Match this run's new and changed articles against the copies already known."""
        from archive.clusters import update_clusters

        try:
            report = update_clusters(self.store)
        except Exception:  # the articles are stored; the next run or reextract matches them
            logger.exception("could not update the clusters of copies")
            self.stats.inc_value("newsarchive/cluster_errors")
            return
        self.stats.set_value("newsarchive/copies_found", report.joined)

    def process_item(self, item):
        if stopped(self.crawler):
            # After a full disk: nothing is stored that may not be whole (its WARC record may
            # be missing); the frontier keeps the URL for the next run.
            raise DropItem("the crawl stopped: " + stopped(self.crawler))
        try:
            return self._process(item)
        except (OSError, sqlite3.Error) as exc:
            self._storage_failed(exc)
            raise DropItem(str(exc)) from None

    def _process(self, item):
        if isinstance(item, FailureItem):
            self.store.add_failure(item.crawl_id, item.url, item.stage, item.reason, item.kind)
            # A picture or script another host could not serve is counted apart from the pages.
            self.stats.inc_value(
                "newsarchive/requisite_failures" if item.kind == "requisite" else "newsarchive/failures"
            )
            self._done(item.url)
        elif isinstance(item, CheckItem):
            with self.store.transaction():
                self.store.add_check(item.row(item.outcome or UNCHANGED))
                self._done(item.url)
        elif isinstance(item, UnchangedItem):
            with self.store.transaction():
                if self.store.touch_article(item.url, item.fetched_at):
                    self.stats.inc_value("newsarchive/articles_unchanged")
                else:  # a list or another page that is no article, unchanged since last time
                    self.stats.inc_value("newsarchive/pages_unchanged")
                if item.check is not None:
                    self.store.add_check(item.check.row(UNCHANGED))
                self._done(item.url)
        elif isinstance(item, ArticleItem):
            # The article and its frontier mark in one commit; the shared frontier (Redis) hears
            # of it only after that commit.
            with self.store.transaction():
                self._store_article(item)
                self._done(item.frontier_url)
                for page in item.pages[1:]:
                    self._done(page.url)
        return item

    def _store_article(self, item: ArticleItem) -> None:
        if not item.article.is_article:
            self.stats.inc_value("newsarchive/not_article")
            if item.check is not None:  # still served, though no longer read as an article
                self.store.add_check(item.check.row(CHANGED))
            return
        article = item.article
        if item.payload_of and item.payload_of != article.url:
            # The same bytes were archived first under another URL, and the row points at that
            # record: the article is that URL's, and this one is its alias (whichever of the
            # two pages was extracted first).
            self.store.add_alias(article.url or item.frontier_url, item.payload_of, item.fetched_at)
            self.stats.inc_value("newsarchive/aliases")
            article = replace(article, url=item.payload_of)
        try:
            outcome = self.store.save_article(
                article,
                site=item.site,
                crawl_id=item.crawl_id,
                fetched_at=item.fetched_at,
                warc=WarcPointer(item.warc_filename, item.warc_offset, item.warc_record_id),
                prepared=item.prepared,
                pages=item.pages,
            )
        except Exception as exc:  # a store failure must not lose the others
            if storage_problem(exc) is not None:
                raise
            logger.exception("could not store %s", article.url)
            self.store.add_failure(item.crawl_id, article.url or "", "store", f"{type(exc).__name__}: {exc}")
            self.stats.inc_value("newsarchive/failures")
            return
        self.stats.inc_value(f"newsarchive/articles_{outcome}")
        if outcome == "new":
            self.store.start_status(article.url or "", item.site, self._clock_time(item.fetched_at))
        if item.check is not None:
            found = CHANGED if outcome in ("new", "changed") else UNCHANGED
            self.store.add_check(item.check.row(found))

    def _clock_time(self, fetched_at: str) -> str:
        checking = getattr(self.crawler.spider, "checking", None)
        return checking.time_of(fetched_at) if checking is not None else fetched_at

    def _done(self, url: str) -> None:
        if self.frontier is not None:
            self.frontier.done(url)
