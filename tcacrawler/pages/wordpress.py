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
import threading
from collections.abc import Callable, Iterable
from datetime import timezone
from functools import lru_cache
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar
from urllib.parse import urljoin as _urljoin

from selectolax.lexbor import LexborCSSSelector, LexborHTMLParser, LexborNode
from w3lib.url import safe_url_string

from tcacrawler.dates import iso_in_zone, isoformat, parse_visible_date
from tcacrawler.dates import site_timezone as _site_timezone
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
# What a post's body is made of: the blocks WordPress's editors write. Found right after
# the body element in document order, they are the post itself, cut short by a stray
# closing tag in its HTML (an embed's extra ``</div>``): the parser closes the element
# there, as a browser does, and the rest of the post follows it on the page.
CONTINUATION_TAGS = frozenset(
    {
        "p",
        "ul",
        "ol",
        "blockquote",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "table",
        "pre",
        "dl",
        "hr",
    }
)
# The classes the editors give the blocks of a post. A block with any other class is the
# theme's, and so are the blocks of a block theme's template (post terms, comments,
# navigation, spacers; groups and columns, which lay out its pages, are divs, never taken:
# a div continues the post only as a classic editor's captioned image or video).
_EDITOR_CLASS = re.compile(
    r"wp-block-(?:paragraph|heading|list|quote|pullquote|image|gallery|table|preformatted"
    r"|code|verse|embed(?:-[a-z0-9-]+)?|video|audio|footnotes|separator)(?:-is-layout-[a-z]+)?"
    r"|(?:has-|is-|size-|wp-embed-aspect-|columns-|wp-elements-)[A-Za-z0-9_-]+"
    r"|align[a-z]*|wp-image-[0-9]+|wp-has-aspect-ratio|wp-caption|wp-video"
)
# Where the walk looks for an end tag the markup has more of than start tags: only then
# can a body element have been closed early (comments, scripts and styles aside).
_NOT_MARKUP = re.compile(
    r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>", re.DOTALL | re.IGNORECASE
)
_CONTAINER_TAG = re.compile(r"<(/?)(div|article|section|main)(?=[\s/>])", re.IGNORECASE)
# What the walk past the body steps over: it shows no text, the theme's or the post's.
_STEPPED_OVER_TAGS = ("script", "style", "noscript", "template", "ins")
POST_ID_PATTERNS = (
    re.compile(r"\bpostid-(\d+)\b"),
    re.compile(r"\bpost-(\d+)\b"),
)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# The page is parsed by lexbor (an HTML5 parser, as browsers parse), and CSS selection and
# text extraction run in its C code: per-element work in Python costs more than the whole
# parse, so the page object asks lexbor for elements and strings and walks in Python only
# the body, once.
_JSON = json.JSONDecoder(strict=False)
# What a rel attribute's tokens were split on before (XPath's space): the same links found.
_XML_SPACE = re.compile(r"[ \t\n\r]+")
# parsel's pseudo-elements: ``::attr(name)`` gives the attribute's value, ``::text`` the
# element's own text nodes.
_PSEUDO = re.compile(r"(?P<query>.*?)::(?:attr\((?P<attr>[^)\s]+)\)|(?P<text>text))\s*")
# A comma outside quotes, brackets and parentheses: a selector list.
_LIST_COMMA = re.compile(r"""\s*(?:"[^"]*"|'[^']*'|\[[^\]]*\]|\([^)]*\)|[^,"'\[(])*,""")
# What ``html.lstrip()[:1] in ("{", "[")`` tells, without copying the page (``\s`` is
# what str.strip strips).
_JSON_START = re.compile(r"\s*[{\[]")
# For a page given as UTF-8: ASCII whitespace, then ``{``, ``[`` or the first byte of a
# non-ASCII character (which may be whitespace str.strip strips); only such a page can
# match _JSON_START once decoded.
_MAY_START_JSON = re.compile(rb"[\t\n\x0b\x0c\r\x1c-\x1f ]*[{\[\x80-\xff]")
_TEXT = "-text"
_COMMENT = "-comment"


# Type selectors ``_class_descendants`` answers (``.cat-links a``), besides the blocks:
# standard HTML elements, whose lexbor number is the same in every document.
_DESCENDANT_TAGS = frozenset({"a", "span", "li", "time", "img"})
# ".class tag": a class, then a descendant of a standard type (no escapes, no namespace).
_CLASS_DESCENDANT = re.compile(r"(\.[A-Za-z_-][A-Za-z0-9_-]*) ([a-z]+)")


def _lexbor_tag_ids() -> dict[str, int]:
    """lexbor's number for each tag name the walks below test, and for text and comment
    nodes: a walk compares a node's number, which costs less than making its name."""
    probe = LexborHTMLParser("<p>text<!--comment--></p>")
    names = BLOCK_TAGS | NON_TEXT_TAGS | _DESCENDANT_TAGS | {"br"}
    ids = {name: probe.create_node(name).tag_id for name in names}
    text = probe.css_first("p").first_child  # type: ignore[union-attr]
    ids[_TEXT] = text.tag_id  # type: ignore[union-attr]
    ids[_COMMENT] = text.next.tag_id  # type: ignore[union-attr]
    return ids


_TAG_IDS = _lexbor_tag_ids()
_TEXT_ID = _TAG_IDS[_TEXT]
_BR_ID = _TAG_IDS["br"]
_P_ID = _TAG_IDS["p"]
_BLOCK_IDS = frozenset(_TAG_IDS[name] for name in BLOCK_TAGS)
_NON_TEXT_IDS = frozenset(_TAG_IDS[name] for name in (*NON_TEXT_TAGS, _COMMENT))
_CONTINUATION_IDS = frozenset(_TAG_IDS[name] for name in CONTINUATION_TAGS)
_STEPPED_OVER_IDS = frozenset(_TAG_IDS[name] for name in (*_STEPPED_OVER_TAGS, _COMMENT))
_DIV_ID = _TAG_IDS["div"]
_ARTICLE_ID = _TAG_IDS["article"]
_POST_CONTAINER_IDS = frozenset((_ARTICLE_ID, _TAG_IDS["main"]))


