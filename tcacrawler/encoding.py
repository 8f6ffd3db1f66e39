"""Decoding article pages the way a browser would, where Scrapy's guess goes wrong.

Scrapy (w3lib) follows the HTTP header, then a BOM, then ``<meta charset>``, and with
none of them guesses with charset_normalizer, which on a mostly-ASCII English page
with a few curly quotes can pick a Central European code page (``cp1250``) and turn
"à" into "ŕ". Two cases are decided here instead:

* nothing declared and the body is not UTF-8: windows-1252, the web's fallback for
  English pages (WHATWG Encoding, "legacy single-byte" default);
* the header names a Western single-byte charset (ISO-8859-1, windows-1252, ASCII:
  typically a server default), but the body is valid UTF-8 with non-ASCII bytes: a
  multi-byte UTF-8 sequence is all but impossible in real windows-1252 text, so UTF-8.

Everything else (a correct header that disagrees with a wrong ``<meta>``, a BOM) is
left to Scrapy: the header wins, as in browsers.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

SINGLE_BYTE_WESTERN = frozenset({"cp1252", "latin_1", "iso8859-1", "ascii", "us-ascii"})


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def page_markup(
    body: bytes,
    content_type: str | None,
    scrapy_text: Callable[[], str],
    scrapy_encoding: Callable[[], str],
) -> tuple[str | bytes, str]:
    """(markup, how): Scrapy's decoding (``scrapy_text()``, made with ``scrapy_encoding()``,
    which a response may have been given over its header) unless a case above applies.
    Where the text is exactly the body decoded as UTF-8, the markup is the body itself:
    the page object's parser (lexbor) reads UTF-8, and a str costs it an encoding back to
    UTF-8 (7-8% of a page object's work)."""
    if read_bom(body)[0] is not None:
        return scrapy_text(), "scrapy"
    declared = http_content_type_encoding(content_type or "")
    if declared:
        if declared in SINGLE_BYTE_WESTERN and _is_utf8(body):  # (ASCII is UTF-8 too)
            return body, "scrapy" if body.isascii() else "utf-8-despite-header"
        if declared == "utf-8" and _codec_name(scrapy_encoding()) == "utf-8":
            # Scrapy decodes with errors="replace" (the meta-refresh check has had the
            # text decoded already): without a U+FFFD in it, the body was valid UTF-8
            text = scrapy_text()
            return (body if "\ufffd" not in text or _is_utf8(body) else text), "scrapy"
        return scrapy_text(), "scrapy"
    meta = html_body_declared_encoding(body)
    if meta:
        return (body if meta == "utf-8" and _is_utf8(body) else scrapy_text()), "scrapy"
    if _is_utf8(body):
        return body, "scrapy" if body.isascii() else "utf-8-undeclared"
    return body.decode("cp1252", errors="replace"), "cp1252-undeclared"


def _codec_name(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _content_type(response: TextResponse) -> str | None:
    raw_type = response.headers.get(b"Content-Type")
    return raw_type.decode("latin-1") if isinstance(raw_type, bytes) else None


def response_markup(response: TextResponse) -> tuple[str | bytes, str]:
    """What the page object is given for a Scrapy TextResponse (its text, or its body when
    that is the text's UTF-8), and how it was decoded; see :func:`page_markup`."""
    return page_markup(
        response.body,
        _content_type(response),
        lambda: response.text,
        lambda: response.encoding,
    )
