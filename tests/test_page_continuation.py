"""Where the page object reads on past the body element (a stray closing tag in the post
put the rest of it after the element), and where it stops: at the theme's markup."""

from __future__ import annotations

import pytest

from tcacrawler.pages.wordpress import WordPressArticlePage


def paragraphs(after_body: str, after_article: str = "") -> list[str]:
    html = (
        '<html><body class="single single-post postid-5"><main><article>'
        '<h1 class="entry-title">A headline</h1>'
        f'<div class="entry-content"><p>One.</p></div>{after_body}</article>{after_article}'
        "</main></body></html>"
    )
    return WordPressArticlePage("https://example.com/a-headline/", html).paragraphs


@pytest.mark.parametrize(
    ("after_body", "expected"),
    [
        pytest.param(
            "<p>Two.</p><ul><li>Three.</li></ul><h2>Four</h2>"
            '<div class="wp-block-group"><p>Five.</p></div><blockquote>Six.</blockquote>'
            '<footer class="entry-footer"><p>Filed under</p></footer><p>After.</p>',
            ["One.", "Two.", "Three.", "Four", "Five.", "Six."],
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
        pytest.param("Loose text<p>Two.</p>", ["One."], id="text outside any block"),
        pytest.param('<nav class="post-navigation"><p>Next</p></nav>', ["One."], id="nav"),
        pytest.param("", ["One."], id="nothing after the body"),
    ],
)
def test_reads_on_through_the_posts_blocks_only(after_body: str, expected: list[str]) -> None:
    assert paragraphs(after_body) == expected


def test_reads_on_after_an_ancestor_the_stray_tag_closed_too() -> None:
    assert paragraphs("", after_article="<p>Two.</p><aside><p>Widget</p></aside>") == [
        "One.",
        "Two.",
    ]


def test_the_continuations_images_are_the_posts() -> None:
    html = (
        '<html><body class="single single-post postid-5"><article><h1>A headline</h1>'
        '<div class="entry-content"><p>One.</p></div>'
        '<figure class="wp-block-image"><img src="/a.jpg"><figcaption>Cap</figcaption></figure>'
        '<p>Two.</p><footer><img src="/theme.png"></footer></article></body></html>'
    )
    page = WordPressArticlePage("https://example.com/a-headline/", html)
    assert page.images == [{"url": "https://example.com/a.jpg", "caption": "Cap"}]
    assert len(page.body_continuation) == 2
