"""The baseline of bench_crawl.py: a bare Scrapy spider that fetches a list of URLs.

    scrapy runspider benchmarks/bare_spider.py -a urls_file=URLS -a stats_file=OUT.json

It does nothing with the responses. With ``-a floor=1`` it is the floor of any spider
that extracts records: it decodes each page, parses it with the page object's HTML parser
(selectolax's lexbor) and yields a one-field item (no pipelines), so it pays for Scrapy's
item machinery and the parse, and for no extraction at all.

Run it outside the project directory (so that Scrapy's default settings apply, not
tcacrawler's) and pass the concurrency settings on the command line. At close it writes
the crawl's stats (JSON) to ``stats_file``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(
        self, urls_file: str, stats_file: str = "", floor: str = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        with open(urls_file, encoding="utf-8") as file:
            self.urls = file.read().split()
        self.stats_file = stats_file
        self.floor = floor.lower() in ("1", "true", "yes")

    async def start(self) -> AsyncIterator[Any]:
        callback = self.parse_floor if self.floor else self.parse
        for url in self.urls:
            yield scrapy.Request(url, callback=callback)

    def parse(self, response: Any) -> None:
        # None, not an empty generator: Scrapy sends a generator's output through the
        # spider middlewares, which would cost the baseline work that fetching does not.
        return None

    def parse_floor(self, response: Any) -> Iterator[dict[str, Any]]:
        from selectolax.lexbor import LexborHTMLParser  # not imported by the bare run

        headline = LexborHTMLParser(response.text).css_first("h1")
        yield {"url": response.url, "headline": headline.text() if headline else None}

    def closed(self, reason: str) -> None:
        if self.stats_file:
            stats = {k: v for k, v in self.crawler.stats.get_stats().items()}
            with open(self.stats_file, "w", encoding="utf-8") as file:
                json.dump(stats, file, default=str)
