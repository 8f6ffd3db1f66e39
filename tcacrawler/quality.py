"""Extraction quality measures shared by the tests and the benchmarks."""

from __future__ import annotations

import re
from collections import Counter

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens; punctuation and whitespace do not count."""
    return TOKEN.findall((text or "").lower())


def token_f1(extracted: str | None, truth: str | None) -> float:
    """Bag-of-words F1 between an extracted text and the true one (1.0 = same words).

    Two empty texts agree (1.0); one empty text against a non-empty one scores 0.0.
    """
    return counter_f1(Counter(tokens(extracted)), Counter(tokens(truth)))


def counter_f1(got: Counter[str], want: Counter[str]) -> float:
    """:func:`token_f1` on token counts already made."""
    if not got and not want:
        return 1.0
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)
