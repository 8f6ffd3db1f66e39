"""robots.txt handling that shares the spider's own fetch and follows RFC 9309."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urljoin

from scrapy import signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

ROBOTS_META_KEY = "tca_robots"
# netlocs whose robots.txt redirected to this request's (RFC 9309 2.3.1.2: the rules
# found at the end of the redirects are the first authority's)
ROBOTS_CHAIN_KEY = "tca_robots_chain"
# RFC 9309 2.3.1.2: follow at least five consecutive redirects
MAX_ROBOTS_REDIRECTS = 5
SITEMAP_LINE = re.compile(rb"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def sitemap_urls(robots_body: bytes) -> list[str]:
    return [m.decode("utf-8", "replace") for m in SITEMAP_LINE.findall(robots_body)]


def robots_policy_body(status: int, body: bytes) -> bytes:
    """The rules to apply for a robots.txt answer, per RFC 9309 section 2.3.1.

    A 4xx answer means no rules (crawl everything), and so does a redirect that was
    not followed to its end (more than five, or no target: "unavailable", 2.3.1.2); a
    5xx or any other failure means the site cannot say, so nothing may be crawled.
    """
    if 200 <= status < 300:
        return body
    if 300 <= status < 500:
        return b""
    return DISALLOW_ALL


def keep_slot_delay_at_least(slot: Slot, floor: float) -> None:
    """Spaces a download slot's requests ``floor`` seconds apart or more. Its random
    variation goes too when it could take a gap below (DOWNLOAD_DELAY_JITTER's +-50%
    would put half of them there)."""
    if slot.delay * (1 - slot.jitter) < floor:
        slot.delay = max(slot.delay, floor)
        slot.jitter = 0.0


class SiteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with these changes.

    The spider fetches robots.txt itself (to read its Sitemap lines); this
    middleware takes its rules from that same response instead of fetching the
    file a second time, which keeps the hourly run's request budget. And a 5xx
    or unreachable robots.txt disallows the whole site instead of allowing it.

    That fetch does not go through Scrapy's redirects (the spider sees every status),
    so this middleware follows robots.txt's own redirects, up to five, and gives the
    rules it finds to every host on the way: a crawl started on ``www.`` of a site that
    redirects it to the bare name (or the reverse) reads the site's one robots.txt.

    A ``Crawl-delay`` for our user agent, up to ``TCA_CRAWL_DELAY_MAX``, spaces the
    requests to those hosts at least that far apart for the rest of the run: it becomes
    the least delay of their download slots (``slot_delay_floors``, which
    :class:`tcacrawler.throttle.CrawlDelayAutoThrottle` keeps too).
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.crawl_delay_max = settings.getfloat("TCA_CRAWL_DELAY_MAX", 30.0)
        # the shortest gap the crawl leaves between two requests to a site anyway (the
        # slot delay, never below DOWNLOAD_DELAY, less its random variation)
        self.least_gap = settings.getfloat("DOWNLOAD_DELAY") * max(
            0.0, 1 - settings.getfloat("DOWNLOAD_DELAY_JITTER")
        )
        self.crawl_delays: dict[str, float] = {}  # netloc -> seconds
        self.slot_delay_floors: dict[str, float] = {}  # download slot -> seconds

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(ROBOTS_META_KEY):
            self._parsers.setdefault(urlparse_cached(request).netloc, Deferred())
            return None
        return await super().process_request(request)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get(ROBOTS_META_KEY):
            if (hop := self._redirect_hop(request, response)) is not None:
                return hop
            self._install(request, response.status, response.body)
        return response

    def _redirect_hop(self, request: Request, response: Response) -> Request | None:
        """The request for the next robots.txt on a redirect, None at the chain's end."""
        chain: list[str] = request.meta.get(ROBOTS_CHAIN_KEY, [])
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location) or response.status == 304:
            return None
        if len(chain) >= MAX_ROBOTS_REDIRECTS:
            logger.warning(
                "robots.txt at %s redirects more than %d times: crawling as if it had none "
                "(RFC 9309)",
                request.url,
                MAX_ROBOTS_REDIRECTS,
            )
            return None
        self._stats.inc_value("tca/robots/redirected")
        target = urljoin(response.url, location.decode("latin-1").strip())
        meta = {**request.meta, ROBOTS_CHAIN_KEY: [*chain, urlparse_cached(request).netloc]}
        return request.replace(url=target, meta=meta, dont_filter=True)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if request.meta.get(ROBOTS_META_KEY):
            self._install(request, 599, b"")

    def _install(self, request: Request, status: int, body: bytes) -> None:
        netlocs = [*request.meta.get(ROBOTS_CHAIN_KEY, []), urlparse_cached(request).netloc]
        waiting = [
            (netloc, pending)
            for netloc in dict.fromkeys(netlocs)
            if isinstance(pending := self._parsers.get(netloc), Deferred)
        ]
        if not waiting:
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
        self._honour_crawl_delay(parser, request.url, request, [n for n, _ in waiting])
        for netloc, pending in waiting:
            self._parsers[netloc] = parser
            pending.callback(parser)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 300:
            response = response.replace(body=robots_policy_body(response.status, response.body))
        await super()._parse_robots(response, netloc, request)
        if isinstance(parser := self._parsers[netloc], RobotParser):
            self._honour_crawl_delay(parser, response.url, request, [netloc])

    def _honour_crawl_delay(
        self, parser: RobotParser, robots_url: str, request: Request, netlocs: list[str]
    ) -> None:
        # the agent Scrapy's own check (process_request_2) matches the groups with
        agent = (
            self._robotstxt_useragent
            or request.headers.get(b"User-Agent")
            or self._default_useragent
        )
        asked = parser.crawl_delay(agent)
        if asked is None or not asked > 0:  # (NaN too)
            return
        delay = min(asked, self.crawl_delay_max)
        if delay <= self.least_gap:
            return
        hosts = ", ".join(netlocs)
        if asked > delay:
            logger.warning(
                "robots.txt at %s asks for a Crawl-delay of %g s: waiting %g s "
                "(TCA_CRAWL_DELAY_MAX) between requests to %s instead",
                robots_url,
                asked,
                delay,
                hosts,
            )
            self._stats.inc_value("tca/robots/crawl_delay_capped")
        else:
            logger.info(
                "robots.txt at %s asks for a Crawl-delay of %g s: requests to %s are "
                "spaced at least that far apart",
                robots_url,
                delay,
                hosts,
            )
        self._stats.inc_value("tca/robots/crawl_delay_honoured")
        self._stats.max_value("tca/robots/crawl_delay_seconds", delay)
        if not self.crawl_delays:
            # connected only now: a site without a Crawl-delay pays nothing per request
            self.crawler.signals.connect(
                self._keep_crawl_delay, signal=signals.request_reached_downloader
            )
        for netloc in netlocs:
            self.crawl_delays[netloc] = delay

    def _keep_crawl_delay(self, request: Request) -> None:
        """Before the downloader spaces the request: its slot may be new (Scrapy drops
        a slot idle for a minute) or shared with another host."""
        delay = self.crawl_delays.get(urlparse_cached(request).netloc)
        if delay is None:
            return
        key = request.meta[Downloader.DOWNLOAD_SLOT]
        floor = self.slot_delay_floors[key] = max(delay, self.slot_delay_floors.get(key, 0.0))
        keep_slot_delay_at_least(self.crawler.engine.downloader.slots[key], floor)
