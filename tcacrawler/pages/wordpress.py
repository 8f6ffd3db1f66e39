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
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import timezone
from functools import cached_property, lru_cache
from typing import Any, ClassVar
from urllib.parse import urljoin as _urljoin

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from parsel.selector import create_root_node

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

# --- fast selection --------------------------------------------------------------------
# parsel answers every query with a full XPath evaluation over the document plus a Selector
# object per result; a class test (``.entry-content``) costs libxml2 ~0.5 us per element,
# and lxml.html's element classes make each element proxy several times dearer than a plain
# lxml one. The page object therefore parses with lxml's plain HTML parser (the same
# libxml2 parse parsel does), answers simple CSS selectors (``tag``, ``.class``, ``#id``,
# compounds of these, optionally ``::attr(name)``) from a one-pass index of the document,
# and evaluates every other query as a compiled XPath on the lxml tree: the same XPath
# parsel would run (its own CSS translation), with the same results in the same order.
_CSS_TRANSLATOR = HTMLTranslator()
# XPath's normalize-space() separates on these four characters only.
_XML_SPACE = re.compile(r"[ \t\n\r]+")
_SIMPLE_CSS = re.compile(
    r"(?P<tag>[a-z][a-z0-9]*)?(?P<parts>(?:[.#][_a-zA-Z][-_a-zA-Z0-9]*)*)"
    r"(?:::attr\((?P<attr>[_a-z][-_a-z0-9]*)\))?"
)
_CSS_PART = re.compile(r"([.#])([-_a-zA-Z0-9]+)")
# Text beginning like this makes parsel parse the page as XML (or JSON): left to parsel.
_XML_DECLARATION = re.compile(r"[\s\ufeff]*<\?xml\s")


# A page names the same image or URL several times (JSON-LD, OpenGraph, <figure>), and
# urljoin is slow; it is a pure function of its two strings.
urljoin = lru_cache(maxsize=4096)(_urljoin)


@lru_cache(maxsize=1024)
def compiled_xpath(query: str) -> etree.XPath:
    """``query`` compiled once; strings come back as plain ``str`` (as parsel's do)."""
    return etree.XPath(query, smart_strings=False)


@lru_cache(maxsize=1024)
def compiled_css(query: str) -> etree.XPath:
    """The XPath parsel runs for the CSS selector ``query``, compiled once."""
    return compiled_xpath(_CSS_TRANSLATOR.css_to_xpath(query))


@lru_cache(maxsize=1024)
def _simple_css(
    query: str,
) -> tuple[str | None, tuple[str, ...], tuple[str, ...], str | None] | None:
    """(tag, classes, ids, attribute) of a simple compound selector, else None."""
    match = _SIMPLE_CSS.fullmatch(query)
    if match is None or not (match["tag"] or match["parts"]):
        return None
    parts = _CSS_PART.findall(match["parts"])
    classes = tuple(name for kind, name in parts if kind == ".")
    ids = tuple(name for kind, name in parts if kind == "#")
    return match["tag"], classes, ids, match["attr"]


def _text_nodes(element: Any) -> list[str]:
    """``element.xpath(".//text()")``: every text node under it, in document order."""
    nodes: list[str] = compiled_xpath(".//text()")(element)
    return nodes


def _string_values(results: list[Any]) -> list[str]:
    """parsel's ``.xpath("string(.)").getall()`` on results: the string value of each
    element (string results, from ``::attr`` or ``::text``, give none, as in parsel)."""
    string_value = compiled_xpath("string(.)")
    return [string_value(r) for r in results if not isinstance(r, str)]


def _serialized(value: Any, method: str) -> str:
    """What parsel's ``.get()`` gives for one XPath result."""
    if isinstance(value, str):
        return value
    if value is True:
        return "1"
    if value is False:
        return "0"
    try:
        return etree.tostring(value, method=method, encoding="unicode", with_tail=False)
    except (AttributeError, TypeError):
        return str(value)


