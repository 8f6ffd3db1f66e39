"""Tests for tcacrawler.rates (all texts synthetic)."""

from __future__ import annotations

import asyncio
import datetime
import math
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from tcacrawler.exporters import exportable
from tcacrawler.items import ArticleItem
from tcacrawler.pipelines import RatesPipeline
from tcacrawler.rates import (
    TICKER_RUN_PATTERN,
    Quote,
    SkippedQuote,
    TickerReading,
    find_tickers,
    read_ticker,
)
from tcacrawler.validation import schema_errors

FIVE = [
    ("KGS", "USD", "0.01144", "0"),
    ("KZT", "USD", "0.00194", "-0"),
    ("TJS", "USD", "0.10896", "-0"),
    ("UZS", "USD", "0.00008", "0"),
    ("TMT", "USD", "0.28571", "0.28"),
]
EXPECTED_FIVE = (
    Quote("KGS", "USD", 0.01144, 0.0),
    Quote("KZT", "USD", 0.00194, -0.0),
    Quote("TJS", "USD", 0.10896, -0.0),
    Quote("UZS", "USD", 0.00008, 0.0),
    Quote("TMT", "USD", 0.28571, 0.28),
)


def items(pairs: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{b}/{q} = {r} {c}%" for b, q, r, c in pairs]


ONE_LINE = " ".join(items(FIVE) * 8) + " 09 December 2025"
LINE_PER_ITEM = "\n".join(items(FIVE) * 8) + "\n09 December 2025\n"
RUN_TOGETHER = "".join(items(FIVE) * 8) + "09 December 2025Headline text"


@pytest.mark.parametrize(
    "text",
    [ONE_LINE, LINE_PER_ITEM, RUN_TOGETHER, "Home News\n" + ONE_LINE + "\nStory title"],
    ids=["one-line", "line-per-item", "run-together", "in-furniture"],
)
def test_five_pairs_eight_copies(text: str) -> None:
    reading = read_ticker(text)
    assert reading == TickerReading(EXPECTED_FIVE, datetime.date(2025, 12, 9))


def test_negative_zero_keeps_sign() -> None:
    reading = read_ticker(ONE_LINE)
    assert reading is not None
    kzt = reading.quotes[1]
    assert kzt.change_pct == 0.0
    assert math.copysign(1, kzt.change_pct) == -1
    assert math.copysign(1, reading.quotes[0].change_pct) == 1


def test_four_pairs_old_pages() -> None:
    reading = read_ticker(" ".join(items(FIVE[:4]) * 8) + " 12 May 2021")
    assert reading == TickerReading(EXPECTED_FIVE[:4], datetime.date(2021, 5, 12))


def test_no_date() -> None:
    reading = read_ticker(" ".join(items(FIVE)))
    assert reading == TickerReading(EXPECTED_FIVE, None)


def test_date_right_before_the_ticker() -> None:
    # taken when no date follows the ticker
    reading = read_ticker("09 December 2025 " + " ".join(items(FIVE)) + " Some headline")
    assert reading is not None
    assert reading.as_of == datetime.date(2025, 12, 9)
    reading = read_ticker("Tuesday, 09 December 2025\n" + " ".join(items(FIVE)) + " 10 Dec 2025")
    assert reading is not None
    assert reading.as_of == datetime.date(2025, 12, 10)


def test_a_date_further_before_is_not_the_tickers() -> None:
    reading = read_ticker("09 December 2025 Some headline " + " ".join(items(FIVE)))
    assert reading is not None
    assert reading.as_of is None
    reading = read_ticker("109 December 2025 " + " ".join(items(FIVE)))
    assert reading is not None
    assert reading.as_of is None


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [
        ("09 December 2025", datetime.date(2025, 12, 9)),
        ("9 December 2025", datetime.date(2025, 12, 9)),
        ("01 january 2024", datetime.date(2024, 1, 1)),
        ("29 Feb 2024", datetime.date(2024, 2, 29)),
        ("Tuesday, 09 December 2025", datetime.date(2025, 12, 9)),
        ("Tue 9 Dec 2025", datetime.date(2025, 12, 9)),
        ("15 Sept 2023", datetime.date(2023, 9, 15)),
        ("31 February 2025", None),  # ticker-shaped, but not a date
    ],
)
def test_as_of(date_text: str, expected: datetime.date | None) -> None:
    reading = read_ticker(" ".join(items(FIVE)) + "\n" + date_text)
    assert reading is not None
    assert reading.as_of == expected


