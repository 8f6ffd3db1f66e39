"""Unit tests of the bad-input helpers: Retry-After, decoding, failure kinds, sitemap DTDs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError
from twisted.python.failure import Failure
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from tcacrawler.encoding import SINGLE_BYTE_WESTERN, _is_utf8, page_markup, response_markup
from tcacrawler.failures import classify
from tcacrawler.retry import retry_after_seconds
from tcacrawler.spiders.wordpress import SITEMAP_DTD

CURLY = "\u201cCaf\u00e9 \u00e0 la cr\u00e8me\u201d \u2014 it\u2019s"
TEXT = f"<html><body><p>{CURLY}</p></body></html>"


def test_retry_after_seconds_and_dates() -> None:
    now = datetime(2025, 12, 9, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Tue, 09 Dec 2025 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Tue, 09 Dec 2025 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def decode_html(
    body: bytes, content_type: str | None, scrapy_text: Callable[[], str]
) -> tuple[str, str]:
    """The page's text and how it was decoded, as tcacrawler.encoding first decided it
    (text only): the reference page_markup must agree with."""
    if read_bom(body)[0] is not None:
        return scrapy_text(), "scrapy"
    declared = http_content_type_encoding(content_type or "")
    if declared:
        if declared in SINGLE_BYTE_WESTERN and not body.isascii() and _is_utf8(body):
            return body.decode("utf-8"), "utf-8-despite-header"
        return scrapy_text(), "scrapy"
    if html_body_declared_encoding(body):
        return scrapy_text(), "scrapy"
    if _is_utf8(body):
        return body.decode("utf-8"), "scrapy" if body.isascii() else "utf-8-undeclared"
    return body.decode("cp1252", errors="replace"), "cp1252-undeclared"


def page_text(
    body: bytes, content_type: str | None, scrapy_text: Callable[[], str]
) -> tuple[str, str]:
    """page_markup's text (its markup decoded where it is the body) and how."""
    markup, how = page_markup(body, content_type, scrapy_text, lambda: "utf-8")
    return (markup.decode("utf-8") if isinstance(markup, bytes) else markup), how


def test_undeclared_windows_1252_is_not_guessed_as_another_code_page() -> None:
    body = TEXT.encode("cp1252")
    scrapy_text = HtmlResponse("http://x/", body=body, headers={"Content-Type": "text/html"}).text
    text, how = page_text(body, "text/html", lambda: scrapy_text)
    assert CURLY in text
    assert how == "cp1252-undeclared"


def test_utf8_body_behind_a_latin1_header_is_utf8() -> None:
    body = TEXT.replace("<html>", '<html><meta charset="utf-8">').encode()
    text, how = page_text(body, "text/html; charset=ISO-8859-1", lambda: "mojibake")
    assert "Caf\u00e9" in text and how == "utf-8-despite-header"


def test_a_correct_header_wins_over_a_wrong_meta() -> None:
    body = TEXT.replace("<html>", '<html><meta charset="utf-8">').encode("cp1252")
    text, how = page_text(body, "text/html; charset=windows-1252", lambda: "scrapy's")
    assert (text, how) == ("scrapy's", "scrapy")


def _body_variants() -> list[bytes]:
    metas = ("", '<meta charset="utf-8">', '<meta charset="windows-1251">')
    bodies = []
    for meta in metas:
        text = TEXT.replace("<html>", f"<html>{meta}")
        ascii_text = text.replace(CURLY, "Cafe a la creme")
        bodies += [
            ascii_text.encode(),
            text.encode(),
            text.encode("cp1252"),
            text.encode() + b"\xff\xfe broken",  # UTF-8 with a stray byte
            b"\xef\xbb\xbf" + text.encode(),  # UTF-8 byte order mark
            text.encode("utf-16"),  # UTF-16 with its byte order mark
        ]
    return bodies


def test_the_body_is_given_as_is_only_where_it_is_the_decoded_text() -> None:
    """response_markup returns the body itself exactly where the reference decoding's text
    (with Scrapy's own decoding behind it) is the body decoded as UTF-8, else that text,
    and says the same how."""
    content_types = (
        None,
        "text/html",
        "text/html; charset=UTF-8",
        "text/html; charset=utf8",
        "text/html; charset=ISO-8859-1",
        "text/html; charset=windows-1252",
        "text/html; charset=koi8-r",
    )
    given_as_bytes = 0
    for body in _body_variants():
        for content_type in content_types:
            headers = {} if content_type is None else {"Content-Type": content_type}
            response = HtmlResponse("http://x/", body=body, headers=headers)
            text, how = decode_html(body, content_type, lambda r=response: r.text)
            markup, markup_how = response_markup(response)
            assert markup_how == how, (body[:60], content_type)
            if isinstance(markup, bytes):
                given_as_bytes += 1
                assert markup is body and body.decode("utf-8") == text, (body[:60], content_type)
            else:
                assert markup == text
    assert given_as_bytes >= 20
    # a response given an encoding of its own: Scrapy's text follows it, not the header
    overridden = HtmlResponse(
        "http://x/",
        body=TEXT.encode(),
        headers={"Content-Type": "text/html; charset=UTF-8"},
        encoding="cp1252",
    )
    assert response_markup(overridden) == (overridden.text, "scrapy")
    assert "Caf\u00e9" not in overridden.text  # (the cp1252 reading of UTF-8 bytes)
    # the usual page: UTF-8 declared in the header, or undeclared, or behind a Latin-1 header
    utf8_page = TEXT.encode()
    for content_type in ("text/html; charset=UTF-8", "text/html", "text/html; charset=ISO-8859-1"):
        response = HtmlResponse("http://x/", body=utf8_page, headers={"Content-Type": content_type})
        assert response_markup(response)[0] is utf8_page, content_type


def _failure(error: Exception) -> Failure:
    failure = Failure(error)
    failure.request = Request("http://x/a/")  # type: ignore[attr-defined]
    return failure


def test_failure_kinds() -> None:
    response = SimpleNamespace(status=503)
    assert classify(_failure(HttpError(response, "x"))).stat == "tca/failed/http_503"  # type: ignore[arg-type]
    assert classify(_failure(TimeoutError())).stat == "tca/failed/timeout"
    loop = classify(_failure(IgnoreRequest("redirect loop: http://x/a -> http://x/b")))
    assert loop.stat == "tca/failed/redirect_loop" and loop.is_failure
    offsite = classify(_failure(IgnoreRequest("Filtered offsite request to 'e.example'")))
    assert offsite.stat == "tca/skipped/offsite" and not offsite.is_failure
    big = classify(_failure(IgnoreRequest("Ignored <200 http://x/redirect/> ... DOWNLOAD_MAXSIZE")))
    assert big.stat == "tca/failed/too_large" and big.logged_by_scrapy


def test_sitemap_dtd_detection() -> None:
    assert SITEMAP_DTD.search(b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "b">]>')
    assert not SITEMAP_DTD.search(b'<?xml version="1.0"?><urlset xmlns="...">')
