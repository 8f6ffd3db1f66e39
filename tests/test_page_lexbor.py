"""The page object on lexbor: the parts of its own making (CSS pseudo-elements, selector
lists, furniture, the paragraph walk, text normalisation, the text before the headline)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tcacrawler.pages.wordpress import WordPressArticlePage, clean_text

URL = "https://timesca.com/a-story/"


def page(html: str) -> WordPressArticlePage:
    return WordPressArticlePage(URL, html)


def body(inner: str) -> WordPressArticlePage:
    return page(f'<!DOCTYPE html><body><div class="entry-content">{inner}</div></body>')


def test_attr_pseudo_element_gives_attribute_values() -> None:
    the_page = page(
        '<time class="updated" datetime="2020-01-02">a</time>'
        '<time class="updated published" datetime="2020-01-01">b</time>'
        "<time>no attribute</time><meta content>"
    )
    assert the_page._css_results("time::attr(datetime)") == ["2020-01-02", "2020-01-01"]
    modified = "time.updated:not(.published):not(.entry-date)::attr(datetime)"
    assert the_page._css_results(modified) == ["2020-01-02"]
    # An attribute written without a value reads as "" (as lxml gives it), not as missing.
    assert the_page._css_results("meta::attr(content)") == [""]


def test_text_pseudo_element_gives_own_text_nodes() -> None:
    the_page = page("<p class=x>one <b>two</b> three</p>")
    assert the_page._css_results(".x::text") == ["one ", " three"]


def test_selector_list_gives_each_element_once_in_document_order() -> None:
    the_page = page('<p class="a b">1</p><div class="b">2</div><p class="a">3</p>')
    found = the_page._css_results(".a, .b, p")
    assert [e.text() for e in found] == ["1", "2", "3"]


def test_string_values_are_the_whole_text() -> None:
    the_page = page('<span class="byline"><a rel="author">Ann <i>Lee</i></a></span>')
    assert the_page._string_values("a[rel=author]") == ["Ann Lee"]
    assert the_page._string_values("a[rel=author]::attr(rel)") == []


def test_furniture_is_skipped_in_the_body_and_in_the_fallback_walk() -> None:
    the_page = body(
        "<p>Story one.</p>"
        '<div class="sharedaddy"><p>Share this</p></div>'
        '<section id="jp-relatedposts"><p>Related</p></section>'
        '<div class="x"><div class="post-tags">Tags</div><p>Story two.</p></div>'
    )
    assert the_page.paragraphs == ["Story one.", "Story two."]
    element = the_page._body_from_selectors
    assert element is not None
    assert the_page.paragraphs_of(element) == ["Story one.", "Story two."]


def test_furniture_chains_match_against_the_whole_page() -> None:
    class Site(WordPressArticlePage):
        furniture_css = (".page .promo",)

    html = (
        '<html><body class="page"><div class="entry-content"><p>Story.</p>'
        '<div class="promo"><p>Buy</p></div></div></body></html>'
    )
    assert Site(URL, html).paragraphs == ["Story."]


def test_blocks_br_and_non_text_parts() -> None:
    the_page = body(
        "<p>First line<br>second line</p>"
        "<p>Before a blank<br><br>after it</p>"
        "<div>Loose text<p>inner block</p>tail text</div>"
        "<ul><li>one</li><li>two <em>emphasised</em></li></ul>"
        "<h2>Sub<span>heading</span></h2>"
        "<p>Visible<script>var hidden = 1;</script><!-- comment --> text</p>"
        "<figure><img src=/a.jpg><figcaption>Caption</figcaption></figure>"
        "<p><a href=/x>link</a></p><p></p><p>   </p>"
    )
    assert the_page.paragraphs == [
        "First line second line",
        "Before a blank",
        "after it",
        "Loose text",
        "inner block",
        "tail text",
        "one",
        "two emphasised",
        "Subheading",
        "Visible text",
        "link",
    ]


def test_text_normalisation() -> None:
    the_page = body(
        "<p>non&nbsp;breaking\u00a0space</p>"
        "<p>line\u2028separator and\u2029paragraph separator</p>"
        "<p>zero\u200bwidth stays</p>"
        "<p>tab\tand\r\nnewline</p>"
        "<p>&amp; &lt;tag&gt; &#8217; &eacute;</p>"
    )
    assert the_page.paragraphs == [
        "non breaking space",
        "line separator and paragraph separator",
        "zero\u200bwidth stays",
        "tab and newline",
        "& <tag> \u2019 \u00e9",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(" a\u00e9\t\n\r\u00a0\u2028\u200b\x0b\x1c\u3000.")))
def test_clean_text_collapses_all_whitespace(text: str) -> None:
    # The shortcut for text that is clean already gives what splitting gives.
    assert clean_text(text) == " ".join(text.split())


def test_body_needs_text_in_its_paragraphs() -> None:
    blank = page(
        '<html><body><div class="entry-content"><p> </p><p>\n</p><p><b> </b></p>'
        "<div>text outside paragraphs</div></div>"
        '<div class="post-content"><p>Real body.</p></div></body></html>'
    )
    assert blank.paragraphs == ["Real body."]
    # Empty paragraphs (a word processor's <p>&nbsp;</p>) before the first are looked past.
    late = page(
        '<html><body><div class="entry-content"><p> </p><p>\n</p><p><b>\xa0</b></p>'
        "<p>late text</p></div>"
        '<div class="post-content"><p>Other body.</p></div></body></html>'
    )
    assert late.paragraphs == ["late text"]
    direct = page(
        '<html><body><p class="entry-content">Alone in a p</p>'
        '<div class="post-content"><p>Inner.</p></div></body></html>'
    )
    # The element's own <p> is not one of its paragraphs (as XPath .//p).
    assert direct.paragraphs == ["Inner."]


def test_images_from_figures_and_the_body() -> None:
    the_page = page(
        "<html><body><figure class=hero><img src=/hero.jpg>"
        "<figcaption>Hero <b>caption</b></figcaption></figure>"
        '<div class="entry-content"><p>Text.</p><figure><img src=/in.jpg></figure>'
        '<p><img src="/loose.jpg"><img src="data:image/png;base64,x"></p>'
        '<figure><img><img src="/second.jpg"><figcaption>Second</figcaption></figure>'
        "</div></body></html>"
    )
    assert the_page.images == [
        {"url": "https://timesca.com/in.jpg", "caption": None},
        {"url": "https://timesca.com/second.jpg", "caption": "Second"},
        {"url": "https://timesca.com/loose.jpg", "caption": None},
    ]


def test_furniture_text_is_the_text_before_the_headline() -> None:
    the_page = page(
        "<html><head><title>T</title></head><body>"
        "<header>KGS/USD = 0.01144 0%<script>var x = 'no';</script>"
        "<style>.a{}</style><span> 09 December 2025 </span></header>"
        "<nav><ul><li>Menu</li></ul></nav>"
        '<main><div class="crumbs">Home</div><h1 class="entry-title">Headline</h1>'
        "<p>after</p></main></body></html>"
    )
    assert the_page.furniture_text == "KGS/USD = 0.01144 0% 09 December 2025 Menu Home"


def test_json_is_not_a_page() -> None:
    with pytest.raises(ValueError, match="JSON"):
        page('{"a": 1}').to_item()


def test_the_first_h1_stands_in_for_a_missing_headline_selector() -> None:
    the_page = page("<html><body><p>ticker</p><h1>Only h1</h1><p>x</p></body></html>")
    assert the_page.headline_from_selectors is None
    assert the_page.headline == "Only h1"
    assert the_page.furniture_text == "ticker"


def test_trafilatura_is_imported_only_when_needed() -> None:
    code = (
        "import sys, tcacrawler.pages.timesca, tcacrawler.spiders.timesca; "
        "print('trafilatura' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
