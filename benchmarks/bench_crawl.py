"""The crawl against Scrapy's own speed: CPU per article page, pages/s, peak RSS.

    .venv/bin/python benchmarks/bench_crawl.py [--sizes 500,1000,2000] [--repeats 2]
        [--json FILE] [--profile FILE.prof] [--before OTHER_SOURCE_TREE]

For each replica size, the replica is served by a separate process
(``python -m replica serve --stories N --port 0``), so that its CPU is not counted,
and these crawlers are run against it in turn, the order rotating by one each repeat
(ours, bare, floor; bare, floor, ours; ...):

- ``ours``: ``scrapy crawl timesca -a mode=full`` with the tests' speed settings
  (tests/crawling.py FAST_SETTINGS) and a fresh state and output directory;
- ``bare``: benchmarks/bare_spider.py under ``scrapy runspider``, outside the project
  (Scrapy's default settings), with the same concurrency settings (CONCURRENT_REQUESTS,
  CONCURRENT_REQUESTS_PER_DOMAIN, CONCURRENT_ITEMS, DOWNLOAD_DELAY, AutoThrottle off),
  ROBOTSTXT_OBEY off and LOG_LEVEL INFO (as ours; Scrapy's default DEBUG would log a
  line per page and make the baseline slower); it fetches the replica's article URLs
  (from its truth) and does nothing with the responses.
- ``floor``: the same bare spider with ``-a floor=1``: it also decodes and parses each
  page (selectolax's lexbor, as our page object) and yields a one-field item. Any spider
  that extracts a record per page pays at least this much; the gap between ``floor`` and
  ``ours`` is the cost of extraction, cleaning, dedup, validation, state and export.

Each crawler is one child process; its CPU time (user + system) and peak RSS come from
``os.wait4`` (the kernel's rusage of that child alone). A warm-up bare run fills the
replica's page cache first. Reported: medians over the repeats of CPU seconds per
article page, pages per second (wall), peak RSS; the ratio to bare, both of the medians
and "paired" (the median over the repeats of each repeat's own ratio, which cancels
slow spells of this shared machine that last a repeat); the marginal CPU
per page between the smallest and the largest size (start-up cost removed); and, at the
largest size, the boilerplate cleaner's CPU per record on the same site's bodies as a
share of our crawl's CPU.

``--profile FILE.prof`` also runs our crawl once under cProfile at the largest size
(not timed) and prints its top functions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from replica import SiteApp, generate_site  # noqa: E402
from replica.presets import PRESETS  # noqa: E402
from tcacrawler import settings as product_settings  # noqa: E402
from tests.crawling import FAST_SETTINGS  # noqa: E402

BARE_SPIDER = Path(__file__).resolve().parent / "bare_spider.py"
SEED = 1


@dataclass
class Run:
    side: str
    stories: int
    pages: int  # article pages fetched (ours: articles exported)
    requests: int
    cpu_s: float
    wall_s: float
    maxrss_mb: float
    returncode: int
    repeat: int = 0

    @property
    def cpu_per_page_ms(self) -> float:
        return self.cpu_s / self.pages * 1000

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s


def run_child(
    command: list[str], cwd: Path, env: dict[str, str], log: Path
) -> tuple[int, Any, float]:
    """Runs one child; (exit code, its own rusage, wall seconds)."""
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage, wall


def cpu_of(usage: Any) -> float:
    return float(usage.ru_utime + usage.ru_stime)


def maxrss_mb(usage: Any) -> float:
    return usage.ru_maxrss / 1024  # KiB on Linux


def speed_settings() -> dict[str, str]:
    return {
        **FAST_SETTINGS,
        "CONCURRENT_ITEMS": str(getattr(product_settings, "CONCURRENT_ITEMS", 100)),
    }


def run_ours(
    base_url: str,
    stories: int,
    work: Path,
    profile: Path | None = None,
    tree: Path = ROOT,
    side: str = "ours",
    prefix: Sequence[str] = (),
) -> Run:
    """Our crawl in a child process (``prefix``: a command to run it under)."""
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    command = [*prefix, sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "scrapy", "crawl", "timesca", "-a", "mode=full"]
    for key, value in {
        **FAST_SETTINGS,
        "TCA_BASE_URL": base_url,
        "TCA_OUTPUT_DIR": str(work / "output"),
        "TCA_STATE_DIR": str(work / "state"),
    }.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code, usage, wall = run_child(command, tree, env, work / "crawl.log")
    manifests = sorted((work / "output" / "timesca" / "manifests").glob("*.json"))
    manifest = json.loads(manifests[-1].read_text()) if manifests else {}
    stats = manifest.get("stats", {})
    articles = int(manifest.get("counts", {}).get("article", 0) or 0)
    if code != 0 or articles != stories:
        raise SystemExit(
            f"our crawl exited {code} with {articles}/{stories} articles; see {work}/crawl.log"
        )
    return Run(
        side,
        stories,
        articles,
        int(stats.get("downloader/request_count", 0) or 0),
        cpu_of(usage),
        wall,
        maxrss_mb(usage),
        code,
    )


def run_bare(
    urls_file: Path, stories: int, work: Path, floor: bool = False, prefix: Sequence[str] = ()
) -> Run:
    """The bare (or floor) spider in a child process (``prefix``: a command to run it under)."""
    work.mkdir(parents=True, exist_ok=True)
    stats_file = work / "bare-stats.json"
    stats_file.unlink(missing_ok=True)
    command = [*prefix, sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER)]
    command += ["-a", f"urls_file={urls_file}", "-a", f"stats_file={stats_file}"]
    if floor:
        command += ["-a", "floor=1"]
    for key, value in {**speed_settings(), "ROBOTSTXT_OBEY": "False", "LOG_LEVEL": "INFO"}.items():
        command += ["-s", f"{key}={value}"]
    # Outside the project, and without its settings module: Scrapy's defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    code, usage, wall = run_child(command, work, env, work / "bare.log")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    pages = int(stats.get("response_received_count", 0) or 0)
    items = int(stats.get("item_scraped_count", 0) or 0)
    if code != 0 or pages != stories or items != (stories if floor else 0):
        raise SystemExit(
            f"bare crawl (floor={floor}) exited {code} with {pages}/{stories} pages and"
            f" {items} items; see {work}"
        )
    return Run(
        "floor" if floor else "bare",
        stories,
        pages,
        int(stats.get("downloader/request_count", 0) or 0),
        cpu_of(usage),
        wall,
        maxrss_mb(usage),
        code,
    )


class Replica:
    """``python -m replica serve`` in a child process (its CPU is not ours)."""

    def __init__(self, stories: int) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "replica",
                "serve",
                "--stories",
                str(stories),
                "--seed",
                str(SEED),
                "--port",
                "0",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "replica serving http://127.0.0.1:PORT (N stories)"
        if not line.startswith("replica serving "):
            self.stop()
            raise SystemExit(f"replica did not start: {line!r}")
        self.base_url = line.split()[2]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def the_site(stories: int, base_url: str) -> Any:
    """The same site the replica process serves (same arguments as its CLI)."""
    return generate_site(stories, SEED, base_url, today=date(2025, 12, 9), **PRESETS["timesca"])


def boilerplate_cost(site: Any, repeats: int = 3) -> dict[str, float]:
    """CPU per record of the boilerplate cleaner (clean_article) on the bodies our page
    object extracts from the site's article pages, as the BoilerplatePipeline sees them."""
    from tcacrawler.extract import clean_article
    from tcacrawler.pages.timesca import TimescaArticlePage

    app = SiteApp(site)
    base = site.base_url
    items = []
    for truth in site.truth():
        html = app.handle(truth["url"].removeprefix(base)).body.decode("utf-8")
        items.append(TimescaArticlePage(truth["url"], html).to_item())
    per_record = []
    for _ in range(repeats):
        copies = [dataclasses.replace(item) for item in items]
        started = time.process_time()
        for item in copies:
            clean_article(item)
        per_record.append((time.process_time() - started) / len(copies))
    return {"records": len(items), "cpu_ms_per_record": statistics.median(per_record) * 1000}


