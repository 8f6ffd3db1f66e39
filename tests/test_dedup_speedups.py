"""The deduplicator's fast paths give what the plain ways give.

* the sketch's numpy steps (tokenise, shingle hashes, MinHash) against straightforward
  reference versions of the same hashes;
* ``probe_new_story`` (one statement for a new story's lookups) against the ordinary
  lookups, and whole runs with the probe against runs without it;
* ``paragraph_counts`` against a plain sum over both tables;
* the signatures the deduplicator keeps of the stories it recorded against the store's;
* ``normalise``'s shortcut for lines that need no whitespace collapsed.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcacrawler import dedup as dd
from tcacrawler.dedup import (
    StoryDeduplicator,
    StorySketcher,
    Verdict,
    content_hash,
    paragraphs_hash,
)
from tcacrawler.store import SQLiteStore, StoryRow
from tests.test_dedup import digest, light_edit, story

# --- reference versions of the sketch's hashing ------------------------------------------

_P = 0x100000001B3
_M64 = (1 << 64) - 1


def ref_tokenise(paragraphs: Sequence[str]) -> tuple[list[int], list[int]]:
    """Token hashes and paragraph numbers, one token at a time."""
    toks, paras = [], []
    for i, para in enumerate(paragraphs):
        for ch in dd._UNICODE_PUNCT:
            para = para.replace(ch, " ")
        word = b""
        for byte in [*para.encode("utf-8"), 32]:
            if not dd._SEPARATOR[byte]:
                word += bytes([byte])
                continue
            if word:
                toks.append(sum((b + 1) * pow(_P, j, 1 << 64) for j, b in enumerate(word)) & _M64)
                paras.append(i)
                word = b""
    return toks, paras


def ref_mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def ref_shingles(paragraphs: Sequence[str], include: Sequence[bool], k: int = 3) -> list[int]:
    toks, paras = ref_tokenise(paragraphs)
    mult = dd._POS_MULT.tolist()
    out = []
    for i in range(len(paragraphs)):
        if not include[i]:
            continue
        t = [h for h, p in zip(toks, paras, strict=True) if p == i]
        if len(t) >= k:
            raw = [sum(t[s + j] * mult[j] for j in range(k)) & _M64 for s in range(len(t) - k + 1)]
        elif t:
            raw = [(len(t) * mult[k - 1] + sum(h * mult[j] for j, h in enumerate(t))) & _M64]
        else:
            raw = []
        for h in raw:
            m = ref_mix64(h)
            out.append(((m >> 32) ^ m) & 0xFFFFFFFF)
    return out


def ref_minhash(sketcher: StorySketcher, hashes: Sequence[int]) -> list[int]:
    a, b = sketcher._a.ravel().tolist(), sketcher._b.ravel().tolist()

    def fmix(h: int) -> int:
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & 0xFFFFFFFF
        return h ^ (h >> 16)

    hv = [fmix(h) for h in hashes]
    return [min((ai * h + bi) & 0xFFFFFFFF for h in hv) for ai, bi in zip(a, b, strict=True)]


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z9 .,-'\u2019\u201c\u2014\u00e9\u4e2d\U0001f600\u00ad")),
    max_size=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, max_size=6), st.randoms(use_true_random=False))
def test_property_shingle_hashes_match_the_reference(paras: list[str], rnd: random.Random) -> None:
    include = [rnd.random() < 0.8 for _ in paras]
    tok, para_of = dd.tokenise(paras)
    want_tok, want_paras = ref_tokenise(paras)
    assert tok.tolist() == want_tok and para_of.tolist() == want_paras
    hashes, per_para = StorySketcher().shingle_hashes(paras, include)
    assert hashes.dtype == np.uint32
    assert sorted(hashes.tolist()) == sorted(ref_shingles(paras, include))
    assert sum(per_para) == hashes.size


@pytest.mark.parametrize("size", [1, 7, 300, 2048, 2049, 4500])
def test_minhash_matches_the_reference(size: int) -> None:
    sketcher = StorySketcher()
    hashes = np.random.default_rng(size).integers(0, 2**32, size, dtype=np.uint32)
    sig = sketcher.minhash(hashes)
    assert sig is not None and sig.dtype == np.uint32
    assert sig.tolist() == ref_minhash(sketcher, hashes.tolist())


def test_paragraphs_hash_of_a_tuple_is_that_of_the_list() -> None:
    for seed in range(20):
        paras = tuple(dd.split_paragraphs(story(seed)))
        assert paragraphs_hash(paras) == paragraphs_hash(list(paras)) == content_hash(story(seed))


# --- store: the probe and the paragraph counts ---------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "stories.sqlite3")
    yield s
    s.close()


def plain_counts(path: Path, fps: Sequence[int]) -> dict[int, int]:
    con = sqlite3.connect(path)  # (sees what the store has committed or flushed)
    try:
        counts = {}
        for fp in dict.fromkeys(fps):
            a = con.execute("SELECT stories FROM paragraphs WHERE fp = ?", (fp,)).fetchone()
            b = con.execute("SELECT delta FROM p_paragraphs WHERE fp = ?", (fp,)).fetchone()
            counts[fp] = (a[0] if a else 0) + (b[0] if b else 0)
        return counts
    finally:
        con.close()


def test_paragraph_counts_sum_both_tables(store: SQLiteStore) -> None:
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    bodies = [digest(n) for n in range(6)] + [story(n) for n in range(6)]
    for i, body in enumerate(bodies):
        dedup.observe(f"s:{i}", f"https://x/{i}", [], body, None, run_id="r1")
    store.prepare_run("r1")
    store.commit_run("r1")
    store.begin_run("r2")
    for i, body in enumerate([digest(n) for n in range(6, 9)] + [light_edit(story(0), 1)]):
        dedup.observe(f"t:{i}", f"https://y/{i}", [], body, None, run_id="r2")
    store.flush()
    fps = [dd.paragraph_fingerprint(p) for b in bodies for p in dd.split_paragraphs(b)]
    fps += [12345, -6789, fps[0]]  # unknown ones, a repeat
    fps += list(range(1000, 1900))  # more than one chunk
    got = store.paragraph_counts(fps)
    assert got == plain_counts(store.path, fps)
    assert got[dd.paragraph_fingerprint(dd.split_paragraphs(digest(0))[0])] == 9  # the intro
    assert store.paragraph_counts([]) == {}


def test_probe_agrees_with_the_lookups(store: SQLiteStore) -> None:
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    dedup.observe("s:1", "https://x/1", ["https://x/?p=1"], story(1), None, run_id="r1")
    dedup.observe("s:2", "https://x/2", [], story(2), None, run_id="r1")
    dedup.observe("s:3", "https://x/3", [], story(2), None, run_id="r1")  # exact duplicate
    store.prepare_run("r1")
    store.commit_run("r1")
    store.begin_run("r2")
    dedup.observe("s:4", "https://x/4", ["https://x/?p=4"], story(4), None, run_id="r2")
    dedup.observe("s:1", "https://x/1", [], story(5), None, run_id="r2")  # revised: 1 -> 5

    def lookups_miss(sid: str, urls: list[str], chash: str) -> bool:
        return (
            store.get_story(sid) is None
            and all(store.resolve_alias(u) is None for u in urls)
            and store.find_by_content_hash(chash) is None
        )

    cases = [
        ("s:1", [], story(9)),  # committed story
        ("s:4", [], story(9)),  # pending story
        ("n:1", ["https://x/?p=1"], story(9)),  # committed alias
        ("n:1", ["", "https://z/", "https://x/?p=4"], story(9)),  # pending alias
        ("n:1", ["https://z/"], story(2)),  # committed original's text
        ("n:1", ["https://z/"], story(4)),  # pending story's text
        ("n:1", ["https://z/"], story(5)),  # a revision's text
        ("n:1", ["https://z/"], story(1)),  # the text s:1 had before this run: new
        ("n:1", ["https://z/", "https://z/?a"], story(9)),  # new
        ("n:1", [], story(9)),  # new
    ]
    for sid, urls, body in cases:
        chash = content_hash(body)
        probe = store.probe_new_story(sid, urls, chash)
        assert not probe or lookups_miss(sid, urls, chash), (sid, urls)
    # the plainly new and the known are told apart
    assert store.probe_new_story("n:1", ["https://z/"], content_hash(story(9)))
    assert not store.probe_new_story("s:1", [], content_hash(story(9)))
    assert not store.probe_new_story("n:1", ["https://x/?p=4"], content_hash(story(9)))
    assert not store.probe_new_story("n:1", [], content_hash(story(2)))


def test_probe_misses_are_memoised_until_written(store: SQLiteStore) -> None:
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    dedup.observe("s:1", "https://x/1", [], story(1), None, run_id="r1")  # opens the batch
    assert store.probe_new_story("s:2", ["https://x/2", "https://x/?p=2"], content_hash(story(2)))
    dedup.observe("s:2", "https://x/2", ["https://x/?p=2"], story(2), None, run_id="r1")
    row = store.get_story("s:2")
    assert row is not None and row.pending
    assert store.resolve_alias("https://x/?p=2") == "s:2"
    assert not store.probe_new_story("s:2", [], content_hash(story(9)))


def corpus(seed: int) -> list[tuple[str, str, list[str], str]]:
    """New stories, unchanged and revised ones, aliases, exact and near duplicates, series."""
    rnd = random.Random(seed)
    out: list[tuple[str, str, list[str], str]] = []
    bodies: dict[str, str] = {}
    for i in range(60):
        kind = rnd.random()
        if kind < 0.4 or not bodies:
            sid = f"s:{i}"
            body = story(rnd.randrange(10**6), paragraphs=rnd.randint(1, 8))
        elif kind < 0.55:
            sid = rnd.choice(list(bodies))
            body = bodies[sid]  # unchanged
        elif kind < 0.65:
            sid = rnd.choice(list(bodies))
            body = light_edit(bodies[sid], i)  # revision
        elif kind < 0.75:
            sid = f"s:{i}"
            body = bodies[rnd.choice(list(bodies))]  # exact duplicate
        elif kind < 0.85:
            sid = f"s:{i}"
            body = light_edit(bodies[rnd.choice(list(bodies))], i)  # near duplicate
        else:
            sid = f"s:{i}"
            body = digest(i)  # series
        bodies[sid] = body
        url = f"https://x/{sid}"
        aliases = [f"https://x/?p={rnd.randrange(80)}"] if rnd.random() < 0.5 else []
        out.append((sid, url, aliases, body))
    return out


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("stories", "aliases", "revisions", "paragraphs")
        }
    finally:
        con.close()


@pytest.mark.parametrize("seed", range(3))
def test_runs_with_and_without_the_probe_decide_and_store_the_same(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = []
    for probe in (True, False):
        if not probe:
            monkeypatch.setattr(SQLiteStore, "probe_new_story", lambda *a, **k: False)
        store = SQLiteStore(tmp_path / f"{probe}.sqlite3")
        decisions = []
        for run in ("r1", "r2"):
            store.begin_run(run)
            dedup = StoryDeduplicator(store)
            for sid, url, aliases, body in corpus(seed + (run == "r2") * 100):
                d = dedup.observe(sid, url, aliases, body, None, run_id=run)
                decisions.append((d.verdict, d.story_id, d.revision, d.duplicate_of, d.similarity))
            store.prepare_run(run)
            store.commit_run(run, finished_at="x")
        store.close()
        results.append((decisions, dump(tmp_path / f"{probe}.sqlite3")))
    assert results[0] == results[1]
    assert {d[0] for d in results[0][0]} == set(dd.Verdict)


def test_buffered_paragraph_deltas_are_counted_written_and_discarded(store: SQLiteStore) -> None:
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    bodies = [digest(n) for n in range(4)] + [story(n) for n in range(4)]
    for i, body in enumerate(bodies):
        dedup.observe(f"s:{i}", f"https://x/{i}", [], body, None, run_id="r1")
    # a revision takes its old paragraphs out again, a duplicate adds none
    dedup.observe("s:7", "https://x/7", [], story(99), None, run_id="r1")
    dedup.observe("d:1", "https://x/d1", [], story(1), None, run_id="r1")
    fps = [
        dd.paragraph_fingerprint(p) for b in [*bodies, story(99)] for p in dd.split_paragraphs(b)
    ]
    assert store._paragraph_deltas  # (still in memory: the batch is open)
    before_flush = store.paragraph_counts(fps)
    store.flush()
    assert not store._paragraph_deltas
    assert before_flush == store.paragraph_counts(fps) == plain_counts(store.path, fps)
    intro = dd.paragraph_fingerprint(dd.split_paragraphs(digest(0))[0])
    assert before_flush[intro] == 4
    assert before_flush[dd.paragraph_fingerprint(dd.split_paragraphs(story(3))[0])] == 0
    dedup.observe("s:9", "https://x/9", [], digest(9), None, run_id="r1")
    assert store.paragraph_counts([intro]) == {intro: 5}
    dedup.discard_run("r1")  # buffered deltas go with the run
    assert store.paragraph_counts(fps) == dict.fromkeys(fps, 0)
    assert plain_counts(store.path, fps) == dict.fromkeys(fps, 0)
    store.begin_run("r2")
    dedup.observe("s:0", "https://x/0", [], digest(0), None, run_id="r2")
    store.prepare_run("r2")  # writes them before the durable point
    assert not store._paragraph_deltas
    assert plain_counts(store.path, [intro]) == {intro: 1}


def test_minhash_row_tables_grow_and_serve_every_size() -> None:
    sketcher = StorySketcher()  # one sketcher: its repeated a/b rows grow as sizes do
    for size in (7, 300, 301, 2049, 5, 1500, 2048, 4097):
        hashes = np.random.default_rng(size + 1).integers(0, 2**32, size, dtype=np.uint32)
        sig = sketcher.minhash(hashes)
        assert sig is not None and sig.tolist() == ref_minhash(sketcher, hashes.tolist())
    assert sketcher._a_rows.shape == (2048, sketcher.num_perm)


# --- store: the lighter reads ---------------------------------------------------------------


def test_story_row_from_values_is_the_constructors_row() -> None:
    values = ("s:1", "https://x/1", "ab" * 32, 3, b"sig", 12, b"par", "d", None, "r1", "r2", True)
    made = StoryRow.from_values(values)
    names = [f.name for f in StoryRow.__dataclass_fields__.values()]
    plain = StoryRow(**dict(zip(names, values, strict=True)))
    assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain)
    with pytest.raises(AttributeError):
        made.revision = 4  # type: ignore[misc]  # still frozen
    with pytest.raises(ValueError):
        StoryRow.from_values(values[:-1])


def test_story_signature_is_get_storys_fields(store: SQLiteStore) -> None:
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    dedup.observe("s:1", "https://x/1", [], story(1), None, run_id="r1")
    dedup.observe("s:2", "https://x/2", [], story(2), None, run_id="r1")
    dedup.observe("d:1", "https://x/d1", [], light_edit(story(1), 3), None, run_id="r1")
    store.prepare_run("r1")
    store.commit_run("r1")
    store.begin_run("r2")
    dedup.observe("s:2", "https://x/2", [], story(7), None, run_id="r2")  # pending revision
    dedup.observe("s:3", "https://x/3", [], story(3), None, run_id="r2")  # pending, new

    def fields(sid: str) -> tuple[bytes, int, str | None] | None:
        row = store.get_story(sid)
        return None if row is None else (row.signature, row.shingles, row.duplicate_of)

    for sid in ("s:1", "s:2", "s:3", "d:1", "nope"):
        assert store.story_signature(sid) == fields(sid), sid  # (the row is memoised now)
        store.flush()
        assert store.story_signature(sid) == fields(sid), sid  # (and read again)
    assert store.story_signature("d:1") is not None
    assert store.story_signature("d:1")[2] == "s:1"  # type: ignore[index]
    assert store.story_signature("s:2")[0] == store.get_story("s:2").signature  # type: ignore[index,union-attr]


def test_resolve_alias_prefers_the_pending_owner(store: SQLiteStore) -> None:
    store.begin_run("r1")
    store.add_aliases("r1", "s:1", ["https://x/a", "https://x/b"])
    store.prepare_run("r1")
    store.commit_run("r1")
    store.begin_run("r2")
    store.add_aliases("r2", "s:2", ["https://x/b"])
    assert store.resolve_alias("https://x/a") == "s:1"
    assert store.resolve_alias("https://x/b") == "s:2"
    assert store.resolve_alias("https://x/c") is None
    store.discard_run("r2")
    assert store.resolve_alias("https://x/b") == "s:1"


def ref_near_duplicate(
    dedup: StoryDeduplicator, sketch: dd.Sketch, exclude: str | None
) -> tuple[str | None, float | None]:
    """The candidate loop as it was: every candidate's full row, then similarity()."""
    if sketch.signature is None or sketch.shingles < dedup.min_shingles:
        return None, None
    best: tuple[float, str] | None = None
    for cand_id in dedup.index.query(sketch.signature):
        if cand_id == exclude:
            continue
        row = dedup.store.get_story(cand_id)
        if row is None:
            continue
        root = row.duplicate_of or row.story_id
        if root == exclude:
            continue
        sim = dedup.similarity(sketch, row, at_least=dedup.threshold)
        if sim >= dedup.threshold and (best is None or (sim, root) > best):
            best = (sim, root)
    return (None, None) if best is None else (best[1], round(best[0], 4))


