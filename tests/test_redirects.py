"""<meta> refresh redirects: Scrapy's decisions, loop-aware, and cheap on pages without one."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from replica import SiteApp, generate_site
from replica.presets import PRESETS
from tcacrawler.retry import (
    LoopAwareMetaRefreshMiddleware,
    LoopAwareRedirectMiddleware,
    may_hold_refresh,
)

BASE = "https://timesca.com"
PADDING = "<p>" + "x" * 5000 + "</p>"

PAGES = {
    "none": "<html><head><title>t</title></head><body><p>story</p></body></html>",
    "upper case": '<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/new/"></head></html>',
    "relative": "<html><head><meta http-equiv=refresh content='0;url=../b/'></head></html>",
    "delay too long": '<meta http-equiv="refresh" content="600; url=/later/">',
    "in a script": '<script>var x = \'<meta http-equiv="refresh" content="0;url=/s/">\';</script>',
    "word only": "<html><body><p>Refresh the page to see the live blog.</p></body></html>",
    "beyond 4096": f'<html><body>{PADDING}<meta http-equiv="refresh" content="0;url=/z/">',
}


class _Spider(Spider):
    name = "t"

    def is_site_url(self, url: str) -> bool:
        return url.startswith(BASE)


def _middlewares() -> tuple[LoopAwareMetaRefreshMiddleware, MetaRefreshMiddleware]:
    crawler = get_crawler(_Spider)
    crawler.spider = _Spider()
    ours = LoopAwareMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    return ours, scrapys


def _response(url: str, html: str, request: Request | None = None) -> HtmlResponse:
    request = request or Request(url)
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)


def _outcome(middleware: MetaRefreshMiddleware, url: str, html: str) -> str:
    request = Request(url)
    result = middleware.process_response(request, _response(url, html, request))
    return result.url if isinstance(result, Request) else "response"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_same_decision_as_scrapy(name: str) -> None:
    ours, scrapys = _middlewares()
    url = f"{BASE}/a/page/"
    assert _outcome(ours, url, PAGES[name]) == _outcome(scrapys, url, PAGES[name])


def test_redirects_where_scrapy_does() -> None:
    ours, _ = _middlewares()
    assert _outcome(ours, f"{BASE}/old/", PAGES["upper case"]) == f"{BASE}/new/"
    assert _outcome(ours, f"{BASE}/a/page/", PAGES["relative"]) == f"{BASE}/a/b/"
    assert _outcome(ours, f"{BASE}/old/", PAGES["word only"]) == "response"


def test_same_decision_on_replica_pages() -> None:
    ours, scrapys = _middlewares()
    site = generate_site(n_stories=40, seed=3, base_url=BASE, **PRESETS["timesca"])
    app = SiteApp(site)
    for truth in site.truth():
        html = app.handle(truth["url"].removeprefix(BASE)).body.decode("utf-8")
        assert _outcome(ours, truth["url"], html) == _outcome(scrapys, truth["url"], html)


def test_refresh_loop_and_offsite_refresh_fail_the_request() -> None:
    ours, _ = _middlewares()
    back = f'<meta http-equiv="refresh" content="0; url={BASE}/a/">'
    request = Request(f"{BASE}/b/", meta={"redirect_urls": [f"{BASE}/a/"]})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        ours.process_response(request, _response(request.url, back, request))
    away = '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/x">'
    with pytest.raises(IgnoreRequest, match="offsite"):
        ours.process_response(Request(f"{BASE}/c/"), _response(f"{BASE}/c/", away))


def test_no_referer_warning_on_engine_start(caplog: pytest.LogCaptureFixture) -> None:
    """The referer middleware is off on purpose; Scrapy's redirect middlewares would
    warn about it on every run."""
    crawler = get_crawler(_Spider)
    crawler.spider = _Spider()
    for middleware_class in (LoopAwareMetaRefreshMiddleware, LoopAwareRedirectMiddleware):
        with caplog.at_level(logging.DEBUG):
            middleware_class.from_crawler(crawler)._engine_started()
    assert not [r for r in caplog.records if "Referer" in r.getMessage()]


def test_redirect_carries_no_referer() -> None:
    ours, _ = _middlewares()
    request = Request(f"{BASE}/old/", headers={"Referer": f"{BASE}/"})
    result = ours.process_response(request, _response(request.url, PAGES["upper case"], request))
    assert isinstance(result, Request) and result.url == f"{BASE}/new/"
    assert "Referer" not in result.headers


def test_no_character_outside_ascii_lowers_to_a_letter_of_refresh() -> None:
    letters = set("refresh")
    for code in range(0x80, 0x110000):
        assert not letters & set(chr(code).lower()), hex(code)


@pytest.mark.parametrize(
    "head",
    [
        "",
        "refresh",
        "REFRESH",
        "ReFrEsH",
        "Café <meta http-equiv=Refresh content=0>",
        "Café refres\u0130h",
        "\u212aREFRESH",
        "Caf\u00e9 " + "x" * 4085 + "refresh",  # crosses character 4096
        "Caf\u00e9 " + "x" * 4090 + "refresh",  # wholly after character 4096
        "x" * 4089 + "refresh",
        "x" * 4090 + "refresh",
        "\U0001f600 ReFresh \ud800",
        "re\u00adfresh",
    ],
)
def test_may_hold_refresh_is_the_lowered_search(head: str) -> None:
    assert may_hold_refresh(head) is ("refresh" in head[:4096].lower())
