"""Read the site's exchange-rate ticker into data.

Every timesca.com page carries a header marquee such as::

    KGS/USD = 0.01144 0% KZT/USD = 0.00194 -0% ... TMT/USD = 0.28571 0.28%   (x8)
    09 December 2025

A naive text dump may show it on one line, one item per line, or glued to the
surrounding text (``... 0.28%09 December 2025Headline``). The ticker is
recognised by its *shape*: ``XXX/YYY = <number> <change>%`` items, repeated any
number of times, optionally followed by a ``DD Month YYYY`` date that belongs to
it. The same patterns are used by :mod:`tcacrawler.boilerplate` to strip the
ticker from article text.

Pure functions, no I/O, no clock.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "TICKER_DATE_PATTERN",
    "TICKER_ITEM_PATTERN",
    "TICKER_RUN_PATTERN",
    "Quote",
    "TickerReading",
    "find_tickers",
    "read_ticker",
]

_CODE = r"[A-Z]{3}"
# 0.01144, 12, 1,234.5 (thousands separators), ASCII digits only.
_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
# 0%, -0%, 0.28%, -1.5%, +0.3% (also a typographic minus sign).
_CHANGE = r"[+\-\u2212]?[0-9]+(?:\.[0-9]+)?\s*%"
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = rf"[0-9]{{1,2}}\s+{_MONTH}\.?\s+[0-9]{{4}}"
_ITEM = rf"{_CODE}\s*/\s*{_CODE}\s*=\s*(?:{_NUMBER})\s+{_CHANGE}"

#: One ticker item, with named groups base, quote, rate, change.
TICKER_ITEM_PATTERN = re.compile(
    rf"(?P<base>{_CODE})\s*/\s*(?P<quote>{_CODE})\s*=\s*"
    rf"(?P<rate>{_NUMBER})\s+(?P<change>[+\-\u2212]?[0-9]+(?:\.[0-9]+)?)\s*%"
)
#: A ``DD Month YYYY`` date with named groups day, month, year.
TICKER_DATE_PATTERN = re.compile(
    rf"(?P<day>[0-9]{{1,2}})\s+(?P<month>{_MONTH})\.?\s+(?P<year>[0-9]{{4}})"
)
#: A whole ticker: one or more items (separated by whitespace or nothing), then
#: optionally the date (group ``date``). Every whitespace run is matched by
#: ``\s*``/``\s+``, so collapsing or re-breaking whitespace never changes whether
#: a text contains a ticker.
TICKER_RUN_PATTERN = re.compile(rf"{_ITEM}(?:\s*{_ITEM})*(?:\s*(?P<date>{_DATE}))?")


def _skip_space_back(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _is_code(text: str, start: int, end: int) -> bool:
    return start >= 0 and all("A" <= c <= "Z" for c in text[start:end])


def find_tickers(text: str) -> Iterator[re.Match[str]]:
    """Yield the :data:`TICKER_RUN_PATTERN` matches in ``text``, left to right.

    Same result as ``TICKER_RUN_PATTERN.finditer(text)`` but much faster on long
    texts: instead of trying the regex at every position it only tries it where
    an item can start, found by walking back from each ``=`` over
    ``XXX / YYY``.
    """
    if "=" not in text or "/" not in text or "%" not in text:
        return
    pos = text.find("=")
    while pos >= 0:
        quote_end = _skip_space_back(text, pos)
        slash = _skip_space_back(text, quote_end - 3) - 1
        base_end = _skip_space_back(text, slash)
        if (
            slash >= 0
            and text[slash] == "/"
            and _is_code(text, quote_end - 3, quote_end)
            and _is_code(text, base_end - 3, base_end)
        ):
            match = TICKER_RUN_PATTERN.match(text, base_end - 3)
            if match is not None:
                yield match
                pos = text.find("=", match.end())
                continue
        pos = text.find("=", pos + 1)


@dataclass(frozen=True)
class Quote:
    """1 unit of ``base`` costs ``rate`` units of ``quote``; ``change_pct`` is the day's change."""

    base: str
    quote: str
    rate: float
    change_pct: float


@dataclass(frozen=True)
class TickerReading:
    quotes: tuple[Quote, ...]
    as_of: datetime.date | None


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


def _date(match: re.Match[str]) -> datetime.date | None:
    month = _MONTHS[match.group("month")[:3].lower()]
    try:
        return datetime.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:  # e.g. 31 February
        return None


def read_ticker(text: str) -> TickerReading | None:
    """Read every ticker in ``text``; ``None`` when nothing ticker-shaped is present.

    Quotes are unique by (base, quote) in first-seen order; when repeats disagree
    the first value wins. ``as_of`` is the first valid date that directly follows
    a ticker.
    """
    quotes: dict[tuple[str, str], Quote] = {}
    as_of: datetime.date | None = None
    for run in find_tickers(text):
        for item in TICKER_ITEM_PATTERN.finditer(text, run.start(), run.end()):
            key = (item.group("base"), item.group("quote"))
            if key not in quotes:
                quotes[key] = Quote(
                    base=key[0],
                    quote=key[1],
                    rate=_number(item.group("rate")),
                    change_pct=_number(item.group("change")),
                )
        if as_of is None and run.group("date") is not None:
            date_match = TICKER_DATE_PATTERN.fullmatch(text, run.start("date"), run.end("date"))
            if date_match is not None:
                as_of = _date(date_match)
    if not quotes:
        return None
    return TickerReading(quotes=tuple(quotes.values()), as_of=as_of)