class _DocumentIndex:
    """Elements by class token and by id, ``<meta>`` contents and ``<link>`` hrefs, in
    document order, from one pass over the tree."""

    def __init__(self, root: Any) -> None:
        by_class: dict[str, list[Any]] = {}
        by_id: dict[str, list[Any]] = {}
        for element in root.iter(etree.Element):
            classes = element.get("class")
            if classes:
                # In printable ASCII the only XML space is " ", and str.split() splits
                # there; other text (tabs, newlines, NBSP, ...) is split as XPath would.
                if classes.isascii() and classes.isprintable():
                    tokens = classes.split()
                else:
                    tokens = [t for t in _XML_SPACE.split(classes) if t]
                if len(tokens) == 1:
                    by_class.setdefault(tokens[0], []).append(element)
                else:
                    for token in dict.fromkeys(tokens):
                        by_class.setdefault(token, []).append(element)
            element_id = element.get("id")
            if element_id is not None:
                by_id.setdefault(element_id, []).append(element)
        self.root = root
        self.by_class = by_class
        self.by_id = by_id

    def select(self, tag: str | None, classes: tuple[str, ...], ids: tuple[str, ...]) -> list[Any]:
        lists: list[list[Any]] = [self.by_class.get(c, []) for c in classes]
        lists += [self.by_id.get(i, []) for i in ids]
        if not lists:
            assert tag is not None
            return list(self.root.iter(tag))
        candidates = min(lists, key=len)
        if not candidates:
            return []
        others = [set(other) for other in lists if other is not candidates]
        return [
            element
            for element in candidates
            if (tag is None or element.tag == tag) and all(element in o for o in others)
        ]

    @cached_property
    def meta(self) -> dict[str, str]:
        """``content`` of the first ``<meta>`` whose ``property`` or ``name`` is the key."""
        found: dict[str, str] = {}
        for element in self.root.iter("meta"):
            content = element.get("content")
            if content is None:
                continue
            for attribute in ("property", "name"):
                key = element.get(attribute)
                if key is not None:
                    found.setdefault(key, content)
        return found

    @cached_property
    def links(self) -> list[tuple[str, str]]:
        """(" normalised rel ", href) of every ``<link>`` with an href, in document order."""
        return [
            (f" {' '.join(t for t in _XML_SPACE.split(element.get('rel') or '') if t)} ", href)
            for element in self.root.iter("link")
            if (href := element.get("href")) is not None
        ]


class NotAnArticle(ValueError):
    """The page is not a single article (a listing, a static page, an error page)."""


