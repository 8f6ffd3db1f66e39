from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from tcacrawler.dedup import StoryDeduplicator
from tcacrawler.items import ArticleItem
from tcacrawler.pipelines import StoryDedupPipeline
from tcacrawler.store import SQLiteStore
from tcacrawler.urls import (
    LEGACY_ARTICLE_PATH,
    SHORTLINK_QUERY,
    _kept_query,
    _normalize_parsed,
    earlier_normal_form,
    is_legacy_article_url,
    normalize_url,
    shortlink_post_id,
    strip_junk_query,
    url_host,
    url_story_id,
)


@pytest.mark.parametrize(
    "variant",
    [
        "https://timesca.com/kazakh-tenge-rises/",
        "https://www.timesca.com/kazakh-tenge-rises/",
        "https://timesca.com/kazakh-tenge-rises",
        "https://TimesCA.com/kazakh-tenge-rises/#comments",
        "https://timesca.com/kazakh-tenge-rises/?utm_source=x&utm_medium=y",
        "https://timesca.com:443/kazakh-tenge-rises/?catid=5&id=5993",
        "https://timesca.com//kazakh-tenge-rises/?fbclid=abc",
    ],
)
def test_variants_of_one_article_normalise_to_one_url(variant: str) -> None:
    assert normalize_url(variant) == "https://timesca.com/kazakh-tenge-rises/"


def test_meaningful_query_parameters_are_kept_and_sorted() -> None:
    assert normalize_url("https://timesca.com/?s=tenge&p=5") == "https://timesca.com/?p=5&s=tenge"


def test_file_paths_get_no_trailing_slash() -> None:
    assert (
        normalize_url("https://timesca.com/sitemap_index.xml")
        == "https://timesca.com/sitemap_index.xml"
    )


def test_strip_junk_query_keeps_host_and_path() -> None:
    assert strip_junk_query("http://www.timesca.com/tag/money/page/2/?catid=5&id=5993#x") == (
        "http://www.timesca.com/tag/money/page/2/"
    )


def test_legacy_and_shortlink_urls() -> None:
    assert is_legacy_article_url(
        "https://timesca.com/index.php/news/21837-weekly-digest-of-central-asia-5"
    )
    assert not is_legacy_article_url("https://timesca.com/weekly-digest-of-central-asia-5/")
    assert shortlink_post_id("https://timesca.com/?p=48213") == 48213
    assert shortlink_post_id("https://timesca.com/?s=x&p=12") == 12
    assert shortlink_post_id("https://timesca.com/some/?p=12") is None


def test_url_story_id_is_mirror_independent() -> None:
    assert url_story_id("timesca", "http://127.0.0.1:8765/a-story") == url_story_id(
        "timesca", "https://www.timesca.com/a-story/?utm_source=feed"
    )


_SEGMENT = st.text(alphabet="abcXYZ019-._~%:@;,=+!' /?#\u043a\u00e9", max_size=8)
_KEY = st.sampled_from(["p", "s", "page", "a_b", "utm_source", "ID", "catid", "fbclid", "Q", ""])
_VALUE = st.text(alphabet="az09_.-+% &=", max_size=5)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "//", ""]))
    host = draw(st.sampled_from(["timesca.com", "www.timesca.com", "TimesCA.com", "a-b.kz", ""]))
    port = draw(st.sampled_from(["", "", ":443", ":80", ":8080", ":08080", ":99999", ":65535"]))
    path = "/".join(draw(st.lists(_SEGMENT, max_size=4)))
    if draw(st.booleans()):
        path = "/" + path
    url = scheme + host + port + path
    pairs: list[tuple[str, str]] = draw(st.lists(st.tuples(_KEY, _VALUE), max_size=3))
    bare_question_mark: bool = draw(st.booleans())
    if pairs or bare_question_mark:
        url += "?" + "&".join(f"{k}={v}" for k, v in pairs)
    if draw(st.booleans()):
        url += "#" + draw(_SEGMENT)
    return draw(st.sampled_from(["", " "])) + url


@settings(max_examples=1500, deadline=None)
@given(_urls())
def test_fast_path_agrees_with_the_parser(url: str) -> None:
    try:
        expected = _normalize_parsed(url)
    except ValueError:  # a bad port: the fast path must not hide it
        with pytest.raises(ValueError):
            normalize_url(url)
        return
    normal = normalize_url(url)
    assert normal == expected
    # normalised URLs are what the fast path mostly meets
    assert normalize_url(normal) == _normalize_parsed(normal)


@pytest.mark.parametrize(
    "url",
    [
        "https://timesca.com/a/",
        "https://timesca.com/sitemap.xml",
        "https://timesca.com/?p=5",
        "https://timesca.com/?p=5&s=tenge",
    ],
)
def test_normal_urls_come_back_unchanged(url: str) -> None:
    assert normalize_url(url) == url


def _parsed_or_error(function: object, url: str) -> object:
    try:
        return function(url)  # type: ignore[operator]
    except ValueError:
        return ValueError


