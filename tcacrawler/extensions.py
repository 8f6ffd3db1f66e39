"""Run-level bookkeeping: the manifest every run publishes beside its output."""

from __future__ import annotations

import gc
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from tcacrawler.dates import utc_now_iso
from tcacrawler.exporters import temporary_file_beside
from tcacrawler.feeds import output_name
from tcacrawler.health import EXIT_CODE_STAT, ExitCode, request_exit_code

logger = logging.getLogger(__name__)

MANIFEST_STATS = (
    "downloader/request_count",
    "downloader/response_count",
    "item_scraped_count",
    "item_dropped_count",
    "log_count/ERROR",
    "finish_reason",
)


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = temporary_file_beside(path)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2, sort_keys=True, default=str)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def run_status(stats: dict[str, Any]) -> str:
    """finished (healthy), unhealthy (a monitor failed: tcacrawler.monitors; or, with
    exit code 3, the run's files were not all published) or incomplete."""
    if stats.get("finish_reason") != "finished":
        return "incomplete"
    if stats.get("tca/health/failed_monitors") or stats.get(EXIT_CODE_STAT, 0):
        return "unhealthy"
    return "finished"


class RunManifest:
    """Publishes <output>/<site>/manifests/<run>.json once the run's files are in place."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.published = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunManifest:
        extension = cls(crawler)
        crawler.signals.connect(extension.feeds_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def feeds_closed(self) -> None:
        self.publish()

    def spider_closed(self, spider: Any, reason: str) -> None:
        # With feeds, the files are stored after this signal: a manifest written now would
        # vouch for files a kill could still keep from appearing (feeds_closed publishes).
        if not self.crawler.settings.getdict("FEEDS"):
            self.publish()  # runs without feeds never send feed_exporter_closed

    def publish(self) -> None:
        if self.published:
            return
        self.published = True
        spider = self.crawler.spider
        stats = self.crawler.stats.get_stats()
        started = stats.get("start_time")
        run_id = spider.run_id
        directory = Path(self.crawler.settings.get("TCA_OUTPUT_DIR")) / output_name(spider)
        manifest = {
            "run_id": run_id,
            "site": output_name(spider),
            # a hand-run -a urls= fetch reads no feed or sitemap: it says nothing of the
            # hourly runs' health, and the staleness check must not take it for one
            "mode": "urls"
            if getattr(spider, "explicit_urls", None)
            else getattr(spider, "mode", None),
            "started_at": started.astimezone(UTC).isoformat()
            if isinstance(started, datetime)
            else None,
            "finished_at": utc_now_iso(),
            "status": run_status(stats),
            "counts": {
                "article": stats.get("item_scraped_count/article", 0),
                "rate": stats.get("item_scraped_count/rate", 0),
            },
            "files": {
                "article": f"{run_id}.jsonl",
                "rate": f"rates/{run_id}.jsonl",
            },
            "stats": {
                key: stats[key]
                for key in sorted(stats)
                if key.startswith("tca/") or key in MANIFEST_STATS
            },
        }
        try:
            write_json_atomically(directory / "manifests" / f"{run_id}.json", manifest)
        except OSError as error:
            # The run's files are published and its store committed, but without the
            # manifest the staleness check and downstream jobs never see the run: exit 0
            # ("healthy") would keep it from anyone until the staleness threshold passed.
            logger.error("The run manifest could not be written: %s", error)
            request_exit_code(self.crawler, ExitCode.UNHEALTHY)


class CollectorTuning:
    """When the spider opens, moves the start-up heap (imports, settings, the engine:
    ~80,000 objects) into the cyclic garbage collector's permanent generation, and raises
    the threshold of its youngest generation to ``TCA_GC_GEN0_THRESHOLD``.

    A page allocates thousands of short-lived container objects (parse results, lists,
    tuples), so at CPython's default threshold (700) the collector ran every three or
    four pages and, a few times per crawl, through the whole heap, start-up included:
    0.9-1.1 s of CPU in a 2,000-page crawl, 6-7% of it (0.03 s after this). Reference
    counting frees those objects anyway; reference cycles (a few objects per page) are
    still collected, whenever the tracked objects have grown by the threshold.

    Both are process-wide: when the engine stops, the heap is unfrozen and the threshold
    Python had is back, for whatever the process does next (another crawl, a test).
    """

    def __init__(self, gen0_threshold: int) -> None:
        self.gen0_threshold = gen0_threshold
        self.previous_threshold: tuple[int, ...] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectorTuning:
        gen0_threshold = crawler.settings.getint("TCA_GC_GEN0_THRESHOLD")
        if gen0_threshold <= 0:
            raise NotConfigured
        extension = cls(gen0_threshold)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self) -> None:
        gc.freeze()
        self.previous_threshold = gc.get_threshold()
        _, *older = self.previous_threshold
        gc.set_threshold(self.gen0_threshold, *older)

    def engine_stopped(self) -> None:
        if self.previous_threshold is not None:
            gc.unfreeze()
            gc.set_threshold(*self.previous_threshold)
            self.previous_threshold = None


class LogLevelFloor:
    """Raises the root and ``scrapy`` loggers to ``LOG_LEVEL`` when the spider opens, so
    that a message below it costs nothing.

    Scrapy leaves the root logger at NOTSET and filters at its handler: every DEBUG call
    (a "Crawled" and a "Scraped" line per page) builds a LogRecord that the handler then
    throws away, ~0.1 ms of CPU per page. (At spider open: Scrapy resets the root logger
    after building the extensions.) A handler added for more detail than LOG_LEVEL would
    see none of it: lower LOG_LEVEL for that.
    """

    def __init__(self, level: int) -> None:
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Any) -> LogLevelFloor:
        settings = crawler.settings
        level = logging.getLevelName(str(settings.get("LOG_LEVEL", "DEBUG")).upper())
        if not isinstance(level, int) or not settings.getbool("LOG_ENABLED", True):
            raise NotConfigured
        extension = cls(level)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        # Scrapy's logging config also sets its own "scrapy" logger to DEBUG.
        for logger in (logging.getLogger(), logging.getLogger("scrapy")):
            if logger.level < self.level:
                logger.setLevel(self.level)
