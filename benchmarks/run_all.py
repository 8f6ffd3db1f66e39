"""Run every benchmark script in sequence (``make bench``).

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME[,NAME...]]

Each script runs in its own process with the arguments below; its output goes to the
terminal as it comes. ``--quick`` uses smaller inputs (a smoke run, not figures to
quote). The exit code is 1 when any script failed. See benchmarks/README.md for what
each one measures and the figures last measured.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (full arguments, quick arguments)
SCRIPTS: dict[str, tuple[list[str], list[str]]] = {
    "bench_page_object": ([], ["--stories", "60", "--rounds", "2"]),
    "bench_crawl": ([], ["--sizes", "100,200", "--repeats", "1"]),
    "bench_boilerplate": ([], ["--records", "100"]),
    "bench_item_path": ([], ["--stories", "100", "--rounds", "1"]),
    "bench_extraction": ([], ["--stories", "20"]),
    "bench_dedup": ([], ["--stories", "5000", "--checkpoints", "", "--samples", "100"]),
    "kill_stress": ([], ["--points", "4", "--stories", "30"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke run")
    parser.add_argument("--only", default="", help="comma-separated script names")
    options = parser.parse_args()
    chosen = [n for n in options.only.split(",") if n] or list(SCRIPTS)
    unknown = sorted(set(chosen) - set(SCRIPTS))
    if unknown:
        parser.error(f"unknown scripts: {', '.join(unknown)} (known: {', '.join(SCRIPTS)})")
    failed: list[str] = []
    for name in chosen:
        full, quick = SCRIPTS[name]
        command = [sys.executable, str(HERE / f"{name}.py"), *(quick if options.quick else full)]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(command, check=False).returncode
        print(f"=== {name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
