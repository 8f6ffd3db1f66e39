from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from replica import ReplicaServer, generate_site
from replica.presets import PRESETS

E2E_STORIES = 300
STEPPEHERALD_STORIES = 100


@pytest.fixture(scope="session")
def replica_server() -> Iterator[ReplicaServer]:
    """The 300-story replica, served on loopback for the whole session; never mutated."""
    site = generate_site(n_stories=E2E_STORIES, seed=1, base_url="http://127.0.0.1")
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def steppeherald_server() -> Iterator[ReplicaServer]:
    """The second, differently themed site (replica.presets "steppeherald"), 100 stories."""
    site = generate_site(
        n_stories=STEPPEHERALD_STORIES,
        seed=2,
        base_url="http://127.0.0.1",
        **PRESETS["steppeherald"],
    )
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_replica() -> Iterator[ReplicaServer]:
    """A replica of its own, for tests that change the site between runs."""
    site = generate_site(n_stories=60, seed=7, base_url="http://127.0.0.1")
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture
def report(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """Measured figures (precision, ratios, request counts) for the end-of-run summary."""

    def add(text: str) -> None:
        record_property("report", text.strip())

    return add


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = [
        value
        for report in terminalreporter.stats.get("passed", [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "report"
    ]
    if lines:
        terminalreporter.section("measured by the tests")
        for line in lines:
            terminalreporter.line(line)
