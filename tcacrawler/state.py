"""The story store inside a crawl: one run at a time, exactly once across crashes.

:class:`StoryState` is the Scrapy extension that owns the run's store. It
resolves the runs a crash left pending, opens this run, and commits it only once
the run's files are published:

    begin_run -> pending writes (dedup, rates, HTTP validators)
    -> output temp files complete -> prepare_run (durable) -> rename into place
    -> commit_run

:class:`ConditionalRequestsMiddleware` adds ETag / If-Modified-Since to feed and
sitemap requests and remembers the validators the site sends.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.extensions.feedexport import FeedExporter
from scrapy.http import Response
from w3lib.url import file_uri_to_path

from tcacrawler.config import ConfigError
from tcacrawler.dedup import StoryDeduplicator
from tcacrawler.exporters import EXPORT_FAILED_STAT
from tcacrawler.feeds import output_name
from tcacrawler.health import ExitCode, request_exit_code
from tcacrawler.lock import AlreadyRunning, RunLock
from tcacrawler.signals import output_ready
from tcacrawler.spiders.wordpress import INCOMPLETE_DISCOVERY, TRANSIENT_ARTICLE_FAILURES
from tcacrawler.store import SQLiteStore, StoreError, output_published, recover_pending_runs

logger = logging.getLogger(__name__)

DUPLICATE_MODES = ("mark", "drop")


class RunLocked(RuntimeError):
    """Another run holds this state directory's lock (exit code 75)."""


def state_paths(settings: Any, spider_name: str) -> tuple[Path, Path]:
    state_dir = Path(settings.get("TCA_STATE_DIR"))
    return state_dir / f"{spider_name}.sqlite", state_dir / f"{spider_name}.lock"


