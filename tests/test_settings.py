"""The live defaults are the polite ones; the demo and tests change only speed."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from scrapy.utils.project import get_project_settings

from tcacrawler.settings import EXTENSIONS
from tests.crawling import FAST_SETTINGS, run_crawl


def test_polite_live_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert "+http" in settings.get("USER_AGENT")
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024
    assert settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert settings.get("TCA_OUTPUT_DIR") == "output"


def test_the_tests_override_only_speed_settings() -> None:
    assert set(FAST_SETTINGS) == {
        "AUTOTHROTTLE_ENABLED",
        "DOWNLOAD_DELAY",
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
    }


def test_collector_tuning_is_undone_when_the_engine_stops() -> None:
    import gc

    from scrapy.utils.test import get_crawler

    from tcacrawler.extensions import CollectorTuning

    before = gc.get_threshold()
    tuning = CollectorTuning.from_crawler(
        get_crawler(settings_dict={"TCA_GC_GEN0_THRESHOLD": 5000})
    )
    try:
        tuning.spider_opened()
        assert gc.get_threshold() == (5000, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        tuning.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_log_level_floor_makes_debug_calls_free() -> None:
    from scrapy.utils.test import get_crawler

    from tcacrawler.extensions import LogLevelFloor

    root, scrapy_logger = logging.getLogger(), logging.getLogger("scrapy")
    before = root.level, scrapy_logger.level
    try:
        scrapy_logger.setLevel(logging.DEBUG)  # as Scrapy's logging config does
        root.setLevel(logging.NOTSET)
        LogLevelFloor.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": "INFO"})).spider_opened()
        assert not logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.INFO)
        root.setLevel(logging.NOTSET)
        scrapy_logger.setLevel(logging.DEBUG)
        LogLevelFloor.from_crawler(
            get_crawler(settings_dict={"LOG_LEVEL": "DEBUG"})
        ).spider_opened()
        assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(before[0])
        scrapy_logger.setLevel(before[1])


def test_debug_is_off_in_a_real_crawl(replica_server: Any, tmp_path: Path) -> None:
    """Scrapy resets the root logger after building the extensions: the floor must
    still be in place while pages are crawled. And the remote control extension, whose
    import costs a quarter second, is not loaded at all. And the garbage collector runs
    rarely and leaves the start-up heap alone."""
    result = run_crawl(
        "timesca",
        replica_server.base_url,
        tmp_path,
        args={"urls": replica_server.site.truth()[0]["url"]},
        settings={"EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.RootLevelProbe": 0})},
    )
    assert result.returncode == 0, result.log[-2000:]
    assert "scrapy.core.scraper level at the first page: 20" in result.log
    assert "aiohttp imported at the first page: False" in result.log
    threshold, frozen = re.search(
        r"gc at the first page: threshold \((\d+),.* frozen (\d+)", result.log
    ).groups()
    assert int(threshold) == 10_000
    assert int(frozen) > 10_000  # the start-up heap: imports, settings, engine


def test_collector_tuning_off_leaves_python_defaults(replica_server: Any, tmp_path: Path) -> None:
    result = run_crawl(
        "timesca",
        replica_server.base_url,
        tmp_path,
        args={"urls": replica_server.site.truth()[0]["url"]},
        settings={
            "EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.RootLevelProbe": 0}),
            "TCA_GC_GEN0_THRESHOLD": "0",
        },
    )
    assert result.returncode == 0, result.log[-2000:]
    assert "gc at the first page: threshold (700, 10, 10), frozen 0" in result.log
