"""robots.txt handling that shares the spider's own fetch and follows RFC 9309."""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

ROBOTS_META_KEY = "tca_robots"
SITEMAP_LINE = re.compile(rb"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def sitemap_urls(robots_body: bytes) -> list[str]:
    return [m.decode("utf-8", "replace") for m in SITEMAP_LINE.findall(robots_body)]


def robots_policy_body(status: int, body: bytes) -> bytes:
    """The rules to apply for a robots.txt answer, per RFC 9309 section 2.3.1.

    A 4xx answer means no rules (crawl everything); a 5xx or any other
    failure means the site cannot say, so nothing may be crawled.
    """
    if 200 <= status < 300:
        return body
    if 400 <= status < 500:
        return b""
    return DISALLOW_ALL


class SiteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with two changes.

    The spider fetches robots.txt itself (to read its Sitemap lines); this
    middleware takes its rules from that same response instead of fetching the
    file a second time, which keeps the hourly run's request budget. And a 5xx
    or unreachable robots.txt disallows the whole site instead of allowing it.
    """

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(ROBOTS_META_KEY):
            self._parsers.setdefault(urlparse_cached(request).netloc, Deferred())
            return None
        return await super().process_request(request)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if request.meta.get(ROBOTS_META_KEY):
            self._install(request, response.status, response.body)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if request.meta.get(ROBOTS_META_KEY):
            self._install(request, 599, b"")

    def _install(self, request: Request, status: int, body: bytes) -> None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            return
        if status >= 500:
            logger.error(
                "robots.txt at %s answered %s: nothing on this site will be crawled (RFC 9309)",
                request.url,
                status if status != 599 else "no response",
            )
            self._stats.inc_value("tca/robots/disallow_all")
        self._stats.inc_value(f"robotstxt/response_status_count/{status}")
        parser = build_from_crawler(
            self._parserimpl, self.crawler, robots_policy_body(status, body)
        )
        self._parsers[netloc] = parser
        pending.callback(parser)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 300:
            response = response.replace(body=robots_policy_body(response.status, response.body))
        await super()._parse_robots(response, netloc, request)
