"""JSON Schema validation of exported records, by record type.

Every record is first checked by the code fastjsonschema generates from the schema
(compiled once, at first use): ~30 us a record, against ~0.5 ms for jsonschema. Only a
record it rejects goes through jsonschema, which has the final word and lists every
violation with its path; jsonschema (a quarter of a second to import) is imported then.
The fast check must never pass a record that jsonschema rejects: the schemas' formats are
therefore checked with the functions below, which are at least as strict as jsonschema's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_FILES = {"article": "article.schema.json", "rate": "rate.schema.json"}

# RFC 3986 URI, http(s) only and without IP-literal hosts: a subset of what jsonschema's
# "uri" checker (rfc3987 or rfc3986-validator, when installed) accepts. fastjsonschema's
# own "uri" regex accepts more (spaces aside, almost anything after a scheme).
_CHAR = r"A-Za-z0-9\-._~!$&'()*+,;="  # unreserved and sub-delims
_PCT = r"%[0-9A-Fa-f]{2}"
# Every repeat is possessive (a third of the cost): what may follow it ("%", "@", ":", "/",
# "?", "#" or the end) is outside its character class, so giving characters back never makes
# a match, and sre keeps no state to give them back (tests check it against the plain regex).
_URI = re.compile(
    rf"https?://(?:(?:[{_CHAR}:]++|{_PCT})*+@)?(?:[{_CHAR}]++|{_PCT})*+(?::[0-9]*+)?"
    rf"(?:/(?:[{_CHAR}:@]++|{_PCT})*+)*+"
    rf"(?:\?(?:[{_CHAR}:@/?]++|{_PCT})*+)?(?:#(?:[{_CHAR}:@/?]++|{_PCT})*+)?",
    re.ASCII,
)
# jsonschema's "date": this pattern and date.fromisoformat (fastjsonschema's own regex
# differs, e.g. on non-ASCII digits)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_uri(value: str) -> bool:
    return _URI.fullmatch(value) is not None


def _is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {"uri": _is_uri, "date": _is_date}


@cache
def schema_for(record_type: str) -> dict[str, Any]:
    if record_type not in SCHEMA_FILES:
        raise KeyError(f"no schema for record type {record_type!r}")
    text = files("tcacrawler.schemas").joinpath(SCHEMA_FILES[record_type]).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def fast_validator(record_type: str) -> Callable[[Any], Any]:
    """fastjsonschema's validator: raises JsonSchemaValueException at the first violation."""
    return fastjsonschema.compile(schema_for(record_type), formats=FORMATS, use_default=False)


@cache
def validator_for(record_type: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = schema_for(record_type)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of one record; empty when it is valid."""
    record_type = record.get("type")
    if record_type not in SCHEMA_FILES:
        return [f"unknown record type {record_type!r}"]
    try:
        fast_validator(record_type)(record)
    except fastjsonschema.JsonSchemaValueException:
        pass
    else:
        return []
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<record>'}: {error.message}"
        for error in validator_for(record_type).iter_errors(record)
    ]
