"""scrapy savefixture URL: save a page and the record it gives as a data-driven test case."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, Response, TextResponse

from tcacrawler.config import ConfigError
from tcacrawler.encoding import response_markup
from tcacrawler.extract import extract_record
from tcacrawler.pages.wordpress import NotAnArticle
from tcacrawler.spiders.wordpress import WordPressSpider

FIXTURES = Path("tests/fixtures/pages")


def page_text(response: Response) -> str:
    """The page as the crawl decodes it (Scrapy's ``response.text`` is mojibake when a
    server's default charset header disagrees with a UTF-8 body)."""
    if not isinstance(response, TextResponse):
        raise UsageError(f"not saved: {response.url} is not an HTML page")
    markup, _ = response_markup(response)
    return markup.decode("utf-8") if isinstance(markup, bytes) else markup


def fixture_name(url: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower().split("://", 1)[-1]).strip("-")
    return slug[-80:].strip("-") or "page"


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <url>"

    def short_desc(self) -> str:
        return "Save a page plus its expected record under tests/fixtures/pages/<spider>/"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--spider", default="timesca", help="spider whose page class extracts it"
        )
        parser.add_argument("--name", help="fixture name (default: from the URL)")
        parser.add_argument(
            "--from-file", help="read the HTML from this file instead of fetching URL"
        )
        parser.add_argument("--dir", default=str(FIXTURES), help="fixtures root")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel and (self.settings.getpriority("LOG_LEVEL") or 0) < 40:
            # One page's fetch: the project's INFO level (above default_settings' priority)
            # would print the crawl's hundred lines of start-up and stats around one result.
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one URL")
        url = args[0]
        assert self.crawler_process is not None
        try:
            spider_class = self.crawler_process.spider_loader.load(opts.spider)
        except KeyError:
            raise UsageError(f"no spider named {opts.spider!r} (scrapy list names them)") from None
        if not issubclass(spider_class, WordPressSpider):
            raise UsageError(f"spider {opts.spider!r} has no page class to extract with")
        if opts.from_file:
            # Saved as served, in whatever charset: read as the crawl reads an undeclared one.
            try:
                saved = Path(opts.from_file).read_bytes()
            except OSError as reason:
                raise UsageError(f"--from-file: {reason.strerror}: {opts.from_file}") from None
            html = page_text(HtmlResponse(url, body=saved))
        else:
            html = self._fetch(url)
        try:
            page_class = spider_class.page_class_for(urlsplit(url).hostname or "")
            record = extract_record(page_class, url, html)
        except ConfigError as reason:
            raise UsageError(str(reason)) from None
        except NotAnArticle as reason:
            raise UsageError(f"not saved: {reason}") from None
        directory = Path(opts.dir) / opts.spider
        directory.mkdir(parents=True, exist_ok=True)
        name = opts.name or fixture_name(url)
        (directory / f"{name}.html").write_text(html, encoding="utf-8")
        case = {"url": url, "spider": opts.spider, "expected": record}
        (directory / f"{name}.json").write_text(
            json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(
            f"saved {directory / name}.html and .json: review the expected record before committing"
        )

    def _fetch(self, url: str) -> str:
        pages: list[Response] = []

        class FetchOnce(scrapy.Spider):
            name = "savefixture"
            # A fetch, not a run: no story store, no output files, no health monitors.
            custom_settings = {
                "FEEDS": {},
                "ITEM_PIPELINES": {},
                "SPIDERMON_ENABLED": False,
                "EXTENSIONS": {
                    "tcacrawler.state.StoryState": None,
                    "tcacrawler.extensions.RunManifest": None,
                    "tcacrawler.monitors.HealthMonitors": None,
                },
            }

            async def start(self) -> Any:
                yield scrapy.Request(url, callback=self.keep)

            def keep(self, response: Response) -> None:
                pages.append(response)

        assert self.crawler_process is not None
        self.crawler_process.crawl(FetchOnce)
        self.crawler_process.start()
        if not pages:
            raise UsageError(f"could not fetch {url} (see the log above)")
        return page_text(pages[0])
