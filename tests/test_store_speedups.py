"""The SQLite store's speed-ups, each against what it must not change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import tcacrawler.store as store_module
from tcacrawler.dedup import content_hash
from tcacrawler.store import (
    RunStateError,
    SQLiteStore,
    StoreError,
    StoryRow,
    _paragraph_fingerprints,
    pack_paragraphs,
    unpack_paragraphs,
)


def story(story_id: str, text: str, **fields: object) -> StoryRow:
    values: dict[str, object] = {
        "story_id": story_id,
        "url": f"https://timesca.com/{story_id}/",
        "content_hash": content_hash(text),
        "revision": 1,
    }
    values.update(fields)
    return StoryRow(**values)  # type: ignore[arg-type]


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_blobs_bound_as_bytearrays_are_stored_and_read_as_blobs(tmp_path: Path) -> None:
    """Hashes, signatures and paragraph blobs are bound as bytearrays: they must land as
    BLOBs (an empty one as x'', never NULL or text) and read back as bytes."""
    db = tmp_path / "s.sqlite3"
    store = SQLiteStore(db)
    store.begin_run("r1")
    full = story(
        "a", "text a", signature=b"\x01\x02" * 128, shingles=7, paragraphs=pack_paragraphs([5], [7])
    )
    empty = story("b", "text b")  # no signature, no paragraphs
    store.put_story("r1", full)
    store.put_story("r1", empty)
    assert store.find_by_content_hash(full.content_hash) == "a"
    assert not store.probe_new_story("c", [], empty.content_hash)
    store.prepare_run("r1")
    store.commit_run("r1")
    for table in ("stories", "revisions"):
        assert rows(db, f"SELECT DISTINCT typeof(content_hash) FROM {table}") == [("blob",)]
    assert rows(
        db,
        "SELECT story_id, typeof(signature), length(signature), typeof(paragraphs), "
        "length(paragraphs) FROM stories ORDER BY story_id",
    ) == [("a", "blob", 256, "blob", 10), ("b", "blob", 0, "blob", 0)]
    got = store.get_story("a")
    assert got is not None
    assert type(got.signature) is bytes and got.signature == full.signature
    assert type(got.paragraphs) is bytes and got.paragraphs == full.paragraphs
    assert got.content_hash == full.content_hash
    assert list(store.iter_signatures()) == [("a", full.signature)]
    assert store.find_by_content_hash(empty.content_hash) == "b"
    store.close()


def test_a_failed_put_story_leaves_none_of_its_writes(tmp_path: Path) -> None:
    """put_story's statements run in one savepoint (a plain call, not a context
    manager): a failure in a later statement undoes the earlier ones, and the batch goes
    on."""
    db = tmp_path / "s.sqlite3"
    store = SQLiteStore(db)
    store.begin_run("r1")
    store.put_story("r1", story("a", "text a"))
    bad_verdict: str = object()  # type: ignore[assignment]
    with pytest.raises(sqlite3.Error):  # (p_stories is written before p_revisions fails)
        store.put_story("r1", story("b", "text b"), verdict=bad_verdict)
    assert store.get_story("b") is None
    with pytest.raises(RunStateError):
        store.put_story("no-such-run", story("c", "text c"))
    with pytest.raises(RunStateError):
        store.touch_story("no-such-run", "a", date_modified="2025-01-01")
    with pytest.raises(RunStateError):
        store.add_aliases("no-such-run", "a", ["https://timesca.com/?p=1"])
    store.put_story("r1", story("d", "text d"), aliases=["https://timesca.com/?p=4"])
    store.prepare_run("r1")
    store.commit_run("r1")
    assert rows(db, "SELECT story_id FROM stories ORDER BY story_id") == [("a",), ("d",)]
    assert rows(db, "SELECT story_id FROM revisions ORDER BY story_id") == [("a",), ("d",)]
    assert rows(db, "SELECT url FROM aliases ORDER BY url") == [
        ("https://timesca.com/?p=4",),
        ("https://timesca.com/a/",),
        ("https://timesca.com/d/",),
    ]
    store.close()


@pytest.mark.parametrize("batch_size", [1, 3, 256])
def test_buffered_paragraph_deltas_add_up_whatever_the_batch(
    tmp_path: Path, batch_size: int
) -> None:
    """New stories, revisions that drop and add paragraphs, a story turned duplicate:
    the buffered deltas (summed per fingerprint, written sorted at the batch's commit)
    must give the counts that the paragraphs themselves say."""
    store = SQLiteStore(tmp_path / "s.sqlite3", batch_size=batch_size)
    store.begin_run("r1")
    # (fingerprints of both signs, one past 2**62, spread over many B-tree pages)
    fps = [(-1) ** i * (i * 7_919_000_003 + 2**62 * (i % 2)) for i in range(40)]

    def put(story_id: str, paragraphs: list[int], revision: int, **fields: object) -> None:
        blob = pack_paragraphs(paragraphs, [3] * len(paragraphs))
        text = f"{story_id} {revision}"
        store.put_story("r1", story(story_id, text, paragraphs=blob, revision=revision, **fields))

    put("a", fps[:20], 1)
    put("b", fps[10:30], 1)
    put("a", fps[5:25], 2)  # drops 0-4, adds 20-24
    put("c", fps[:40], 1)
    put("c", fps[:40], 2, duplicate_of="a")  # a duplicate contributes nothing
    put("d", [fps[39]], 1)
    expected = {fp: 0 for fp in fps}
    for paragraphs in (fps[5:25], fps[10:30], [fps[39]]):
        for fp in paragraphs:
            expected[fp] += 1
    assert store.paragraph_counts(fps) == expected
    store.flush()
    assert store.paragraph_counts(fps) == expected
    store.prepare_run("r1")
    store.commit_run("r1")
    assert store.paragraph_counts(fps) == expected
    stored = dict(rows(store.path, "SELECT fp, stories FROM paragraphs"))  # type: ignore[arg-type]
    assert stored == {fp: n for fp, n in expected.items() if n}
    store.close()


@pytest.mark.parametrize("n", [0, 1, 2, 17])
def test_paragraph_fingerprints_are_the_unpacked_ones(n: int) -> None:
    blob = pack_paragraphs([i * -(10**15) + 3 for i in range(n)], [i % 5 for i in range(n)])
    assert _paragraph_fingerprints(blob) == unpack_paragraphs(blob)[0]
    with pytest.raises(StoreError, match="malformed"):
        _paragraph_fingerprints(blob + b"\x00")


@pytest.mark.parametrize("n", [1, 15, 16, 17, 63, 64, 255, 256, 257, 300, 1000])
def test_paragraph_deltas_written_in_chunks_of_few_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    """A batch's deltas go in as INSERTs of 256, 64 and 16 rows and one of the rest (so
    that few statements are ever prepared): every row must land once, whatever the
    count."""
    sizes: list[int] = []
    sql_of = store_module._pending_paragraphs_sql

    def recording_sql(size: int) -> str:
        sizes.append(size)
        return sql_of(size)

    monkeypatch.setattr(store_module, "_pending_paragraphs_sql", recording_sql)
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.begin_run("r1")
    fps = [i * 1_000_003 - 500_000_000 for i in range(n)]
    store._write_paragraph_deltas(store._conn, [(fp, 1 + fp % 3, 1) for fp in fps])
    store._write_paragraph_deltas(store._conn, [(fp, 1, 1) for fp in fps[::2]])  # (adds up)
    expected = {fp: 1 + fp % 3 + (1 if i % 2 == 0 else 0) for i, fp in enumerate(fps)}
    assert dict(store._conn.execute("SELECT fp, delta FROM p_paragraphs")) == expected
    assert sum(sizes) == n + len(fps[::2])
    assert set(sizes) <= {256, 64, 16, *range(1, 16)}
    assert sum(1 for size in sizes if size < 16) <= 2  # (one remainder a call at most)
    store.discard_run("r1")
    store.close()