def test_repeats_disagree_first_wins() -> None:
    first = items(FIVE)
    later = items([(b, q, "9.99", "5") for b, q, _, _ in FIVE])
    reading = read_ticker(" ".join(first + later + first))
    assert reading is not None
    assert reading.quotes == EXPECTED_FIVE


def test_unique_first_seen_order() -> None:
    text = "EUR/USD = 1.1 0% KZT/USD = 0.002 0% EUR/USD = 1.2 0% CNY/USD = 0.14 0%"
    reading = read_ticker(text)
    assert reading is not None
    assert [(q.base, q.quote) for q in reading.quotes] == [
        ("EUR", "USD"),
        ("KZT", "USD"),
        ("CNY", "USD"),
    ]
    assert reading.quotes[0].rate == 1.1


@pytest.mark.parametrize(
    ("item", "rate", "change"),
    [
        ("USD/KZT = 1,234.5 +0.3%", 1234.5, 0.3),
        ("USD/KZT = 512 -1.5%", 512.0, -1.5),
        ("USD/KZT=512.07 \u22120.25 %", 512.07, -0.25),
        ("USD / KZT  =  1,234,567 12%", 1234567.0, 12.0),
        # a comma before other than three digits, or after a leading 0, is a decimal comma
        ("KZT/USD = 0,002 -0%", 0.002, -0.0),
        ("KZT/USD = 0,00194 -0%", 0.00194, -0.0),
        ("USD/KZT = 512,07 0,25%", 512.07, 0.25),
        # the change with an arrow, or in parentheses
        ("KZT/USD = 0.00194 \u25bc0.12%", 0.00194, -0.12),
        ("KZT/USD = 0.00194 \u25b20.12%", 0.00194, 0.12),
        ("KZT/USD = 0.00194\u25bc 0%", 0.00194, -0.0),
        ("KZT/USD = 0.00194 (-0.12%)", 0.00194, -0.12),
        ("KZT/USD = 0.00194 ( +0.12 % )", 0.00194, 0.12),
        ("KZT/USD = 0.00194(0.12%)", 0.00194, 0.12),
    ],
)
def test_number_formats(item: str, rate: float, change: float) -> None:
    reading = read_ticker(item)
    assert reading is not None
    (quote,) = reading.quotes
    assert (quote.rate, quote.change_pct) == (rate, change)
    assert math.copysign(1, quote.change_pct) == math.copysign(1, change)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("IRR/USD = 0.00000 0%", "zero"),
        ("IRR/USD = 0 0%", "zero"),
        ("IRR/USD = 1.234,5 0%", "unreadable"),
        ("IRR/USD = 1,2,3 0%", "unreadable"),
    ],
)
def test_zero_or_unreadable_rate_is_skipped(item: str, reason: str) -> None:
    """No rate record rather than one the schema rejects (rate > 0) or a wrong one."""
    reading = read_ticker(f"KGS/USD = 0.01144 0% {item} 09 December 2025")
    assert reading is not None
    assert [(q.base, q.quote) for q in reading.quotes] == [("KGS", "USD")]
    assert reading.skipped == (SkippedQuote("IRR", "USD", item, reason),)
    assert reading.as_of == datetime.date(2025, 12, 9)


def test_a_readable_repeat_gives_the_quote() -> None:
    reading = read_ticker("IRR/USD = 0.00000 0% IRR/USD = 0.00002 0%")
    assert reading is not None
    assert reading.quotes == (Quote("IRR", "USD", 0.00002, 0.0),)
    assert reading.skipped == ()


