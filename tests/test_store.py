"""SQLiteStore on real files: pending vs committed, crash recovery, damage, maintenance."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tcacrawler.dedup import StoryDeduplicator, content_hash
from tcacrawler.store import (
    COMMITTED,
    DISCARDED,
    PREPARED,
    RunStateError,
    SQLiteStore,
    StoreError,
    StoryRow,
    StoryStore,
    output_published,
    pack_paragraphs,
    recover_pending_runs,
)

BODY_A = (
    "The government of Kazakhstan approved a plan to modernise the power grid in the "
    "northern regions, the Ministry of Energy said on Tuesday.\n"
    "The programme will cost about 240 billion tenge and run until 2029, officials said, "
    "adding that private investors would be invited to bid for the substations."
)
BODY_B = (
    "Kyrgyzstan and Uzbekistan signed an agreement on the joint use of the Kempir-Abad "
    "reservoir during a visit of President Shavkat Mirziyoyev to Bishkek.\n"
    "Under the deal both countries will share the water in equal parts and set up a "
    "commission to monitor the dam, the presidential press service reported."
)


def row(
    story_id: str,
    body: str,
    *,
    revision: int = 1,
    url: str | None = None,
    duplicate_of: str | None = None,
    paragraphs: bytes = b"",
) -> StoryRow:
    return StoryRow(
        story_id=story_id,
        url=url or f"https://timesca.com/{story_id.split(':')[-1]}/",
        content_hash=content_hash(body),
        revision=revision,
        duplicate_of=duplicate_of,
        paragraphs=paragraphs,
    )


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's content except the runs log (which records discarded runs too)."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'runs' ORDER BY name"
            )
        ]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "stories.sqlite3"


def test_fresh_store_is_created_and_satisfies_protocol(db: Path) -> None:
    with SQLiteStore(db) as store:
        assert isinstance(store, StoryStore)
        assert store.stats()["stories"] == 0
        assert store.pending_runs() == []
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # reopening an existing store works and keeps it
    with SQLiteStore(db) as store:
        assert store.get_meta("created_at")


def test_pending_writes_visible_to_run_but_not_committed(db: Path) -> None:
    store = SQLiteStore(db)
    store.begin_run("r1", mode="latest", output="out/r1.jsonl")
    store.put_story("r1", row("timesca:1", BODY_A), aliases=["https://timesca.com/?p=1"])
    # the same run sees its own writes
    got = store.get_story("timesca:1")
    assert got is not None and got.pending and got.revision == 1
    assert store.resolve_alias("https://timesca.com/?p=1") == "timesca:1"
    assert store.find_by_content_hash(content_hash(BODY_A)) == "timesca:1"
    # another connection (e.g. a crashed process's successor) sees nothing committed
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
    conn.close()
    store.prepare_run("r1")
    # prepare_run made the pending rows durable, still pending
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM p_stories").fetchone()[0] == 1
    conn.close()
    store.commit_run("r1", counts={"new": 1}, requests=7)
    got = store.get_story("timesca:1")
    assert got is not None and not got.pending and got.first_run == "r1"
    run = store.get_run("r1")
    assert run is not None and run.status == COMMITTED and run.counts == {"new": 1}
    assert run.requests == 7
    store.commit_run("r1")  # idempotent
    store.close()


def test_discard_restores_previous_state_exactly(db: Path) -> None:
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    dedup.observe("timesca:1", "https://timesca.com/a/", [], BODY_A, "2025-01-01", run_id="r1")
    store.record_rate("r1", "timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    store.set_validators("r1", "https://timesca.com/feed/", '"e1"', "Tue, 09 Dec 2025")
    store.commit_run("r1")
    before = dump(db)

    store.begin_run("r2")
    dedup.observe(
        "timesca:1",
        "https://timesca.com/a/",
        ["https://timesca.com/old-a/"],
        BODY_A + "\nA correction was added.",
        "2025-01-02",
        run_id="r2",
    )
    dedup.observe("timesca:2", "https://timesca.com/b/", [], BODY_B, None, run_id="r2")
    store.record_rate("r2", "timesca.com", "KGS", "USD", "2025-12-10", 0.01145)
    store.set_validators("r2", "https://timesca.com/feed/", '"e2"', "Wed, 10 Dec 2025")
    assert store.get_story("timesca:1").revision == 2  # type: ignore[union-attr]
    assert store.get_validators("https://timesca.com/feed/") == ('"e2"', "Wed, 10 Dec 2025")
    store.flush()  # let the other connection of dump() see the pending rows
    assert dump(db) != before
    dedup.discard_run("r2")
    assert dump(db) == before
    assert store.get_run("r2").status == DISCARDED  # type: ignore[union-attr]
    assert store.get_story("timesca:1").revision == 1  # type: ignore[union-attr]
    assert store.get_story("timesca:2") is None
    assert store.get_validators("https://timesca.com/feed/") == ('"e1"', "Tue, 09 Dec 2025")
    assert "timesca:2" not in dedup.index
    # the discarded run's work is redone identically by the next run
    store.begin_run("r3")
    d = dedup.check("timesca:2", "https://timesca.com/b/", [], BODY_B, None)
    assert d.verdict.value == "new"
    store.close()


CRASHING_RUN = """
import os, sys
from tcacrawler.store import SQLiteStore, StoryRow
store = SQLiteStore(sys.argv[1])
store.begin_run("run-1", output=sys.argv[2])
for i in range(300):  # more than one batch of pending writes
    store.put_story("run-1", StoryRow(story_id=f"timesca:{i}", url=f"https://timesca.com/{i}/",
                    content_hash="ab" * 32, revision=1))
