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
from collections.abc import Callable, Iterable, Iterator
from datetime import timezone
from functools import cached_property, lru_cache
from typing import Any, ClassVar
from urllib.parse import urljoin as _urljoin

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

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
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# --- fast selection --------------------------------------------------------------------
# Parsing costs a few microseconds per element, and so does every document-wide query
# answered in Python or by libxml2's XPath (a ``//*[...]`` predicate costs ~0.6 us per
# element), so a handful of them would cost more than the parse. The page object
# therefore reads the head signals from one tag-filtered pass (lxml filters tags in C),
# and answers the site's selectors (``tag``, ``.class``, ``#id``, ``[attr=value]``,
# ``:not()`` of these, descendant chains of them, ``::attr(name)``) without visiting the
# whole tree: a tag is found with a tag-filtered pass, and a class, id or attribute value
# by its occurrences in the HTML text, which also say which tags can carry it. The
# elements found are only taken as the answer when there are as many as occurrences; any
# doubt, and every other query, gets the compiled XPath parsel would run (its own CSS
# translation), with the same results in the same order.
_CSS_TRANSLATOR = HTMLTranslator()
# XPath's normalize-space() separates on these four characters only.
_XML_SPACE = re.compile(r"[ \t\n\r]+")
# Text beginning like this makes parsel parse the page as XML (or JSON): left to parsel.
_XML_DECLARATION = re.compile(r"[\s\ufeff]*<\?xml\s")
# parsel's parser for HTML text, less the encoding: parsel encodes the text to UTF-8 for
# it, which costs up to a fifth of a small page's parse, and libxml2 builds the same tree
# from the text itself (tests/test_page_speedups.py). One parser serves every page: lxml
# serialises concurrent use of a parser with a lock.
_HTML_PARSER = etree.HTMLParser(recover=True, huge_tree=True)
_JSON = json.JSONDecoder(strict=False)

