"""Where the page object reads on past the body element (a stray closing tag in the post
put the rest of it after the element), and where it stops: at the theme's markup."""

from __future__ import annotations

import pytest

from tcacrawler.pages.wordpress import WordPressArticlePage


def page(after_body: str, after_article: str = "", *, stray: bool = True) -> str:
    """An article page; with ``stray``, the post ends in a ``</div>`` too many, which
    closes the page's divs around the body element, so what follows comes after them."""
    return (
        '<html><body class="single single-post postid-5"><div class="site"><main><article>'
        '<h1 class="entry-title">A headline</h1><div class="entry-content"><p>One.</p></div>'
        f"{'</div>' if stray else ''}{after_body}</article>{after_article}</main></div>"
        "</body></html>"
    )


def paragraphs(after_body: str, after_article: str = "", *, stray: bool = True) -> list[str]:
    html = page(after_body, after_article, stray=stray)
    return WordPressArticlePage("https://example.com/a-headline/", html).paragraphs


@pytest.mark.parametrize(
    ("after_body", "expected"),
    [
        pytest.param(
            '<p>Two.</p><ul class="wp-block-list"><li>Three.</li></ul><h2>Four</h2>'
            '<hr class="wp-block-separator"><div class="wp-caption alignnone"><img src="/c.jpg">'
            '<p class="wp-caption-text">Caption</p></div><blockquote>Five.</blockquote>'
            '<footer class="entry-footer"><p>Filed under</p></footer><p>After.</p>',
            ["One.", "Two.", "Three.", "Four", "Caption", "Five."],
            id="the post's blocks, up to the theme's footer",
        ),
        pytest.param(
            '<script>var ad = 1;</script><!-- ad --> <div class="sharedaddy"><p>Share</p></div>'
            '<p class="has-text-align-center">Two.</p>',
            ["One.", "Two."],
            id="scripts, comments and furniture between blocks are stepped over",
        ),
        pytest.param('<p class="author-bio">Bio.</p>', ["One."], id="a block the theme's"),
        pytest.param("<div><p>Two.</p></div>", ["One."], id="a plain div"),
        pytest.param('<div class="wp-block-group"><p>Two.</p></div>', ["One."], id="a group"),
        pytest.param("Loose text<p>Two.</p>", ["One."], id="text outside any block"),
        pytest.param('<nav class="post-navigation"><a>Next</a></nav><p>Theme.</p>', ["One."]),
        pytest.param(
            '<aside class="widget-area"><p>Widget</p></aside><h2>Most read</h2>', ["One."]
        ),
        pytest.param('<form class="search-form"><input></form><p>Powered by</p>', ["One."]),
        pytest.param('<iframe src="https://ads.example/"></iframe><p>Theme.</p>', ["One."]),
        pytest.param("", ["One."], id="nothing after the body"),
    ],
)
def test_reads_on_through_the_posts_blocks_only(after_body: str, expected: list[str]) -> None:
    assert paragraphs(after_body) == expected


def test_a_block_themes_template_after_the_post_is_not_read_on() -> None:
    # The shape of a block theme's single post (Twenty Twenty-Four), no stray tag.
    html = (
        '<html><body class="single single-post postid-7"><div class="wp-site-blocks">'
        '<main class="wp-block-group"><h1 class="wp-block-post-title">A post</h1>'
        '<div class="entry-content wp-block-post-content is-layout-constrained">'
        "<p>One.</p><p>Two.</p></div>"
        '<div aria-hidden="true" class="wp-block-spacer"></div>'
        '<div class="wp-block-group"><div class="taxonomy-post_tag wp-block-post-terms">'
        '<a href="/tag/x/" rel="tag">Tag X</a></div></div>'
        '<div class="wp-block-comments"><h2 class="wp-block-heading">Comments</h2></div>'
        '</main><footer class="wp-block-template-part"><p>Designed with WordPress</p>'
        "</footer></div></body></html>"
    )
    page = WordPressArticlePage("https://example.com/a-post/", html)
    assert page.paragraphs == ["One.", "Two."]
    assert page.body_continuation == []


