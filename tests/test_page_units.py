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


def test_non_ascii_urls_are_emitted_uri_safe() -> None:
    """A canonical, a page or an image URL with non-ASCII characters (an IRI) fails the
    schemas' format "uri": the record would be quarantined."""
    from tcacrawler.extract import extract_record
    from tcacrawler.validation import schema_errors

    html = """<!DOCTYPE html><html lang="en-US"><head><title>Example</title>
<link rel="canonical" href="https://timesca.com/жаңалықтар/example?бет=1">
<link rel="shortlink" href="https://timesca.com/?p=90008">
<meta property="og:image" content="https://тест.example/сурет.jpg"></head>
<body class="single single-post postid-90008"><article id="post-90008">
<h1 class="entry-title">Example</h1><div class="entry-content"><p>Text.</p>
<img src="сурет 2.jpg"></div></article></body></html>"""
    record = extract_record(TimescaArticlePage, "https://timesca.com/ескі/", html)
    assert record["url"] == (
        "https://timesca.com/%D0%B6%D0%B0%D2%A3%D0%B0%D0%BB%D1%8B%D2%9B%D1%82%D0%B0%D1%80"
        "/example?%D0%B1%D0%B5%D1%82=1"
    )
    assert record["aliases"] == [
        "https://timesca.com/%D0%B5%D1%81%D0%BA%D1%96/",
        "https://timesca.com/?p=90008",
    ]
    assert [image["url"] for image in record["images"]] == [
        "https://xn--e1aybc.example/%D1%81%D1%83%D1%80%D0%B5%D1%82.jpg",
        "https://timesca.com/%D0%B5%D1%81%D0%BA%D1%96/%D1%81%D1%83%D1%80%D0%B5%D1%82%202.jpg",
    ]
    record.update(revision=1, duplicate_of=None, retrieved_at="2025-01-01T00:00:00+00:00")
    assert schema_errors(record) == []
