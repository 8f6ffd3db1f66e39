"""Benchmark of the story store + deduplicator on a synthetic archive.

    .venv/bin/python benchmarks/bench_dedup.py [--stories 100000] [--dir DIR] [--keep]

Fills a SQLite store through the real code path (``StoryDeduplicator.observe`` in runs of
``--run-size`` stories, each run prepared and committed), and at each checkpoint
(10k, 50k, and the full size by default) measures, in a *fresh subprocess* (so that the
memory figures are those of a crawler starting on that store):

* start-up: open the store (with and without ``quick_check``) and build the LSH index
* RSS of the process after imports, after opening + index, and after the checks
* ``check()`` time per record: median and p99, overall and per kind (new story,
  unchanged story, exact duplicate, near duplicate, revision)
* store bytes per story (database + WAL after a checkpoint)
* RSS growth per story recorded during a run (``--adds`` new stories through ``observe``):
  what an hourly run or a backfill adds to the process on top of the loaded index

Synthetic bodies: 250-650 words in 4-9 paragraphs drawn from a 30k-word Zipf vocabulary;
2% of the stories are "Weekly Digest" issues with a common 80-word introduction and all of
them may end with the usual "As previously reported by..." sentence.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tcacrawler.dedup import StoryDeduplicator  # noqa: E402
from tcacrawler.store import SQLiteStore  # noqa: E402

SYLLABLES = (
    "ka",
    "zan",
    "tor",
    "bi",
    "shek",
    "du",
    "sha",
    "mir",
    "ta",
    "ash",
    "gat",
    "uz",
    "be",
    "kis",
    "tan",
    "no",
    "rel",
    "vo",
    "pra",
    "lin",
    "gor",
    "mes",
    "ul",
    "dor",
    "fin",
    "sel",
    "ra",
    "pe",
    "kon",
    "im",
    "ex",
    "port",
    "trans",
    "ment",
)
INTRO = (
    "Publisher's note: Every week The Times of Central Asia brings readers a digest of the "
    "most important economic, political and social developments in Kazakhstan, Kyrgyzstan, "
    "Tajikistan, Turkmenistan and Uzbekistan, compiled by our correspondents across the "
    "region. The digest may be republished free of charge with a link to the original. "
    "Subscribers receive it by email every Friday morning together with market data, "
    "exchange rates and a calendar of official visits and summits."
)


class Corpus:
    """Deterministic synthetic story i (any process can regenerate it)."""

    def __init__(self, vocab_size: int = 30_000, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        words: set[str] = set()
        while len(words) < vocab_size:
            n = int(rng.integers(1, 5))
            words.add("".join(SYLLABLES[j] for j in rng.integers(0, len(SYLLABLES), n)))
        self.vocab = np.array(sorted(words))
        weights = 1.0 / np.arange(1, vocab_size + 1) ** 1.05
        self.cdf = np.cumsum(weights) / weights.sum()

    def body(self, i: int, variant: int = 0) -> str:
        rng = np.random.default_rng(i * 7919 + 1)
        n_words = int(rng.integers(250, 650))
        idx = np.searchsorted(self.cdf, rng.random(n_words))
        tokens = self.vocab[np.minimum(idx, len(self.vocab) - 1)].tolist()
        n_paras = int(rng.integers(4, 10))
        cuts = sorted(rng.choice(np.arange(20, n_words - 20), n_paras - 1, replace=False))
        paras = [
            " ".join(tokens[a:b]) + "." for a, b in zip([0, *cuts], [*cuts, n_words], strict=True)
        ]
        if i % 50 == 0:
            paras.insert(0, INTRO)
        if rng.random() < 0.5:
            paras.append(
                "As previously reported by The Times of Central Asia, "
                + " ".join(tokens[:12])
                + "."
            )
        if variant == 1:  # light edits: a few words swapped, an update line
            for _ in range(4):
                p = int(rng.integers(len(paras)))
                w = paras[p].split(" ")
                w[int(rng.integers(len(w)))] = "reportedly"
                paras[p] = " ".join(w)
            paras.append("This article was updated with a comment from the ministry.")
        elif variant == 2:  # material revision of the same story
            paras.append("Correction: an earlier version of this story misstated a figure.")
        return "\n".join(paras)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def store_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


# --- measurement (runs in a fresh subprocess) -------------------------------------------


def measure(db: Path, n_stories: int, samples: int, adds: int) -> dict[str, Any]:
    corpus = Corpus()
    rss_imports = rss_mb()
    db_bytes = store_bytes(db)  # before this process writes anything (its run goes to the WAL)
    t0 = time.perf_counter()
    store = SQLiteStore(db, verify=True)
    t_open_verify = time.perf_counter() - t0
    store.close()
    t0 = time.perf_counter()
    store = SQLiteStore(db, verify=False)
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    dedup = StoryDeduplicator(store)
    t_index = time.perf_counter() - t0
    rss_loaded = rss_mb()
    run_id = f"bench-measure-{os.getpid()}-{time.time_ns()}"
    store.begin_run(run_id)
    rng = np.random.default_rng(n_stories)
    known = rng.choice(n_stories, size=samples, replace=False).tolist()
    kinds: dict[str, list[tuple[str, str, str]]] = {
        "new": [(f"timesca:new{i}", "", corpus.body(10_000_000 + i)) for i in range(samples)],
        "unchanged": [(f"timesca:{i}", "", corpus.body(i)) for i in known],
        "exact_duplicate": [(f"timesca:x{i}", "", corpus.body(i)) for i in known],
        "near_duplicate": [(f"timesca:n{i}", "", corpus.body(i, 1)) for i in known],
        "revision": [(f"timesca:{i}", "", corpus.body(i, 2)) for i in known],
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    verdicts: dict[str, dict[str, int]] = {k: {} for k in kinds}
    # interleaved, so that a burst of load from other processes hits every kind alike
    for n in range(samples):
        for kind, items in kinds.items():
            sid, _, body = items[n]
            url = f"https://timesca.com/{sid.replace(':', '-')}/"
            c0, t0 = time.thread_time(), time.perf_counter()
            d = dedup.check(sid, url, [], body, None)
            times[kind].append(time.perf_counter() - t0)
            cpu[kind].append(time.thread_time() - c0)
            seen = verdicts[kind]
            seen[d.verdict.value] = seen.get(d.verdict.value, 0) + 1
    rss_after_checks = rss_mb()
    for i in range(adds):
        sid = f"timesca:add{i}"
        url = f"https://timesca.com/add-{i}/"
        dedup.observe(sid, url, [], corpus.body(20_000_000 + i), None, run_id=run_id)
    gc.collect()
    rss_added = rss_mb() - rss_after_checks
    store.discard_run(run_id)
    every = [t for ts in times.values() for t in ts]
    every_cpu = [t for ts in cpu.values() for t in ts]

    def ms(ts: list[float], q: float) -> float:
        return round(float(np.quantile(ts, q)) * 1000, 3)

    return {
        "stories": n_stories,
        "bytes_per_story": round(db_bytes / n_stories),
        "store_mb": round(db_bytes / 2**20, 1),
        "open_s": round(t_open, 3),
        "open_quick_check_s": round(t_open_verify, 3),
        "index_load_s": round(t_index, 3),
        "index_mb": round(dedup.index.nbytes() / 2**20, 1),
        "rss_imports_mb": round(rss_imports, 1),
        "rss_loaded_mb": round(rss_loaded, 1),
        "rss_after_checks_mb": round(rss_after_checks, 1),
        "rss_per_added_story_kb": round(rss_added * 1024 / adds, 2) if adds else None,
        "check_median_ms": ms(every, 0.5),
        "check_p99_ms": ms(every, 0.99),
        "check_cpu_median_ms": ms(every_cpu, 0.5),
        "check_cpu_p99_ms": ms(every_cpu, 0.99),
        "gc_collections": [g["collections"] for g in gc.get_stats()],
        "by_kind": {
            k: {
                "median_ms": ms(v, 0.5),
                "p99_ms": ms(v, 0.99),
                "cpu_median_ms": ms(cpu[k], 0.5),
                "verdicts": verdicts[k],
            }
            for k, v in times.items()
        },
    }


# --- fill ------------------------------------------------------------------------------


def fill(
    db: Path,
    start: int,
    stop: int,
    run_size: int,
    corpus: Corpus,
    dedup: StoryDeduplicator,
    store: SQLiteStore,
) -> float:
    t0 = time.perf_counter()
    for run_start in range(start, stop, run_size):
        run_id = f"fill-{run_start}"
        store.begin_run(run_id, mode="bench")
        for i in range(run_start, min(stop, run_start + run_size)):
            sid = f"timesca:{i}"
            dedup.observe(
                sid,
                f"https://timesca.com/story-{i}/",
                [f"https://timesca.com/index.php/news/{i}-story"],
                corpus.body(i),
                "2025-12-09T10:00:00+05:00",
                run_id=run_id,
            )
        store.prepare_run(run_id)
        store.commit_run(run_id)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--checkpoints", type=str, default="10000,50000")
    ap.add_argument("--run-size", type=int, default=5000)
    ap.add_argument("--samples", type=int, default=400, help="check() calls per kind")
    ap.add_argument("--adds", type=int, default=5000, help="stories recorded for RSS growth")
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.stories, args.samples, args.adds)))
        return

    workdir = args.dir or Path(tempfile.mkdtemp(prefix="bench-dedup-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "stories.sqlite3"
    if db.exists():
        sys.exit(f"{db} exists; use another --dir")
    checkpoints = sorted(
        {int(c) for c in args.checkpoints.split(",") if c and int(c) < args.stories}
        | {args.stories}
    )
    corpus = Corpus()
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    done = 0
    results = []
    print(f"store: {db}")
    for cp in checkpoints:
        secs = fill(db, done, cp, args.run_size, corpus, dedup, store)
        print(
            f"filled {done:,}..{cp:,} in {secs:.1f}s "
            f"({(cp - done) / secs:,.0f} stories/s through observe + commit)",
            flush=True,
        )
        done = cp
        store.close()  # checkpoints the WAL
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(db),
                "--stories",
                str(cp),
                "--samples",
                str(args.samples),
                "--adds",
                str(args.adds),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        res = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res, indent=1), flush=True)
        store = SQLiteStore(db, verify=False)
        dedup = StoryDeduplicator(store)
    store.close()

    print("\nsummary (check times: wall-clock, and CPU time of the thread in brackets)")
    print(
        f"{'stories':>9} {'B/story':>8} {'store MB':>9} {'index s':>8} {'open+qc s':>9} "
        f"{'RSS MB':>7} {'base MB':>7} {'index MB':>8} {'median ms':>14} {'p99 ms':>7} "
        f"{'KB/added':>8}"
    )
    for r in results:
        print(
            f"{r['stories']:>9,} {r['bytes_per_story']:>8} {r['store_mb']:>9} "
            f"{r['index_load_s']:>8} {r['open_quick_check_s']:>9} {r['rss_loaded_mb']:>7} "
            f"{r['rss_imports_mb']:>7} {r['index_mb']:>8} "
            f"{r['check_median_ms']:>6} ({r['check_cpu_median_ms']:>5}) {r['check_p99_ms']:>7} "
            f"{r['rss_per_added_story_kb']:>8}"
        )
    last = results[-1]
    print("per kind at", f"{last['stories']:,}:")
    for kind, v in last["by_kind"].items():
        print(
            f"  {kind:16s} median {v['median_ms']:.3f} ms (cpu {v['cpu_median_ms']:.3f})  "
            f"p99 {v['p99_ms']:.3f} ms  verdicts {v['verdicts']}"
        )
    if not args.keep and args.dir is None:
        shutil.rmtree(workdir)
    elif args.keep:
        print(f"kept {workdir}")


if __name__ == "__main__":
    main()
