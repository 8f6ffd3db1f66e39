"""robots.txt's Crawl-delay: which one applies to us, what is capped, what is ignored, and
how a download slot keeps it. The crawls that measure the spacing are in
test_e2e_crawl_delay.py."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from tcacrawler.robots import ROBOTS_META_KEY, SiteRobotsTxtMiddleware, keep_slot_delay_at_least

AGENT = "tcacrawler/0.1 (+https://github.com/tcacrawler/tcacrawler; news archiving crawler)"
SITE = "http://timesca.test"
RULES = "Disallow: /wp-admin/\n"


def read_robots(body: str, **settings: Any) -> tuple[SiteRobotsTxtMiddleware, dict[str, Any]]:
    """The middleware after the spider's own robots.txt fetch answered ``body``."""
    crawler = get_crawler(
        settings_dict={
            "ROBOTSTXT_OBEY": True,
            "USER_AGENT": AGENT,
            "DOWNLOAD_DELAY": 1.0,
            "DOWNLOAD_DELAY_JITTER": 0.5,
            **settings,
        }
    )
    middleware = SiteRobotsTxtMiddleware(crawler)
    request = Request(f"{SITE}/robots.txt", meta={ROBOTS_META_KEY: True})
    request.headers[b"User-Agent"] = AGENT
    asyncio.run(middleware.process_request(request))
    response = TextResponse(request.url, body=body.encode(), request=request)
    assert middleware.process_response(request, response) is response
    return middleware, crawler.stats.get_stats()


def crawl_delay(body: str, **settings: Any) -> float | None:
    return read_robots(body, **settings)[0].crawl_delays.get("timesca.test")


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 5\n", 5.0),
        ("User-agent: tcacrawler\nCrawl-delay: 5\n", 5.0),
        # the group naming us wins over *, whatever either says (RFC 9309 2.2.1)
        ("User-agent: *\nCrawl-delay: 20\n\nUser-agent: tcacrawler\nCrawl-delay: 3\n", 3.0),
        ("User-agent: tcacrawler\nDisallow: /x/\n\nUser-agent: *\nCrawl-delay: 20\n", None),
        # another crawler's delay is not ours
        ("User-agent: otherbot\nCrawl-delay: 5\n\nUser-agent: *\n" + RULES, None),
        ("User-agent: *\n" + RULES, None),
    ],
)
def test_the_group_that_applies_to_our_agent_gives_the_delay(
    group: str, expected: float | None
) -> None:
    assert crawl_delay(group) == expected


def test_a_robots_user_agent_setting_chooses_the_group() -> None:
    body = "User-agent: archiver\nCrawl-delay: 4\n\nUser-agent: *\nCrawl-delay: 9\n"
    assert crawl_delay(body, ROBOTSTXT_USER_AGENT="archiver") == 4.0
    assert crawl_delay(body) == 9.0


@pytest.mark.parametrize("value", ["abc", "-3", "0", "nan", "inf s", ""])
def test_a_malformed_negative_or_zero_delay_is_ignored(value: str) -> None:
    middleware, stats = read_robots(f"User-agent: *\nCrawl-delay: {value}\n{RULES}")
    assert middleware.crawl_delays == {}
    assert not [key for key in stats if key.startswith("tca/robots/crawl_delay")]
    assert not middleware._parsers["timesca.test"].allowed(f"{SITE}/wp-admin/", AGENT)


def test_a_delay_the_crawl_keeps_anyway_changes_nothing() -> None:
    # DOWNLOAD_DELAY 1 s less its +-50% variation leaves 0.5 s between requests at least
    assert crawl_delay("User-agent: *\nCrawl-delay: 0.5\n") is None
    assert crawl_delay("User-agent: *\nCrawl-delay: 0.6\n") == 0.6
    assert crawl_delay("User-agent: *\nCrawl-delay: 0.6\n", DOWNLOAD_DELAY_JITTER=0) is None


def test_a_huge_delay_is_capped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tcacrawler.robots"):
        middleware, stats = read_robots("User-agent: *\nCrawl-delay: 86400\n")
    assert middleware.crawl_delays == {"timesca.test": 30.0}
    assert stats["tca/robots/crawl_delay_seconds"] == 30.0
    assert stats["tca/robots/crawl_delay_capped"] == 1
    assert stats["tca/robots/crawl_delay_honoured"] == 1
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "86400" in record.getMessage()
    assert crawl_delay("User-agent: *\nCrawl-delay: 86400\n", TCA_CRAWL_DELAY_MAX=120) == 120.0


def test_an_honoured_delay_is_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tcacrawler.robots"):
        _, stats = read_robots("User-agent: *\nCrawl-delay: 7\n")
    [record] = caplog.records
    assert record.levelno == logging.INFO and "Crawl-delay of 7 s" in record.getMessage()
    assert stats["tca/robots/crawl_delay_seconds"] == 7.0
    assert "tca/robots/crawl_delay_capped" not in stats


def test_every_host_on_a_robots_redirect_chain_keeps_the_delay() -> None:
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "USER_AGENT": AGENT})
    middleware = SiteRobotsTxtMiddleware(crawler)
    first = Request("http://www.timesca.test/robots.txt", meta={ROBOTS_META_KEY: True})
    asyncio.run(middleware.process_request(first))
    moved = TextResponse(
        first.url, status=301, headers={"Location": f"{SITE}/robots.txt"}, request=first
    )
    hop = middleware.process_response(first, moved)
    assert isinstance(hop, Request)
    asyncio.run(middleware.process_request(hop))
    body = b"User-agent: *\nCrawl-delay: 4\n"
    middleware.process_response(hop, TextResponse(hop.url, body=body, request=hop))
    assert middleware.crawl_delays == {"www.timesca.test": 4.0, "timesca.test": 4.0}


@pytest.mark.parametrize(
    ("delay", "jitter", "floor", "expected"),
    [
        (0.0, 0.5, 2.0, (2.0, 0.0)),  # raised, and no random gap below it
        (1.0, 0.5, 0.8, (1.0, 0.0)),  # 1 s +-50% could wait 0.5 s: no variation
        (4.0, 0.5, 2.0, (4.0, 0.5)),  # 4 s +-50% never waits less than 2 s
        (3.0, 0.0, 2.0, (3.0, 0.0)),
    ],
)
def test_a_slot_keeps_its_floor(
    delay: float, jitter: float, floor: float, expected: tuple[float, float]
) -> None:
    slot = Slot(1, delay, jitter)
    keep_slot_delay_at_least(slot, floor)
    assert (slot.delay, slot.jitter) == expected
