"""Strip page furniture and injected junk from an article's text fields.

The cleaner takes plain text (paragraphs separated by blank lines, or a naive
dump with one line per text node, or everything run together) and returns the
story text with the boilerplate removed::

    result = BoilerplateCleaner().clean(text)
    result.text      # paragraphs separated by exactly "\\n\\n"
    result.removed   # {"ticker": 1, "share": 3, ...} (only rules that fired)

Output format: every non-empty line of the input becomes one paragraph, with
its whitespace collapsed to single spaces; paragraphs are joined by "\\n\\n".

Rules come in two kinds, applied in this order:

* :class:`TextRule` works on the whole text (e.g. :class:`RegexRule`, which
  deletes regex matches wherever they are, even glued to other text);
* :class:`ParagraphRule` works on the list of paragraphs and drops some of them
  (:class:`LineRule` with any predicate, :class:`MatchLineRule` with a regex,
  :class:`HeadedBlockRule`, :class:`LabelRunRule`,
  :class:`RepeatedParagraphRule`, and :class:`FurnitureRule`, which judges short
  lines by their context: furniture sits in runs at the edges of the body or after a
  line that announces it, story text is sentences).

To add a rule, append an instance to :data:`DEFAULT_RULES` (or pass your own
sequence to :class:`BoilerplateCleaner`); to recognise more spam, add words to
:data:`SPAM_TERMS`. Rules must be stateless: everything they know comes from
the text they are given, so the result never depends on earlier calls.

The cleaner repeats its passes until nothing more is removed (a removal can
bring two fragments of boilerplate together), which makes it idempotent:
``clean(clean(x).text).text == clean(x).text``.

Pure Python: no I/O, no clock, no Scrapy.
"""

from __future__ import annotations

import bisect
import itertools
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from tcacrawler.rates import TICKER_ITEM_PATTERN, find_tickers

__all__ = [
    "COMMON_SPAM_TERMS",
    "DEFAULT_RULES",
    "HEADLINE_RULES",
    "NAV_LABELS",
    "NAV_PLACES",
    "SHARE_LABELS",
    "SHARE_WORDS",
    "SPAM_TERMS",
    "BoilerplateCleaner",
    "CleanResult",
    "FurnitureRule",
    "HeadedBlockRule",
    "LabelRunRule",
    "LineRule",
    "MatchLineRule",
    "ParagraphRule",
    "RegexRule",
    "RepeatedParagraphRule",
    "Rule",
    "SpamDetector",
    "SpamRule",
    "TextRule",
    "TickerRule",
    "clean_text",
    "is_spam",
    "label_starts",
    "split_paragraphs",
]

# --------------------------------------------------------------------------
# Vocabulary (plain lists: extend them here)
# --------------------------------------------------------------------------

#: Words and phrases of the injected gambling spam (matched case-insensitively
#: as whole words). A paragraph is spam only when these *dominate* it, see
#: :class:`SpamDetector`; one mention of "casino" in a story is kept. (The
#: Turkish dotless i is written as an escape to keep the linter quiet.)
SPAM_TERMS: list[str] = [
    "astropay",
    "bozdurma",
    "paysafe",
    "paysafecard",
    "papara",
    "bahis",
    "bahis siteleri",
    "canl\u0131 bahis",  # Turkish dotless i
    "kaçak bahis",
    "deneme bonusu",
    "deneme bonusu veren siteler",
    "bonus veren siteler",
    "casino",
    "casino siteleri",
    "canl\u0131 casino",  # Turkish dotless i
    "casino bonus",
    "online casino",
    "free spins",
    "freespin",
    "slot siteleri",
    "kumar",
    "rulet",
    "jackpot",
    "sportsbook",
    "güvenilir bahis",
    "betist",
    "bets10",
    "1xbet",
    "mostbet",
    "betboo",
    "superbetin",
    "tipobet",
    "pin-up casino",
    "vavada",
    "sweet bonanza",
    "giriş adresi",
    "yat\u0131r\u0131m bonusu",  # Turkish dotless i
    "çevrimsiz bonus",
]

#: The spam terms that are also ordinary words of English news or brand names ("Casino
#: Jackpot", "Online casino advertising banned", "Uzbekistan blocks 1xbet"): alone they
#: are no spam signature, see :class:`SpamDetector`.
COMMON_SPAM_TERMS: list[str] = [
    "casino",
    "online casino",
    "jackpot",
    "free spins",
    "sportsbook",
    "astropay",
    "paysafe",
    "paysafecard",
    "papara",
    "1xbet",
    "mostbet",
    "betboo",
    "vavada",
    "pin-up casino",
    "sweet bonanza",
]

#: Social-network / sharing words; a paragraph made only of these is a share bar.
SHARE_WORDS: list[str] = [
    "share",
    "share this",
    "share this article",
    "share this story",
    "like this",
    "tweet",
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "telegram",
    "whatsapp",
    "reddit",
    "pinterest",
    "tumblr",
    "pocket",
    "messenger",
    "viber",
    "vk",
    "vkontakte",
    "instagram",
    "youtube",
    "odnoklassniki",
    "skype",
    "email",
    "e-mail",
    "print",
    "copy link",
    "more",
]

#: The share words that announce a share bar ("Share this:", "Like this:", "Tweet"): a bar
#: holding one is furniture anywhere; a bar of network names alone ("Telegram", "X") only in
#: context (see :class:`FurnitureRule`).
SHARE_LABELS: list[str] = [
    "share",
    "share this",
    "share this article",
    "share this story",
    "like this",
    "tweet",
    "copy link",
]

#: The menu labels that are place names: a run of them alone is a story's list of
#: countries, not a menu (a menu also holds "Home", "News", a section...).
NAV_PLACES: list[str] = [
    "kazakhstan",
    "kyrgyzstan",
    "tajikistan",
    "turkmenistan",
    "uzbekistan",
    "afghanistan",
    "central asia",
]

