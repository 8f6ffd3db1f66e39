"""Writes replica article pages as data-driven page-test cases.

Each case is ``<name>.html`` plus ``<name>.json`` whose expected record comes from
the replica's truth, not from the page object, so the tests check the page
object against an independent answer. Run:

    python -m replica.fixtures tests/fixtures/pages/timesca
    python -m replica.fixtures tests/fixtures/pages/steppeherald --site steppeherald
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .app import SiteApp
from .model import Site, Story, generate_site
from .presets import PRESETS, PUBLIC_BASE_URLS

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
# Steppe Herald has one template and no JSON-LD: cases differ by content instead.
HERALD_CASES: dict[str, Selector] = {
    "plain-story": lambda s, m: not m["furniture"] and len(s.authors) == 1 and not s.tags,
    "two-authors-tags-edited": lambda s, m: (
        len(s.authors) >= 2 and len(s.tags) >= 2 and s.modified != s.published
    ),
    "figures-and-list": lambda s, m: (
        any(b.kind == "figure" for b in s.blocks) and any(b.kind == "ul" for b in s.blocks)
    ),
    "newsletter-and-share": lambda s, m: {"newsletter", "share"} <= set(m["furniture"]),
    "spam-paragraph": lambda s, m: m["has_spam"],
    "weekly-digest": lambda s, m: m["series"] is not None,
}
CASES_BY_SITE = {"timesca": CASES, "steppeherald": HERALD_CASES}


def write_cases(
    site: Site,
    directory: Path,
    spider: str,
    *,
    base_url: str = BASE_URL,
    cases: dict[str, Selector] | None = None,
) -> list[str]:
    site.base_url = base_url
    app = SiteApp(site)
    truth = {t["_meta"]["post_id"]: t for t in site.truth()}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, wanted in (CASES if cases is None else cases).items():
        story = next((s for s in site.stories if wanted(s, truth[s.post_id]["_meta"])), None)
        if story is None:
            continue
        expected = {k: truth[story.post_id][k] for k in EXPECTED_FIELDS}
        html = app.handle(expected["url"].removeprefix(base_url)).body.decode("utf-8")
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
    parser.add_argument("--site", choices=sorted(CASES_BY_SITE), default="timesca")
    parser.add_argument("--spider", help="spider whose page class reads them (default: --site)")
    options = parser.parse_args()
    base_url = PUBLIC_BASE_URLS[options.site]
    site = generate_site(
        n_stories=options.stories, seed=options.seed, base_url=base_url, **PRESETS[options.site]
    )
    cases = CASES_BY_SITE[options.site]
    spider = options.spider or options.site
    for name in write_cases(site, options.directory, spider, base_url=base_url, cases=cases):
        print(f"wrote {options.directory / name}.html/.json")


if __name__ == "__main__":
    main()
