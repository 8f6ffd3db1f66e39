"""Bad input, end to end: real `scrapy crawl` runs against replicas with faults switched on.

One crawl of a replica with ``bad_input=True`` (see replica/badinput.py) serves every
broken case at once; it runs with the host's clock in New York to show that dates do
not depend on the host's time zone. Separate small crawls cover a robots.txt that
answers 503 and layout drift.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replica import ReplicaServer, generate_site
from replica.badinput import BAD_PAGES, BAD_SITEMAPS, FLAKY_FAILURES, BadPage, bad_input_truth
from tests.crawling import CrawlResult, run_crawl

pytestmark = pytest.mark.e2e

BAD_SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": "1000000",
    "TCA_RETRY_BACKOFF_BASE": "0.2",
}
COMPARED_FIELDS = ("headline", "article_body", "authors", "date_published", "date_modified")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[^\]]+\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): "
)


@pytest.fixture(scope="module")
def bad_server() -> Iterator[ReplicaServer]:
    site = generate_site(n_stories=100, seed=11, base_url="http://127.0.0.1", bad_input=True)
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bad_crawl(bad_server: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    bad_server.clear_log()
    return run_crawl(
        "timesca",
        bad_server.base_url,
        tmp_path_factory.mktemp("bad"),
        args={"mode": "full"},
        settings=BAD_SETTINGS,
        env={"TZ": "America/New_York"},
    )


@pytest.fixture(scope="module")
def by_url(bad_crawl: CrawlResult) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in bad_crawl.articles}


def stat(result: CrawlResult, name: str) -> int:
    """A stat from the manifest (tca/...) or, for Scrapy's own, from the final stats dump."""
    if name in result.manifest["stats"] or name.startswith("tca/"):
        return int(result.manifest["stats"].get(name, 0))
    match = re.search(rf"'{re.escape(name)}': (\d+)", result.log)
    return int(match[1]) if match else 0


def python_tracebacks(log: str) -> list[str]:
    """Tracebacks in the log other than Spidermon's report of a failed monitor."""
    blocks = log.split("Traceback (most recent call last):")[1:]
    return [b[:500] for b in blocks if "tcacrawler/monitors.py" not in b[:300]]


def loud_lines(result: CrawlResult, needle: str) -> list[str]:
    """Log lines at WARNING or above that mention ``needle``."""
    found = []
    for line in result.log.splitlines():
        match = LOG_LINE.match(line)
        if match and match[1] in ("WARNING", "ERROR", "CRITICAL") and needle in line:
            found.append(line)
    return found


def test_the_crawl_finishes_healthy(bad_crawl: CrawlResult) -> None:
    assert bad_crawl.returncode == 0, bad_crawl.log[-4000:]
    assert bad_crawl.manifest["status"] == "finished"
    assert bad_crawl.manifest["stats"]["finish_reason"] == "finished"
    assert python_tracebacks(bad_crawl.log) == []


def test_every_good_story_exported_once_with_host_zone_independent_dates(
    bad_crawl: CrawlResult, bad_server: ReplicaServer
) -> None:
    """The crawl ran with TZ=America/New_York; dates must still equal the truth."""
    truth = {s["story_id"]: s for s in bad_server.site.truth()}
    counts = Counter(r["story_id"] for r in bad_crawl.articles)
    assert {k for k, v in counts.items() if v > 1} == set()
    assert set(truth) - set(counts) == set()
    wrong = [
        (r["story_id"], name)
        for r in bad_crawl.articles
        if r["story_id"] in truth
        for name in COMPARED_FIELDS
        if r[name] != truth[r["story_id"]][name]
    ]
    assert wrong == []


