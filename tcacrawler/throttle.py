"""AutoThrottle that keeps a site's robots.txt Crawl-delay."""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response

from tcacrawler.robots import SiteRobotsTxtMiddleware, keep_slot_delay_at_least


class CrawlDelayAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, with a least delay per download slot: the Crawl-delay that
    :class:`~tcacrawler.robots.SiteRobotsTxtMiddleware` found for the slot's site.

    AutoThrottle sets a slot's delay anew from every response's latency, bounded below
    by DOWNLOAD_DELAY alone: on a site that answers fast, the first response would undo
    the Crawl-delay, and the requests already waiting in the slot would go sooner.
    """

    def _spider_opened(self, spider: Any) -> None:
        super()._spider_opened(spider)
        robots = self.crawler.get_downloader_middleware(SiteRobotsTxtMiddleware)
        self.slot_delay_floors = robots.slot_delay_floors if robots else {}

    def _response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is not None and slot is not None and (floor := self.slot_delay_floors.get(key)):
            keep_slot_delay_at_least(slot, floor)
