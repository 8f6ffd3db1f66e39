"""Page objects: pure functions of (url, html) that return records."""

from tcacrawler.pages.wordpress import NotAnArticle, WordPressArticlePage

__all__ = ["NotAnArticle", "WordPressArticlePage"]