def print_profile(path: Path, top: int = 30) -> dict[str, float]:
    """Prints the top functions; returns the cumulative share of a few of ours."""
    import inspect

    from tcacrawler import pipelines
    from tcacrawler.pages import wordpress as page_module
    from tcacrawler.spiders import wordpress as spider_module

    watched: dict[str, Any] = {
        "parse_article (decode + page object)": spider_module.WordPressSpider.parse_article,
        "page object to_item": page_module.WordPressArticlePage.to_item,
        "BoilerplatePipeline": pipelines.BoilerplatePipeline.process_item,
        "RatesPipeline": pipelines.RatesPipeline.process_item,
        "StampPipeline": pipelines.StampPipeline.process_item,
        "StoryDedupPipeline": pipelines.StoryDedupPipeline.process_item,
        "ValidationPipeline": pipelines.ValidationPipeline.process_item,
    }
    keys = {
        (inspect.getsourcefile(f), inspect.getsourcelines(f)[1], f.__name__): name
        for name, f in watched.items()
    }
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    for key, row in stats.stats.items():  # type: ignore[attr-defined]
        if key in keys:
            shares[keys[key]] = row[3] / total
    print(f"\ncProfile of our crawl: {total:.1f} s profiled (cProfile inflates Python code)")
    stats.sort_stats("tottime").print_stats(top)
    return shares


