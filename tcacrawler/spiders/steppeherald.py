from tcacrawler.pages.steppeherald import SteppeHeraldArticlePage
from tcacrawler.spiders.wordpress import WordPressSpider


class SteppeHeraldSpider(WordPressSpider):
    """Steppe Herald (a synthetic second site: own theme, no JSON-LD, core sitemaps)."""

    name = "steppeherald"
    base_url = "https://steppeherald.example"
    page_class = SteppeHeraldArticlePage
    listing_link_css = (".sh-card-title a::attr(href)",)  # only used when there are no sitemaps
