"""The page object's shortcuts around lexbor queries find what the queries find."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborNode

from tcacrawler.pages.wordpress import (
    _JSON_START,
    _MAY_START_JSON,
    _TEXT_ID,
    WordPressArticlePage,
    clean_text,
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


@given(
    st.text(
        st.sampled_from(
            [" ", "\t", "\n", "\x0b", "\x1c", "\x1f", "\x85", "\xa0", "\u3000", "{", "[", "<", "é"]
        )
    )
)
@example("\u3000{}")
@example("\x85[1]")
def test_a_page_given_as_utf8_is_json_when_its_text_is(text: str) -> None:
    # The bytes test only lets through (to the text's test): it must let through every
    # page whose text starts as JSON.
    if _JSON_START.match(text) is not None:
        assert _MAY_START_JSON.match(text.encode()) is not None
    for markup in (text, text.encode()):
        page = WordPressArticlePage("https://example.com/a/", markup)
        try:
            outcome = page.tree.html
        except ValueError as error:
            outcome = str(error)
        assert outcome == _outcome_of_text(text)


def _outcome_of_text(text: str) -> str | None:
    try:
        return WordPressArticlePage("https://example.com/a/", text).tree.html
    except ValueError as error:
        return str(error)


def _record(page_class: type[WordPressArticlePage], url: str, html: str | bytes) -> Any:
    try:
        return dataclasses.asdict(page_class(url, html).to_item())
    except ValueError as error:  # NotAnArticle too
        return type(error).__name__, str(error)


def test_a_page_given_as_utf8_gives_the_record_its_text_gives() -> None:
    from replica import SiteApp, generate_site
    from replica.presets import PRESETS
    from tcacrawler.pages.steppeherald import SteppeHeraldArticlePage
    from tcacrawler.pages.timesca import TimescaArticlePage

    classes = (TimescaArticlePage, SteppeHeraldArticlePage, WordPressArticlePage)
    fixtures = Path(__file__).parent / "fixtures" / "pages"
    pages = [
        ("https://timesca.com/a/", file.read_text("utf-8")) for file in fixtures.glob("*/*.html")
    ]
    base = "https://timesca.com"
    for variant in (
        PRESETS["steppeherald"],
        {"theme_mix": {"elementor": 1.0}},
        {"bad_input": True, "layout_drift": 0.5},
    ):
        app = SiteApp(generate_site(n_stories=5, seed=4, base_url=base, **variant))
        for truth in app.site.truth():
            body = app.handle(truth["url"].removeprefix(base)).body
            pages.append((truth["url"], body.decode("utf-8")))
    pages.append(("https://timesca.com/empty/", ""))
    outcomes = set()
    for url, html in pages:
        for page_class in classes:
            record = _record(page_class, url, html)
            assert _record(page_class, url, html.encode()) == record
            outcomes.add(record["extraction"] if isinstance(record, dict) else record[0])
    assert outcomes == {"page", "fallback", "NotAnArticle"}


def _text_before_by_iter(
    parent: LexborNode, stop: int | None, unread: set[int], pieces: list[str]
) -> None:
    """The header walk by ``iter()`` and tag names (the code before the sibling walk),
    without the cap."""
    for child in parent.iter(include_text=True):
        key = child.mem_id
        if key == stop:
            break
        tag = child.tag
        if tag == "-text":
            text = (child.text_content or "").strip()
        elif tag in ("script", "style", "-comment"):
            continue
        elif key not in unread:
            text = child.text(separator=" ", strip=True, skip_empty=True).strip()
        else:
            _text_before_by_iter(child, None, unread, pieces)
            continue
        if text:
            pieces.append(text)


HEADER_FRAGMENTS = st.recursive(
    st.sampled_from(["", " ", "\xa0", "t", "<br>", "<!-- c -->", "<script>s</script>"]),
    lambda children: st.builds(
        lambda tag, inner: f"<{tag}>{inner}</{tag}>",
        st.sampled_from(["div", "span", "style", "svg", "script", "template", "noscript"]),
        st.lists(children, max_size=3).map("".join),
    ),
    max_leaves=12,
)


@settings(max_examples=300)
@given(DOCTYPES, HEADER_FRAGMENTS, HEADER_FRAGMENTS)
@example("", "<div>a<!-- c -->b<style>s</style></div>", "<svg><script>s</script>t</svg>")
def test_header_text_is_that_of_the_walk_by_iter(doctype: str, before: str, around: str) -> None:
    page = _page(doctype, f'{before}<div>{around}<h1 class="entry-title">H</h1>{before}</div>')
    body = page.tree.body
    headline = page._headline_element
    assert body is not None and headline is not None
    unread: set[int] = set()
    for element in (*page.tree.tags("script"), *page.tree.tags("style")):
        parent = element.parent
        while parent is not None:
            unread.add(parent.mem_id)
            parent = parent.parent
    path = []
    node: LexborNode | None = headline
    while node is not None and node.mem_id != body.mem_id:
        path.append(node)
        node = node.parent
    pieces: list[str] = []
    parent = body
    for target in reversed(path):
        _text_before_by_iter(parent, target.mem_id, unread, pieces)
        parent = target
    assert page.furniture_text == " ".join(pieces)


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


# Class attributes near the furniture names: case, substrings, HTML's and other whitespace.
FURNITURE_CLASSES = st.sampled_from(
    [
        "",
        "sharedaddy",
        "SharedAddy",
        "sharedaddy-x",
        "x sharedaddy",
        "x\tsharedaddy\n",
        "x\x0bsharedaddy",
        "x\xa0sharedaddy",
        "mc4wp-form",
        "mc4wp-form-fields",
        "post-tags x",
        "newsletter",
        "p",
    ]
)
FURNITURE_IDS = st.sampled_from(
    ["", "jp-relatedposts", "JP-relatedposts", "jp-relatedposts x", "x"]
)


def _furniture_element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, ident, inner: f'<{tag} class="{cls}" id="{ident}">{inner}</{tag}>',
        st.sampled_from(["div", "p", "span", "br", "section", "figure", "li"]),
        FURNITURE_CLASSES,
        FURNITURE_IDS,
        st.lists(children, max_size=3).map("".join),
    )


FURNITURE_FRAGMENTS = st.recursive(
    st.sampled_from(["", "Text.", "<p>Story.</p>", "<br>", "<p>Two <b>words</b></p>"]),
    _furniture_element,
    max_leaves=10,
)


def _exact_paragraphs(page: WordPressArticlePage, element: LexborNode) -> list[str]:
    """The body text with the furniture found by lexbor's query, as before the shortcut."""
    furniture = {e.mem_id for e in select(element, page._furniture_query)}
    out: list[str] = []
    page._collect_paragraphs(element, lambda node: node.mem_id in furniture, out, [])
    return out


