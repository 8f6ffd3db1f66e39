"""Exit codes for cron, and how a component asks for one."""

from __future__ import annotations

import enum
from typing import Any

EXIT_CODE_STAT = "tca/exit_code"
# 404s that mean "there is none" and nothing more: a missing robots.txt, and the sitemap
# paths the spider probes in turn (the bad-status monitor leaves them out)
EXPECTED_NOT_FOUND = "tca/discovery/expected_404"


class ExitCode(enum.IntEnum):
    OK = 0
    # A monitor failed: the run finished but its output is suspect.
    UNHEALTHY = 3
    # Another run holds the lock; nothing was done (EX_TEMPFAIL).
    LOCKED = 75
    # Bad settings or a damaged story store; a human must look (EX_CONFIG).
    CONFIG_OR_STORE = 78


def request_exit_code(crawler: Any, code: ExitCode) -> None:
    """Records the run's exit code; the most severe one asked for wins."""
    current = int(crawler.stats.get_value(EXIT_CODE_STAT, ExitCode.OK))
    crawler.stats.set_value(EXIT_CODE_STAT, max(current, int(code)))
