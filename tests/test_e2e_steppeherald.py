"""mode=full against the second site, Steppe Herald: its own theme, no JSON-LD, no ticker,
UTC+06:00, and WordPress core sitemaps that robots.txt does not name. Every story
exactly once, every field right, all by the site's own (declarative) page object."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from replica import ReplicaServer
from tcacrawler.validation import schema_errors
from tests.crawling import REPO, CrawlResult, run_crawl
from tests.test_e2e_full import COMPARED_FIELDS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crawl(
    steppeherald_server: ReplicaServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    steppeherald_server.clear_log()
    result = run_crawl(
        "steppeherald",
        steppeherald_server.base_url,
        tmp_path_factory.mktemp("steppeherald"),
        args={"mode": "full"},
    )
    assert result.returncode == 0, result.log[-3000:]
    return result


@pytest.fixture(scope="module")
def truth(steppeherald_server: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {story["story_id"]: story for story in steppeherald_server.site.truth()}


def test_every_story_exactly_once(crawl: CrawlResult, truth: dict[str, dict[str, Any]]) -> None:
    counts = Counter(r["story_id"] for r in crawl.articles)
    duplicates = {k: v for k, v in counts.items() if v > 1}
    assert (set(truth) - set(counts), duplicates, set(counts) - set(truth)) == (set(), {}, set())


@pytest.mark.parametrize("field_name", COMPARED_FIELDS)
def test_field_equals_truth(
    crawl: CrawlResult, truth: dict[str, dict[str, Any]], field_name: str
) -> None:
    wrong = {
        r["story_id"]: (r[field_name], truth[r["story_id"]][field_name])
        for r in crawl.articles
        if r[field_name] != truth[r["story_id"]][field_name]
    }
    assert not wrong, f"{len(wrong)} stories differ, e.g. {next(iter(wrong.items()))}"


def test_page_object_extracted_every_story(crawl: CrawlResult) -> None:
    assert {r["extraction"] for r in crawl.articles} == {"page"}
    assert "tca/extraction/fallback" not in crawl.manifest["stats"]


def test_records_valid_and_no_rates(crawl: CrawlResult) -> None:
    assert [schema_errors(r) for r in crawl.records if schema_errors(r)] == []
    assert crawl.rates == []  # no ticker on this site
    assert crawl.manifest["status"] == "finished"


def test_found_the_core_sitemaps_by_probing(
    crawl: CrawlResult, steppeherald_server: ReplicaServer
) -> None:
    statuses = {e["path"]: e["status"] for e in steppeherald_server.request_log}
    assert statuses.get("/sitemap_index.xml") == 404  # robots.txt names no sitemap: probe
    assert statuses.get("/wp-sitemap.xml") == 200
    assert statuses.get("/wp-sitemap-posts-post-1.xml") == 200
    assert not any("taxonomies" in p or "users" in p for p in statuses)
    assert crawl.manifest["stats"].get("tca/discovery/sitemap", 0) >= len(crawl.articles)


def test_an_hourly_run_on_the_unchanged_site_is_healthy(
    crawl: CrawlResult, steppeherald_server: ReplicaServer
) -> None:
    # (last in this file: it adds to the request log the probing test reads)
    # The first sitemap probe answers 404 every run; with 4 requests in all, counting it
    # as a bad status made every hourly run "unhealthy" (25% > 10%).
    latest = run_crawl(
        "steppeherald",
        steppeherald_server.base_url,
        crawl.output_dir.parent,
        args={"mode": "latest"},
    )
    assert latest.returncode == 0, latest.log[-3000:]
    assert latest.manifest["status"] == "finished"
    assert latest.articles == []
    assert latest.manifest["stats"]["tca/discovery/expected_404"] == 1


def test_the_demo_serves_the_spiders_own_site(tmp_path: Path) -> None:
    # `python -m replica.demo --spider steppeherald` must crawl Steppe Herald's replica,
    # not timesca's, whose theme that spider has no selectors for.
    done = subprocess.run(
        [sys.executable, "-m", "replica.demo", "--stories", "12", "--spider", "steppeherald",
         "--output", str(tmp_path)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "stories found: 12/12; unexpected records: 0" in done.stdout, done.stdout[-3000:]
    assert "  article_body    12/12 exact" in done.stdout
