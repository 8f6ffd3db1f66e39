"""What went wrong with a request, as a stat name, so each failure is counted and logged once.

Scrapy logs some failures itself at WARNING (a body over DOWNLOAD_MAXSIZE, a
decompression bomb); the rest (HTTP errors, timeouts after the last retry, redirect
loops) only at INFO or DEBUG. The spider's errback counts every failure in
``tca/failed/<kind>`` and logs one WARNING line with the URL unless Scrapy already did.
Requests that were never meant to be fetched (off-site, robots.txt) are counted in
``tca/skipped/<kind>`` and logged at INFO: they are policy, not failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, ConnectionLost, DNSLookupError, TimeoutError


@dataclass(frozen=True)
class FailureKind:
    stat: str  # "tca/failed/http_500", "tca/skipped/offsite", ...
    reason: str  # for the log line
    logged_by_scrapy: bool = False

    @property
    def is_failure(self) -> bool:
        return self.stat.startswith("tca/failed/")

    @property
    def is_transient(self) -> bool:
        """Worth trying again next run: server errors, throttling, timeouts, lost connections."""
        return self.stat in TRANSIENT_STATS or self.stat.startswith("tca/failed/http_5")


TRANSIENT_STATS = frozenset(
    {"tca/failed/http_429", "tca/failed/timeout", "tca/failed/connection", "tca/failed/other"}
)


def classify(failure: Any) -> FailureKind:
    error = failure.value
    text = str(error)
    if isinstance(error, HttpError):
        status = error.response.status
        return FailureKind(f"tca/failed/http_{status}", f"HTTP {status}")
    if isinstance(error, IgnoreRequest):
        if text.startswith("Filtered offsite request"):
            return FailureKind("tca/skipped/offsite", text)
        if text.startswith("Forbidden by robots.txt"):
            return FailureKind("tca/skipped/robots", text)
        if text.startswith(("redirect loop", "max redirections")):
            return FailureKind("tca/failed/redirect_loop", text)
        if "DOWNLOAD_MAXSIZE" in text:
            return FailureKind(
                "tca/failed/too_large", "decompressed body over DOWNLOAD_MAXSIZE", True
            )
        return FailureKind("tca/failed/ignored", text)
    if isinstance(error, DownloadCancelledError | CancelledError):
        # the only cancellation in this project: a body over DOWNLOAD_MAXSIZE
        return FailureKind("tca/failed/too_large", "body over DOWNLOAD_MAXSIZE", True)
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return FailureKind("tca/failed/timeout", "timed out after the last retry")
    if isinstance(
        error, DownloadConnectionRefusedError | ConnectError | ConnectionLost | DNSLookupError
    ):
        return FailureKind("tca/failed/connection", f"{type(error).__name__}: {text}")
    return FailureKind("tca/failed/other", f"{type(error).__name__}: {text}")
