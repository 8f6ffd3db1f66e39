"""Generic main-content extraction, for pages whose own selectors found no body.

trafilatura (a maintained, benchmarked extractor) decides what the main text
is. We then look for the page element that holds that text and read the body
from it with the page object's own rules, which keep lists, subheadings and
figures that trafilatura sometimes drops; when no element matches well,
trafilatura's paragraphs are the body. See benchmarks/bench_extraction.py for
the figures behind this chain.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from selectolax.lexbor import LexborNode

from tcacrawler.quality import counter_f1, tokens

# trafilatura logs every page it finds thin at INFO/DEBUG; a crawl only wants its warnings.
logging.getLogger("trafilatura").setLevel(logging.WARNING)

# An element is taken as the body when its text and trafilatura's agree this well.
MIN_ELEMENT_F1 = 0.8
# Blocks of trafilatura's XML output that are paragraphs of the body.
TEXT_BLOCKS = frozenset({"p", "head", "item", "row", "code"})


@dataclass
class MainContent:
    """What generic extraction found: the body element (if one matched) and paragraphs."""

    element: LexborNode | None = None
    paragraphs: list[str] = field(default_factory=list)


def trafilatura_paragraphs(html: str, url: str | None = None) -> list[str]:
    """The main text of a page as trafilatura sees it, one entry per block."""
    # Imported here: importing trafilatura costs every run start-up CPU, and few pages
    # ever need it.
    import trafilatura

    try:
        xml = trafilatura.extract(
            html,
            url=url,
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
        )
    except Exception:  # a generic extractor must never take the crawl down with it
        logging.getLogger(__name__).warning("trafilatura failed on %s", url, exc_info=True)
        return []
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    main = root.find("main")
    if main is None:
        return []
    paragraphs = []
    for element in main.iter(*TEXT_BLOCKS):
        if any(a.tag in TEXT_BLOCKS for a in element.iterancestors()):
            continue
        text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append(text)
    return paragraphs


def find_main_content(
    html: str,
    url: str | None,
    candidates: Callable[[], list[LexborNode]],
    paragraphs_of: Callable[[LexborNode], list[str]],
) -> MainContent:
    """trafilatura's main text, and the element among ``candidates()`` that holds it.

    ``paragraphs_of`` reads an element's body text the way the page object
    reads a body it found by its selectors. WordPress post content is a run of
    <p> (and list, heading) siblings: the page object offers the elements with a
    <p> child.
    """
    found = trafilatura_paragraphs(html, url)
    if not found:
        return MainContent()
    want = Counter(tokens("\n".join(found)))
    best: LexborNode | None = None
    best_paragraphs: list[str] = []
    best_f1 = 0.0
    for candidate in candidates():
        candidate_paragraphs = paragraphs_of(candidate)
        f1 = counter_f1(Counter(tokens("\n".join(candidate_paragraphs))), want)
        if f1 >= best_f1:  # on a tie the later, i.e. inner, element wins
            best, best_paragraphs, best_f1 = candidate, candidate_paragraphs, f1
    if best is not None and best_f1 >= MIN_ELEMENT_F1:
        return MainContent(best, best_paragraphs)
    return MainContent(None, found)