class StoryState:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.duplicate_mode = self.settings.get("TCA_DUPLICATES", "mark")
        if self.duplicate_mode not in DUPLICATE_MODES:
            raise ConfigError(f"TCA_DUPLICATES must be mark or drop, not {self.duplicate_mode!r}")
        self.lock: RunLock | None = None
        self.store: SQLiteStore | None = None
        self.dedup: StoryDeduplicator | None = None
        self.run_id = ""
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.prepared = False
        self.committed = False
        self.close_reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoryState:
        state = cls(crawler)
        crawler.signals.connect(state.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(state.output_ready, signal=output_ready)
        crawler.signals.connect(state.feeds_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(state.engine_stopped, signal=signals.engine_stopped)
        crawler.tca_state = state
        # Refuse before anything is fetched: raising here stops the crawl from starting.
        state.open(output_name(crawler.spider), shared_name=crawler.spider.name)
        return state

    # -- start ------------------------------------------------------------

    def open(self, spider_name: str, *, shared_name: str | None = None) -> None:
        """Takes the lock, opens the store and resolves crashed runs; raises on refusal.

        ``shared_name``: where an earlier version kept this spider's store for every site
        (the generic spider's ``wordpress``, before each site got ``wordpress-<site>``).
        """
        store_path, lock_path = state_paths(self.settings, spider_name)
        self.lock = RunLock(lock_path)
        try:
            self.lock.acquire()
        except AlreadyRunning as busy:
            raise RunLocked(str(busy)) from None
        if why := self._why_not_new(store_path, spider_name, shared_name):
            self.lock.release()
            raise ConfigError(f"story store {store_path} is missing, but {why}")
        try:
            self.store = SQLiteStore(store_path)
            for run_id, outcome in recover_pending_runs(self.store, output_published):
                logger.warning("Run %s was interrupted; its store writes were %s", run_id, outcome)
                self.stats.inc_value(f"tca/state/recovered_{outcome}")
            self.dedup = StoryDeduplicator(self.store)
            self._remove_unpublished_files(spider_name)
        except StoreError as damaged:
            self.lock.release()
            raise ConfigError(
                f"story store {store_path} cannot be used ({damaged}); it was left untouched. "
                f"Rebuild it from the published output with: scrapy store rebuild {spider_name}"
            ) from None

    def _why_not_new(self, store_path: Path, spider_name: str, shared_name: str | None) -> str:
        """Why a new, empty store must not replace a missing one: it would export again
        every story something else says was published ("" when the store exists, or
        nothing does)."""
        if store_path.exists():
            return ""
        shared_store = state_paths(self.settings, shared_name or spider_name)[0]
        if shared_store != store_path and shared_store.exists():
            return (
                f"{shared_store} holds the stories an earlier version crawled for every site "
                f"of spider {shared_name!r}: a new, empty store would export them all again. "
                f"Move it over (with its -wal and -shm files, when a crawl is not running) to "
                f"{store_path.name}, and {self._site_dir(str(shared_name))} to "
                f"{self._site_dir(spider_name)}"
            )
        site_dir = self._site_dir(spider_name)
        if published := len(list(site_dir.glob("*.jsonl"))) if site_dir.exists() else 0:
            return (
                f"{site_dir} holds the records of {published} published run(s): a new, empty "
                "store would export all their stories again. Rebuild it from them with: "
                f"scrapy store rebuild {spider_name} (or, to start over, move them away)"
            )
        return ""

    def _site_dir(self, spider_name: str) -> Path:
        return Path(self.settings.get("TCA_OUTPUT_DIR")) / spider_name

    def _remove_unpublished_files(self, spider_name: str) -> None:
        """Temporary files of killed runs; with the lock held, no live run owns one."""
        site_dir = self._site_dir(spider_name)
        for leftover in site_dir.rglob(".*.part") if site_dir.exists() else ():
            leftover.unlink(missing_ok=True)
            self.stats.inc_value("tca/state/removed_temp_files")

    def spider_opened(self, spider: Any) -> None:
        assert self.store is not None
        self.run_id = spider.run_id
        self.store.begin_run(self.run_id, mode=getattr(spider, "mode", None))
        spider.known = self.store

    # -- during the run ---------------------------------------------------

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.validators[url] = (etag, last_modified)

    # -- publication ------------------------------------------------------

    def output_ready(self, path: str) -> None:
        """A file is about to be renamed into place: make every pending write durable first.

        The run is prepared once, before its first file appears, naming its *last* file
        as its output: crash recovery commits the run only when that one exists.
        """
        if self.store is None or self.committed:
            return
        if lost := self.unpublishable():
            # The run's store writes say its records were exported: with a record, or a
            # file, missing, they would never be exported. Publish nothing; the next run
            # exports them all again.
            raise RuntimeError(f"not published: {lost}")
        if self.prepared:
            return
        self._save_validators()
        self.store.prepare_run(self.run_id, output=str(Path(self._last_output(path)).resolve()))
        self.prepared = True

    def unpublishable(self) -> str | None:
        """Why the run's files must not be published (records or files lost), or None."""
        stats = self.stats.get_stats()
        if lost := stats.get(EXPORT_FAILED_STAT):
            return f"{lost} records could not be written to the output"
        if any(key.startswith("feedexport/failed_count/") for key in stats):
            return "an output file could not be stored"
        return None

    def _last_output(self, default: str) -> str:
        exporter = self.crawler.get_extension(FeedExporter)
        slots = getattr(exporter, "slots", None) or []
        uri = str(getattr(slots[-1], "uri", default)) if slots else default
        return file_uri_to_path(uri) if uri.startswith("file:") else uri

    def _save_validators(self) -> None:
        """Validators are kept only when the run read everything they stand for: it
        finished (was not stopped), every child sitemap, feed and listing page was read in
        full, and every article was fetched. Otherwise what was missed would hide behind
        next hour's 304s until the weekly full run."""
        assert self.store is not None
        if not self.validators:
            return
        why_not = self.incomplete()
        if why_not:
            logger.info("Feed and sitemap validators not kept this run: %s", why_not)
            self.stats.set_value("tca/state/validators_dropped", len(self.validators))
        else:
            for url, (etag, last_modified) in self.validators.items():
                self.store.set_validators(self.run_id, url, etag, last_modified)
        self.validators.clear()

    def incomplete(self) -> str | None:
        """Why the run did not read everything it set out to; None when it did."""
        return (
            f"the run ended early ({self.close_reason})"
            if self.close_reason != "finished"
            else "some sources were not read in full"
            if self.stats.get_value(INCOMPLETE_DISCOVERY, 0)
            else "some articles failed"
            if self.stats.get_value(TRANSIENT_ARTICLE_FAILURES, 0)
            else None
        )

    def feeds_closed(self) -> None:
        self.commit()
        self.close()

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason
        # With feeds, the files are stored after this signal: feeds_closed finishes the run.
        if not self.settings.getdict("FEEDS"):
            if self.store is not None and not self.committed:
                self._save_validators()
                self.store.prepare_run(self.run_id)
            self.commit()
            self.close()

    def engine_stopped(self) -> None:
        self.commit()  # a no-op unless the feed exporter never reported
        self.close()

    def commit(self) -> None:
        if self.store is None or self.committed:
            return
        run = self.store.get_run(self.run_id)
        lost = self.unpublishable()
        if run is None or run.status != "prepared" or lost:
            # No file was published (every feed failed to store), or not all of them:
            # forget this run's writes, so the next run exports its stories again.
            logger.error(
                "%s: this run's store writes are discarded",
                f"Not all output was published ({lost})" if lost else "No output was published",
            )
            assert self.dedup is not None
            self.dedup.discard_run(self.run_id)
            request_exit_code(self.crawler, ExitCode.UNHEALTHY)
        else:
            # "complete": the next hourly runs' listing walks may stop at its stories
            # (SQLiteStore.settled). Not a hand-run -a urls= fetch: it reads no listing,
            # and would settle the stories of a stopped run before it, whose walk ended
            # early, as if a later run had read past them.
            complete = self.incomplete() is None and not getattr(
                self.crawler.spider, "explicit_urls", None
            )
            counts = {**self.counts(), "complete": int(complete)}
            self.store.commit_run(self.run_id, counts=counts, requests=self.requests())
        self.committed = True

    def counts(self) -> dict[str, int]:
        stats = self.stats.get_stats()
        return {
            "new": stats.get("tca/dedup/new", 0),
            "revised": stats.get("tca/dedup/revision", 0),
            "duplicates": stats.get("tca/dedup/exact_duplicate", 0)
            + stats.get("tca/dedup/near_duplicate", 0),
            "unchanged": stats.get("tca/dedup/unchanged", 0),
            "rates": stats.get("item_scraped_count/rate", 0),
        }

    def requests(self) -> int:
        return int(self.stats.get_value("downloader/request_count", 0))

    def close(self) -> None:
        if self.store is not None:
            counts = self.counts()
            logger.info(
                "Run %s summary: %d new, %d revised, %d duplicates, %d unchanged, %d requests",
                self.run_id,
                counts["new"],
                counts["revised"],
                counts["duplicates"],
                counts["unchanged"],
                self.requests(),
            )
            self.store.close()
            self.store = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class ConditionalRequestsMiddleware:
    """Revalidates feeds and sitemaps with the validators the store remembers."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestsMiddleware:
        return cls(crawler)

    @property
    def state(self) -> StoryState | None:
        return getattr(self.crawler, "tca_state", None)

    def process_request(self, request: Request, spider: Any = None) -> None:
        state = self.state
        if not request.meta.get("tca_conditional") or state is None or state.store is None:
            return None
        known = state.store.get_validators(request.url)
        if known:
            etag, last_modified = known
            if etag:
                request.headers.setdefault("If-None-Match", etag)
            if last_modified:
                request.headers.setdefault("If-Modified-Since", last_modified)
        return None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        state = self.state
        if "tca_conditional" in request.meta and state is not None and response.status == 200:
            etag = response.headers.get("ETag")
            last_modified = response.headers.get("Last-Modified")
            if etag or last_modified:
                state.remember_validators(
                    request.url,
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response
