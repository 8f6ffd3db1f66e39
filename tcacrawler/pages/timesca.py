"""The Times of Central Asia: where its themes depart from WordPress defaults."""

from __future__ import annotations

from typing import ClassVar

from tcacrawler.pages.wordpress import WordPressArticlePage


class TimescaArticlePage(WordPressArticlePage):
    site = "timesca"
    default_tz_offset_minutes = 5 * 60  # Almaty, Astana, Tashkent
    # The older (tagDiv) template names its parts differently.
    headline_css: ClassVar[tuple[str, ...]] = (
        *WordPressArticlePage.headline_css,
        ".td-post-title h1",
    )
    body_css: ClassVar[tuple[str, ...]] = (".entry-content", ".td-post-content")
    author_css: ClassVar[tuple[str, ...]] = (
        *WordPressArticlePage.author_css,
        ".td-post-author-name a",
    )
    section_css: ClassVar[tuple[str, ...]] = (
        *WordPressArticlePage.section_css,
        ".td-category a",
    )
    tag_css: ClassVar[tuple[str, ...]] = (*WordPressArticlePage.tag_css, ".td-tags a")
    published_css: ClassVar[tuple[str, ...]] = (
        *WordPressArticlePage.published_css,
        ".td-post-date time::attr(datetime)",
    )
    headline_suffixes = ("The Times Of Central Asia", "The Times of Central Asia")
