"""Is the published data fresh? For a second cron line, independent of the crawl's own.

A crawl that never starts (cron broken, host down, lock never released) sends no mail
by itself; this check does. It reads the run manifests under
``<TCA_OUTPUT_DIR>/<site>/manifests/`` and exits non-zero when no *healthy* run (status
``finished``, exit code 0) has finished in the last N hours::

    python -m tcacrawler.staleness --hours 6 [--site timesca] [--output-dir output]
    scrapy staleness --hours 6 [--site timesca]      # TCA_OUTPUT_DIR from the settings

Exit codes: 0 fresh, 3 stale (or no healthy run at all), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tcacrawler.health import ExitCode


@dataclass
class Verdict:
    fresh: bool
    message: str
    last_healthy: dict[str, Any] | None = None

    @property
    def exit_code(self) -> int:
        return int(ExitCode.OK if self.fresh else ExitCode.UNHEALTHY)


def is_healthy(manifest: dict[str, Any]) -> bool:
    stats = manifest.get("stats") or {}
    return (
        manifest.get("status") == "finished"
        and int(stats.get("tca/exit_code", 0) or 0) == 0
        and manifest.get("mode") != "urls"
    )


def _finished_at(manifest: dict[str, Any]) -> datetime | None:
    value = manifest.get("finished_at")
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_manifests(directory: Path) -> list[dict[str, Any]]:
    """Every readable manifest; unreadable or half-written ones are skipped."""
    manifests = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            manifests.append(data)
    return manifests


def check(output_dir: Path, site: str, max_age: timedelta, now: datetime | None = None) -> Verdict:
    now = now or datetime.now(UTC)
    directory = output_dir / site / "manifests"
    hours = max_age.total_seconds() / 3600
    manifests = read_manifests(directory) if directory.is_dir() else []
    healthy = [(finished, m) for m in manifests if is_healthy(m) and (finished := _finished_at(m))]
    if not healthy:
        seen = f"{len(manifests)} runs, none healthy" if manifests else "no run manifests"
        return Verdict(False, f"STALE {site}: {seen} under {directory}")
    finished, last = max(healthy, key=lambda pair: pair[0])
    age = now - finished
    age_text = f"{age.total_seconds() / 3600:.1f} h ago"
    if age > max_age:
        return Verdict(
            False,
            f"STALE {site}: last healthy run {last.get('run_id')} finished {age_text} "
            f"(limit {hours:g} h)",
            last,
        )
    return Verdict(
        True,
        f"fresh {site}: last healthy run {last.get('run_id')} finished {age_text} "
        f"(limit {hours:g} h)",
        last,
    )


def positive_hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}") from None
    if not hours > 0:  # (nan too)
        raise argparse.ArgumentTypeError(f"hours must be positive, not {value!r}")
    try:
        timedelta(hours=hours)  # inf, 1e12: more than a timedelta holds
    except OverflowError:
        raise argparse.ArgumentTypeError(f"too many hours: {value!r}") from None
    return hours


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hours", type=positive_hours, required=True, help="maximum age of the last healthy run"
    )
    parser.add_argument("--site", default="timesca", help="site (spider) name (default timesca)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tcacrawler.staleness", description=__doc__.split("\n\n")[0]
    )
    add_arguments(parser)
    parser.add_argument("--output-dir", default="output", help="TCA_OUTPUT_DIR (default output)")
    opts = parser.parse_args(argv)
    verdict = check(Path(opts.output_dir), opts.site, timedelta(hours=opts.hours))
    print(verdict.message, file=sys.stdout if verdict.fresh else sys.stderr)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
