"""Runs real `scrapy crawl` subprocesses against the replica and reads what they publish."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replica.demo import FAST
from tcacrawler.feeds import spider_output_dir

REPO = Path(__file__).resolve().parent.parent
# The only settings the tests change from the live defaults: speed (as `make demo`).
FAST_SETTINGS = FAST


@dataclass
class CrawlResult:
    returncode: int
    output_dir: Path
    log: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rates: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def articles(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == "article"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def run_crawl(
    spider: str,
    base_url: str,
    work_dir: Path,
    *,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 240,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> CrawlResult:
    output_dir = work_dir / "output"
    command = [sys.executable, "-m", "scrapy", "crawl", spider, *options]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    all_settings = {
        **FAST_SETTINGS,
        "TCA_BASE_URL": base_url,
        "TCA_OUTPUT_DIR": str(output_dir),
        "TCA_STATE_DIR": str(work_dir / "state"),
        **(settings or {}),
    }
    for key, value in all_settings.items():
        command += ["-s", f"{key}={value}"]
    done = subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result = CrawlResult(done.returncode, output_dir, done.stderr + done.stdout)
    site_dir = spider_output_dir(output_dir, spider)
    manifests = sorted((site_dir / "manifests").glob("*.json")) if site_dir.exists() else []
    if manifests:
        result.manifest = json.loads(manifests[-1].read_text())
        run_id = result.manifest["run_id"]
        articles = site_dir / f"{run_id}.jsonl"
        rates = site_dir / "rates" / f"{run_id}.jsonl"
        result.records = read_jsonl(articles) if articles.exists() else []
        result.rates = read_jsonl(rates) if rates.exists() else []
    return result