def summarize(runs: list[Run], side: str, stories: int) -> dict[str, float]:
    chosen = [r for r in runs if r.side == side and r.stories == stories]
    return {
        "runs": len(chosen),
        "pages": chosen[0].pages,
        "requests": chosen[0].requests,
        "cpu_s": statistics.median(r.cpu_s for r in chosen),
        "cpu_ms_per_page": statistics.median(r.cpu_per_page_ms for r in chosen),
        "pages_per_s": statistics.median(r.pages_per_s for r in chosen),
        "maxrss_mb": statistics.median(r.maxrss_mb for r in chosen),
        "maxrss_mb_max": max(r.maxrss_mb for r in chosen),
    }


def paired_ratio(runs: list[Run], side: str, stories: int) -> float:
    """The median over the repeats of ``side``'s CPU per page / bare's in the same repeat."""
    bare = {r.repeat: r for r in runs if r.side == "bare" and r.stories == stories}
    return statistics.median(
        r.cpu_per_page_ms / bare[r.repeat].cpu_per_page_ms
        for r in runs
        if r.side == side and r.stories == stories and r.repeat in bare
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="write all figures here")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile our crawl once")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also crawl with the tcacrawler of this source tree (side 'before')",
    )
    options = parser.parse_args()
    sides = ["ours", "bare", "floor"] + (["before"] if options.before is not None else [])
    # As `make install` does: the bare spider's Scrapy has its byte-code, so should ours.
    for tree in (ROOT, options.before):
        if tree is not None:
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(tree / "tcacrawler")],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    sizes = sorted(int(s) for s in options.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    runs: list[Run] = []
    boilerplate: dict[str, float] = {}
    profile_shares: dict[str, float] = {}
    print(f"speed settings: {speed_settings()}; work dir {work}")
    try:
        for stories in sizes:
            replica = Replica(stories)
            try:
                site = the_site(stories, replica.base_url)
                urls = [t["url"] for t in site.truth()]
                urls_file = work / f"urls-{stories}.txt"
                urls_file.write_text("\n".join(urls) + "\n")
                run_bare(urls_file, stories, work / "bare")  # warm-up: the replica's cache
                for repeat in range(options.repeats):
                    shift = repeat % len(sides)
                    for side in sides[shift:] + sides[:shift]:
                        if side == "ours":
                            run = run_ours(replica.base_url, stories, work / "ours")
                        elif side == "before":
                            assert options.before is not None
                            run = run_ours(
                                replica.base_url,
                                stories,
                                work / "before",
                                tree=options.before,
                                side="before",
                            )
                        else:
                            run = run_bare(urls_file, stories, work / side, side == "floor")
                        run.repeat = repeat
                        runs.append(run)
                        print(
                            f"{stories:5d} {side:6s} cpu {run.cpu_s:6.2f} s "
                            f"({run.cpu_per_page_ms:5.2f} ms/page)  wall {run.wall_s:6.1f} s "
                            f"({run.pages_per_s:5.1f} pages/s)  maxrss {run.maxrss_mb:5.1f} MB",
                            flush=True,
                        )
                if stories == sizes[-1]:
                    boilerplate = boilerplate_cost(site)
                    if options.profile is not None:
                        run_ours(replica.base_url, stories, work / "profiled", options.profile)
                        profile_shares = print_profile(options.profile)
            finally:
                replica.stop()
    finally:
        if not options.keep:
            subprocess.run(["rm", "-rf", str(work)], check=False)

    print(
        "\nmedians  stories  side    CPU s  CPU ms/page  pages/s  peak RSS MB"
        "  |  CPU / bare: medians, paired"
    )
    table: dict[str, Any] = {}
    for stories in sizes:
        row_of = {side: summarize(runs, side, stories) for side in sides}
        bare_ms = row_of["bare"]["cpu_ms_per_page"]
        for side, row in row_of.items():
            row["cpu_ratio_to_bare"] = row["cpu_ms_per_page"] / bare_ms
            row["cpu_ratio_to_bare_paired"] = paired_ratio(runs, side, stories)
        table[str(stories)] = row_of
        for side, row in row_of.items():
            print(
                f"         {stories:7d}  {side:6s} {row['cpu_s']:6.2f}"
                f"  {row['cpu_ms_per_page']:11.2f}  {row['pages_per_s']:7.1f}"
                f"  {row['maxrss_mb']:11.1f}  |  {row['cpu_ratio_to_bare']:.2f}x,"
                f" {row['cpu_ratio_to_bare_paired']:.2f}x"
            )
    small, large = str(sizes[0]), str(sizes[-1])
    marginal: dict[str, float] = {}
    if len(sizes) > 1:
        span = sizes[-1] - sizes[0]
        for side in sides:
            delta = table[large][side]["cpu_s"] - table[small][side]["cpu_s"]
            marginal[side] = delta / span * 1000
            rss = table[large][side]["maxrss_mb"] - table[small][side]["maxrss_mb"]
            marginal[f"{side}_rss_kb_per_story"] = rss * 1024 / span
            marginal[f"{side}_fixed_cpu_s"] = (
                table[small][side]["cpu_s"] - marginal[side] * sizes[0] / 1000
            )
        print(f"\nmarginal CPU per page {sizes[0]}->{sizes[-1]} stories (start-up removed):")
        for side in sides:
            per_page = marginal[side]
            fixed = marginal[f"{side}_fixed_cpu_s"]
            growth = marginal[f"{side}_rss_kb_per_story"]
            print(
                f"  {side:6s} {per_page:6.2f} ms/page ({per_page / marginal['bare']:.2f}x bare),"
                f" fixed {fixed:.2f} s CPU; peak RSS grows {growth:.1f} KB/story"
            )
    if boilerplate:
        ours_large = table[large]["ours"]
        share = boilerplate["cpu_ms_per_record"] * ours_large["pages"] / 1000 / ours_large["cpu_s"]
        boilerplate["share_of_crawl_cpu"] = share
        print(
            f"boilerplate cleaner: {boilerplate['cpu_ms_per_record']:.3f} ms CPU per record "
            f"({boilerplate['records']} records) = {share:.1%} of our crawl's CPU at {large}"
        )
    for name, share in profile_shares.items():
        print(f"cProfile share of {name}: {share:.1%}")
    if options.json is not None:
        options.json.write_text(
            json.dumps(
                {
                    "date": time.strftime("%Y-%m-%d"),
                    "cpus": os.cpu_count(),
                    "settings": speed_settings(),
                    "runs": [asdict(r) for r in runs],
                    "medians": table,
                    "marginal_ms_per_page": marginal,
                    "boilerplate": boilerplate,
                    "profile_shares": profile_shares,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
