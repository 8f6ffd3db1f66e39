"""The WordPress article page object.

Each field is read from the most standard signal that carries it: JSON-LD,
then OpenGraph and ``<link rel>``, then WordPress core markup (body and post
classes, ``rel="tag"``, ``<time>``), then the site's own selectors. When the
selectors find no headline or body (a theme changed overnight), the generic
extractor of :mod:`tcacrawler.fallback` (trafilatura) fills the body and the
standard signals the headline, and the record says ``extraction: "fallback"``.
A site subclass only lists where it departs from WordPress conventions. Nothing
here reads the clock, settings or the network: the same (url, html) always gives
the same record.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import timezone
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from tcacrawler.dates import isoformat, parse_datetime, parse_visible_date, site_timezone
from tcacrawler.fallback import MainContent, find_main_content
from tcacrawler.items import ArticleItem
from tcacrawler.urls import shortlink_post_id, url_story_id

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "Report",
        "LiveBlogPosting",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
        "figure",
        "hr",
        "address",
        "details",
        "summary",
        "main",
        "aside",
        "nav",
    }
)
# Elements whose text is never story text wherever they sit inside the body.
NON_TEXT_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "form",
        "button",
        "select",
        "textarea",
        "svg",
        "figure",
        "figcaption",
        "nav",
        "aside",
        "ins",
        "object",
        "embed",
    }
)
POST_ID_PATTERNS = (
    re.compile(r"\bpostid-(\d+)\b"),
    re.compile(r"\bpost-(\d+)\b"),
)
WHITESPACE = re.compile(r"\s+")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class NotAnArticle(ValueError):
    """The page is not a single article (a listing, a static page, an error page)."""


def clean_text(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _texts(values: Iterable[str]) -> list[str]:
    return [t for t in (clean_text(html_lib.unescape(v)) for v in values) if t]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _class_has(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


class WordPressArticlePage:
    """Extracts one article record from a WordPress single-post page."""

    site: ClassVar[str] = "wordpress"
    # The zone to read times without an offset in, and to express all times in.
    default_tz_offset_minutes: ClassVar[int] = 0
    # The site's own selectors, tried before the generic extractor. CSS, in order.
    headline_css: ClassVar[tuple[str, ...]] = ("h1.entry-title", "article h1", "h1.post-title")
    body_css: ClassVar[tuple[str, ...]] = (
        ".entry-content",
        "[itemprop=articleBody]",
        ".post-content",
        ".article-content",
        ".single-content",
    )
    author_css: ClassVar[tuple[str, ...]] = (
        ".byline .author a",
        ".byline a[rel=author]",
        "a[rel=author]",
        ".author.vcard .fn",
    )
    section_css: ClassVar[tuple[str, ...]] = ('a[rel="category tag"]', ".cat-links a")
    tag_css: ClassVar[tuple[str, ...]] = ('a[rel="tag"]', ".tags-links a")
    published_css: ClassVar[tuple[str, ...]] = (
        "time.published::attr(datetime)",
        "time.entry-date::attr(datetime)",
        "[itemprop=datePublished]::attr(content)",
        "[itemprop=datePublished]::attr(datetime)",
        "time::attr(datetime)",
    )
    modified_css: ClassVar[tuple[str, ...]] = (
        "time.updated:not(.published):not(.entry-date)::attr(datetime)",
        "[itemprop=dateModified]::attr(content)",
        "[itemprop=dateModified]::attr(datetime)",
    )
    # Visible date lines for pages with no machine-readable time at all.
    visible_date_css: ClassVar[tuple[str, ...]] = (
        ".entry-meta",
        ".posted-on",
        ".entry-date",
        ".post-date",
        ".date",
    )
    # Furniture that themes and plugins put inside the body container.
    furniture_css: ClassVar[tuple[str, ...]] = (
        ".sharedaddy",
        ".sd-sharing-enabled",
        ".jp-relatedposts",
        "#jp-relatedposts",
        ".related-posts",
        ".newsletter",
        ".newsletter-signup",
        ".addtoany_share_save_container",
        ".wp-block-buttons",
        ".post-tags",
        ".yarpp-related",
        ".mc4wp-form",
    )
    headline_suffixes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        url: str,
        html: str,
        *,
        tz_offset_minutes: int | None = None,
    ) -> None:
        self.url = url
        self.html = html or "<html></html>"
        self.selector = Selector(text=self.html)
        offset = self.default_tz_offset_minutes if tz_offset_minutes is None else tz_offset_minutes
        self.tz: timezone = site_timezone(offset)

    # -- standard signals -------------------------------------------------

    def _css_first(self, queries: Iterable[str]) -> str | None:
        for query in queries:
            value = self.selector.css(query).get()
            if value and value.strip():
                return value.strip()
        return None

    def _meta(self, *names: str) -> str | None:
        for name in names:
            value = self.selector.xpath(
                f'//meta[@property="{name}" or @name="{name}"]/@content'
            ).get()
            if value and value.strip():
                return html_lib.unescape(value.strip())
        return None

    def _link(self, rel: str) -> str | None:
        href = self.selector.xpath(
            f'//link[contains(concat(" ", normalize-space(@rel), " "), " {rel} ")]/@href'
        ).get()
        return urljoin(self.url, href.strip()) if href and href.strip() else None

    @cached_property
    def json_ld_nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        for raw in self.selector.xpath('//script[@type="application/ld+json"]/text()').getall():
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
            nodes.extend(self._flatten_json_ld(data))
        return nodes

    @classmethod
    def _flatten_json_ld(cls, data: Any) -> Iterator[dict[str, Any]]:
        if isinstance(data, list):
            for entry in data:
                yield from cls._flatten_json_ld(entry)
        elif isinstance(data, dict):
            graph = data.get("@graph")
            if isinstance(graph, list):
                yield from cls._flatten_json_ld(graph)
            else:
                yield data

    @cached_property
    def _json_ld_by_id(self) -> dict[str, dict[str, Any]]:
        return {n["@id"]: n for n in self.json_ld_nodes if isinstance(n.get("@id"), str)}

    def _resolve(self, node: Any) -> Any:
        """Follow a JSON-LD ``{"@id": ...}`` reference to the node in the graph."""
        if isinstance(node, dict) and set(node) == {"@id"}:
            return self._json_ld_by_id.get(node["@id"], node)
        return node

    @cached_property
    def json_ld_article(self) -> dict[str, Any]:
        for node in self.json_ld_nodes:
            types = node.get("@type")
            type_names = types if isinstance(types, list) else [types]
            if any(t in ARTICLE_TYPES for t in type_names):
                return node
        return {}

    def _ld(self, key: str) -> Any:
        return self.json_ld_article.get(key)

    @staticmethod
    def _ld_strings(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)]
        return []

    # -- fields -----------------------------------------------------------

    @cached_property
    def canonical_url(self) -> str:
        for candidate in (
            self._link("canonical"),
            self._meta("og:url"),
            self._ld_main_entity_url(),
        ):
            if candidate:
                return urljoin(self.url, candidate)
        return self.url

    def _ld_main_entity_url(self) -> str | None:
        main = self._resolve(self._ld("mainEntityOfPage"))
        if isinstance(main, dict):
            main = main.get("@id") or main.get("url")
        return main if isinstance(main, str) else None

    @cached_property
    def shortlink(self) -> str | None:
        return self._link("shortlink")

    @cached_property
    def body_classes(self) -> str:
        return " ".join(self.selector.xpath("//body/@class").getall())

    @cached_property
    def post_id(self) -> int | None:
        if self.shortlink and (post_id := shortlink_post_id(self.shortlink)):
            return post_id
        for pattern, source in (
            (POST_ID_PATTERNS[0], self.body_classes),
            (POST_ID_PATTERNS[1], " ".join(self.selector.xpath("//article/@id").getall())),
        ):
            if match := pattern.search(source):
                return int(match[1])
        ld_id = self._ld("@id")
        if isinstance(ld_id, str) and (post_id := shortlink_post_id(ld_id)):
            return post_id
        return None

    @cached_property
    def story_id(self) -> str:
        if self.post_id is not None:
            return f"{self.site}:{self.post_id}"
        return url_story_id(self.site, self.canonical_url)

    def is_article(self) -> bool:
        classes = self.body_classes.split()
        if "single-post" in classes or any(c.startswith("postid-") for c in classes):
            return True
        if {"page", "archive", "home", "blog", "error404", "search"} & set(classes):
            return False
        return bool(self.json_ld_article) or self._meta("og:type") == "article"

    @cached_property
    def headline_element(self) -> Any | None:
        for query in (*self.headline_css, "h1"):
            found = self.selector.css(query)
            if found and clean_text(" ".join(found[0].xpath(".//text()").getall())):
                return found[0]
        return None

    @cached_property
    def headline_from_selectors(self) -> str | None:
        for query in self.headline_css:
            for found in self.selector.css(query)[:1]:
                if text := clean_text(" ".join(found.xpath(".//text()").getall())):
                    return text
        return None

    @cached_property
    def headline(self) -> str | None:
        """The site's selectors, else JSON-LD, an ``<h1>`` the page title confirms,
        OpenGraph's title, ``<title>`` (less the site name), the first ``<h1>``."""
        titles = [
            title
            for title in (
                self._strip_site_name(self._meta("og:title", "twitter:title")),
                self._strip_site_name(self.selector.xpath("//title/text()").get()),
            )
            if title
        ]
        h1s = _texts(" ".join(h1.xpath(".//text()").getall()) for h1 in self.selector.css("h1"))
        folded = {title.casefold() for title in titles}
        candidates = [
            self.headline_from_selectors,
            *_texts(self._ld_strings(self._ld("headline")))[:1],
            next((h1 for h1 in h1s if h1.casefold() in folded), None),
            *titles,
            *h1s[:1],
        ]
        return next((c for c in candidates if c), None)

    def _strip_site_name(self, title: str | None) -> str | None:
        if not title:
            return None
        title = clean_text(html_lib.unescape(title))
        site_name = self._meta("og:site_name")
        for suffix in (*self.headline_suffixes, site_name):
            if not suffix:
                continue
            for separator in (" - ", " | ", " \u2013 ", " \u2014 ", " :: "):
                if title.endswith(separator + suffix):
                    return title[: -len(separator + suffix)].strip()
        return title

    @cached_property
    def description(self) -> str | None:
        value = self._meta("description", "og:description", "twitter:description")
        if not value:
            value = next(iter(_texts(self._ld_strings(self._ld("description")))), None)
        return clean_text(value) if value else None

    @cached_property
    def authors(self) -> list[str]:
        names: list[str] = []
        for author in self._ld_list("author"):
            author = self._resolve(author)
            if isinstance(author, dict):
                names.extend(_texts(self._ld_strings(author.get("name"))))
            elif isinstance(author, str):
                names.extend(_texts([author]))
        if not names:
            for query in self.author_css:
                names = _texts(self.selector.css(query).xpath("string(.)").getall())
                if names:
                    break
        if not names:
            # Yoast writes several authors into one meta, comma-separated; article:author
            # is often a profile URL, not a name.
            meta = self._meta("author", "article:author") or ""
            names = [n for n in _texts(meta.split(",")) if not n.startswith(("http:", "https:"))]
        return _unique(names)

    def _ld_list(self, key: str) -> list[Any]:
        value = self._ld(key)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    @cached_property
    def section(self) -> str | None:
        sections = _texts(self._ld_strings(self._ld("articleSection")))
        if not sections:
            for query in self.section_css:
                sections = _texts(self.selector.css(query).xpath("string(.)").getall())
                if sections:
                    break
        if not sections:
            sections = _texts([self._meta("article:section") or ""])
        return sections[0] if sections else None

    @cached_property
    def tags(self) -> list[str]:
        keywords = self._ld("keywords")
        if isinstance(keywords, str):
            tags = _texts(keywords.split(","))
        else:
            tags = _texts(self._ld_strings(keywords))
        if not tags:
            for query in self.tag_css:
                tags = _texts(self.selector.css(query).xpath("string(.)").getall())
                if tags:
                    break
        if not tags:
            tags = _texts(self.selector.xpath('//meta[@property="article:tag"]/@content').getall())
        return _unique(tags)

    def _first_datetime(self, candidates: Iterable[str | None]) -> str | None:
        for candidate in candidates:
            parsed = parse_datetime(candidate, self.tz)
            if parsed is not None:
                return isoformat(parsed)
        return None

    @cached_property
    def date_published(self) -> str | None:
        found = self._first_datetime(
            [
                *self._ld_strings(self._ld("datePublished")),
                self._meta("article:published_time", "og:published_time"),
                *(self.selector.css(q).get() for q in self.published_css),
            ]
        )
        return found or self._visible_date()

    @cached_property
    def date_modified(self) -> str | None:
        found = self._first_datetime(
            [
                *self._ld_strings(self._ld("dateModified")),
                self._meta("article:modified_time", "og:updated_time"),
                *(self.selector.css(q).get() for q in self.modified_css),
            ]
        )
        # WordPress keeps modified >= published; an untouched post has the two equal.
        return found or self.date_published

    def _visible_date(self) -> str | None:
        for query in self.visible_date_css:
            for text in self.selector.css(query).xpath("string(.)").getall():
                parsed = parse_visible_date(text, self.tz)
                if parsed is not None:
                    return isoformat(parsed)
        return None

    @cached_property
    def in_language(self) -> str | None:
        for value in (
            *self._ld_strings(self._ld("inLanguage")),
            self.selector.xpath("/html/@lang").get(),
            self._meta("og:locale"),
        ):
            if value and value.strip():
                return value.strip().replace("_", "-")
        return None

    @cached_property
    def images(self) -> list[dict[str, Any]]:
        found: dict[str, str | None] = {}

        def add(url: str | None, caption: str | None) -> None:
            if not url or url.startswith("data:"):
                return
            absolute = urljoin(self.url, url.strip())
            if found.get(absolute) is None:
                found[absolute] = clean_text(caption) if caption and clean_text(caption) else None

        for image in self._ld_list("image"):
            image = self._resolve(image)
            if isinstance(image, dict):
                add(image.get("url") or image.get("contentUrl"), image.get("caption"))
            elif isinstance(image, str):
                add(image, None)
        if not found:
            add(self._meta("og:image", "twitter:image"), None)
        # Themes show the featured image in a <figure> of their own, often captioned.
        for figure in self.selector.xpath("//figure[.//img and .//figcaption]"):
            src = figure.xpath(".//img/@src").get()
            if src and found.get(urljoin(self.url, src.strip()), "") is None:
                add(src, " ".join(figure.xpath(".//figcaption//text()").getall()))
        if self.body_element is not None:
            for figure in self.body_element.css("figure"):
                add(
                    figure.css("img::attr(src)").get(),
                    " ".join(figure.css("figcaption").xpath(".//text()").getall()),
                )
            for src in self.body_element.xpath(".//img[not(ancestor::figure)]/@src").getall():
                add(src, None)
        return [{"url": url, "caption": caption} for url, caption in found.items()]

    # -- body -------------------------------------------------------------

    @cached_property
    def body_element_from_selectors(self) -> Selector | None:
        for query in self.body_css:
            for found in self.selector.css(query):
                if clean_text(" ".join(found.xpath(".//p//text()").getall()[:3])):
                    return found
        return None

    @cached_property
    def main_content(self) -> MainContent:
        """The generic extractor's body, for pages the selectors found none on."""
        return find_main_content(self.selector, self.html, self.url, self.paragraphs_of)

    @cached_property
    def body_element(self) -> Selector | None:
        if self.body_element_from_selectors is not None:
            return self.body_element_from_selectors
        return self.main_content.element

    @cached_property
    def paragraphs(self) -> list[str]:
        if self.body_element_from_selectors is not None:
            return self.paragraphs_of(self.body_element_from_selectors)
        return self.main_content.paragraphs

    @cached_property
    def furniture_elements(self) -> set[Any]:
        # A set of the elements themselves, not their id()s: lxml makes a new proxy
        # object on each access unless one is kept alive, so ids get reused.
        return {el.root for query in self.furniture_css for el in self.selector.css(query)}

    def paragraphs_of(self, element: Selector) -> list[str]:
        """The body text of ``element``: its blocks, less furniture and non-text parts."""
        paragraphs: list[str] = []
        self._collect_paragraphs(element.root, self.furniture_elements, paragraphs, [])
        return paragraphs

    @classmethod
    def _collect_paragraphs(
        cls, element: Any, furniture: set[Any], out: list[str], run: list[str]
    ) -> None:
        """Walk the body, flushing the text run at every block boundary."""

        def flush() -> None:
            text = "".join(run)
            run.clear()
            for chunk in PARAGRAPH_BREAK.split(text):
                if paragraph := clean_text(chunk):
                    out.append(paragraph)

        if element.text:
            run.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if (
                isinstance(child, etree._Comment | etree._ProcessingInstruction)
                or tag in NON_TEXT_TAGS
                or child in furniture
            ):
                pass
            elif tag == "br":
                run.append("\n")
            elif tag in BLOCK_TAGS:
                flush()
                cls._collect_paragraphs(child, furniture, out, run)
                flush()
            else:
                cls._collect_paragraphs(child, furniture, out, run)
            if child.tail:
                run.append(child.tail)
        if element.tag in BLOCK_TAGS:
            flush()

    @cached_property
    def article_body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @cached_property
    def furniture_text(self) -> str:
        """Page text before the headline (site header, ticker, menus), capped."""
        if self.headline_element is None:
            return ""
        stop = self.headline_element.root
        pieces: list[str] = []
        size = 0
        body = self.selector.xpath("//body")
        if not body:
            return ""
        for element in body[0].root.iter():
            if element is stop or size > 20_000:
                break
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            for text in (element.text, element.tail):
                if text and text.strip():
                    pieces.append(text.strip())
                    size += len(text)
        return " ".join(pieces)

    @property
    def extraction(self) -> str:
        if self.body_element_from_selectors is not None and self.headline_from_selectors:
            return "page"
        return "fallback"

    def to_item(self) -> ArticleItem:
        if not self.is_article():
            raise NotAnArticle(f"{self.url} is not a single article page")
        if not self.headline or not self.article_body:
            missing = "headline" if not self.headline else "body"
            raise NotAnArticle(f"{self.url}: no {missing} found by selectors or fallback")
        aliases = [u for u in (self.shortlink, self.url) if u and u != self.canonical_url]
        return ArticleItem(
            story_id=self.story_id,
            url=self.canonical_url,
            aliases=sorted(set(aliases)),
            headline=self.headline,
            description=self.description,
            article_body=self.article_body,
            authors=self.authors,
            section=self.section,
            tags=self.tags,
            date_published=self.date_published,
            date_modified=self.date_modified,
            in_language=self.in_language,
            images=self.images,
            word_count=len(self.article_body.split()),
            site=self.site,
            extraction=self.extraction,
            furniture_text=self.furniture_text,
        )
