"""The page object against plain lxml parsing and trafilatura: time per page and accuracy.

    .venv/bin/python benchmarks/bench_page_object.py [--stories 300] [--rounds 5]
        [--site timesca|steppeherald] [--text] [--before DIR]

On the replica's article pages (the site's own theme mix), in the same process and
interleaved page by page (the order of the methods rotates), measures CPU time
(``time.process_time``) per page of the following, each given the page as the crawl has
it, the response body (UTF-8 bytes; the spider hands the page object the body itself,
see ``tcacrawler.encoding.page_markup``), or with ``--text`` the decoded page (str); the
``--before`` side, whose page object took text only, the decoded page:

- ``lxml.html``: ``lxml.html.fromstring(html)``, plain lxml parsing (the floor);
- ``lxml etree``: ``etree.fromstring(html, etree.HTMLParser())``;
- ``page object``: ``<Site>ArticlePage(url, html).to_item()``, everything the crawl does
  with a page before the pipelines (its own parse included);
- ``page + cleaning``: the same plus the boilerplate cleaner (``clean_article``), i.e. the
  record's text as exported;
- ``trafilatura``: ``trafilatura.extract(html, url=url)`` with its defaults.

Then the same methods again in blocks (each over all pages in a row, the order rotating
each round): page by page, trafilatura's allocations evict the CPU caches between two
page objects, which a crawl does not do. Reports the median over the rounds of the
per-page time (both ways), the ratio page object / lxml.html
parse, and the body token-F1 against the replica's truth (mean, min, share exactly
right) of the exported body and of trafilatura's text.

``--before DIR`` adds ``page object (before)``: the page object of another source tree
(e.g. ``git worktree add /tmp/before <commit>``), with this tree's site selectors, and
checks that both give the same records.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from replica import SiteApp, generate_site
from replica.presets import PRESETS
from tcacrawler.exporters import exportable
from tcacrawler.extract import clean_article
from tcacrawler.pages.steppeherald import SteppeHeraldArticlePage
from tcacrawler.pages.timesca import TimescaArticlePage
from tcacrawler.pages.wordpress import WordPressArticlePage
from tcacrawler.quality import token_f1

BASE_URL = "https://timesca.com"
PAGE_CLASSES: dict[str, type[WordPressArticlePage]] = {
    "timesca": TimescaArticlePage,
    "steppeherald": SteppeHeraldArticlePage,
}


def pages_of(
    site_name: str, stories: int, *, text: bool
) -> list[tuple[dict[str, Any], str | bytes]]:
    site = generate_site(n_stories=stories, seed=1, base_url=BASE_URL, **PRESETS[site_name])
    app = SiteApp(site)
    bodies = [
        (truth, app.handle(truth["url"].removeprefix(BASE_URL)).body) for truth in site.truth()
    ]
    return [(truth, body.decode("utf-8") if text else body) for truth, body in bodies]


def before_page_class(tree: Path, page_class: type[WordPressArticlePage]) -> type[Any]:
    """``page_class``'s site, on the WordPressArticlePage of another source tree."""
    spec = importlib.util.spec_from_file_location(
        "before_wordpress", tree / "tcacrawler" / "pages" / "wordpress.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = ("site", "default_tz_offset_minutes", "headline_suffixes")
    attributes = {name: getattr(page_class, name) for name in names}
    attributes |= {
        name: getattr(page_class, name) for name in dir(page_class) if name.endswith("_css")
    }
    return type(f"Before{page_class.__name__}", (module.WordPressArticlePage,), attributes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--site", choices=sorted(PAGE_CLASSES), default="timesca")
    parser.add_argument("--before", type=Path, default=None, help="another source tree")
    parser.add_argument("--text", action="store_true", help="give every method a str")
    options = parser.parse_args()
    page_class = PAGE_CLASSES[options.site]
    pages = pages_of(options.site, options.stories, text=options.text)

    def page_object(url: str, html: str | bytes) -> Any:
        return page_class(url, html).to_item()

    def page_and_cleaning(url: str, html: str | bytes) -> Any:
        item = page_class(url, html).to_item()
        clean_article(item)
        return item

    methods: dict[str, Callable[[str, str | bytes], Any]] = {
        "lxml.html": lambda url, html: lxml_html.fromstring(html),
        "lxml etree": lambda url, html: etree.fromstring(html, etree.HTMLParser()),
        "page object": page_object,
        "page + cleaning": page_and_cleaning,
        "trafilatura": lambda url, html: trafilatura.extract(html, url=url),
    }
    if options.before is not None:
        before = before_page_class(options.before, page_class)

        # A tree from before the bytes input took the page as text only. Its crawl had the
        # text decoded anyway (the meta-refresh check decodes every page, in both trees),
        # so the decoding is not charged to it here.
        texts = {
            truth["url"]: html.decode("utf-8") if isinstance(html, bytes) else html
            for truth, html in pages
        }

        def before_page_object(url: str, html: str | bytes) -> Any:
            return before(url, texts[url]).to_item()

        methods["page object (before)"] = before_page_object
        for truth, html in pages:
            # The exported records (the transient header text, read only for rates on
            # sites with a ticker, is not part of them).
            ours, theirs = page_object(truth["url"], html), before_page_object(truth["url"], html)
            if exportable(theirs) != exportable(ours):
                raise SystemExit(f"the two page objects disagree on {truth['url']}")
        print(f"before and after page objects: same records on all {len(pages)} pages")
    names = list(methods)
    for truth, html in pages[:10]:  # warm up (imports, caches)
        for method in methods.values():
            method(truth["url"], html)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    ratios: list[float] = []
    for round_number in range(options.rounds):
        spent = dict.fromkeys(names, 0.0)
        for index, (truth, html) in enumerate(pages):
            shift = (index + round_number) % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.process_time()
                methods[name](truth["url"], html)
                spent[name] += time.process_time() - started
        for name in names:
            per_round[name].append(spent[name] / len(pages) * 1000)
        ratios.append(spent["page object"] / spent["lxml.html"])
    # The same methods in blocks: each over all pages in a row (the order rotating each
    # round), as in a crawl, where one page object follows another with only Scrapy's and
    # the pipelines' work between; page by page above, trafilatura's allocations evict
    # the caches between two page objects.
    per_block: dict[str, list[float]] = {name: [] for name in names}
    block_ratios: list[float] = []
    for round_number in range(options.rounds):
        spent = dict.fromkeys(names, 0.0)
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            method = methods[name]
            started = time.process_time()
            for truth, html in pages:
                method(truth["url"], html)
            spent[name] = time.process_time() - started
            per_block[name].append(spent[name] / len(pages) * 1000)
        block_ratios.append(spent["page object"] / spent["lxml.html"])

    ours_f1, ours_exact, theirs_f1, theirs_exact = [], 0, [], 0
    for truth, html in pages:
        item = page_and_cleaning(truth["url"], html)
        ours_f1.append(token_f1(item.article_body, truth["article_body"]))
        ours_exact += item.article_body == truth["article_body"]
        text = trafilatura.extract(html, url=truth["url"]) or ""
        theirs_f1.append(token_f1(text, truth["article_body"]))
        theirs_exact += " ".join(text.split()) == " ".join(truth["article_body"].split())

    given = "text (str)" if options.text else "body (UTF-8 bytes)"
    print(f"{len(pages)} {options.site} article pages given as {given}")
    print(f"{options.rounds} interleaved rounds:")
    print(f"{'method (CPU ms/page)':21} {'median':>10} {'min':>7} {'max':>7}")
    for name in names:
        values = per_round[name]
        print(f"{name:21} {statistics.median(values):10.3f} {min(values):7.3f} {max(values):7.3f}")
    parse = statistics.median(per_round["lxml.html"])
    ours = statistics.median(per_round["page object"])
    if options.before is not None:
        before_ms = statistics.median(per_round["page object (before)"])
        print(f"page object before / after: {before_ms / ours:.2f}x")
    print(
        f"page object / lxml.html parse: {statistics.median(ratios):.2f}x (median of rounds); "
        f"page object / trafilatura: {ours / statistics.median(per_round['trafilatura']):.3f}x"
        f"; lxml.html parse {parse:.3f} ms"
    )
    print(f"in blocks ({options.rounds} rounds):")
    for name in names:
        values = per_block[name]
        print(f"{name:21} {statistics.median(values):10.3f} {min(values):7.3f} {max(values):7.3f}")
    print(f"page object / lxml.html parse, in blocks: {statistics.median(block_ratios):.2f}x")
    print(f"{'body vs truth':21} {'token-F1 mean':>14} {'min':>7} {'exactly right':>14}")
    for name, f1, exact in (
        ("page + cleaning", ours_f1, ours_exact),
        ("trafilatura", theirs_f1, theirs_exact),
    ):
        print(f"{name:21} {statistics.mean(f1):14.4f} {min(f1):7.4f} {exact / len(pages):14.1%}")


if __name__ == "__main__":
    main()
