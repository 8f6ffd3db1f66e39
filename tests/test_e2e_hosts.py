"""The site under its two names (SITE.md: it is also reached as www.timesca.com): a real
crawl started on the www. name, against a replica that redirects it as WordPress does."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from replica import ReplicaServer, generate_site
from tests.crawling import run_crawl

STORIES = 40
NAME = "timesca.test"
RESOLVER = {"TWISTED_DNS_RESOLVER": "tests.probes.LoopbackResolver"}


@pytest.fixture(scope="module")
def named_replica() -> Iterator[ReplicaServer]:
    site = generate_site(n_stories=STORIES, seed=11, base_url="http://127.0.0.1")
    server = ReplicaServer(site, port=0, name=NAME).start()
    yield server
    server.stop()


def _get(server: ReplicaServer, host: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers={"Host": f"{host}:{server.port}"})
    return connection.getresponse()


def test_the_www_name_redirects_to_the_same_path(named_replica: ReplicaServer) -> None:
    story = named_replica.site.truth()[0]
    path = urlsplit(story["url"]).path
    moved = _get(named_replica, f"www.{NAME}", path)
    assert moved.status == 301
    assert moved.getheader("Location") == f"http://{NAME}:{named_replica.port}{path}"
    assert _get(named_replica, NAME, path).status == 200


def test_a_crawl_started_on_the_www_name(named_replica: ReplicaServer, tmp_path: Path) -> None:
    named_replica.clear_log()
    www_base = f"http://www.{NAME}:{named_replica.port}"
    result = run_crawl("timesca", www_base, tmp_path, args={"mode": "full"}, settings=RESOLVER)
    assert result.returncode == 0, result.log[-3000:]
    truth = {t["url"]: t for t in named_replica.site.truth()}
    urls = [a["url"] for a in result.articles]
    # every story once, under the site's own name (the record's URL is the canonical one)
    assert sorted(urls) == sorted(truth)
    assert all(urlsplit(u).hostname == NAME for u in urls)
    log = named_replica.request_log
    on_www = [e for e in log if (e["host"] or "").startswith("www.")]
    # the www. name is met only where the crawl starts (robots.txt, feed, sitemaps), and
    # each of those requests is redirected rather than answered
    assert on_www and all(e["status"] == 301 for e in on_www)
    article_paths = {urlsplit(u).path for u in truth}
    assert not [e for e in on_www if e["path"] in article_paths]
    assert "offsite/filtered" not in result.log and "Filtered offsite" not in result.log
    # robots.txt was read once, through its redirect, and gave its rules to both names
    assert "'tca/robots/redirected': 1" in result.log
    assert "robotstxt/forbidden" not in result.log