@settings(max_examples=400)
@given(DOCTYPES, FURNITURE_FRAGMENTS)
@example("", '<div class="SharedAddy"><p>Share</p></div><p>Story.</p>')
@example("<!DOCTYPE html>", '<div class="SharedAddy"><p>Share</p></div><p>Story.</p>')
@example("", '<div id="JP-relatedposts"><p>Related</p></div><p>Story.</p>')
@example("<!DOCTYPE html>", '<div class="x\x0bsharedaddy"><p>Share</p></div>')
@example("<!DOCTYPE html>", '<p class="x\tmc4wp-form\n">Sign up</p><p>Story.</p>')
@example("<!DOCTYPE html>", '<p class="x\x0csharedaddy">S</p><p class="x\u3000sharedaddy">K</p>')
@example("", '<p class="sharedaddy\u212a">Kelvin sign</p><p CLASS="SHAREDADDY">Share</p>')
@example("<!DOCTYPE html>", '<p id=" jp-relatedposts">Kept</p><p id="jp-relatedposts">Not</p>')
def test_furniture_told_apart_by_name_is_what_lexbor_finds(doctype: str, body: str) -> None:
    page = _page(doctype, f'<div class="entry-content">{body}</div>')
    element = page.tree.css_first(".entry-content")
    assert element is not None
    assert page.paragraphs_of(element, scoped=True) == _exact_paragraphs(page, element)


def test_furniture_selectors_other_than_plain_names_are_left_to_lexbor() -> None:
    class Site(WordPressArticlePage):
        furniture_css = (".promo", "div[data-ad]", "#Box")

    html = (
        '<!DOCTYPE html><body><div class="entry-content"><p>Story.</p><div data-ad="1">Ad'
        '</div><p class="promo">Buy</p><p id="box">Kept</p><p id="Box">Not kept</p></div>'
    )
    page = Site("https://example.com/a/", html)
    assert page.paragraphs == ["Story.", "Kept"]


