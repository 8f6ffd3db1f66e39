"""The gzip fast path gives what Scrapy's gunzip gives, or leaves the body to it."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Request
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip
from scrapy.utils.test import get_crawler

from tcacrawler.compression import GzipFastPathMiddleware, gunzip_whole

PAGE = ("<html><body>" + "<p>Almaty news, \u00e9t\u00e9 \u2014 story text.</p>" * 400).encode()


def _scrapy_decode(body: bytes, max_size: int) -> bytes | type[Exception]:
    try:
        return HttpCompressionMiddleware._decode(body, b"gzip", max_size)
    except Exception as error:
        return type(error)


def _our_decode(body: bytes, max_size: int) -> bytes | type[Exception]:
    try:
        return GzipFastPathMiddleware._decode(body, b"gzip", max_size)
    except Exception as error:
        return type(error)


CASES = {
    "page": gzip.compress(PAGE),
    "empty": gzip.compress(b""),
    "two members": gzip.compress(PAGE[:500]) + gzip.compress(PAGE[500:]),
    "truncated": gzip.compress(PAGE)[:-20],
    "bad crc": gzip.compress(PAGE)[:-8] + b"\0\0\0\0" + gzip.compress(PAGE)[-4:],
    "trailing junk": gzip.compress(PAGE) + b"junk",
    "not gzip": b"plain text",
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("max_size", [0, len(PAGE), len(PAGE) - 1, 100])
def test_same_outcome_as_scrapy(name: str, max_size: int) -> None:
    assert _our_decode(CASES[name], max_size) == _scrapy_decode(CASES[name], max_size)


def test_the_fast_path_takes_ordinary_pages_and_only_them() -> None:
    assert gunzip_whole(CASES["page"], 0) == PAGE
    assert gunzip_whole(CASES["page"], len(PAGE)) == PAGE
    for name in ("two members", "truncated", "bad crc", "trailing junk", "not gzip"):
        assert gunzip_whole(CASES[name], 0) is None, name
    assert gunzip_whole(CASES["page"], len(PAGE) - 1) is None
    with pytest.raises(_DecompressionMaxSizeExceeded):
        GzipFastPathMiddleware._decode(CASES["page"], b"gzip", len(PAGE) - 1)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=3000),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=60),
)
def test_same_outcome_as_scrapy_on_random_bodies(
    data: bytes, max_size: int, level_kind: int, cut: int
) -> None:
    body = gzip.compress(data, compresslevel=(0, 1, 6, 9)[level_kind])
    for variant in (body, body[: len(body) - cut] if cut else body, body + body[:cut]):
        assert _our_decode(variant, max_size) == _scrapy_decode(variant, max_size)


def test_the_middleware_decodes_a_response() -> None:
    crawler = get_crawler()
    middleware = GzipFastPathMiddleware.from_crawler(crawler)
    request = Request("https://timesca.com/a/")
    response = HtmlResponse(
        request.url,
        body=gzip.compress(PAGE),
        headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"},
        request=request,
    )
    decoded = middleware.process_response(request, response)
    assert decoded.body == PAGE and b"Content-Encoding" not in decoded.headers


def test_deflate_still_goes_the_scrapy_way() -> None:
    assert GzipFastPathMiddleware._decode(zlib.compress(PAGE), b"deflate", 0) == PAGE
    assert gunzip(CASES["page"]) == PAGE