_IDENT = r"-?[_a-zA-Z][-_a-zA-Z0-9]*"
_SIMPLE = (
    rf"\.(?P<cls>{_IDENT})|\#(?P<id>{_IDENT})"
    rf"|\[(?P<attr>[a-z][-a-z0-9]*)"
    rf"(?:=(?:(?P<bare>{_IDENT})|\"(?P<dq>[^\"\\]*)\"|'(?P<sq>[^'\\]*)'))?\]"
)
_SIMPLE_SELECTOR = re.compile(_SIMPLE)
_NEGATION = re.compile(r":not\((?P<inner>" + re.sub(r"\?P<\w+>", "?:", _SIMPLE) + r")\)")
_TAG = re.compile(r"[a-z][a-z0-9]*|\*")
_CHAIN_PART = re.compile(r"""(?:[^\s"']|"[^"]*"|'[^']*')+""")
_ATTRIBUTE_PSEUDO = re.compile(r"(?P<chain>.*?)::attr\((?P<attr>[_a-z][-_a-z0-9]*)\)")
# Characters a class token, id or attribute value must consist of to be looked up in the
# HTML text; in a start tag none of them sits right next to such a word.
_WORD_CHARACTERS = frozenset("-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_LITERAL = re.compile(r"[-_a-zA-Z0-9]+")
_START_TAG = re.compile(r"<([a-zA-Z][-a-zA-Z0-9]*)")
# Character references that decode to such a character or to XML space: with one of these
# in the text, a word can be in an attribute without being in the text, so the text is not
# consulted. WordPress writes references (&#8217;, &#038;) for other characters.
_WORD_CODEPOINTS = (9, 10, 13, 32, 45, *range(48, 58), *range(65, 91), 95, *range(97, 123))
_WORD_REFERENCE = re.compile(
    "&(?:#(?:0*(?:{})(?![0-9])|[xX]0*(?i:{})(?![0-9a-fA-F]))|lowbar;|UnderBar;|Tab;|NewLine;)".format(
        "|".join(map(str, _WORD_CODEPOINTS)), "|".join(f"{c:x}" for c in _WORD_CODEPOINTS)
    )
)
# Tags the head signals and headline come from, collected in one pass.
_SIGNAL_TAGS = ("meta", "link", "script", "title", "body", "h1", "figure")


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


_TEXT_NODES = compiled_xpath(".//text()")
_TEXT_CHILDREN = compiled_xpath("text()")
_STRING_VALUE = compiled_xpath("string(.)")
_PARAGRAPH_TEXT = compiled_xpath(".//p//text()")
_CAPTION_TEXT = compiled_xpath(".//figcaption//text()")


def _class_tokens(value: str) -> list[str]:
    # In printable ASCII the only XML space is " ", and str.split() splits there; other
    # text (tabs, newlines, NBSP, ...) is split as XPath would.
    if value.isascii() and value.isprintable():
        return value.split()
    return [token for token in _XML_SPACE.split(value) if token]


class _Compound:
    """One compound selector (``a.b#c[d=e]:not(.f)``): its tag and a test for the rest."""

    __slots__ = ("attributes", "classes", "literals", "negations", "tag")

    def __init__(
        self,
        tag: str | None,
        classes: tuple[str, ...],
        attributes: tuple[tuple[str, str | None], ...],
        negations: tuple[_Compound, ...],
    ) -> None:
        self.tag = tag
        self.classes = classes
        self.attributes = attributes  # ``#c`` is ``[id=c]``, as in the XPath
        self.negations = negations
        # (word, attribute): words the start tag of every match has in the HTML text, as
        # a class token (attribute None) or as the value of the attribute.
        self.literals: tuple[tuple[str, str | None], ...] = (
            *((token, None) for token in classes if _LITERAL.fullmatch(token)),
            *(
                (wanted, name)
                for name, wanted in attributes
                if wanted is not None and _LITERAL.fullmatch(wanted)
            ),
        )

    def matches(self, element: Any) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.classes:
            value = element.get("class")
            if value is None or not all(token in value for token in self.classes):
                return False
            tokens = _class_tokens(value)
            if not all(token in tokens for token in self.classes):
                return False
        for name, wanted in self.attributes:
            value = element.get(name)
            if value is None or (wanted is not None and value != wanted):
                return False
        return not any(negation.matches(element) for negation in self.negations)


def _compound(text: str) -> _Compound | None:
    """The compound selector ``text``, if this module can evaluate it."""
    tag_match = _TAG.match(text)
    tag = tag_match[0] if tag_match else None
    position = tag_match.end() if tag_match else 0
    classes: list[str] = []
    attributes: list[tuple[str, str | None]] = []
    negations: list[_Compound] = []
    while position < len(text):
        if negation := _NEGATION.match(text, position):
            inner = _compound(negation["inner"])
            assert inner is not None
            negations.append(inner)
            position = negation.end()
            continue
        simple = _SIMPLE_SELECTOR.match(text, position)
        if simple is None:
            return None
        if simple["cls"]:
            classes.append(simple["cls"])
        elif simple["id"]:
            attributes.append(("id", simple["id"]))
        else:
            values = (simple["bare"], simple["dq"], simple["sq"])
            attributes.append((simple["attr"], next((v for v in values if v is not None), None)))
        position = simple.end()
    if tag is None and not (classes or attributes or negations):
        return None
    return _Compound(
        None if tag == "*" else tag, tuple(classes), tuple(attributes), tuple(negations)
    )


@lru_cache(maxsize=1024)
def _css_plan(query: str) -> tuple[tuple[_Compound, ...], str | None] | None:
    """(compounds of a descendant chain, attribute) of ``query``, if evaluable here."""
    attribute = None
    if pseudo := _ATTRIBUTE_PSEUDO.fullmatch(query):
        query, attribute = pseudo["chain"], pseudo["attr"]
    parts = _CHAIN_PART.findall(query)
    if not parts or _CHAIN_PART.sub("", query).strip():
        return None
    steps = [_compound(part) for part in parts]
    if any(step is None for step in steps):
        return None
    return tuple(step for step in steps if step is not None), attribute


def _word_positions(source: str, word: str) -> list[int]:
    """Where ``word`` is in ``source`` not inside a longer word: how a class token or an
    attribute value sits in a start tag (between quotes, spaces, ``=`` or ``>``)."""
    positions = []
    start = source.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or source[start - 1] not in _WORD_CHARACTERS) and (
            end == len(source) or source[end] not in _WORD_CHARACTERS
        ):
            positions.append(start)
        start = source.find(word, end)
    return positions


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


