"""`scrapy store`: inspect, forget and rebuild, on a real store left by a real crawl."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from replica import ReplicaServer
from tcacrawler.health import ExitCode
from tcacrawler.lock import RunLock
from tests.crawling import REPO, run_crawl

pytestmark = pytest.mark.e2e


def store_command(work_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "store", *args]
    command += [
        "-s",
        f"TCA_STATE_DIR={work_dir / 'state'}",
        "-s",
        f"TCA_OUTPUT_DIR={work_dir / 'output'}",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_inspect_forget_damage_and_rebuild(fresh_replica: ReplicaServer, tmp_path: Path) -> None:
    base = fresh_replica.base_url
    first = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    total = len(first.articles)

    stats = store_command(tmp_path, "stats", "timesca")
    assert stats.returncode == 0, stats.stderr
    summary = json.loads(stats.stdout)
    assert summary["stories"] == total
    assert summary["last_runs"][0]["status"] == "committed"

    story_id = first.articles[0]["story_id"]
    history = store_command(tmp_path, "history", "timesca", story_id)
    assert history.returncode == 0 and story_id in history.stdout

    assert store_command(tmp_path, "forget", "timesca", story_id).returncode == 0
    again = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert [r["story_id"] for r in again.articles] == [story_id]

    store_file = tmp_path / "state" / "timesca.sqlite"
    store_file.write_bytes(b"\0garbage" * 512)
    refused = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert refused.returncode == ExitCode.CONFIG_OR_STORE

    rebuilt = store_command(tmp_path, "rebuild", "timesca")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "damaged store" in rebuilt.stdout
    after = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert after.returncode == 0, after.log[-2000:]
    assert after.articles == [], "the rebuilt store must know every published story"

    assert store_command(tmp_path, "forget-all", "timesca").returncode != 0  # needs --yes
    assert store_command(tmp_path, "forget-all", "timesca", "--yes").returncode == 0
    assert json.loads(store_command(tmp_path, "stats", "timesca").stdout)["stories"] == 0


def test_store_changes_after_a_killed_run(fresh_replica: ReplicaServer, tmp_path: Path) -> None:
    # A killed run leaves its store writes pending until the next crawl resolves them;
    # forget, forget-all and rebuild refused (exit 78) and told the on-call engineer to
    # "commit or discard them first", which no command does. Holding the lock, they
    # resolve them as a crawl does.
    from tcacrawler.settings import EXTENSIONS

    base = fresh_replica.base_url
    first = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    killing = {"EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.KillBeforeSecondOutput": 0})}

    def killed_run() -> None:
        fresh_replica.site.mutate_add_stories(2)
        killed = run_crawl("timesca", base, tmp_path, args={"mode": "full"}, settings=killing)
        assert killed.returncode == -9, killed.log[-2000:]
        assert json.loads(store_command(tmp_path, "stats", "timesca").stdout)["pending_runs"]

    killed_run()
    story_id = first.articles[0]["story_id"]
    forget = store_command(tmp_path, "forget", "timesca", story_id)
    assert forget.returncode == 0, forget.stderr
    assert "was interrupted; its store writes were discarded" in forget.stdout
    assert f"{story_id}: forgotten" in forget.stdout
    again = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert again.returncode == 0, again.log[-2000:]
    new = {t["story_id"] for t in fresh_replica.site.truth()} - {
        r["story_id"] for r in first.articles
    }
    assert {r["story_id"] for r in again.articles} == {story_id} | new

    killed_run()
    rebuilt = store_command(tmp_path, "rebuild", "timesca")
    assert rebuilt.returncode == 0, rebuilt.stderr
    killed_run()
    assert store_command(tmp_path, "forget-all", "timesca", "--yes").returncode == 0


def test_a_rebuild_that_fails_midway_leaves_the_damaged_store_refused(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # The damaged store was moved aside and an empty one created before the records were
    # read: a rebuild that stopped midway (a torn file restored from a backup, a dropped
    # SSH session) left that empty store, and the next hourly run exported every story
    # again, exit 0.
    base = fresh_replica.base_url
    first = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    store_file = tmp_path / "state" / "timesca.sqlite"
    store_file.write_bytes(b"\0garbage" * 512)
    site_dir = tmp_path / "output" / "timesca"
    torn = site_dir / "29991231T235959Z.jsonl"
    torn.write_text('{"type": "article", "story_id": "timesca:1", "url": "http://x/"}\n{"type"')

    failed = store_command(tmp_path, "rebuild", "timesca")
    assert failed.returncode == ExitCode.CONFIG_OR_STORE, failed.stderr
    assert "Traceback" not in failed.stderr
    assert f"{torn}:2" in failed.stderr
    assert store_file.read_bytes() == b"\0garbage" * 512, "the damaged store stays in place"
    assert [p.name for p in store_file.parent.glob(".*")] == []
    refused = run_crawl("timesca", base, tmp_path, args={"mode": "latest"})
    assert refused.returncode == ExitCode.CONFIG_OR_STORE, refused.log[-2000:]

    torn.unlink()
    rebuilt = store_command(tmp_path, "rebuild", "timesca")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "damaged store" in rebuilt.stdout
    assert [p.name for p in store_file.parent.glob(".*")] == []
    after = run_crawl("timesca", base, tmp_path, args={"mode": "latest"})
    assert after.returncode == 0, after.log[-2000:]
    assert after.articles == []


def test_inspecting_while_a_crawl_holds_the_lock(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    first = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    story_id = first.articles[0]["story_id"]
    store_file = tmp_path / "state" / "timesca.sqlite"
    # as a running crawl does: the run lock held, a write transaction open on the store
    with RunLock(tmp_path / "state" / "timesca.lock"):
        writer = sqlite3.connect(store_file, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')")
        try:
            stats = store_command(tmp_path, "stats", "timesca")
            assert stats.returncode == 0, stats.stderr
            assert json.loads(stats.stdout)["stories"] == len(first.articles)
            assert "a crawl is running" in stats.stderr
            history = store_command(tmp_path, "history", "timesca", story_id)
            assert history.returncode == 0 and story_id in history.stdout
            forget = store_command(tmp_path, "forget", "timesca", story_id)
            assert forget.returncode == ExitCode.LOCKED
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def test_a_missing_store_beside_published_runs_is_refused_not_recreated(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    first = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    for path in (tmp_path / "state").iterdir():  # a new machine given only the output
        path.unlink()
    refused = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert refused.returncode == ExitCode.CONFIG_OR_STORE
    assert "is missing, but" in refused.log and "1 published run(s)" in refused.log
    assert "scrapy store rebuild timesca" in refused.log
    assert not (tmp_path / "state" / "timesca.sqlite").exists()
    assert store_command(tmp_path, "rebuild", "timesca").returncode == 0
    after = run_crawl("timesca", fresh_replica.base_url, tmp_path, args={"mode": "full"})
    assert after.returncode == 0 and after.articles == [], after.log[-2000:]


def test_a_rebuild_moves_aside_the_journal_a_deleted_store_left(
    fresh_replica: ReplicaServer, tmp_path: Path
) -> None:
    # A run killed with the store open leaves its -wal and -shm beside it; the store file
    # deleted by hand, the rebuilt store was renamed in beside the old one's journal, which
    # SQLite applied to it: "rebuilt", exit 0, and then every crawl and store command
    # refused it as "database disk image is malformed" (exit 78).
    from tcacrawler.settings import EXTENSIONS

    base = fresh_replica.base_url
    first = run_crawl("timesca", base, tmp_path, args={"mode": "full"})
    assert first.returncode == 0, first.log[-2000:]
    killing = {"EXTENSIONS": json.dumps({**EXTENSIONS, "tests.probes.KillBeforeSecondOutput": 0})}
    killed = run_crawl("timesca", base, tmp_path, args={"mode": "full"}, settings=killing)
    assert killed.returncode == -9, killed.log[-2000:]
    store_file = tmp_path / "state" / "timesca.sqlite"
    wal = Path(f"{store_file}-wal")
    assert wal.stat().st_size > 0
    store_file.unlink()

    rebuilt = store_command(tmp_path, "rebuild", "timesca")
    assert rebuilt.returncode == 0, rebuilt.stderr
    stats = store_command(tmp_path, "stats", "timesca")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["stories"] == len(first.articles)
    assert "was moved to" in rebuilt.stdout
    assert not wal.exists()
    after = run_crawl("timesca", base, tmp_path, args={"mode": "latest"})
    assert after.returncode == 0, after.log[-2000:]
    assert after.articles == []
