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


def response_html(response: TextResponse) -> tuple[str, str]:
    """The decoded HTML of a Scrapy TextResponse, see :func:`decode_html`."""
    raw_type = response.headers.get(b"Content-Type")
    content_type = raw_type.decode("latin-1") if isinstance(raw_type, bytes) else None
    return decode_html(response.body, content_type, lambda: response.text)
