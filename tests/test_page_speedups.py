"""The page object's shortcuts around lexbor queries find what the queries find."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tcacrawler.pages.wordpress import (
    _JSON_START,
    WordPressArticlePage,
    select,
)

TAGS = st.sampled_from(["div", "span", "a", "li", "figure", "img", "p", "ul", "template", "svg"])
CLASSES = st.sampled_from(["", "x", "X", "y", "x y", " x\t", "xx", "x-y"])


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, inner: f'<{tag} class="{cls}" src="i.jpg">{inner}</{tag}>',
        TAGS,
        CLASSES,
        st.lists(children, max_size=3).map("".join),
    )


FRAGMENTS = st.recursive(st.sampled_from(["", "text", "<br>", "<a>t</a>"]), _element, max_leaves=12)
DOCTYPES = st.sampled_from(["", "<!DOCTYPE html>"])


def _page(doctype: str, body: str) -> WordPressArticlePage:
    return WordPressArticlePage(
        "https://example.com/a/", f"{doctype}<html><body>{body}</body></html>"
    )


QUERIES = st.sampled_from(
    [".x a", ".y span", ".X li", ".x-y img", ".xx a", ".x p", ".y foo", ".x svg"]
)


@settings(max_examples=300)
@given(DOCTYPES, FRAGMENTS, QUERIES)
@example("", '<div class="X"><a>1</a><div class="x"><a>2</a></div></div><a>3</a>', ".x a")
@example("<!DOCTYPE html>", '<div class="X"><a>1</a></div>', ".x a")
@example("", '<a class="x"><span class="x"><a>in</a></span></a>', ".x a")
@example("", '<div class="x"><svg><a>svg</a></svg><template><a>t</a></template></div>', ".x a")
def test_class_descendants_are_those_lexbor_finds(doctype: str, body: str, query: str) -> None:
    page = _page(doctype, body)
    # By mem_id: comparing lexbor nodes compares their HTML.
    fast = [node.mem_id for node in page._css_results(query)]
    assert fast == [node.mem_id for node in select(page.root, query)]


@settings(max_examples=300)
@given(DOCTYPES, FRAGMENTS, st.sampled_from(["div", "figure", "li", "body"]))
@example("", '<figure class="x"><img src="a"><figure><img></figure></figure><img>', "figure")
def test_figures_and_images_are_those_lexbor_finds(doctype: str, body: str, tag: str) -> None:
    page = _page(doctype, body)
    for element in page.tree.tags(tag)[:3]:
        figures, images = page._figures_and_images_in(element)
        found = select(element, "figure, img")
        assert [f.mem_id for f in figures] == [f.mem_id for f in found if f.tag == "figure"]
        assert [i.mem_id for i in images] == [i.mem_id for i in found if i.tag == "img"]


@given(
    st.text(
        st.sampled_from([" ", "\t", "\n", "\x0b", "\x1c", "\x85", "\u3000", "{", "[", "<", "a"])
    )
)
def test_json_start_is_what_lstrip_sees(text: str) -> None:
    assert (_JSON_START.match(text) is not None) == (text.lstrip()[:1] in ("{", "["))


@settings(max_examples=200)
@given(st.lists(st.text(st.sampled_from(["a", " ", "b"]), max_size=8), max_size=6))
def test_word_count_from_the_body_is_that_of_the_paragraphs(paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    assert body.count(" ") + sum(1 for p in paragraphs if p) == sum(
        p.count(" ") + 1 for p in paragraphs if p
    )


def test_a_site_without_a_header_ticker_skips_the_header_text() -> None:
    from replica import SiteApp, generate_site
    from replica.presets import PRESETS
    from tcacrawler.exporters import exportable
    from tcacrawler.pages.steppeherald import SteppeHeraldArticlePage

    base = "https://steppe.example"
    site = generate_site(n_stories=5, seed=2, base_url=base, **PRESETS["steppeherald"])
    app = SiteApp(site)
    reading = type("Reading", (SteppeHeraldArticlePage,), {"header_ticker": True})
    for truth in site.truth():
        html = app.handle(truth["url"].removeprefix(base)).body.decode("utf-8")
        skipped, read = SteppeHeraldArticlePage(truth["url"], html), reading(truth["url"], html)
        assert skipped.to_item().furniture_text == ""
        assert read.to_item().furniture_text  # there is header text to skip
        assert exportable(skipped.to_item()) == exportable(read.to_item())
