from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from tcacrawler.items import ArticleItem, RateItem
from tcacrawler.pipelines import ValidationPipeline
from tcacrawler.spiders.timesca import TimescaSpider
from tcacrawler.validation import schema_errors


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
