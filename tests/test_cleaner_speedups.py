"""The cleaner's fast paths give what the plain code gives (tcacrawler.boilerplate)."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given
from hypothesis import strategies as st

from tcacrawler import boilerplate as bp
from tests.test_boilerplate import FAST, any_texts

ALL_CHARS = [chr(cp) for cp in range(0x110000)]

# Words of the rules' vocabularies, with the characters that case folding treats apart.
WORDS = [
    *bp.SPAM_TERMS,
    *bp.NAV_LABELS,
    *bp.SHARE_WORDS,
    "newsletter",
    "Subscribe",
    "sign up",
    "e-mail",
    "join",
    "register",
    "our",
    "the",
    "Enter your email",
    "KUMAR",
    "ADRESİ",
    "Newſletter",
    "\u212aumar",
    "sıgn up",
    "casino.",
    "“casino”",
    "1XBET",
]
piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\xa0", "\u2028", " | ", ", ", "."]),
    st.text(alphabet="aıİſKkeinsSç \n-", max_size=6),
)
vocab_texts = st.lists(piece, max_size=30).map("".join)
texts = st.one_of(vocab_texts, any_texts)


def slow_split(text: str) -> list[str]:
    return [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]


def test_only_space_among_separators_is_printable() -> None:
    # _normal_paragraphs relies on it
    for c in ALL_CHARS:
        if c != " " and (c.split() != [c] or len(f"a{c}b".splitlines()) > 1):
            assert not c.isprintable(), hex(ord(c))


def test_lower_to_ascii_is_complete() -> None:
    found = {c for c in ALL_CHARS if not c.isascii() and any(x.isascii() for x in c.lower())}
    assert found == set(bp.LOWER_TO_ASCII)


def test_case_folded_only_is_complete() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {
        c for c in ALL_CHARS if not c.isascii() and letter.fullmatch(c) and not c.lower().isascii()
    }
    assert found == set(bp.CASE_FOLDED_ONLY)


@FAST
@given(texts)
def test_split_paragraphs(text: str) -> None:
    assert bp.split_paragraphs(text) == slow_split(text)


@FAST
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map("\n\n".join))
def test_split_paragraphs_of_normal_text_is_split(text: str) -> None:
    normal = "\n\n".join(slow_split(text))
    assert bp._normal_paragraphs(normal) == slow_split(text)


@FAST
@given(texts)
def test_spam_prefilter(text: str) -> None:
    paragraphs = slow_split(text)
    plain = bp.SpamDetector(tuple(bp.SPAM_TERMS))
    object.__setattr__(plain, "_key_pattern", None)  # (_may_hold_term reads the pattern)
    fast = set(bp.is_spam.candidates(paragraphs))
    assert {i for i in plain.candidates(paragraphs) if plain(paragraphs[i])} <= fast
    assert fast <= set(plain.candidates(paragraphs))


@FAST
@given(texts)
def test_match_keywords(text: str) -> None:
    paragraphs = slow_split(text)
    plain = dataclasses.replace(bp.NEWSLETTER_RULE, match_keywords=())
    assert bp.NEWSLETTER_RULE.apply(paragraphs) == plain.apply(paragraphs)


@FAST
@given(texts)
def test_label_starts(text: str) -> None:
    paragraphs = slow_split(text)
    plain = dataclasses.replace(bp.NAV_RULE, starts=frozenset())
    assert bp.NAV_RULE.apply(paragraphs) == plain.apply(paragraphs)
    assert [bp.NAV_RULE._labels(p) for p in paragraphs] == [plain._labels(p) for p in paragraphs]


def test_label_starts_needs_two_ascii_letters() -> None:
    assert bp.label_starts(["home", "x"]) == frozenset()
    assert bp.label_starts(["Home", "news "]) == {"ho", "ne"}


@FAST
@given(texts)
def test_key_scan_is_the_word_set_test(text: str) -> None:
    words = bp._ascii_words(text)
    keys = bp.is_spam._keys
    assert keys is not None
    assert bp.is_spam._may_hold_term(text) == (words is None or not keys.isdisjoint(words))


key_words = st.text(alphabet="ab0_", min_size=1, max_size=4).map(str.encode)


@FAST
@given(st.frozensets(key_words, min_size=1, max_size=12), st.lists(key_words, max_size=8))
def test_key_pattern_finds_exactly_the_keys(keys: frozenset[bytes], words: list[bytes]) -> None:
    # prefixes of one another ("a", "ab", "ab0") share their trie branches
    pattern = bp._key_pattern(keys)
    for word in [*keys, *words]:
        assert (pattern.search(b" " + word + b" ") is not None) == (word in keys)
    padded = b" " + b" ".join(words) + b" "
    assert (pattern.search(padded) is not None) == (not keys.isdisjoint(words))


def test_term_keys_need_an_ascii_run() -> None:
    assert bp._term_keys(["ıı"]) is None
    detector = bp.SpamDetector(("ıı ıı", "çç"))
    assert detector._keys is None
    assert detector.candidates(["ıı ıı x"]) == [0]


@FAST
@given(texts)
def test_short_paragraph_judges(text: str) -> None:
    # _drop_short and _labels_short skip the word bound their callers have checked
    for p in slow_split(text):
        for rule in (bp.SHARE_RULE, bp.NEWSLETTER_RULE):
            expected = p.count(" ") < rule.max_words and rule._drop_short(p)
            assert rule._drop(p) == expected
        if p.count(" ") < bp.NAV_RULE.max_words:
            assert bp.NAV_RULE._labels_short(p) == bp.NAV_RULE._labels(p)


def test_read_also_starts_are_complete() -> None:
    # the letters that begin "read", "see", "related", "more", "continue", "also", "you"
    first = re.compile("[rsmcay]", re.IGNORECASE)
    assert {c for c in ALL_CHARS if first.fullmatch(c)} == set(bp.READ_ALSO_RULE.starts)
    # any other first character fails every alternative of both regexes
    rule = bp.READ_ALSO_RULE
    tails = (
        "ead also: x",
        "ee more - x",
        "ontinue reading",
        "elated posts:",
        "ore on this",
        "ead more:",
        "lso read: x",
        "ou may also like",
    )
    for c in ALL_CHARS:
        if c not in rule.starts:
            for tail in tails:
                assert not rule.line.match(c + tail) and not rule.heading.fullmatch(c + tail)
    for tail in tails:
        assert (
            rule.line.match("r" + tail)
            or rule.line.match("s" + tail)
            or rule.line.match("c" + tail)
            or rule.line.match("a" + tail)
            or rule.heading.fullmatch("r" + tail)
            or rule.heading.fullmatch("m" + tail)
            or rule.heading.fullmatch("y" + tail)
        )


headed_texts = st.lists(
    st.sampled_from(
        [
            "Read also: A title",
            "ſee also: another",
            "Related",
            "RELATED ARTICLES:",
            "More from TCA",
            "Continue reading »",
            "read more",
            "See more – x",
            "A title of a story",
            "Some text. More text.",
            "Moscow, Almaty and Bishkek",
            "crime",
        ]
    ),
    max_size=14,
).map("\n".join)


@FAST
@given(st.one_of(headed_texts, texts))
def test_read_also_starts(text: str) -> None:
    paragraphs = slow_split(text)
    plain = dataclasses.replace(bp.READ_ALSO_RULE, starts="")
    assert bp.READ_ALSO_RULE.apply(paragraphs) == plain.apply(paragraphs)


def test_a_detector_without_terms_finds_none() -> None:
    # An empty alternation would match between any two spaces.
    for terms in ((), ("  ",)):
        detector = bp.SpamDetector(terms)
        assert not detector._may_hold_term("")
        assert not detector._may_hold_term("a  b, c")
        assert detector.candidates(["a  b", ""]) == []
