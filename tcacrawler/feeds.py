"""Where each run's files go: output/<output name>/<run-start-UTC>.jsonl and rates/ beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def output_name(spider: Any) -> str:
    """The name a spider's output folder, story store, lock and manifests go under: its own,
    except the generic spider's, which is one per site it crawls (``wordpress-<site>``),
    so that two sites neither share a store nor lock each other out."""
    return getattr(spider, "output_name", None) or spider.name


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    params["output_name"] = output_name(spider)
    params["run_id"] = spider.run_id
    params["output_dir"] = spider.settings.get("TCA_OUTPUT_DIR").rstrip("/")
    return params


def spider_output_dir(output_dir: Path, spider_name: str) -> Path:
    """The folder a crawl of ``spider_name`` published to: its own name's, or for the
    generic spider the most recently written of its per-site folders."""
    own = output_dir / spider_name
    if own.exists():
        return own
    per_site = sorted(output_dir.glob(f"{spider_name}-*/"), key=lambda p: p.stat().st_mtime)
    return per_site[-1] if per_site else own
