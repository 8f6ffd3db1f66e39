"""mode=full against the 300-story replica: every story exactly once, every field right."""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.request import urlopen
from urllib.robotparser import RobotFileParser

import pytest

from replica import ReplicaServer
from tcacrawler.validation import schema_errors
from tests.crawling import CrawlResult, run_crawl

pytestmark = pytest.mark.e2e

COMPARED_FIELDS = (
    "url",
    "headline",
    "description",
    "article_body",
    "authors",
    "section",
    "tags",
    "date_published",
    "date_modified",
    "in_language",
    "images",
    "word_count",
    "site",
)


@pytest.fixture(scope="module")
def full_crawl(
    replica_server: ReplicaServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    replica_server.clear_log()
    result = run_crawl(
        "timesca", replica_server.base_url, tmp_path_factory.mktemp("full"), args={"mode": "full"}
    )
    assert result.returncode == 0, result.log[-3000:]
    return result


@pytest.fixture(scope="module")
def truth(replica_server: ReplicaServer) -> dict[str, dict[str, Any]]:
    return {story["story_id"]: story for story in replica_server.site.truth()}


def test_every_story_exactly_once(
    full_crawl: CrawlResult, truth: dict[str, dict[str, Any]]
) -> None:
    counts = Counter(r["story_id"] for r in full_crawl.articles)
    duplicates = {k: v for k, v in counts.items() if v > 1}
    missing = set(truth) - set(counts)
    unexpected = set(counts) - set(truth)
    assert (missing, duplicates, unexpected) == (set(), {}, set())


@pytest.mark.parametrize("field_name", COMPARED_FIELDS)
def test_field_equals_truth(
    full_crawl: CrawlResult, truth: dict[str, dict[str, Any]], field_name: str
) -> None:
    wrong = {
        r["story_id"]: (r[field_name], truth[r["story_id"]][field_name])
        for r in full_crawl.articles
        if r["story_id"] in truth and r[field_name] != truth[r["story_id"]][field_name]
    }
    assert not wrong, f"{len(wrong)} stories differ, e.g. {next(iter(wrong.items()))}"


def test_aliases_include_the_shortlink(
    full_crawl: CrawlResult, truth: dict[str, dict[str, Any]]
) -> None:
    for record in full_crawl.articles:
        assert set(truth[record["story_id"]]["aliases"]) <= set(record["aliases"])
        assert record["url"] not in record["aliases"]


def test_every_record_matches_the_schema(full_crawl: CrawlResult) -> None:
    assert full_crawl.records and full_crawl.rates
    invalid = [
        (r.get("story_id"), schema_errors(r))
        for r in full_crawl.records + full_crawl.rates
        if schema_errors(r)
    ]
    assert invalid == []


def test_no_ticker_or_furniture_in_bodies(full_crawl: CrawlResult) -> None:
    for record in full_crawl.articles:
        body = record["article_body"]
        assert "/USD =" not in body
        assert "Share this:" not in body
        assert "Subscribe to our newsletter" not in body
        assert "Read also:" not in body
        assert "bozdurma" not in body


def test_no_request_to_robots_disallowed_paths(
    full_crawl: CrawlResult, replica_server: ReplicaServer
) -> None:
    robots = RobotFileParser()
    with urlopen(f"{replica_server.base_url}/robots.txt") as answer:
        robots.parse(answer.read().decode().splitlines())
    requested = [entry["path"] for entry in replica_server.request_log]
    assert requested, "the server saw no requests"
    forbidden = [
        p for p in requested if not robots.can_fetch("tcacrawler", replica_server.base_url + p)
    ]
    assert forbidden == []


def test_output_layout_and_manifest(full_crawl: CrawlResult) -> None:
    site_dir: Path = full_crawl.output_dir / "timesca"
    run_id = full_crawl.manifest["run_id"]
    assert (site_dir / f"{run_id}.jsonl").is_file()
    assert (site_dir / "rates" / f"{run_id}.jsonl").is_file()
    assert full_crawl.manifest["counts"]["article"] == len(full_crawl.articles)
    assert not list(site_dir.rglob(".*.part")), "a temporary file was left behind"


def test_published_files_are_as_readable_as_the_umask_allows(full_crawl: CrawlResult) -> None:
    # Downstream jobs often read the files as another user: a temporary file's 0600 must
    # not survive the rename.
    umask = os.umask(0)
    os.umask(umask)
    site_dir: Path = full_crawl.output_dir / "timesca"
    run_id = full_crawl.manifest["run_id"]
    published = [
        site_dir / f"{run_id}.jsonl",
        site_dir / "rates" / f"{run_id}.jsonl",
        site_dir / "manifests" / f"{run_id}.json",
    ]
    modes = {
        str(path.relative_to(site_dir)): stat.S_IMODE(path.stat().st_mode) for path in published
    }
    assert modes == dict.fromkeys(modes, 0o666 & ~umask)


def test_every_rate_exported_once_with_the_right_values(
    full_crawl: CrawlResult, replica_server: ReplicaServer
) -> None:
    expected = {
        (r["base"], r["quote"], r["as_of"]): (r["rate"], r["change_pct"])
        for r in replica_server.site.rates_truth()
    }
    exported = [
        ((r["base"], r["quote"], r["as_of"]), (r["rate"], r["change_pct"]))
        for r in full_crawl.rates
    ]
    assert len(exported) == len(dict(exported)), "a rate was exported twice"
    assert dict(exported) == expected
    negative_zero = [
        r for r in full_crawl.rates if r["change_pct"] == 0 and str(r["change_pct"]).startswith("-")
    ]
    shown_negative_zero = [
        k for k, (_, change) in expected.items() if change == 0 and str(change) == "-0.0"
    ]
    assert len(negative_zero) == len(shown_negative_zero)


def test_duplicates_and_revisions_on_a_first_full_run(full_crawl: CrawlResult) -> None:
    assert {r["revision"] for r in full_crawl.articles} == {1}
    assert [r["story_id"] for r in full_crawl.articles if r["duplicate_of"]] == []


def test_a_clean_run_logs_no_warning(full_crawl: CrawlResult) -> None:
    """On a healthy site a cron log has nothing to warn about: every WARNING is a
    signal someone must be able to trust (the replica serves its traps elsewhere)."""
    noisy = [line for line in full_crawl.log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert noisy == []