if sys.argv[3] == "publish":
    store.prepare_run("run-1")
    with open(sys.argv[2], "w") as fh:
        fh.write("{}\\n")
os._exit(9)  # crash: no commit, no close, no cleanup
"""


def crash(db: Path, out: Path, publish: bool) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_RUN, str(db), str(out), "publish" if publish else "-"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 9, proc.stderr


def test_crash_before_publication_is_discarded(db: Path, tmp_path: Path) -> None:
    SQLiteStore(db).close()
    before = dump(db)
    out = tmp_path / "out" / "run-1.jsonl"
    crash(db, out, publish=False)
    store = SQLiteStore(db)
    assert [(r.run_id, r.status) for r in store.pending_runs()] == [("run-1", "running")]
    with pytest.raises(RunStateError):
        store.begin_run("run-2")
    assert recover_pending_runs(store, output_published) == [("run-1", DISCARDED)]
    assert store.get_story("timesca:1") is None
    assert dump(db) == before
    store.begin_run("run-2")
    store.close()


def test_crash_after_publication_is_committed(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "run-1.jsonl"
    crash(db, out, publish=True)
    assert out.exists()
    store = SQLiteStore(db)
    [run] = store.pending_runs()
    assert run.status == PREPARED and run.output == str(out)
    assert recover_pending_runs(store, output_published) == [("run-1", COMMITTED)]
    assert store.stats()["stories"] == 300
    assert store.get_story("timesca:299") is not None
    assert store.pending_runs() == []
    store.close()


def test_prepared_but_unpublished_is_discarded(db: Path, tmp_path: Path) -> None:
    store = SQLiteStore(db)
    store.begin_run("run-1", output=str(tmp_path / "never-written.jsonl"))
    store.put_story("run-1", row("timesca:1", BODY_A))
    store.prepare_run("run-1")
    with pytest.raises(RunStateError):  # a prepared run accepts no more writes
        store.put_story("run-1", row("timesca:2", BODY_B))
    assert recover_pending_runs(store, output_published) == [("run-1", DISCARDED)]
    assert store.get_story("timesca:1") is None
    with pytest.raises(RunStateError):
        store.commit_run("run-1")
    store.close()


def test_writes_need_an_open_run(db: Path) -> None:
    store = SQLiteStore(db)
    with pytest.raises(RunStateError):
        store.put_story("nope", row("timesca:1", BODY_A))
    store.begin_run("r1")
    with pytest.raises(RunStateError):
        store.begin_run("r1")
    store.commit_run("r1")
    with pytest.raises(RunStateError):
        store.record_rate("r1", "s", "KGS", "USD", None, 1.0)
    store.close()


@pytest.mark.parametrize("where", ["header", "middle", "empty"])
def test_damaged_file_is_refused(db: Path, where: str) -> None:
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    for i in range(60):
        dedup.observe(
            f"timesca:{i}",
            f"https://timesca.com/s{i}/",
            [],
            f"{BODY_A} story number {i} " * 5,
            None,
            run_id="r1",
        )
    store.commit_run("r1")
    store.close()
    Path(f"{db}-wal").unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    # a page in use: the root of the stories table (freelist pages hold no data)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'stories'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    if where == "header":
        data[0:100] = b"\xde\xad\xbe\xef" * 25
    elif where == "middle":
        start = (root - 1) * page_size
        data[start : start + page_size] = b"garbage!" * (page_size // 8)
    else:
        data = bytearray()
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        SQLiteStore(db)
    # refused, not recreated: the damaged file is still there, untouched
    assert db.read_bytes() == bytes(data)


def test_foreign_sqlite_file_is_refused(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE something (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a tcacrawler"):
        SQLiteStore(db)


def test_rates_seen(db: Path) -> None:
    store = SQLiteStore(db)
    store.begin_run("r1")
    assert not store.rate_seen("timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    store.record_rate("r1", "timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    assert store.rate_seen("timesca.com", "KGS", "USD", "2025-12-09", 0.01144)  # pending
    store.commit_run("r1")
    assert store.rate_seen("timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    assert not store.rate_seen("timesca.com", "KGS", "USD", "2025-12-10", 0.01144)
    assert not store.rate_seen("timesca.com", "KGS", "USD", "2025-12-09", 0.01145)
    assert not store.rate_seen("timesca.com", "KZT", "USD", "2025-12-09", 0.01144)
    store.close()


def test_validators(db: Path) -> None:
    store = SQLiteStore(db)
    feed = "https://timesca.com/feed/"
    assert store.get_validators(feed) is None
    store.begin_run("r1")
    store.set_validators("r1", feed, '"abc"', None)
    store.commit_run("r1")
    assert store.get_validators(feed) == ('"abc"', None)
    store.begin_run("r2")
    store.set_validators("r2", feed, None, "Tue, 09 Dec 2025 10:00:00 GMT")
    store.commit_run("r2")
    assert store.get_validators(feed) == (None, "Tue, 09 Dec 2025 10:00:00 GMT")
    store.close()


def test_forget_story_and_forget_all(db: Path) -> None:
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    store.begin_run("r1")
    dedup.observe(
        "timesca:1",
        "https://timesca.com/a/",
        ["https://timesca.com/a-old/"],
        BODY_A,
        None,
        run_id="r1",
    )
    dedup.observe("timesca:2", "https://timesca.com/b/", [], BODY_B, None, run_id="r1")
    store.record_rate("r1", "timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    store.commit_run("r1")
    paragraphs_before = store.stats()["paragraphs"]
    assert store.forget_story("timesca:1")
    assert not store.forget_story("timesca:1")
    assert store.get_story("timesca:1") is None
    assert store.resolve_alias("https://timesca.com/a-old/") is None
    assert store.story_history("timesca:1") is None
    assert store.stats()["paragraphs"] == paragraphs_before - 2
    dedup.reload()
    store.begin_run("r2")
    d = dedup.check("timesca:1", "https://timesca.com/a/", [], BODY_A, None)
    assert d.verdict.value == "new"
    store.discard_run("r2")
    store.forget_all()
    s = store.stats()
    assert (s["stories"], s["aliases"], s["paragraphs"], s["rates"]) == (0, 0, 0, 0)
    assert s["runs"] == 2  # the log is kept
    store.close()


def test_maintenance_refused_while_a_run_is_pending(db: Path) -> None:
    store = SQLiteStore(db)
    store.begin_run("r1")
    with pytest.raises(RunStateError):
        store.forget_all()
    with pytest.raises(RunStateError):
        store.forget_story("timesca:1")
    with pytest.raises(RunStateError):
        store.rebuild_from_records([])
    store.close()


def test_stats_and_history(db: Path) -> None:
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    store.begin_run("r1", mode="full")
    dedup.observe("timesca:1", "https://timesca.com/a/", [], BODY_A, "2025-01-01", run_id="r1")
    store.commit_run("r1", counts={"new": 1})
    store.begin_run("r2", mode="latest")
    dedup.observe(
        "timesca:1",
        "https://www.timesca.com/a/",
        [],
        BODY_A + "\nUpdated.",
        "2025-01-02",
        run_id="r2",
    )
    hist = store.story_history("timesca:1")
    assert hist is not None
    assert [(r["revision"], r["pending"]) for r in hist["revisions"]] == [(1, False), (2, True)]
    store.commit_run("r2", counts={"revision": 1})
    hist = store.story_history("timesca:1")
    assert hist is not None
    assert hist["story"]["revision"] == 2
    assert hist["story"]["first_run"] == "r1" and hist["story"]["last_run"] == "r2"
    assert hist["aliases"] == ["https://timesca.com/a/", "https://www.timesca.com/a/"]
    assert [r["run_id"] for r in hist["revisions"]] == ["r1", "r2"]
    assert [r["verdict"] for r in hist["revisions"]] == ["new", "revision"]
    s = store.stats()
    assert s["stories"] == 1 and s["revisions"] == 2 and s["runs"] == 2
    assert [r["run_id"] for r in s["last_runs"]] == ["r2", "r1"]
    assert s["last_runs"][0]["counts"] == {"revision": 1}
    assert s["bytes"] > 0
    store.close()


def test_rebuild_from_records(db: Path, tmp_path: Path) -> None:
    store = SQLiteStore(db)
    dedup = StoryDeduplicator(store)
    records: list[dict[str, object]] = []
    store.begin_run("r1")
    for sid, url, aliases, body in [
        ("timesca:1", "https://timesca.com/a/", ["https://timesca.com/index.php/news/1-a"], BODY_A),
        ("timesca:2", "https://timesca.com/b/", [], BODY_B),
        ("timesca:3", "https://timesca.com/b-again/", [], BODY_B),
        ("timesca:1", "https://timesca.com/a/", [], BODY_A + "\nThis story was updated."),
    ]:
        d = dedup.observe(sid, url, aliases, body, None, run_id="r1")
        if d.exported:
            records.append(
                {
                    "type": "article",
                    "story_id": d.story_id,
                    "url": url,
                    "aliases": aliases,
                    "article_body": body,
                    "revision": d.revision,
                    "duplicate_of": d.duplicate_of,
                    "content_hash": d.content_hash,
                    "date_modified": None,
                }
            )
    store.record_rate("r1", "timesca.com", "KGS", "USD", "2025-12-09", 0.01144)
    records.append(
        {
            "type": "rate",
            "site": "timesca.com",
            "base": "KGS",
            "quote": "USD",
            "as_of": "2025-12-09",
            "rate": 0.01144,
            "change_pct": 0.0,
        }
    )
    store.commit_run("r1")
    expected = dump(db)

    other = SQLiteStore(tmp_path / "rebuilt.sqlite3")
    counts = other.rebuild_from_records(records)
    assert counts["articles"] == 4 and counts["stories"] == 3 and counts["rates"] == 1
    rebuilt = dump(tmp_path / "rebuilt.sqlite3")
    # same content, except the run numbers (the rebuild is a run of its own)
    keep = {"stories": slice(0, -2), "rates": slice(0, -1)}
    for table in ("stories", "aliases", "paragraphs", "rates"):
        cut = keep.get(table, slice(None))
        assert [r[cut] for r in rebuilt[table]] == [r[cut] for r in expected[table]], table
    assert other.story_history("timesca:1")["story"]["revision"] == 2  # type: ignore[index]
    assert other.get_story("timesca:3").duplicate_of == "timesca:2"  # type: ignore[union-attr]
    # a deduplicator on the rebuilt store knows everything
    d2 = StoryDeduplicator(other)
    other.begin_run("r2")
    assert d2.check("timesca:2", "https://timesca.com/b/", [], BODY_B, None).verdict.value == (
        "unchanged"
    )
    store.close()
    other.close()


def test_pages_of_merged_or_dropped_pending_rows_are_given_back(db: Path) -> None:
    store = SQLiteStore(db)
    for run_id, finish in (("r1", store.commit_run), ("r2", store.discard_run)):
        store.begin_run(run_id)
        for i in range(400):
            store.put_story(run_id, row(f"timesca:{run_id}-{i}", f"{BODY_A} {run_id} {i}"))
        finish(run_id)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        conn.close()
    store.close()


def test_reads_memoised_in_a_batch_follow_the_writes(db: Path) -> None:
    store = SQLiteStore(db)
    store.begin_run("r1")
    store.put_story("r1", row("timesca:1", BODY_A))  # opens the batch transaction
    # read, write, read again: the second read must see the write
    assert store.get_story("timesca:2") is None
    assert store.resolve_alias("https://timesca.com/?p=2") is None
    store.put_story("r1", row("timesca:2", BODY_B), aliases=["https://timesca.com/?p=2"])
    written = store.get_story("timesca:2")
    assert written is not None and written.pending and written.url == "https://timesca.com/2/"
    assert store.resolve_alias("https://timesca.com/?p=2") == "timesca:2"
    store.add_aliases("r1", "timesca:1", ["https://timesca.com/?p=2"])
    assert store.resolve_alias("https://timesca.com/?p=2") == "timesca:1"
    assert store.get_story("timesca:1") is not None  # (read: remembered)
    store.touch_story("r1", "timesca:1", date_modified="2025-12-01T10:00:00+00:00")
    touched = store.get_story("timesca:1")
    assert touched is not None and touched.date_modified == "2025-12-01T10:00:00+00:00"
    store.discard_run("r1")
    assert store.get_story("timesca:1") is None
    assert store.resolve_alias("https://timesca.com/?p=2") is None
    store.close()


def test_probe_with_many_urls_defers_to_the_lookups(tmp_path: Path) -> None:
    """SQLite bounds an expression's depth: a story with hundreds of aliases must not
    break the new-story probe (it answers "maybe known")."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    urls = [f"https://timesca.com/news/{i}/" for i in range(600)]
    assert store.probe_new_story("timesca:1", urls, "ab" * 32) is False
    assert store.probe_new_story("timesca:1", urls[:5], "ab" * 32) is True
    store.close()


def test_a_failed_batch_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.begin_run("r1")
    store.put_story("r1", row("timesca:1", BODY_A, paragraphs=pack_paragraphs((11, 12), (3, 4))))

    def full_disk(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    store._write_paragraph_deltas = full_disk  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="must be discarded"):
        store.flush()
    assert not store._conn.in_transaction
    del store._write_paragraph_deltas
    store.discard_run("r1")  # the run can still be discarded ...
    assert store.get_story("timesca:1") is None
    store.begin_run("r2")  # ... and the next one begun
    store.close()
