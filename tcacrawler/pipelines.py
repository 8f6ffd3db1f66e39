"""Item pipelines: thin Scrapy adapters over plain, separately tested objects.

Nothing here is specific to one site. Order (see settings.ITEM_PIPELINES):
boilerplate -> rates -> stamp -> schema validation -> story dedup -> export stats.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.extensions.corestats import CoreStats
from scrapy.extensions.feedexport import FeedExporter

from tcacrawler.dates import utc_now_iso
from tcacrawler.dedup import Verdict
from tcacrawler.exporters import dumps_line, exportable
from tcacrawler.extract import clean_article, stamp_article
from tcacrawler.feeds import output_name
from tcacrawler.items import ArticleItem, RateItem
from tcacrawler.monitors import FieldCoverage
from tcacrawler.rates import read_ticker
from tcacrawler.urls import earlier_normal_form, normalize_url
from tcacrawler.validation import schema_errors

logger = logging.getLogger(__name__)


class _CrawlerPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> _CrawlerPipeline:
        return cls(crawler)


class BoilerplatePipeline(_CrawlerPipeline):
    """Strips the ticker, spam and page furniture from an article's text fields."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        for rule, count in clean_article(item).items():
            self.stats.inc_value(f"tca/boilerplate/{rule}", count)
            logger.debug("boilerplate rule %s fired %d times on %s", rule, count, item.url)
        if not item.headline or not item.article_body:
            self.stats.inc_value("tca/dropped/empty_after_cleaning")
            raise DropItem(f"{item.url}: nothing left after removing boilerplate")
        return item


class RatesPipeline(_CrawlerPipeline):
    """Turns the exchange-rate ticker on article pages into rate records, once per run."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.emitted: set[tuple[str, str, str | None]] = set()
        self.skipped: set[tuple[str, str, str | None]] = set()
        # Most pages of a site share their header text word for word; read_ticker is pure
        # and its reading immutable, so each distinct text is read once.
        self.read_ticker = functools.lru_cache(maxsize=64)(read_ticker)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or not item.furniture_text:
            return item
        reading = self.read_ticker(item.furniture_text)
        if reading is None:
            return item
        as_of = reading.as_of.isoformat() if reading.as_of else None
        for skipped in reading.skipped:
            # a zero or unreadable rate: no record (the schema would reject it, or it
            # would be wrong), counted and logged once per run
            key = (skipped.base, skipped.quote, as_of)
            if key not in self.skipped:
                self.skipped.add(key)
                self.stats.inc_value(f"tca/rates/skipped/{skipped.reason}")
                logger.warning(
                    "Rate %s/%s skipped (%s rate): %r on %s",
                    skipped.base,
                    skipped.quote,
                    skipped.reason,
                    skipped.text,
                    item.url,
                )
        for quote in reading.quotes:
            key = (quote.base, quote.quote, as_of)
            if key in self.emitted:
                continue
            self.emitted.add(key)
            store = _store(self.crawler)
            if store is not None:
                if store.rate_seen(item.site, quote.base, quote.quote, as_of, quote.rate):
                    self.stats.inc_value("tca/rates/seen_before")
                    continue
                store.record_rate(
                    _run_id(self.crawler), item.site, quote.base, quote.quote, as_of, quote.rate
                )
            rate = RateItem(
                base=quote.base,
                quote=quote.quote,
                rate=quote.rate,
                change_pct=quote.change_pct,
                as_of=as_of,
                source_url=item.url,
                site=item.site,
            )
            self.stats.inc_value("tca/rates/read")
            await self.crawler.engine.scraper.start_itemproc_async(rate, response=None)
        return item


class StampPipeline(_CrawlerPipeline):
    """Fills the fields derived from the cleaned text and the fetch time."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            stamp_article(item)
        if isinstance(item, ArticleItem | RateItem) and item.retrieved_at is None:
            item.retrieved_at = utc_now_iso()
        return item


