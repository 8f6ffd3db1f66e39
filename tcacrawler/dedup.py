"""Story identity: new, revised, unchanged, duplicated.

Plain objects that thin Scrapy pipelines call; no Scrapy, no clock (timestamps come in).

Decisions, for a record with ``story_id`` / ``url`` / ``aliases`` / ``article_body``:

* the story is known (by ``story_id``, else by any of its URLs):
  same :func:`content_hash` -> ``UNCHANGED`` (whitespace, case and a moved
  ``date_modified`` do not count); otherwise -> ``REVISION`` with ``revision + 1``.
* unknown, and a stored story has the identical content hash -> ``EXACT_DUPLICATE``.
* unknown, and a stored story is a near match on *story-specific* text -> ``NEAR_DUPLICATE``.
* otherwise -> ``NEW``.

Near-duplicates (the shared-passage rule)
-----------------------------------------
Reposts under a new post id with light edits must be caught, but distinct stories that
share long passages -- a series' common introduction, a long quote, the same event told
in different words -- must not be merged. So similarity is measured on story-specific
text only:

1. The body is split into paragraphs (lines); each gets a 64-bit fingerprint of its
   normalised text. The store keeps, per fingerprint, how many distinct stories contain
   it (duplicates do not count: a repost does not make its original's text "shared").
2. Paragraphs found in >= ``shared_min`` (2) *other* stories are series furniture,
   boilerplate or quotes in wide circulation: they are left out. The remaining
   paragraphs give word 3-shingles (within paragraphs), hashed to 32 bits, and a
   MinHash signature (datasketch's ``affine32`` scheme, ``num_perm`` permutations).
3. An LSH index over the stored signatures (banded, ``lsh_threshold`` 0.4 => 32 bands of
   4 rows at 128 permutations: a pair at Jaccard 0.6 becomes a candidate with p=0.99)
   proposes candidates.
4. Each candidate is confirmed on story-specific text with a high threshold
   (``threshold``, 0.7): the candidate's signature was computed when it was recorded, and
   some of its paragraphs may have become shared since (e.g. the first issues of a
   series). The store keeps per story its paragraph fingerprints and shingle counts, so
   the Jaccard estimate is corrected: ``|A & B|`` is derived from the MinHash estimate
   and the set sizes, the candidate's now-shared paragraphs are taken out of ``|B|``,
   and ``J' = |A & B| / (|A| + |B'| - |A & B|)`` must reach the threshold.

   Why an estimate and not an exact Jaccard over the candidate's shingles: those would
   cost ~4 bytes per word per story on disk (2 KB for a 500-word story, over the budget)
   or the bodies in memory. With 128 permutations the estimate's standard error is
   <= 0.045, and the labelled pairs (``tests/data/dedup/pairs.jsonl``) sit far from the
   threshold: reposts with light edits at J' >= 0.8; distinct stories at <= 0.44
   (long shared quote), series issues at <= 0.27 once the intro is known as shared and
   <= 0.48 before (the second issue of a series).

Signatures are stored as b-bit MinHash (the low 16 bits of each of the 128 minima: 256
bytes per story; see :func:`truncate_signature`).

Memory: the deduplicator holds the LSH index (sorted numpy arrays, 8 bytes per band per
story, plus the story ids) and nothing else that grows with the store: bodies are never
kept, and signatures only for the last few thousand stories it recorded (~4 MB at most);
other candidate rows are read from the store on demand.
"""

from __future__ import annotations

import base64
import enum
import functools
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from tcacrawler.store import StoreError, StoryRow, StoryStore, pack_paragraphs, unpack_paragraphs

__all__ = [
    "BandIndex",
    "Decision",
    "Sketch",
    "StoryDeduplicator",
    "StorySketcher",
    "Verdict",
    "content_hash",
    "hash_and_words",
    "lsh_banding",
    "normalise",
    "paragraphs_hash",
    "split_paragraphs",
    "strip_format_characters",
    "truncate_signature",
]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")

# A single-paragraph body longer than this is fingerprinted per sentence instead, so
# that a shared introduction can still be told from the rest.
SENTENCE_SPLIT_WORDS = 120


def normalise(text: str) -> str:
    """NFKC, casefold, invisible format characters (Unicode category Cf: zero-width
    space, soft hyphen, byte order mark, direction marks) dropped, whitespace runs
    collapsed to one space, trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Most lines are clean already (the page object collapses whitespace), and splitting
    # and joining them, which makes an object a word, costs three times the rest. A
    # printable string holds no whitespace but the space: every other whitespace
    # character is a control or separator character, which is not printable; nor is a
    # format character (a test checks both over all of Unicode).
    if folded.isprintable():
        if "  " not in folded and folded[:1] != " " != folded[-1:]:
            return folded
    elif not folded.isascii():  # (no ASCII character is a format character)
        folded = strip_format_characters(folded)
    # (str.split() splits on exactly the characters that re's \s matches in str patterns)
    return " ".join(folded.split())


def strip_format_characters(text: str) -> str:
    """``text`` without its format characters (category Cf), which are not printable:
    an editor's zero-width space or soft hyphen changes no word."""
    return "".join([c for c in text if c.isprintable() or unicodedata.category(c) != "Cf"])


def _word_count_of_text(body: str) -> int:
    """``len(body.split())``, less the tokens made only of format characters (a
    zero-width space between spaces, or as a paragraph of its own): no word."""
    words = len(body.split())
    if not body.isascii():
        for line in body.splitlines():
            if not line.isprintable():
                words -= sum(1 for w in line.split() if not strip_format_characters(w))
    return words


def content_hash(body: str) -> str:
    """sha256 hex of the normalised body: whitespace- and case-only edits keep it."""
    # computed from the paragraphs, which the deduplicator needs next (see _paragraphs)
    return paragraphs_hash(_paragraphs(body))


def hash_and_words(body: str) -> tuple[str, int]:
    """``content_hash(body)`` and ``len(body.split())``, from the one split of the body
    that the deduplicator needs next."""
    paras = _paragraphs(body)
    # Under NFKC the identity, casefold neither adds nor removes whitespace: the
    # normalised paragraphs then hold the body's words, one space apart (a token of format
    # characters only, which normalise drops, is no word).
    words = (
        _word_count(paras) if unicodedata.is_normalized("NFKC", body) else _word_count_of_text(body)
    )
    return paragraphs_hash(paras), words


# copied per paragraph: the constructor's keyword parsing costs more than the copy
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)


def paragraph_fingerprint(normalised_paragraph: str) -> int:
    h = _BLAKE2B_8.copy()
    h.update(normalised_paragraph.encode("utf-8"))
    return int.from_bytes(h.digest(), "little", signed=True)


