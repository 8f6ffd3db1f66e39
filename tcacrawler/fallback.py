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
# How many of the best-matching candidates are also scored with their continuation.
CONTINUED_CANDIDATES = 3
# Blocks of trafilatura's XML output that are paragraphs of the body.
TEXT_BLOCKS = frozenset({"p", "head", "item", "row", "code"})


@dataclass
class MainContent:
    """What generic extraction found: the body element (if one matched) and paragraphs."""

    element: LexborNode | None = None
    paragraphs: list[str] = field(default_factory=list)
    # blocks of the post after the element, read on past a stray closing tag
    continuation: list[LexborNode] = field(default_factory=list)


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
        for line in _lines(element):
            if text := " ".join(line.split()):
                paragraphs.append(text)
    return paragraphs


def _lines(element: etree._Element) -> list[str]:
    """A block's text, split at its ``<lb/>`` line breaks.

    trafilatura writes both ``<br>`` and ``<br><br>`` as one ``<lb/>`` (its text output
    starts a new line there), so a line break is read as a paragraph break: a legacy post
    whose paragraphs are ``<br><br>``-separated text in one ``<div>`` gives its
    paragraphs, as the page object reads it, not one paragraph glued together."""
    if element.find(".//lb") is None:  # most blocks
        return ["".join(element.itertext())]
    lines: list[str] = []
    run: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                lines.append("".join(run))
                run.clear()
            elif node.text and isinstance(node.tag, str):  # (no comment's text)
                run.append(node.text)
        elif node is not element and node.tail:
            run.append(node.tail)
    lines.append("".join(run))
    return lines


def find_main_content(
    html: str,
    url: str | None,
    candidates: Callable[[], list[LexborNode]],
    paragraphs_of: Callable[[LexborNode], list[str]],
    continuation_of: Callable[[LexborNode], list[LexborNode]] | None = None,
) -> MainContent:
    """trafilatura's main text, and the element among ``candidates()`` that holds it.

    ``paragraphs_of`` reads an element's body text the way the page object
    reads a body it found by its selectors. WordPress post content is a run of
    <p> (and list, heading) siblings: the page object offers the elements with a
    <p> child. ``continuation_of`` gives the blocks of the post after an element (a
    stray closing tag ended it early); those of the best few candidates are taken when
    they bring its text strictly closer to trafilatura's. (Not every candidate's: that
    would cost a walk of the following blocks per candidate, and an inner element read
    on ties with its container.)
    """
    found = trafilatura_paragraphs(html, url)
    if not found:
        return MainContent()
    want = Counter(tokens("\n".join(found)))

    def score(paragraphs: list[str]) -> float:
        return counter_f1(Counter(tokens("\n".join(paragraphs))), want)

    best_f1, best, best_paragraphs = 0.0, None, []
    scores: list[tuple[float, LexborNode]] = []
    for candidate in candidates():
        candidate_paragraphs = paragraphs_of(candidate)
        f1 = score(candidate_paragraphs)
        scores.append((f1, candidate))
        if f1 >= best_f1:  # on a tie the later, i.e. inner, element wins
            best_f1, best, best_paragraphs = f1, candidate, candidate_paragraphs
    continuation: list[LexborNode] = []
    if continuation_of is not None:
        # The best few, read on: an element that a stray tag ended early comes short of
        # its container (which holds the page's other text too) until it is.
        ranked = sorted(scores, key=lambda row: row[0], reverse=True)
        for _, candidate in ranked[:CONTINUED_CANDIDATES]:
            blocks = continuation_of(candidate)
            if not blocks:
                continue
            continued = paragraphs_of(candidate) + [p for b in blocks for p in paragraphs_of(b)]
            if (f1 := score(continued)) > best_f1:  # (a tie keeps the element as it is)
                best_f1, best, best_paragraphs, continuation = f1, candidate, continued, blocks
    if best is not None and best_f1 >= MIN_ELEMENT_F1:
        return MainContent(best, best_paragraphs, continuation)
    return MainContent(None, found)