@pytest.mark.parametrize("seed", range(3))
def test_near_duplicate_first_test_on_the_signature_agrees(store: SQLiteStore, seed: int) -> None:
    dedup = StoryDeduplicator(store, threshold=0.5)  # (more candidates reach the full test)
    store.begin_run("r1")
    found = 0
    for sid, url, aliases, body in corpus(seed):
        d = dedup.check(sid, url, aliases, body, None)
        if d.sketch is not None:
            for exclude in (None, d.story_id):
                want = ref_near_duplicate(dedup, d.sketch, exclude)
                assert dedup._near_duplicate(d.sketch, exclude=exclude) == want
                found += want[0] is not None
        dedup.record(d, run_id="r1", url=url, aliases=aliases, body=body, date_modified=None)
    assert found


def test_resolving_many_urls_at_once_agrees_with_one_by_one(store: SQLiteStore) -> None:
    store.begin_run("r1")
    store.add_aliases("r1", "s:1", [f"https://x/{i}" for i in range(0, 300)])
    store.prepare_run("r1")
    store.commit_run("r1")
    store.begin_run("r2")
    store.add_aliases("r2", "s:2", [f"https://x/{i}" for i in range(250, 320)])  # some move
    urls = [f"https://x/{i}" for i in range(200, 650)]  # committed, moved, pending, unknown

    def one_by_one(some: list[str]) -> dict[str, str | None]:
        return {u: store.resolve_alias(u) for u in some}

    for n in (1, 2, 3, 10, len(urls)):  # (the last one takes two statements)
        store.flush()  # no memo
        assert store._resolve_aliases(urls[:n]) == one_by_one(urls[:n])
    store.add_aliases("r2", "s:3", ["https://x/900"])  # opens a batch: the memo is used
    store.resolve_alias(urls[5])
    store.resolve_alias(urls[100])
    got = store._resolve_aliases(urls)
    store.flush()
    assert got == one_by_one(urls)
    assert got["https://x/200"] == "s:1" and got["https://x/260"] == "s:2"
    assert got["https://x/600"] is None
    # recording many URLs at once moves those another story had, keeps its own
    store.add_aliases("r2", "s:1", [f"https://x/{i}" for i in range(240, 330)])
    assert set(one_by_one([f"https://x/{i}" for i in range(240, 330)]).values()) == {"s:1"}
    store.discard_run("r2")
    assert store.resolve_alias("https://x/260") == "s:1"
    assert store.resolve_alias("https://x/310") is None