def _slow_strip_junk_query(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode(_kept_query(parts.query))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _slow_shortlink_post_id(url: str) -> int | None:
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return None
    match = SHORTLINK_QUERY.search(parts.query)
    return int(match["post_id"]) if match else None


_PLAIN_URLS = [
    "http://127.0.0.1:8767/a-story/",
    "https://timesca.com",
    "https://timesca.com/",
    "https://timesca.com/index.php/news/123-a-story",
    "https://timesca.com//index.php/news/123-a-story",
    "https://timesca.com:99999/a;b=c/@x:y/%41~!$&'()*+,/",
    "https://www.timesca.com/a/",
    "https://-.../a/",
    "https://TimesCA.com/a/",
    "https://timesca.com/a b/",
    "https://timesca.com/a\tb/",
    "https://timesca.com/?p=12",
    "https://timesca.com/#x",
    "https://[::1]/a/",
    "https://[::1/a/",
    "https://user@timesca.com/a/",
    "HTTP://timesca.com/a/",
    " https://timesca.com/a/",
    "https://timesca.com/caf\u00e9/",
]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_urls(), st.sampled_from(_PLAIN_URLS)))
def test_plain_url_paths_agree_with_the_parser(url: str) -> None:
    def slow_host(u: str) -> str:
        return urlsplit(u).hostname or ""

    def slow_legacy(u: str) -> bool:
        return LEGACY_ARTICLE_PATH.match(urlsplit(u).path) is not None

    for fast, slow in (
        (url_host, slow_host),
        (strip_junk_query, _slow_strip_junk_query),
        (is_legacy_article_url, slow_legacy),
    ):
        assert _parsed_or_error(fast, url) == _parsed_or_error(slow, url), (fast, url)
    if "?p=" not in url:  # (those take the shortlink regex, as before)
        assert _parsed_or_error(shortlink_post_id, url) == _parsed_or_error(
            _slow_shortlink_post_id, url
        )


# One slug as a link, a sitemap and a canonical tag may spell it.
CYRILLIC_SLUG = "\u043a\u0430\u0437\u0430\u0445\u0441\u0442\u0430\u043d-\u043d\u043e\u0432\u043e\u0441\u0442\u0438"  # noqa: E501
ENCODED_SLUG = quote(CYRILLIC_SLUG)  # %D0%BA%D0%B0...


@pytest.mark.parametrize(
    "variant",
    [
        f"https://timesca.com/{CYRILLIC_SLUG}/",
        f"https://timesca.com/{ENCODED_SLUG}/",
        f"https://timesca.com/{ENCODED_SLUG.lower()}/",
        f"https://www.timesca.com/{ENCODED_SLUG.lower()}",
        f"https://timesca.com/{CYRILLIC_SLUG[:5]}{ENCODED_SLUG[30:].lower()}/",
    ],
)
def test_non_ascii_slug_spellings_normalise_to_one_url(variant: str) -> None:
    # percent-encoded UTF-8 in upper-case hex, as w3lib (and so Scrapy's requests) write it
    expected = f"https://timesca.com/{ENCODED_SLUG}/"
    assert normalize_url(variant) == expected
    assert normalize_url(expected) == expected
    assert url_story_id("timesca", variant) == f"timesca:/{ENCODED_SLUG}/"


def test_escapes_of_ascii_characters_are_left_as_written() -> None:
    # (an ASCII URL normalises as it did before non-ASCII paths were encoded)
    assert (
        normalize_url("https://timesca.com/o%27zbekiston/") == "https://timesca.com/o%27zbekiston/"
    )
    assert normalize_url("https://timesca.com/a%2fb/") == "https://timesca.com/a%2fb/"
    assert normalize_url("https://timesca.com/caf\u00e9") == "https://timesca.com/caf%C3%A9/"
    assert normalize_url("https://timesca.com/?s=\u043a") == "https://timesca.com/?s=%D0%BA"


def test_earlier_normal_form() -> None:
    canonical = f"https://timesca.com/{ENCODED_SLUG.lower()}/"
    assert earlier_normal_form(canonical) == canonical
    assert earlier_normal_form(f"https://timesca.com/{CYRILLIC_SLUG}") == (
        f"https://timesca.com/{CYRILLIC_SLUG}/"
    )
    assert earlier_normal_form(f"https://timesca.com/{ENCODED_SLUG}/") is None
    assert earlier_normal_form("https://timesca.com/a-story/") is None
    assert earlier_normal_form("https://timesca.com/a%2fstory/") is None


@settings(max_examples=1500, deadline=None)
@given(_urls())
def test_ascii_urls_normalise_as_before(url: str) -> None:
    """Stores from earlier versions hold ASCII URLs in the form they always had."""
    try:
        if not url.isascii() or earlier_normal_form(url) is not None:
            return
        before = _normalize_parsed(url, encode=False)
    except ValueError:  # a bad port
        return
    assert normalize_url(url) == before


def test_a_store_from_an_earlier_version_knows_the_story(tmp_path: Path) -> None:
    """An earlier version keyed a story without a post id by its URL as written (the
    canonical tag's lower-case escapes): the same page now is the same story, unchanged."""
    canonical = f"https://timesca.com/{ENCODED_SLUG.lower()}/"
    body = "Astana announced the new rules.\n\nThey start in May."
    store = SQLiteStore(tmp_path / "stories.sqlite3")
    try:
        store.begin_run("run-1")
        dedup = StoryDeduplicator(store)
        old_id = f"timesca:/{ENCODED_SLUG.lower()}/"  # what url_story_id gave then
        decision = dedup.check(old_id, canonical, [], body, None)
        dedup.record(
            decision, run_id="run-1", url=canonical, aliases=[], body=body, date_modified=None
        )
        store.commit_run("run-1")
        store.begin_run("run-2")
        crawler = get_crawler()
        crawler.tca_state = SimpleNamespace(dedup=StoryDeduplicator(store), run_id="run-2")
        item = ArticleItem(
            story_id=url_story_id("timesca", canonical),
            url=canonical,
            headline="New rules",
            article_body=body,
            site="timesca",
            aliases=[f"https://timesca.com/{ENCODED_SLUG}/"],  # as Scrapy requested it
        )
        with pytest.raises(DropItem, match="unchanged"):
            StoryDedupPipeline(crawler).process_item(item)
        # and from now on it is known by today's form too
        assert store.resolve_alias(normalize_url(canonical)) == old_id
    finally:
        store.close()
