"""Steppe Herald: where its theme departs from WordPress defaults."""

from tcacrawler.pages.wordpress import WordPressArticlePage


class SteppeHeraldArticlePage(WordPressArticlePage):
    site = "steppeherald"
    default_tz_offset_minutes = 6 * 60  # Bishkek
    headline_css = ("h1.sh-headline",)
    body_css = (".sh-story-text",)
    author_css = (".sh-byline a.sh-author",)  # no JSON-LD: names come from the byline
    section_css = (".sh-kicker a",)
    tag_css = (".sh-topics a",)
    header_ticker = False  # no exchange-rate ticker in its header