def test_paragraph_fingerprint_is_the_stored_blake2b() -> None:
    import hashlib

    texts = ["", "a", "the same paragraph", "caf\u00e9 \u4e2d \U0001f600", "x" * 500, "a"]
    for text in texts:  # (the prototype copied per call keeps no state between calls)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        assert dd.paragraph_fingerprint(text) == int.from_bytes(digest, "little", signed=True)


def test_band_index_recent_entries_single_and_colliding() -> None:
    # entries since the last fold: one per band key as a bare int, several as a list
    idx = dd.BandIndex(128, 32, 4, merge_keys=1 << 20)  # (no fold during the test)
    rng = np.random.default_rng(5)
    a, b = (rng.integers(0, 1 << 16, 128, dtype=np.uint16) for _ in range(2))
    half = a.copy()
    half[64:] = b[64:]  # shares the first 16 bands with a, the last 16 with b
    idx.insert("a", a)
    assert idx.query(a) == ["a"] and idx.query(b) == []
    idx.insert("a2", a.copy())  # same keys: the int becomes a list
    idx.insert("a3", a.copy())  # and the list grows
    idx.insert("b", b)
    idx.insert("h", half)
    assert sorted(idx.query(a)) == ["a", "a2", "a3", "h"]
    assert sorted(idx.query(b)) == ["b", "h"]
    idx.remove("a2")
    assert sorted(idx.query(a)) == ["a", "a3", "h"]
    idx.merge()  # folded into the arrays: the same answers
    assert not idx._extra
    assert sorted(idx.query(a)) == ["a", "a3", "h"] and sorted(idx.query(b)) == ["b", "h"]


