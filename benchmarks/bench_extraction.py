"""Which fallback extraction chain: body token-F1 against the replica's truth.

Run: ``python benchmarks/bench_extraction.py [--stories N]``. Renders replica pages in
each theme, hides the page object's selectors (so every page takes the fallback path),
and compares three ways to find the body, after the same boilerplate cleaning:

- ``density``: the old heuristic, the element with the most direct ``<p>`` text;
- ``trafilatura``: trafilatura's own paragraphs;
- ``trafilatura+element`` (what tcacrawler uses): the page element whose text best
  matches trafilatura's, read with the page object's rules.

Prints mean and min F1, the share of bodies exactly right, and the time per page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selectolax.lexbor import LexborNode

from replica import SiteApp, generate_site
from replica.presets import PRESETS
from tcacrawler.extract import clean_article
from tcacrawler.fallback import trafilatura_paragraphs
from tcacrawler.items import ArticleItem
from tcacrawler.pages.wordpress import WordPressArticlePage, clean_text, select
from tcacrawler.quality import token_f1

BASE_URL = "https://timesca.com"
THEMES: dict[str, dict[str, Any]] = {
    "modern": {"theme_mix": {"modern": 1.0}},
    "legacy": {"theme_mix": {"legacy": 1.0}},
    "herald": PRESETS["steppeherald"],
    "elementor": {"theme_mix": {"elementor": 1.0}},
}


class NoSelectors(WordPressArticlePage):
    headline_css = ()
    body_css = ("#no-such-element",)


CONTENT_HINTS = re.compile(r"content|article|entry|post|story|body|text", re.I)
NOISE_HINTS = re.compile(
    r"comment|share|sharing|social|related|newsletter|subscribe|sidebar|widget|footer|header|"
    r"menu|nav|breadcrumb|ticker|marquee|advert|promo|banner|popup|cookie|author-box|tags",
    re.I,
)


def _hints(element: LexborNode) -> str:
    attributes = element.attributes
    return f"{attributes.get('class') or ''} {attributes.get('id') or ''}"


def _ancestors(element: LexborNode) -> list[LexborNode]:
    found = []
    parent = element.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def density_element(page: WordPressArticlePage) -> LexborNode | None:
    """The heuristic tcacrawler used before trafilatura (kept here to compare)."""
    best, best_score = None, 0.0
    for element in page.body_containers():
        hints = _hints(element)
        if NOISE_HINTS.search(hints) and not CONTENT_HINTS.search(hints):
            continue
        if any(
            NOISE_HINTS.search(_hints(a)) and a.tag in ("aside", "nav", "footer", "header")
            for a in _ancestors(element)
        ):
            continue
        paragraphs = [child for child in element.iter() if child.tag == "p"]
        text = sum(len(clean_text(p.text())) for p in paragraphs)
        links = sum(len(a.text()) for p in paragraphs for a in select(p, "a"))
        score = (text - 2 * links) * (1.2 if CONTENT_HINTS.search(hints) else 1.0)
        if score > best_score:
            best, best_score = element, score
    return best if best_score >= 200 else None


def density(url: str, html: str) -> list[str]:
    page = NoSelectors(url, html)
    element = density_element(page)
    return page.paragraphs_of(element) if element is not None else []


def trafilatura_only(url: str, html: str) -> list[str]:
    return trafilatura_paragraphs(html, url)


def trafilatura_element(url: str, html: str) -> list[str]:
    return NoSelectors(url, html).paragraphs


METHODS: dict[str, Callable[[str, str], list[str]]] = {
    "density": density,
    "trafilatura": trafilatura_only,
    "trafilatura+element": trafilatura_element,
}


def cleaned(paragraphs: list[str]) -> str:
    item = ArticleItem(
        story_id="x:1", url="", headline="x", article_body="\n\n".join(paragraphs), site="x"
    )
    clean_article(item)
    return item.article_body or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    options = parser.parse_args()
    print(f"{'theme':10} {'method':20} {'F1 mean':>8} {'F1 min':>7} {'exact':>6} {'ms/page':>8}")
    for theme, kwargs in THEMES.items():
        site = generate_site(n_stories=options.stories, seed=9, base_url=BASE_URL, **kwargs)
        app = SiteApp(site)
        pages = [
            (t, app.handle(t["url"].removeprefix(BASE_URL)).body.decode()) for t in site.truth()
        ]
        for name, method in METHODS.items():
            started = time.perf_counter()
            bodies = [cleaned(method(t["url"], html)) for t, html in pages]
            elapsed = (time.perf_counter() - started) / len(pages) * 1000
            f1 = [token_f1(b, t["article_body"]) for b, (t, _) in zip(bodies, pages, strict=True)]
            exact = sum(b == t["article_body"] for b, (t, _) in zip(bodies, pages, strict=True))
            print(
                f"{theme:10} {name:20} {statistics.mean(f1):8.4f} {min(f1):7.4f} "
                f"{exact / len(pages):6.0%} {elapsed:8.1f}"
            )


if __name__ == "__main__":
    main()
