"""The page object's shortcuts give what parsel would: the same tree from the text, and
the same elements for every CSS selector as the XPath parsel runs for it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from parsel.selector import create_root_node

from tcacrawler.pages.wordpress import WordPressArticlePage, compiled_css

URL = "https://timesca.com/a-story/"

QUERIES = (
    ".entry-content",
    ".entry-content p",
    "div.entry-content",
    "h1.entry-title",
    "article h1",
    ".byline .author a",
    ".author.vcard .fn",
    "#jp-relatedposts",
    "[itemprop=articleBody]",
    'a[rel="category tag"]',
    "a[rel=tag]",
    "time.updated:not(.published):not(.entry-date)::attr(datetime)",
    "time::attr(datetime)",
    "img::attr(src)",
    "[data-x]",
    "*.entry-content",
    ".sh-story-text",
    "div > p",
)

# Markup the text lookup could get wrong: class lists split by tabs, newlines and NBSP,
# references that spell a class or its separators, upper-case tags and attributes, the
# class name in text, scripts, comments, other attributes and longer class names.
PIECES = (
    '<div class="entry-content">',
    '<div class="a\tentry-content\nb">',
    '<div class="a\u00a0entry-content">',
    '<div class="entry&#45;content">',
    '<div class="entry&#x2D;content">',
    '<div class="entry-content&#32;x">',
    '<div class="x&Tab;entry-content">',
    '<div class="entry&lowbar;content entry_content">',
    '<DIV CLASS="entry-content">',
    "<div class=entry-content>",
    "<div class='entry-content entry-content'>",
    '<div class="entry-content-wrap">',
    '<div data-x="entry-content" class="y">',
    '<div title="a<b" class="entry-content">',
    '<section id="jp-relatedposts">',
    '<div itemprop="articleBody">',
    '<span class="byline"><span class="author vcard"><a class="fn" href="/a">A</a></span>',
    '<a rel="category tag" href="/c">C</a>',
    '<a rel="tag">T</a>',
    '<time class="updated" datetime="2020-01-02">d</time>',
    '<time class="updated published" datetime="2020-01-01">d</time>',
    '<img src="/i.jpg">',
    "<article>",
    "</article>",
    '<h1 class="entry-title">H</h1>',
    "<h1>Other</h1>",
    "<p>entry-content in the text</p>",
    "<p>text</p>",
    "</div>",
    "</span>",
    "<script>var c = 'entry-content';</script>",
    '<!-- <div class="entry-content"> -->',
    "<textarea><div class='entry-content'></textarea>",
    '<div class="sh-story sh-story-text">',
    "&amp;",
    "\n",
)


def page(html: str) -> WordPressArticlePage:
    return WordPressArticlePage(URL, html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_css_shortcuts_find_what_the_xpath_finds(pieces: list[str]) -> None:
    the_page = page("<html><body>" + "".join(pieces) + "</body></html>")
    for query in QUERIES:
        assert the_page._css_results(query) == compiled_css(query)(the_page.root), query


@pytest.mark.parametrize("piece", PIECES)
def test_each_tricky_piece_alone(piece: str) -> None:
    the_page = page(f"<p>x</p>{piece}<p>y</p>")
    for query in QUERIES:
        assert the_page._css_results(query) == compiled_css(query)(the_page.root), query


TEXTS = st.lists(
    st.sampled_from(
        (
            "<p>",
            "</p>",
            '<div class="a">',
            "</div>",
            "x",
            "\u00e9",
            "\u2019",
            "\U0001f600",
            "\x01",
            "\x0c",
            "\x7f",
            "\ufffe",
            "\ufeff",
            "&#0;",
            "&#x80;",
            "<!--c-->",
            "<script>a<b</script>",
            '<meta charset="latin-1">',
            '<meta charset="utf-16">',
            "\r\n",
            "\r",
            " ",
            "\x00",
            "<?pi x?>",
            "<![CDATA[x]]>",
            "<table><td>1",
        )
    ),
    max_size=15,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_tree_is_the_one_parsel_builds(text: str) -> None:
    expected = create_root_node(text or "<html></html>", etree.HTMLParser, huge_tree=True)
    assert etree.tostring(page(text).root) == etree.tostring(expected)


def test_pages_parsel_reads_as_json_or_xml() -> None:
    with pytest.raises(ValueError, match="json"):
        page('{"a": 1}').is_article()
    xml = page('<?xml version="1.0"?><html><body class="single-post"/></html>')
    assert xml.selector.type == "xml"
    assert xml.is_article()


def test_trafilatura_is_imported_only_when_needed() -> None:
    code = (
        "import sys, tcacrawler.pages.timesca, tcacrawler.spiders.timesca; "
        "print('trafilatura' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