def test_tickers_in_several_places_are_merged() -> None:
    text = items(FIVE[:2])[0] + "\nSome headline\n" + " ".join(items(FIVE)) + " 09 December 2025"
    reading = read_ticker(text)
    assert reading == TickerReading(EXPECTED_FIVE, datetime.date(2025, 12, 9))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The tenge fell to 0.0019 USD, a drop of 0.3%.",
        "The KGS/USD rate changed by 0.5% on 09 December 2025.",
        "kgs/usd = 0.01144 0%",  # codes are upper case
        "KGS/USD = 0.01144",  # no change
        "KGS/USD = 0.01144 0",  # no percent sign
        "09 December 2025",
    ],
)
def test_no_ticker(text: str) -> None:
    assert read_ticker(text) is None


def test_reading_is_frozen() -> None:
    reading = read_ticker(ONE_LINE)
    assert reading is not None
    with pytest.raises(AttributeError):
        reading.as_of = None  # type: ignore[misc]


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

CODES = ["KGS", "KZT", "TJS", "UZS", "TMT", "USD", "EUR", "RUB"]
decimal_text = st.builds(
    lambda whole, frac: str(whole) + (f".{frac}" if frac else ""),
    st.integers(0, 9999),
    st.text("0123456789", max_size=5),
)
quote_specs = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(CODES),
        decimal_text,
        st.sampled_from(["", "-", "+"]),
        decimal_text,
    ),
    min_size=1,
    max_size=6,
)
separator = st.sampled_from(["", " ", "\n", "\n\n", " \t "])


@settings(max_examples=80, deadline=None)
@given(quote_specs, st.integers(1, 8), separator, st.data())
def test_generated_tickers(
    specs: list[tuple[str, str, str, str, str]], copies: int, sep: str, data: st.DataObject
) -> None:
    texts = [f"{b}/{q} = {r} {s}{c}%" for b, q, r, s, c in specs]
    date = data.draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)))
    with_date = data.draw(st.booleans())
    text = sep.join(texts * copies) + (sep + date.strftime("%d %B %Y") if with_date else "")

    expected: dict[tuple[str, str], Quote] = {}
    for b, q, r, s, c in specs:
        if float(r):  # a zero rate is skipped
            expected.setdefault((b, q), Quote(b, q, float(r), float(s + c)))
    zero = {(b, q) for b, q, r, _, _ in specs if not float(r)} - set(expected)
    reading = read_ticker(text)
    assert reading is not None
    assert reading.quotes == tuple(expected.values())
    assert {(s.base, s.quote) for s in reading.skipped} == zero
    for got, want in zip(reading.quotes, expected.values(), strict=True):
        assert math.copysign(1, got.change_pct) == math.copysign(1, want.change_pct)
    assert reading.as_of == (date if with_date else None)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="KGSUD/=0123456789.% -\n+abc", max_size=80))
def test_find_tickers_matches_plain_regex(text: str) -> None:
    fast = [m.span() for m in find_tickers(text)]
    plain = [m.span() for m in TICKER_RUN_PATTERN.finditer(text)]
    assert fast == plain


def test_pipeline_counts_skipped_rates_and_emits_only_valid_records() -> None:
    emitted: list[Any] = []

    async def start_itemproc_async(item: Any, response: Any) -> None:
        emitted.append(item)

    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.engine = SimpleNamespace(  # type: ignore[assignment]
        scraper=SimpleNamespace(start_itemproc_async=start_itemproc_async)
    )
    pipeline = RatesPipeline(crawler)
    ticker = "KZT/USD = 0,00194 -0% IRR/USD = 0.00000 0% TMT/USD = 1.234,5 0% 09 December 2025"
    for n in range(2):  # the second page's ticker counts nothing again
        item = ArticleItem(
            story_id=f"timesca:{n}",
            url=f"https://timesca.com/story-{n}/",
            headline="h",
            article_body="b",
            site="timesca",
            furniture_text=ticker,
        )
        asyncio.run(pipeline.process_item(item))
    assert [(r.base, r.quote, r.rate) for r in emitted] == [("KZT", "USD", 0.00194)]
    record = exportable(emitted[0])
    record["retrieved_at"] = "2025-12-09T00:00:00+00:00"
    assert schema_errors(record) == []
    assert crawler.stats.get_value("tca/rates/skipped/zero") == 1
    assert crawler.stats.get_value("tca/rates/skipped/unreadable") == 1
    assert crawler.stats.get_value("tca/rates/read") == 1