def _paragraph_text_walk(element: LexborNode) -> bool:
    """The check as a walk of every node from the top (the code before the shortcut):
    whether a text node in a ``<p>`` below ``element`` says something."""
    own = element.mem_id
    for node in element.traverse(include_text=True):
        if node.tag_id != _TEXT_ID:
            continue
        parent = node.parent
        while parent is not None and parent.mem_id != own and parent.tag != "p":
            parent = parent.parent
        if parent is not None and parent.mem_id != own and clean_text(node.text_content or ""):
            return True
    return False


PARAGRAPH_FRAGMENTS = st.recursive(
    st.sampled_from(["", " ", "\n", "\xa0", "text", "<br>", "<!-- c -->", "<p></p>", "<p> </p>"]),
    lambda children: st.builds(
        lambda tag, inner: f"<{tag}>{inner}</{tag}>",
        st.sampled_from(["p", "div", "b", "table", "td", "svg", "template", "li"]),
        st.lists(children, max_size=3).map("".join),
    ),
    max_leaves=12,
)


@settings(max_examples=400)
@given(DOCTYPES, PARAGRAPH_FRAGMENTS)
@example("", "<p><table><tr><td><p>inner</p></td></tr></table>outer</p>")
@example("", "<div> <p> </p><p>\xa0</p></div><p>late</p>")
@example("", "<p>\xa0</p><p> </p><p>\n</p><p>fourth</p>")
def test_paragraph_text_check_is_that_of_the_walk(doctype: str, body: str) -> None:
    page = _page(doctype, f"<div>{body}</div>")
    for element in page.tree.tags("div")[:3]:
        assert page._has_paragraph_text(element) == _paragraph_text_walk(element)


DEEP = 5000  # far past Python's default limit of 1000 calls


def test_markup_nested_deeper_than_pythons_call_limit() -> None:
    """The body walks keep a stack of their own: a page whose markup nests thousands
    deep (a broken widget's unclosed spans) is read, not lost to a RecursionError."""
    from tcacrawler.pages.timesca import TimescaArticlePage

    head = '<!DOCTYPE html><body class="single-post"><h1 class="entry-title">H</h1>'
    cases = {
        # deep in furniture and in a candidate that is not chosen
        '<div class="entry-content"><p>Story.</p><nav>'
        + "<div>" * DEEP
        + "</div>" * DEEP
        + "</nav></div>": "Story.",
        '<div class="entry-content"><p>Story one.</p><p>Story two.</p><aside>'
        + "<span>tag " * DEEP
        + "</aside></div>": "Story one.\n\nStory two.",
        # deep in the body itself
        '<div class="entry-content"><p>Lead.</p>'
        + "<div>" * DEEP
        + "<p>Deep.</p>"
        + "</div>" * DEEP
        + "<p>Last.</p></div>": "Lead.\n\nDeep.\n\nLast.",
    }
    for body, expected in cases.items():
        page = TimescaArticlePage("https://timesca.com/a/", head + body + "</body>")
        assert page.to_item().article_body == expected


def test_a_page_object_leaves_no_reference_cycle() -> None:
    """A cycle through the page (a closure kept on it that holds it) keeps its parsed
    tree alive until a full collection, which the crawl's collector tuning makes rare:
    such a cycle doubled the crawl's peak RSS (95 -> 184 MB at 500 stories)."""
    import contextlib
    import gc

    from tcacrawler.pages.steppeherald import SteppeHeraldArticlePage
    from tcacrawler.pages.timesca import TimescaArticlePage

    fixtures = Path(__file__).parent / "fixtures" / "pages"
    cases = [
        (page_class, path)
        for page_class, site in (
            (TimescaArticlePage, "timesca"),
            (SteppeHeraldArticlePage, "steppeherald"),
            (WordPressArticlePage, "wordpress"),
        )
        for path in sorted((fixtures / site).glob("*.html"))
    ]
    assert len(cases) > 20

    def extract_all() -> None:
        for page_class, path in cases:
            page = page_class(f"https://timesca.com/{path.stem}/", path.read_bytes())
            with contextlib.suppress(ValueError):  # (a fixture of a page that is no article)
                page.to_item()

    extract_all()  # (first imports and caches: trafilatura's, once a process)
    gc.collect()
    saved = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        extract_all()
        found = gc.collect()
        kinds = sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(saved)
        gc.garbage.clear()
    assert found == 0, kinds
