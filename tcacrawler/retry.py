"""Retries that wait, and redirects that notice a loop.

Scrapy 2.19's RetryMiddleware re-queues a failed request at once and ignores
``Retry-After``; a site that answers 503 because it is overloaded gets hit again
within milliseconds. :class:`BackoffRetryMiddleware` waits before each retry: as
long as the server's ``Retry-After`` says (seconds or an HTTP date), up to
``TCA_RETRY_AFTER_MAX`` (a longer wait gives up: the run would stall), and
otherwise ``TCA_RETRY_BACKOFF_BASE * 2**(n-1)`` seconds, capped at
``TCA_RETRY_BACKOFF_MAX``. Other requests go on meanwhile.

Scrapy's RedirectMiddleware stops after ``REDIRECT_MAX_TIMES`` hops, but an A -> B -> A
loop never gets there: the duplicate filter silently drops the second A, so the page
is lost without a word. :class:`LoopAwareRedirectMiddleware` fails such a request
with ``IgnoreRequest("redirect loop ...")``, which reaches the request's errback;
:class:`LoopAwareMetaRefreshMiddleware` does the same for ``<meta>`` refreshes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor as _reactor
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def _sleep(seconds: float) -> None:
    await maybe_deferred_to_future(deferLater(_reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with Retry-After honoured and exponential backoff between tries."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("TCA_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("TCA_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("TCA_RETRY_AFTER_MAX", 120.0)

    def backoff(self, retry: Request) -> float:
        attempt = int(retry.meta.get("retry_times", 1))
        return min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            stats = self.crawler.stats
            waited = float(stats.get_value("tca/retry/waited_seconds", 0.0))
            stats.set_value("tca/retry/waited_seconds", round(waited + seconds, 3))
            await _sleep(seconds)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
        if retry_after is not None and retry_after > self.retry_after_max:
            self.crawler.stats.inc_value("tca/retry/retry_after_too_long")
            logger.info(
                "Not retrying %s: Retry-After %.0f s is beyond TCA_RETRY_AFTER_MAX",
                request.url,
                retry_after,
            )
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            if retry_after is not None:
                self.crawler.stats.inc_value("tca/retry/retry_after_honoured")
            await self._wait(retry_after if retry_after is not None else self.backoff(result))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(self.backoff(result))
        return result


def _refuse_loop_or_offsite(middleware: Any, redirected: Request, request: Request) -> None:
    chain = {*request.meta.get("redirect_urls", ()), request.url}
    if redirected.url in chain:
        raise IgnoreRequest(f"redirect loop: {request.url} -> {redirected.url}")
    is_site_url = getattr(middleware.crawler.spider, "is_site_url", None)
    if callable(is_site_url) and not is_site_url(redirected.url):
        middleware.crawler.stats.inc_value("offsite/filtered")
        raise IgnoreRequest(
            f"Filtered offsite request to {urlsplit(redirected.url).hostname!r} "
            f"(redirect from {request.url})"
        )


class _NoReferer:
    """We send no Referer (settings: RefererMiddleware is off), so a redirect has none to
    carry over, and there is no referer middleware to look for."""

    def handle_referer(self, request: Request, response: Response) -> None:
        request.headers.pop("Referer", None)

    def _engine_started(self) -> None:
        # Scrapy's looks the referer middleware up and, finding none, logs a WARNING on
        # every run: noise in every cron log, for a choice made on purpose.
        return None


class LoopAwareRedirectMiddleware(_NoReferer, RedirectMiddleware):
    """Fails a redirect back to a URL already visited in the same chain, and one off-site.

    Scrapy 2.19 drops an off-site redirect when it is scheduled, without calling the
    request's errback; failing it here lets the spider count and log it.
    """

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        _refuse_loop_or_offsite(self, redirected, request)
        return super()._redirect(redirected, request, reason)


# bytes.translate table lowering ASCII letters only (every other byte left as it is)
_ASCII_LOWER = bytes(range(256)).lower()


def may_hold_refresh(text: str) -> bool:
    """``"refresh" in text[:4096].lower()``, the test below, at half the cost: str.lower()
    of a head that is not all ASCII looks every character up in Unicode's tables (~30
    instructions each). No character outside ASCII lowers to one of the letters of
    "refresh" (only U+0130 and the Kelvin sign lower to ASCII, to "i" and "k"; tests
    check all of Unicode), and in UTF-8 every ASCII character is its own byte and no
    other character has one: lowering the ASCII bytes alone finds the same word."""
    head = text[:4096]
    if head.isascii():
        return "refresh" in head.lower()
    return b"refresh" in head.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER)


class LoopAwareMetaRefreshMiddleware(_NoReferer, MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv="refresh">`` redirects, loop- and off-site-aware like
    :class:`LoopAwareRedirectMiddleware`, and cheap on the pages that have none.

    Scrapy scans the first 4,096 characters of every HTML page for the tag (~0.13 ms a
    page); a refresh needs the word "refresh" there, and ruling that out costs ~3 us.
    """

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_hold_refresh(response.text):
            return response
        return super().process_response(request, response)

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        _refuse_loop_or_offsite(self, redirected, request)
        return super()._redirect(redirected, request, reason)
