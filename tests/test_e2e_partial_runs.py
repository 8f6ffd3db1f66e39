"""Runs that could read only part of the site: every sitemap robots.txt names is read, and
what an hourly run missed comes in the next one, never hidden behind the 304s of the feed
and sitemap validators."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from replica import ReplicaServer, generate_site
from tests.crawling import CrawlResult, run_crawl
from tests.test_store_command import store_command

pytestmark = pytest.mark.e2e

CHILD_SITEMAP = "/post-sitemap.xml"  # the replica's one post sitemap at 60 stories


def _latest(server: ReplicaServer, work: Path, *, healthy: bool = True) -> CrawlResult:
    result = run_crawl(
        "timesca",
        server.base_url,
        work,
        args={"mode": "latest"},
        settings={"TCA_RETRY_BACKOFF_BASE": "0.1"},
    )
    # (a sitemap answering 503 on every try makes the run unhealthy, rightly)
    assert result.returncode in ((0,) if healthy else (0, 3)), result.log[-3000:]
    return result


def _all_ids(server: ReplicaServer) -> set[str]:
    return {t["story_id"] for t in server.site.truth()}


@pytest.mark.parametrize("fault", ["503", "truncated"])
def test_a_sitemap_not_read_in_full_is_read_again_next_run(
    fresh_replica: ReplicaServer, tmp_path: Path, fault: str
) -> None:
    fresh_replica.site.path_faults[CHILD_SITEMAP] = fault
    try:
        first = _latest(fresh_replica, tmp_path, healthy=False)
    finally:
        fresh_replica.site.path_faults.clear()
    first_ids = {r["story_id"] for r in first.articles}
    assert 0 < len(first_ids) < len(_all_ids(fresh_replica))
    assert "validators not kept this run: some sources were not read in full" in first.log
    if fault == "truncated":
        assert "is cut short (no closing tag)" in first.log

    second = _latest(fresh_replica, tmp_path)
    assert first_ids | {r["story_id"] for r in second.articles} == _all_ids(fresh_replica)
    assert not first_ids & {r["story_id"] for r in second.articles}
    # a complete run keeps them: the next hour costs robots.txt and two 304s
    fresh_replica.clear_log()
    third = _latest(fresh_replica, tmp_path)
    assert third.articles == []
    assert [e["status"] for e in fresh_replica.request_log] == [200, 304, 304]


def test_a_run_stopped_early_leaves_the_rest_to_the_next(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # CLOSESPIDER_ITEMCOUNT stops the run as a SIGINT would: reason is not "finished"
    first = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "latest"},
        settings={"CLOSESPIDER_ITEMCOUNT": "10", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"},
    )
    first_ids = {r["story_id"] for r in first.articles}
    assert 0 < len(first_ids) < len(_all_ids(fresh_replica))
    assert "the run ended early (closespider_itemcount)" in first.log
    second = _latest(fresh_replica, tmp_path)
    assert first_ids | {r["story_id"] for r in second.articles} == _all_ids(fresh_replica)


def test_a_forgotten_story_comes_again_in_the_next_hourly_run(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    first = _latest(fresh_replica, tmp_path)
    assert {r["story_id"] for r in first.articles} == _all_ids(fresh_replica)
    assert _latest(fresh_replica, tmp_path).articles == []  # validators kept: 304s
    story_id = first.articles[0]["story_id"]
    assert store_command(tmp_path, "forget", "timesca", story_id).returncode == 0
    again = _latest(fresh_replica, tmp_path)
    assert [r["story_id"] for r in again.articles] == [story_id]


def test_every_sitemap_robots_txt_names_is_read(tmp_path: Path) -> None:
    # Yoast News SEO names its news sitemap (the ten newest posts) before the index: the
    # first one alone would leave out the rest of the archive
    site = generate_site(n_stories=60, seed=7, base_url="http://127.0.0.1", news_sitemap=True)
    with ReplicaServer(site, port=0) as server:
        result = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        paths = [e["path"] for e in server.request_log]
    assert result.returncode == 0, result.log[-3000:]
    assert {r["story_id"] for r in result.articles} == {t["story_id"] for t in site.truth()}
    assert "/news-sitemap.xml" in paths and "/post-sitemap.xml" in paths
    assert len(paths) == len(set(paths)), "each page once"


def test_an_hourly_run_without_sitemaps_reads_listings_while_they_bring_new(
    tmp_path: Path,
) -> None:
    site = generate_site(n_stories=30, seed=7, base_url="http://127.0.0.1", sitemap_style="none")
    with ReplicaServer(site, port=0) as server:
        full = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        assert full.returncode == 0, full.log[-3000:]
        new = site.mutate_add_stories(40)  # more than the feed's ten and three listing pages
        latest = _latest(server, tmp_path)
    exported = {r["story_id"] for r in latest.articles}
    assert exported == {f"timesca:{post_id}" for post_id in new}
    assert "tca/discovery/listing_cap_reached" not in latest.manifest["stats"]


@pytest.mark.parametrize("fault", ["404", "home"])
def test_a_site_without_a_feed_keeps_its_validators(
    fresh_replica: ReplicaServer, tmp_path: Path, fault: str
) -> None:
    # a feed turned off (a 404, or a redirect to the home page) is no source left unread:
    # dropping the validators for it cost every hourly run all its sitemaps
    fresh_replica.site.path_faults["/feed/"] = fault
    try:
        first = _latest(fresh_replica, tmp_path)
        fresh_replica.clear_log()
        second = _latest(fresh_replica, tmp_path)
    finally:
        fresh_replica.site.path_faults.clear()
    assert {r["story_id"] for r in first.articles} == _all_ids(fresh_replica)
    assert "validators not kept" not in first.log
    statuses = {e["path"]: e["status"] for e in fresh_replica.request_log}
    assert statuses["/sitemap_index.xml"] == 304
    assert second.articles == [] and second.manifest["status"] == "finished"


def test_named_sitemaps_one_redirecting_to_the_other_still_end_in_listings(
    tmp_path: Path,
) -> None:
    # /wp-sitemap.xml redirects to /sitemap_index.xml (Yoast), which is down: the redirect
    # duplicated a request the filter had seen, and the listings were never tried
    site = generate_site(n_stories=60, seed=7, base_url="http://127.0.0.1")
    site.robots_sitemap_paths = ["/wp-sitemap.xml", "/sitemap_index.xml"]
    site.path_faults["/sitemap_index.xml"] = "503"
    with ReplicaServer(site, port=0) as server:
        result = run_crawl(
            "timesca",
            server.base_url,
            tmp_path,
            args={"mode": "full"},
            settings={"TCA_RETRY_BACKOFF_BASE": "0.1"},
        )
    assert result.returncode in (0, 3), result.log[-3000:]
    assert result.manifest["stats"].get("tca/discovery/listing_fallback") == 1
    assert {r["story_id"] for r in result.articles} == {t["story_id"] for t in site.truth()}


def test_an_hourly_listing_walk_reads_past_what_a_stopped_run_left(tmp_path: Path) -> None:
    # A site without sitemaps: an hourly run stopped early exported the newest stories
    # and the walk of the next one stopped at them, the first page with nothing new, so
    # the stories the stopped run never reached waited for the weekly full run.
    site = generate_site(n_stories=30, seed=7, base_url="http://127.0.0.1", sitemap_style="none")
    with ReplicaServer(site, port=0) as server:
        full = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        assert full.returncode == 0, full.log[-3000:]
        new = {f"timesca:{post_id}" for post_id in site.mutate_add_stories(40)}
        stopped = run_crawl(
            "timesca",
            server.base_url,
            tmp_path,
            args={"mode": "latest"},
            settings={"CLOSESPIDER_ITEMCOUNT": "10", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"},
        )
        first = {r["story_id"] for r in stopped.articles}
        assert 0 < len(first) < len(new), stopped.log[-3000:]
        second = {r["story_id"] for r in _latest(server, tmp_path).articles}
        assert first | second == new
        assert not first & second
        server.clear_log()  # a complete run's stories end the next walk at once
        assert _latest(server, tmp_path).articles == []
        listings = [e["path"] for e in server.request_log if e["path"].startswith("/page/")]
    assert listings == []


def test_a_hand_run_urls_fetch_does_not_end_the_next_listing_walk(tmp_path: Path) -> None:
    # A hand-run -a urls= fetch reads no listing: it finished, read everything it was
    # given, and was recorded as the last complete run, so the stopped run's stories
    # before it ended the next hourly walk and the stories it never reached were missed.
    site = generate_site(n_stories=30, seed=7, base_url="http://127.0.0.1", sitemap_style="none")
    with ReplicaServer(site, port=0) as server:
        full = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        assert full.returncode == 0, full.log[-3000:]
        new = {f"timesca:{post_id}" for post_id in site.mutate_add_stories(40)}
        stopped = run_crawl(
            "timesca",
            server.base_url,
            tmp_path,
            args={"mode": "latest"},
            settings={"CLOSESPIDER_ITEMCOUNT": "10", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"},
        )
        first = {r["story_id"] for r in stopped.articles}
        assert 0 < len(first) < len(new), stopped.log[-3000:]
        story = urlsplit(site.truth()[0]["url"]).path  # one it knows, fetched again by hand
        by_hand = run_crawl("timesca", server.base_url, tmp_path, args={"urls": story})
        assert by_hand.returncode == 0, by_hand.log[-3000:]
        second = {r["story_id"] for r in _latest(server, tmp_path).articles}
    assert first | second == new
