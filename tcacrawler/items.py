"""The records tcacrawler exports.

Field names follow the zyte-common-items vocabulary in snake_case. Fields whose
metadata says ``transient`` travel between spider and pipelines but are never
exported (the exporter drops them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

TRANSIENT = {"transient": True}


@dataclass
class Image:
    url: str
    caption: str | None = None


@dataclass
class ArticleItem:
    """One story as published on one page; see tcacrawler/schemas/article.schema.json."""

    story_id: str
    url: str
    headline: str
    article_body: str
    site: str
    type: str = "article"
    revision: int = 1
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    date_published: str | None = None
    date_modified: str | None = None
    in_language: str | None = None
    images: list[dict[str, Any]] = field(default_factory=list)
    word_count: int = 0
    content_hash: str | None = None
    duplicate_of: str | None = None
    retrieved_at: str | None = None
    # "page" when the page object's own rules found headline and body,
    # "fallback" when the generic extractor had to fill them in.
    extraction: str = "page"
    # Text of the page around the article (header, sidebar): the rates pipeline
    # reads the exchange-rate ticker from it. Never exported.
    furniture_text: str | None = field(default=None, repr=False, metadata=TRANSIENT)


@dataclass
class RateItem:
    """One exchange-rate quote read from the site's ticker; see rate.schema.json."""

    base: str
    quote: str
    rate: float
    change_pct: float
    as_of: str | None
    source_url: str
    site: str
    type: str = "rate"
    retrieved_at: str | None = None


def exported_field_names(item_class: type) -> list[str]:
    return [f.name for f in fields(item_class) if not f.metadata.get("transient")]