def clean_text(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _texts(values: Iterable[str]) -> list[str]:
    return [t for t in (clean_text(html_lib.unescape(v)) for v in values) if t]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


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
        self.selector = self._parse(self.html)
        offset = self.default_tz_offset_minutes if tz_offset_minutes is None else tz_offset_minutes
        self.tz: timezone = site_timezone(offset)

    # -- selection ----------------------------------------------------------

    @staticmethod
    def _parse(html: str) -> Selector:
        """``Selector(text=html)``, but with plain lxml elements for an HTML page."""
        if _XML_DECLARATION.match(html) or html.lstrip()[:1] in ("{", "["):
            return Selector(text=html)
        root = create_root_node(html, etree.HTMLParser, base_url=None, huge_tree=True)
        return Selector(root=root, type="html")

    @cached_property
    def _fast(self) -> bool:
        return self.selector.type == "html"

    @cached_property
    def _index(self) -> _DocumentIndex:
        return _DocumentIndex(self.selector.root)

    def _wrap(self, element: Any) -> Selector:
        return Selector(root=element, type=self.selector.type)

    def _css(self, query: str) -> list[Any]:
        """``self.selector.css(query)``, as lxml elements (or strings for ``::attr``)."""
        if not self._fast:
            return [found.root for found in self.selector.css(query)]
        simple = _simple_css(query)
        if simple is None:
            found: list[Any] = compiled_css(query)(self.selector.root)
            return found
        tag, classes, ids, attribute = simple
        elements = self._index.select(tag, classes, ids)
        if attribute is None:
            return elements
        return [value for e in elements if (value := e.get(attribute)) is not None]

    def _css_in(self, element: Any, query: str) -> list[Any]:
        """``Selector(element).css(query)``, as lxml results."""
        if not self._fast:
            return [found.root for found in self._wrap(element).css(query)]
        found: list[Any] = compiled_css(query)(element)
        return found

    def _xpath(self, query: str, element: Any = None) -> list[Any]:
        """``self.selector.xpath(query)`` (or on ``element``), as lxml results."""
        context = self.selector.root if element is None else element
        if not self._fast:
            return [found.root for found in self._wrap(context).xpath(query)]
        found = compiled_xpath(query)(context)
        return found if isinstance(found, list) else [found]

    def _get(self, results: list[Any]) -> str | None:
        """parsel's ``.get()``: the first result, serialised."""
        if not results:
            return None
        return _serialized(results[0], "html" if self.selector.type == "html" else "xml")

    # -- standard signals -------------------------------------------------

    def _css_first(self, queries: Iterable[str]) -> str | None:
        for query in queries:
            value = self._get(self._css(query))
            if value and value.strip():
                return value.strip()
        return None

    def _meta(self, *names: str) -> str | None:
        for name in names:
            if self._fast:
                value = self._index.meta.get(name)
            else:
                value = self.selector.xpath(
                    f'//meta[@property="{name}" or @name="{name}"]/@content'
                ).get()
            if value and value.strip():
                return html_lib.unescape(value.strip())
        return None

    def _link(self, rel: str) -> str | None:
        if self._fast:
            href = next((h for rels, h in self._index.links if f" {rel} " in rels), None)
        else:
            href = self.selector.xpath(
                f'//link[contains(concat(" ", normalize-space(@rel), " "), " {rel} ")]/@href'
            ).get()
        return urljoin(self.url, href.strip()) if href and href.strip() else None

    @cached_property
    def json_ld_nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        for raw in self._xpath('//script[@type="application/ld+json"]/text()'):
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
        return " ".join(self._xpath("//body/@class"))

    @cached_property
    def post_id(self) -> int | None:
        if self.shortlink and (post_id := shortlink_post_id(self.shortlink)):
            return post_id
        for pattern, source in (
            (POST_ID_PATTERNS[0], self.body_classes),
            (POST_ID_PATTERNS[1], " ".join(self._xpath("//article/@id"))),
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
            found = self._css(query)
            if found and clean_text(" ".join(_text_nodes(found[0]))):
                return self._wrap(found[0])
        return None

    @cached_property
    def headline_from_selectors(self) -> str | None:
        for query in self.headline_css:
            for found in self._css(query)[:1]:
                if text := clean_text(" ".join(_text_nodes(found))):
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
                self._strip_site_name(self._get(self._xpath("//title/text()"))),
            )
            if title
        ]
        h1s = _texts(" ".join(_text_nodes(h1)) for h1 in self._css("h1"))
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
                names = _texts(_string_values(self._css(query)))
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
                sections = _texts(_string_values(self._css(query)))
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
                tags = _texts(_string_values(self._css(query)))
                if tags:
                    break
        if not tags:
            tags = _texts(self._xpath('//meta[@property="article:tag"]/@content'))
        return _unique(tags)

    def _first_datetime(self, candidates: Iterable[str | None]) -> str | None:
        for candidate in candidates:
            parsed = parse_datetime(candidate, self.tz)
            if parsed is not None:
                return isoformat(parsed)
        return None

    @cached_property
    def date_published(self) -> str | None:
        # Lazily: the selectors are only read when the standard signals have no time.
        found = self._first_datetime(
            itertools.chain(
                self._ld_strings(self._ld("datePublished")),
                (self._meta("article:published_time", "og:published_time"),),
                (self._get(self._css(q)) for q in self.published_css),
            )
        )
        return found or self._visible_date()

    @cached_property
    def date_modified(self) -> str | None:
        found = self._first_datetime(
            itertools.chain(
                self._ld_strings(self._ld("dateModified")),
                (self._meta("article:modified_time", "og:updated_time"),),
                (self._get(self._css(q)) for q in self.modified_css),
            )
        )
        # WordPress keeps modified >= published; an untouched post has the two equal.
        return found or self.date_published

    def _visible_date(self) -> str | None:
        for query in self.visible_date_css:
            for text in _string_values(self._css(query)):
                parsed = parse_visible_date(text, self.tz)
                if parsed is not None:
                    return isoformat(parsed)
        return None

    @cached_property
    def in_language(self) -> str | None:
        for value in (
            *self._ld_strings(self._ld("inLanguage")),
            self._get(self._xpath("/html/@lang")),
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
        for figure in self._xpath("//figure[.//img and .//figcaption]"):
            src = self._get(self._xpath(".//img/@src", figure))
            if src and found.get(urljoin(self.url, src.strip()), "") is None:
                add(src, " ".join(self._xpath(".//figcaption//text()", figure)))
        if self.body_element is not None:
            body = self.body_element.root
            for figure in self._css_in(body, "figure"):
                add(
                    self._get(self._css_in(figure, "img::attr(src)")),
                    " ".join(
                        text
                        for caption in self._css_in(figure, "figcaption")
                        for text in self._xpath(".//text()", caption)
                    ),
                )
            for src in self._xpath(".//img[not(ancestor::figure)]/@src", body):
                add(src, None)
        return [{"url": url, "caption": caption} for url, caption in found.items()]

    # -- body -------------------------------------------------------------

    @cached_property
    def body_element_from_selectors(self) -> Selector | None:
        for query in self.body_css:
            for found in self._css(query):
                if clean_text(" ".join(self._xpath(".//p//text()", found)[:3])):
                    return self._wrap(found)
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
        return {element for query in self.furniture_css for element in self._css(query)}

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
        body = self._xpath("//body")
        if not body:
            return ""
        for element in body[0].iter():
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
