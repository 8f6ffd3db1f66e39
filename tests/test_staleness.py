"""The staleness check a second cron line runs: non-zero when no healthy run is recent."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from replica import ReplicaServer
from tcacrawler.staleness import check
from tests.crawling import REPO, run_crawl

NOW = datetime(2025, 12, 9, 12, 0, tzinfo=UTC)


def write_manifest(
    output: Path,
    finished: datetime,
    *,
    status: str = "finished",
    exit_code: int = 0,
    site: str = "timesca",
    mode: str = "latest",
) -> None:
    run_id = finished.strftime("%Y%m%dT%H%M%SZ")
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "site": site,
        "status": status,
        "mode": mode,
        "finished_at": finished.isoformat(),
        "stats": {"tca/exit_code": exit_code} if exit_code else {},
    }
    directory = output / site / "manifests"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{run_id}.json").write_text(json.dumps(manifest))


def test_fresh_when_a_healthy_run_is_recent(tmp_path: Path) -> None:
    write_manifest(tmp_path, NOW - timedelta(hours=30))
    write_manifest(tmp_path, NOW - timedelta(hours=2))
    verdict = check(tmp_path, "timesca", timedelta(hours=6), now=NOW)
    assert verdict.fresh and verdict.exit_code == 0
    assert "2.0 h ago" in verdict.message


def test_stale_when_the_last_healthy_run_is_too_old(tmp_path: Path) -> None:
    write_manifest(tmp_path, NOW - timedelta(hours=7))
    verdict = check(tmp_path, "timesca", timedelta(hours=6), now=NOW)
    assert not verdict.fresh and verdict.exit_code == 3
    assert "STALE" in verdict.message and "7.0 h ago" in verdict.message


def test_unhealthy_and_incomplete_runs_do_not_count(tmp_path: Path) -> None:
    write_manifest(tmp_path, NOW - timedelta(hours=9))
    write_manifest(tmp_path, NOW - timedelta(hours=1), status="unhealthy", exit_code=3)
    write_manifest(tmp_path, NOW - timedelta(hours=2), status="incomplete")
    write_manifest(tmp_path, NOW - timedelta(hours=3), status="finished", exit_code=78)
    write_manifest(tmp_path, NOW - timedelta(hours=4), mode="urls")  # a hand-run fetch
    verdict = check(tmp_path, "timesca", timedelta(hours=6), now=NOW)
    assert not verdict.fresh
    assert verdict.last_healthy is not None
    assert verdict.last_healthy["finished_at"] == (NOW - timedelta(hours=9)).isoformat()


def test_no_manifests_or_broken_ones_are_stale(tmp_path: Path) -> None:
    assert not check(tmp_path, "timesca", timedelta(hours=6), now=NOW).fresh
    directory = tmp_path / "timesca" / "manifests"
    directory.mkdir(parents=True)
    (directory / "20251209T110000Z.json").write_text('{"status": "fini')
    verdict = check(tmp_path, "timesca", timedelta(hours=6), now=NOW)
    assert not verdict.fresh and "none healthy" not in verdict.message


def test_sites_are_separate(tmp_path: Path) -> None:
    write_manifest(tmp_path, NOW - timedelta(hours=1), site="other")
    assert not check(tmp_path, "timesca", timedelta(hours=6), now=NOW).fresh


@pytest.mark.e2e
def test_commands_against_a_real_run(fresh_replica: ReplicaServer, tmp_path: Path) -> None:
    output = tmp_path / "output"
    scrapy = [sys.executable, "-m", "scrapy", "staleness", "-s", f"TCA_OUTPUT_DIR={output}"]
    module = [sys.executable, "-m", "tcacrawler.staleness", "--output-dir", str(output)]

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
        )

    before = run([*scrapy, "--hours", "1"])
    assert before.returncode == 3 and "STALE timesca" in before.stderr
    story = fresh_replica.site.truth()[0]["url"]
    by_hand = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"urls": story})
    assert by_hand.returncode == 0 and by_hand.manifest["mode"] == "urls", by_hand.log[-2000:]
    # a hand-run fetch of one story says nothing of the hourly runs
    assert run([*scrapy, "--hours", "1"]).returncode == 3
    crawl = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "latest"})
    assert crawl.returncode == 0 and crawl.manifest["status"] == "finished", crawl.log[-2000:]
    for command in (scrapy, module):
        fresh = run([*command, "--hours", "1"])
        assert fresh.returncode == 0, fresh.stderr
        assert fresh.stdout.strip().startswith("fresh timesca: last healthy run")
        assert run([*command, "--hours", "1", "--site", "elsewhere"]).returncode == 3
        assert run([*command, "--hours", "soon"]).returncode == 2


@pytest.mark.parametrize("hours", ["nan", "inf", "1e12"])
def test_hours_timedelta_cannot_hold_are_bad_arguments(tmp_path: Path, hours: str) -> None:
    # float() reads them, and timedelta(hours=...) then raised: a traceback and exit 1,
    # not the "2 for bad arguments" the cron line is told to expect
    for command in (
        [sys.executable, "-m", "scrapy", "staleness", "-s", f"TCA_OUTPUT_DIR={tmp_path}"],
        [sys.executable, "-m", "tcacrawler.staleness", "--output-dir", str(tmp_path)],
    ):
        done = subprocess.run(
            [*command, "--hours", hours], cwd=REPO, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "hours" in done.stderr
