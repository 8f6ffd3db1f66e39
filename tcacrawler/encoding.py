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


def decode_html(
    body: bytes, content_type: str | None, scrapy_text: Callable[[], str]
) -> tuple[str, str]:
    """(text, how): Scrapy's decoding (``scrapy_text()``) unless a case above applies."""
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


def page_markup(
    body: bytes,
    content_type: str | None,
    scrapy_text: Callable[[], str],
    scrapy_encoding: Callable[[], str] = lambda: "utf-8",
) -> tuple[str | bytes, str]:
    """:func:`decode_html`, except that where its text is exactly the body decoded as
    UTF-8, the body itself is returned: the page object's parser (lexbor) reads UTF-8, and
    a str costs it an encoding back to UTF-8 (7-8% of a page object's work).
    ``scrapy_encoding``: the encoding behind ``scrapy_text`` (a response may have been
    given one that overrides its header)."""
    if read_bom(body)[0] is None:
        declared = http_content_type_encoding(content_type or "")
        if declared in SINGLE_BYTE_WESTERN:  # the text is UTF-8's if the body is UTF-8
            how = "scrapy" if body.isascii() else "utf-8-despite-header"
        elif declared == "utf-8" and _codec_name(scrapy_encoding()) == "utf-8":
            # Scrapy decodes with errors="replace" (the meta-refresh check has had the
            # text decoded already): without a U+FFFD in it, the body was valid UTF-8
            if "\ufffd" not in scrapy_text():
                return body, "scrapy"
            how = "scrapy"
        elif declared is None and (meta := html_body_declared_encoding(body)) in (None, "utf-8"):
            # (no <meta>: decode_html's own UTF-8 test; a <meta> UTF-8: Scrapy's decoding)
            how = "utf-8-undeclared" if meta is None and not body.isascii() else "scrapy"
        else:
            return decode_html(body, content_type, scrapy_text)
        if _is_utf8(body):
            return body, how
    return decode_html(body, content_type, scrapy_text)


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
