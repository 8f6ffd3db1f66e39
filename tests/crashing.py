"""Kills real `scrapy crawl` processes at seeded moments and checks what was published.

Shared by tests/test_crash_safety.py (a few kill points) and
benchmarks/kill_stress.py (at least 20)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.crawling import FAST_SETTINGS, REPO


@dataclass
class Outcome:
    kill_points: list[tuple[str, float, int]] = field(default_factory=list)  # (signal, delay, rc)
    published_files: int = 0
    torn_files: list[str] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)
    duplicated: dict[str, int] = field(default_factory=dict)
    final_returncode: int | None = None

    @property
    def ok(self) -> bool:
        return not (self.torn_files or self.lost or self.duplicated) and self.final_returncode == 0


def crawl_command(base_url: str, work_dir: Path) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "timesca", "-a", "mode=full"]
    settings = {
        **FAST_SETTINGS,
        # A slower crawl spreads the kill points over the whole run, not just its start.
        "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
        "TCA_BASE_URL": base_url,
        "TCA_OUTPUT_DIR": str(work_dir / "output"),
        "TCA_STATE_DIR": str(work_dir / "state"),
        "LOG_LEVEL": "WARNING",
    }
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def start(base_url: str, work_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        crawl_command(base_url, work_dir),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def interrupt(process: subprocess.Popen[bytes], how: str, delay: float, grace: float = 30.0) -> int:
    """how: 'kill' (SIGKILL), 'term' (SIGTERM, wait up to grace s), 'term-kill' (SIGTERM, then
    SIGKILL 0.3 s later, as a supervisor that lost patience would)."""
    time.sleep(delay)
    if process.poll() is not None:
        return process.returncode
    if how == "kill":
        process.send_signal(signal.SIGKILL)
    elif how == "term":
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"SIGTERM did not stop the crawl within {grace} s") from None
    else:
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60)


def check_published(work_dir: Path, expected: set[str], outcome: Outcome) -> None:
    site_dir = work_dir / "output" / "timesca"
    seen: Counter[str] = Counter()
    for path in sorted(site_dir.glob("*.jsonl")):
        outcome.published_files += 1
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            outcome.torn_files.append(path.name)
            continue
        try:
            records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
        except (UnicodeDecodeError, json.JSONDecodeError):
            outcome.torn_files.append(path.name)
            continue
        seen.update(r["story_id"] for r in records if r.get("type") == "article")
    outcome.lost = expected - set(seen)
    outcome.duplicated = {k: v for k, v in seen.items() if v > 1}


def kill_stress(
    base_url: str, work_dir: Path, expected: set[str], *, seed: int, points: int, max_delay: float
) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome()
    kinds = ["kill", "kill", "kill", "term", "term-kill"]
    for _ in range(points):
        how = rng.choice(kinds)
        delay = round(rng.uniform(0.3, max_delay), 2)
        returncode = interrupt(start(base_url, work_dir), how, delay)
        outcome.kill_points.append((how, delay, returncode))
    final = start(base_url, work_dir)
    outcome.final_returncode = final.wait(timeout=300)
    check_published(work_dir, expected, outcome)
    return outcome
