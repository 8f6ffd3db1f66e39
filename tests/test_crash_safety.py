"""kill -9 / SIGTERM at seeded moments: every story exactly once, every file whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from replica import ReplicaServer
from tests.crashing import kill_stress

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