@pytest.mark.parametrize("page", BAD_PAGES, ids=lambda p: p.slug)
def test_bad_page(
    page: BadPage,
    bad_crawl: CrawlResult,
    bad_server: ReplicaServer,
    by_url: dict[str, dict[str, Any]],
) -> None:
    url = f"{bad_server.base_url}/{page.slug}/"
    record = by_url.get(url)
    if page.outcome == "exported":
        assert record is not None, f"{page.what}: no record"
        assert record["headline"] and record["article_body"]
        for text in page.contains:
            assert text in record["article_body"], (text, record["article_body"][:300])
        for text in page.excludes:
            assert text not in record["article_body"], (text, record["article_body"][:300])
        for name, value in page.expect.items():
            assert record[name] == value, name
        return
    assert record is None
    assert page.stat is not None
    sharing = sum(1 for p in BAD_PAGES if p.stat == page.stat)
    assert stat(bad_crawl, page.stat) == sharing, page.stat
    if page.outcome == "failed":
        lines = loud_lines(bad_crawl, url)
        assert len(lines) == 1, f"{page.what}: logged {len(lines)} times at WARNING+: {lines}"


def test_a_body_read_past_a_stray_closing_tag_is_counted(bad_crawl: CrawlResult) -> None:
    assert stat(bad_crawl, "tca/extraction/body_continued") == 1
    assert "bad-stray-close/ read on past a stray closing tag: 3 more blocks" in bad_crawl.log


def test_truth_covers_every_case(bad_server: ReplicaServer) -> None:
    assert set(bad_input_truth(bad_server.base_url)) == {
        f"{bad_server.base_url}/{p.slug}/" for p in BAD_PAGES
    }


def test_text_decoding(bad_crawl: CrawlResult) -> None:
    assert stat(bad_crawl, "tca/pages/decoded/cp1252-undeclared") == 1
    assert stat(bad_crawl, "tca/pages/decoded/utf-8-despite-header") == 1
    for record in bad_crawl.articles:
        assert "\ufffd" not in record["article_body"]
        assert "\u00e2\u20ac" not in record["article_body"], "UTF-8 read as windows-1252"


def test_flaky_page_retried_after_retry_after(bad_server: ReplicaServer) -> None:
    hits = [e for e in bad_server.request_log if e["path"] == "/bad-flaky/"]
    assert [e["status"] for e in hits] == [503] * FLAKY_FAILURES + [200]
    gaps = [b["time"] - a["time"] for a, b in itertools.pairwise(hits)]
    assert all(gap >= 0.9 for gap in gaps), gaps  # Retry-After: 1


def test_failing_page_retried_with_backoff_then_given_up(
    bad_crawl: CrawlResult, bad_server: ReplicaServer
) -> None:
    hits = [e for e in bad_server.request_log if e["path"] == "/bad-broken/"]
    assert len(hits) == 1 + 3  # RETRY_TIMES
    gaps = [b["time"] - a["time"] for a, b in itertools.pairwise(hits)]
    assert gaps[0] >= 0.15 and gaps[2] >= 0.7, gaps  # 0.2 s, 0.4 s, 0.8 s
    assert stat(bad_crawl, "retry/max_reached") >= 2  # the 500 and the slow page


def test_hostile_sitemaps_refused_and_listings_used(
    bad_crawl: CrawlResult, bad_server: ReplicaServer
) -> None:
    requested = [e["path"] for e in bad_server.request_log]
    for path in BAD_SITEMAPS:
        assert requested.count(path) == 1
    assert stat(bad_crawl, "tca/discovery/sitemap_too_large") == 1  # .xml.gz file
    assert stat(bad_crawl, "tca/discovery/sitemap_failed") == 1  # Content-Encoding bomb
    assert stat(bad_crawl, "tca/discovery/sitemap_dtd") == 1  # billion laughs
    assert stat(bad_crawl, "tca/discovery/listing_fallback") == 1
    assert not any("lol" in p for p in requested), "an entity was expanded into a URL"
    for path in BAD_SITEMAPS:
        assert len(loud_lines(bad_crawl, path)) == 1


