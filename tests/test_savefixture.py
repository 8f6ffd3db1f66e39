"""`scrapy savefixture URL` saves a page and its record as a data-driven test case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from replica import ReplicaServer
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


def test_refuses_a_page_that_is_not_an_article(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    done = savefixture(fresh_replica.base_url + "/about-us/", "--dir", str(tmp_path))
    assert done.returncode != 0
    assert "not saved" in done.stderr
    assert not list(tmp_path.rglob("*.json"))
