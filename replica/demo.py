"""``python -m replica.demo``: serve the replica, crawl it with tcacrawler, compare with truth.

Starts the replica on a free loopback port, runs ``scrapy crawl timesca`` against it
(``TCA_BASE_URL`` pointing at the replica, politeness delays off), then prints what
the crawl exported next to the replica's truth.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tcacrawler.feeds import spider_output_dir

from .model import generate_site
from .presets import PRESETS
from .server import ReplicaServer

REPO = Path(__file__).resolve().parent.parent
FAST = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _exported(output_dir: Path, spider: str) -> list[dict[str, Any]]:
    site_dir = spider_output_dir(output_dir, spider)
    manifests = sorted((site_dir / "manifests").glob("*.json")) if site_dir.exists() else []
    if manifests:
        run_id = json.loads(manifests[-1].read_text())["run_id"]
        path = site_dir / f"{run_id}.jsonl"
        return _read_jsonl(path) if path.exists() else []
    files = sorted(site_dir.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    return _read_jsonl(files[-1]) if files else []


def _replica_runs_only(site_dir: Path) -> bool:
    """Whether every record published under ``site_dir`` that names a URL names a
    replica's (served on the loopback interface): only then may the demo clear it. The
    first record of each file tells, as a run crawls one site."""
    for path in [*site_dir.glob("*.jsonl"), *site_dir.glob("rates/*.jsonl")]:
        with path.open(encoding="utf-8", errors="replace") as file:
            first = file.readline()
        if not first.strip():
            continue  # a run that exported nothing
        try:
            record = json.loads(first)
            url = record.get("url") or record.get("source_url")
            host = urlsplit(url).hostname or ""
            if not ipaddress.ip_address(host).is_loopback:
                return False
        except (ValueError, TypeError, AttributeError):
            return False  # not a record of ours, or no IP address: not the replica's
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m replica.demo", description=__doc__)
    p.add_argument("--stories", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mode", default="full")
    p.add_argument("--spider", default="timesca")
    p.add_argument(
        "--site",
        choices=sorted(PRESETS),
        help="which replica to serve (default: the spider's own, else timesca)",
    )
    p.add_argument("--output", type=Path, default=REPO / "output" / "demo")
    p.add_argument(
        "--state",
        type=Path,
        default=None,
        help="state dir (default: a temp dir, and the spider's folder under --output starts empty)",
    )
    args = p.parse_args(argv)

    # The spider's own site: Steppe Herald's spider has no selectors for timesca's theme.
    preset = args.site or (args.spider if args.spider in PRESETS else "timesca")
    site = generate_site(args.stories, args.seed, **PRESETS[preset])
    with ReplicaServer(site, port=0) as server, tempfile.TemporaryDirectory() as tmp:
        print(f"replica serving {server.base_url} ({len(site.stories)} stories)", flush=True)
        settings = {
            **FAST,
            "TCA_BASE_URL": server.base_url,
            "TCA_OUTPUT_DIR": str(args.output),
            "TCA_STATE_DIR": str(args.state or Path(tmp) / "state"),
        }
        cmd = [sys.executable, "-m", "scrapy", "crawl", args.spider, "-a", f"mode={args.mode}"]
        for k, v in settings.items():
            cmd += ["-s", f"{k}={v}"]
        args.output.mkdir(parents=True, exist_ok=True)
        if args.state is None:
            # A new store for a new replica (another port, other URLs): an earlier demo's
            # files would make the crawl refuse to start from an empty store beside them.
            earlier = [args.output / args.spider, *args.output.glob(f"{args.spider}-*/")]
            earlier = [folder for folder in earlier if folder.is_dir()]
            if real := [folder for folder in earlier if not _replica_runs_only(folder)]:
                # --output pointed at a real output folder: deleting it would lose a real
                # site's published runs (and its store's way back: store rebuild).
                print(
                    f"replica.demo: {real[0]} holds runs of a site other than a replica; "
                    "not deleting it. Choose another --output (or give --state)",
                    file=sys.stderr,
                )
                return 2
            for folder in earlier:
                shutil.rmtree(folder)
        log_path = args.output / "crawl.log"
        print(f"running: scrapy crawl {args.spider} -a mode={args.mode} (log: {log_path})")
        print("  " + " ".join(cmd), flush=True)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with log_path.open("w", encoding="utf-8") as log:
            done = subprocess.run(cmd, cwd=REPO, env=env, check=False, stdout=log, stderr=log)
        records = _exported(args.output, args.spider)
        n_requests = len(server.request_log)

    articles = [r for r in records if r.get("type", "article") == "article"]
    truth = {t["story_id"]: t for t in site.truth()}
    got = {r.get("story_id"): r for r in articles}
    fields = [
        "url",
        "headline",
        "article_body",
        "authors",
        "section",
        "tags",
        "date_published",
        "date_modified",
        "images",
    ]
    print(
        f"\ncrawler exit code {done.returncode}; {n_requests} requests; "
        f"{len(articles)} article records; truth has {len(truth)} stories"
    )
    found = [sid for sid in truth if sid in got]
    print(
        f"stories found: {len(found)}/{len(truth)}; "
        f"unexpected records: {len([s for s in got if s not in truth])}"
    )
    for f in fields:
        ok = sum(1 for sid in found if got[sid].get(f) == truth[sid][f])
        print(f"  {f:15} {ok}/{len(found)} exact")
    if articles:
        sample = dict(articles[0])
        body = str(sample.get("article_body", ""))
        sample["article_body"] = body[:300] + ("…" if len(body) > 300 else "")
        print("\nfirst record:")
        print(json.dumps(sample, ensure_ascii=False, indent=2))
    site_dir = spider_output_dir(args.output, args.spider)
    newest = sorted(site_dir.glob("*.jsonl"))[-1:] if site_dir.exists() else []
    if newest:
        rates = site_dir / "rates" / newest[0].name
        rate_count = len(_read_jsonl(rates)) if rates.exists() else 0
        print(f"\n{len(articles)} stories in {newest[0]}")
        print(f"{rate_count} exchange rates in {rates}")
        print(f"run manifest in {site_dir / 'manifests' / newest[0].with_suffix('.json').name}")
    else:
        print(f"\nno output was published under {site_dir}; see {log_path}")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
