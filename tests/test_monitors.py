"""Health for cron: the monitors, the exit codes and the manifest status.

Unit tests run the Spidermon suite on hand-made stats; the rest are real `scrapy crawl`
subprocesses (a bad `-a mode=` or setting must give one line and exit code 78).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

from replica import ReplicaServer
from tcacrawler import settings as project_settings
from tcacrawler.config import (
    ConfigError,
    check_directories,
    check_settings,
    check_spider_arguments,
)
from tcacrawler.extensions import run_status
from tcacrawler.health import EXIT_CODE_STAT
from tcacrawler.items import ArticleItem, RateItem
from tcacrawler.monitors import (
    DEFAULT_FIELD_COVERAGE,
    FAILED_MONITORS_STAT,
    FieldCoverage,
    HealthMonitorSuite,
)
from tcacrawler.pipelines import ExportStatsPipeline
from tcacrawler.spiders.timesca import TimescaSpider
from tests.crawling import REPO, run_crawl

HEALTHY_STATS: dict[str, Any] = {
    "finish_reason": "finished",
    "downloader/request_count": 200,
    "downloader/response_count": 200,
    "downloader/response_status_count/200": 198,
    "downloader/response_status_count/404": 2,
    "item_scraped_count/article": 100,
    "tca/coverage/article": 100,
    "tca/coverage/article/headline": 100,
    "tca/coverage/article/article_body": 100,
    "tca/coverage/article/date_published": 99,
    "tca/extraction/page": 100,
}


class FakeCrawler:
    def __init__(self, stats: dict[str, Any], settings: dict[str, Any]) -> None:
        self.settings = Settings()
        self.settings.setmodule(project_settings, priority="project")
        self.settings.setdict(settings, priority="cmdline")
        self.stats = MemoryStatsCollector(self)  # type: ignore[arg-type]
        self.stats.set_stats(dict(stats))


def run_monitors(
    stats: dict[str, Any], *, mode: str = "full", settings: dict[str, Any] | None = None
) -> FakeCrawler:
    crawler = FakeCrawler(stats, settings or {})
    spider = TimescaSpider(mode=mode)
    spider.crawler = crawler  # type: ignore[assignment]
    suite = HealthMonitorSuite(crawler=crawler)
    SpiderMonitorRunner(spider=spider).run(
        suite,
        stats=crawler.stats.get_stats(),
        stats_history=[],
        crawler=crawler,
        spider=spider,
        job=None,
    )
    return crawler


def article(**fields: Any) -> ArticleItem:
    return ArticleItem(
        **{
            "story_id": "timesca:1",
            "url": "https://timesca.com/a/",
            "headline": "Headline",
            "article_body": "Body.",
            "site": "timesca",
            **fields,
        }
    )


def test_export_stats_count_types_and_the_fields_the_coverage_rules_name() -> None:
    crawler = FakeCrawler({}, {"TCA_MONITOR_FIELD_COVERAGE": {"headline": 0.9, "nonsense": 1}})
    pipeline = ExportStatsPipeline(crawler)
    rate = RateItem(
        base="USD",
        quote="KZT",
        rate=500.0,
        change_pct=0.1,
        as_of=None,
        source_url="https://timesca.com/a/",
        site="timesca",
    )
    for item in (article(authors=["A. Writer"]), article(authors=[], headline=""), rate):
        assert pipeline.process_item(item) is item
    stats = crawler.stats.get_stats()
    assert stats == {
        "item_scraped_count/article": 2,
        "item_scraped_count/rate": 1,
        "tca/coverage/article": 2,
        "tca/coverage/article/headline": 1,
        "tca/coverage/article/authors": 1,
    }


def test_field_coverage_without_rules_counts_what_the_monitor_checks() -> None:
    # the monitor falls back to the default rules; counting only authors would fail it
    assert set(FieldCoverage({}).stat_keys) == {*DEFAULT_FIELD_COVERAGE, "authors"}


def test_export_stats_is_the_last_pipeline() -> None:
    pipelines = project_settings.ITEM_PIPELINES
    assert max(pipelines, key=pipelines.__getitem__) == "tcacrawler.pipelines.ExportStatsPipeline"


def failed(crawler: FakeCrawler) -> list[str]:
    return list(crawler.stats.get_value(FAILED_MONITORS_STAT, []))


def test_healthy_stats_pass() -> None:
    crawler = run_monitors(HEALTHY_STATS)
    assert failed(crawler) == []
    assert crawler.stats.get_value(EXIT_CODE_STAT, 0) == 0
    assert run_status(crawler.stats.get_stats()) == "finished"


@pytest.mark.parametrize(
    ("change", "monitor"),
    [
        ({"finish_reason": "shutdown"}, "Run/finish reason"),
        ({"tca/robots/disallow_all": 1}, "Run/robots.txt readable"),
        (
            {"item_scraped_count/article": 0, "tca/coverage/article": 0, "tca/extraction/page": 0},
            "Run/article count",
        ),
        ({"tca/failed/timeout": 11}, "Errors/error ratio"),
        ({"log_count/ERROR": 11}, "Errors/error ratio"),
        ({"downloader/response_status_count/503": 21}, "Errors/bad status ratio"),
        ({"tca/invalid/article": 1}, "Records/schema validation"),
        ({"tca/coverage/article/date_published": 50}, "Records/field coverage"),
        ({"tca/coverage/article/headline": 97}, "Records/field coverage"),
        ({"tca/extraction/fallback": 3}, "Records/fallback extraction"),
    ],
)
def test_each_monitor_fails_alone(change: dict[str, Any], monitor: str) -> None:
    crawler = run_monitors({**HEALTHY_STATS, **change})
    assert failed(crawler) == [monitor]
    assert crawler.stats.get_value(EXIT_CODE_STAT) == 3
    expected_status = "incomplete" if "finish_reason" in change else "unhealthy"
    assert run_status(crawler.stats.get_stats()) == expected_status


def test_failure_sub_totals_are_not_counted_twice() -> None:
    stats = {**HEALTHY_STATS, "tca/failed/timeout": 6, "tca/failed/article_transient": 6}
    assert failed(run_monitors(stats)) == []


def test_a_small_run_is_not_unhealthy_for_one_or_two_bad_cases() -> None:
    small = {
        **HEALTHY_STATS,
        "downloader/request_count": 5,
        "downloader/response_count": 5,
        "downloader/response_status_count/200": 4,
        "downloader/response_status_count/404": 1,
        "tca/failed/http_404": 1,
        "item_scraped_count/article": 3,
        "tca/coverage/article": 3,
        "tca/coverage/article/headline": 3,
        "tca/coverage/article/article_body": 3,
        "tca/coverage/article/date_published": 2,
        "tca/coverage/article/authors": 3,
        "tca/extraction/page": 2,
        "tca/extraction/fallback": 1,
    }
    assert failed(run_monitors(small, mode="latest")) == []
    three_bad = {**small, "downloader/response_status_count/404": 3}
    assert failed(run_monitors(three_bad, mode="latest")) == ["Errors/bad status ratio"]
    strict = {"TCA_MONITOR_RATIO_ALLOWANCE": "0"}
    assert set(failed(run_monitors(small, mode="latest", settings=strict))) == {
        "Errors/error ratio",
        "Errors/bad status ratio",
        "Records/field coverage",
        "Records/fallback extraction",
    }


@pytest.mark.parametrize("allowance", ["2", "0"])
def test_a_ratio_exactly_at_its_limit_passes(allowance: str) -> None:
    # a coverage minimum of 0.9 met exactly (27 of 30 articles) is no drift, and 63 failed
    # of 90 requests is not above a limit of 0.7: the rounding of 1 - 0.9 or 0.7 * 90 in
    # between must not say otherwise ("70.0% > 70.0%", "90.0% < 90%")
    at_limit = {
        **HEALTHY_STATS,
        "downloader/request_count": 90,
        "downloader/response_count": 90,
        "downloader/response_status_count/200": 90,
        "downloader/response_status_count/404": 0,
        "tca/failed/http_404": 63,
        "item_scraped_count/article": 30,
        "tca/coverage/article": 30,
        "tca/coverage/article/headline": 27,
        "tca/coverage/article/article_body": 30,
        "tca/coverage/article/date_published": 30,
        "tca/extraction/page": 30,
    }
    settings = {
        "TCA_MONITOR_RATIO_ALLOWANCE": allowance,
        "TCA_MONITOR_FIELD_COVERAGE": json.dumps({"headline": 0.9}),
        "TCA_MONITOR_MAX_ERROR_RATIO": "0.7",
    }
    assert failed(run_monitors(at_limit, mode="latest", settings=settings)) == []
    below = {**at_limit, "tca/coverage/article/headline": 26, "tca/failed/http_404": 64}
    assert set(failed(run_monitors(below, mode="latest", settings=settings))) == {
        "Records/field coverage",
        "Errors/error ratio",
    }


def test_zero_new_articles_in_latest_mode_is_healthy() -> None:
    stats = {**HEALTHY_STATS, "item_scraped_count/article": 0, "tca/coverage/article": 0}
    assert failed(run_monitors(stats, mode="latest")) == []


def test_thresholds_are_settings() -> None:
    stats = {**HEALTHY_STATS, "downloader/response_status_count/503": 21}
    loose = {"TCA_MONITOR_MAX_BAD_STATUS_RATIO": "0.5"}
    assert failed(run_monitors(stats, settings=loose)) == []
    stats = {**HEALTHY_STATS, "tca/coverage/article/authors": 10}
    strict = {"TCA_MONITOR_FIELD_COVERAGE": json.dumps({"authors": 0.9})}
    assert failed(run_monitors(stats, settings=strict)) == ["Records/field coverage"]


# -- configuration errors --------------------------------------------------


def test_check_settings_rejects_unparsable_values() -> None:
    for name, value in [
        ("DOWNLOAD_TIMEOUT", "2s"),
        ("ROBOTSTXT_OBEY", "maybe"),
        ("TCA_SITE_TZ", "Asia/Almaty"),
        ("TCA_BASE_URL", "timesca.com"),
        ("TCA_MONITOR_MAX_ERROR_RATIO", "5"),
        ("TCA_MONITOR_FIELD_COVERAGE", "[1]"),
        ("TCA_MONITOR_FIELD_COVERAGE", '{"headline": "most"}'),
    ]:
        settings = Settings()
        settings.setmodule(project_settings, priority="project")
        settings.set(name, value, priority="cmdline")
        with pytest.raises(ConfigError, match=name):
            check_settings(settings)


def test_check_settings_accepts_the_defaults_and_good_overrides() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    for name, value in [("DOWNLOAD_TIMEOUT", "2.5"), ("ROBOTSTXT_OBEY", "0")]:
        settings.set(name, value, priority="cmdline")
    check_settings(settings)
    check_spider_arguments(TimescaSpider, {"mode": "full", "base_url": "http://x.test"})
    with pytest.raises(ConfigError, match="mode"):
        check_spider_arguments(TimescaSpider, {"mode": "everything"})


def test_check_settings_reads_integer_settings_as_integers() -> None:
    for name, value, good in [
        ("RETRY_TIMES", "1.5", False),
        ("TCA_GC_GEN0_THRESHOLD", "1e4", False),
        ("TCA_MONITOR_MAX_INVALID", "0.5", False),
        ("RETRY_TIMES", "5", True),
        ("TCA_GC_GEN0_THRESHOLD", "20_000", True),
        # Int-valued defaults that Scrapy reads with getfloat take fractions.
        ("DOWNLOAD_TIMEOUT", "2.5", True),
        ("DNS_TIMEOUT", "0.5", True),
        ("DOWNLOAD_DELAY", "0.25", True),
    ]:
        settings = Settings()
        settings.setmodule(project_settings, priority="project")
        settings.set(name, value, priority="cmdline")
        if good:
            check_settings(settings)
        else:
            with pytest.raises(ConfigError, match=f"{name}={value!r} is not a valid integer"):
                check_settings(settings)


def test_check_settings_rejects_unknown_log_levels() -> None:
    for name, value in [
        ("LOG_LEVEL", "verbose"),
        ("LOG_LEVEL", "info"),  # Scrapy's log handler takes only the upper-case names
        ("LOG_LEVEL", "20"),
        ("RETRY_GIVE_UP_LOG_LEVEL", "loud"),
    ]:
        settings = Settings()
        settings.setmodule(project_settings, priority="project")
        settings.set(name, value, priority="cmdline")
        with pytest.raises(ConfigError, match=f"{name}={value!r} is not a log level"):
            check_settings(settings)
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    check_settings(settings)


def test_check_spider_arguments_resolves_paths_and_refuses_other_sites() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    spargs = check_spider_arguments(
        TimescaSpider,
        {"urls": "/a-story/, https://www.timesca.com/b/,http://timesca.com/?p=3"},
        settings,
    )
    assert spargs["urls"] == (
        "https://timesca.com/a-story/,https://www.timesca.com/b/,http://timesca.com/?p=3"
    )
    mirrored = check_spider_arguments(
        TimescaSpider, {"base_url": "http://mirror.test:8080/site/", "urls": "/c/"}, settings
    )
    assert mirrored["urls"] == "http://mirror.test:8080/site/c/"
    settings.set("TCA_BASE_URL", "http://127.0.0.1:9", priority="cmdline")
    assert check_spider_arguments(TimescaSpider, {"urls": "/d/"}, settings)["urls"] == (
        "http://127.0.0.1:9/d/"
    )
    for bad in [
        "notaurl",
        "some-slug/",
        "//timesca.com/x/",
        "ftp://timesca.com/x/",
        "https://timesca.com/a/,https://example.org/x/",
        "https://nottimesca.com/x/",
        "https://news.timesca.com/x/",
        "http:///x/",
    ]:
        with pytest.raises(ConfigError, match=r"^-a urls: "):
            check_spider_arguments(TimescaSpider, {"urls": bad})


def scrapy_crawl(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "timesca"]
    command += ["-s", f"TCA_OUTPUT_DIR={tmp_path / 'output'}"]
    command += ["-s", f"TCA_STATE_DIR={tmp_path / 'state'}"]
    command += ["-s", "TCA_BASE_URL=http://127.0.0.1:9"]
    command += arguments  # last: a later -s wins
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        (("-a", "mode=everything"), "mode"),
        (("-s", "DOWNLOAD_TIMEOUT=2s"), "DOWNLOAD_TIMEOUT"),
        (("-s", "TCA_SITE_TZ=Asia/Almaty"), "TCA_SITE_TZ"),
        (("-s", "RETRY_TIMES=1.5"), "RETRY_TIMES"),
        (("-s", "TCA_GC_GEN0_THRESHOLD=1e4"), "TCA_GC_GEN0_THRESHOLD"),
        (("-s", "LOG_LEVEL=verbose"), "LOG_LEVEL"),
        (("-a", "urls=notaurl"), "-a urls"),
        (("-a", "urls=some-slug/"), "-a urls"),
        (("-a", "urls=https://example.org/x/"), "-a urls"),
        (("-a", "urls="), "-a urls"),
        (("-a", "urls= , "), "-a urls"),
    ],
)
def test_bad_configuration_exits_78_with_one_line(
    arguments: tuple[str, ...], names: str, tmp_path: Path
) -> None:
    done = scrapy_crawl(*arguments, tmp_path=tmp_path)
    assert done.returncode == 78, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if "configuration error" in line]
    assert len(errors) == 1 and names in errors[0]
    assert not (tmp_path / "output").exists(), "nothing may run on a bad configuration"


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["TCA_OUTPUT_DIR", "TCA_STATE_DIR"])
def test_unwritable_directory_exits_78_before_the_crawl(name: str, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    done = scrapy_crawl("-s", f"{name}={blocker / 'dir'}", tmp_path=tmp_path)
    assert done.returncode == 78, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if "configuration error" in line]
    assert len(errors) == 1 and name in errors[0] and "Not a directory" in errors[0]
    assert "Spider opened" not in done.stderr


def test_check_directories_creates_them_and_leaves_nothing_behind(tmp_path: Path) -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TCA_OUTPUT_DIR", str(tmp_path / "out" / "deeper"), priority="cmdline")
    settings.set("TCA_STATE_DIR", str(tmp_path / "state"), priority="cmdline")
    check_directories(settings)
    assert list((tmp_path / "out" / "deeper").iterdir()) == []
    assert list((tmp_path / "state").iterdir()) == []
    settings.set("TCA_STATE_DIR", "", priority="cmdline")
    with pytest.raises(ConfigError, match="TCA_STATE_DIR"):
        check_directories(settings)


@pytest.mark.e2e
def test_urls_may_be_paths_on_the_site(replica_server: ReplicaServer, tmp_path: Path) -> None:
    story = replica_server.site.truth()[0]["url"]
    path = urlsplit(story).path
    assert path.startswith("/")
    result = run_crawl("timesca", replica_server.base_url, tmp_path, args={"urls": path})
    assert result.returncode == 0, result.log[-3000:]
    assert [article["url"] for article in result.articles] == [story]


# -- real crawls -------------------------------------------------------------


@pytest.mark.e2e
def test_healthy_crawl_exits_0_and_manifest_says_finished(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    result = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert result.returncode == 0, result.log[-3000:]
    assert result.manifest["status"] == "finished"
    assert "[Spidermon] OK" in result.log
    assert "tca/health/failed_monitors" not in result.manifest["stats"]
    stats = result.manifest["stats"]
    assert stats["tca/coverage/article"] == len(result.articles)
    for name in ("headline", "article_body", "date_published", "authors"):
        carrying = sum(1 for article in result.articles if article.get(name))
        assert stats.get(f"tca/coverage/article/{name}", 0) == carrying, name
    assert result.manifest["counts"] == {"article": len(result.articles), "rate": len(result.rates)}


@pytest.mark.e2e
def test_failed_monitor_exits_3_and_manifest_says_unhealthy(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    story = fresh_replica.site.truth()[0]["url"]
    result = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "full", "urls": story},
        settings={"TCA_MONITOR_MIN_ARTICLES_FULL": "100000"},
    )
    assert result.returncode == 3, result.log[-3000:]
    assert result.articles, "an unhealthy run still publishes what it found"
    assert result.manifest["status"] == "unhealthy"
    assert result.manifest["stats"]["tca/health/failed_monitors"] == ["Run/article count"]
    unhealthy = [line for line in result.log.splitlines() if "Run unhealthy:" in line]
    assert len(unhealthy) == 1 and "floor 100000" in unhealthy[0]


@pytest.mark.e2e
@pytest.mark.parametrize(("mode", "code"), [("full", 3), ("latest", 0)])
def test_zero_articles_unhealthy_only_in_full_mode(
    fresh_replica: ReplicaServer, tmp_path: Path, mode: str, code: int
) -> None:
    not_an_article = f"{fresh_replica.base_url}/about-us/"
    result = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": mode, "urls": not_an_article},
    )
    assert result.returncode == code, result.log[-3000:]
    assert result.articles == []
    assert result.manifest["status"] == ("unhealthy" if code else "finished")


def receivers_in(log: str) -> str:
    return log.split("item_scraped receivers at the first page: ")[1].splitlines()[0]


def probed_crawl(
    replica_server: ReplicaServer,
    tmp_path: Path,
    pipelines: dict[str, int | None],
    extensions: dict[str, int] | None = None,
) -> Any:
    return run_crawl(
        "timesca",
        replica_server.base_url,
        tmp_path,
        args={"urls": ",".join(t["url"] for t in replica_server.site.truth()[:8])},
        settings={
            "ITEM_PIPELINES": json.dumps({**project_settings.ITEM_PIPELINES, **pipelines}),
            "EXTENSIONS": json.dumps(
                {**project_settings.EXTENSIONS, "tests.probes.ItemScrapedProbe": 0}
                | (extensions or {})
            ),
        },
    )


def test_the_last_pipeline_exports_and_counts_off_the_signal(
    replica_server: ReplicaServer, tmp_path: Path
) -> None:
    result = probed_crawl(replica_server, tmp_path, {})
    assert result.returncode == 0, result.log[-3000:]
    assert receivers_in(result.log) == "ItemScrapedProbe"  # others' receivers stay
    assert len(result.articles) == 8
    assert result.manifest["stats"]["item_scraped_count"] == len(result.records) + len(result.rates)


def test_a_pipeline_after_it_leaves_export_and_counts_on_the_signal(
    replica_server: ReplicaServer, tmp_path: Path
) -> None:
    result = probed_crawl(replica_server, tmp_path, {"tests.probes.DropEverySecondArticle": 950})
    assert result.returncode == 0, result.log[-3000:]
    assert "FeedExporter" in receivers_in(result.log)
    assert "is not the last item pipeline" in result.log
    assert len(result.articles) == 4  # what the later pipeline dropped is not exported
    assert result.manifest["stats"]["item_scraped_count"] == len(result.records) + len(result.rates)


def test_without_it_export_and_counts_stay_on_the_signal(
    replica_server: ReplicaServer, tmp_path: Path
) -> None:
    result = probed_crawl(
        replica_server, tmp_path, {"tcacrawler.pipelines.ExportStatsPipeline": None}
    )
    assert result.returncode == 0, result.log[-3000:]
    assert "CoreStats" in receivers_in(result.log)
    assert len(result.articles) == 8
    assert result.manifest["stats"]["item_scraped_count"] == len(result.records) + len(result.rates)


def test_a_failing_receiver_it_calls_is_logged_and_the_crawl_goes_on(
    replica_server: ReplicaServer, tmp_path: Path
) -> None:
    result = probed_crawl(
        replica_server, tmp_path, {}, extensions={"tests.probes.FailingCoreStats": 0}
    )
    assert "FailingCoreStats" not in receivers_in(result.log)
    assert result.log.count("Error caught on signal handler") == len(result.records) + len(
        result.rates
    )
    assert len(result.articles) == 8
