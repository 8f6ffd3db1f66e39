"""Date parsing that gives the same answer on every host, whatever its time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:[,\s]+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
VISIBLE_DATE_PATTERNS = (
    re.compile(
        r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _TIME, re.I
    ),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME, re.I),
)
# RFC 822 dates (feeds) end in a zone; without one, email.utils guesses and drops am/pm.
RFC822_ZONE = re.compile(r"(?:[+-]\d{4}|\b(?:GMT|UTC?|[ECMP][SD]T|Z))\s*$")


def site_timezone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def parse_offset(value: str) -> int:
    """'+05:00' -> 300; accepts '+0500', 'UTC+5', '-03:30'."""
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?", value.strip(), re.I)
    if not match:
        raise ValueError(f"not a UTC offset: {value!r} (expected e.g. +05:00)")
    sign = -1 if match[1] == "-" else 1
    return sign * (int(match[2]) * 60 + int(match[3] or 0))


def parse_datetime(value: str | None, tz: timezone) -> datetime | None:
    """An ISO 8601 or RFC 822 timestamp as an aware datetime in ``tz``.

    A timestamp without an offset, or a bare date, is read in ``tz`` (the
    site's own zone), never in the host's.
    """
    if not value:
        return None
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        if RFC822_ZONE.search(text):
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                parsed = None
        if parsed is None:
            parsed = parse_visible_date(text, tz)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


@lru_cache(maxsize=1024)
def iso_in_zone(value: str, tz: timezone) -> str | None:
    """``isoformat(parse_datetime(value, tz))``, None for no time; a page names its times
    several times (JSON-LD, OpenGraph, published and modified alike)."""
    parsed = parse_datetime(value, tz)
    return None if parsed is None else isoformat(parsed)


def parse_visible_date(text: str, tz: timezone) -> datetime | None:
    """A date as people write it ('09 December 2015', 'December 9, 2015 2:30 pm')."""
    for pattern in VISIBLE_DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        hour = int(match["hour"] or 0)
        if match["ampm"]:
            hour = hour % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
        try:
            return datetime(
                int(match["year"]),
                MONTHS[match["month"].lower()],
                int(match["day"]),
                hour,
                int(match["minute"] or 0),
                tzinfo=tz,
            )
        except ValueError:
            continue
    return None


def isoformat(value: datetime) -> str:
    # replace() costs as much as isoformat(), and a timestamp rarely has microseconds.
    return (value.replace(microsecond=0) if value.microsecond else value).isoformat()


def utc_now_iso(now: datetime | None = None) -> str:
    return isoformat((now or datetime.now(UTC)).astimezone(UTC))
