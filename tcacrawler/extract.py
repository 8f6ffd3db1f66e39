"""Page -> record, the pure part of the pipeline, shared by the crawl and the fixture tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tcacrawler.boilerplate import HEADLINE_RULES, BoilerplateCleaner
from tcacrawler.dedup import hash_and_words
from tcacrawler.exporters import exportable
from tcacrawler.items import ArticleItem
from tcacrawler.pages.wordpress import WordPressArticlePage

CLEANED_FIELDS = ("headline", "description", "article_body")
# Fields that depend on the run rather than the page.
RUN_FIELDS = ("retrieved_at", "revision", "duplicate_of")

_default_cleaner = BoilerplateCleaner()
# A headline is one line: the furniture rules, which judge a short line by its place in
# the body, would take "X" or "Telegram" for a share bar. Only the ticker and spam go.
_headline_cleaner = BoilerplateCleaner(HEADLINE_RULES)


def clean_article(
    item: ArticleItem,
    cleaner: BoilerplateCleaner = _default_cleaner,
    headline_cleaner: BoilerplateCleaner = _headline_cleaner,
) -> Counter[str]:
    """Removes boilerplate from the text fields in place; returns removals per rule."""
    removed: Counter[str] = Counter()
    for field_name in CLEANED_FIELDS:
        value = getattr(item, field_name)
        if not value:
            continue
        field_cleaner = headline_cleaner if field_name == "headline" else cleaner
        result = field_cleaner.clean(value)
        removed.update(result.removed)
        setattr(item, field_name, result.text or None)
    return removed


def stamp_article(item: ArticleItem) -> None:
    item.content_hash, item.word_count = hash_and_words(item.article_body or "")


def extract_record(
    page_class: type[WordPressArticlePage],
    url: str,
    html: str,
    *,
    tz_offset_minutes: int | None = None,
) -> dict[str, Any]:
    """What the crawl would export for this page, less the run-dependent fields."""
    item = page_class(url, html, tz_offset_minutes=tz_offset_minutes).to_item()
    clean_article(item)
    stamp_article(item)
    record = exportable(item)
    for name in RUN_FIELDS:
        record.pop(name, None)
    return record
