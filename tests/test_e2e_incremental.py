"""Hourly cron runs against a changing replica: only what changed, within the request budget."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from replica import ReplicaServer, generate_site
from tcacrawler.health import ExitCode
from tcacrawler.lock import RunLock
from tcacrawler.store import SQLiteStore
from tcacrawler.urls import normalize_url
from tests.crawling import run_crawl

pytestmark = pytest.mark.e2e


def story_ids(post_ids: list[int]) -> set[str]:
    return {f"timesca:{post_id}" for post_id in post_ids}


def test_full_then_incremental_runs(
    fresh_replica: ReplicaServer, tmp_path: Path, report: Callable[[str], None]
) -> None:
    site = fresh_replica.site
    base = fresh_replica.base_url
    first = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    assert len(first.articles) == len(site.stories)

    ids = [story.post_id for story in site.stories]
    new = site.mutate_add_stories(5)
    edited = ids[5:8]
    for post_id in edited:
        site.mutate_edit_story(post_id)
    site.mutate_touch_story(ids[10])
    site.mutate_remove_story(ids[12])

    fresh_replica.clear_log()
    second = run_crawl("timesca", base, tmp_path, args={"mode": "latest"})
    assert second.returncode == 0, second.log[-2000:]
    exported = {r["story_id"]: r for r in second.articles}
    assert set(exported) == story_ids(new) | story_ids(edited)
    assert {exported[s]["revision"] for s in story_ids(edited)} == {2}
    assert {exported[s]["revision"] for s in story_ids(new)} == {1}
    truth = {t["story_id"]: t for t in site.truth()}
    for story_id, record in exported.items():
        assert record["article_body"] == truth[story_id]["article_body"]
    changed = len(new) + len(edited)
    second_requests = len(fresh_replica.request_log)
    report(
        f"incremental run 2: {changed} new/changed stories (+1 touched): {second_requests} requests"
    )
    assert second_requests <= changed + 6

    fresh_replica.clear_log()
    third = run_crawl("timesca", base, tmp_path, args={"mode": "latest"})
    assert third.returncode == 0, third.log[-2000:]
    third_requests = [entry["path"] for entry in fresh_replica.request_log]
    report(f"incremental run 3 (unchanged site): {len(third_requests)} requests: {third_requests}")
    assert third.articles == []
    assert len(third_requests) <= 5
    assert third.manifest["counts"]["article"] == 0


def test_every_alias_gives_one_record(fresh_replica: ReplicaServer, tmp_path: Path) -> None:
    stories = [s for s in fresh_replica.site.stories if s.legacy_url][:2]
    urls = []
    for story in stories:
        urls += [story.legacy_url, story.shortlink, story.url + "?utm_source=feed", story.url]
    result = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"urls": ",".join(urls)})
    assert result.returncode == 0, result.log[-2000:]
    assert sorted(r["story_id"] for r in result.articles) == sorted(
        f"timesca:{s.post_id}" for s in stories
    )
    with SQLiteStore(tmp_path / "state" / "timesca.sqlite") as store:
        for story in stories:
            for url in (story.legacy_url, story.shortlink, story.url):
                assert store.resolve_alias(normalize_url(url)) == f"timesca:{story.post_id}"


@pytest.mark.parametrize("mode", ["mark", "drop"])
def test_reposts_are_marked_or_dropped(
    fresh_replica: ReplicaServer, tmp_path: Path, mode: str
) -> None:
    site = fresh_replica.site
    settings = {"TCA_DUPLICATES": mode}
    first = run_crawl(
        "timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"}, settings=settings
    )
    assert first.returncode == 0, first.log[-2000:]
    assert all(r["duplicate_of"] is None for r in first.articles)
    original = site.stories[20].post_id
    repost = site.mutate_repost_story(original)
    fresh = site.mutate_add_stories(1)
    second = run_crawl("timesca", fresh_replica.base_url, tmp_path, settings=settings)
    assert second.returncode == 0, second.log[-2000:]
    exported = {r["story_id"]: r for r in second.articles}
    assert exported[f"timesca:{fresh[0]}"]["duplicate_of"] is None
    if mode == "mark":
        assert exported[f"timesca:{repost}"]["duplicate_of"] == f"timesca:{original}"
    else:
        assert f"timesca:{repost}" not in exported
        assert second.manifest["stats"]["tca/dedup/near_duplicate"] == 1


def test_a_second_run_exits_at_once_while_one_holds_the_lock(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    with RunLock(tmp_path / "state" / "timesca.lock"):
        result = run_crawl("timesca", fresh_replica.base_url, tmp_path, timeout=60)
    assert result.returncode == ExitCode.LOCKED
    assert "another run holds" in result.log
    assert fresh_replica.request_log == []


def test_a_damaged_store_is_refused_not_recreated(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    store_file = tmp_path / "state" / "timesca.sqlite"
    store_file.parent.mkdir(parents=True)
    store_file.write_bytes(b"this is not a database" * 100)
    before = hashlib.sha256(store_file.read_bytes()).hexdigest()
    result = run_crawl("timesca", fresh_replica.base_url, tmp_path, timeout=60)
    assert result.returncode == ExitCode.CONFIG_OR_STORE
    assert "scrapy store rebuild" in result.log
    assert "Traceback" not in result.log
    assert hashlib.sha256(store_file.read_bytes()).hexdigest() == before
    assert fresh_replica.request_log == []


def test_rates_are_not_exported_again_by_a_later_run(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    first = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert len(first.rates) == len(fresh_replica.site.rates_truth())
    fresh_replica.site.mutate_add_stories(1)
    second = run_crawl("timesca", fresh_replica.base_url, tmp_path)
    assert len(second.articles) == 1
    assert second.rates == []


def test_dash_O_puts_articles_and_rates_in_one_file(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    target = tmp_path / "all.jsonl"
    result = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "full"},
        options=("-O", str(target)),
    )
    assert result.returncode == 0, result.log[-2000:]
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    kinds = Counter(r["type"] for r in records)
    assert kinds == {
        "article": len(fresh_replica.site.stories),
        "rate": len(fresh_replica.site.rates_truth()),
    }


def test_without_sitemaps_latest_reads_listings_until_nothing_is_new(tmp_path: Path) -> None:
    site = generate_site(n_stories=48, seed=3, base_url="http://127.0.0.1", sitemap_style="none")
    with ReplicaServer(site, port=0) as server:
        first = run_crawl("timesca", server.base_url, tmp_path, args={"mode": "full"})
        assert first.returncode == 0, first.log[-2000:]
        assert len(first.articles) == 48
        assert first.manifest["stats"]["tca/discovery/listing_fallback"] == 1
        new = site.mutate_add_stories(2)
        server.clear_log()
        second = run_crawl("timesca", server.base_url, tmp_path)
        assert sorted(r["story_id"] for r in second.articles) == sorted(story_ids(new))
        listings = [
            e["path"] for e in server.request_log if e["path"] == "/" or "/page/" in e["path"]
        ]
        # The new stories are on page 1 (and in the feed, which may be read first, so page 1
        # may already bring nothing new); reading stops at the first page with nothing new.
        assert listings in (["/"], ["/", "/page/2/"]), listings
