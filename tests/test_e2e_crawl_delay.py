"""A robots.txt Crawl-delay spaces a real crawl's requests, AutoThrottle or not, measured
where the site sees them: the replica's request log."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from replica import ReplicaServer, generate_site
from tests.crawling import CrawlResult, run_crawl

pytestmark = pytest.mark.e2e

STORIES = 4
CRAWL_DELAY = 0.4
# AutoThrottle from no delay at all: the responses' latency alone would space the requests
AUTOTHROTTLE = {"AUTOTHROTTLE_ENABLED": "1", "AUTOTHROTTLE_START_DELAY": "0"}


def _crawl(
    tmp_path: Path, *, autothrottle: bool = False, by_url: bool = False, **robots: str
) -> tuple[CrawlResult, list[dict[str, Any]]]:
    """The run, and its article requests as the site received them."""
    site = generate_site(n_stories=STORIES, seed=7, base_url="http://127.0.0.1")
    for name, value in robots.items():
        setattr(site, name, value)
    settings = AUTOTHROTTLE if autothrottle else {}
    with ReplicaServer(site, port=0) as server:
        # -a urls= leaves robots.txt to Scrapy's own fetch, not the spider's
        urls = ",".join(story["url"] for story in site.truth())
        args = {"urls": urls} if by_url else {"mode": "full"}
        result = run_crawl("timesca", server.base_url, tmp_path, args=args, settings=settings)
        requests = sorted(server.request_log, key=lambda entry: entry["received"])
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.articles) == STORIES
    article_paths = {a["url"].removeprefix(server.base_url) for a in result.articles}
    return result, [entry for entry in requests if entry["path"] in article_paths]


def _gaps(requests: list[dict[str, Any]]) -> list[float]:
    return [b["received"] - a["received"] for a, b in itertools.pairwise(requests)]


@pytest.mark.parametrize(
    ("agent", "autothrottle", "by_url"),
    [("tcacrawler", True, False), ("*", False, True)],
    ids=["for-our-agent-under-autothrottle", "for-all-agents-robots-read-by-scrapy"],
)
def test_a_crawl_delay_spaces_the_article_requests(
    tmp_path: Path, agent: str, autothrottle: bool, by_url: bool
) -> None:
    result, articles = _crawl(
        tmp_path,
        robots_crawl_delay=str(CRAWL_DELAY),
        robots_crawl_delay_agent=agent,
        autothrottle=autothrottle,
        by_url=by_url,
    )
    assert min(_gaps(articles)) >= CRAWL_DELAY - 0.05, _gaps(articles)
    assert result.manifest["stats"]["tca/robots/crawl_delay_seconds"] == CRAWL_DELAY
    assert f"/robots.txt asks for a Crawl-delay of {CRAWL_DELAY:g} s" in result.log


def test_without_a_crawl_delay_the_test_settings_do_not_wait(tmp_path: Path) -> None:
    result, articles = _crawl(tmp_path)
    assert min(_gaps(articles)) < 0.1, _gaps(articles)
    assert not [key for key in result.manifest["stats"] if "crawl_delay" in key]