def _word_count(paragraphs: Sequence[str]) -> int:
    """The words of normalised paragraphs (one space apart within each)."""
    return sum(p.count(" ") + 1 for p in paragraphs)


def _joined_sha256(paragraphs: Sequence[str]) -> str:
    return hashlib.sha256(" ".join(paragraphs).encode("utf-8")).hexdigest()


# The crawl hashes each body twice, in a row: StampPipeline, then the deduplicator's
# check, from the same (cached) _paragraphs tuple.
_tuple_hash = functools.lru_cache(maxsize=16)(_joined_sha256)


def paragraphs_hash(paragraphs: Sequence[str]) -> str:
    """``content_hash`` of a body from its ``split_paragraphs``: the normalised body is
    its normalised lines joined by one space, so this saves normalising twice."""
    if isinstance(paragraphs, tuple):
        return _tuple_hash(paragraphs)
    return _joined_sha256(paragraphs)


def split_paragraphs(body: str) -> list[str]:
    """Normalised, non-empty paragraphs (lines) of a body."""
    return list(_paragraphs(body))


# The crawl splits each body twice, in a row: for its content hash (StampPipeline) and in
# the deduplicator's check; a few recent bodies are enough to do it once.
@functools.lru_cache(maxsize=16)
def _paragraphs(body: str) -> tuple[str, ...]:
    return _split_lines(map(normalise, body.splitlines()))


def _split_lines(normalised_lines: Iterable[str]) -> tuple[str, ...]:
    """The paragraphs of a body from its normalised lines: the lines that say something,
    or the sentences of a long single one."""
    paras = [p for p in normalised_lines if p]
    if len(paras) == 1 and paras[0].count(" ") >= SENTENCE_SPLIT_WORDS:
        paras = [s for s in _SENTENCE.split(paras[0]) if s]
    return tuple(paras)


def earlier_content_hash(body: str) -> str | None:
    """The content hash versions before 2026-11-30 gave ``body``, which kept format
    characters (soft hyphens, zero-width spaces) in the text they hashed, when that differs
    from today's; else None. A store from such a version holds hashes made that way."""
    if body.isascii() or body.isprintable():  # (format characters are neither)
        return None
    if not any(unicodedata.category(c) == "Cf" for c in body if not c.isprintable()):
        return None

    def earlier_normalise(line: str) -> str:  # (normalise without dropping them)
        return " ".join(unicodedata.normalize("NFKC", line).casefold().split())

    return _joined_sha256(_split_lines(map(earlier_normalise, body.splitlines())))


# --- what datasketch derives from the parameters ----------------------------------------

# datasketch is the source of truth for the MinHash permutations and the LSH banding, but
# importing it imports scipy (a second of CPU on every hourly run). So the values it
# derives for the default parameters are kept here (tests/test_dedup.py checks them
# against datasketch), and datasketch is imported only for other parameters.
DEFAULT_BANDING = {(0.4, 128): (32, 4)}
# MinHash(num_perm=128, seed=1, scheme="affine32").permutations: a then b, uint32 LE
_PERMUTATIONS_128_SEED_1 = (
    "S+iD1dcBj/4ZX85wkSh43f/9DgATh5lBl1XLmgs9gv+fliNLgafgeCEBRy8DoQzLmX9dX488nMbbVe2w+fPoVg0b"
    "Jcsz+v7eZcnfEymqT7H9qaDWy2JloCUX1V6pk5EMF/etaPlBDOPVm5jBOSWLdTu/BQ4ds54RZYRHV4nU8tOv+ajV"
    "r78W6tOXDB7jhYTc78vgR71b1eDBjm1lrQiJjhsx+5nTr5NuE/u/7w8IA5t/Inmge5aDLy0ceGJzSksJAxS2wAHv"
    "47p54gnKo/GFqBHqiiuxxcGoG/3+E+c0zYtfA/RW1R9VHvPkm8GRc09XPYRaMo9Ipi8Ha5vXjQvjVyt/cOpj3NXS"
    "cwr7EAdkJWWJtz1iMVZKlONDi6FX+MNImQx9XzWYDpFpDlSroUo409sUXQnn5n4RU+oSgKXbgD8fAEz6gdg+UomR"
    "D38zYNSY31qWj8W9a+SvaxyUD0+6cTUK2jQz/Y8l0UxS5S0IQPATbjPRh309Mc+XVJb9iIbOL0pXk/vaLT3JGpNC"
    "N4GyDEt36glzotAqp1SQW03ZbtURhVpsQUom0kW79YcVXg2ZL3qv+x8NNSvfVVIbrzi/ITO+8iWPH1Y65wEgS7kK"
    "v+mVdLktfQmfhV26RmZBp0d2sS1lNC8pIBFvJf/Tg0pe5uNqiGObTnL8B04P1AGXyRT4v8kM/dT2w82BMIkGx5sL"
    "NHLuqdXR1CPGxc+DAvbaykz20PHbD6EHlXgolsuCFOIHWUXnTRhxisiKMSNL1K5yTJ2nIysEY+QUMrHOHl6pYCQm"
    "zmVnM9aJB6dUKi0P/abEM3HtOZp7XPAuB1n8nS2S0jg1wGBASaMNAdu5CixWIBdZIOJ8P7GwUfuon4fn0qV5wz3A"
    "mMCbWspmUVncPWPDlP4ZRaCpRVuMzFjlwby2wF5il208np/h6cH/9pjA/AJSTdepcxOEf2FzJ5+CCOQS7P1fHdym"
    "dclnuhHzYrdmEApxLXO2nvVaYFcRlOk5HPFSp3to1sk6YcbMrTzCuk7DR+FD5+c/h8WwqNySNvYlTQ8cvACFO9LF"
    "kTX9napoJicUAJ9TdlohlLBH7YYWWU4C5RnN4o3Pg7XxB3Zbcup7eGHClei1VrzDVIeUnwoMp3dg3AwEt0DdRD2Z"
    "7+04zunU2Z7esJWhI43njFD/YNzwEfmBHizTH/R4GVQbI/HVJb6Ok77ujQgkMdSsYrJ0Ht12K2PlEIYO+TrNBmbB"
    "uIIcgrsH/sCPu2Q1GFZL7PsznwyJfCa2wiHUhMc40B81bxosRd0WBaTJdGVlw7UG+Ep8GxUYPwco7YKCTbAHP9uI"
    "JRqxyirccWnpSS/V8InNhVQ7qL2Fjc4VufctVo/XV+c/Rw=="
)


