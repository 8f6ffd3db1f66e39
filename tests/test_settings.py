"""The live defaults are the polite ones; the demo and tests change only speed."""

from __future__ import annotations

from scrapy.utils.project import get_project_settings

from tests.crawling import FAST_SETTINGS


def test_polite_live_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert "+http" in settings.get("USER_AGENT")
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024
    assert settings.getbool("DOWNLOADER_CLIENT_TLS_VERIFY")
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
