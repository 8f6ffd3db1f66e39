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


def test_urls_longer_than_the_limit_are_not_site_urls() -> None:
    spider = _spider(URLLENGTH_LIMIT=60)
    short = f"{BASE}/news/a-short-one/"
    long = f"{BASE}/news/{'x' * 60}/"
    assert spider.is_site_url(short)
    assert not spider.is_site_url(long)
    assert spider.is_on_site_host(long)  # still the site's: only too long
    assert spider.crawler.stats.get_value("urllength/request_ignored_count") == 1
    assert not spider.is_site_url("https://elsewhere.example/news/a/")


def test_no_limit_when_urllength_limit_is_zero() -> None:
    spider = _spider(URLLENGTH_LIMIT=0)
    assert spider.is_site_url(f"{BASE}/news/{'x' * 5000}/")


def test_listing_pages_skip_overlong_article_and_next_page_links() -> None:
    spider = _spider(URLLENGTH_LIMIT=80)
    long_slug = "y" * 80
    html = (
        "<html><body>"
        f'<article><h2 class="entry-title"><a href="/news/ok-story/">ok</a></h2></article>'
        f'<article><h2 class="entry-title"><a href="/news/{long_slug}/">long</a></h2></article>'
        f'<a class="next" href="/page/2/?q={long_slug}">next</a>'
        "</body></html>"
    )
    request = Request(f"{BASE}/", meta={"tca_listing_depth": 0})
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    urls = [r.url for r in spider.parse_listing(response)]
    assert f"{BASE}/news/ok-story/" in urls
    assert not [u for u in urls if long_slug in u]


def test_start_requests_are_marked_as_such() -> None:
    spider = _spider()

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert requests and all(r.meta.get("is_start_request") is True for r in requests)