def minhash_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``MinHash(num_perm, seed=seed, scheme="affine32").permutations``."""
    if (num_perm, seed) == (128, 1):
        ab = np.frombuffer(base64.b64decode(_PERMUTATIONS_128_SEED_1), dtype="<u4")
        ab = ab.astype(np.uint32).reshape(2, num_perm)
    else:
        from datasketch import MinHash

        ab = np.asarray(
            MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations,
            dtype=np.uint32,
        )
    return ab[0], ab[1]


# --- hashing helpers (numpy, wrapping unsigned arithmetic) ------------------------------


def _operands(dtype: type[np.unsignedinteger], *values: int) -> tuple[np.ndarray, ...]:
    """Constant operands as 0-d arrays: a ufunc converts a numpy *scalar* operand into an
    array on every call, which costs more than the operation itself on a few hundred
    elements (callgrind: 6.0K instructions for ``uint64[32] >> np.uint64(30)``, 4.3K with
    a 0-d array). Same dtype as the arrays they meet, so results are unchanged."""
    return tuple(np.array(v, dtype=dtype) for v in values)


_FMIX32 = _operands(np.uint32, 16, 0x85EBCA6B, 13, 0xC2B2AE35)
_MIX64 = _operands(np.uint64, 30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31)
# odd multipliers combining the token hashes of a shingle, one per position
_POS_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x27D4EB2F165667C5,
        0x85EBCA77C2B2AE63,
    ],
    dtype=np.uint64,
)

# the same as operands, taken out once (indexing the array makes a new scalar each time)
_POS_MULT_OPERANDS = _operands(np.uint64, *_POS_MULT.tolist())
_HIGH_HALF, _LOW16 = *_operands(np.uint64, 32), *_operands(np.uint32, 0xFFFF)

_LITTLE_ENDIAN = sys.byteorder == "little"
_UINT64_MAX = (1 << 64) - 1


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting."""
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)  # a new array: the rest works in place
    h *= m1
    h ^= h >> s2
    h *= m2
    h ^= h >> s1
    return h


