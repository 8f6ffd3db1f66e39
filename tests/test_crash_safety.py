"""kill -9 / SIGTERM at seeded moments: every story exactly once, every file whole."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from replica import ReplicaServer
from tests.crashing import kill_stress
from tests.crawling import REPO, run_crawl

pytestmark = pytest.mark.e2e


def test_seeded_kills_lose_and_duplicate_nothing(
    fresh_replica: ReplicaServer, tmp_path: Path, report: Callable[[str], None]
) -> None:
    expected = {t["story_id"] for t in fresh_replica.site.truth()}
    outcome = kill_stress(
        fresh_replica.base_url, tmp_path, expected, seed=7, points=5, max_delay=5.0
    )
    report(
        f"crash safety: kill points {outcome.kill_points}, "
        f"published files {outcome.published_files}, lost {len(outcome.lost)}, "
        f"duplicated {len(outcome.duplicated)}, torn {len(outcome.torn_files)}"
    )
    assert outcome.final_returncode == 0
    assert outcome.torn_files == []
    assert outcome.lost == set()
    assert outcome.duplicated == {}
    assert not list((tmp_path / "output").rglob(".*.part"))


def test_a_run_killed_between_its_files_publishes_no_manifest(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # The manifest vouches for the run's files: written before they are all in place, it
    # told the staleness check "healthy" about an articles file that never appeared.
    from tcacrawler.settings import EXTENSIONS

    killed = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "full"},
        settings={
            "EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.KillBeforeSecondOutput": 0})
        },
    )
    assert killed.returncode == -signal.SIGKILL
    site_dir = tmp_path / "output" / "timesca"
    assert list((site_dir / "rates").glob("*.jsonl")), "the first file was published"
    assert not list(site_dir.glob("*.jsonl")), "the second never was"
    assert not list(site_dir.glob("manifests/*.json"))
    output_dir = str(tmp_path / "output")
    staleness = ["-m", "tcacrawler.staleness", "--hours", "6", "--output-dir", output_dir]
    stale = subprocess.run(
        [sys.executable, *staleness, "--site", "timesca"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert stale.returncode == 3, stale.stdout + stale.stderr


def test_a_forced_shutdown_exits_non_zero_and_the_next_run_has_it_all(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # A second Ctrl-C (or SIGTERM) makes Scrapy stop the reactor where it stands: nothing
    # is published, and the crawl used to exit 0, "healthy run", so cron mailed nobody.
    from tcacrawler.settings import EXTENSIONS

    stopped = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "full"},
        settings={"EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.InterruptTwice": 0})},
    )
    assert "forcing unclean shutdown" in stopped.log
    assert stopped.returncode == 3, stopped.log[-3000:]
    lines = [line for line in stopped.log.splitlines() if line.startswith("tcacrawler:")]
    assert len(lines) == 1 and "forced to stop before it finished" in lines[0], lines
    assert not list((tmp_path / "output" / "timesca").glob("*.jsonl"))
    assert not list((tmp_path / "output" / "timesca").glob("manifests/*.json"))

    after = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "latest"})
    assert after.returncode == 0, after.log[-3000:]
    assert "its store writes were discarded" in after.log
    assert {r["story_id"] for r in after.articles} == {
        t["story_id"] for t in fresh_replica.site.truth()
    }


def test_records_a_full_disk_kept_out_of_the_file_are_exported_next_run(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # The exporter's write errors were logged and the run went on: the file was published
    # without those records while the store committed them as exported, so no later run
    # exported them (and with a few of them the run even exited 0).
    from tcacrawler.settings import ITEM_PIPELINES

    expected = {t["story_id"] for t in fresh_replica.site.truth()}
    full = run_crawl(
        "timesca",
        fresh_replica.base_url,
        tmp_path,
        args={"mode": "full"},
        settings={
            "ITEM_PIPELINES": json.dumps({**ITEM_PIPELINES, "tests.probes.DiskFullForAWhile": 899}),
            "TCA_MONITOR_MAX_ERROR_RATIO": "0.5",  # a few lost records: no monitor fails
        },
    )
    assert full.returncode == 3, full.log[-3000:]
    assert "3 records could not be written to the output" in full.log
    site_dir = tmp_path / "output" / "timesca"
    assert not list(site_dir.glob("*.jsonl")) and not list(site_dir.glob("rates/*.jsonl"))
    assert full.manifest["status"] == "unhealthy"

    after = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "latest"})
    assert after.returncode == 0, after.log[-3000:]
    assert {r["story_id"] for r in after.articles} == expected


def test_a_run_whose_manifest_cannot_be_written_is_not_healthy(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # The manifest is what the staleness check and downstream jobs read: a run that could
    # not write it (a full disk, here a file where its folder goes) exited 0, "healthy run",
    # and nobody heard of it until the staleness threshold passed.
    site_dir = tmp_path / "output" / "timesca"
    site_dir.mkdir(parents=True)
    (site_dir / "manifests").write_text("not a folder")
    result = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert result.returncode == 3, result.log[-3000:]
    assert "The run manifest could not be written" in result.log
    assert list(site_dir.glob("*.jsonl")), "its records were published all the same"
    assert not list(site_dir.rglob(".*.part"))
