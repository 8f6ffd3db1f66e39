"""The live defaults are the polite ones; the demo and tests change only speed."""

from __future__ import annotations

import logging

from scrapy.utils.project import get_project_settings

from tests.crawling import FAST_SETTINGS


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


def test_log_level_floor_makes_debug_calls_free() -> None:
    from scrapy.utils.test import get_crawler

    from tcacrawler.extensions import LogLevelFloor

    root = logging.getLogger()
    before = root.level
    try:
        root.setLevel(logging.NOTSET)
        LogLevelFloor(get_crawler(settings_dict={"LOG_LEVEL": "INFO"}))
        assert not logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.INFO)
        root.setLevel(logging.NOTSET)
        LogLevelFloor(get_crawler(settings_dict={"LOG_LEVEL": "DEBUG"}))
        assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(before)
