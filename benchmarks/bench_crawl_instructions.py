"""The crawl against Scrapy's own speed in instructions: a measure this machine's noise
does not move.

    .venv/bin/python benchmarks/bench_crawl_instructions.py [--stories 300] [--small 10]
        [--sides ours,bare,floor] [--before OTHER_SOURCE_TREE] [--json FILE]
        [--fail-above RATIO]

``bench_crawl.py`` measures CPU time, the target's own unit, but on this shared 2-core
machine the bare spider's CPU per page moves by a factor of 1.5 between runs minutes
apart, more than a round of optimisation changes. Here each side of ``bench_crawl.py``
(ours, bare, floor, and with ``--before`` another tree's crawler) runs the same crawl under
``valgrind --tool=callgrind``, which counts the instructions the process executes
(user space only: the kernel's work for sockets and files is not in them), at two
replica sizes. The marginal count per page, (I(stories) - I(small)) / (stories - small),
leaves the start-up out; it repeats to within a fraction of a percent. Sides run two at a
time (one per core: counts do not depend on the load). Under valgrind a crawl is some 50
times slower: 300 stories take 5-7 minutes a side.

Instructions are not time: the bare spider spends a larger share of its time in the
kernel and waiting on memory, so its CPU-time ratio to us is usually lower than the
instruction ratio. The target is stated in CPU time; this is the yardstick for whether a
change made the crawl cheaper.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_crawl import ROOT, Replica, run_bare, run_ours, the_site


def instructions(out_file: Path) -> int:
    """The total instruction count callgrind wrote (its ``summary:`` line)."""
    for line in out_file.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no instruction total in {out_file}")


def count(side: str, stories: int, replica: Replica, work: Path, before: Path | None) -> int:
    side_work = work / f"{side}-{stories}"
    side_work.mkdir(parents=True, exist_ok=True)
    out_file = side_work / "callgrind.out"
    prefix = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
    if side in ("ours", "before"):
        tree = ROOT if side == "ours" else before
        assert tree is not None
        run_ours(replica.base_url, stories, side_work / "crawl", tree=tree, prefix=prefix)
    else:
        urls_file = side_work / "urls.txt"
        site = the_site(stories, replica.base_url)
        urls_file.write_text("\n".join(t["url"] for t in site.truth()) + "\n")
        run_bare(urls_file, stories, side_work / "crawl", side == "floor", prefix=prefix)
    return instructions(out_file)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--sides", default="ours,bare")
    parser.add_argument("--before", type=Path, default=None, help="adds the side 'before'")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--fail-above",
        type=float,
        default=None,
        metavar="RATIO",
        help="exit 1 when ours costs more than RATIO times bare (a regression guard)",
    )
    options = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    sides = options.sides.split(",") + (["before"] if options.before is not None else [])
    if "bare" not in sides:
        raise SystemExit("--sides must include bare: the ratios are to it")
    sizes = (options.small, options.stories)
    totals: dict[str, dict[int, int]] = {side: {} for side in sides}
    work = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    try:
        for stories in sizes:
            replica = Replica(stories)
            try:
                with ThreadPoolExecutor(max_workers=2) as pool:
                    futures = {
                        side: pool.submit(count, side, stories, replica, work, options.before)
                        for side in sides
                    }
                    for side, future in futures.items():
                        totals[side][stories] = future.result()
                        print(f"{stories:5d} {side:6s} {totals[side][stories]:>15,d} instructions")
            finally:
                replica.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    span = options.stories - options.small
    marginal = {side: (t[options.stories] - t[options.small]) / span for side, t in totals.items()}
    print(
        f"\nmarginal instructions per article page ({options.small} -> {options.stories} stories):"
    )
    for side in sides:
        start_up = totals[side][options.small] - marginal[side] * options.small
        print(
            f"  {side:6s} {marginal[side] / 1e6:6.2f}M ({marginal[side] / marginal['bare']:.2f}x"
            f" bare), start-up {start_up / 1e9:.2f}G"
        )
    if options.json is not None:
        options.json.write_text(
            json.dumps({"totals": totals, "marginal_per_page": marginal}, indent=2)
        )
    if options.fail_above is not None and "ours" in marginal:
        ratio = marginal["ours"] / marginal["bare"]
        if ratio > options.fail_above:
            print(f"FAIL: ours is {ratio:.2f}x bare, above --fail-above {options.fail_above}")
            return 1
        print(f"ok: ours is {ratio:.2f}x bare, within --fail-above {options.fail_above}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
