"""Discovery for any WordPress news site: feed, sitemaps and listing pages.

A site spider subclasses :class:`WordPressSpider` and declares its name, base
URL and page class. The spider only decides which URLs to visit; the page
object turns each article page into a record.

Modes:

``full``
    Enumerate the whole archive from the sitemaps; when the site has none,
    walk the listing pages (home, category, tag and author, with pagination).
``latest`` (default, for cron)
    Read the feed and the newest sitemap entries, and fetch only articles the
    story store does not already hold at that ``lastmod``; without sitemaps,
    read listing pages until one brings nothing new.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from tcacrawler.config import ConfigError
from tcacrawler.dates import iso_in_zone, parse_datetime, parse_offset, site_timezone
from tcacrawler.encoding import response_markup
from tcacrawler.failures import classify
from tcacrawler.health import EXPECTED_NOT_FOUND
from tcacrawler.pages.wordpress import NotAnArticle, WordPressArticlePage
from tcacrawler.robots import ROBOTS_META_KEY, sitemap_urls
from tcacrawler.urls import (
    LEGACY_ARTICLE_PATH,
    earlier_normal_form,
    is_legacy_article_url,
    normalize_url,
    shortlink_post_id,
    strip_junk_query,
    url_host,
)

# Counted so that the run keeps no feed/sitemap validators that would hide them next run.
TRANSIENT_ARTICLE_FAILURES = "tca/retry_next_run/articles"
# Sources (child sitemaps, the feed, listing pages) that could not be read in full: the
# run's feed and sitemap validators are then not kept (see StoryState._save_validators).
INCOMPLETE_DISCOVERY = "tca/discovery/incomplete"
# A sitemap's closing tag: lxml's recovering parser reads a file cut short as far as it
# goes, and without the tag a cut cannot be told from the end.
SITEMAP_END = re.compile(r"</(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>\Z")
FEED_END = re.compile(r"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\Z")
FEED_START = re.compile(r"<(?:[\w.-]+:)?(?:rss|feed|RDF)[\s>]")
_XML_SPACE_AND_PADDING = " \t\r\n\x00\ufeff"


def xml_text(body: bytes, *, tail: bool = True, size: int = 65536) -> str:
    """The last (or first) ``size`` bytes of an XML document as text: UTF-16 when a byte
    order mark or a NUL in its first bytes says so, else UTF-8 (errors replaced)."""
    utf16 = body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:4]
    if not utf16:
        return (body[-size:] if tail else body[:size]).decode("utf-8", "replace")
    big_endian = body[:2] == b"\xfe\xff" or body[:1] == b"\x00"
    part = body[-size:] if tail else body[:size]
    if len(part) % 2:  # (keep the code units aligned)
        part = part[1:] if tail else part[:-1]
    return part.decode("utf-16-be" if big_endian else "utf-16-le", "replace")


def ends_with_root(body: bytes, closing: re.Pattern[str]) -> bool:
    """Whether the document ends with its root's closing tag, after what may follow it
    (whitespace, comments, processing instructions, padding): a file cut short does not.
    lxml's recovering parser reads a cut file as far as it goes, so only this tells."""
    text = xml_text(body).rstrip(_XML_SPACE_AND_PADDING)
    while text.endswith(("-->", "?>")):
        start = text.rfind("<!--" if text.endswith("-->") else "<?")
        if start < 0:
            break
        text = text[:start].rstrip(_XML_SPACE_AND_PADDING)
    return closing.search(text) is not None


MODES = ("full", "latest")
# A sitemap never needs a DTD; one that declares entities is an XML bomb or garbage.
SITEMAP_DTD = re.compile(rb"<!DOCTYPE[^>]*\[|<!ENTITY", re.I)
# Paths that are never single articles on a WordPress site.
NON_ARTICLE_PATH = re.compile(
    r"^/(?:$|page/|category/|tag/|author/|feed/|comments/|search/|wp-|xmlrpc|"
    r"sitemap|robots\.txt|\?|index\.php/?$)"
)
SITE_NAME = re.compile(r"^[a-z0-9_-]+$")
IP_ADDRESS = re.compile(r"^[\d.]+$|:")


def site_name_from_host(host: str) -> str:
    """A site name for records from a host: ``www.example.com`` -> ``example``,
    ``news.example.org`` -> ``news-example``, ``127.0.0.1`` -> ``127-0-0-1``."""
    host = host.lower().removeprefix("www.")
    if "." in host and not IP_ADDRESS.search(host):
        host = host.rsplit(".", 1)[0]  # the top-level domain says nothing about the site
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "wordpress"


