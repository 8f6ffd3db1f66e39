"""Writes replica article pages as data-driven page-test cases.

Each case is ``<name>.html`` plus ``<name>.json`` whose expected record comes from
the replica's truth, not from the page object, so the tests check the page
object against an independent answer. Run:

    python -m replica.fixtures tests/fixtures/pages/timesca
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .app import SiteApp
from .model import Site, Story, generate_site

BASE_URL = "https://timesca.com"
EXPECTED_FIELDS = (
    "story_id", "url", "aliases", "headline", "description", "article_body", "authors",
    "section", "tags", "date_published", "date_modified", "in_language", "images",
    "word_count", "site",
)  # fmt: skip

Selector = Callable[[Story, dict[str, Any]], bool]
CASES: dict[str, Selector] = {
    "modern-jsonld": lambda s, m: (
        m["template"] == "modern" and m["has_jsonld"] and m["has_og_dates"]
    ),
    "modern-no-jsonld": lambda s, m: m["template"] == "modern" and not m["has_jsonld"],
    "modern-no-og-dates": lambda s, m: m["template"] == "modern" and not m["has_og_dates"],
    "legacy-template": lambda s, m: m["template"] == "legacy" and m["has_jsonld"],
    "legacy-template-no-jsonld": lambda s, m: m["template"] == "legacy" and not m["has_jsonld"],
    "spam-paragraph": lambda s, m: m["has_spam"],
    "weekly-digest": lambda s, m: m["series"] is not None,
    "all-furniture": lambda s, m: len(m["furniture"]) >= 3,
    "legacy-era-with-alias": lambda s, m: m["legacy_url"] is not None and not m["has_spam"],
}


def write_cases(site: Site, directory: Path, spider: str) -> list[str]:
    site.base_url = BASE_URL
    app = SiteApp(site)
    truth = {t["_meta"]["post_id"]: t for t in site.truth()}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, wanted in CASES.items():
        story = next((s for s in site.stories if wanted(s, truth[s.post_id]["_meta"])), None)
        if story is None:
            continue
        expected = {k: truth[story.post_id][k] for k in EXPECTED_FIELDS}
        html = app.handle(expected["url"].removeprefix(BASE_URL)).body.decode("utf-8")
        (directory / f"{name}.html").write_text(html, encoding="utf-8")
        case = {"url": expected["url"], "spider": spider, "expected": expected}
        (directory / f"{name}.json").write_text(
            json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--spider", default="timesca")
    options = parser.parse_args()
    site = generate_site(n_stories=options.stories, seed=options.seed, base_url=BASE_URL)
    for name in write_cases(site, options.directory, options.spider):
        print(f"wrote {options.directory / name}.html/.json")


if __name__ == "__main__":
    main()
