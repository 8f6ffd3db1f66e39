"""The page object's fast paths give what the general code they skip would give."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin as general_urljoin
from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st
from w3lib.url import safe_url_string

from tcacrawler.pages.wordpress import (
    _PLAIN_ABSOLUTE,
    _PLAIN_ABSOLUTE_WITH_PORT,
    _joined_uri,
    clean_text,
    uri_join,
    urljoin,
)
from tcacrawler.urls import SHORTLINK_QUERY, shortlink_post_id

BASES = st.sampled_from(
    [
        "https://timesca.com/some-story/",
        "http://timesca.com/a/b?x=1#f",
        "https://other.example/",
        "ftp://files.example/dir/",
        "",
    ]
)
URL_CHARACTERS = st.sampled_from([*"aZ09:/?#;.-_~%&=+@![]() \t\nÄ", "..", "//"])


@settings(max_examples=500)
@given(BASES, st.from_regex(_PLAIN_ABSOLUTE, fullmatch=True))
@example("https://timesca.com/", "https://timesca.com/a/../b/./c")
@example("https://timesca.com/", "http://x.y?#")
def test_urljoin_of_a_plain_absolute_url_is_the_url(base: str, url: str) -> None:
    assert general_urljoin(base, url) == url
    assert urljoin(base, url) == url


@settings(max_examples=1000)
@given(BASES, st.from_regex(_PLAIN_ABSOLUTE_WITH_PORT, fullmatch=True))
@example("https://timesca.com/", "http://127.0.0.1:65535/a/../b?q=1#f")
@example("https://timesca.com/", "http://127.0.0.1:0")
def test_uri_join_of_a_plain_absolute_url_with_a_port_is_the_general_join(
    base: str, url: str
) -> None:
    # what uri_join gave before this fast path: safe_url_string of urllib's join
    assert safe_url_string(general_urljoin(base, url)) == url
    assert uri_join(base, url) == url
    assert _joined_uri(base, url) == url


PORT_URL_CHARACTERS = st.sampled_from([*"aZ09:/?#'.-%&=", ":0", ":08", ":65536", "Ä", "//"])


@settings(max_examples=1000)
@given(BASES, st.lists(PORT_URL_CHARACTERS, max_size=10).map("".join))
@example("https://timesca.com/", "http://127.0.0.1:8000?x=1")
@example("https://timesca.com/", "http://Host:8000/")
@example("https://timesca.com/", "http://h:08000/")
@example("https://timesca.com/", "http://h:8000/x?q='")
@example("https://timesca.com/", "http://h:8000/x#a#b")
def test_uri_join_with_a_port_is_as_without_its_fast_path(base: str, url: str) -> None:
    for candidate in ("http://h:8000" + url, "http://h" + url, url):
        assert _outcome(uri_join, base, candidate) == _outcome(
            _uri_join_without_ports, base, candidate
        )


def _uri_join_without_ports(base: str, url: str) -> str:
    """uri_join as it was before its fast path for URLs with a port."""
    if _PLAIN_ABSOLUTE.fullmatch(url) is not None:
        return url
    joined = general_urljoin(base, url)
    return joined if _PLAIN_ABSOLUTE.fullmatch(joined) is not None else safe_url_string(joined)


@settings(max_examples=500)
@given(BASES, st.lists(URL_CHARACTERS, max_size=12).map("".join))
@example("https://timesca.com/a/", "https://timesca.com/x?")
@example("https://timesca.com/a/", "https://timesca.com/x;p")
@example("https://timesca.com/a/", "HTTPS://timesca.com/x")
@example("https://timesca.com/a/", "https://timesca.com/x y\n")
def test_urljoin_is_urllibs(base: str, url: str) -> None:
    for candidate in (url, "https://timesca.com" + url, "https://" + url):
        assert _outcome(urljoin, base, candidate) == _outcome(general_urljoin, base, candidate)


def _outcome(join: Callable[[str, str], str], base: str, url: str) -> str:
    try:
        return join(base, url)
    except ValueError as error:
        return f"ValueError: {error}"


SHORTLINK_CHARACTERS = st.sampled_from([*"p=?/&#:.0123456789 xÄ٣", "https://", "?p="])


@settings(max_examples=500)
@given(st.lists(SHORTLINK_CHARACTERS, max_size=10).map("".join))
@example("https://timesca.com/?p=10326")
@example("https://timesca.com?p=007")
@example("https://timesca.com/?p=١٢")
def test_shortlink_post_id_is_that_of_the_parsed_url(text: str) -> None:
    for url in (text, "https://timesca.com" + text, "https://timesca.com/?p=" + text):
        assert shortlink_post_id(url) == _parsed_shortlink_post_id(url)


def _parsed_shortlink_post_id(url: str) -> int | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.path not in ("", "/"):
        return None
    match = SHORTLINK_QUERY.search(parts.query)
    return int(match["post_id"]) if match else None


WHITESPACE_AND_TEXT = st.sampled_from(
    [*" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000", "a", "“", "\x01"]
)


@settings(max_examples=1000)
@given(st.lists(WHITESPACE_AND_TEXT, max_size=12).map("".join))
def test_clean_text_collapses_whitespace_as_split_does(text: str) -> None:
    assert clean_text(text) == " ".join(text.split())
