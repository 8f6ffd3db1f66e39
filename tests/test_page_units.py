"""Page object cases a data-driven fixture cannot state (a page that is no article)."""

from __future__ import annotations

import pytest

from tcacrawler.pages.timesca import TimescaArticlePage
from tcacrawler.pages.wordpress import NotAnArticle

ATTACHMENT_PAGE = """<!DOCTYPE html><html lang="en-US"><head>
<title>example-photo - The Times Of Central Asia</title>
<meta property="og:type" content="article">
<link rel="canonical" href="https://timesca.com/example-story/example-photo/"></head>
<body class="attachment attachment-template-default single single-attachment postid-777
 attachmentid-777 attachment-jpeg">
<article id="post-777" class="post-777 attachment type-attachment">
<h1 class="entry-title">example-photo</h1>
<div class="entry-content"><p class="attachment"><a href="/wp-content/uploads/2019/01/example.jpg">
<img src="/wp-content/uploads/2019/01/example-300x169.jpg"></a></p>
<p>A synthetic caption of the photo. Photo: TCA</p></div></article></body></html>"""


def test_an_attachment_page_is_no_article() -> None:
    """WordPress gives a media file a page of its own, with a postid- body class."""
    page = TimescaArticlePage("https://timesca.com/example-story/example-photo/", ATTACHMENT_PAGE)
    assert not page.is_article()
    with pytest.raises(NotAnArticle):
        page.to_item()