_Callback = TypeVar("_Callback", bound=Callable[..., Iterator[Request]])


def _length_checked(callback: _Callback) -> _Callback:
    """A discovery callback whose requests pass ``within_length_limit``."""

    @functools.wraps(callback)
    def checked(self: WordPressSpider, *args: Any, **kwargs: Any) -> Iterator[Request]:
        return self.within_length_limit(callback(self, *args, **kwargs))

    return checked  # type: ignore[return-value]


class KnownStories(Protocol):
    """What the spider may ask the story store, to skip unchanged articles."""

    def known_lastmod(self, url: str) -> str | None: ...

    def settled(self, url: str) -> bool: ...


class NothingKnown:
    def known_lastmod(self, url: str) -> str | None:
        return None

    def settled(self, url: str) -> bool:
        return False


class WordPressSpider(scrapy.Spider):
    name = "wordpress"
    base_url: ClassVar[str] = ""
    page_class: ClassVar[type[WordPressArticlePage]] = WordPressArticlePage
    feed_path: ClassVar[str] = "/feed/"
    # Tried in order when robots.txt names no sitemap.
    sitemap_paths: ClassVar[tuple[str, ...]] = (
        "/sitemap_index.xml",
        "/wp-sitemap.xml",
        "/sitemap.xml",
    )
    # Child sitemaps that list taxonomy, author or static pages rather than posts.
    non_post_sitemap = re.compile(
        r"(?:page|category|post_tag|tag|author|user|taxonom|attachment|product)[-_]?sitemap|"
        r"wp-sitemap-(?:taxonomies|users|posts-page)",
        re.I,
    )
    listing_link_css: ClassVar[tuple[str, ...]] = (
        "article .entry-title a::attr(href)",
        ".entry-title a::attr(href)",
        "article h2 a::attr(href)",
        "article h3 a::attr(href)",
        ".td-module-title a::attr(href)",
    )
    next_page_css: ClassVar[tuple[str, ...]] = (
        'link[rel="next"]::attr(href)',
        "a.next::attr(href)",
        'a[rel="next"]::attr(href)',
    )
    taxonomy_path = re.compile(r"^/(?:category|tag|author)/")
    # An hourly run reads a listing until a page brings nothing new; this bounds a run
    # that finds every page new (a first run, a long outage) to about a backfill's start.
    latest_listing_pages: ClassVar[int] = 50

    def __init__(
        self,
        *args: Any,
        mode: str = "latest",
        base_url: str | None = None,
        urls: str | None = None,
        site: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.base_url_arg = base_url
        self.site_arg = site
        self.output_name: str | None = None  # set by configure for the generic spider
        self.explicit_urls = [u.strip() for u in (urls or "").split(",") if u.strip()]
        self.known: KnownStories = NothingKnown()
        self.sitemaps_found = False
        self.named_sitemaps_pending = 0  # sitemaps robots.txt names, yet to answer
        self.requested_this_run: set[str] = set()  # articles, normalised (latest mode)
        self.run_started = datetime.now(UTC)
        self.run_id = self.run_started.strftime("%Y%m%dT%H%M%SZ")

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if cls.page_class is WordPressArticlePage:
            # The generic spider has no selectors of a site: generic extraction is its norm.
            settings.set("TCA_MONITOR_MAX_FALLBACK_RATIO", 1.0, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WordPressSpider:
        spider: WordPressSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    @classmethod
    def page_class_for(cls, host: str, site: str | None = None) -> type[WordPressArticlePage]:
        """The page class that extracts this spider's records from ``host``: the generic
        spider names records after the host, any spider after ``site`` (``-a site=``).
        The crawl and ``scrapy savefixture`` both ask here, so a saved case expects the
        records the crawl makes."""
        if site is None and cls.page_class.site == WordPressArticlePage.site:
            site = site_name_from_host(host)
        if site is not None and site != cls.page_class.site:
            if not SITE_NAME.match(site):
                raise ConfigError(f"-a site={site!r}: use lower-case letters, digits, - and _")
            return type(cls.page_class.__name__, (cls.page_class,), {"site": site})
        if not SITE_NAME.match(cls.page_class.site):
            # It starts every story_id, which the schema allows in these characters only:
            # every record would be quarantined.
            raise ConfigError(
                f"spider {cls.name!r}: its page class's site {cls.page_class.site!r} must be "
                "lower-case letters, digits, - and _ (or give -a site=NAME)"
            )
        return cls.page_class

    def configure(self, settings: Any) -> None:
        base = self.base_url_arg or settings.get("TCA_BASE_URL") or self.base_url
        if not base:
            raise ConfigError(f"spider {self.name!r} needs a base URL: -a base_url=https://...")
        self.site_base = base.rstrip("/")
        host = urlsplit(self.site_base).hostname or ""
        self.article_page_class = self.page_class_for(host, self.site_arg)
        if self.page_class.site == WordPressArticlePage.site:
            self.output_name = f"{self.name}-{self.article_page_class.site}"
        bare = host.removeprefix("www.")
        self.allowed_domains = [bare] if bare == host else [bare, host]
        tz_setting = settings.get("TCA_SITE_TZ")
        self.tz_offset_minutes = (
            parse_offset(tz_setting) if tz_setting else self.page_class.default_tz_offset_minutes
        )
        self.tz = site_timezone(self.tz_offset_minutes)
        self.url_length_limit = settings.getint("URLLENGTH_LIMIT") or sys.maxsize

    def site_url(self, path: str) -> str:
        return urljoin(self.site_base + "/", path.lstrip("/"))

    def is_site_url(self, url: str) -> bool:
        host = url_host(url).removeprefix("www.")
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    # -- start ------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.within_length_limit(self.start_requests_list()):
            # What Scrapy's StartSpiderMiddleware would set (off, see settings): the
            # scheduler keeps start requests in a queue of their own.
            request.meta.setdefault("is_start_request", True)
            yield request

    def within_length_limit(self, requests: Iterable[Request]) -> Iterator[Request]:
        """The requests whose URL is at most ``URLLENGTH_LIMIT`` long; the others are
        counted and logged as Scrapy's UrlLengthMiddleware does. That middleware is off
        (see settings): it wraps every callback's output, articles included, and only the
        start requests and the discovery callbacks (``@_length_checked``) make requests."""
        limit = self.url_length_limit
        for request in requests:
            if len(request.url) > limit:
                self.crawler.stats.inc_value("urllength/request_ignored_count")
                self.logger.info("Ignoring link (url length > %d): %s", limit, request.url)
                continue
            yield request

    def start_requests_list(self) -> list[Request]:
        if self.explicit_urls:
            return [self.article_request(u, via="argument") for u in self.explicit_urls]
        return [
            Request(
                self.site_url("/robots.txt"),
                callback=self.parse_robots,
                errback=self.robots_failed,
                meta={
                    ROBOTS_META_KEY: True,
                    "handle_httpstatus_all": True,
                    "dont_obey_robotstxt": True,
                },
                priority=100,
            )
        ]

    @_length_checked
    def parse_robots(self, response: Response) -> Iterator[Request]:
        if response.status >= 500:
            return  # robots middleware now disallows the whole site
        if response.status == 404:  # no robots.txt: nothing is disallowed, nothing is wrong
            self.crawler.stats.inc_value(EXPECTED_NOT_FOUND)
        listed = (
            [u for u in sitemap_urls(response.body) if self.is_site_url(u)]
            if response.status < 300
            else []
        )
        yield from self.discovery_requests(listed)

    def robots_failed(self, failure: Any) -> None:
        self.logger.error(
            "robots.txt could not be fetched (%s): nothing will be crawled", failure.value
        )

    def discovery_requests(self, robots_sitemaps: list[str]) -> Iterator[Request]:
        yield self.conditional(
            Request(
                self.site_url(self.feed_path),
                callback=self.parse_feed,
                errback=self.source_failed,
                priority=50,
                meta={"tca_feed": True},
            )
        )
        named = list(dict.fromkeys(robots_sitemaps))
        if not named:  # the usual paths, one after another until one answers
            paths = [self.site_url(p) for p in self.sitemap_paths]
            yield self.sitemap_request(paths[0], fallbacks=paths[1:], top_level=True)
            return
        # Every one robots.txt names: a site may list a news sitemap before its index, and
        # reading only the first would miss the rest of the archive.
        self.named_sitemaps_pending = len(named)
        for url in named:
            yield self.sitemap_request(url, top_level=True, named=True)

    # -- sitemaps ---------------------------------------------------------

    def sitemap_request(
        self,
        url: str,
        *,
        fallbacks: Iterable[str] = (),
        top_level: bool = False,
        named: bool = False,
    ) -> Request:
        return self.conditional(
            Request(
                url,
                callback=self.parse_sitemap,
                errback=self.sitemap_failed,
                priority=40,
                # one robots.txt names must answer (callback or errback): a duplicate
                # dropped by the filter (another one redirecting to it) would not
                dont_filter=named,
                meta={
                    "tca_fallbacks": list(fallbacks),
                    "tca_top_level": top_level,
                    "tca_named": named,  # one of those robots.txt names
                },
            )
        )

    def conditional(self, request: Request) -> Request:
        """Marks a feed or sitemap request for ETag / If-Modified-Since revalidation."""
        request.meta["tca_conditional"] = self.mode == "latest"
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        return request

    @_length_checked
    def sitemap_failed(self, failure: Any) -> Iterator[Request]:
        request = failure.request
        kind = classify(failure)
        self.crawler.stats.inc_value("tca/discovery/sitemap_failed")
        probing = request.meta.get("tca_top_level") and kind.stat == "tca/failed/http_404"
        if probing:  # the answer a probe expects where there is no such sitemap
            self.crawler.stats.inc_value(EXPECTED_NOT_FOUND)
        if not request.meta.get("tca_top_level") and kind.is_transient:
            # (a top-level one that fails is replaced by the next candidate or the listings;
            # one that failed for good will fail next hour too)
            self.crawler.stats.inc_value(INCOMPLETE_DISCOVERY)
        level = logging.INFO if probing or kind.logged_by_scrapy else logging.WARNING
        self.logger.log(level, "Sitemap not read: %s (%s)", request.url, kind.reason)
        yield from self.next_sitemap_or_listings(request)

    def next_sitemap_or_listings(self, request: Request) -> Iterator[Request]:
        """After a top-level sitemap failed: the next candidate, or the listings."""
        fallbacks = request.meta.get("tca_fallbacks") or []
        if fallbacks:
            yield self.sitemap_request(fallbacks[0], fallbacks=fallbacks[1:], top_level=True)
        elif request.meta.get("tca_named"):
            self.named_sitemaps_pending -= 1
            if not self.named_sitemaps_pending and not self.sitemaps_found:
                yield from self.listings_instead()  # none of those robots.txt names answered
        elif request.meta.get("tca_top_level") and not self.sitemaps_found:
            yield from self.listings_instead()

    def listings_instead(self) -> Iterator[Request]:
        self.logger.warning(
            "No usable sitemap on %s: discovering articles from listing pages", self.site_base
        )
        self.crawler.stats.set_value("tca/discovery/listing_fallback", 1)
        yield self.listing_request(self.site_url("/"), depth=0)

    @_length_checked
    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            self.crawler.stats.inc_value("tca/discovery/not_modified")
            self.sitemaps_found = True
            return
        body = self.sitemap_body(response)
        sitemap = None
        if body:
            try:
                sitemap = Sitemap(body)
            except Exception:  # lxml raises several types on garbage; all mean "not a sitemap"
                sitemap = None
        if body is None or sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            if body:  # sitemap_body logged why it gave none
                self.logger.warning("Not a sitemap: %s", response.url)
                self.crawler.stats.inc_value("tca/discovery/bad_sitemap")
            assert response.request is not None
            if not response.request.meta.get("tca_top_level"):
                self.crawler.stats.inc_value(INCOMPLETE_DISCOVERY)
            yield from self.next_sitemap_or_listings(response.request)
            return
        self.sitemaps_found = True
        entries = list(sitemap)
        if not ends_with_root(body, SITEMAP_END):
            self.logger.warning(
                "Sitemap %s is cut short (no closing tag): read its %d entries, and it will "
                "be read again next run",
                response.url,
                len(entries),
            )
            self.crawler.stats.inc_value("tca/discovery/truncated_sitemap")
            self.crawler.stats.inc_value(INCOMPLETE_DISCOVERY)
        if sitemap.type == "sitemapindex":
            children = [
                e
                for e in entries
                if self.is_site_url(e["loc"]) and not self.non_post_sitemap.search(e["loc"])
            ]
            for entry in self.newest_first(children):
                yield self.sitemap_request(entry["loc"])
            return
        for entry in self.newest_first(entries):
            url = entry["loc"]
            if not self.is_site_url(url):
                continue
            lastmod = entry.get("lastmod")
            if self.mode == "latest" and self.is_unchanged(url, lastmod):
                self.crawler.stats.inc_value("tca/discovery/unchanged_skipped")
                continue
            yield self.article_request(url, via="sitemap", lastmod=lastmod)

    def newest_first(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(entries, key=lambda e: e.get("lastmod") or "", reverse=True)

    def stored_lastmod(self, url: str) -> str | None:
        """The store's ``known_lastmod`` of ``url`` normalised, or else (a non-ASCII URL
        that a store of an earlier version knows) of its earlier normal form."""
        known = self.known.known_lastmod(normalize_url(url))
        if known is None and (earlier := earlier_normal_form(url)) is not None:
            known = self.known.known_lastmod(earlier)
        return known

    def is_unchanged(self, url: str, lastmod: str | None) -> bool:
        known = self.stored_lastmod(url)
        if known is None:
            return False
        if lastmod is None:
            # A sitemap without lastmod (WordPress core) cannot say; refetching every known
            # article every hour would be a backfill, so the feed and full runs catch edits.
            return True
        known_at = parse_datetime(known, self.tz)
        listed_at = parse_datetime(lastmod, self.tz)
        return bool(known_at and listed_at and listed_at <= known_at)

    def sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            max_size = int(
                response.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE")
            )
            try:
                body = gunzip(body, max_size=max_size)
            except Exception:
                self.logger.warning(
                    "Sitemap %s decompresses past %d bytes or is corrupt: skipped",
                    response.url,
                    max_size,
                )
                self.crawler.stats.inc_value("tca/discovery/sitemap_too_large")
                return None
        if SITEMAP_DTD.search(body[:65536]):
            self.logger.warning(
                "Sitemap %s declares a DTD or entities (XML bomb?): skipped", response.url
            )
            self.crawler.stats.inc_value("tca/discovery/sitemap_dtd")
            return None
        return body or None

    # -- feed -------------------------------------------------------------

    @_length_checked
    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status == 304:
            self.crawler.stats.inc_value("tca/discovery/not_modified")
            return
        if not isinstance(response, TextResponse):
            return
        if not FEED_START.search(xml_text(response.body, tail=False, size=2048)):
            # a feed turned off, or redirected to the home page: no feed, nothing missed
            self.logger.info("No feed at %s (not RSS or Atom)", response.url)
            self.crawler.stats.inc_value("tca/discovery/no_feed")
            return
        if not ends_with_root(response.body, FEED_END):
            self.logger.warning("Feed %s is cut short (no closing tag)", response.url)
            self.crawler.stats.inc_value(INCOMPLETE_DISCOVERY)
        response.selector.remove_namespaces()
        for item in response.xpath("//item"):
            link = (item.xpath("link/text()").get() or "").strip()
            if not link or not self.is_site_url(link):
                continue
            if self.mode == "full":
                yield self.article_request(link, via="feed")
                continue
            published = item.xpath("pubDate/text()").get()
            if self.is_unchanged(link, iso_in_zone(published, UTC) if published else None):
                self.crawler.stats.inc_value("tca/discovery/unchanged_skipped")
                continue
            yield self.article_request(link, via="feed")

    def source_failed(self, failure: Any) -> None:
        kind = classify(failure)
        if failure.request.meta.get("tca_feed") and kind.stat == "tca/failed/http_404":
            # no feed at the usual path: the sitemaps and listings find the articles
            self.crawler.stats.inc_value(EXPECTED_NOT_FOUND)
            self.crawler.stats.inc_value("tca/discovery/no_feed")
            self.logger.info("No feed at %s (HTTP 404)", failure.request.url)
            return
        self.crawler.stats.inc_value("tca/discovery/source_failed")
        if kind.is_transient:  # (what failed for good will fail next hour too)
            self.crawler.stats.inc_value(INCOMPLETE_DISCOVERY)
        level = logging.INFO if kind.logged_by_scrapy else logging.WARNING
        self.logger.log(level, "Discovery source failed: %s (%s)", failure.request.url, kind.reason)

    # -- listings ---------------------------------------------------------

    def listing_request(self, url: str, *, depth: int) -> Request:
        return Request(
            strip_junk_query(url),
            callback=self.parse_listing,
            errback=self.source_failed,
            priority=10,
            meta={"tca_listing_depth": depth},
        )

    @_length_checked
    def parse_listing(self, response: Response) -> Iterator[Request]:
        depth = response.meta.get("tca_listing_depth", 0)
        new_articles = 0
        for url in self.article_links(response):
            if self.mode == "latest":
                if normalize_url(url) in self.requested_this_run:
                    # (new all the same: the feed found it first, and its store row,
                    # pending, would make the page look known and end the listing early)
                    new_articles += 1
                    continue
                if self.stored_lastmod(url) is not None:
                    if not self.known.settled(normalize_url(url)):
                        # (not fetched again, but no end either: a run that stopped early
                        # or lost articles found it, and may not have reached older ones)
                        new_articles += 1
                    continue
            new_articles += 1
            yield self.article_request(url, via="listing")
        if self.mode == "latest":
            if new_articles == 0:
                return  # the rest of the listing is known
            if depth + 1 >= self.latest_listing_pages:
                self.logger.warning(
                    "Listing %s still brings new articles after %d pages: the rest is left "
                    "to the next full run",
                    response.url,
                    self.latest_listing_pages,
                )
                self.crawler.stats.inc_value("tca/discovery/listing_cap_reached")
                return
        next_page = next((u for q in self.next_page_css if (u := response.css(q).get())), None)
        if next_page:
            yield self.listing_request(response.urljoin(next_page), depth=depth + 1)
        if self.mode == "full":
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if self.is_site_url(url) and self.taxonomy_path.match(urlsplit(url).path):
                    yield self.listing_request(url, depth=0)

    def article_links(self, response: Response) -> list[str]:
        links: dict[str, None] = {}
        for query in self.listing_link_css:
            for href in response.css(query).getall():
                url = response.urljoin(href.strip())
                if self.looks_like_article(url):
                    links[strip_junk_query(url)] = None
                elif not self.is_site_url(url):
                    self.crawler.stats.inc_value("tca/discovery/offsite_link_skipped")
            if links:
                break
        return list(links)

    def looks_like_article(self, url: str) -> bool:
        if not self.is_site_url(url):
            return False
        path = urlsplit(url).path or "/"
        return bool(LEGACY_ARTICLE_PATH.match(path)) or not NON_ARTICLE_PATH.match(path)

    # -- articles ---------------------------------------------------------

    def article_request(self, url: str, *, via: str, lastmod: str | None = None) -> Request:
        self.crawler.stats.inc_value(f"tca/discovery/{via}")
        if self.mode == "latest":  # (an hourly run requests few: a set of them is cheap)
            self.requested_this_run.add(normalize_url(url))
        return Request(
            strip_junk_query(url),
            # An alias redirects to a page that may already have been fetched; the duplicate
            # filter would then drop the redirect, and with it the alias the store must learn.
            dont_filter=is_legacy_article_url(url) or shortlink_post_id(url) is not None,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"tca_via": via, "tca_lastmod": lastmod},
        )

    def article_failed(self, failure: Any) -> None:
        """Counts the failure in tca/failed/<kind> (or tca/skipped/<kind>), logs it once."""
        kind = classify(failure)
        self.crawler.stats.inc_value(kind.stat)
        if kind.is_transient:
            self.crawler.stats.inc_value(TRANSIENT_ARTICLE_FAILURES)
        level = logging.WARNING if kind.is_failure and not kind.logged_by_scrapy else logging.INFO
        request = failure.request
        self.logger.log(
            level,
            "Article %s: %s (%s)",
            "not fetched" if kind.is_failure else "skipped",
            (request.meta.get("redirect_urls") or [request.url])[0],
            kind.reason,
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("tca/pages/not_html")
            return
        markup, decoded = response_markup(response)
        if decoded != "scrapy":
            self.crawler.stats.inc_value(f"tca/pages/decoded/{decoded}")
        try:
            page = self.article_page_class(
                response.url, markup, tz_offset_minutes=self.tz_offset_minutes
            )
            item = page.to_item()
        except NotAnArticle as reason:
            self.crawler.stats.inc_value("tca/pages/not_article")
            self.logger.info("Skipped %s", reason)
            return
        except ValueError as unparseable:  # lxml refuses some bodies (JSON, empty documents)
            self.crawler.stats.inc_value("tca/pages/unparseable")
            self.logger.warning("Skipped %s: not parseable as HTML (%s)", response.url, unparseable)
            return
        seen_as = {*response.meta.get("redirect_urls", ()), response.url}
        item.aliases = sorted((set(item.aliases) | seen_as) - {item.url})
        self.crawler.stats.inc_value(f"tca/extraction/{item.extraction}")
        if continued := len(page.body_continuation):
            self.crawler.stats.inc_value("tca/extraction/body_continued")
            self.logger.info(
                "Body of %s read on past a stray closing tag: %d more blocks",
                response.url,
                continued,
            )
        if item.extraction == "fallback":
            self.logger.warning(
                "Selectors found no headline or body on %s: filled by the generic extractor",
                response.url,
            )
        yield item
