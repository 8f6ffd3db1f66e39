"""JSON Schema validation of exported records, by record type."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_FILES = {"article": "article.schema.json", "rate": "rate.schema.json"}


@cache
def validator_for(record_type: str) -> Draft202012Validator:
    if record_type not in SCHEMA_FILES:
        raise KeyError(f"no schema for record type {record_type!r}")
    text = files("tcacrawler.schemas").joinpath(SCHEMA_FILES[record_type]).read_text("utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of one record; empty when it is valid."""
    record_type = record.get("type")
    if record_type not in SCHEMA_FILES:
        return [f"unknown record type {record_type!r}"]
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<record>'}: {error.message}"
        for error in validator_for(record_type).iter_errors(record)
    ]
