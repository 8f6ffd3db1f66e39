"""kill -9 / SIGTERM stress: at least 20 seeded kill points against the replica.

    .venv/bin/python benchmarks/kill_stress.py [--points 24] [--seed 1] [--stories 60]

Kills real `scrapy crawl timesca -a mode=full` processes at seeded moments (SIGKILL,
SIGTERM, and SIGKILL 0.3 s after a SIGTERM), then lets one run finish, and reports
stories lost, stories duplicated and torn files across everything published.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replica import ReplicaServer, generate_site
from tests.crashing import kill_stress


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--max-delay", type=float, default=8.0)
    options = parser.parse_args()
    site = generate_site(n_stories=options.stories, seed=options.seed, base_url="http://127.0.0.1")
    with ReplicaServer(site, port=0) as server, tempfile.TemporaryDirectory() as work:
        expected = {t["story_id"] for t in site.truth()}
        started = time.monotonic()
        outcome = kill_stress(
            server.base_url,
            Path(work),
            expected,
            seed=options.seed,
            points=options.points,
            max_delay=options.max_delay,
        )
        elapsed = time.monotonic() - started
    kinds = {
        k: sum(1 for p in outcome.kill_points if p[0] == k) for k in ("kill", "term", "term-kill")
    }
    finished_before_kill = sum(1 for p in outcome.kill_points if p[2] == 0)
    print(f"kill points tried: {len(outcome.kill_points)} {kinds} (seed {options.seed})")
    print(f"runs that finished before their kill point: {finished_before_kill}")
    print(f"published article files: {outcome.published_files}")
    print(f"stories expected: {len(expected)}")
    print(f"stories lost: {len(outcome.lost)}")
    print(f"stories duplicated: {len(outcome.duplicated)}")
    print(f"torn files: {len(outcome.torn_files)}")
    print(f"final run exit code: {outcome.final_returncode}")
    print(f"elapsed: {elapsed:.0f} s")
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
