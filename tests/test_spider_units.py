"""The spider's own checks on the URLs it finds (those Scrapy's spider middlewares
would otherwise make on every callback's output)."""

from __future__ import annotations

import asyncio

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from tcacrawler.spiders.timesca import TimescaSpider

BASE = "https://timesca.com"


def _spider(**settings: object) -> TimescaSpider:
    crawler = get_crawler(TimescaSpider, {"TCA_BASE_URL": BASE, **settings})
    spider = TimescaSpider.from_crawler(crawler, mode="full")
    crawler.spider = spider
    return spider


def _listing(spider: TimescaSpider, body: str) -> list[str]:
    request = Request(f"{BASE}/", meta={"tca_listing_depth": 0})
    response = HtmlResponse(request.url, body=body.encode(), encoding="utf-8", request=request)
    return [r.url for r in spider.parse_listing(response)]


def test_requests_longer_than_the_limit_are_refused_and_counted_once() -> None:
    spider = _spider(URLLENGTH_LIMIT=80)
    long_slug = "y" * 80
    html = (
        "<html><body>"
        '<article><h2 class="entry-title"><a href="/news/ok-story/">ok</a></h2></article>'
        f'<article><h2 class="entry-title"><a href="/news/{long_slug}/">long</a></h2></article>'
        f'<a class="next" href="/page/2/?q={long_slug}">next</a>'
        f'<a href="https://elsewhere.example/share?u={long_slug}">share</a>'
        "</body></html>"
    )
    urls = _listing(spider, html)
    assert f"{BASE}/news/ok-story/" in urls
    assert not [u for u in urls if long_slug in u]
    # The article and the next page; the off-site share link was never a request.
    assert spider.crawler.stats.get_value("urllength/request_ignored_count") == 2


def test_the_limit_applies_to_the_request_url_as_fetched() -> None:
    """Measured on the request's URL: after the junk query is stripped and the URL
    percent-encoded, as Scrapy's UrlLengthMiddleware measured it."""
    spider = _spider(URLLENGTH_LIMIT=120)
    tracking = f"{BASE}/news/a-story/?utm_source=" + "x" * 120
    cyrillic = f"{BASE}/news/" + "\u0430" * 40 + "/"  # 40 characters, 240 encoded
    html = (
        "<html><body>"
        f'<article><h2 class="entry-title"><a href="{tracking}">t</a></h2></article>'
        f'<article><h2 class="entry-title"><a href="{cyrillic}">c</a></h2></article>'
        "</body></html>"
    )
    urls = _listing(spider, html)
    assert f"{BASE}/news/a-story/" in urls
    assert not [u for u in urls if "%D0%B0" in u]


def test_no_limit_when_urllength_limit_is_zero() -> None:
    spider = _spider(URLLENGTH_LIMIT=0)
    html = f'<article><h2 class="entry-title"><a href="/news/{"x" * 5000}/">x</a></h2></article>'
    assert len(_listing(spider, html)) == 1


def test_start_requests_are_marked_as_such() -> None:
    spider = _spider()

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert requests and all(r.meta.get("is_start_request") is True for r in requests)


def test_start_requests_are_length_checked_too() -> None:
    crawler = get_crawler(TimescaSpider, {"TCA_BASE_URL": BASE, "URLLENGTH_LIMIT": 60})
    long = f"{BASE}/news/{'z' * 60}/"
    spider = TimescaSpider.from_crawler(crawler, urls=f"{BASE}/news/a/,{long}")
    crawler.spider = spider

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    assert [r.url for r in asyncio.run(collect())] == [f"{BASE}/news/a/"]
    assert crawler.stats.get_value("urllength/request_ignored_count") == 1


def test_an_hourly_run_stops_a_listing_at_the_cap_and_says_so() -> None:
    crawler = get_crawler(TimescaSpider, {"TCA_BASE_URL": BASE})
    spider = TimescaSpider.from_crawler(crawler, mode="latest")
    crawler.spider = spider
    html = (
        '<article><h2 class="entry-title"><a href="/news/new-story/">n</a></h2></article>'
        '<a class="next" href="/page/51/">next</a>'
    )
    last = spider.latest_listing_pages - 1
    request = Request(f"{BASE}/page/50/", meta={"tca_listing_depth": last})
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    urls = [r.url for r in spider.parse_listing(response)]
    assert urls == [f"{BASE}/news/new-story/"]  # the article, not the next page
    assert spider.crawler.stats.get_value("tca/discovery/listing_cap_reached") == 1
