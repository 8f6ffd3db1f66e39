from __future__ import annotations

import os
import time

import pytest

from tcacrawler.dates import (
    isoformat,
    parse_datetime,
    parse_offset,
    parse_visible_date,
    site_timezone,
)

ALMATY = site_timezone(300)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-12-09T09:32:00+00:00", "2025-12-09T14:32:00+05:00"),
        ("2025-12-09T09:32:00Z", "2025-12-09T14:32:00+05:00"),
        ("2025-12-09T14:32:00+05:00", "2025-12-09T14:32:00+05:00"),
        ("2025-12-09T14:32:00", "2025-12-09T14:32:00+05:00"),
        ("2025-12-09", "2025-12-09T00:00:00+05:00"),
        ("Tue, 09 Dec 2025 09:32:00 +0000", "2025-12-09T14:32:00+05:00"),
        ("09 December 2015", "2015-12-09T00:00:00+05:00"),
        ("December 9, 2015 2:30 pm", "2015-12-09T14:30:00+05:00"),
    ],
)
def test_parse_datetime_in_site_zone(raw: str, expected: str) -> None:
    parsed = parse_datetime(raw, ALMATY)
    assert parsed is not None and isoformat(parsed) == expected


def test_host_time_zone_does_not_matter() -> None:
    original = os.environ.get("TZ")
    try:
        for zone in ("America/New_York", "Asia/Tokyo", "UTC"):
            os.environ["TZ"] = zone
            time.tzset()
            parsed = parse_datetime("09 December 2015", ALMATY)
            assert parsed is not None and isoformat(parsed) == "2015-12-09T00:00:00+05:00"
    finally:
        if original is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = original
        time.tzset()


def test_garbage_gives_none() -> None:
    assert parse_datetime("not a date", ALMATY) is None
    assert parse_datetime("", ALMATY) is None
    assert parse_visible_date("31 February 2020", ALMATY) is None


@pytest.mark.parametrize(
    ("raw", "minutes"), [("+05:00", 300), ("+0500", 300), ("UTC+5", 300), ("-03:30", -210)]
)
def test_parse_offset(raw: str, minutes: int) -> None:
    assert parse_offset(raw) == minutes


def test_parse_offset_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        parse_offset("Asia/Almaty")
