"""Where each run's files go: output/<site>/<run-start-UTC>.jsonl and rates/ beside it."""

from __future__ import annotations

from typing import Any


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    params["run_id"] = spider.run_id
    params["output_dir"] = spider.settings.get("TCA_OUTPUT_DIR").rstrip("/")
    return params
