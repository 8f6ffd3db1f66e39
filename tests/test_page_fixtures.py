"""Data-driven page tests: every tests/fixtures/pages/<spider>/<case>.html with its
<case>.json is a test case, one test per expected field. Add cases with
`scrapy savefixture URL --spider NAME`; no test code is needed."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from tcacrawler.extract import extract_record

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def _cases() -> list[Any]:
    params = []
    for case_file in sorted(FIXTURES.glob("*/*.json")):
        expected = json.loads(case_file.read_text(encoding="utf-8"))["expected"]
        case_id = f"{case_file.parent.name}/{case_file.stem}"
        params += [pytest.param(case_file, name, id=f"{case_id}::{name}") for name in expected]
    return params


@cache
def _spider_loader() -> SpiderLoader:
    return SpiderLoader.from_settings(get_project_settings())


@cache
def _extracted(case_file: Path) -> dict[str, Any]:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    spider_class = _spider_loader().load(case["spider"])
    # as the crawl names records: the generic spider after the page's host
    page_class = spider_class.page_class_for(urlsplit(case["url"]).hostname or "")
    html = case_file.with_suffix(".html").read_text(encoding="utf-8")
    return extract_record(page_class, case["url"], html)


def test_there_are_fixtures() -> None:
    assert len(list(FIXTURES.glob("*/*.json"))) >= 5


@pytest.mark.parametrize(("case_file", "field_name"), _cases())
def test_page_field(case_file: Path, field_name: str) -> None:
    expected = json.loads(case_file.read_text(encoding="utf-8"))["expected"][field_name]
    assert _extracted(case_file).get(field_name) == expected