def _decisions_with_recorded_cap(
    path: Path, cap: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[object, ...]], int]:
    """Decisions of a workload whose near-duplicate candidates are stories of the same
    run, rewritten ones and discarded ones; and how many candidates the store was asked
    for."""
    monkeypatch.setattr(StoryDeduplicator, "RECORDED_SIGNATURES", cap)
    store = SQLiteStore(path)
    asked = 0
    story_signature = store.story_signature

    def counted(story_id: str) -> tuple[bytes, int, str | None] | None:
        nonlocal asked
        asked += 1
        return story_signature(story_id)

    monkeypatch.setattr(store, "story_signature", counted)
    dedup = StoryDeduplicator(store)
    out: list[tuple[object, ...]] = []

    def observe(run: str, sid: str, body: str) -> None:
        d = dedup.observe(sid, f"https://x/{sid}", [], body, None, run_id=run)
        out.append((sid, d.verdict, d.story_id, d.revision, d.duplicate_of, d.similarity))
        recorded_as_stored()

    def recorded_as_stored() -> None:
        for sid, (signature, shingles, duplicate_of) in dedup._recorded.items():
            blob = signature.astype("<u2").tobytes()
            assert story_signature(sid) == (blob, shingles, duplicate_of), sid

    originals = [story(i) for i in range(12)]
    store.begin_run("r1")
    for i, body in enumerate(originals):
        observe("r1", f"s:{i}", body)
    for i in range(5):  # reposts of stories of the same run
        observe("r1", f"repost:{i}", light_edit(originals[i], i))
    # s:5 rewritten into a repost of s:6: its recorded duplicate_of changes
    rewritten = light_edit(originals[6], 50)
    observe("r1", "s:5", rewritten)
    observe("r1", "repost:6", light_edit(originals[6], 60))
    observe("r1", "repost:5", light_edit(rewritten, 500, changes=1))  # closest to s:5 now
    store.prepare_run("r1")
    dedup.commit_run("r1")
    # s:11 rewritten, then the run discarded: its committed text counts again
    store.begin_run("r2")
    observe("r2", "s:11", story(111))
    dedup.discard_run("r2")
    recorded_as_stored()
    store.begin_run("r3")
    observe("r3", "repost:11", light_edit(originals[11], 110))
    observe("r3", "other:11", light_edit(story(111), 111))
    store.close()
    return out, asked