#: Menu labels of the site's header/footer; a run of paragraphs made only of
#: these (at least three labels in all) is navigation.
NAV_LABELS: list[str] = [
    "home",
    "news",
    "latest",
    "latest news",
    *NAV_PLACES,
    "region",
    "world",
    "politics",
    "business",
    "economy",
    "business & economy",
    "business and economy",
    "society",
    "culture",
    "opinion",
    "analysis",
    "features",
    "interviews",
    "tech",
    "science & technology",
    "sports",
    "travel",
    "environment",
    "security",
    "photo",
    "video",
    "multimedia",
    "about",
    "about us",
    "contact",
    "contact us",
    "advertise",
    "advertising",
    "search",
    "menu",
    "log in",
    "login",
    "sign in",
    "popular",
    "most read",
    "trending",
    "archive",
    "privacy policy",
    "terms of use",
    "cookie policy",
    "donate",
    "support us",
    "tags",
    "categories",
    "skip to content",
]


def _alternation(terms: Sequence[str]) -> str:
    """Regex alternation of literal terms, longest first, whitespace-tolerant."""
    ordered = sorted({t.strip().lower() for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    return "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in ordered)


# --------------------------------------------------------------------------
# Rule abstraction
# --------------------------------------------------------------------------


class Rule(ABC):
    """A named cleaning step. Subclass :class:`TextRule` or :class:`ParagraphRule`."""

    name: str


class TextRule(Rule):
    """Works on the whole raw text, before it is split into paragraphs."""

    @abstractmethod
    def apply(self, text: str) -> tuple[str, int]:
        """Return the new text and how many removals were made."""


class ParagraphRule(Rule):
    """Works on the normalised paragraphs (non-empty, whitespace collapsed).

    A rule whose verdict on a paragraph depends on that paragraph alone sets ``local``:
    the cleaner then knows that it cannot fire again on paragraphs it has kept.
    """

    local: ClassVar[bool] = False
    #: A rule that counts its removals under several names (its :attr:`names`) sets this
    #: and implements :meth:`apply_by_name`.
    reports_by_name: ClassVar[bool] = False

    @property
    def names(self) -> tuple[str, ...]:
        """The names the rule's removals are counted under."""
        return (self.name,)

    @abstractmethod
    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        """Return the kept paragraphs and how many were removed."""

    def apply_by_name(self, paragraphs: Sequence[str]) -> tuple[list[str], dict[str, int]]:
        """Return the kept paragraphs and how many were removed, per name."""
        kept, n = self.apply(paragraphs)
        return kept, ({self.name: n} if n else {})


@dataclass(frozen=True)
class RegexRule(TextRule):
    """Delete every match of ``pattern`` (replace it with ``replacement``).

    ``required`` lists substrings that every match contains: when one is missing
    from the text the regex is not run at all (a cheap prefilter).
    """

    name: str
    pattern: re.Pattern[str]
    replacement: str = ""
    required: tuple[str, ...] = ()

    def apply(self, text: str) -> tuple[str, int]:
        for needle in self.required:
            if needle not in text:
                return text, 0
        return self.pattern.subn(self.replacement, text)


@dataclass(frozen=True)
class TickerRule(TextRule):
    """Delete the exchange-rate ticker (and its date) wherever it is.

    A run of ticker items (:data:`tcacrawler.rates.TICKER_RUN_PATTERN`, found fast by
    :func:`tcacrawler.rates.find_tickers`) is deleted, even glued to other text, when it
    carries the marquee's signature: some pair quoted at least ``min_repeats`` times in
    the run (the site's ticker repeats its 4-5 pairs 8 times), or a ``DD Month YYYY``
    date right after the run (the ticker's date, also after a cut-off fragment). Quotes
    that a story gives (one a line after "Official rates on Friday:", or five pairs in a
    sentence) are kept.
    """

    name: str = "ticker"
    min_repeats: int = 2

    def _is_ticker(self, text: str, match: re.Match[str]) -> bool:
        if match.group("date") is not None:
            return True
        seen: dict[tuple[str, str], int] = {}
        for item in TICKER_ITEM_PATTERN.finditer(text, *match.span()):
            key = (item["base"], item["quote"])
            seen[key] = n = seen.get(key, 0) + 1
            if n >= self.min_repeats:
                return True
        return False

    def apply(self, text: str) -> tuple[str, int]:
        pieces: list[str] = []
        last = 0
        for match in find_tickers(text):
            if not self._is_ticker(text, match):
                continue
            start, end = match.span()
            pieces.append(text[last:start])
            last = end
        if not pieces:
            return text, 0
        pieces.append(text[last:])
        return "".join(pieces), len(pieces) - 1


@dataclass(frozen=True)
class LineRule(ParagraphRule):
    """Drop every paragraph for which ``predicate`` is true."""

    name: str
    predicate: Callable[[str], bool]
    local: ClassVar[bool] = True

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        kept = [p for p in paragraphs if not self.predicate(p)]
        return kept, len(paragraphs) - len(kept)


#: The characters other than ASCII letters that an IGNORECASE regex matches to an ASCII
#: letter while str.lower() does not lower them to it: U+0131 and U+0130 (Turkish dotless
#: and dotted i, for "i"), U+017F long s (for "s"). (The Kelvin sign is lowered to "k".)
#: Tests check all of Unicode.
CASE_FOLDED_ONLY = ("\u0131", "\u0130", "\u017f")


@dataclass(frozen=True)
class MatchLineRule(ParagraphRule):
    """Drop short paragraphs in which ``pattern`` is found (``pattern.search``).

    Paragraphs longer than ``max_words`` words are always kept: boilerplate
    lines are short, and a real paragraph that merely mentions the words must
    survive. ``keywords`` (lower case), when given, is a cheap prefilter: the
    regex only runs on paragraphs whose lower-cased text contains one of them.
    """

    name: str
    pattern: re.Pattern[str]
    max_words: int = 25
    keywords: tuple[str, ...] = ()
    #: Optional, fewer keywords than ``keywords``, one of which every match of
    #: ``pattern`` holds (lower-cased) in a paragraph without :data:`CASE_FOLDED_ONLY`
    #: characters: then only these are looked for (one regex search saved per paragraph
    #: that merely holds another keyword, e.g. "join").
    match_keywords: tuple[str, ...] = ()
    local: ClassVar[bool] = True

    def _drop(self, paragraph: str) -> bool:
        return paragraph.count(" ") < self.max_words and self._drop_short(paragraph)

    def _drop_short(self, paragraph: str) -> bool:
        """:meth:`_drop` of a paragraph known to have fewer than ``max_words`` spaces."""
        if self.keywords:
            low = paragraph.lower()
            keywords = self.keywords
            if self.match_keywords and (
                paragraph.isascii() or not any(c in paragraph for c in CASE_FOLDED_ONLY)
            ):
                keywords = self.match_keywords
            for k in keywords:
                if k in low:
                    break
            else:
                return False
        return self.pattern.search(paragraph) is not None

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        # _drop inlined for the long paragraphs (most of a body), which only need count()
        max_words, drop = self.max_words, self._drop_short
        kept = [p for p in paragraphs if p.count(" ") >= max_words or not drop(p)]
        return kept, len(paragraphs) - len(kept)


@dataclass(frozen=True)
class HeadedBlockRule(ParagraphRule):
    """Drop single lines (``line``) and blocks introduced by a heading.

    A paragraph matching ``line`` (``fullmatch``) is dropped alone; each group of
    ``line`` named in ``titles`` that took part in the match must satisfy its check too
    (a label and a link title, not a label and a paragraph). A paragraph fully matching
    ``heading`` is dropped together with the paragraphs that follow it while they
    satisfy ``follower`` (at most ``max_followers``). When the heading also fully matches
    ``subheading`` (a heading a story can use for itself, "Related"), its block is
    dropped only with no follower, two or more, or when it ends the text. A heading with
    no follower is kept when the next paragraph starts in lower case (the sentence goes
    on).
    """

    name: str
    line: re.Pattern[str]
    heading: re.Pattern[str]
    follower: Callable[[str], bool]
    max_followers: int = 9
    #: Optional prefilter: every character that a paragraph matching ``line`` or
    #: ``heading`` can start with. Other paragraphs are kept without trying the regexes.
    starts: str = ""
    #: (group name, check) pairs, see above.
    titles: tuple[tuple[str, Callable[[str], bool]], ...] = ()
    subheading: re.Pattern[str] | None = None

    def is_line(self, paragraph: str) -> bool:
        """Is ``paragraph`` a ``line`` of its own?"""
        m = self.line.fullmatch(paragraph)
        if m is None:
            return False
        for group, check in self.titles:
            if group in self.line.groupindex:
                text = m.group(group)
                if text is not None and not check(text):
                    return False
        return True

    def block_end(self, paragraphs: Sequence[str], i: int) -> int:
        """The end of the block that the heading ``paragraphs[i]`` starts (``i`` when the
        heading is kept, a story's subheading), or -1 when it is no heading."""
        p = paragraphs[i]
        if not self.heading.fullmatch(p):
            return -1
        j, n = i + 1, len(paragraphs)
        while j < n and j - i <= self.max_followers and self.follower(paragraphs[j]):
            j += 1
        if j - i == 2 and j < n and self.subheading is not None and self.subheading.fullmatch(p):
            return i
        if j == i + 1 and j < n and paragraphs[j][:1].islower():
            return i  # the heading's words go on in lower case: a sentence, not a heading
        return j

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        kept: list[str] = []
        removed = 0
        i, n = 0, len(paragraphs)
        starts = self.starts
        while i < n:
            p = paragraphs[i]
            if starts and p[:1] not in starts:
                kept.append(p)
                i += 1
                continue
            j = self.block_end(paragraphs, i)
            if j > i:
                removed += j - i
                i = j
                continue
            if j < 0 and self.is_line(p):
                removed += 1
            else:
                kept.append(p)
            i += 1
        return kept, removed


def label_starts(labels: Sequence[str]) -> frozenset[str]:
    """For :attr:`LabelRunRule.starts`: the first two characters of each label; empty (no
    prefilter) when a label does not start with two ASCII letters."""
    starts = {label.strip().lower()[:2] for label in labels if label.strip()}
    if any(not (len(s) == 2 and s.isascii() and s.isalpha()) for s in starts):
        return frozenset()
    return frozenset(starts)


@dataclass(frozen=True)
class LabelRunRule(ParagraphRule):
    """Drop runs of consecutive paragraphs made only of menu labels.

    ``label`` matches one label; a paragraph qualifies when it is nothing but
    labels (and separators). A run is dropped when it holds at least
    ``min_labels`` labels in all, so a lone "Kazakhstan" sub-heading survives.
    """

    name: str
    label: re.Pattern[str]
    separator: re.Pattern[str]
    min_labels: int = 3
    max_words: int = 40
    #: Optional prefilter: the first two characters of every label, lower-cased (see
    #: :func:`label_starts`). A paragraph whose first two characters are ASCII and, lowered,
    #: not among them holds no label: the regex (a slow case-insensitive alternation) is
    #: not tried.
    starts: frozenset[str] = frozenset()

    def _labels(self, paragraph: str) -> int:
        if paragraph.count(" ") >= self.max_words:
            return 0
        return self._labels_short(paragraph)

    def _labels_short(self, paragraph: str) -> int:
        """:meth:`_labels` of a paragraph known to have fewer than ``max_words`` spaces."""
        if self.starts:
            start = paragraph[:2]
            # non-ASCII: U+017F and U+0130/U+0131 match "s" and "i" in the regex
            if start.isascii() and start.lower() not in self.starts:
                return 0
        count, pos, end = 0, 0, len(paragraph)
        while pos < end:
            m = self.label.match(paragraph, pos)
            if m is None:
                return 0
            count += 1
            pos = m.end()
            sep = self.separator.match(paragraph, pos)
            if sep is not None:
                pos = sep.end()
        return count

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        kept: list[str] = []
        removed = 0
        run: list[str] = []
        total = 0
        max_words, labels_of = self.max_words, self._labels_short
        for p in [*paragraphs, ""]:
            # the word bound of _labels first: a body's paragraphs are mostly long
            labels = labels_of(p) if p and p.count(" ") < max_words else 0
            if labels:
                run.append(p)
                total += labels
                continue
            if total >= self.min_labels:
                removed += len(run)
            else:
                kept.extend(run)
            run, total = [], 0
            if p:
                kept.append(p)
        return kept, removed


@dataclass(frozen=True)
class RepeatedParagraphRule(ParagraphRule):
    """Drop a paragraph that repeats the one before it verbatim, when it has at least
    ``min_words`` words: a node shown twice. Short repeats (table cells "5%", "***"
    separators) and repeats apart from each other (a refrain) are story text; repeated
    furniture goes by the furniture rules."""

    name: str = "repeated_line"
    min_words: int = 8

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        kept: list[str] = []
        previous = None
        spaces = self.min_words - 1
        for p in paragraphs:
            if p != previous or p.count(" ") < spaces:
                kept.append(p)
            previous = p
        return kept, len(paragraphs) - len(kept)


#: The last characters of a story paragraph that does not announce what follows it.
_CLOSED = frozenset('.!?"”’)')

#: What :class:`FurnitureRule` made of a paragraph.
_STORY, _WEAK, _STRONG = 0, 1, 2


@dataclass(frozen=True)
class FurnitureRule(ParagraphRule):
    """Share, newsletter, "Read also"/"Related" and menu furniture, judged in context.

    Furniture is short and link-like and sits in runs at the start or end of the body,
    or right after a line that announces it; story text is sentences. So:

    * a ``strong`` line (it says what it is: "Share this:", "Click to share on X",
      "Subscribe to our newsletter ...") is dropped anywhere, and so is a ``blocks``
      line ("Read also: <link title>") or a heading's block ("Related" and the link
      titles after it, see :class:`HeadedBlockRule`);
    * a ``weak`` line (a bar of network names, a form's "Sign up") or a ``nav`` menu
      line is dropped only in a run of furniture lines that touches the start or end
      of the text or holds one of the above; weak lines that open a run right after a
      story paragraph that does not end a sentence (in ``.!?"”’)``: it ends in ":", or
      is a list's lead-in or heading) are a story's list and kept. Menu lines go only when
      their run holds at least ``nav.min_labels`` labels, not all of them place names
      (``places_only``).

    Removals are counted under each part's own name.
    """

    name: str
    strong: tuple[MatchLineRule, ...]
    weak: tuple[MatchLineRule, ...]
    blocks: HeadedBlockRule
    nav: LabelRunRule
    places_only: re.Pattern[str]
    reports_by_name: ClassVar[bool] = True

    @property
    def names(self) -> tuple[str, ...]:
        parts = (*self.strong, *self.weak, self.blocks, self.nav)
        return tuple(dict.fromkeys(part.name for part in parts))

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        kept, counts = self.apply_by_name(paragraphs)
        return kept, sum(counts.values())

    def _classify(self, p: str) -> tuple[int, str, int]:
        """(kind, rule name, menu labels) of a paragraph that is not a heading."""
        blocks = self.blocks
        if (not blocks.starts or p[:1] in blocks.starts) and blocks.is_line(p):
            return _STRONG, blocks.name, 0
        spaces = p.count(" ")
        for rule in self.strong:
            if spaces < rule.max_words and rule._drop_short(p):
                return _STRONG, rule.name, 0
        for rule in self.weak:
            if spaces < rule.max_words and rule._drop_short(p):
                return _WEAK, rule.name, 0
        if spaces < self.nav.max_words:
            labels = self.nav._labels_short(p)
            if labels:
                return _WEAK, self.nav.name, labels
        return _STORY, "", 0

    def apply_by_name(self, paragraphs: Sequence[str]) -> tuple[list[str], dict[str, int]]:
        n = len(paragraphs)
        # the longest line any part can drop; a body's paragraphs are mostly longer
        # ("Read also:" and a link title of LONG_TITLE_SPACES spaces at most: under 40)
        limit = max(
            LONG_TITLE_SPACES + 4,
            self.nav.max_words,
            *(r.max_words for r in (*self.strong, *self.weak)),
        )
        kind: list[int] | None = None
        names: list[str] = []
        labels: list[int] = []
        blocks = self.blocks
        i = 0
        while i < n:
            p = paragraphs[i]
            if p.count(" ") >= limit:
                i += 1
                continue
            if kind is None:
                kind, names, labels = [_STORY] * n, [""] * n, [0] * n
            if not blocks.starts or p[:1] in blocks.starts:
                j = blocks.block_end(paragraphs, i)
                if j > i:
                    for k in range(i, j):
                        kind[k], names[k] = _STRONG, blocks.name
                    i = j
                    continue
                if j == i:  # a story's subheading
                    i += 1
                    continue
            kind[i], names[i], labels[i] = self._classify(p)
            i += 1
        if kind is None:
            return list(paragraphs), {}
        drop = [k == _STRONG for k in kind]
        i = 0
        while i < n:
            if kind[i] == _STORY:
                i += 1
                continue
            j = i
            while j < n and kind[j] != _STORY:
                j += 1
            self._judge_run(paragraphs, kind, names, labels, drop, i, j)
            i = j
        counts: dict[str, int] = {}
        kept: list[str] = []
        for p, dropped, name in zip(paragraphs, drop, names, strict=True):
            if dropped:
                counts[name] = counts.get(name, 0) + 1
            else:
                kept.append(p)
        return kept, counts

    def _judge_run(
        self,
        paragraphs: Sequence[str],
        kind: list[int],
        names: list[str],
        labels: list[int],
        drop: list[bool],
        a: int,
        b: int,
    ) -> None:
        """Decide the weak lines of the run of furniture lines ``a:b``."""
        first_strong = next((k for k in range(a, b) if kind[k] == _STRONG), b)
        if first_strong == b and a > 0 and b < len(paragraphs):
            return  # weak lines between story paragraphs
        start = a
        if a > 0 and paragraphs[a - 1][-1] not in _CLOSED:
            # a story's list, announced by the story paragraph before it ("blocked the
            # following apps:", "The apps blocked on Monday were", "Sources")
            start = first_strong
        nav = self.nav.name
        menu = [k for k in range(start, b) if kind[k] == _WEAK and names[k] == nav]
        for k in range(start, b):
            if kind[k] == _WEAK and names[k] != nav:
                drop[k] = True
        if sum(labels[k] for k in menu) >= self.nav.min_labels and not all(
            self.places_only.fullmatch(paragraphs[k]) for k in menu
        ):
            for k in menu:
                drop[k] = True


# --------------------------------------------------------------------------
# Spam
# --------------------------------------------------------------------------


#: The only characters outside ASCII whose lower() holds ASCII letters (U+0130 "İ" gives
#: "i" and a combining dot, U+212A the Kelvin sign gives "k"); tests check all of Unicode.
LOWER_TO_ASCII = ("\u0130", "\u212a")
_LOWER_TO_ASCII_BYTES = tuple(c.encode("utf-8") for c in LOWER_TO_ASCII)

# bytes.translate table: ASCII letters lowered, ASCII digits and "_" kept, every other
# byte (ASCII punctuation and whitespace, all bytes of non-ASCII characters) a space.
_ASCII_WORD_BYTES = bytes(
    b if chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_") else 0x20 for b in range(256)
).lower()


def _ascii_word_bytes(text: str) -> bytes | None:
    """``text.lower()``'s UTF-8 with every byte but ASCII ``\\w`` ones made a space (see
    :func:`_term_keys`); None when ``text`` holds one of :data:`LOWER_TO_ASCII`."""
    raw = text.encode("utf-8", "surrogatepass")
    if not text.isascii() and any(c in raw for c in _LOWER_TO_ASCII_BYTES):
        return None
    return raw.translate(_ASCII_WORD_BYTES)


def _ascii_words(text: str) -> list[bytes] | None:
    """The runs of ASCII \\w characters of ``text.lower()``, as bytes (see
    :func:`_term_keys`); None when ``text`` holds one of :data:`LOWER_TO_ASCII`."""
    words = _ascii_word_bytes(text)
    return None if words is None else words.split()


def _term_keys(terms: Sequence[str]) -> frozenset[bytes] | None:
    """One key per term such that a whole-word match of the term in ``text.lower()``
    makes its key one of ``_ascii_words(text)``, or None if some term has no key.

    A term's key is its longest run of ASCII \\w characters. In a whole-word match, that
    run has a non-\\w character or another character than ASCII on either side (or the
    text's end), as it has in the term; str.lower() gives ASCII only from ASCII
    characters (which the table lowers alike) and from :data:`LOWER_TO_ASCII`, whose
    presence the caller checks separately.
    """
    keys: set[bytes] = set()
    for term in terms:
        runs = re.findall(r"[A-Za-z0-9_]+", term)
        if not runs:
            return None
        # a run that is a term by itself ("casino" of "online casino") is no rarer a word
        keys.add(max(runs, key=lambda run: (run in terms, len(run))).encode("ascii"))
    return frozenset(keys)


def _bytes_trie(words: Sequence[bytes]) -> bytes:
    """A regex alternation of ``words`` (non-empty, distinct, ``[a-z0-9_]`` only), one
    branch per first byte: a failed branch costs sre one byte compare, where a flat
    alternation of the words tries each of them in turn."""
    groups: dict[bytes, list[bytes]] = {}
    for word in words:
        groups.setdefault(word[:1], []).append(word[1:])
    branches = []
    for first, rests in sorted(groups.items()):
        sub = _bytes_trie([r for r in rests if r])
        if b"" in rests:
            sub = b"(?:" + sub + b")?" if sub else b""
        elif len(rests) > 1:
            sub = b"(?:" + sub + b")"
        branches.append(first + sub)
    return b"|".join(branches)


def _key_pattern(keys: frozenset[bytes]) -> re.Pattern[bytes]:
    """Matches ``b" " + key + b" "`` for any of ``keys``: in ``b" " + words + b" "``, where
    ``words`` is the bytes :func:`_ascii_words` splits (``[a-z0-9_]`` and spaces only),
    that is a key among its words, found without a bytes object per word."""
    if not keys:  # an empty alternation would match between any two spaces
        return re.compile(b"(?!)")
    return re.compile(b" (?:" + _bytes_trie(sorted(keys)) + b") ")


@dataclass(frozen=True)
class SpamDetector:
    """Is a paragraph dominated by spam terms?

    Spam needs a spam signature: ``min_distinct`` or more distinct terms, at least one
    of them not in ``common`` (ordinary words of English news such as "casino" and
    "jackpot", or brand names), or ``min_signature`` or more distinct terms not in
    ``common``, with spam words making at least ``min_share_distinct`` of the words; or
    one term repeated, ``min_matches`` or more matches of that one term, all matches
    making at least ``min_share`` of the words ("bahis bahis bahis"). Ordinary words and
    brand names alone ("Online casino advertising banned", "Uzbekistan blocks 1xbet,
    Mostbet and Vavada") are never spam. Matching is on the lower-cased text, whole
    words only.
    """

    terms: tuple[str, ...]
    common: frozenset[str] = frozenset()
    min_distinct: int = 3
    min_signature: int = 2
    min_share_distinct: float = 0.2
    min_matches: int = 3
    min_share: float = 0.5
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _needles: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _keys: frozenset[bytes] | None = field(init=False, repr=False, compare=False)
    _key_pattern: re.Pattern[bytes] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms = sorted({" ".join(t.lower().split()) for t in self.terms} - {""})
        words = r"|".join(
            r"\s+".join(map(re.escape, t.split())) for t in sorted(terms, key=len, reverse=True)
        )
        object.__setattr__(self, "_pattern", re.compile(rf"(?<!\w)(?:{words})(?!\w)"))
        # Substrings one of which every term contains: a fast necessary condition.
        needles: set[str] = {t for t in terms if " " not in t}
        for term in terms:
            if " " in term and not any(w in needles for w in term.split()):
                needles.add(max(term.split(), key=len))
        minimal = {n for n in needles if not any(o != n and o in n for o in needles)}
        object.__setattr__(self, "_needles", tuple(sorted(minimal)))
        keys = _term_keys(terms)
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_key_pattern", None if keys is None else _key_pattern(keys))

    def _may_hold_term(self, text: str) -> bool:
        """False only when no term is in ``text.lower()`` as a whole word (see
        :func:`_term_keys`): one pass over the text instead of one per needle."""
        if self._key_pattern is None:
            return True
        # _ascii_words(text), still joined: a regex scan is cheaper than a set of words
        words = _ascii_word_bytes(text)
        return words is None or self._key_pattern.search(b" " + words + b" ") is not None

    def candidates(self, paragraphs: Sequence[str]) -> list[int]:
        """Indexes of the paragraphs that may hold a spam term (a cheap substring scan)."""
        text = "\n".join(paragraphs)
        # Most texts hold no spam term at all: one pass tells, where the needles below
        # take one each (and the spam paragraphs still need them to be found).
        if not self._may_hold_term(text):
            return []
        text = text.lower()
        hits: list[int] = []
        for needle in self._needles:
            pos = text.find(needle)
            while pos >= 0:
                hits.append(pos)
                pos = text.find(needle, pos + 1)
        if not hits:
            return []
        starts = list(itertools.accumulate((len(p) + 1 for p in paragraphs[:-1]), initial=0))
        # lower() keeps lengths except for a few letters (e.g. U+0130); be safe then.
        if len(text) != starts[-1] + len(paragraphs[-1]):
            return list(range(len(paragraphs)))
        return sorted({bisect.bisect_right(starts, pos) - 1 for pos in hits})

    def __call__(self, paragraph: str) -> bool:
        matches = self._pattern.findall(paragraph.lower())
        if not matches:
            return False
        words = len(paragraph.split())
        spam_words = sum(len(m.split()) for m in matches)
        terms = [" ".join(m.split()) for m in matches]
        distinct = set(terms)
        uncommon = len(distinct - self.common)
        share = spam_words / words
        if share >= self.min_share_distinct and (
            (len(distinct) >= self.min_distinct and uncommon) or uncommon >= self.min_signature
        ):
            return True
        if len(matches) < self.min_matches or share < self.min_share:
            return False
        return max(Counter(terms).values()) >= self.min_matches


is_spam = SpamDetector(
    tuple(SPAM_TERMS), common=frozenset(" ".join(t.lower().split()) for t in COMMON_SPAM_TERMS)
)


@dataclass(frozen=True)
class SpamRule(ParagraphRule):
    """Drop paragraphs that ``detector`` calls spam (only candidates are examined)."""

    name: str
    detector: SpamDetector
    local: ClassVar[bool] = True

    def apply(self, paragraphs: Sequence[str]) -> tuple[list[str], int]:
        spam = {i for i in self.detector.candidates(paragraphs) if self.detector(paragraphs[i])}
        if not spam:
            return list(paragraphs), 0
        return [p for i, p in enumerate(paragraphs) if i not in spam], len(spam)


# --------------------------------------------------------------------------
# Default rules
# --------------------------------------------------------------------------

_I = re.IGNORECASE

TICKER_RULE = TickerRule("ticker")

SPAM_RULE = SpamRule("spam", is_spam)

_SHARE_WORD = rf"(?:{_alternation(SHARE_WORDS)})(?!\w)"
_SHARE_LABEL = rf"(?:{_alternation(SHARE_LABELS)})(?!\w)"
_SHARE_SEP = r"\s*[:|•·,/]*\s*"
_NETWORKS = rf"{_SHARE_WORD}(?:\s*(?:,|&|and|or)\s*{_SHARE_WORD})*"
_TCA = r"(?:us|the\s+times\s+of\s+central\s+asia|tca)"
SHARE_RULE = MatchLineRule(
    "share",
    re.compile(
        r"^(?:"
        # a share bar with a label: "Share this:", "Like this:", "Tweet Share Telegram WhatsApp"
        rf"(?:{_SHARE_WORD}{_SHARE_SEP})*{_SHARE_LABEL}{_SHARE_SEP}(?:{_SHARE_WORD}{_SHARE_SEP})*"
        # "Click to share on X (Opens in new window)", "Click to email a link to a friend"
        r"|click\s+to\s+(?:share|email|print|tweet|copy)\b.*"
        # "Share on Facebook", "Share this article on Telegram", "Share via WhatsApp"
        rf"|share\s+(?:this\s+(?:article|story|post|page)\s+)?(?:on|via|to|with)\s+{_SHARE_WORD}.*"
        r"|\(?opens\s+in\s+(?:a\s+)?new\s+window\)?"
        r"|like\s+loading(?:\.{3}|…)?"
        r"|be\s+the\s+first\s+to\s+like\s+this\.?"
        # "Follow us on Telegram", "Follow The Times of Central Asia on X and Facebook",
        # "Follow us on Telegram for the latest news"
        rf"|follow\s+{_TCA}\s+on\s+{_NETWORKS}(?:\s+for\s+[^,;:.!?]{{1,40}})?\s*[.!]?"
        # a share bar's label: "Follow us:", "Find us on:", "Follow us"
        rf"|(?:follow|find)\s+{_TCA}(?:\s+on)?\s*:?"
        # "Subscribe to our Telegram channel", "Join us on Telegram" (not "Subscribe to
        # Telegram and WhatsApp.")
        rf"|(?:subscribe\s+to|join)\s+(?:{_TCA}\s+on\s+|our\s+){_NETWORKS}"
        r"(?:\s+(?:channel|group|page|account)s?)?\s*[.!]?"
        r")$",
        _I,
    ),
    max_words=15,
)

#: A bar made only of network names ("Telegram", "Facebook | X | Email"): furniture only
#: in context (see :class:`FurnitureRule`), since a story can list apps one a line.
SHARE_BAR_RULE = MatchLineRule(
    "share",
    re.compile(rf"^(?:{_SHARE_WORD}{_SHARE_SEP})+$", _I),
    max_words=15,
)

#: A call to sign up for a newsletter, the whole of a short sentence: "Subscribe to our
#: newsletter", "Sign up for The Times of Central Asia's daily newsletter", "Get our
#: newsletter", with a short tail ("to get the latest news", "and get the top stories in
#: your inbox", ", every weekday morning") but no clause of its own ("Subscribe to the
#: newsletter, the minister urged parents, ...").
_NEWSLETTER_CTA = (
    r"(?:(?:subscribe|sign[\s-]?up|register)\s+(?:to|for)|join|get|receive)"
    r"\s+(?:[\w'’&-]+\s+){0,6}?newsletters?"
    r"(?:\s+(?:here|now|today))?"
    r"(?:,?\s+(?:to|for|and|every|in|with|delivered)\s+[^,;:.!?]{1,60}?)?"
    r"\s*[.!]?"
)
NEWSLETTER_RULE = MatchLineRule(
    "newsletter",
    re.compile(
        # a call to action (after at most one short sentence: "Don't miss a story!"), not
        # a report of someone's newsletter
        rf"^(?:[^.!?]{{1,80}}[.!?]\s+)?{_NEWSLETTER_CTA}$"
        r"|^enter\s+your\s+e-?mail\b"
        r"|^(?:you\s+can\s+)?unsubscribe\s+at\s+any\s+time\.?$",
        _I,
    ),
    max_words=24,
    # every alternative above holds "newsletter", "e-mail"/"email" or "subscribe"
    keywords=("newsletter", "mail", "subscribe"),
)

#: A sign-up form's field or button ("Email address *", "Subscribe", "Sign up"):
#: furniture only in context (see :class:`FurnitureRule`).
NEWSLETTER_FIELD_RULE = MatchLineRule(
    "newsletter",
    re.compile(
        r"^(?:your\s+)?e-?mail(?:\s+address)?\s*\*?\s*:?$"
        r"|^(?:subscribe|sign[\s-]?up)(?:\s+now|\s+today)?\s*[.!]?$",
        _I,
    ),
    max_words=4,
    keywords=("mail", "subscribe", "sign"),
)


def _title_like(paragraph: str) -> bool:
    """A link title (or its date/category line) in a "Related" block."""
    return (
        len(paragraph) <= 140
        and paragraph.count(" ") < 16
        and paragraph[-1] not in ".;:,!"
        and ". " not in paragraph
    )


def _block_title(paragraph: str) -> bool:
    """A line after a "Related" heading: title-like and capitalised (a lower-case start is
    the story going on)."""
    return _title_like(paragraph) and not paragraph[:1].islower()


#: The most spaces a link title after a label with punctuation ("Read also: <title>") can
#: have; with its label the line stays under :class:`FurnitureRule`'s 40-space bound.
LONG_TITLE_SPACES = 36


def _link_title(text: str) -> bool:
    """The link title after a label with punctuation ("Read more: <title>"): capitalised
    (a lower-case start is the rest of a sentence: "Read more: the decree, signed on
    Friday, ..."), no sentence end ("Read more: The decree was signed on Friday."), at
    most :data:`LONG_TITLE_SPACES` spaces."""
    return (
        bool(text)
        and not text[:1].islower()
        and ". " not in text
        and text[-1] not in ".;:,!"
        and text.count(" ") <= LONG_TITLE_SPACES
        and len(text) <= 300
    )


def _read_also_title(text: str) -> bool:
    """The link title after "Read also:" (the site's own label): a :func:`_link_title`,
    or a short one (under 8 spaces) ending in one "." ("Read also: Tajikistan opens new
    dam.")."""
    if text[-1:] == "." and text.count(" ") < 8:
        text = text[:-1]
    return _link_title(text)


READ_ALSO_RULE = HeadedBlockRule(
    "read_also",
    # a line of its own, a label and a link title: "Read also: <title>", "READ MORE -
    # <title>", "Read also <Title>" (without punctuation only "read also"/"also read",
    # which are no English prose, and a short capitalised title: "See also Kazakhstan's
    # report" and "Read More Kazakhstan" are story text), or the label alone: "Read
    # more »", "Continue reading →"
    line=re.compile(
        r"(?:read\s+also|also\s+read)\s*[:\-\u2013\u2014»|]+\s*(?P<also>.+)"
        r"|(?:read\s+more|see\s+(?:also|more))\s*[:\-\u2013\u2014»|]+\s*(?P<title>.+)"
        r"|(?:read\s+also|also\s+read)\s+(?=(?-i:[A-Z0-9\"“‘'«]))(?P<bare>.+)"
        r"|(?:read\s+more|continue\s+reading)\s*(?:[»\u203a…\u2192]|\.\.\.)*",
        _I,
    ),
    # a heading followed by link titles
    heading=re.compile(
        r"(?:related(?:\s+(?:articles?|posts?|stories|news|content|reading))?"
        r"|more\s+(?:on\s+this(?:\s+topic)?|from\s+tca))\s*:?"
        r"|(?:(?:read|see)\s+also|also\s+read)\s*:?|read\s+more\s*:"
        r"|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)\s*:?",
        _I,
    ),
    follower=_block_title,
    max_followers=9,
    # the regexes start with "read", "see", "related", "more", "continue", "also" or
    # "you"; U+017F matches "s" under IGNORECASE (tests check all of Unicode)
    starts="rRsSmMcCaAyY\u017f",
    titles=(("also", _read_also_title), ("title", _link_title), ("bare", _block_title)),
    # headings that can also be a story's subheading: their block needs two followers
    # or to end the body
    subheading=re.compile(r"related|more\s+(?:on\s+this(?:\s+topic)?|from\s+tca)", _I),
)

NAV_RULE = LabelRunRule(
    "nav",
    label=re.compile(rf"(?:{_alternation(NAV_LABELS)})(?!\w)", _I),
    # no comma: "Kazakhstan, Kyrgyzstan, Uzbekistan" is a sentence's list
    separator=re.compile(r"\s*[|•·/»>]?\s*"),
    min_labels=3,
    starts=label_starts(NAV_LABELS),
)

#: A paragraph made only of place names among the menu labels.
_PLACES_ONLY = re.compile(
    rf"(?:{_alternation(NAV_PLACES)})(?:\s*[|•·/»>]?\s*(?:{_alternation(NAV_PLACES)}))*\s*",
    _I,
)

FURNITURE_RULE = FurnitureRule(
    "furniture",
    strong=(SHARE_RULE, NEWSLETTER_RULE),
    weak=(SHARE_BAR_RULE, NEWSLETTER_FIELD_RULE),
    blocks=READ_ALSO_RULE,
    nav=NAV_RULE,
    places_only=_PLACES_ONLY,
)

#: Not in :data:`DEFAULT_RULES`: the page objects read the body from the markup, where two
#: identical paragraphs in a row are the story's (two list items, a refrain).
REPEATED_RULE = RepeatedParagraphRule("repeated_line")

#: The default rules, in order. Text rules always run before paragraph rules.
DEFAULT_RULES: tuple[Rule, ...] = (
    TICKER_RULE,
    SPAM_RULE,
    FURNITURE_RULE,
)

#: The rules for a headline: a headline is one line, so the furniture rules (which judge
#: a short line by its place at the edges of the body) do not apply; only the ticker and
#: a spam paragraph are removed.
HEADLINE_RULES: tuple[Rule, ...] = (TICKER_RULE, SPAM_RULE)


# --------------------------------------------------------------------------
# Cleaner
# --------------------------------------------------------------------------


def _normal_paragraphs(text: str) -> list[str] | None:
    """``text.split("\\n\\n")`` when that is :func:`split_paragraphs` (``text`` is in the
    cleaner's output form, as page objects give their text), else None."""
    paragraphs = text.split("\n\n")
    for p in paragraphs:
        # isprintable() is false for every whitespace character but " " (and so for every
        # line break, including a "\n" left over from "\n\n\n"); tests check all of
        # Unicode. With no space at either end and no two in a row, the paragraph is
        # " ".join(p.split()).
        if not p or p[0] == " " or p[-1] == " " or "  " in p or not p.isprintable():
            return None
    return paragraphs


def split_paragraphs(text: str) -> list[str]:
    """The non-empty lines of ``text`` with their whitespace collapsed to single spaces."""
    # Cheaper to check that the text is already in this form than to split every line.
    paragraphs = _normal_paragraphs(text)
    if paragraphs is not None:
        return paragraphs
    return [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]


@dataclass(frozen=True)
class CleanResult:
    text: str
    #: rule name -> number of removals it made (only rules that fired)
    removed: Mapping[str, int]


_EMPTY: Mapping[str, int] = MappingProxyType({})


class BoilerplateCleaner:
    """Apply ``rules`` to a text; stateless, so one instance can serve every record."""

    #: Safety net for custom rules that keep "removing" without converging.
    MAX_PASSES = 8

    def __init__(self, rules: Sequence[Rule] = DEFAULT_RULES) -> None:
        text_rules: list[TextRule] = []
        paragraph_rules: list[ParagraphRule] = []
        for rule in rules:
            if isinstance(rule, TextRule):
                text_rules.append(rule)
            elif isinstance(rule, ParagraphRule):
                paragraph_rules.append(rule)
            else:
                raise TypeError(f"not a TextRule or ParagraphRule: {rule!r}")
        self._text_rules = tuple(text_rules)
        self._paragraph_rules = tuple(paragraph_rules)
        self._names = tuple(
            dict.fromkeys(
                name
                for rule in rules
                for name in (rule.names if isinstance(rule, ParagraphRule) else (rule.name,))
            )
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._text_rules + self._paragraph_rules

    def _pass(self, text: str, counts: dict[str, int], normalised: bool) -> tuple[str, int]:
        total = 0
        for text_rule in self._text_rules:
            text, n = text_rule.apply(text)
            if n:
                counts[text_rule.name] = counts.get(text_rule.name, 0) + n
                total += n
        # Again the paragraphs of the last pass, every one of which the local rules have
        # judged and kept: only the rules that look at the neighbours can fire now.
        again = normalised and not total
        paragraphs = text.split("\n\n") if again and text else split_paragraphs(text)
        for paragraph_rule in self._paragraph_rules:
            if not paragraphs:
                break
            if again and paragraph_rule.local:
                continue
            if paragraph_rule.reports_by_name:
                paragraphs, named = paragraph_rule.apply_by_name(paragraphs)
                for name, n in named.items():
                    counts[name] = counts.get(name, 0) + n
                    total += n
                continue
            paragraphs, n = paragraph_rule.apply(paragraphs)
            if n:
                counts[paragraph_rule.name] = counts.get(paragraph_rule.name, 0) + n
                total += n
        return "\n\n".join(paragraphs), total

    def clean(self, text: str) -> CleanResult:
        """Clean ``text``; the result depends on ``text`` alone."""
        counts: dict[str, int] = {}
        text, removed = self._pass(text, counts, normalised=False)
        passes = 1
        # A removal can join two fragments into new boilerplate (or make a new
        # block): repeat until a pass removes nothing. A pass that removes
        # nothing returns its (normalised) input unchanged, hence idempotence.
        while removed and passes < self.MAX_PASSES:
            new_text, removed = self._pass(text, counts, normalised=True)
            passes += 1
            if new_text == text:
                break
            text = new_text
        if not counts:
            return CleanResult(text, _EMPTY)
        ordered = {name: counts[name] for name in self._names if name in counts}
        return CleanResult(text, MappingProxyType(ordered))


_DEFAULT_CLEANER = BoilerplateCleaner()


def clean_text(text: str) -> str:
    """Clean ``text`` with the default rules and return only the text."""
    return _DEFAULT_CLEANER.clean(text).text