def _flush(run: list[str], out: list[str]) -> None:
    """The text run as paragraphs (split at blank lines, whitespace collapsed)."""
    text = "".join(run)
    run.clear()
    if text.isspace():
        return
    for chunk in PARAGRAPH_BREAK.split(text) if "\n" in text else (text,):
        if paragraph := clean_text(chunk):
            out.append(paragraph)


class NotAnArticle(ValueError):
    """The page is not a single article (a listing, a static page, an error page)."""


def clean_text(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split())


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
        offset = self.default_tz_offset_minutes if tz_offset_minutes is None else tz_offset_minutes
        self.tz: timezone = site_timezone(offset)
        self._parsel: Selector | None = None
        if _XML_DECLARATION.match(self.html) or self.html.lstrip()[:1] in ("{", "["):
            self._parsel = Selector(text=self.html)
            return
        # The text parsel hands libxml2 (parsel.selector.create_root_node).
        self._source = self.html.strip().replace("\x00", "") or "<html/>"
        root = etree.fromstring(self._source, _HTML_PARSER)
        self._root = etree.fromstring("<html/>", _HTML_PARSER) if root is None else root
        self._found: dict[str, list[Any]] = {}

    # -- selection ----------------------------------------------------------

    @cached_property
    def selector(self) -> Selector:
        """The page as a parsel Selector (what the generic extractor walks)."""
        if self._parsel is not None:
            return self._parsel
        return Selector(root=self._root, type="html")

    @cached_property
    def _fast(self) -> bool:
        return self._parsel is None

    @cached_property
    def root(self) -> Any:
        """The lxml root element (parsel's, for a page parsel read as XML)."""
        if self._parsel is None:
            return self._root
        if self._parsel.type != "xml":
            raise ValueError(f"Cannot use xpath on a Selector of type {self._parsel.type!r}")
        return self._parsel.root

    @cached_property
    def _signal_elements(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {tag: [] for tag in _SIGNAL_TAGS}
        for element in self.root.iter(*_SIGNAL_TAGS):
            found[element.tag].append(element)
        return found

    def _all(self, tag: str) -> list[Any]:
        """Every ``tag`` element, in document order (XPath ``//tag``)."""
        if tag in _SIGNAL_TAGS:
            return self._signal_elements[tag]
        return list(self.root.iter(tag))

    @cached_property
    def _plain_text(self) -> bool:
        """Whether every class token and attribute value is spelled out in the text."""
        return _WORD_REFERENCE.search(self._source) is None

    def _css_results(self, query: str) -> list[Any]:
        """``self.selector.css(query)``, as lxml elements (or strings for ``::attr``)."""
        if not self._fast:
            return [found.root for found in self.selector.css(query)]
        if (cached := self._found.get(query)) is not None:
            return cached
        self._found[query] = found = self._css_uncached(query)
        return found

    def _css_uncached(self, query: str) -> list[Any]:
        plan = _css_plan(query)
        elements = None if plan is None else self._select(plan[0])
        if elements is None:
            found: list[Any] = compiled_css(query)(self.root)
            return found
        attribute = plan[1] if plan is not None else None
        if attribute is None:
            return elements
        return [value for e in elements if (value := e.get(attribute)) is not None]

    def _select(self, steps: tuple[_Compound, ...]) -> list[Any] | None:
        """The elements of a descendant chain, in document order; None if in doubt."""
        first = steps[0]
        if first.tag is not None:
            elements = [e for e in self._all(first.tag) if first.matches(e)]
        else:
            located = self._located(first)
            if located is None:
                return None
            elements = located
        for step in steps[1:]:
            # An element inside two matches is found twice, first in document order.
            found: dict[Any, None] = {}
            for element in elements:
                for candidate in element.iter(step.tag or etree.Element):
                    if candidate is not element and step.matches(candidate):
                        found[candidate] = None
            elements = list(found)
        return elements

    def _located(self, step: _Compound) -> list[Any] | None:
        """The matches of a compound with no tag, from where its words are in the text."""
        if not step.literals or not self._plain_text:
            return None
        source = self._source
        best: tuple[list[int], str, str | None] | None = None
        for word, attribute in step.literals:
            positions = _word_positions(source, word)
            if not positions:
                return []
            if best is None or len(positions) < len(best[0]):
                best = (positions, word, attribute)
        assert best is not None
        positions, word, attribute = best
        tags = {
            tag[1].lower()
            for position in positions
            if (tag := _START_TAG.match(source, source.rfind("<", 0, position)))
        }
        elements = self.root.iter(*tags) if tags else ()
        if attribute is None:
            carriers = [
                e
                for e in elements
                if (value := e.get("class")) is not None
                and word in value
                and word in _class_tokens(value)
            ]
        else:
            carriers = [e for e in elements if e.get(attribute) == word]
        # Each carrier has its own occurrence in the text, so as many carriers as
        # occurrences are all of them.
        if len(carriers) < len(positions):
            return None
        return [e for e in carriers if step.matches(e)]

    def _get(self, results: list[Any]) -> str | None:
        """parsel's ``.get()``: the first result, serialised."""
        if not results:
            return None
        return _serialized(results[0], "html" if self._fast else "xml")

    # -- standard signals -------------------------------------------------

    @cached_property
    def _meta_contents(self) -> dict[str, str]:
        """``content`` of the first ``<meta>`` whose ``property`` or ``name`` is the key."""
        found: dict[str, str] = {}
        for element in self._all("meta"):
            content = element.get("content")
            if content is None:
                continue
            for attribute in ("property", "name"):
                key = element.get(attribute)
                if key is not None and key not in found:
                    found[key] = content
        return found

    def _meta(self, *names: str) -> str | None:
        for name in names:
            value = self._meta_contents.get(name)
            if value and value.strip():
                return html_lib.unescape(value.strip())
        return None

    @cached_property
    def _links(self) -> list[tuple[str, str]]:
        """(" normalised rel ", href) of every ``<link>`` with an href, in document order."""
        return [
            (f" {' '.join(t for t in _XML_SPACE.split(element.get('rel') or '') if t)} ", href)
            for element in self._all("link")
            if (href := element.get("href")) is not None
        ]

    def _link(self, rel: str) -> str | None:
        href = next((h for rels, h in self._links if f" {rel} " in rels), None)
        return urljoin(self.url, href.strip()) if href and href.strip() else None

    @cached_property
    def json_ld_nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        for script in self._all("script"):
            if script.get("type") != "application/ld+json":
                continue
            for raw in _TEXT_CHILDREN(script):
                try:
                    data = _JSON.decode(raw)
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
        return " ".join(c for body in self._all("body") if (c := body.get("class")) is not None)

    @cached_property
    def post_id(self) -> int | None:
        if self.shortlink and (post_id := shortlink_post_id(self.shortlink)):
            return post_id
        for pattern, source in (
            (POST_ID_PATTERNS[0], self.body_classes),
            (
                POST_ID_PATTERNS[1],
                " ".join(i for a in self._all("article") if (i := a.get("id")) is not None),
            ),
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

    def _text(self, element: Any) -> str:
        """The text nodes under ``element``, space-separated (headlines are read thrice)."""
        if (text := self._texts_of.get(element)) is None:
            self._texts_of[element] = text = " ".join(_TEXT_NODES(element))
        return text

    @cached_property
    def _texts_of(self) -> dict[Any, str]:
        return {}

    @cached_property
    def _headline_element(self) -> Any | None:
        for query in (*self.headline_css, "h1"):
            found = self._css_results(query)
            if found and clean_text(self._text(found[0])):
                return found[0]
        return None

    @cached_property
    def headline_from_selectors(self) -> str | None:
        for query in self.headline_css:
            for found in self._css_results(query)[:1]:
                if text := clean_text(self._text(found)):
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
                self._strip_site_name(self._title()),
            )
            if title
        ]
        h1s = _texts(self._text(h1) for h1 in self._all("h1"))
        folded = {title.casefold() for title in titles}
        candidates = [
            self.headline_from_selectors,
            *_texts(self._ld_strings(self._ld("headline")))[:1],
            next((h1 for h1 in h1s if h1.casefold() in folded), None),
            *titles,
            *h1s[:1],
        ]
        return next((c for c in candidates if c), None)

    def _title(self) -> str | None:
        """The first text node of a ``<title>`` (XPath ``//title/text()``)."""
        for title in self._all("title"):
            if texts := _TEXT_CHILDREN(title):
                return str(texts[0])
        return None

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

    def _string_values(self, query: str) -> list[str]:
        """parsel's ``.css(query).xpath("string(.)").getall()``: the string value of each
        element found (string results, from ``::attr``, give none, as in parsel)."""
        return [_STRING_VALUE(r) for r in self._css_results(query) if not isinstance(r, str)]

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
                names = _texts(self._string_values(query))
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
                sections = _texts(self._string_values(query))
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
                tags = _texts(self._string_values(query))
                if tags:
                    break
        if not tags:
            tags = _texts(
                content
                for meta in self._all("meta")
                if meta.get("property") == "article:tag"
                and (content := meta.get("content")) is not None
            )
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
                (self._get(self._css_results(q)) for q in self.published_css),
            )
        )
        return found or self._visible_date()

    @cached_property
    def date_modified(self) -> str | None:
        found = self._first_datetime(
            itertools.chain(
                self._ld_strings(self._ld("dateModified")),
                (self._meta("article:modified_time", "og:updated_time"),),
                (self._get(self._css_results(q)) for q in self.modified_css),
            )
        )
        # WordPress keeps modified >= published; an untouched post has the two equal.
        return found or self.date_published

    def _visible_date(self) -> str | None:
        for query in self.visible_date_css:
            for text in self._string_values(query):
                parsed = parse_visible_date(text, self.tz)
                if parsed is not None:
                    return isoformat(parsed)
        return None

    @cached_property
    def in_language(self) -> str | None:
        root = self.root
        for value in (
            *self._ld_strings(self._ld("inLanguage")),
            root.get("lang") if root.tag == "html" else None,
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
        for figure in self._all("figure"):
            images = list(figure.iterdescendants("img"))
            if not images or next(figure.iterdescendants("figcaption"), None) is None:
                continue
            src = next((s for image in images if (s := image.get("src")) is not None), None)
            if src and found.get(urljoin(self.url, src.strip()), "") is None:
                add(src, " ".join(_CAPTION_TEXT(figure)))
        body = self._body_element
        if body is not None:
            for figure in body.iter("figure"):
                add(
                    next((s for i in figure.iter("img") if (s := i.get("src")) is not None), None),
                    " ".join(
                        text
                        for caption in figure.iter("figcaption")
                        for text in _TEXT_NODES(caption)
                    ),
                )
            for image in body.iterdescendants("img"):
                src = image.get("src")
                if src is not None and next(image.iterancestors("figure"), None) is None:
                    add(src, None)
        return [{"url": url, "caption": caption} for url, caption in found.items()]

    # -- body -------------------------------------------------------------

    @cached_property
    def _body_from_selectors(self) -> Any | None:
        for query in self.body_css:
            for found in self._css_results(query):
                if clean_text(" ".join(_PARAGRAPH_TEXT(found)[:3])):
                    return found
        return None

    @cached_property
    def main_content(self) -> MainContent:
        """The generic extractor's body, for pages the selectors found none on."""
        return find_main_content(self.selector, self.html, self.url, self.paragraphs_of)

    @cached_property
    def _body_element(self) -> Any | None:
        if self._body_from_selectors is not None:
            return self._body_from_selectors
        element = self.main_content.element
        return None if element is None else element.root

    @cached_property
    def paragraphs(self) -> list[str]:
        if self._body_from_selectors is not None:
            return self._paragraphs_of(self._body_from_selectors)
        return self.main_content.paragraphs

    @cached_property
    def _is_furniture(self) -> Callable[[Any], bool]:
        """Whether an element matches one of ``furniture_css``."""
        classes: set[str] = set()
        ids: set[str] = set()
        compounds: list[_Compound] = []
        # A chain's matches depend on the element's ancestors: found once for the page.
        elements: set[Any] = set()
        for query in self.furniture_css:
            plan = _css_plan(query) if self._fast else None
            if plan is None or len(plan[0]) > 1 or plan[1] is not None:
                elements.update(self._css_results(query))
                continue
            step = plan[0][0]
            bare = step.tag is None and not step.negations
            if bare and not step.attributes and len(step.classes) == 1:
                classes.add(step.classes[0])
            elif bare and not step.classes and [a for a, _ in step.attributes] == ["id"]:
                ids.add(str(step.attributes[0][1]))
            else:
                compounds.append(step)

        def is_furniture(element: Any) -> bool:
            value = element.get("class") if classes else None
            if value is not None and not classes.isdisjoint(_class_tokens(value)):
                return True
            if ids and element.get("id") in ids:
                return True
            if elements and element in elements:
                return True
            return bool(compounds) and any(c.matches(element) for c in compounds)

        return is_furniture

    def paragraphs_of(self, element: Selector) -> list[str]:
        """The body text of ``element``: its blocks, less furniture and non-text parts."""
        return self._paragraphs_of(element.root)

    def _paragraphs_of(self, element: Any) -> list[str]:
        paragraphs: list[str] = []
        run: list[str] = []
        self._collect_paragraphs(element, self._is_furniture, paragraphs, run)
        return paragraphs

    @classmethod
    def _collect_paragraphs(
        cls, element: Any, is_furniture: Callable[[Any], bool], out: list[str], run: list[str]
    ) -> None:
        """Walk the body, flushing the text run at every block boundary."""
        if text := element.text:
            run.append(text)
        for child in element:
            tag = child.tag
            if (
                tag in NON_TEXT_TAGS
                or tag is etree.Comment
                or tag is etree.ProcessingInstruction
                or is_furniture(child)
            ):
                pass
            elif tag == "br":
                run.append("\n")
            elif tag in BLOCK_TAGS:
                if run:
                    _flush(run, out)
                # A block flushes its own run when it ends.
                cls._collect_paragraphs(child, is_furniture, out, run)
            else:
                cls._collect_paragraphs(child, is_furniture, out, run)
            if text := child.tail:
                run.append(text)
        if run and element.tag in BLOCK_TAGS:
            _flush(run, out)

    @cached_property
    def article_body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @cached_property
    def furniture_text(self) -> str:
        """Page text before the headline (site header, ticker, menus), capped."""
        stop = self._headline_element
        bodies = self._all("body")
        if stop is None or not bodies:
            return ""
        pieces: list[str] = []
        size = 0
        for element in bodies[0].iter(etree.Element):
            if element is stop or size > 20_000:
                break
            tag = element.tag
            if tag == "script" or tag == "style":
                continue
            text = element.text
            if text and not text.isspace():
                pieces.append(text.strip())
                size += len(text)
            text = element.tail
            if text and not text.isspace():
                pieces.append(text.strip())
                size += len(text)
        return " ".join(pieces)

    @property
    def extraction(self) -> str:
        if self._body_from_selectors is not None and self.headline_from_selectors:
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
