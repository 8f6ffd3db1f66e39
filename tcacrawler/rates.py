"""Read the site's exchange-rate ticker into data.

Every timesca.com page carries a header marquee such as::

    KGS/USD = 0.01144 0% KZT/USD = 0.00194 -0% ... TMT/USD = 0.28571 0.28%   (x8)
    09 December 2025

A naive text dump may show it on one line, one item per line, or glued to the
surrounding text (``... 0.28%09 December 2025Headline``). The ticker is
recognised by its *shape*: ``XXX/YYY = <number> <change>%`` items, repeated any
number of times, optionally followed by a ``DD Month YYYY`` date that belongs to
it (or, when none follows, preceded by one). The same patterns are used by
:mod:`tcacrawler.boilerplate` to strip the ticker from article text.

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
    "SkippedQuote",
    "TickerReading",
    "find_tickers",
    "read_ticker",
]

_CODE = r"[A-Z]{3}"
# 0.01144, 12, 1,234.5, 0,00194: digit groups separated by points or commas, ASCII digits
# only; _number decides what the separators are (and which numbers it cannot read).
_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
# The numbers whose commas separate thousands: groups of exactly three digits after a
# leading group that is a number of its own (1,234 and 12,345.5; not 0,002, a decimal comma).
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
# An arrow before the change gives its sign.
_UP, _DOWN = "\u25b2\u25b4\u2191", "\u25bc\u25be\u2193"  # ▲▴↑ ▼▾↓
_SIGN = rf"(?:[{_UP}{_DOWN}]\s*)?[+\-\u2212]?"
_PERCENT = rf"{_SIGN}[0-9]+(?:[.,][0-9]+)?\s*%"
# 0%, -0%, 0.28%, -1.5%, +0.3% (also a typographic minus sign), ▼0.12%, (-0.12%); after
# whitespace, or right after the rate when it opens with a parenthesis or an arrow.
_CHANGE = rf"(?:\s+|(?=[({_UP}{_DOWN}]))(?:\(\s*{_PERCENT}\s*\)|{_PERCENT})"
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
# "Tuesday, " before the date.
_WEEKDAY = r"(?i:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6})\.?,?\s*"
_DATE = rf"(?:{_WEEKDAY})?[0-9]{{1,2}}\s+{_MONTH}\.?\s+[0-9]{{4}}"
_ITEM = rf"{_CODE}\s*/\s*{_CODE}\s*=\s*(?:{_NUMBER}){_CHANGE}"

#: One ticker item, with named groups base, quote, rate, change (the number) and sign
#: (its sign or arrow, if any).
TICKER_ITEM_PATTERN = re.compile(
    rf"(?P<base>{_CODE})\s*/\s*(?P<quote>{_CODE})\s*=\s*(?P<rate>{_NUMBER})"
    rf"(?:\s+|(?=[({_UP}{_DOWN}]))(?:\(\s*)?(?P<sign>{_SIGN})"
    rf"(?P<change>[0-9]+(?:[.,][0-9]+)?)\s*%(?:\s*\))?"
)
_DATE_GROUPS = rf"(?P<day>[0-9]{{1,2}})\s+(?P<month>{_MONTH})\.?\s+(?P<year>[0-9]{{4}})"
#: A ``DD Month YYYY`` date (``Tuesday, DD Month YYYY`` too) with named groups day,
#: month, year.
TICKER_DATE_PATTERN = re.compile(rf"(?:{_WEEKDAY})?{_DATE_GROUPS}")
# A date right before a ticker (whitespace between): the end of the text before it.
_DATE_BEFORE = re.compile(rf"(?<![0-9]){_DATE_GROUPS}\s*\Z")
_DATE_BEFORE_WINDOW = 32
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
class SkippedQuote:
    """A ticker item that gives no quote: ``reason`` is ``zero`` (a rate of 0, which no
    exchange rate is: the ticker had no figure) or ``unreadable`` (``1.234,5``)."""

    base: str
    quote: str
    text: str
    reason: str


@dataclass(frozen=True)
class TickerReading:
    quotes: tuple[Quote, ...]
    as_of: datetime.date | None
    # items of pairs that no item gives a quote for, first-seen order
    skipped: tuple[SkippedQuote, ...] = ()


def _number(text: str) -> float | None:
    """A rate as the ticker writes it; None when the separators are not readable."""
    if _THOUSANDS.fullmatch(text) is not None:
        return float(text.replace(",", ""))
    if _DECIMAL.fullmatch(text) is not None:
        return float(text.replace(",", "."))
    return None


def _change(item: re.Match[str]) -> float:
    value = float(item.group("change").replace(",", "."))
    sign = item.group("sign")
    return -value if sign and ("-" in sign or "\u2212" in sign or sign[0] in _DOWN) else value


def _date(match: re.Match[str]) -> datetime.date | None:
    month = _MONTHS[match.group("month")[:3].lower()]
    try:
        return datetime.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:  # e.g. 31 February
        return None


def read_ticker(text: str) -> TickerReading | None:
    """Read every ticker in ``text``; ``None`` when nothing ticker-shaped is present.

    Quotes are unique by (base, quote) in first-seen order; when repeats disagree
    the first value wins. An item whose rate is zero or unreadable gives no quote: its
    pair is in ``skipped`` unless another item gives it one. ``as_of`` is the first valid
    date that directly follows a ticker, else one directly before the first ticker.
    """
    quotes: dict[tuple[str, str], Quote] = {}
    skipped: dict[tuple[str, str], SkippedQuote] = {}
    as_of: datetime.date | None = None
    first_start = -1
    for run in find_tickers(text):
        if first_start < 0:
            first_start = run.start()
        for item in TICKER_ITEM_PATTERN.finditer(text, run.start(), run.end()):
            key = (item.group("base"), item.group("quote"))
            if key in quotes:
                continue
            rate = _number(item.group("rate"))
            if not rate:  # None (unreadable) or zero
                if key not in skipped:
                    reason = "unreadable" if rate is None else "zero"
                    skipped[key] = SkippedQuote(key[0], key[1], item.group(), reason)
                continue
            quotes[key] = Quote(base=key[0], quote=key[1], rate=rate, change_pct=_change(item))
        if as_of is None and run.group("date") is not None:
            date_match = TICKER_DATE_PATTERN.fullmatch(text, run.start("date"), run.end("date"))
            if date_match is not None:
                as_of = _date(date_match)
    if first_start < 0:
        return None
    if as_of is None:
        window = max(0, first_start - _DATE_BEFORE_WINDOW)
        if (date_match := _DATE_BEFORE.search(text, window, first_start)) is not None:
            as_of = _date(date_match)
    return TickerReading(
        quotes=tuple(quotes.values()),
        as_of=as_of,
        skipped=tuple(v for k, v in skipped.items() if k not in quotes),
    )
