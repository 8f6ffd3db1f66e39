"""Health monitors for cron runs, built on Spidermon and run when the spider closes.

Each monitor reads the crawl stats and a threshold setting (README "Monitors").
When any fails, :class:`RequestUnhealthy` records the failed monitors in the stat
``tca/health/failed_monitors`` (the run manifest reads it and says ``unhealthy``),
logs one line, and asks for exit code 3.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner
from spidermon.core.actions import Action

from tcacrawler.health import EXPECTED_NOT_FOUND, ExitCode, request_exit_code
from tcacrawler.items import ArticleItem, exported_field_names

logger = logging.getLogger(__name__)
# Spidermon 1.27 writes its report through Spider.log(), which Scrapy 2.19 deprecates;
# the report is still logged, the warning is noise in every cron log.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", module="spidermon")

FAILED_MONITORS_STAT = "tca/health/failed_monitors"
COVERAGE_PREFIX = "tca/coverage/article"
DEFAULT_FIELD_COVERAGE = {"headline": 0.98, "article_body": 0.98, "date_published": 0.98}


class FieldCoverage:
    """Counts exported articles (``tca/coverage/article``) and, per field the coverage
    rules name (and authors), those that carry it: what the field-coverage monitor reads."""

    def __init__(self, rules: dict[str, Any] | None) -> None:
        known = set(exported_field_names(ArticleItem))
        # the monitor falls back to the default rules: count what it will check
        names = (*(rules or DEFAULT_FIELD_COVERAGE), "authors")
        self.stat_keys = {
            name: f"{COVERAGE_PREFIX}/{name}" for name in dict.fromkeys(names) if name in known
        }

    def count(self, stats: Any, article: ArticleItem) -> None:
        stats.inc_value(COVERAGE_PREFIX)
        for name, stat_key in self.stat_keys.items():
            if getattr(article, name) not in (None, "", [], {}):
                stats.inc_value(stat_key)


def _sum_prefixed(stats: dict[str, Any], prefix: str) -> int:
    return sum(
        int(value)
        for key, value in stats.items()
        if key.startswith(prefix) and isinstance(value, int | float)
    )


# The kinds tcacrawler.failures.classify counts, one per failed request. Other keys
# under tca/failed/ (e.g. tca/failed/article_transient) are sub-totals of these.
FAILURE_KINDS = frozenset(
    f"tca/failed/{kind}"
    for kind in ("timeout", "too_large", "redirect_loop", "connection", "ignored", "other")
)


def failed_request_count(stats: dict[str, Any]) -> int:
    return sum(
        int(value)
        for key, value in stats.items()
        if key in FAILURE_KINDS or key.startswith("tca/failed/http_")
    )


def error_count(stats: dict[str, Any]) -> int:
    """Requests that failed for good, plus error-level log lines."""
    return (
        failed_request_count(stats)
        + int(stats.get("log_count/ERROR", 0))
        + int(stats.get("log_count/CRITICAL", 0))
    )


def bad_status_count(stats: dict[str, Any]) -> int:
    """Responses with a 4xx or 5xx status (every attempt, retries included), less the 404s
    the spider expected: a missing robots.txt and the sitemap paths it probes in turn (a
    site with core sitemaps answers the first probe with a 404 every run)."""
    prefix = "downloader/response_status_count/"
    total = 0
    for key, value in stats.items():
        status = key.removeprefix(prefix)
        if key.startswith(prefix) and status.isdigit() and int(status) >= 400:
            total += int(value)
    return total - int(stats.get(EXPECTED_NOT_FOUND, 0))


class _TcaMonitor(Monitor):
    longMessage = False  # the assertion message alone says what went wrong

    @property
    def stats(self) -> dict[str, Any]:
        return self.data.stats

    @property
    def settings(self) -> Any:
        return self.data.crawler.settings

    @property
    def articles(self) -> int:
        return int(self.stats.get("item_scraped_count/article", 0))

    def allowed(self, count: int) -> bool:
        """Whether ``count`` cases are few enough to pass whatever the ratio: in an hourly
        run of five requests one 404 (a story deleted while a cached sitemap still lists
        it) is 20%, and would page someone for nothing."""
        return count <= self.settings.getint("TCA_MONITOR_RATIO_ALLOWANCE")

    def within(self, count: int, total: int, limit: float) -> bool:
        """Whether ``count`` of ``total`` is within the ratio ``limit``, or allowed. The
        ratio is compared as the message shows it (``count / total``): ``limit * total``
        rounds, and 63 of 90 against 0.7 would fail at exactly 70%."""
        return self.allowed(count) or (count / total if total else 1.0) <= limit


@monitors.name("Run")
class RunMonitor(_TcaMonitor):
    @monitors.name("finish reason")
    def test_finish_reason(self) -> None:
        reason = self.stats.get("finish_reason")
        self.assertEqual(reason, "finished", f"the run ended with {reason!r}, not 'finished'")

    @monitors.name("robots.txt readable")
    def test_robots_allowed(self) -> None:
        self.assertFalse(
            self.stats.get("tca/robots/disallow_all"),
            "robots.txt answered 5xx or could not be fetched: nothing was crawled (RFC 9309)",
        )

    @monitors.name("article count")
    def test_article_floor(self) -> None:
        mode = getattr(self.data.spider, "mode", None)
        floor = self.settings.getint("TCA_MONITOR_MIN_ARTICLES_FULL")
        if mode != "full":
            return  # an hourly run may rightly find nothing new
        # Articles found on the site, exported or not: a full run after an earlier one
        # rightly exports nothing when every story is unchanged.
        found = self.articles + int(self.stats.get("tca/dedup/unchanged", 0))
        self.assertGreaterEqual(
            found, floor, f"a full run found {found} articles on the whole site (floor {floor})"
        )


@monitors.name("Errors")
class ErrorRatioMonitor(_TcaMonitor):
    @monitors.name("error ratio")
    def test_error_ratio(self) -> None:
        requests = int(self.stats.get("downloader/request_count", 0))
        errors = error_count(self.stats)
        limit = self.settings.getfloat("TCA_MONITOR_MAX_ERROR_RATIO")
        ratio = errors / requests if requests else (1.0 if errors else 0.0)
        self.assertTrue(
            self.within(errors, requests, limit),
            f"{errors} failed requests or error lines for {requests} requests "
            f"({ratio:.1%} > {limit:.1%})",
        )

    @monitors.name("bad status ratio")
    def test_bad_status_ratio(self) -> None:
        responses = int(self.stats.get("downloader/response_count", 0))
        bad = bad_status_count(self.stats)
        limit = self.settings.getfloat("TCA_MONITOR_MAX_BAD_STATUS_RATIO")
        ratio = bad / responses if responses else 0.0
        self.assertTrue(
            self.within(bad, responses, limit),
            f"{bad} of {responses} responses were 4xx/5xx ({ratio:.1%} > {limit:.1%})",
        )


@monitors.name("Records")
class RecordMonitor(_TcaMonitor):
    @monitors.name("schema validation")
    def test_no_invalid_records(self) -> None:
        invalid = _sum_prefixed(self.stats, "tca/invalid/")
        limit = self.settings.getint("TCA_MONITOR_MAX_INVALID")
        self.assertLessEqual(
            invalid, limit, f"{invalid} records failed schema validation (quarantined)"
        )

    @monitors.name("field coverage")
    def test_field_coverage(self) -> None:
        total = int(self.stats.get(COVERAGE_PREFIX, 0))
        if not total:
            return
        rules = self.settings.getdict("TCA_MONITOR_FIELD_COVERAGE") or DEFAULT_FIELD_COVERAGE
        low = {}
        for field_name, minimum in rules.items():
            carrying = int(self.stats.get(f"{COVERAGE_PREFIX}/{field_name}", 0))
            coverage = carrying / total
            # coverage against the minimum itself: 1 - 0.9 is 0.09999..., and 27 of 30
            # (exactly 90%) would fail a 0.9 minimum as missing on more than 10%
            if not self.allowed(total - carrying) and coverage < float(minimum):
                low[field_name] = f"{coverage:.1%} < {float(minimum):.0%}"
        self.assertFalse(
            low,
            f"fields missing on too many of {total} articles (layout drift?): "
            + ", ".join(f"{k} {v}" for k, v in low.items()),
        )

    @monitors.name("fallback extraction")
    def test_fallback_ratio(self) -> None:
        fallback = int(self.stats.get("tca/extraction/fallback", 0))
        extracted = fallback + int(self.stats.get("tca/extraction/page", 0))
        if not extracted:
            return
        limit = self.settings.getfloat("TCA_MONITOR_MAX_FALLBACK_RATIO")
        ratio = fallback / extracted
        self.assertTrue(
            self.within(fallback, extracted, limit),
            f"{fallback} of {extracted} articles needed generic extraction "
            f"({ratio:.1%} > {limit:.1%}): the page selectors no longer match (layout drift?)",
        )


class RequestUnhealthy(Action):
    """Marks the run unhealthy: stat for the manifest, one log line, exit code 3."""

    def run_action(self) -> None:
        crawler = self.data.crawler
        failed = sorted(
            {
                getattr(result.monitor, "name", None) or str(result.monitor)
                for result in self.result.monitors_failed_results
            }
        )
        crawler.stats.set_value(FAILED_MONITORS_STAT, failed)
        request_exit_code(crawler, ExitCode.UNHEALTHY)
        reasons = [
            str(r.reason).strip().splitlines()[-1].removeprefix("AssertionError: ")
            for r in self.result.monitors_failed_results
        ]
        logger.error("Run unhealthy: %s", "; ".join(reasons) or ", ".join(failed))


class HealthMonitorSuite(MonitorSuite):
    monitors = [RunMonitor, ErrorRatioMonitor, RecordMonitor]
    monitors_failed_actions = [RequestUnhealthy]


# Spidermon settings that only its own extension reads.
_OTHER_SPIDERMON_MONITORS = (
    "SPIDERMON_SPIDER_OPEN_MONITORS",
    "SPIDERMON_ENGINE_STOP_MONITORS",
    "SPIDERMON_PERIODIC_MONITORS",
    "SPIDERMON_SPIDER_OPEN_EXPRESSION_MONITORS",
    "SPIDERMON_SPIDER_CLOSE_EXPRESSION_MONITORS",
    "SPIDERMON_ENGINE_STOP_EXPRESSION_MONITORS",
)


class HealthMonitors:
    """Runs the ``SPIDERMON_SPIDER_CLOSE_MONITORS`` suites when the spider closes, with
    Spidermon's runner (the field counts they read come from
    ``tcacrawler.pipelines.ExportStatsPipeline``).

    Spidermon's own extension would run them too, but importing it imports its expression
    monitors and, with them, jsonschema and arrow: a quarter of a second of CPU on every
    hourly run, for open, periodic and expression monitors we don't use. To use those,
    enable ``spidermon.contrib.scrapy.extensions.Spidermon`` as well and give it only
    those settings. It must run before the run manifest is written: give it a lower
    EXTENSIONS order than ``RunManifest``.
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.suites = [
            load_object(path)(crawler=crawler)
            for path in settings.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS")
        ]
        for name in _OTHER_SPIDERMON_MONITORS:
            if settings.get(name):
                logger.warning(
                    "%s is set, but HealthMonitors runs only spider-close monitors: enable "
                    "spidermon.contrib.scrapy.extensions.Spidermon for it",
                    name,
                )

    @classmethod
    def from_crawler(cls, crawler: Any) -> HealthMonitors:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str | None = None) -> None:
        # CoreStats sets finish_reason in its own spider_closed handler; do not depend
        # on running after it.
        if reason is not None:
            self.crawler.stats.set_value("finish_reason", reason)
        # What Spidermon's extension hands its monitors (no Scrapy Cloud job here).
        data = {
            "stats": self.crawler.stats.get_stats(),
            "stats_history": getattr(spider, "stats_history", []),
            "crawler": self.crawler,
            "spider": spider,
            "sc_spider_name": spider.name,
            "job": None,
        }
        for suite in self.suites:
            SpiderMonitorRunner(spider=spider).run(suite, **data)