def _mix64(z: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _MIX64
    z = z ^ (z >> s1)
    z *= m1  # (in place where the array is our own: fewer temporaries)
    z ^= z >> s2
    z *= m2
    z ^= z >> s3
    return z


# Tokens: runs of ASCII letters/digits and non-ASCII characters; ASCII punctuation,
# whitespace and the common Unicode punctuation below separate them.
_SEPARATOR = np.ones(256, dtype=bool)
for _c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _SEPARATOR[_c] = False
_SEPARATOR[128:] = False  # UTF-8 bytes of non-ASCII characters
# bytes.translate table: word byte -> 1, separator -> 0
_WORD_BYTE = bytes((~_SEPARATOR).astype(np.uint8).tolist())
_UNICODE_PUNCT = (
    "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a"
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2026\u2022\u00b7\u00a7\u00b6\u2032\u2033"
)
# Token hash: sum of (byte + 1) * P^i over the token's bytes, mod 2^64. P is odd, so it is
# invertible mod 2^64 and prefix sums give every token's hash independently of where it
# sits in the text.
_P = 0x100000001B3
_P_INV = pow(_P, -1, 1 << 64)
_powers: np.ndarray = np.ones(1, dtype=np.uint64)
_inv_powers: np.ndarray = np.ones(1, dtype=np.uint64)


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    global _powers, _inv_powers
    if _powers.size < n:
        size = max(n, 2 * _powers.size, 1 << 14)
        _powers = np.cumprod(np.full(size, _P, dtype=np.uint64)) * np.uint64(_P_INV)
        _inv_powers = np.cumprod(np.full(size, _P_INV, dtype=np.uint64)) * np.uint64(_P)
    return _powers, _inv_powers


def tokenise(paragraphs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the word tokens of normalised paragraphs, and the paragraph
    number of each token (vectorised: no Python loop over tokens)."""
    # (bodies are short: the cost is in the number of numpy calls, not in their size;
    # array methods rather than np.* functions spare the array-function dispatch)
    text = "\n".join(paragraphs)
    if not text.isascii():
        for ch in _UNICODE_PUNCT:  # (faster than one regex or str.translate)
            if ch in text:
                text = text.replace(ch, " ")
    data = text.encode("utf-8")
    n = len(data)
    # word bytes, with a separator before and after: word runs start where it turns on
    # and end where it turns off, alternately (bytes.translate maps the bytes in C: a
    # numpy table lookup, raw[table], costs several times more on bodies this short)
    word = np.frombuffer(b"\0" + data.translate(_WORD_BYTE) + b"\0", dtype=np.uint8)
    bounds = (word[1:] != word[:-1]).nonzero()[0]
    if bounds.size == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    starts, ends = bounds[0::2], bounds[1::2]
    powers, inv_powers = _power_tables(n)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    raw = np.frombuffer(data, dtype=np.uint8)
    # widened first: uint8 * uint64 would go through numpy's casting buffers
    terms = raw.astype(np.uint64)
    # (byte + 1) * P^i as byte * P^i + P^i: an addition over the widened array costs a
    # tenth of a bytes.translate(byte -> byte + 1) of the body (callgrind)
    np.multiply(terms, powers[:n], out=terms)
    terms += powers[:n]
    terms.cumsum(out=prefix[1:])
    tok = (prefix[ends] - prefix[starts]) * inv_powers[starts]
    newlines = (raw == 10).nonzero()[0]
    para_of = newlines.searchsorted(starts)
    return tok, para_of


def truncate_signature(signature: np.ndarray) -> np.ndarray:
    """b-bit MinHash with b = 16 (Li & Koenig): keep the low 16 bits of each minimum.

    Two minima from different shingles agree on their low bits with probability 2^-16, so
    the Jaccard estimate is off by at most (1 - J) / 65536 and LSH bands of 4 rows still
    carry 64 bits: at half the bytes of the full signature, nothing measurable is lost.
    (The minima's *high* bits would not do: minima are small numbers.)"""
    return (signature & _LOW16).astype(np.uint16)


def count_distinct(values: np.ndarray) -> int:
    if values.size == 0:
        return 0
    v = np.sort(values)
    return int(np.count_nonzero(v[1:] != v[:-1])) + 1


@dataclass(frozen=True, eq=False)
class Sketch:
    """What the deduplicator computes from a body (and stores for a recorded story)."""

    content_hash: str
    words: int
    fingerprints: tuple[int, ...]
    # per paragraph: shingles it contributed to the signature; 0 = left out as shared
    shingle_counts: tuple[int, ...]
    shingles: int  # distinct story-specific shingles
    # b-bit MinHash (b = 16): the low 16 bits of each of the num_perm minima
    signature: np.ndarray | None = field(default=None, repr=False)  # uint16[num_perm]

    def signature_bytes(self) -> bytes:
        if self.signature is None:
            return b""
        return self.signature.astype("<u2", copy=False).tobytes()

    def to_row(
        self,
        *,
        story_id: str,
        url: str,
        revision: int,
        date_modified: str | None,
        duplicate_of: str | None,
    ) -> StoryRow:
        return StoryRow.from_values(
            (
                story_id,
                url,
                self.content_hash,
                revision,
                self.signature_bytes(),
                self.shingles,
                pack_paragraphs(self.fingerprints, self.shingle_counts),
                date_modified,
                duplicate_of,
                None,  # first_run
                None,  # last_run
                False,  # pending
            )
        )


class StorySketcher:
    """Body -> :class:`Sketch`. Its parameters are fixed per store (kept in its meta
    table): signatures made with other parameters are not comparable."""

    def __init__(
        self,
        *,
        num_perm: int = 128,
        shingle_size: int = 3,
        seed: int = 1,
        shared_min: int = 2,
    ) -> None:
        if not 1 <= shingle_size <= len(_POS_MULT):
            raise ValueError(f"shingle_size must be in 1..{len(_POS_MULT)}")
        if num_perm < 16:
            raise ValueError("num_perm must be >= 16")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self.shared_min = shared_min
        self._a, self._b = minhash_permutations(num_perm, seed)
        # a and b repeated row after row, (rows, num_perm), grown on demand (see minhash)
        self._a_rows = np.empty((0, num_perm), dtype=np.uint32)
        self._b_rows = self._a_rows

    # config persisted in the store; VERSION changes whenever tokens, shingles or hashes
    # change (signatures of different versions are not comparable)
    VERSION = 1
    _META = ("num_perm", "shingle_size", "seed")

    @classmethod
    def for_store(
        cls,
        store: StoryStore,
        *,
        num_perm: int | None = None,
        shingle_size: int | None = None,
        seed: int | None = None,
        shared_min: int = 2,
    ) -> StorySketcher:
        """The sketcher matching the signatures already in ``store`` (saving the config
        if the store has none yet); explicit arguments that disagree are an error."""
        wanted = {"num_perm": num_perm, "shingle_size": shingle_size, "seed": seed}
        stored = {k: store.get_meta(f"sketch.{k}") for k in cls._META}
        params: dict[str, int] = {}
        for key in cls._META:
            value = stored[key]
            if value is not None and wanted[key] is not None and int(value) != wanted[key]:
                raise StoreError(
                    f"the store's signatures were made with {key}={value}, not "
                    f"{wanted[key]}; use {key}={value} or rebuild the store from records"
                )
            chosen = wanted[key] if value is None else int(value)
            if chosen is not None:
                params[key] = chosen
        version = store.get_meta("sketch.version")
        if version is not None and int(version) != cls.VERSION:
            raise StoreError(
                f"the store's signatures were made by sketch version {version}, this code "
                f"makes version {cls.VERSION}: rebuild the store from the published records"
            )
        sketcher = cls(**params, shared_min=shared_min)
        if version is None or any(v is None for v in stored.values()):
            sketcher.save_config(store)
        return sketcher

    def save_config(self, store: StoryStore) -> None:
        store.set_meta("sketch.version", str(self.VERSION))
        for key in self._META:
            store.set_meta(f"sketch.{key}", str(getattr(self, key)))

    # --- shingles and signatures -------------------------------------------------------

    def shingle_hashes(
        self, paragraphs: Sequence[str], include: Sequence[bool] | None = None
    ) -> tuple[np.ndarray, list[int]]:
        """32-bit hashes of the word shingles of the (included) paragraphs: shingles never
        cross a paragraph boundary, a paragraph shorter than the shingle is one shingle.
        Returns (hashes, possibly repeated; per-paragraph shingle count, 0 if excluded)."""
        k = self.shingle_size
        n_paras = len(paragraphs)
        kept = [True] * n_paras if include is None else include
        tok, para_of = tokenise(paragraphs)
        lengths = (
            np.bincount(para_of, minlength=n_paras)
            if tok.size
            else np.zeros(n_paras, dtype=np.int64)
        )
        n_tokens = lengths.tolist()
        # (conditional expressions rather than max(): see pack_paragraphs)
        per_para = [
            (m - k + 1 if m >= k else 1) if m and kp else 0
            for m, kp in zip(n_tokens, kept, strict=True)
        ]
        n = tok.size
        parts = []
        if n >= k:
            h = tok[: n - k + 1] * _POS_MULT_OPERANDS[0]
            for j in range(1, k):
                h += tok[j : n - k + 1 + j] * _POS_MULT_OPERANDS[j]
            first = para_of[: n - k + 1]
            valid = first == para_of[k - 1 :]
            if not all(kept):  # (an array of it only then: most bodies keep everything)
                valid &= np.array(kept, dtype=bool)[first]
            parts.append(h[valid])
        short = [i for i, m in enumerate(n_tokens) if 0 < m < k and kept[i]]
        if short:  # short paragraphs: one shingle each (rare: Python is fine)
            mult = _POS_MULT.tolist()
            offsets = np.concatenate(([0], np.cumsum(lengths))).tolist()
            toks = tok.tolist()
            vals = []
            for i in short:
                m = int(lengths[i])
                h1 = m * mult[k - 1]
                for j in range(m):
                    h1 += toks[offsets[i] + j] * mult[j]
                vals.append(h1 & 0xFFFFFFFFFFFFFFFF)
            parts.append(np.array(vals, dtype=np.uint64))
        if not parts:
            return np.empty(0, dtype=np.uint32), per_para
        mixed = _mix64(np.concatenate(parts) if len(parts) > 1 else parts[0])
        if _LITTLE_ENDIAN:  # high ^ low half, from the two halves' view (one numpy call)
            halves = mixed.view(np.uint32)
            folded = halves[0::2] ^ halves[1::2]
        else:
            folded = ((mixed >> _HIGH_HALF) ^ mixed).astype(np.uint32)
        return folded, per_para

    def minhash(self, hashes: np.ndarray) -> np.ndarray | None:
        """MinHash signature of a set of 32-bit hashes (datasketch ``affine32``, i.e.
        equal to ``MinHash(num_perm, seed, hashfunc=int).update_batch(hashes)``).
        Repeated hashes are harmless."""
        if hashes.size == 0:
            return None
        hv = _fmix32(hashes.astype(np.uint32, copy=False))
        # One row per hash, one column per permutation: a and b are then contiguous arrays
        # of the product's shape, and only the hash is broadcast. With the permutations
        # broadcast along rows of hashes instead, numpy copies them into its buffers for
        # each row: a fifth more instructions (callgrind) for a 350-word body.
        # (_a_rows/_b_rows: at most 2 MB at 128 permutations, whatever the store's size.)
        block = 2048  # bounded temporary (2048 x num_perm)
        rows = hv.size if hv.size < block else block
        if self._a_rows.shape[0] < rows:
            grown = max(rows, min(2 * self._a_rows.shape[0], block))
            self._a_rows = np.tile(self._a, (grown, 1))
            self._b_rows = np.tile(self._b, (grown, 1))
        if hv.size <= block:  # the usual body: one block
            prod = self._a_rows[:rows] * hv[:, None]
            prod += self._b_rows[:rows]
            return prod.min(axis=0)
        sig = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        for start in range(0, hv.size, block):
            part = hv[start : start + block]
            prod = self._a_rows[: part.size] * part[:, None]
            prod += self._b_rows[: part.size]
            np.minimum(sig, prod.min(axis=0), out=sig)
        return sig

    def sketch(
        self,
        body: str,
        store: StoryStore,
        *,
        current: StoryRow | None = None,
        chash: str | None = None,
    ) -> Sketch:
        """Sketch ``body`` against the store's paragraph counts. ``current`` is the
        story's own stored state, if known (its own contribution is not "another
        story")."""
        paras = _paragraphs(body)
        return self.sketch_paragraphs(paras, store, current=current, chash=chash)

    def sketch_paragraphs(
        self,
        paras: Sequence[str],
        store: StoryStore,
        *,
        current: StoryRow | None = None,
        chash: str | None = None,
    ) -> Sketch:
        """:meth:`sketch` of an already split body (``split_paragraphs``)."""
        fps = [paragraph_fingerprint(p) for p in paras]
        counts = store.paragraph_counts(fps) if fps else {}
        own: set[int] = set()
        if current is not None and current.duplicate_of is None and current.paragraphs:
            own = set(unpack_paragraphs(current.paragraphs)[0])
        shared_min = self.shared_min
        included = [counts.get(fp, 0) - (fp in own) < shared_min for fp in fps]
        hashes, per_para = self.shingle_hashes(paras, included)
        full = self.minhash(hashes)
        return Sketch(
            content_hash=chash or paragraphs_hash(paras),
            words=_word_count(paras),
            fingerprints=tuple(fps),
            shingle_counts=tuple(per_para),
            shingles=count_distinct(hashes),
            signature=None if full is None else truncate_signature(full),
        )

    def signature_from_bytes(self, blob: bytes) -> np.ndarray:
        sig = np.frombuffer(blob, dtype="<u2")
        if sig.size != self.num_perm:
            raise StoreError(
                f"stored signature has {sig.size} permutations, expected {self.num_perm}"
            )
        return sig


# --- LSH index ------------------------------------------------------------------------


class BandIndex:
    """Compact banded MinHash LSH index over 16-bit signatures (banding chosen by
    datasketch's ``MinHashLSH``).

    datasketch's dict-of-sets storage costs ~8.5 KB of RAM per key. Here a band of
    ``rows`` 16-bit values is packed into 64-bit words and mixed (a bijection for
    rows <= 4: distinct bands never share a key); the band number goes in the top bits,
    the entry number in the low bits, and all keys live in sorted ``uint64`` arrays:
    8 bytes per band per story. Entries added after the load go to a small dict (cheap to
    insert into, but ~110 bytes per key), folded every ``merge_keys`` keys into a second
    sorted array, itself folded into the main one when it reaches an eighth of its size:
    merges are linear copies, so a backfill costs amortised O(1) copying per story and
    its memory stays the arrays'; removals only flag the entry dead.
    """

    def __init__(self, num_perm: int, bands: int, rows: int, *, merge_keys: int = 2048) -> None:
        if bands * rows > num_perm or bands < 1 or rows < 1:
            raise ValueError(f"bad LSH banding {bands}x{rows} for {num_perm} permutations")
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.merge_keys = merge_keys
        self._words = -(-rows // 4)
        self._band_bits = max(1, int(bands - 1).bit_length())
        self._band_tag = np.arange(bands, dtype=np.uint64) << np.uint64(64 - self._band_bits)
        (self._band_shift,) = _operands(np.uint64, self._band_bits)
        self._keys = np.empty(0, dtype=np.uint64)  # (key with entry in the low bits), sorted
        self._recent = np.empty(0, dtype=np.uint64)  # the same, for entries added later
        self._set_entry_mask(1)
        self._ids: list[str] = []
        self._alive = bytearray()
        self._live: dict[str, int] = {}
        # band key -> entry (or entries, on a collision) added since the last fold: a bare
        # int for the usual single entry spares a list per band per story
        self._extra: dict[int, int | list[int]] = {}
        # the same entries' keys, in insertion order, as folding wants them
        self._extra_keys: list[np.ndarray] = []
        self._extra_entries: list[int] = []
        self._last_keys: tuple[bytes, np.ndarray, list[int]] = (b"", np.empty(0, np.uint64), [])

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._live

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """(n, num_perm) 16-bit signatures -> (n, bands) uint64 keys."""
        n, b, r = sigs.shape[0], self.bands, self.rows
        # the default banding needs no padding; the view needs native uint16 values
        if r == 4 and sigs.dtype == np.uint16 and sigs.flags.c_contiguous:
            x = sigs[:, : b * r].reshape(n, b, r)
        else:
            x = np.zeros((n, b, self._words * 4), dtype=np.uint16)
            x[:, :, :r] = sigs[:, : b * r].reshape(n, b, r)
        words = x.view(np.uint64)  # (n, b, words): 4 values per word, exactly
        key = _mix64(words[:, :, 0])
        for w in range(1, self._words):
            key = _mix64(key ^ words[:, :, w])
        return (key >> self._band_shift) | self._band_tag

    def _keys_of(self, sig: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """``band_keys`` of one signature, as an array and as a list. A new story's
        signature is queried (check), then inserted (record): the last signature's keys
        are kept for that."""
        raw = np.asarray(sig, dtype=np.uint16).tobytes()
        if raw != self._last_keys[0]:
            if self.rows == 4:
                # a band is one word of the signature's bytes: band_keys without the
                # reshaping and indexing it needs for a batch (five numpy calls fewer)
                words = np.frombuffer(raw, dtype=np.uint64, count=self.bands)
                keys = (_mix64(words) >> self._band_shift) | self._band_tag
            else:
                keys = self.band_keys(sig[None, :])[0]
            self._last_keys = (raw, keys, keys.tolist())
        return self._last_keys[1], self._last_keys[2]

    def bulk_load(self, ids: list[str], sigs: np.ndarray) -> None:
        """Replace the index's content (ids[i] has signature sigs[i])."""
        keys = self.band_keys(sigs) if len(ids) else np.empty((0, self.bands), np.uint64)
        self.load_keys(ids, keys)

    # room for the entries a run adds, so that the arrays are rarely re-keyed
    _MIN_ROOM = 1 << 16

    def _mask_for(self, entries: int) -> int:
        return (1 << max(2 * entries, self._MIN_ROOM).bit_length()) - 1

    def _set_entry_mask(self, mask: int) -> None:
        # the entry field and the key part of a stored key, as operands (see _operands)
        self._entry_bits, self._key_bits = _operands(np.uint64, mask, ~mask & _UINT64_MAX)

    def load_keys(self, ids: list[str], keys: np.ndarray) -> None:
        """Replace the index's content from precomputed ``band_keys`` (n, bands)."""
        n = len(ids)
        if keys.shape != (n, self.bands):
            raise ValueError("keys do not match ids")
        self._set_entry_mask(self._mask_for(n))
        combined = keys & self._key_bits
        combined |= np.arange(n, dtype=np.uint64)[:, None]
        flat = combined.ravel()
        flat.sort()
        self._keys = flat
        self._recent = np.empty(0, dtype=np.uint64)
        self._extra, self._extra_keys, self._extra_entries = {}, [], []
        self._ids = ids
        self._alive = bytearray(b"\x01") * n
        self._live = {sid: i for i, sid in enumerate(ids)}
        if len(self._live) != n:
            raise ValueError("duplicate story ids in the index")

    def _rekey(self) -> None:
        """Widen the entry field once the entries outgrow it (the key part loses bits:
        keys that differed only there now share a band, which queries tolerate)."""
        old = self._entry_bits
        self._set_entry_mask(self._mask_for(len(self._ids)))
        for name in ("_keys", "_recent"):
            keys = getattr(self, name)
            keys = (keys & self._key_bits) | (keys & old)
            keys.sort()
            setattr(self, name, keys)

    @staticmethod
    def _fold(into: np.ndarray, new: np.ndarray) -> np.ndarray:
        return np.insert(into, np.searchsorted(into, new), new)

    def _fold_extra(self) -> None:
        if len(self._ids) - 1 >= int(self._entry_bits):
            self._rekey()
        new = np.concatenate(self._extra_keys) & self._key_bits
        new |= np.repeat(np.array(self._extra_entries, dtype=np.uint64), self.bands)
        new.sort()
        self._recent = self._fold(self._recent, new)
        self._extra, self._extra_keys, self._extra_entries = {}, [], []

    def merge(self) -> None:
        """Fold every entry added since the load (or the last merge) into the main array."""
        if self._extra:
            self._fold_extra()
        if self._recent.size:
            self._keys = self._fold(self._keys, self._recent)
            self._recent = np.empty(0, dtype=np.uint64)

    def insert(self, story_id: str, sig: np.ndarray) -> None:
        self.remove(story_id)
        entry = len(self._ids)
        self._ids.append(story_id)
        self._alive.append(1)
        self._live[story_id] = entry
        keys, key_list = self._keys_of(sig)
        extra = self._extra
        for key in key_list:
            got = extra.get(key)
            if got is None:
                extra[key] = entry
            elif isinstance(got, int):
                extra[key] = [got, entry]
            else:
                got.append(entry)
        self._extra_keys.append(keys)
        self._extra_entries.append(entry)
        if len(self._extra_entries) * self.bands >= self.merge_keys:
            self._fold_extra()
            if self._recent.size * 8 >= self._keys.size:
                self.merge()

    def remove(self, story_id: str) -> None:
        entry = self._live.pop(story_id, None)
        if entry is not None:
            self._alive[entry] = 0

    def query(self, sig: np.ndarray) -> list[str]:
        """Story ids sharing at least one band with ``sig``."""
        qk, qk_list = self._keys_of(sig)
        entries: set[int] = set()
        if self._keys.size or self._recent.size:
            mask = self._entry_bits
            # a band's stored keys lie in [base, base | mask): entries stay below the mask
            # (two searches cost less than one over both edges joined)
            base = qk & self._key_bits
            top = base | mask
            for keys in (self._keys, self._recent):
                if keys.size:
                    lo, hi = keys.searchsorted(base), keys.searchsorted(top)
                    for band in (hi > lo).nonzero()[0].tolist():  # usually none
                        entries.update((keys[lo[band] : hi[band]] & mask).tolist())
        if self._extra:
            get = self._extra.get
            for key in qk_list:
                got = get(key)
                if got is None:
                    continue
                if isinstance(got, int):
                    entries.add(got)
                else:
                    entries.update(got)
        return [self._ids[e] for e in sorted(entries) if self._alive[e]]

    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._recent.nbytes + len(self._alive))


@functools.lru_cache(maxsize=16)
def lsh_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's MinHashLSH picks for this threshold."""
    if (threshold, num_perm) in DEFAULT_BANDING:
        return DEFAULT_BANDING[threshold, num_perm]
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


# --- decisions ------------------------------------------------------------------------


class Verdict(enum.Enum):
    NEW = "new"
    REVISION = "revision"
    UNCHANGED = "unchanged"
    EXACT_DUPLICATE = "exact_duplicate"
    NEAR_DUPLICATE = "near_duplicate"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    story_id: str  # the story's identity in the store (may differ from the input's when
    # the story was recognised by an alias URL): the exported record must carry it
    revision: int
    duplicate_of: str | None
    content_hash: str
    similarity: float | None = None  # story-specific Jaccard of a near-duplicate match
    sketch: Sketch | None = field(default=None, compare=False, repr=False)
    # the stored date_modified of a known story (record() keeps it current)
    known_date_modified: str | None = field(default=None, compare=False, repr=False)

    @property
    def exported(self) -> bool:
        """Whether a record goes out (in "mark" mode; "drop" mode also drops
        ``is_duplicate`` decisions)."""
        return self.verdict is not Verdict.UNCHANGED

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None

    def export(self, mode: str = "mark") -> bool:
        """Whether the record goes to the output: in ``"mark"`` mode every new, revised
        or duplicate story (duplicates carry ``duplicate_of``); in ``"drop"`` mode
        duplicates are left out. ``record()`` is called either way."""
        if mode not in ("mark", "drop"):
            raise ValueError(f"unknown duplicate mode {mode!r}")
        return self.exported and not (mode == "drop" and self.is_duplicate)


class StoryDeduplicator:
    """Decides what a crawled story is, and records it (pending) in the store.

    ``check`` reads only; ``record`` writes the decision into the store's open run and
    into the in-memory LSH index; ``observe`` does both. The LSH index is built from the
    store's signatures at construction (0.6 s at 100k stories, see the benchmark).
    """

    def __init__(
        self,
        store: StoryStore,
        *,
        threshold: float = 0.7,
        num_perm: int | None = None,
        shingle_size: int | None = None,
        lsh_threshold: float = 0.4,
        bands: tuple[int, int] | None = None,
        shared_min: int = 2,
        min_words: int = 12,
        min_shingles: int = 10,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.store = store
        self.threshold = threshold
        self.min_words = min_words
        self.min_shingles = min_shingles
        self.sketcher = StorySketcher.for_store(
            store, num_perm=num_perm, shingle_size=shingle_size, shared_min=shared_min
        )
        self.num_perm = self.sketcher.num_perm
        if bands is None:
            bands = lsh_banding(lsh_threshold, self.num_perm)
        self.index = BandIndex(self.num_perm, *bands)
        self._touched: dict[str, set[str]] = {}
        # (signature, shingles, duplicate_of) as record() wrote them, for the stories
        # recorded most recently: in a full crawl nearly every LSH candidate is a story of
        # the same run, and this spares its story_signature() lookup (a SQL statement).
        # Bounded (RECORDED_SIGNATURES), oldest dropped first; misses read the store.
        self._recorded: dict[str, tuple[np.ndarray, int, str | None]] = {}
        self.reload()

    # ~490 bytes a story (tracemalloc: the array, its tuple, the dict slot): ~4 MB at most
    RECORDED_SIGNATURES = 8192

    # --- index maintenance -----------------------------------------------------------

    def reload(self, *, chunk: int = 8192) -> None:
        """(Re)build the LSH index from the store's signatures (committed + pending),
        a chunk at a time: only the band keys are kept, never the signatures. Each blob
        is copied into a preallocated array at once (buffering the blobs would leave the
        heap fragmented between the story ids that stay). The recorded signatures go too:
        a reload follows changes to the store made behind the deduplicator's back."""
        self._recorded.clear()
        ids: list[str] = []
        parts: list[np.ndarray] = []
        sigs = np.empty((chunk, self.num_perm), dtype=np.uint16)
        width = self.num_perm * 2
        filled = 0
        for story_id, blob in self.store.iter_signatures():
            if len(blob) != width:
                raise StoreError(
                    f"signature of {story_id!r} has {len(blob)} bytes, expected {width}"
                )
            ids.append(story_id)
            sigs[filled] = np.frombuffer(blob, dtype="<u2")
            filled += 1
            if filled == chunk:
                parts.append(self.index.band_keys(sigs))
                filled = 0
        if filled:
            parts.append(self.index.band_keys(sigs[:filled]))
        keys = np.concatenate(parts) if parts else np.empty((0, self.index.bands), np.uint64)
        del parts
        self.index.load_keys(ids, keys)

    def discard_run(self, run_id: str) -> None:
        """Discard the run in the store and undo its effect on the index."""
        self.store.discard_run(run_id)
        for story_id in self._touched.get(run_id, ()):
            self._recorded.pop(story_id, None)
        # sorted: re-inserted in a fixed order, the index numbers its entries (and so
        # orders its answers) the same in every process, whatever the hash seed
        for story_id in sorted(self._touched.pop(run_id, set())):
            self.index.remove(story_id)
            row = self.store.get_story(story_id)
            if row is not None and row.signature:
                self.index.insert(story_id, self.sketcher.signature_from_bytes(row.signature))

    def commit_run(self, run_id: str, **info: object) -> None:
        self.store.commit_run(run_id, **info)  # type: ignore[arg-type]
        self._touched.pop(run_id, None)

    # --- decisions -------------------------------------------------------------------

    def _known(self, story_id: str, url: str, aliases: Sequence[str]) -> StoryRow | None:
        row = self.store.get_story(story_id)
        if row is not None:
            return row
        for u in dict.fromkeys([url, *aliases]):
            if not u:
                continue
            owner = self.store.resolve_alias(u)
            if owner is not None:
                row = self.store.get_story(owner)
                if row is not None:
                    return row
        return None

    def check(
        self,
        story_id: str,
        url: str,
        aliases: Sequence[str],
        body: str,
        date_modified: str | None,
    ) -> Decision:
        """Decide what this record is. Reads the store; writes nothing."""
        paras = _paragraphs(body)
        chash = paragraphs_hash(paras)
        # Most stories of a full crawl are new: one statement proves it (else the
        # ordinary lookups below decide).
        # A story in the index is known (most likely unchanged): no probe for it.
        if story_id not in self.index and self.store.probe_new_story(
            story_id, [url, *aliases], chash
        ):
            sketch = self.sketcher.sketch_paragraphs(paras, self.store, chash=chash)
            # (no exact duplicate either: the probe found no story with this hash)
            dup, sim = self._near_duplicate(sketch, exclude=None)
            if dup is not None:
                return Decision(Verdict.NEAR_DUPLICATE, story_id, 1, dup, chash, sim, sketch)
            return Decision(Verdict.NEW, story_id, 1, None, chash, None, sketch)
        known = self._known(story_id, url, aliases)
        if known is not None:
            # (a text with format characters, stored by an earlier version, was hashed with
            # them: unchanged all the same)
            if known.content_hash == chash or known.content_hash == earlier_content_hash(body):
                return Decision(
                    Verdict.UNCHANGED,
                    known.story_id,
                    known.revision,
                    known.duplicate_of,
                    chash,
                    known_date_modified=known.date_modified,
                )
            sketch = self.sketcher.sketch_paragraphs(paras, self.store, current=known, chash=chash)
            dup, sim = self._find_duplicate(sketch, exclude=known.story_id)
            return Decision(
                Verdict.REVISION, known.story_id, known.revision + 1, dup, chash, sim, sketch
            )
        sketch = self.sketcher.sketch_paragraphs(paras, self.store, chash=chash)
        if sketch.words >= self.min_words:
            original = self.store.find_by_content_hash(chash)
            if original is not None:
                return Decision(Verdict.EXACT_DUPLICATE, story_id, 1, original, chash, 1.0, sketch)
        dup, sim = self._near_duplicate(sketch, exclude=None)
        if dup is not None:
            return Decision(Verdict.NEAR_DUPLICATE, story_id, 1, dup, chash, sim, sketch)
        return Decision(Verdict.NEW, story_id, 1, None, chash, None, sketch)

    def _find_duplicate(self, sketch: Sketch, *, exclude: str) -> tuple[str | None, float | None]:
        """For a revised story: is its new text a duplicate of another story's?"""
        if sketch.words >= self.min_words:
            original = self.store.find_by_content_hash(sketch.content_hash)
            if original is not None and original != exclude:
                return original, 1.0
        return self._near_duplicate(sketch, exclude=exclude)

    def similarity(self, sketch: Sketch, candidate: StoryRow, *, at_least: float = 0.0) -> float:
        """Story-specific Jaccard estimate between a sketch and a stored story.

        The candidate's signature was made when it was recorded; its paragraphs that are
        shared *now* (by >= shared_min stories other than itself, counting the new story)
        are taken out of its set size before the Jaccard is formed. When the result is
        certainly below ``at_least``, an upper bound below ``at_least`` may be returned
        instead (it spares the paragraph lookups)."""
        if sketch.signature is None or not candidate.signature:
            return 0.0
        n_a, n_b = sketch.shingles, candidate.shingles
        other = self.sketcher.signature_from_bytes(candidate.signature)
        inter, bound = self._first_estimate(sketch, other, n_b, at_least)
        if bound is not None:
            return bound
        removed = 0
        if candidate.paragraphs:
            fps, counts = unpack_paragraphs(candidate.paragraphs)
            included = [(fp, c) for fp, c in zip(fps, counts, strict=True) if c > 0]
            if included:
                now = self.store.paragraph_counts(fp for fp, _ in included)
                own = 1 if candidate.duplicate_of is None else 0
                mine = set(sketch.fingerprints)
                shared_min = self.sketcher.shared_min
                removed = sum(
                    c for fp, c in included if now.get(fp, 0) - own + (fp in mine) >= shared_min
                )
        n_b_specific = max(n_b - removed, 1)
        inter = min(inter, n_a, n_b_specific)
        return inter / (n_a + n_b_specific - inter)

    def _first_estimate(
        self, sketch: Sketch, other: np.ndarray, n_b: int, at_least: float
    ) -> tuple[float, float | None]:
        """(|A & B| estimated from the signatures and set sizes, the value similarity()
        returns without reading paragraphs, or None when it must read them)."""
        assert sketch.signature is not None
        j = float(np.count_nonzero(sketch.signature == other)) / self.num_perm
        if j == 0.0:
            return 0.0, 0.0
        n_a = sketch.shingles
        inter = j * (n_a + n_b) / (1.0 + j)
        # J' <= |A & B| / |A| whatever part of B has become shared since: when even that
        # bound misses the threshold, spare the paragraph lookups (most LSH candidates)
        if inter < at_least * n_a:
            bound = inter / (n_a or 1)
            return inter, bound if bound < 1.0 else 1.0
        return inter, None

    def _near_duplicate(
        self, sketch: Sketch, *, exclude: str | None
    ) -> tuple[str | None, float | None]:
        if sketch.signature is None or sketch.shingles < self.min_shingles:
            return None, None
        best: tuple[float, str] | None = None
        threshold = self.threshold
        for cand_id in self.index.query(sketch.signature):
            if cand_id == exclude:
                continue
            recorded = self._recorded.get(cand_id)
            if recorded is None:
                found = self.store.story_signature(cand_id)
                if found is None:
                    continue
                blob, n_b, duplicate_of = found
                if not blob:
                    continue
                other = self.sketcher.signature_from_bytes(blob)
            else:
                other, n_b, duplicate_of = recorded
            if (duplicate_of or cand_id) == exclude:
                continue
            # similarity()'s first test, on the signature alone: most candidates stop
            # here, below the threshold, without their full row
            _, bound = self._first_estimate(sketch, other, n_b, threshold)
            if bound is not None and bound < threshold:
                continue
            row = self.store.get_story(cand_id)
            if row is None:
                continue
            root = row.duplicate_of or row.story_id
            sim = self.similarity(sketch, row, at_least=threshold)
            if sim >= self.threshold and (best is None or (sim, root) > best):
                best = (sim, root)
        if best is None:
            return None, None
        return best[1], round(best[0], 4)

    # --- recording -------------------------------------------------------------------

    def record(
        self,
        decision: Decision,
        *,
        run_id: str,
        url: str,
        aliases: Sequence[str],
        body: str,
        date_modified: str | None,
    ) -> None:
        """Write the decision into the store's open run (pending) and the LSH index.

        Call it for every decision, also in "drop" mode for duplicates: the run's
        commit then remembers them, and they are not re-examined every hour."""
        urls = [url, *aliases]
        if decision.verdict is Verdict.UNCHANGED:
            self.store.add_aliases(run_id, decision.story_id, urls)
            if date_modified and date_modified != decision.known_date_modified:
                self.store.touch_story(run_id, decision.story_id, date_modified=date_modified)
            return
        sketch = decision.sketch
        if sketch is None or sketch.content_hash != decision.content_hash:
            if content_hash(body) != decision.content_hash:
                raise ValueError("record(): body does not match the decision's content_hash")
            current = self.store.get_story(decision.story_id)
            sketch = self.sketcher.sketch(body, self.store, current=current)
        row = sketch.to_row(
            story_id=decision.story_id,
            url=url,
            revision=decision.revision,
            date_modified=date_modified,
            duplicate_of=decision.duplicate_of,
        )
        self.store.put_story(run_id, row, aliases=aliases, verdict=decision.verdict.value)
        self._touched.setdefault(run_id, set()).add(decision.story_id)
        recorded = self._recorded
        recorded.pop(decision.story_id, None)  # (re-inserted last: the newest)
        if sketch.signature is not None:
            self.index.insert(decision.story_id, sketch.signature)
            recorded[decision.story_id] = (sketch.signature, row.shingles, row.duplicate_of)
            if len(recorded) > self.RECORDED_SIGNATURES:
                del recorded[next(iter(recorded))]
        else:
            self.index.remove(decision.story_id)

    def observe(
        self,
        story_id: str,
        url: str,
        aliases: Sequence[str],
        body: str,
        date_modified: str | None,
        *,
        run_id: str,
    ) -> Decision:
        """check + record."""
        decision = self.check(story_id, url, aliases, body, date_modified)
        self.record(
            decision,
            run_id=run_id,
            url=url,
            aliases=aliases,
            body=body,
            date_modified=date_modified,
        )
        return decision

    def observe_many(self, records: Iterable[dict[str, object]], *, run_id: str) -> list[Decision]:
        """observe() over record dicts (story_id, url, aliases, article_body,
        date_modified); handy for tests and tools."""
        out = []
        for rec in records:
            out.append(
                self.observe(
                    str(rec["story_id"]),
                    str(rec.get("url") or rec["story_id"]),
                    [str(a) for a in rec.get("aliases") or []],  # type: ignore[attr-defined]
                    str(rec.get("article_body") or ""),
                    rec.get("date_modified"),  # type: ignore[arg-type]
                    run_id=run_id,
                )
            )
        return out
