"""CPU per article of each step of the item path, page by page as a crawl runs them.

    .venv/bin/python benchmarks/bench_item_path.py [--stories 2000] [--rounds 2]
        [--before OTHER_SOURCE_TREE]

The replica's article pages are rendered in memory (no HTTP, no Scrapy), then each page
goes through every step in turn before the next page: the page object, the boilerplate
cleaner, the stamp, schema validation, the story deduplicator's check and record on a
real SQLite store in a temporary directory, and the JSON Lines export; ``lxml.html``'s
parse of the same page is timed alongside as a yardstick. Page by page, each step finds
the CPU caches as the other steps left them, as in a crawl (a step timed on its own, over
all pages in a row, looks cheaper). With ``--before DIR`` the same is run, in a child
process, with the tcacrawler of another source tree, alternating with this one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = (
    "lxml.html parse",
    "page object",
    "clean",
    "stamp",
    "validate",
    "dedup check",
    "dedup record",
    "export",
)


def measure(stories: int) -> dict[str, float]:
    """ms of CPU per page of each step, for the tcacrawler on sys.path."""
    import lxml.html

    from replica import SiteApp, generate_site
    from replica.presets import PRESETS
    from tcacrawler.dedup import StoryDeduplicator
    from tcacrawler.exporters import dumps_line, exportable
    from tcacrawler.extract import clean_article, stamp_article
    from tcacrawler.pages.timesca import TimescaArticlePage
    from tcacrawler.store import SQLiteStore
    from tcacrawler.urls import normalize_url
    from tcacrawler.validation import schema_errors

    base = "http://127.0.0.1:8765"
    site = generate_site(stories, 1, base, today=date(2025, 12, 9), **PRESETS["timesca"])
    app = SiteApp(site)
    pages = [
        (t["url"], app.handle(t["url"].removeprefix(base)).body.decode("utf-8"))
        for t in site.truth()
    ]
    spent: Counter[str] = Counter()
    clock = time.process_time_ns
    with tempfile.TemporaryDirectory() as directory:
        store = SQLiteStore(Path(directory) / "stories.sqlite3")
        store.begin_run("bench", mode="full")
        dedup = StoryDeduplicator(store)
        for url, html in pages:
            ticks = [clock()]
            lxml.html.fromstring(html)
            ticks.append(clock())
            item = TimescaArticlePage(url, html).to_item()
            ticks.append(clock())
            clean_article(item)
            ticks.append(clock())
            stamp_article(item)
            item.retrieved_at = "2025-12-09T00:00:00+00:00"  # (the StampPipeline's clock)
            ticks.append(clock())
            errors = schema_errors(exportable(item))
            ticks.append(clock())
            page_url = normalize_url(item.url)
            aliases = sorted({normalize_url(a) for a in item.aliases} - {page_url})
            decision = dedup.check(
                item.story_id, page_url, aliases, item.article_body, item.date_modified
            )
            ticks.append(clock())
            dedup.record(
                decision,
                run_id="bench",
                url=page_url,
                aliases=aliases,
                body=item.article_body,
                date_modified=item.date_modified,
            )
            ticks.append(clock())
            item.revision = decision.revision
            dumps_line(exportable(item))
            ticks.append(clock())
            if errors:
                raise SystemExit(f"{url}: {errors}")
            for step, (start, end) in zip(STEPS, pairwise(ticks), strict=True):
                spent[step] += end - start
        store.close()
    return {step: spent[step] / len(pages) / 1e6 for step in STEPS}


def run_tree(tree: Path, stories: int) -> dict[str, float]:
    """measure() in a child process, with ``tree`` first on the path."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--stories", str(stories)],
        env={**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"},
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before", type=Path, default=None, help="another source tree")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, os.getcwd())
        print(json.dumps(measure(options.stories)))
        return 0
    trees = {"ours": ROOT} | ({"before": options.before} if options.before else {})
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in trees}
    for round_number in range(options.rounds):
        order = list(trees) if round_number % 2 == 0 else list(trees)[::-1]
        for side in order:
            runs[side].append(run_tree(trees[side], options.stories))
    print(f"{options.stories} timesca pages, {options.rounds} rounds, medians, ms CPU per page")
    print(f"{'step':16}" + "".join(f"{side:>10}" for side in trees))
    for step in (*STEPS, "steps total"):
        cells = []
        for side in trees:
            if step == "steps total":
                totals = [sum(v for k, v in run.items() if k != STEPS[0]) for run in runs[side]]
                cells.append(statistics.median(totals))
            else:
                cells.append(statistics.median(run[step] for run in runs[side]))
        print(f"{step:16}" + "".join(f"{cell:10.3f}" for cell in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