def test_nothing_off_site_was_requested(bad_crawl: CrawlResult) -> None:
    assert stat(bad_crawl, "tca/discovery/offsite_link_skipped") == 1  # link on the listing
    assert stat(bad_crawl, "offsite/filtered") == 1  # the 302 to elsewhere.example
    assert "elsewhere.example/" not in "".join(r["url"] for r in bad_crawl.articles)
    assert not [k for k in bad_crawl.manifest["stats"] if "DNSLookupError" in k]
    assert "DNSLookupError" not in bad_crawl.log


def test_no_record_breaks_a_line_reader(bad_crawl: CrawlResult) -> None:
    run_id = bad_crawl.manifest["run_id"]
    raw = (bad_crawl.output_dir / "timesca" / f"{run_id}.jsonl").read_text(encoding="utf-8")
    lines = raw.splitlines()  # splits on U+2028, U+2029, U+0085, \x0b, \x0c, \x1c-\x1e too
    assert len(lines) == len(bad_crawl.records) == raw.count("\n")
    records = [json.loads(line) for line in lines]
    odd = next(r for r in records if r["url"].endswith("/bad-line-separators/"))
    assert odd["headline"].endswith("line separators")
    assert odd["authors"] == ["Line Breaker"]


# -- robots.txt 5xx, layout drift ----------------------------------------------


def test_robots_txt_503_fetches_nothing_else(tmp_path: Path) -> None:
    site = generate_site(n_stories=10, seed=5, base_url="http://127.0.0.1", robots_status=503)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        result = run_crawl(
            "timesca",
            server.base_url,
            tmp_path,
            args={"mode": "latest"},
            settings={"TCA_RETRY_BACKOFF_BASE": "0.1"},
        )
        paths = {e["path"] for e in server.request_log}
    assert paths == {"/robots.txt"}
    assert python_tracebacks(result.log) == []
    assert result.manifest["stats"]["finish_reason"] == "finished"
    robots_lines = [
        line
        for line in result.log.splitlines()
        if "robots.txt" in line and "nothing on this site will be crawled" in line
    ]
    assert len(robots_lines) == 1, robots_lines
    assert result.returncode == 3  # nothing could be crawled: a human should know
    assert result.manifest["status"] == "unhealthy"
    assert "Run/robots.txt readable" in result.manifest["stats"]["tca/health/failed_monitors"]


def test_robots_txt_redirect_loop_is_followed_five_times_then_ignored(tmp_path: Path) -> None:
    # RFC 9309 2.3.1.2: at least five redirects are followed; past them robots.txt is
    # "unavailable", which allows the whole site (as a 4xx does)
    site = generate_site(n_stories=10, seed=5, base_url="http://127.0.0.1", robots_status=302)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        result = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        robots_fetches = [e for e in server.request_log if e["path"] == "/robots.txt"]
    assert result.returncode == 0, result.log[-3000:]
    assert len(robots_fetches) == 6  # the first answer and five redirects
    assert len(result.articles) == 10
    assert python_tracebacks(result.log) == []
    warnings = [line for line in result.log.splitlines() if "redirects more than 5" in line]
    assert len(warnings) == 1, warnings


def test_layout_drift_makes_the_run_unhealthy(tmp_path: Path) -> None:
    site = generate_site(n_stories=40, seed=9, base_url="http://127.0.0.1", layout_drift=0.6)
    with ReplicaServer(site, host="127.0.0.1", port=0) as server:
        result = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
    assert result.returncode == 3, result.log[-3000:]
    assert len(result.articles) == 40, "a drifted run still exports what it found"
    assert result.manifest["status"] == "unhealthy"
    assert "Records/field coverage" in result.manifest["stats"]["tca/health/failed_monitors"]
    undated = sum(1 for r in result.articles if r["date_published"] is None)
    assert 12 <= undated <= 36
    assert [line for line in result.log.splitlines() if "layout drift?" in line]
