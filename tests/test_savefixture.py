"""`scrapy savefixture URL` saves a page and its record as a data-driven test case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

from replica import ReplicaServer, generate_site
from replica.badinput import bad_input_truth
from tests.crawling import FAST_SETTINGS, REPO


def savefixture(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "savefixture", *args]
    for key, value in FAST_SETTINGS.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_fetches_a_page_and_writes_html_and_expected_record(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    story = fresh_replica.site.stories[3]
    truth = next(t for t in fresh_replica.site.truth() if t["url"] == story.url)
    done = savefixture(story.url, "--spider", "timesca", "--name", "case", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    case = json.loads((tmp_path / "timesca" / "case.json").read_text(encoding="utf-8"))
    assert case["url"] == story.url and case["spider"] == "timesca"
    for field in ("story_id", "headline", "article_body", "authors", "tags", "date_published"):
        assert case["expected"][field] == truth[field]
    assert "<html" in (tmp_path / "timesca" / "case.html").read_text(encoding="utf-8")
    assert not (REPO / "state" / "savefixture.sqlite").exists(), "a fetch must not open a store"
    assert " INFO: " not in done.stderr, "one page's fetch prints warnings only"


def test_refuses_a_page_that_is_not_an_article(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    done = savefixture(fresh_replica.base_url + "/about-us/", "--dir", str(tmp_path))
    assert done.returncode != 0
    assert "not saved" in done.stderr
    assert not list(tmp_path.rglob("*.json"))


@pytest.fixture(scope="module")
def charset_pages() -> Iterator[ReplicaServer]:
    site = generate_site(n_stories=12, seed=3, base_url="http://127.0.0.1", bad_input=True)
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.mark.parametrize("slug", ["bad-charset-latin1-header", "bad-cp1252"])
def test_decodes_a_fetched_page_as_the_crawl_does(
    charset_pages: ReplicaServer, tmp_path: Path, slug: str
) -> None:
    # A server default "charset=ISO-8859-1" over a UTF-8 body, and windows-1252 declared
    # nowhere: the crawl reads both right; a fixture must hold the same text, not mojibake.
    url = page_url(charset_pages, slug)
    page = bad_input_truth(charset_pages.base_url)[url]
    done = savefixture(url, "--name", "case", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    case = json.loads((tmp_path / "timesca" / "case.json").read_text(encoding="utf-8"))
    for text in page.contains:
        assert text in case["expected"]["article_body"]
        assert text in (tmp_path / "timesca" / "case.html").read_text(encoding="utf-8")


def test_decodes_a_page_saved_by_hand_as_the_crawl_does(
    charset_pages: ReplicaServer, tmp_path: Path
) -> None:
    url = page_url(charset_pages, "bad-cp1252")
    page = bad_input_truth(charset_pages.base_url)[url]
    saved = tmp_path / "page.html"
    with urlopen(url) as response:  # the bytes as served: windows-1252, no charset anywhere
        saved.write_bytes(response.read())
    done = savefixture(url, "--from-file", str(saved), "--name", "case", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    case = json.loads((tmp_path / "timesca" / "case.json").read_text(encoding="utf-8"))
    assert all(text in case["expected"]["article_body"] for text in page.contains)


def page_url(server: ReplicaServer, slug: str) -> str:
    return f"{server.base_url}/{slug}/"


def test_the_generic_spider_names_a_saved_case_as_its_crawl_names_the_record(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    story = fresh_replica.site.stories[2]
    done = savefixture(story.url, "--spider", "wordpress", "--name", "case", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    expected = json.loads((tmp_path / "wordpress" / "case.json").read_text("utf-8"))["expected"]
    # `scrapy crawl wordpress -a base_url=http://127.0.0.1:PORT` names records after the host
    assert expected["site"] == "127-0-0-1"
    assert expected["story_id"].startswith("127-0-0-1:")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (("--spider", "nosuch"), "no spider named 'nosuch'"),
        (("--from-file", "/nonexistent/page.html"), "--from-file: No such file"),
    ],
)
def test_bad_arguments_are_one_line_not_a_traceback(
    arguments: tuple[str, ...], says: str, tmp_path: Path
) -> None:
    done = savefixture("https://timesca.com/some-story/", *arguments, "--dir", str(tmp_path))
    assert done.returncode == 2, done.stderr[-2000:]
    assert says in done.stderr and "Traceback" not in done.stderr