class StoryDedupPipeline(_CrawlerPipeline):
    """One record per story, again only when its text really changed (tcacrawler.dedup).

    Decisions are written to the store's open run; they become permanent only when
    the run's files are published (tcacrawler.state). Without the store (the
    StoryState extension disabled) it still keeps one record per story per run.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()
        self.duplicate_mode = crawler.settings.get("TCA_DUPLICATES", "mark")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        state = getattr(self.crawler, "tca_state", None)
        if state is None or state.dedup is None:
            return self._once_per_run(item)
        url = normalize_url(item.url)
        forms = {normalize_url(a) for a in item.aliases}
        # A non-ASCII URL is also looked up, and kept, in the form a store from an
        # earlier version knows it by (None for ASCII URLs, nearly all of them).
        for u in (item.url, *item.aliases):
            if (earlier := earlier_normal_form(u)) is not None:
                forms.add(earlier)
        aliases = sorted(forms - {url})
        decision = state.dedup.check(
            item.story_id, url, aliases, item.article_body, item.date_modified
        )
        state.dedup.record(
            decision,
            run_id=state.run_id,
            url=url,
            aliases=aliases,
            body=item.article_body,
            date_modified=item.date_modified,
        )
        self.stats.inc_value(f"tca/dedup/{decision.verdict.value}")
        if not decision.export(self.duplicate_mode):
            reason = (
                f"unchanged since revision {decision.revision}"
                if decision.verdict is Verdict.UNCHANGED
                else f"duplicate of {decision.duplicate_of}"
            )
            raise DropItem(f"{item.story_id} ({item.url}): {reason}")
        item.story_id = decision.story_id
        item.revision = decision.revision
        item.duplicate_of = decision.duplicate_of
        item.content_hash = decision.content_hash
        return item

    def _once_per_run(self, item: ArticleItem) -> ArticleItem:
        if item.story_id in self.seen:
            self.stats.inc_value("tca/dedup/unchanged")
            raise DropItem(f"{item.story_id} already exported in this run (via {item.url})")
        self.seen.add(item.story_id)
        return item


def _store(crawler: Any) -> Any:
    state = getattr(crawler, "tca_state", None)
    return None if state is None else state.store


def _run_id(crawler: Any) -> str:
    return str(crawler.tca_state.run_id)


class ValidationPipeline(_CrawlerPipeline):
    """Exports only records that match the JSON Schema; quarantines the rest."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.quarantine: IO[str] | None = None

    def process_item(self, item: Any) -> Any:
        record = exportable(item)
        errors = schema_errors(record)
        if not errors:
            return item
        self.stats.inc_value(f"tca/invalid/{record.get('type')}")
        logger.error(
            "Invalid %s record from %s: %s",
            record.get("type"),
            record.get("url") or record.get("source_url"),
            "; ".join(errors),
        )
        self._quarantine_file().write(dumps_line({"errors": errors, "record": record}) + "\n")
        raise DropItem(f"schema violation: {errors[0]}")

    def _quarantine_file(self) -> IO[str]:
        if self.quarantine is None:
            spider: Spider = self.crawler.spider
            output_dir = Path(self.crawler.settings.get("TCA_OUTPUT_DIR"))
            directory = output_dir / output_name(spider) / "quarantine"
            directory.mkdir(parents=True, exist_ok=True)
            run_id = getattr(spider, "run_id", datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
            self.quarantine = (directory / f"{run_id}.jsonl").open("a", encoding="utf-8")
        return self.quarantine

    def close_spider(self) -> None:
        if self.quarantine is not None:
            self.quarantine.close()


class ExportStatsPipeline(_CrawlerPipeline):
    """Counts the records that leave the pipelines, i.e. those exported: per type
    (``item_scraped_count/article``, ``.../rate``) and, for articles, per field (the
    field-coverage monitor's input); and, as the last pipeline, hands each to Scrapy's
    feed exporter and core stats itself (``TAKEN_OVER``).

    A pipeline, not ``item_scraped`` receivers: Scrapy runs every receiver of that signal
    as an asyncio task of its own for every item, which costs more than the counting (the
    feed exporter's and the core stats' tasks cost ~200,000 instructions an item, more
    than the export itself). So at spider open it takes those two off the signal and
    calls them itself, as the signal would: the same arguments, an error logged, not
    raised. Only when it is the last pipeline (what a later one drops must be neither
    exported nor counted as scraped), and only receivers that are plain functions. It
    counts whether or not the monitors run (``SPIDERMON_ENABLED``), for the manifest."""

    TAKEN_OVER = (FeedExporter, CoreStats)

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.coverage = FieldCoverage(crawler.settings.getdict("TCA_MONITOR_FIELD_COVERAGE"))
        self.receivers: list[Callable[..., Any]] = []

    def open_spider(self) -> None:
        pipelines = getattr(self.crawler.engine.scraper.itemproc, "middlewares", ())
        if not pipelines or pipelines[-1] is not self:
            logger.warning(
                "%s is not the last item pipeline: its per-type and per-field counts "
                "include what later ones drop, and the feed exporter and the core stats "
                "stay on the item_scraped signal (more CPU)",
                type(self).__name__,
            )
            return
        for extension in self.crawler.extensions.middlewares:
            if not isinstance(extension, self.TAKEN_OVER):
                continue
            receiver = extension.item_scraped
            if inspect.iscoroutinefunction(receiver):
                continue  # (a subclass's: only the signal awaits it)
            self.crawler.signals.disconnect(receiver, signal=signals.item_scraped)
            self.receivers.append(receiver)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.coverage.count(self.stats, item)
        self.stats.inc_value(f"item_scraped_count/{getattr(item, 'type', 'other')}")
        for receiver in self.receivers:
            spider = self.crawler.spider
            try:
                receiver(item=item, spider=spider)
            except Exception:
                logger.error(
                    "Error caught on signal handler: %(receiver)s",
                    {"receiver": receiver},
                    exc_info=True,
                    extra={"spider": spider},
                )
        return item