# An absolute http(s) URL that urljoin gives back unchanged whatever the base: lower-case
# scheme, an ASCII host, no whitespace or control character (urlsplit strips or drops
# them), no ``;`` (params) or brackets (IPv6 hosts), no empty query or fragment (dropped).
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.\-]+(?:/[!$&'()*+,\-./0-9:=@A-Z_a-z~%]*)?"
    r"(?:\?[!$&'()*+,\-./0-9:=?@A-Z_a-z~%]+)?(?:#[!$&'()*+,\-./0-9:=?@A-Z_a-z~%#]+)?"
)

# A page names the same image or URL several times (JSON-LD, OpenGraph, <figure>), and
# urljoin is slow; it is a pure function of its two strings.
_cached_urljoin = lru_cache(maxsize=4096)(_urljoin)


def urljoin(base: str, url: str) -> str:
    """``urllib.parse.urljoin``; most URLs in a page are absolute already (each page's
    base would make a cache miss), and for those the check costs a tenth of the join."""
    if _PLAIN_ABSOLUTE.fullmatch(url) is not None:
        return url
    return _cached_urljoin(base, url)


# A plain absolute URL with a port (a site served on one: the replica, a staging host)
# that urljoin and safe_url_string both give back unchanged: a lower-case host, the port
# as safe_url_string writes it (0-65535, no leading zero), a path before any query, no
# ``'`` in the query and no ``#`` in the fragment (it would percent-encode them). Without
# this, each such URL cost a urljoin and a safe_url_string, per page (the cache is keyed
# by the page's URL): some 0.3M instructions a page of the replica.
_PLAIN_ABSOLUTE_WITH_PORT = re.compile(
    r"https?://[a-z0-9.\-]+"
    r":(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]|0)"
    r"(?:/[!$&'()*+,\-./0-9:=@A-Z_a-z~%]*(?:\?[!$&()*+,\-./0-9:=?@A-Z_a-z~%]+)?"
    r"(?:#[!$&'()*+,\-./0-9:=?@A-Z_a-z~%]+)?)?"
)


def _is_plain_uri(url: str) -> bool:
    """Whether ``uri_join`` gives ``url`` back unchanged whatever the base."""
    return (
        _PLAIN_ABSOLUTE.fullmatch(url) is not None
        or _PLAIN_ABSOLUTE_WITH_PORT.fullmatch(url) is not None
    )


@lru_cache(maxsize=4096)
def _joined_uri(base: str, url: str) -> str:
    joined = _cached_urljoin(base, url)
    return joined if _is_plain_uri(joined) else safe_url_string(joined)


def uri_join(base: str, url: str) -> str:
    """``urljoin``, made URI-safe: a non-ASCII path or query percent-encoded as UTF-8
    and a non-ASCII host IDNA-encoded, as the records' schemas (format "uri") and
    Scrapy's request URLs have them (``w3lib.url.safe_url_string``)."""
    if _is_plain_uri(url):
        return url
    return _joined_uri(base, url)


# A timezone per page object cost more than the dates read with it; they are immutable.
site_timezone = lru_cache(maxsize=64)(_site_timezone)

_T = TypeVar("_T")


class cached_property(Generic[_T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first
    read, and a page reads some thirty properties once): a page object is used by one
    thread."""

    def __init__(self, function: Callable[[Any], _T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.function(instance)
        return value


class _QueryPlan(NamedTuple):
    """How a query is answered (made once per query string)."""

    selector: str  # without the pseudo-element
    attribute: str  # of ``::attr()``
    text: bool  # ``::text``
    is_list: bool
    # ".class tag" with a standard tag: (".class", "tag"), for _class_descendants.
    class_descendant: tuple[str, str] | None


@lru_cache(maxsize=1024)
def _query_plan(query: str) -> _QueryPlan:
    pseudo = _PSEUDO.fullmatch(query)
    if pseudo is not None:
        return _QueryPlan(pseudo["query"], pseudo["attr"] or "", bool(pseudo["text"]), False, None)
    if _LIST_COMMA.match(query) is not None:
        return _QueryPlan(query, "", False, True, None)
    descendant = _CLASS_DESCENDANT.fullmatch(query)
    if descendant is None or descendant[2] not in _TAG_IDS:
        return _QueryPlan(query, "", False, False, None)
    return _QueryPlan(query, "", False, False, (descendant[1], descendant[2]))


_ENGINES = threading.local()


def select(node: LexborNode, query: str) -> list[LexborNode]:
    """``node.css(query)``: the matches of the CSS selector in ``node``'s subtree (``node``
    included), in document order. Each document would set up a selector engine of its
    own, which costs half a page parse; one engine per thread serves every page."""
    return _engine().find(query, node)


def _engine() -> LexborCSSSelector:
    try:
        engine: LexborCSSSelector = _ENGINES.engine
    except AttributeError:
        engine = _ENGINES.engine = LexborCSSSelector()
    return engine


def select_each_once(node: LexborNode, selector: str) -> list[LexborNode]:
    """``select(node, selector)`` with each element once: lexbor gives a selector list's
    matches in document order, but an element once per selector of the list it matches."""
    found = select(node, selector)
    if _query_plan(selector).is_list:
        found = list({e.mem_id: e for e in reversed(found)}.values())[::-1]
    return found


def select_first(node: LexborNode, query: str) -> LexborNode | None:
    """The first match of ``select(node, query)``; the search stops there."""
    engine = _engine()
    found: list[LexborNode] = engine.find_first(query, node)  # type: ignore[attr-defined]
    return found[0] if found else None


def _is_json_document(text: str) -> bool:
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def _attribute(node: LexborNode, name: str) -> str | None:
    """The attribute's value; ``""`` for one written without a value (as lxml gives)."""
    attributes = node.attributes
    if name not in attributes:
        return None
    value = attributes[name]
    return "" if value is None else value


def _own_text(node: LexborNode) -> list[str]:
    """The element's own text nodes (parsel's ``::text``)."""
    return [
        child.text_content or "" for child in node.iter(include_text=True) if child.tag == _TEXT
    ]


def _inline_text(element: LexborNode) -> str:
    """The text of a headline or caption as a browser shows it: inline markup joins its
    text to the words around it (``Kazakh<em>stan</em>``), while a ``<br>`` and a block
    element separate words; scripts, styles and comments are left out."""
    first = element.first_child
    if first is None:
        return ""
    if first.next is None and first.tag_id == _TEXT_ID:
        return first.text_content or ""  # (most headlines: one text node)
    pieces: list[str] = []
    # A stack, not recursion: markup can nest deeper than Python's call limit.
    stack = [(False, element.iter(include_text=True, skip_empty=False))]
    while stack:
        is_block, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                pieces.append(" ")
            continue
        tag = child.tag_id
        if tag == _TEXT_ID:
            pieces.append(child.text_content or "")
        elif tag == _BR_ID:
            pieces.append(" ")
        elif tag in _NOT_READ_IDS or child.first_child is None:
            pass
        else:
            block = tag in _BLOCK_IDS
            if block:
                pieces.append(" ")
            stack.append((block, child.iter(include_text=True, skip_empty=False)))
    return "".join(pieces)


_FURNITURE_TEXT_CAP = 20_000
_NOT_READ_IDS = frozenset(_TAG_IDS[name] for name in ("script", "style", _COMMENT))


def _text_before(
    parent: LexborNode, stop: int | None, unread: set[int], pieces: list[str], length: int
) -> int:
    """Add the stripped text of ``parent``'s children before the one whose ``mem_id`` is
    ``stop`` to ``pieces``, less scripts and styles (inside the elements of ``unread``);
    the length of ``pieces`` after, ``length`` before. Stops once past the cap."""
    # Along the sibling links, not parent.iter(): a generator left before its end is
    # closed by raising into it, which costs more than the children it gave.
    child = parent.first_child
    while child is not None:
        key = child.mem_id
        if key == stop:
            break
        tag = child.tag_id
        text = ""
        if tag == _TEXT_ID:
            text = (child.text_content or "").strip()
        elif tag in _NOT_READ_IDS:
            pass
        elif key not in unread:
            # Most of the header has no script inside: its text is read in C.
            text = child.text(separator=" ", strip=True, skip_empty=True).strip()
        else:
            length = _text_before(child, None, unread, pieces, length)
            if length > _FURNITURE_TEXT_CAP:
                return length
        if text:
            pieces.append(text)
            length += len(text)
            if length > _FURNITURE_TEXT_CAP:
                return length
        child = child.next
    return length


# A plain class or id selector (no escapes).
_PLAIN_NAME = re.compile(r"[.#]-?[A-Za-z_][A-Za-z0-9_-]*")
# What separates the classes of a class attribute (HTML's ASCII whitespace).
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")


class _PlainNames(NamedTuple):
    """The names in plain class and id selectors, as written and lower-cased."""

    classes: frozenset[str]
    ids: frozenset[str]
    folded_classes: frozenset[str]
    folded_ids: frozenset[str]


@lru_cache(maxsize=64)
def _plain_names(selectors: tuple[str, ...]) -> _PlainNames | None:
    """The names of the selectors when each is a plain ``.class`` or ``#id``."""
    if not all(_PLAIN_NAME.fullmatch(selector) for selector in selectors):
        return None
    classes = frozenset(s[1:] for s in selectors if s[0] == ".")
    ids = frozenset(s[1:] for s in selectors if s[0] == "#")
    return _PlainNames(
        classes,
        ids,
        frozenset(name.lower() for name in classes),
        frozenset(name.lower() for name in ids),
    )


# Up to this many figures and images in a page, the page's lists of them are filtered by
# ancestry instead of asking lexbor for those in the body.
_FEW_IMAGES = 8


def _has_ancestor(node: LexborNode, key: int) -> bool:
    """Whether the element whose ``mem_id`` is ``key`` is ``node`` or one of its ancestors."""
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id == key:
            return True
        current = current.parent
    return False


# Where lazy-loading plugins keep an image's file while ``src`` holds a placeholder (a
# data: URI, a spinner GIF) until the image scrolls into view.
_LAZY_SRC_ATTRIBUTES = ("data-lazy-src", "data-src")
# Jetpack's full-size file, then the candidates, for an image with no usable ``src``.
_SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")


def _usable(url: str | None) -> bool:
    """Whether an image attribute names a file (not empty, not a data: URI)."""
    if not url:
        return False
    return not url.isspace() and not url.lstrip().startswith("data:")


def _image_src(image: LexborNode) -> str | None:
    """The file an ``<img>`` shows: a lazy-loading plugin's ``data-lazy-src`` or
    ``data-src`` (``src`` is then a placeholder), else ``src``, else Jetpack's
    ``data-orig-file``, else the largest candidate of its ``srcset``; ``src`` as it is
    when there is none of them (None for no ``src``)."""
    attributes = image.attributes
    src = attributes.get("src")
    if len(attributes) > 1 or not _usable(src):
        for name in _LAZY_SRC_ATTRIBUTES:
            if _usable(value := attributes.get(name)):
                return value
        if _usable(src):
            return src
        if _usable(value := attributes.get("data-orig-file")):
            return value
        for name in _SRCSET_ATTRIBUTES:
            if (srcset := attributes.get(name)) and (best := _largest_candidate(srcset)):
                return best
    if src is None and "src" in attributes:
        return ""  # (written without a value, as lxml gives)
    return src


def _largest_candidate(srcset: str) -> str | None:
    """The URL of a ``srcset``'s widest candidate (``640w``; a ``2x`` density counts for
    less than any width, and no descriptor is ``1x``)."""
    best: str | None = None
    best_size = (-1, -1.0)
    for url, descriptor in _srcset_candidates(srcset):
        unit = descriptor[-1:].lower()
        try:
            value = float(descriptor[:-1]) if unit in ("w", "x") else 1.0
        except ValueError:
            continue
        size = (1 if unit == "w" else 0, value)
        if _usable(url) and size > best_size:
            best, best_size = url, size
    return best


def _srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    """(URL, descriptor) pairs of a ``srcset`` (HTML's parsing: a URL runs to whitespace,
    less trailing commas; its descriptor runs to the next comma)."""
    found = []
    position, end = 0, len(srcset)
    while position < end:
        while position < end and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < end and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = srcset.find(",", position)
            comma = end if comma < 0 else comma
            descriptor = srcset[position:comma].strip()
            position = comma + 1
        found.append((url, descriptor))
    return found


def _in_furniture(
    node: LexborNode, stop: int, is_furniture: Callable[[LexborNode], bool] | None
) -> bool:
    """Whether ``node`` or one of its ancestors below the element whose ``mem_id`` is
    ``stop`` is furniture."""
    if is_furniture is None:
        return False
    current: LexborNode | None = node
    while current is not None and current.mem_id != stop:
        if is_furniture(current):
            return True
        current = current.parent
    return False


# A block theme's list of the post's categories (its links say rel="tag").
CATEGORY_TERMS = "taxonomy-category"
_CATEGORY_TERMS_BYTES = CATEGORY_TERMS.encode()


def _in_category_terms(link: LexborNode) -> bool:
    """Whether the link is in a block theme's list of the post's categories."""
    node = link.parent
    while node is not None:
        classes = node.attributes.get("class")
        if classes and CATEGORY_TERMS in _HTML_SPACE.split(classes):
            return True
        node = node.parent
    return False


def _in_figure(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "figure":
            return True
        parent = parent.parent
    return False


def _one_of(mem_ids: set[int]) -> Callable[[LexborNode], bool] | None:
    """Whether a node is one of the elements ``mem_ids`` names (None: there are none)."""
    return (lambda node: node.mem_id in mem_ids) if mem_ids else None


def _paragraph_texts(element: LexborNode, texts: list[str], wanted: int = 1) -> bool:
    """Add the first text nodes in ``element``'s ``<p>`` elements (below ``element``) that
    are not whitespace alone to ``texts``, in document order, until there are ``wanted``;
    whether there are. (Empty paragraphs, ``<p>&nbsp;</p>``, often open a post.)"""
    # Down the children, not a walk of every node from the top: the first paragraphs
    # are near the start, and the text outside them is not read. A stack of the open
    # elements' children, not recursion: markup nests deeper than Python's call limit.
    stack = [element.iter()]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag_id == _P_ID:
            for node in child.traverse(include_text=True):
                if node.tag_id == _TEXT_ID:
                    text = node.text_content or ""
                    if text and not text.isspace():
                        texts.append(text)
                        if len(texts) == wanted:
                            return True
        elif child.first_child is not None:
            stack.append(child.iter())
    return False


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


# What str.split() splits ASCII text at besides the space.
_ASCII_SEPARATORS = ("\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def clean_text(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    # Most text is clean already. Every whitespace character but the space is
    # unprintable, and the scans run in C; isprintable() looks each character up, which
    # costs more than searching ASCII text for each of its few separators.
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        return " ".join(text.split())
    if text.isascii():
        for separator in _ASCII_SEPARATORS:
            if separator in text:
                return " ".join(text.split())
        return text
    return text if text.isprintable() else " ".join(text.split())


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
    headline_css: ClassVar[tuple[str, ...]] = (
        "h1.entry-title",
        "article h1",
        "h1.post-title",
        "h1.wp-block-post-title",  # block themes (Twenty Twenty-Four)
    )
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
        ".wp-block-post-author-name",  # block themes
    )
    # Block themes' post-terms blocks link categories with rel="tag" too: ``tags`` leaves
    # out the links inside a CATEGORY_TERMS element, which are categories.
    section_css: ClassVar[tuple[str, ...]] = (
        'a[rel="category tag"]',
        ".cat-links a",
        ".taxonomy-category a",
    )
    tag_css: ClassVar[tuple[str, ...]] = ('a[rel="tag"]', ".tags-links a")
    published_css: ClassVar[tuple[str, ...]] = (
        "time.published::attr(datetime)",
        "time.entry-date::attr(datetime)",
        "[itemprop=datePublished]::attr(content)",
        "[itemprop=datePublished]::attr(datetime)",
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
        # tagDiv (Newspaper): in-content ads and their "- Advertisement -" title.
        ".td-a-rec",
        ".td-adspot-title",
        # Ad Inserter's blocks; <!--nextpage--> links ("Pages: 1 2").
        ".code-block",
        ".page-links",
    )
    headline_suffixes: ClassVar[tuple[str, ...]] = ()
    # The page text before the headline is read only for an exchange-rate ticker in the
    # header (RatesPipeline); a site known to have none can spare the walk.
    header_ticker: ClassVar[bool] = True

    def __init__(
        self,
        url: str,
        html: str | bytes,
        *,
        tz_offset_minutes: int | None = None,
    ) -> None:
        """``html``: the page's text, or exactly its UTF-8 encoding (a response body that
        decodes as UTF-8 without error, with no byte order mark). lexbor parses UTF-8:
        given the bytes, the text is not encoded again, which costs 7-8% of a page."""
        self.url = url
        self._markup: str | bytes = html or "<html></html>"
        offset = self.default_tz_offset_minutes if tz_offset_minutes is None else tz_offset_minutes
        self.tz: timezone = site_timezone(offset)
        self._found: dict[str, list[Any]] = {}

    # -- selection ----------------------------------------------------------

    @cached_property
    def html(self) -> str:
        """The page's text (what the generic extractor reads)."""
        markup = self._markup
        return markup if isinstance(markup, str) else markup.decode(errors="replace")

    @cached_property
    def tree(self) -> LexborHTMLParser:
        """The parsed page (what the generic extractor walks)."""
        markup = self._markup
        if isinstance(markup, str):
            may_be_json = _JSON_START.match(markup) is not None
        else:
            may_be_json = (
                _MAY_START_JSON.match(markup) is not None
                and _JSON_START.match(self.html) is not None
            )
        if may_be_json and _is_json_document(self.html):
            # lexbor reads any text as HTML; a JSON object or array at an article URL
            # is no page at all (parsel, before, refused it the same way).
            raise ValueError(f"{self.url}: the text is JSON, not HTML")
        return LexborHTMLParser(markup)

    @cached_property
    def root(self) -> LexborNode:
        """The ``<html>`` element."""
        root = self.tree.root
        if root is None:  # lexbor always builds <html>, <head> and <body>
            raise ValueError(f"{self.url}: no document")
        return root

    def _all(self, tag: str) -> list[LexborNode]:
        """Every ``tag`` element, in document order."""
        if (cached := self._found.get(tag)) is not None:
            return cached
        # lexbor's tag collection costs half a CSS query.
        self._found[tag] = found = self.tree.tags(tag)
        return found

    def _css_results(self, query: str) -> list[Any]:
        """The matches of the CSS selector ``query`` in document order: elements, or with
        ``::attr(name)`` the attribute's values and with ``::text`` their text nodes."""
        if (cached := self._found.get(query)) is not None:
            return cached
        self._found[query] = found = self._css_uncached(query)
        return found

    def _css_uncached(self, query: str) -> list[Any]:
        selector, attribute, text, _, descendant = _query_plan(query)
        if selector != query:
            elements = self._css_results(selector)
            if text:
                return [text for element in elements for text in _own_text(element)]
            return [value for e in elements if (value := _attribute(e, attribute)) is not None]
        if descendant is not None:
            return self._class_descendants(*descendant)
        return select_each_once(self.root, selector)

    def _class_descendants(self, class_selector: str, tag: str) -> list[LexborNode]:
        """``select(self.root, f"{class_selector} {tag}")``: lexbor tests the ancestors of
        every ``tag`` element of the page for the class (twice the cost of finding the
        class alone), so the class is found by lexbor and its elements walked here."""
        tag_id = _TAG_IDS[tag]
        found: dict[int, LexborNode] = {}
        for container in self._css_results(class_selector):
            own = container.mem_id
            # Containers come in document order: a nested one's elements are met again
            # (and kept once), and those of a later one come after an earlier one's.
            for node in container.traverse():
                if node.tag_id == tag_id and (key := node.mem_id) != own:
                    found.setdefault(key, node)
        return list(found.values())

    def _first(self, query: str) -> Any:
        """``self._css_results(query)[0]``, None for no match; for a single selector the
        search stops at the first match (a headline or a body is near the top)."""
        if (cached := self._found.get(query)) is None:
            plan = _query_plan(query)
            if plan.selector == query and not plan.is_list:
                return select_first(self.root, query)
            cached = self._css_results(query)
        return cached[0] if cached else None

    def _get(self, results: list[Any]) -> str | None:
        """parsel's ``.get()``: the first result, serialised."""
        if not results:
            return None
        first = results[0]
        return first if isinstance(first, str) else first.html or ""

    # -- standard signals -------------------------------------------------

    @cached_property
    def _meta_contents(self) -> dict[str, str]:
        """``content`` of the first ``<meta>`` whose ``property`` or ``name`` is the key."""
        found: dict[str, str] = {}
        for element in self._all("meta"):
            attributes = element.attributes
            if "content" not in attributes:
                continue
            content = attributes["content"] or ""
            if "property" in attributes:
                found.setdefault(attributes["property"] or "", content)
            if "name" in attributes:
                found.setdefault(attributes["name"] or "", content)
        return found

    def _meta(self, *names: str) -> str | None:
        for name in names:
            value = self._meta_contents.get(name)
            if value and value.strip():
                return html_lib.unescape(value.strip())
        return None

    @cached_property
    def _links(self) -> list[tuple[list[str], str]]:
        """(rel tokens, href) of every ``<link>`` with an href, in document order."""
        found = []
        for link in self._all("link"):
            attributes = link.attributes
            if "href" in attributes:
                rel = attributes.get("rel") or ""
                tokens = (
                    rel.split() if rel.isascii() and rel.isprintable() else _XML_SPACE.split(rel)
                )
                found.append((tokens, attributes["href"] or ""))
        return found

    def _link(self, rel: str) -> str | None:
        href = next((h for rels, h in self._links if rel in rels), None)
        return uri_join(self.url, href.strip()) if href and href.strip() else None

    @cached_property
    def json_ld_nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        for script in self._all("script"):
            if script.attributes.get("type") != "application/ld+json":
                continue
            if raw := script.text(deep=False):
                try:
                    data = _JSON.decode(raw)
                except ValueError:
                    continue
                nodes.extend(self._flatten_json_ld(data))
        return nodes

    @staticmethod
    def _flatten_json_ld(data: Any) -> list[dict[str, Any]]:
        """The objects of a JSON-LD document, those of its arrays and ``@graph`` lists
        flattened in, in document order."""
        nodes: list[dict[str, Any]] = []
        # A stack, not recursion: a page's graph has a dozen nodes, and a call per node
        # cost more than the decoding.
        pending = [data]
        while pending:
            entry = pending.pop()
            if isinstance(entry, list):
                pending.extend(reversed(entry))
            elif isinstance(entry, dict):
                graph = entry.get("@graph")
                if isinstance(graph, list):
                    pending.append(graph)
                else:
                    nodes.append(entry)
        return nodes

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
        # Lazily: most pages say it in their first signal.
        for source in (
            lambda: self._link("canonical"),
            lambda: self._meta("og:url"),
            self._ld_main_entity_url,
        ):
            if candidate := source():
                return uri_join(self.url, candidate)
        return self.page_uri

    @cached_property
    def page_uri(self) -> str:
        """The page's URL, URI-safe (``uri_join``)."""
        return uri_join(self.url, self.url)

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
        # An HTML5 parser makes one <body>, with the attributes of all <body> tags.
        body = self.tree.body
        return (_attribute(body, "class") if body is not None else None) or ""

    @cached_property
    def post_id(self) -> int | None:
        if self.shortlink and (post_id := shortlink_post_id(self.shortlink)):
            return post_id
        for pattern, source in (
            (POST_ID_PATTERNS[0], self.body_classes),
            (
                POST_ID_PATTERNS[1],
                " ".join(i for a in self._post_articles if (i := _attribute(a, "id")) is not None),
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

    @cached_property
    def _post_articles(self) -> list[LexborNode]:
        """The ``<article>`` elements that hold the post: those around its headline, else
        around its body, else (neither is in one) every ``<article>`` of the page. A
        trending or breaking-news block's ``<article id="post-N">`` is another post's."""
        found = [c for c in self._post_containers if c.tag_id == _ARTICLE_ID]
        if not found and (body := self._body_from_selectors) is not None:
            found = [c for c in self._containers_of(body) if c.tag_id == _ARTICLE_ID]
        return found or self._all("article")

    @staticmethod
    def _containers_of(element: LexborNode) -> list[LexborNode]:
        """The ``<article>`` and ``<main>`` elements around ``element``, nearest first."""
        found = []
        node = element.parent
        while node is not None:
            if node.tag_id in _POST_CONTAINER_IDS:
                found.append(node)
            node = node.parent
        return found

    @cached_property
    def _post_containers(self) -> list[LexborNode]:
        """The ``<article>`` and ``<main>`` elements around the headline, nearest first:
        where the post's own body, dates and images are, when a page also shows other
        posts (a breaking-news block's excerpt, a trending list)."""
        headline = self._headline_element
        return [] if headline is None else self._containers_of(headline)

    def is_article(self) -> bool:
        classes = self.body_classes.split()
        if "attachment" in classes or "single-attachment" in classes:
            return False  # a media file's own page: a post id, a title, a caption
        if "single-post" in classes or any(c.startswith("postid-") for c in classes):
            return True
        if {"page", "archive", "home", "blog", "error404", "search"} & set(classes):
            return False
        return bool(self.json_ld_article) or self._meta("og:type") == "article"

    @staticmethod
    def _text(element: LexborNode) -> str:
        """The text under ``element``, as a browser shows it (``_inline_text``)."""
        return _inline_text(element)

    @cached_property
    def _headline_found(self) -> tuple[LexborNode, str] | None:
        """The first element a headline selector finds first that has text, and its text."""
        for query in self.headline_css:
            found = self._first(query)
            if found is not None and (text := clean_text(self._text(found))):
                return found, text
        return None

    @cached_property
    def _headline_element(self) -> LexborNode | None:
        if self._headline_found is not None:
            return self._headline_found[0]
        return next((h1 for h1 in self._all("h1")[:1] if clean_text(self._text(h1))), None)

    @cached_property
    def headline_from_selectors(self) -> str | None:
        return None if self._headline_found is None else self._headline_found[1]

    @cached_property
    def headline(self) -> str | None:
        """The site's selectors, else JSON-LD, an ``<h1>`` the page title confirms,
        OpenGraph's title, ``<title>`` (less the site name), the first ``<h1>``."""
        if self.headline_from_selectors:
            return self.headline_from_selectors
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
            *_texts(self._ld_strings(self._ld("headline")))[:1],
            next((h1 for h1 in h1s if h1.casefold() in folded), None),
            *titles,
            *h1s[:1],
        ]
        return next((c for c in candidates if c), None)

    def _title(self) -> str | None:
        """The first text node of a ``<title>`` (XPath ``//title/text()``)."""
        for title in self._all("title"):
            if text := title.text(deep=False):
                return text
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
        return [r.text() for r in self._css_results(query) if not isinstance(r, str)]

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
                # (the ancestor walk only on pages that have a block theme's category list)
                terms = self._has_category_terms
                tags = _texts(
                    r.text()
                    for r in self._css_results(query)
                    if not isinstance(r, str) and not (terms and _in_category_terms(r))
                )
                if tags:
                    break
        if not tags:
            tags = _texts(
                content
                for meta in self._all("meta")
                if meta.attributes.get("property") == "article:tag"
                and (content := _attribute(meta, "content")) is not None
            )
        return _unique(tags)

    @cached_property
    def _has_category_terms(self) -> bool:
        """Whether the page's markup names the block themes' category list at all."""
        markup = self._markup
        if isinstance(markup, str):
            return CATEGORY_TERMS in markup
        return _CATEGORY_TERMS_BYTES in markup

    def _first_datetime(self, candidates: Iterable[str | None]) -> str | None:
        for candidate in candidates:
            if candidate and (found := iso_in_zone(candidate, self.tz)) is not None:
                return found
        return None

    @cached_property
    def date_published(self) -> str | None:
        """JSON-LD, OpenGraph, ``published_css``; then any ``<time datetime>`` and visible
        date line in the ``<article>`` or ``<main>`` around the headline, then a visible
        date line anywhere. A ``<time>`` outside them (the header's date of the day, a
        sidebar's latest posts) is read only on a page with no such element."""
        # Lazily: the selectors are only read when the standard signals have no time.
        containers = self._post_containers
        found = self._first_datetime(
            itertools.chain(
                self._ld_strings(self._ld("datePublished")),
                (self._meta("article:published_time", "og:published_time"),),
                (self._get(self._css_results(q)) for q in self.published_css),
                (self._time_in(container) for container in containers),
            )
        )
        if found:
            return found
        for container in containers:
            if found := self._visible_date(container):
                return found
        if not containers and (found := self._first_datetime([self._time_in(self.root)])):
            return found
        return self._visible_date()

    @staticmethod
    def _time_in(element: LexborNode) -> str | None:
        """The ``datetime`` of the first ``<time>`` in ``element`` that has one."""
        time = select_first(element, "time[datetime]")
        return None if time is None else _attribute(time, "datetime")

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

    def _visible_date(self, element: LexborNode | None = None) -> str | None:
        """The first date line ``visible_date_css`` finds (in ``element``, else the page)."""
        for query in self.visible_date_css:
            texts = (
                self._string_values(query)
                if element is None
                else [found.text() for found in select_each_once(element, query)]
            )
            for text in texts:
                parsed = parse_visible_date(text, self.tz)
                if parsed is not None:
                    return isoformat(parsed)
        return None

    @cached_property
    def in_language(self) -> str | None:
        for value in (
            *self._ld_strings(self._ld("inLanguage")),
            _attribute(self.root, "lang"),
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
            absolute = uri_join(self.url, url.strip())
            if found.get(absolute) is None:
                found[absolute] = (clean_text(caption) if caption else "") or None

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
            src, caption = self._figure(figure)
            if caption is None:
                continue
            if src and found.get(uri_join(self.url, src.strip()), "") is None:
                add(src, caption)
        body = self._body_element
        for element in () if body is None else (body, *self.body_continuation):
            figures, images = self._figures_and_images_in(element)
            if not figures and not images:
                continue
            # Share buttons' icons, related posts' thumbnails, ad banners: not the post's.
            is_furniture = self._furniture_in(element)
            key = element.mem_id
            for figure in figures:
                if not _in_furniture(figure, key, is_furniture):
                    add(*self._figure(figure))
            for image in images:
                src = _image_src(image)
                if (
                    src is not None
                    and not _in_figure(image)
                    and not _in_furniture(image, key, is_furniture)
                ):
                    add(src, None)
        return [{"url": url, "caption": caption} for url, caption in found.items()]

    def _figures_and_images_in(
        self, element: LexborNode
    ) -> tuple[list[LexborNode], list[LexborNode]]:
        """The ``<figure>`` and the ``<img>`` elements in ``element``'s subtree (itself
        included), each in document order."""
        figures = self._all("figure")
        images = self._all("img")
        if len(figures) + len(images) > _FEW_IMAGES:
            found = select(element, "figure, img")
            return [f for f in found if f.tag == "figure"], [i for i in found if i.tag == "img"]
        # A page has a few of them (their lists cost a walk in C, a query twice that):
        # each is kept when ``element`` is among its ancestors.
        key = element.mem_id
        return (
            [f for f in figures if _has_ancestor(f, key)],
            [i for i in images if _has_ancestor(i, key)],
        )

    def _figure(self, figure: LexborNode) -> tuple[str | None, str | None]:
        """(src of the figure's first image with one, its figcaptions' text or None when it
        has no ``<figcaption>``); ``("", None)`` for a figure with no image."""
        if (cached := self._figures.get(figure.mem_id)) is not None:
            return cached
        images = False
        src = None
        captions: list[str] | None = None
        for node in figure.traverse():
            tag = node.tag
            if tag == "img":
                images = True
                if src is None:
                    src = _image_src(node)
            elif tag == "figcaption":
                captions = [] if captions is None else captions
                captions.append(_inline_text(node))
        found = (src if images else "", None if captions is None else " ".join(captions))
        self._figures[figure.mem_id] = found
        return found

    @cached_property
    def _figures(self) -> dict[int, tuple[str | None, str | None]]:
        return {}

    # -- body -------------------------------------------------------------

    @cached_property
    def _body_from_selectors(self) -> LexborNode | None:
        """The first element a body selector finds, that has paragraph text: in the
        ``<article>`` or ``<main>`` around the headline first (another post's excerpt may
        come before the post), else anywhere in the page."""
        for container in self._post_containers:
            for query in self.body_css:
                if (found := self._body_in(container, query)) is not None:
                    return found
        for query in self.body_css:
            first = self._first(query)
            if first is None:
                continue
            if isinstance(first, LexborNode) and self._has_paragraph_text(first):
                return first
            for found in self._css_results(query)[1:]:
                if isinstance(found, LexborNode) and self._has_paragraph_text(found):
                    return found
        return None

    def _body_in(self, container: LexborNode, query: str) -> LexborNode | None:
        """The first element in ``container`` that ``query`` finds, with paragraph text."""
        if not _query_plan(query).is_list:
            first = select_first(container, query)
            if first is None:
                return None
            if self._has_paragraph_text(first):
                return first
        found = select_each_once(container, query)
        return next((e for e in found if self._has_paragraph_text(e)), None)

    @staticmethod
    def _has_paragraph_text(element: LexborNode) -> bool:
        """Whether a text node in its ``<p>`` elements says something (empty paragraphs
        before the first are looked past)."""
        return _paragraph_texts(element, [])

    @cached_property
    def main_content(self) -> MainContent:
        """The generic extractor's body, for pages the selectors found none on."""
        return find_main_content(
            self.html, self.url, self.body_containers, self.paragraphs_of, self.continuation_of
        )

    def body_containers(self) -> list[LexborNode]:
        """The elements inside ``<body>`` with a ``<p>`` child, in document order."""
        body = self.tree.body
        if body is None:
            return []
        # By mem_id: comparing lexbor nodes compares their HTML.
        parents = {parent.mem_id for p in select(body, "p") if (parent := p.parent) is not None}
        parents.discard(body.mem_id)
        return [element for element in select(body, "*") if element.mem_id in parents]

    @cached_property
    def _body_element(self) -> LexborNode | None:
        if self._body_from_selectors is not None:
            return self._body_from_selectors
        return self.main_content.element

    @cached_property
    def paragraphs(self) -> list[str]:
        body = self._body_from_selectors
        if body is None:
            return self.main_content.paragraphs
        paragraphs = self.paragraphs_of(body, scoped=True)
        for block in self.body_continuation:
            paragraphs += self.paragraphs_of(block, scoped=True)
        return paragraphs

    @cached_property
    def body_continuation(self) -> list[LexborNode]:
        """The blocks of the post found after its body element (``continuation_of``)."""
        body = self._body_from_selectors
        if body is None:
            return self.main_content.continuation
        return self.continuation_of(body)

    def continuation_of(self, element: LexborNode) -> list[LexborNode]:
        """The post's blocks that a stray closing tag put after the body ``element`` (see
        CONTINUATION_TAGS): from the element on, in document order and up through its
        ancestors (the tag may have closed some of them too), the blocks up to the first
        element that is not one (the theme's footer, navigation, related posts, comments,
        sidebar), scripts and furniture aside. Usually none: the theme's own markup
        follows the body at once."""
        page_body = self.tree.body
        if page_body is None:
            return []
        is_furniture = self._page_furniture
        blocks: list[LexborNode] = []
        node: LexborNode | None = element
        stop = page_body.mem_id
        while node is not None and node.mem_id != stop:
            sibling = node.next
            while sibling is not None:
                tag = sibling.tag_id
                if tag == _TEXT_ID:
                    if not (sibling.text_content or "").isspace():
                        return blocks
                elif tag in _STEPPED_OVER_IDS or (
                    is_furniture is not None and is_furniture(sibling)
                ):
                    pass  # (a newsletter box between blocks, as within the body)
                elif self._is_post_block(sibling, tag):
                    # (the markup is read only now: most pages end here, or never get here)
                    if not blocks and not self._has_surplus_end_tags:
                        return blocks
                    blocks.append(sibling)
                else:
                    return blocks
                sibling = sibling.next
            node = node.parent
        return blocks

    @staticmethod
    def _is_post_block(element: LexborNode, tag: int) -> bool:
        if tag != _DIV_ID and tag not in _CONTINUATION_IDS:
            return False
        classes = (element.attributes.get("class") or "").split()
        if tag == _DIV_ID and "wp-caption" not in classes and "wp-video" not in classes:
            return False
        return all(map(_EDITOR_CLASS.fullmatch, classes))

    @cached_property
    def _has_surplus_end_tags(self) -> bool:
        """Whether the markup closes more divs (articles, sections, mains) than it opens:
        an intact page's blocks after its body element are the theme's, never the post's."""
        markup = self.html
        opened: dict[str, int] = {}
        for match in _CONTAINER_TAG.finditer(_NOT_MARKUP.sub("", markup)):
            name = match[2].lower()
            opened[name] = opened.get(name, 0) + (-1 if match[1] else 1)
        return any(count < 0 for count in opened.values())

    @cached_property
    def _page_furniture(self) -> Callable[[LexborNode], bool] | None:
        body = self.tree.body
        return None if body is None else self._furniture_in(body)

    @cached_property
    def _furniture_query(self) -> str:
        return ", ".join(self.furniture_css)

    @cached_property
    def _furniture(self) -> set[int]:
        """The elements of the page that match one of ``furniture_css``, by ``mem_id``
        (comparing lexbor nodes compares their HTML)."""
        if not self.furniture_css:
            return set()
        return {element.mem_id for element in select(self.root, self._furniture_query)}

    def paragraphs_of(self, element: LexborNode, *, scoped: bool = False) -> list[str]:
        """The body text of ``element``: its blocks, less furniture and non-text parts.
        ``scoped``: look for furniture inside ``element`` only (for one element, that
        costs less than finding it in the whole page)."""
        if element.tag_id in _NON_TEXT_IDS:
            return []  # (a figure read on past the body: its images only, as in the body)
        is_furniture = self._furniture_in(element) if scoped else _one_of(self._furniture)
        paragraphs: list[str] = []
        run: list[str] = []
        self._collect_paragraphs(element, is_furniture, paragraphs, run)
        return paragraphs

    def _furniture_in(self, element: LexborNode) -> Callable[[LexborNode], bool] | None:
        """Whether an element in ``element``'s subtree matches one of ``furniture_css``
        (None: none can)."""
        if not self.furniture_css:
            return None
        names = _plain_names(self.furniture_css)
        if names is None:
            return _one_of({e.mem_id for e in select(element, self._furniture_query)})
        # Plain class and id selectors: most elements the walk meets are told apart here
        # (lexbor's query would cost a sixth of a page's parse); only a name that differs
        # in case alone, which matches in a quirks-mode document only, is left to lexbor.
        found: set[int] | None = None
        # (not self in the closure: _page_furniture keeps it on the page, and a cycle
        # through the page would keep its parsed tree alive until a full collection)
        furniture_query = self._furniture_query

        def is_furniture(node: LexborNode) -> bool:
            nonlocal found
            attributes = node.attributes
            if not attributes:
                return False
            unsure = False
            if classes := attributes.get("class"):
                for token in _HTML_SPACE.split(classes):
                    if token in names.classes:
                        return True
                    unsure = unsure or token.lower() in names.folded_classes
            if ident := attributes.get("id"):
                if ident in names.ids:
                    return True
                unsure = unsure or ident.lower() in names.folded_ids
            if not unsure:
                return False
            if found is None:
                found = {e.mem_id for e in select(element, furniture_query)}
            return node.mem_id in found

        return is_furniture

    @staticmethod
    def _collect_paragraphs(
        element: LexborNode,
        is_furniture: Callable[[LexborNode], bool] | None,
        out: list[str],
        run: list[str],
    ) -> None:
        """Walk the body, flushing the text run at every block boundary."""
        # A stack of the open elements and their children, not recursion: markup can
        # nest deeper than Python's call limit (a broken widget's unclosed spans).
        stack = [(element, element.iter(include_text=True, skip_empty=False))]
        while stack:
            parent, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if run and parent.tag_id in _BLOCK_IDS:
                    _flush(run, out)
                continue
            tag = child.tag_id
            if tag == _TEXT_ID:
                run.append(child.text_content or "")
            elif tag in _NON_TEXT_IDS or (is_furniture is not None and is_furniture(child)):
                pass
            elif tag == _BR_ID:
                run.append("\n")
            elif (first := child.first_child) is None:
                pass
            elif first.next is None and first.tag_id == _TEXT_ID:
                # One text node (most paragraphs and links): no need to walk it.
                if tag in _BLOCK_IDS:
                    if run:
                        _flush(run, out)
                    run.append(first.text_content or "")
                    _flush(run, out)
                else:
                    run.append(first.text_content or "")
            else:
                if tag in _BLOCK_IDS and run:
                    _flush(run, out)  # a block flushes its own run when it ends
                stack.append((child, child.iter(include_text=True, skip_empty=False)))

    @cached_property
    def article_body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @cached_property
    def furniture_text(self) -> str:
        """Page text before the headline (site header, ticker, menus), in document order
        and capped; scripts and styles left out. Empty on a site without a ticker."""
        if not self.header_ticker:
            return ""
        stop = self._headline_element
        body = self.tree.body
        if stop is None or body is None:
            return ""
        # The headline's ancestors: the text before it is that of their earlier children.
        path = []
        node: LexborNode | None = stop
        body_key = body.mem_id
        while node is not None and node.mem_id != body_key:
            path.append(node)
            node = node.parent
        if node is None:
            return ""
        # The elements with a script or style inside.
        unread: set[int] = set()
        for element in (*self._all("script"), *self._all("style")):
            parent = element.parent
            while parent is not None and (key := parent.mem_id) not in unread:
                unread.add(key)
                parent = parent.parent
        pieces: list[str] = []
        length = 0
        parent = body
        for target in reversed(path):
            length = _text_before(parent, target.mem_id, unread, pieces, length)
            if length > _FURNITURE_TEXT_CAP:
                break
            parent = target
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
        aliases = [u for u in (self.shortlink, self.page_uri) if u and u != self.canonical_url]
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
            # The paragraphs are clean text: words are separated by one space. (Counted
            # per paragraph: Python stores the joined body at the width of its widest
            # character, so counting there costs more.)
            word_count=sum(p.count(" ") + 1 for p in self.paragraphs if p),
            site=self.site,
            extraction=self.extraction,
            furniture_text=self.furniture_text,
        )
