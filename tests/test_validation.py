from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from tcacrawler.exporters import exportable
from tcacrawler.items import ArticleItem, RateItem
from tcacrawler.pipelines import ValidationPipeline
from tcacrawler.spiders.timesca import TimescaSpider
from tcacrawler.validation import (
    _CHAR,
    _PCT,
    _URI,
    SCHEMA_FILES,
    fast_validator,
    schema_errors,
    schema_for,
)


def valid_article() -> ArticleItem:
    return ArticleItem(
        story_id="timesca:1",
        url="https://timesca.com/a/",
        headline="Headline",
        article_body="Body text.",
        site="timesca",
        content_hash="0" * 64,
        retrieved_at="2026-11-30T04:00:00+00:00",
        date_published="2025-12-09T14:32:00+05:00",
        date_modified="2025-12-09T14:32:00+05:00",
    )


def test_a_valid_record_passes_and_an_invalid_one_is_quarantined(tmp_path: Path) -> None:
    crawler = get_crawler(TimescaSpider, {"TCA_OUTPUT_DIR": str(tmp_path)})
    crawler.spider = crawler._create_spider()
    pipeline = ValidationPipeline(crawler)
    good = valid_article()
    assert pipeline.process_item(good) is good
    bad = valid_article()
    bad.images = [{"url": "ftp://timesca.com/x.jpg", "caption": None}]
    bad.date_published = "09 December 2025"
    with pytest.raises(DropItem, match="schema violation"):
        pipeline.process_item(bad)
    pipeline.close_spider()
    quarantined = [
        json.loads(line)
        for path in (tmp_path / "timesca" / "quarantine").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(quarantined) == 1
    assert quarantined[0]["record"]["story_id"] == "timesca:1"
    assert any("date_published" in e for e in quarantined[0]["errors"])
    assert crawler.stats.get_value("tca/invalid/article") == 1


def test_rate_schema_keeps_the_sign_of_zero_and_checks_codes() -> None:
    rate = {
        "type": "rate", "base": "KZT", "quote": "USD", "rate": 0.00194, "change_pct": -0.0,
        "as_of": "2025-12-09", "source_url": "https://timesca.com/a/", "site": "timesca",
        "retrieved_at": "2026-11-30T04:00:00+00:00",
    }  # fmt: skip
    assert schema_errors(rate) == []
    assert schema_errors({**rate, "base": "kzt"})
    assert schema_errors({**rate, "rate": 0})
    assert RateItem.__dataclass_fields__["type"].default == "rate"


# --- the fast path (fastjsonschema) against jsonschema ---------------------------------


def reference_errors(record: dict[str, Any]) -> list[str]:
    """What jsonschema alone says, in schema_errors' format."""
    schema = schema_for(record["type"])
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<record>'}: {error.message}"
        for error in validator.iter_errors(record)
    ]


def fast_verdict(record: dict[str, Any]) -> bool:
    try:
        fast_validator(record["type"])(record)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


VALID_RATE = {
    "type": "rate", "base": "KZT", "quote": "USD", "rate": 0.00194, "change_pct": -0.0,
    "as_of": "2025-12-09", "source_url": "https://timesca.com/a/", "site": "timesca",
    "retrieved_at": "2026-11-30T04:00:00+00:00",
}  # fmt: skip

URLS = [
    "https://timesca.com/a/",
    "https://timesca.com/?p=10338",
    "http://user:pw@timesca.com:8080/a/b;c?d=e&f=g#h",
    "https://timesca.com/%D0%B0/",
    "https://timesca.com/a b/",
    "https://timesca.com/%zz/",
    "https://timesca.com/ü/",
    "https://timesca.com/a|b/",
    "https://timesca.com/{x}/",
    "https://[::1]/a/",  # valid, but outside the fast check's subset: jsonschema decides
    "https://time\nsca.com/",
    "ftp://timesca.com/",
]
DATES = ["2025-12-09", "2024-02-29", "2025-02-29", "2025-13-01", "2025-1-09", "２０２５-12-09"]


@pytest.mark.parametrize("url", URLS)
def test_fast_path_and_jsonschema_agree_on_urls(url: str) -> None:
    record = exportable(valid_article()) | {"url": url}
    expected = reference_errors(record)
    assert schema_errors(record) == expected
    if url == "https://[::1]/a/":
        assert expected == [] and not fast_verdict(record)  # stricter: never wrong
    else:
        assert fast_verdict(record) == (expected == [])


# _URI without its possessive repeats
PLAIN_URI = re.compile(
    rf"https?://(?:(?:[{_CHAR}:]|{_PCT})*@)?(?:[{_CHAR}]|{_PCT})*(?::[0-9]*)?"
    rf"(?:/(?:[{_CHAR}:@]|{_PCT})*)*"
    rf"(?:\?(?:[{_CHAR}:@/?]|{_PCT})*)?(?:#(?:[{_CHAR}:@/?]|{_PCT})*)?",
    re.ASCII,
)
uri_like = st.lists(
    st.sampled_from(["http://", "https://", "%", "%4", "%4f", "%zz", ":", "@", "/", "?", "#"])
    | st.text(alphabet="aZ09-._~!$&'()*+,;=[] \xfc|", max_size=4),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(uri_like)
def test_possessive_uri_regex_is_the_plain_one(text: str) -> None:
    for candidate in (text, "https://" + text, "http://a@b" + text):
        assert (_URI.fullmatch(candidate) is None) == (PLAIN_URI.fullmatch(candidate) is None)


@pytest.mark.parametrize("as_of", [*DATES, None])
def test_fast_path_and_jsonschema_agree_on_dates(as_of: str | None) -> None:
    record = VALID_RATE | {"as_of": as_of}
    expected = reference_errors(record)
    assert schema_errors(record) == expected
    assert fast_verdict(record) == (expected == [])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
STRINGS = (
    st.from_regex(r"https?://[!-~]{0,24}", fullmatch=True)
    | st.from_regex(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?", fullmatch=True)
    | st.from_regex(r"[a-z0-9_-]{1,8}:(\d{1,5}|/[a-z/]{0,8})", fullmatch=True)
    | st.from_regex(r"[0-9a-f]{64}|[A-Z]{3}", fullmatch=True)
)


@settings(max_examples=400, deadline=None)
@given(
    record_type=st.sampled_from(["article", "rate"]),
    data=st.data(),
    value=JSON_VALUES | STRINGS | st.lists(STRINGS, max_size=3),
)
def test_property_the_fast_path_never_passes_what_jsonschema_rejects(
    record_type: str, data: st.DataObject, value: Any
) -> None:
    base = exportable(valid_article()) if record_type == "article" else dict(VALID_RATE)
    fields = sorted(set(schema_for(record_type)["properties"]) - {"type"})
    field = data.draw(st.sampled_from(fields))
    record = base | {field: value}
    expected = reference_errors(record)
    assert schema_errors(record) == expected
    if fast_verdict(record):
        assert expected == []


def test_the_schemas_are_valid_json_schema() -> None:
    for record_type in SCHEMA_FILES:
        Draft202012Validator.check_schema(schema_for(record_type))


def test_valid_records_do_not_import_jsonschema() -> None:
    # jsonschema takes a quarter of a second to import: only invalid records need it
    code = (
        "import sys\n"
        "from tcacrawler.validation import schema_errors\n"
        f"assert schema_errors({exportable(valid_article())!r}) == []\n"
        f"assert schema_errors({VALID_RATE!r}) == []\n"
        "print('jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
