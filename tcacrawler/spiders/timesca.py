from tcacrawler.pages.timesca import TimescaArticlePage
from tcacrawler.spiders.wordpress import WordPressSpider


class TimescaSpider(WordPressSpider):
    """The Times of Central Asia (English)."""

    name = "timesca"
    base_url = "https://timesca.com"
    page_class = TimescaArticlePage