@pytest.mark.parametrize(
    "after_body",
    [
        "<p>Tags: economy</p><h2>You may also like</h2><ul><li>Another story</li></ul>",
        '<figure class="wp-block-image"><img src="/theme.jpg"></figure>',
        '<ins class="ad"></ins><p>Advertisement</p>',
    ],
)
def test_an_intact_page_is_never_read_on(after_body: str) -> None:
    # The same blocks after the body element, with no end tag too many: the theme's.
    html = page(after_body, stray=False)
    assert WordPressArticlePage("https://example.com/a/", html).body_continuation == []
    assert paragraphs(after_body, stray=False) == ["One."]


def test_a_figure_read_on_gives_its_image_not_its_text() -> None:
    html = page(
        '<p>Two.</p><figure class="wp-block-embed"><blockquote><p>Tweet text</p>'
        "</blockquote></figure><p>Three.</p>"
    )
    assert WordPressArticlePage("https://example.com/a/", html).paragraphs == [
        "One.",
        "Two.",
        "Three.",
    ]


def test_reads_on_after_an_ancestor_the_stray_tag_closed_too() -> None:
    assert paragraphs("", after_article="<p>Two.</p><aside><p>Widget</p></aside>") == [
        "One.",
        "Two.",
    ]


def test_the_continuations_images_are_the_posts() -> None:
    html = (
        '<html><body class="single single-post postid-5"><div><article><h1>A headline</h1>'
        '<div class="entry-content"><p>One.</p></div></div>'
        '<figure class="wp-block-image"><img src="/a.jpg"><figcaption>Cap</figcaption></figure>'
        '<p>Two.</p><footer><img src="/theme.png"></footer></article></div></body></html>'
    )
    page = WordPressArticlePage("https://example.com/a-headline/", html)
    assert page.images == [{"url": "https://example.com/a.jpg", "caption": "Cap"}]
    assert len(page.body_continuation) == 2


def test_the_generic_extractor_still_prefers_the_whole_post_element() -> None:
    # No stray tag: the post's first block is a group, whose continuation would read the
    # same text as the post's element (a tie) and lose the post's lead image.
    words = " ".join(f"word{j}" for j in range(40))
    paragraphs = "".join(f"<p>Paragraph {i}: {words}.</p>" for i in range(2, 5))
    html = (
        '<html><head><title>Head</title><meta property="og:type" content="article"></head>'
        '<body class="single single-post postid-5"><div class="site"><h1>Head</h1>'
        '<div class="story-text"><figure class="wp-block-image"><img src="/lead.jpg"></figure>'
        f'<div class="wp-block-group"><p>Paragraph 1: {words}.</p></div>{paragraphs}</div>'
        '<footer class="site-footer"><p>Copyright 2025 Example</p></footer></div></body></html>'
    )
    page = WordPressArticlePage("https://example.com/x/", html)
    assert page.extraction == "fallback"
    assert page.body_continuation == []
    assert len(page.paragraphs) == 4
    assert [image["url"] for image in page.images] == ["https://example.com/lead.jpg"]


def test_the_generic_extractor_reads_on_only_when_a_tag_is_too_many() -> None:
    # An intact page whose first paragraph has a div of its own: read on from there, it
    # would match trafilatura's text better than the post's element, and lose the image.
    def words(i: int) -> str:
        return " ".join(f"w{i}x{j}" for j in range(30))

    html = (
        '<html><head><title>Head</title><meta property="og:type" content="article"></head>'
        '<body class="single single-post postid-5"><div class="site"><h1>Head</h1>'
        '<div class="story-text"><figure><img src="/hero.jpg"></figure>'
        '<div class="meta"><p>Share on Facebook Twitter Email Print</p></div>'
        f'<div class="intro"><p>Paragraph 1 of the post. {words(1)}</p></div>'
        + "".join(f"<p>Paragraph {i} of the post. {words(i)}.</p>" for i in range(2, 5))
        + '</div><footer class="site-footer"><p>Copyright</p></footer></div></body></html>'
    )
    page = WordPressArticlePage("https://example.com/x/", html)
    assert page.body_continuation == []
    assert [image["url"] for image in page.images] == ["https://example.com/hero.jpg"]