def test_recorded_signatures_decide_as_the_store_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LSH candidates recorded in this process are compared from memory, not read from
    # the store: the same decisions whether every one, a few or none are kept
    runs = {
        cap: _decisions_with_recorded_cap(tmp_path / f"cap{cap}.sqlite3", cap, monkeypatch)
        for cap in (0, 3, StoryDeduplicator.RECORDED_SIGNATURES)
    }
    decisions, asked_none = runs[0]
    assert runs[3][0] == decisions and runs[StoryDeduplicator.RECORDED_SIGNATURES][0] == decisions
    assert asked_none > runs[3][1] > runs[StoryDeduplicator.RECORDED_SIGNATURES][1]
    verdicts = {sid: (verdict, dup) for sid, verdict, _, _, dup, _ in decisions}
    assert verdicts["repost:0"] == (Verdict.NEAR_DUPLICATE, "s:0")
    assert verdicts["repost:6"] == verdicts["repost:5"] == (Verdict.NEAR_DUPLICATE, "s:6")
    # the discarded rewrite of s:11 is forgotten: a repost of its committed text matches
    assert verdicts["repost:11"] == (Verdict.NEAR_DUPLICATE, "s:11")
    assert verdicts["other:11"] == (Verdict.NEW, None)


def test_a_reload_forgets_the_recorded_signatures(tmp_path: Path) -> None:
    """After the store changes behind a running deduplicator (a rebuild from the published
    records), reload() must leave it deciding as a fresh one: the signatures it recorded
    before are not the store's any more."""

    def repost_verdict(fresh: bool, directory: Path) -> tuple[str, str | None]:
        store = SQLiteStore(directory / "stories.sqlite3")
        dedup = StoryDeduplicator(store)
        store.begin_run("r1")
        for i in range(3):
            dedup.observe(f"s:{i}", f"https://x/s{i}", [], story(i), None, run_id="r1")
        store.prepare_run("r1")
        dedup.commit_run("r1")
        # the published records say that s:0's text is story(100)
        store.rebuild_from_records(
            [
                {
                    "type": "article",
                    "story_id": f"s:{i}",
                    "url": f"https://x/s{i}",
                    "article_body": story(100 if i == 0 else i),
                }
                for i in range(3)
            ]
        )
        if fresh:
            dedup = StoryDeduplicator(store)
        else:
            dedup.reload()
        store.begin_run("r2")
        decision = dedup.observe(
            "t", "https://x/t", [], light_edit(story(100), 7), None, run_id="r2"
        )
        store.close()
        return decision.verdict.value, decision.duplicate_of

    (tmp_path / "fresh").mkdir()
    (tmp_path / "reloaded").mkdir()
    expected = repost_verdict(True, tmp_path / "fresh")
    assert expected == ("near_duplicate", "s:0")
    assert repost_verdict(False, tmp_path / "reloaded") == expected


def test_whitespace_other_than_the_space_is_never_printable() -> None:
    # what normalise's shortcut rests on, over all of Unicode
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and c != 32]
    assert spaces and not any(c.isprintable() for c in spaces)


def test_format_characters_are_never_printable_nor_ascii() -> None:
    # what lets normalise's shortcut keep them out, and its ASCII lines skip the search
    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    formats = [c for c in chars if unicodedata.category(c) == "Cf"]
    assert "\u200b" in formats and "\u00ad" in formats
    assert not any(c.isprintable() or c.isascii() for c in formats)


_TRICKY = (
    " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u2029\u3000\xa8\ufb01\u0301\xdf\u03a3"
    "\u200b\u00ad\ufeff\u200d\u2060"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\u00e9\u0416" + _TRICKY) | st.characters(), max_size=40))
def test_normalise_equals_the_plain_split_and_join(text: str) -> None:
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    assert dd.normalise(text) == " ".join(visible.split())
