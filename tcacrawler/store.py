"""Persistent story state: what has been published, under which URLs, at which revision.

The store is the crawler's memory between hourly runs. It is deliberately *not* the
source of truth: the published JSONL files are (:meth:`SQLiteStore.rebuild_from_records`
rebuilds the store from them). Its job is to make each story come out once, and again
only when it really changed, even across crashes.

Exactly-once across crashes
---------------------------
A story may be marked *seen* only once its record is durably in a published output file.
Every write made during a run therefore goes to *pending* tables (``p_*``), tagged with the
run. Lookups read pending rows first, then committed rows, so a run sees its own writes
(a story met twice in one run is exported once). The committed tables are never touched
while a run is open. The run protocol, driven by the pipelines / crawl command::

    store = SQLiteStore(state_dir / "stories.sqlite3")  # StoreError: stop, never recreate
    recover_pending_runs(store, output_published)       # see below
    dedup = StoryDeduplicator(store)                     # builds the LSH index
    store.begin_run(run_id, mode=..., output=final_path)   # refuses if a run is pending
    for each article item:                               # (pending writes from here on)
        d = dedup.check(item.story_id, item.url, item.aliases, item.article_body,
                        item.date_modified)
        dedup.record(d, run_id=run_id, url=..., aliases=..., body=..., date_modified=...)
        if not d.export(duplicate_mode): drop the item        # "mark" or "drop"
        else: item.story_id, item.revision, item.duplicate_of, item.content_hash = (
                  d.story_id, d.revision, d.duplicate_of, d.content_hash)
    for each rate: drop if store.rate_seen(...), else store.record_rate(run_id, ...)
    for each feed/sitemap: store.get_validators(url) / store.set_validators(run_id, ...)
    write the output to a temp file, fsync it
    store.prepare_run(run_id)        # durable point: every pending write is on disk
    os.replace(temp, final_path); fsync(dir)                # publish
    store.commit_run(run_id, counts=..., requests=...)  # one transaction: pending -> committed
    (on failure: store.discard_run(run_id), or leave it to the next start-up)

and at start-up, before ``begin_run``, :func:`recover_pending_runs` (or the caller by hand)
resolves every run left pending by a crash: a run whose output was published (status
``prepared`` and the file exists) is committed, anything else is discarded. Discarding
deletes the run's pending rows, so the committed state is exactly what it was before the
run (the run stays in the ``runs`` log with status ``discarded``).

Durability: the database runs in WAL mode with ``synchronous=NORMAL`` for the many small
pending writes (no fsync per story; in WAL mode NORMAL never corrupts the database, it can
only lose the most recent transactions on power loss / OS crash, which for pending writes
of an unpublished run is harmless). The transactions that *matter* -- ``prepare_run``,
``commit_run``, ``discard_run``, forget, rebuild -- are run with ``synchronous=FULL``,
which fsyncs the WAL; the WAL is append-only, so that fsync also makes every earlier
pending write durable. That is why ``prepare_run`` comes before the output file is
renamed into place: a power cut after publication can no longer lose pending rows that the
published file depends on.

The store also answers the spider's ``KnownStories`` protocol (:meth:`known_lastmod`), so
that "latest" runs skip articles whose sitemap ``lastmod`` has not moved.

Only one run may be pending at a time (``begin_run`` refuses otherwise); the caller must
also make sure that only one crawler process uses a store at a time (a lock file), since a
second process would see the first one's open run as "pending".

Space: about 1 KB per story on disk (``benchmarks/bench_dedup.py``): the MinHash
signature is a b-bit (16-bit) array, 256 bytes at 128 permutations; content hashes are
32-byte blobs, paragraph fingerprints 8-byte integers, runs small integers; incremental
auto-vacuum returns the pages of emptied pending tables.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tcacrawler.dedup import StorySketcher

SCHEMA_VERSION = 1
APPLICATION_ID = 0x54434131  # "TCA1", PRAGMA application_id marks the file as ours

RUNNING = "running"
PREPARED = "prepared"
COMMITTED = "committed"
DISCARDED = "discarded"
PENDING_STATUSES = (RUNNING, PREPARED)


class StoreError(Exception):
    """The store cannot be used: damaged, unreadable, foreign or newer database."""


class RunStateError(StoreError):
    """A run operation that the run's state does not allow (unknown run, pending run...)."""


@dataclass(frozen=True)
class StoryRow:
    """The current state of one story (pending state if the open run changed it)."""

    story_id: str
    url: str
    content_hash: str  # sha256 hex of the normalised body
    revision: int
    signature: bytes = b""  # MinHash of the story-specific shingles, uint32 little-endian
    shingles: int = 0  # number of distinct story-specific shingles in the signature
    paragraphs: bytes = b""  # pack_paragraphs(): fingerprints + per-paragraph shingle counts
    date_modified: str | None = None
    duplicate_of: str | None = None
    first_run: str | None = None
    last_run: str | None = None
    pending: bool = False

    @classmethod
    def from_values(cls, values: Iterable[Any]) -> StoryRow:
        """A row from all its field values in declaration order, unchecked. The frozen
        dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
        costs more than the SQL that read the row; filling ``__dict__`` at once does not."""
        row = object.__new__(cls)
        row.__dict__.update(zip(_STORY_ROW_FIELDS, values, strict=True))
        return row


_STORY_ROW_FIELDS = tuple(f.name for f in fields(StoryRow))


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    status: str
    started_at: str
    finished_at: str | None = None
    mode: str | None = None
    output: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    requests: int | None = None


@runtime_checkable
class StoryStore(Protocol):
    """What the deduplicator and the pipelines need from a store.

    Every ``run_id``-taking write is pending until :meth:`commit_run`; every read sees
    pending writes. A server-backed implementation must keep those semantics.
    """

    # runs
    def begin_run(
        self,
        run_id: str,
        *,
        mode: str | None = None,
        output: str | None = None,
        started_at: str | None = None,
    ) -> None: ...
    def prepare_run(self, run_id: str, *, output: str | None = None) -> None: ...
    def commit_run(
        self,
        run_id: str,
        *,
        counts: Mapping[str, Any] | None = None,
        requests: int | None = None,
        finished_at: str | None = None,
    ) -> None: ...
    def discard_run(
        self,
        run_id: str,
        *,
        counts: Mapping[str, Any] | None = None,
        requests: int | None = None,
        finished_at: str | None = None,
    ) -> None: ...
    def pending_runs(self) -> list[RunInfo]: ...
    def get_run(self, run_id: str) -> RunInfo | None: ...

    # stories (reads)
    def get_story(self, story_id: str) -> StoryRow | None: ...
    def resolve_alias(self, url: str) -> str | None: ...
    def find_by_content_hash(self, content_hash: str) -> str | None: ...
    def paragraph_counts(self, fingerprints: Iterable[int]) -> dict[int, int]: ...
    def probe_new_story(self, story_id: str, urls: Sequence[str], content_hash: str) -> bool: ...
    def story_signature(self, story_id: str) -> tuple[bytes, int, str | None] | None: ...
    def iter_signatures(self) -> Iterator[tuple[str, bytes]]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...

    # stories (pending writes)
    def put_story(
        self, run_id: str, row: StoryRow, *, aliases: Iterable[str] = (), verdict: str = ""
    ) -> None: ...
    def add_aliases(self, run_id: str, story_id: str, urls: Iterable[str]) -> None: ...
    def touch_story(self, run_id: str, story_id: str, *, date_modified: str | None) -> None: ...
    def known_lastmod(self, url: str) -> str | None: ...
    def settled(self, url: str) -> bool: ...

    # rates and HTTP validators
    def rate_seen(
        self, site: str, base: str, quote: str, as_of: str | None, rate: float
    ) -> bool: ...
    def record_rate(
        self, run_id: str, site: str, base: str, quote: str, as_of: str | None, rate: float
    ) -> None: ...
    def get_validators(self, url: str) -> tuple[str | None, str | None] | None: ...
    def set_validators(
        self, run_id: str, url: str, etag: str | None, last_modified: str | None
    ) -> None: ...

    # maintenance
    def forget_story(self, story_id: str) -> bool: ...
    def forget_all(self) -> None: ...
    def rebuild_from_records(self, records: Iterable[Mapping[str, Any]]) -> dict[str, int]: ...
    def stats(self) -> dict[str, Any]: ...
    def story_history(self, story_id: str) -> dict[str, Any] | None: ...
    def close(self) -> None: ...


# --- packing helpers -------------------------------------------------------------------


def pack_paragraphs(fingerprints: Sequence[int], shingle_counts: Sequence[int]) -> bytes:
    """n signed 64-bit fingerprints, then n unsigned 16-bit shingle counts (0 = the
    paragraph was excluded from the signature as shared text)."""
    if len(fingerprints) != len(shingle_counts):
        raise ValueError("fingerprints and shingle_counts differ in length")
    n = len(fingerprints)
    # (not min/max: in Python 3.11 those builtins parse keyword arguments on every call,
    # ~1,400 instructions each, and this runs for every paragraph of every story)
    counts = [0 if c < 0 else c if c <= 0xFFFF else 0xFFFF for c in map(int, shingle_counts)]
    return struct.pack(f"<{n}q{n}H", *fingerprints, *counts)


def _paragraph_count(blob: bytes) -> int:
    n = len(blob) // 10  # an 8-byte fingerprint and a 2-byte shingle count each
    if n * 10 != len(blob):
        raise StoreError("malformed paragraph blob")
    return n


def unpack_paragraphs(blob: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    n = _paragraph_count(blob)
    values = struct.unpack(f"<{n}q{n}H", blob)
    return values[:n], values[n:]


def _paragraph_fingerprints(blob: bytes) -> tuple[int, ...]:
    """``unpack_paragraphs(blob)[0]`` without unpacking the shingle counts."""
    return struct.unpack_from(f"<{_paragraph_count(blob)}q", blob)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- schema ----------------------------------------------------------------------------

_STORY_COLUMNS = """
    story_id TEXT NOT NULL,
    url TEXT NOT NULL,
    content_hash BLOB NOT NULL,
    signature BLOB NOT NULL DEFAULT x'',
    shingles INTEGER NOT NULL DEFAULT 0,
    paragraphs BLOB NOT NULL DEFAULT x'',
    revision INTEGER NOT NULL,
    date_modified TEXT,
    duplicate_of TEXT,
    first_run INTEGER,
    last_run INTEGER
"""

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs (
    run_no INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    mode TEXT,
    output TEXT,
    counts TEXT,
    requests INTEGER
);
CREATE TABLE stories ({_STORY_COLUMNS});
CREATE UNIQUE INDEX stories_id ON stories (story_id);
CREATE INDEX stories_hash ON stories (content_hash) WHERE duplicate_of IS NULL;
CREATE TABLE aliases (url TEXT PRIMARY KEY, story_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE revisions (
    story_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    content_hash BLOB NOT NULL,
    date_modified TEXT,
    verdict TEXT,
    run_no INTEGER,
    PRIMARY KEY (story_id, revision)
) WITHOUT ROWID;
CREATE TABLE paragraphs (fp INTEGER PRIMARY KEY, stories INTEGER NOT NULL);
CREATE TABLE rates (
    site TEXT NOT NULL, base TEXT NOT NULL, quote TEXT NOT NULL, as_of TEXT NOT NULL,
    rate REAL NOT NULL, run_no INTEGER,
    PRIMARY KEY (site, base, quote, as_of, rate)
) WITHOUT ROWID;
CREATE TABLE validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, run_no INTEGER
) WITHOUT ROWID;

CREATE TABLE p_stories ({_STORY_COLUMNS}, run_no INTEGER NOT NULL, PRIMARY KEY (story_id));
CREATE INDEX p_stories_hash ON p_stories (content_hash);
CREATE TABLE p_aliases (
    url TEXT PRIMARY KEY, story_id TEXT NOT NULL, run_no INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE p_revisions (
    story_id TEXT NOT NULL, revision INTEGER NOT NULL, content_hash BLOB NOT NULL,
    date_modified TEXT, verdict TEXT, run_no INTEGER NOT NULL,
    PRIMARY KEY (story_id, revision)
) WITHOUT ROWID;
CREATE TABLE p_paragraphs (fp INTEGER PRIMARY KEY, delta INTEGER NOT NULL, run_no INTEGER NOT NULL);
CREATE TABLE p_rates (
    site TEXT NOT NULL, base TEXT NOT NULL, quote TEXT NOT NULL, as_of TEXT NOT NULL,
    rate REAL NOT NULL, run_no INTEGER NOT NULL,
    PRIMARY KEY (site, base, quote, as_of, rate)
) WITHOUT ROWID;
CREATE TABLE p_validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, run_no INTEGER NOT NULL
) WITHOUT ROWID;
"""

_STATE_TABLES = ("stories", "aliases", "revisions", "paragraphs", "rates", "validators")
_PENDING_TABLES = tuple(f"p_{t}" for t in _STATE_TABLES)
_REQUIRED_TABLES = {"meta", "runs", *_STATE_TABLES, *_PENDING_TABLES}

_STORY_FIELDS = (
    "story_id, url, content_hash, signature, shingles, paragraphs, revision, "
    "date_modified, duplicate_of, first_run, last_run"
)
_STORY_COLUMNS_OF_S = (
    "s.story_id, s.url, s.content_hash, s.signature, s.shingles, s.paragraphs, "
    "s.revision, s.date_modified, s.duplicate_of, "
    "(SELECT run_id FROM runs WHERE run_no = s.first_run), "
    "(SELECT run_id FROM runs WHERE run_no = s.last_run), s.first_run"
)
# a story: its pending row, else its committed row, in one statement without the sort
# that "UNION ... ORDER BY pending LIMIT 1" costs
_SELECT_STORY = (
    f"SELECT {_STORY_COLUMNS_OF_S}, 1 FROM p_stories s WHERE s.story_id = ?1 UNION ALL "
    f"SELECT {_STORY_COLUMNS_OF_S}, 0 FROM stories s WHERE s.story_id = ?1 "
    "AND NOT EXISTS (SELECT 1 FROM p_stories p WHERE p.story_id = ?1)"
)
# what an LSH candidate's first test needs (most candidates fail it): no run ids, no blobs
# but the signature
_SELECT_SIGNATURE = (
    "SELECT signature, shingles, duplicate_of FROM p_stories WHERE story_id = ?1 UNION ALL "
    "SELECT signature, shingles, duplicate_of FROM stories WHERE story_id = ?1 "
    "AND NOT EXISTS (SELECT 1 FROM p_stories p WHERE p.story_id = ?1)"
)
_SELECT_COMMITTED_STORY = f"SELECT {_STORY_COLUMNS_OF_S}, 0 FROM stories s WHERE s.story_id = ?"
# the pending alias, else the committed one (no sort, unlike "ORDER BY pending LIMIT 1")
_RESOLVE_ALIAS = (
    "SELECT story_id FROM p_aliases WHERE url = ?1 UNION ALL "
    "SELECT story_id FROM aliases WHERE url = ?1 "
    "AND NOT EXISTS (SELECT 1 FROM p_aliases p WHERE p.url = ?1)"
)


@functools.lru_cache(maxsize=64)
def _paragraph_counts_sql(n: int) -> str:
    """Counts of n fingerprints: two primary-key lookups each, from a VALUES list (a third
    cheaper for SQLite than ``fp IN (...)`` on both tables: it sorts IN lists into
    temporary tables first)."""
    values = ",".join(["(?)"] * n)
    return (
        f"WITH v(fp) AS (VALUES {values}) SELECT v.fp, "
        "coalesce((SELECT stories FROM paragraphs p WHERE p.fp = v.fp), 0) + "
        "coalesce((SELECT delta FROM p_paragraphs q WHERE q.fp = v.fp), 0) FROM v"
    )


@functools.lru_cache(maxsize=64)
def _resolve_aliases_sql(n: int) -> str:
    """Owners of n URLs, pending alias first (story_id is never NULL: coalesce picks the
    pending one whenever there is one), in one statement rather than one per URL."""
    values = ",".join(["(?)"] * n)
    return (
        f"WITH v(url) AS (VALUES {values}) SELECT v.url, coalesce("
        "(SELECT story_id FROM p_aliases p WHERE p.url = v.url), "
        "(SELECT story_id FROM aliases a WHERE a.url = v.url)) FROM v"
    )


@functools.lru_cache(maxsize=64)
def _pending_paragraphs_sql(n: int) -> str:
    """Add n (fp, delta, run_no) rows to the pending paragraph deltas (the fps distinct)."""
    values = ",".join(["(?, ?, ?)"] * n)
    return (
        f"INSERT INTO p_paragraphs (fp, delta, run_no) VALUES {values} "
        "ON CONFLICT (fp) DO UPDATE SET delta = delta + excluded.delta"
    )


# Two OR terms per URL, and SQLite bounds an expression's depth (1,000): past this many
# URLs the probe answers "maybe known" and the ordinary lookups decide.
_PROBE_MAX_URLS = 100


@functools.lru_cache(maxsize=16)
def _probe_sql(n_urls: int) -> str:
    """``probe_new_story``'s statement: ?1 story id, ?2 content hash, ?3... URLs."""
    return (
        "SELECT EXISTS (SELECT 1 FROM p_stories WHERE story_id = ?1) "
        "OR EXISTS (SELECT 1 FROM stories WHERE story_id = ?1) "
        "OR EXISTS (SELECT 1 FROM p_stories WHERE content_hash = ?2 AND duplicate_of IS NULL) "
        "OR EXISTS (SELECT 1 FROM stories WHERE content_hash = ?2 AND duplicate_of IS NULL)"
    ) + "".join(
        f" OR EXISTS (SELECT 1 FROM p_aliases WHERE url = ?{i})"
        f" OR EXISTS (SELECT 1 FROM aliases WHERE url = ?{i})"
        for i in range(3, n_urls + 3)
    )


def _hash_blob(content_hash: str) -> bytearray:
    """The 32-byte blob of a hex digest, as a bytearray: the sqlite3 module binds a
    bytearray directly, while it first offers a bytes parameter to the adapter registry
    and its protocol lookups (measured: 3,300 instructions a parameter, a third of a
    small statement's cost)."""
    try:
        blob = bytearray.fromhex(content_hash)
    except ValueError as exc:
        raise ValueError(f"content_hash is not hex: {content_hash!r}") from exc
    if len(blob) != 32:
        raise ValueError(f"content_hash is not a sha256 hex digest: {content_hash!r}")
    return blob


def fsync_directory(directory: Path) -> None:
    """Makes a rename into ``directory`` durable: the new name survives a power cut."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class SQLiteStore:
    """:class:`StoryStore` on an embedded SQLite file (WAL).

    Opening refuses a damaged, unreadable or foreign file with :class:`StoreError`; it
    never recreates it. A missing file is created (atomically: built under a temporary
    name, then renamed into place). ``verify`` runs ``PRAGMA quick_check`` at open
    (linear in the file size; see the benchmark for the cost at 100k stories).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        verify: bool = True,
        timeout: float = 30.0,
        batch_size: int = 256,
        cache_mb: int = 8,
    ) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._cache_kib = cache_mb * 1024  # SQLite page cache: fixed, whatever the size
        self._tx_depth = 0
        self._batch_open = False
        self._batch_writes = 0
        self.batch_size = batch_size
        self._run_cache: dict[str, int] = {}
        self._last_complete_run: int | None = None  # (settled(); None: not looked up yet)
        # Reads made while the batch transaction is open, until a write changes them: the
        # deduplicator's check() reads a story and its URLs, then record() writes them and
        # would read them again. The open write transaction keeps other connections from
        # committing anything, so only this connection's writes can invalidate an entry.
        self._memo: dict[tuple[str, str], Any] = {}
        # Pending paragraph deltas of the open batch not yet in p_paragraphs, fp -> [delta,
        # run_no]: written just before the batch commits (a crash loses them with the
        # batch, whose run is unpublished), added by paragraph_counts until then.
        self._paragraph_deltas: dict[int, list[int]] = {}
        if not self.path.exists():
            self._create(self.path)
        self._conn = self._open(self.path, verify=verify)

    # --- open / create ---------------------------------------------------------------

    def _connect(self, path: Path, *, create: bool) -> sqlite3.Connection:
        mode = "rwc" if create else "rw"
        uri = f"{path.resolve().as_uri()}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=self._timeout)
        return conn

    def _create(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.init-{os.getpid()}")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        conn = self._connect(tmp, create=True)
        try:
            # incremental auto-vacuum: the pages freed when a run's pending rows are
            # merged or dropped go back to the OS (see _reclaim)
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (_now(),))
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        for leftover in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        if path.exists():  # another process created it meanwhile: keep theirs
            tmp.unlink(missing_ok=True)
            return
        os.replace(tmp, path)
        with contextlib.suppress(OSError):
            fsync_directory(path.parent)

    def _open(self, path: Path, *, verify: bool) -> sqlite3.Connection:
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a story store")
        if path.stat().st_size == 0:
            raise StoreError(
                f"{path} is empty: not a usable story store. Refusing to start from nothing "
                "(that would re-export every story); restore it or rebuild it from the "
                "published records."
            )
        try:
            conn = self._connect(path, create=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open story store {path}: {exc}") from exc
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if verify:
                problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    raise StoreError(
                        f"story store {path} is damaged ({'; '.join(problems)}); restore it "
                        "from a backup or rebuild it from the published records"
                    )
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            journal = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{int(self._cache_kib)}")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(
                f"story store {path} is unreadable or damaged: {exc}; restore it from a "
                "backup or rebuild it from the published records"
            ) from exc
        except StoreError:
            conn.close()
            raise
        problem = None
        if app_id != APPLICATION_ID:
            problem = f"{path} is not a tcacrawler story store (application_id={app_id})"
        elif version > SCHEMA_VERSION:
            problem = (
                f"story store {path} has schema version {version}, newer than this code "
                f"({SCHEMA_VERSION})"
            )
        elif version < 1 or not _REQUIRED_TABLES.issubset(tables):
            problem = f"story store {path} is incomplete (missing {_REQUIRED_TABLES - tables})"
        elif journal.lower() != "wal":
            problem = f"story store {path}: cannot switch to WAL mode (got {journal})"
        if problem:
            conn.close()
            raise StoreError(problem)
        return conn

    def close(self) -> None:
        self._flush()
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ----------------------------------------------------------------

    @contextlib.contextmanager
    def _tx(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction that commits when the block ends (pending writes go
        through :meth:`_pending_write` instead). It commits the open batch first. Inner
        uses join an outer transaction (rebuild runs the whole thing in one)."""
        conn = self._conn
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield conn
            finally:
                self._tx_depth -= 1
            return
        self._flush()
        if durable:
            conn.execute("PRAGMA synchronous=FULL")
        try:
            self._begin()
            self._tx_depth = 1
            try:
                yield conn
            except BaseException:
                self._tx_depth = 0
                conn.execute("ROLLBACK")
                self._run_cache.clear()
                raise
            self._tx_depth = 0
            conn.execute("COMMIT")
        finally:
            if durable:
                conn.execute("PRAGMA synchronous=NORMAL")

    def _pending_write(self, write: Callable[..., None], *args: Any) -> None:
        """``write(conn, *args)``, one of a run's pending writes.

        Pending writes are batched into one open transaction (each write in a savepoint
        of its own), committed every ``batch_size`` writes and by any other write -- in
        particular by the durable ``prepare_run``. The connection sees its own
        uncommitted writes, so lookups are unaffected; a crash loses at most the open
        batch, which belongs to a run that was not published and is therefore discarded
        anyway. Inside an outer transaction (rebuild) the write joins it. The batch's
        paragraph deltas wait in memory until it commits (``_paragraph_deltas``), as its
        other writes wait in the open transaction.

        A function call rather than a ``contextmanager``: the generator's enter and exit
        cost about as much as one of the write's statements (put_story runs once a story)."""
        conn = self._conn
        if self._tx_depth:
            self._tx_depth += 1
            try:
                write(conn, *args)
            finally:
                self._tx_depth -= 1
            return
        if not self._batch_open:
            self._begin()
            self._batch_open, self._batch_writes = True, 0
        conn.execute("SAVEPOINT pending_write")
        self._tx_depth = 1
        try:
            write(conn, *args)
        except BaseException:
            self._tx_depth = 0
            self._memo.clear()
            conn.execute("ROLLBACK TO pending_write")
            conn.execute("RELEASE pending_write")
            raise
        self._tx_depth = 0
        conn.execute("RELEASE pending_write")
        self._batch_writes += 1
        if self._batch_writes >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        self._memo.clear()
        if self._batch_open:
            self._batch_open = False
            deltas, self._paragraph_deltas = self._paragraph_deltas, {}
            try:
                if deltas:
                    # (sorting the int keys alone: a third of the cost of sorting the
                    # (fp, [delta, run_no]) items, which compares tuples)
                    rows = [(fp, deltas[fp][0], deltas[fp][1]) for fp in sorted(deltas)]
                    self._write_paragraph_deltas(self._conn, rows)
                self._conn.execute("COMMIT")
            except sqlite3.Error as error:
                # The batch is lost (as in a crash): leave no transaction open behind it,
                # or every later write would fail with a misleading "locked" error.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(
                    f"could not commit a batch of pending writes ({error}): the open run "
                    "must be discarded"
                ) from error

    @staticmethod
    def _write_paragraph_deltas(
        c: sqlite3.Connection, rows: Sequence[tuple[int, int, int]]
    ) -> None:
        """Add (fp, delta, run_no) rows, fps distinct, to the pending paragraph deltas
        (multi-row INSERTs: cheaper than an executemany, which steps a statement a row).

        The INSERTs have 256, 64 or 16 rows, and the last one what is left (under 16):
        SQLite takes more instructions to prepare a statement of a hundred rows than to
        run it, and a batch's remainder of any size would be prepared anew at each batch
        commit; these few sizes stay in the connection's statement cache."""
        start = 0
        while start < len(rows):
            left = len(rows) - start
            size = 256 if left >= 256 else 64 if left >= 64 else 16 if left >= 16 else left
            chunk = rows[start : start + size]
            c.execute(_pending_paragraphs_sql(size), [v for row in chunk for v in row])
            start += size

    def flush(self) -> None:
        """Commit the open batch of pending writes (still pending, not durable): makes
        them visible to other connections. ``prepare_run`` does this durably."""
        if self._tx_depth:
            raise RunStateError("flush() inside a transaction")
        self._flush()

    def _begin(self) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"story store {self.path} is locked by another process ({exc}): is another "
                "crawl running on it?"
            ) from exc

    def _q1(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, params).fetchone()

    # --- meta ------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._q1("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- runs ------------------------------------------------------------------------

    @staticmethod
    def _run_info(row: Sequence[Any]) -> RunInfo:
        return RunInfo(
            run_id=row[0],
            status=row[1],
            started_at=row[2],
            finished_at=row[3],
            mode=row[4],
            output=row[5],
            counts=json.loads(row[6]) if row[6] else {},
            requests=row[7],
        )

    _RUN_FIELDS = "run_id, status, started_at, finished_at, mode, output, counts, requests"

    def get_run(self, run_id: str) -> RunInfo | None:
        row = self._q1(f"SELECT {self._RUN_FIELDS} FROM runs WHERE run_id = ?", (run_id,))
        return None if row is None else self._run_info(row)

    def pending_runs(self) -> list[RunInfo]:
        rows = self._conn.execute(
            f"SELECT {self._RUN_FIELDS} FROM runs WHERE status IN (?, ?) ORDER BY run_no",
            PENDING_STATUSES,
        ).fetchall()
        return [self._run_info(r) for r in rows]

    def _open_run_no(self, run_id: str) -> int:
        """run_no of a run that accepts pending writes (running)."""
        cached = self._run_cache.get(run_id)
        if cached is not None:
            return cached
        row = self._q1("SELECT run_no, status FROM runs WHERE run_id = ?", (run_id,))
        if row is None:
            raise RunStateError(f"unknown run {run_id!r}: call begin_run() first")
        if row[1] != RUNNING:
            raise RunStateError(f"run {run_id!r} is {row[1]}: it accepts no more writes")
        self._run_cache[run_id] = int(row[0])
        return int(row[0])

    def begin_run(
        self,
        run_id: str,
        *,
        mode: str | None = None,
        output: str | None = None,
        started_at: str | None = None,
    ) -> None:
        with self._tx(durable=True) as c:
            pending = self.pending_runs()
            if pending:
                raise RunStateError(
                    "runs still pending from an earlier process: "
                    f"{[r.run_id for r in pending]}; commit or discard them first "
                    "(see recover_pending_runs)"
                )
            if self._q1("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)):
                raise RunStateError(f"run {run_id!r} already exists")
            c.execute(
                "INSERT INTO runs (run_id, status, started_at, mode, output) "
                "VALUES (?, ?, ?, ?, ?)",
                (run_id, RUNNING, started_at or _now(), mode, output),
            )

    def prepare_run(self, run_id: str, *, output: str | None = None) -> None:
        """Durable point before publication: after this returns, every pending write of
        the run survives power loss. Call it after the output's temp file is complete and
        fsynced, just before renaming it into place."""
        with self._tx(durable=True) as c:
            run_no = self._open_run_no(run_id)
            c.execute(
                "UPDATE runs SET status = ?, output = COALESCE(?, output) WHERE run_no = ?",
                (PREPARED, output, run_no),
            )
        self._run_cache.pop(run_id, None)

    def _pending_run_no(self, run_id: str) -> tuple[int, str]:
        row = self._q1("SELECT run_no, status FROM runs WHERE run_id = ?", (run_id,))
        if row is None:
            raise RunStateError(f"unknown run {run_id!r}")
        return int(row[0]), str(row[1])

    def commit_run(
        self,
        run_id: str,
        *,
        counts: Mapping[str, Any] | None = None,
        requests: int | None = None,
        finished_at: str | None = None,
    ) -> None:
        """Make the run's pending writes permanent, in one durable transaction. Call it
        after the run's output file has been atomically published. Idempotent."""
        with self._tx(durable=True) as c:
            run_no, status = self._pending_run_no(run_id)
            if status == COMMITTED:
                return
            if status == DISCARDED:
                raise RunStateError(f"run {run_id!r} was discarded; it cannot be committed")
            self._merge_pending(c, run_no)
            self._finish(c, run_no, COMMITTED, counts, requests, finished_at)
        self._run_cache.pop(run_id, None)
        self._last_complete_run = None
        self._reclaim()

    def discard_run(
        self,
        run_id: str,
        *,
        counts: Mapping[str, Any] | None = None,
        requests: int | None = None,
        finished_at: str | None = None,
    ) -> None:
        """Drop the run's pending writes: the committed state is left exactly as it was
        before the run. Idempotent."""
        with self._tx(durable=True) as c:
            run_no, status = self._pending_run_no(run_id)
            if status == DISCARDED:
                return
            if status == COMMITTED:
                raise RunStateError(f"run {run_id!r} is committed; it cannot be discarded")
            for table in _PENDING_TABLES:
                c.execute(f"DELETE FROM {table} WHERE run_no = ?", (run_no,))
            self._finish(c, run_no, DISCARDED, counts, requests, finished_at)
        self._run_cache.pop(run_id, None)
        self._reclaim()

    def _reclaim(self) -> None:
        """Give free pages back (those of emptied pending tables, forgotten stories)."""
        if not self._tx_depth and not self._batch_open:
            # the pragma frees one page per step, and execute() steps once:
            # executescript() runs it to completion (no transaction is open here)
            self._conn.executescript("PRAGMA incremental_vacuum;")

    @staticmethod
    def _finish(
        c: sqlite3.Connection,
        run_no: int,
        status: str,
        counts: Mapping[str, Any] | None,
        requests: int | None,
        finished_at: str | None,
    ) -> None:
        c.execute(
            "UPDATE runs SET status = ?, finished_at = ?, "
            "counts = COALESCE(?, counts), requests = COALESCE(?, requests) WHERE run_no = ?",
            (
                status,
                finished_at or _now(),
                json.dumps(dict(counts), sort_keys=True) if counts is not None else None,
                requests,
                run_no,
            ),
        )

    @staticmethod
    def _merge_pending(c: sqlite3.Connection, run_no: int) -> None:
        r = (run_no,)
        cols = _STORY_FIELDS
        c.execute(
            f"INSERT INTO stories ({cols}) SELECT {cols} FROM p_stories WHERE run_no = ? "
            "ON CONFLICT (story_id) DO UPDATE SET url = excluded.url, "
            "content_hash = excluded.content_hash, signature = excluded.signature, "
            "shingles = excluded.shingles, paragraphs = excluded.paragraphs, "
            "revision = excluded.revision, date_modified = excluded.date_modified, "
            "duplicate_of = excluded.duplicate_of, first_run = excluded.first_run, "
            "last_run = excluded.last_run",
            r,
        )
        c.execute(
            "INSERT OR REPLACE INTO aliases (url, story_id) "
            "SELECT url, story_id FROM p_aliases WHERE run_no = ?",
            r,
        )
        c.execute(
            "INSERT OR REPLACE INTO revisions "
            "(story_id, revision, content_hash, date_modified, verdict, run_no) "
            "SELECT story_id, revision, content_hash, date_modified, verdict, run_no "
            "FROM p_revisions WHERE run_no = ?",
            r,
        )
        c.execute(
            "INSERT INTO paragraphs (fp, stories) "
            "SELECT fp, delta FROM p_paragraphs WHERE run_no = ? AND delta != 0 AND true "
            "ON CONFLICT (fp) DO UPDATE SET stories = stories + excluded.stories",
            r,
        )
        c.execute(
            "DELETE FROM paragraphs WHERE stories <= 0 AND fp IN "
            "(SELECT fp FROM p_paragraphs WHERE run_no = ?)",
            r,
        )
        c.execute(
            "INSERT OR IGNORE INTO rates (site, base, quote, as_of, rate, run_no) "
            "SELECT site, base, quote, as_of, rate, run_no FROM p_rates WHERE run_no = ?",
            r,
        )
        c.execute(
            "INSERT OR REPLACE INTO validators (url, etag, last_modified, run_no) "
            "SELECT url, etag, last_modified, run_no FROM p_validators WHERE run_no = ?",
            r,
        )
        for table in _PENDING_TABLES:
            c.execute(f"DELETE FROM {table} WHERE run_no = ?", r)

    # --- story reads -----------------------------------------------------------------

    def _story(self, story_id: str, *, committed_only: bool = False) -> StoryRow | None:
        row = self._story_and_first_run(story_id, committed_only=committed_only)
        return None if row is None else row[0]

    def _story_and_first_run(
        self, story_id: str, *, committed_only: bool = False
    ) -> tuple[StoryRow, int | None] | None:
        memo = not committed_only and self._batch_open
        if memo and ("story", story_id) in self._memo:
            found: tuple[StoryRow, int | None] | None = self._memo["story", story_id]
            return found
        row = self._q1(_SELECT_COMMITTED_STORY if committed_only else _SELECT_STORY, (story_id,))
        if row is None:
            if memo:
                self._memo["story", story_id] = None
            return None
        story = StoryRow.from_values(
            (
                row[0],  # story_id
                row[1],  # url
                bytes(row[2]).hex(),  # content_hash
                row[6],  # revision
                bytes(row[3]),  # signature
                row[4],  # shingles
                bytes(row[5]),  # paragraphs
                row[7],  # date_modified
                row[8],  # duplicate_of
                row[9],  # first_run
                row[10],  # last_run
                bool(row[12]),  # pending
            )
        )
        if memo:
            self._memo["story", story_id] = (story, row[11])
        return story, row[11]

    def get_story(self, story_id: str) -> StoryRow | None:
        return self._story(story_id)

    def resolve_alias(self, url: str) -> str | None:
        if self._batch_open and ("alias", url) in self._memo:
            owner: str | None = self._memo["alias", url]
            return owner
        row = self._q1(_RESOLVE_ALIAS, (url,))
        owner = None if row is None else str(row[0])
        if self._batch_open:
            self._memo["alias", url] = owner
        return owner

    def _resolve_aliases(self, urls: Sequence[str]) -> dict[str, str | None]:
        """``resolve_alias`` of each of ``urls`` (distinct, non-empty): memoised ones from
        the memo, the rest in one statement (an unchanged story's URLs are all looked up
        when its aliases are recorded; for eight URLs the one statement costs two thirds
        of eight single lookups)."""
        memo = self._memo if self._batch_open else None
        owners: dict[str, str | None] = {}
        missing = []
        for url in urls:
            if memo is not None and ("alias", url) in memo:
                owners[url] = memo["alias", url]
            else:
                missing.append(url)
        if len(missing) < 3:  # (the VALUES statement costs about two single lookups)
            for url in missing:
                owners[url] = self.resolve_alias(url)
            return owners
        for start in range(0, len(missing), 400):
            chunk = missing[start : start + 400]
            for url, owner in self._conn.execute(_resolve_aliases_sql(len(chunk)), chunk):
                owners[url] = None if owner is None else str(owner)
                if memo is not None:
                    memo["alias", url] = owners[url]
        return owners

    def known_lastmod(self, url: str) -> str | None:
        """For the spider's "skip unchanged" logic: ``None`` if no known story has this
        URL, else the story's last seen ``date_modified`` ("" when it has none)."""
        story_id = self.resolve_alias(url)
        if story_id is None:
            return None
        row = self._q1(
            "SELECT date_modified, 1 AS pending FROM p_stories WHERE story_id = ? UNION ALL "
            "SELECT date_modified, 0 FROM stories WHERE story_id = ? "
            "ORDER BY pending DESC LIMIT 1",
            (story_id, story_id),
        )
        return None if row is None else str(row[0] or "")

    def settled(self, url: str) -> bool:
        """For an hourly run's listing walk: whether the story with this URL was known
        when the last run that read everything (``counts["complete"]``) was committed.
        A run stopped early, or with articles that failed, leaves stories it never
        reached below the ones it exported: a listing page of its stories is no end."""
        if self._last_complete_run is None:
            row = self._q1(
                "SELECT max(run_no) FROM runs WHERE status = ? "
                "AND json_extract(counts, '$.complete') = 1",
                (COMMITTED,),
            )
            self._last_complete_run = int(row[0] or 0)
        story_id = self.resolve_alias(url)
        if story_id is None:
            return False
        row = self._q1("SELECT first_run FROM stories WHERE story_id = ?", (story_id,))
        return row is not None and row[0] is not None and row[0] <= self._last_complete_run

    def find_by_content_hash(self, content_hash: str) -> str | None:
        """A story (never itself a duplicate) whose current text has this hash."""
        blob = _hash_blob(content_hash)
        # pending first, as a UNION ... ORDER BY pending would (two lookups by index are
        # cheaper than the UNION's sort, and most hashes are found in neither table)
        row = self._q1(
            "SELECT story_id FROM p_stories WHERE content_hash = ? AND duplicate_of IS NULL "
            "LIMIT 1",
            (blob,),
        ) or self._q1(
            "SELECT story_id FROM stories s WHERE content_hash = ? AND duplicate_of IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM p_stories p WHERE p.story_id = s.story_id) LIMIT 1",
            (blob,),
        )
        return None if row is None else str(row[0])

    def paragraph_counts(self, fingerprints: Iterable[int]) -> dict[int, int]:
        """How many distinct non-duplicate stories contain each paragraph (0 if none)."""
        fps = list(dict.fromkeys(fingerprints))
        counts: dict[int, int] = {}
        for start in range(0, len(fps), 400):
            chunk = fps[start : start + 400]
            counts.update(self._conn.execute(_paragraph_counts_sql(len(chunk)), chunk))
        if self._paragraph_deltas:
            buffered = self._paragraph_deltas
            for fp in fps:
                if fp in buffered:
                    counts[fp] += buffered[fp][0]
        return counts

    def probe_new_story(self, story_id: str, urls: Sequence[str], content_hash: str) -> bool:
        """Whether the story is certainly new: neither its id nor any of its URLs nor (as
        a story that is not a duplicate) its content hash is known, pending or committed.
        False means "maybe known": the ordinary lookups decide.

        On a full crawl nearly every story is new: this answers the three lookups of a
        new story (story id, its URLs as aliases, content hash) in one statement, and
        memoises the misses for ``put_story``, which would look them up again."""
        urls = [u for u in dict.fromkeys(urls) if u]
        if len(urls) > _PROBE_MAX_URLS:
            return False  # (a crawled item has about 8)
        # (EXISTS tests on primary keys: cheaper for SQLite than IN lists, which it sorts
        # into a temporary table first; the committed-hash test does not exclude stories
        # the run has overridden, but a false "maybe known" costs only the lookups)
        sql = _probe_sql(len(urls))
        if self._q1(sql, (story_id, _hash_blob(content_hash), *urls))[0]:
            return False
        if self._batch_open:  # the memo is valid only while the batch is open
            self._memo["story", story_id] = None
            for url in urls:
                self._memo["alias", url] = None
        return True

    def story_signature(self, story_id: str) -> tuple[bytes, int, str | None] | None:
        """(signature, shingles, duplicate_of) of a story, pending state first; None if
        unknown. A third of the cost of :meth:`get_story`, for the LSH candidates that the
        Jaccard estimate rules out without the rest of the row."""
        if self._batch_open and ("story", story_id) in self._memo:
            found: tuple[StoryRow, int | None] | None = self._memo["story", story_id]
            if found is None:
                return None
            row = found[0]
            return row.signature, row.shingles, row.duplicate_of
        got = self._q1(_SELECT_SIGNATURE, (story_id,))
        return None if got is None else (bytes(got[0]), int(got[1]), got[2])

    def iter_signatures(self) -> Iterator[tuple[str, bytes]]:
        """(story_id, signature) of every story with a signature, pending state first."""
        cur = self._conn.execute(
            "SELECT story_id, signature FROM p_stories WHERE length(signature) > 0"
        )
        yield from cur.fetchall()
        cur = self._conn.execute(
            "SELECT story_id, signature FROM stories s WHERE length(signature) > 0 "
            "AND NOT EXISTS (SELECT 1 FROM p_stories p WHERE p.story_id = s.story_id)"
        )
        yield from cur  # row by row: nothing but the current row is held

    # --- story writes (pending) ------------------------------------------------------

    def put_story(
        self, run_id: str, row: StoryRow, *, aliases: Iterable[str] = (), verdict: str = ""
    ) -> None:
        """Pending write of a story's new state (new story, revision or duplicate).

        Keeps the paragraph table right: a story contributes its paragraphs' fingerprints
        only while it is not a duplicate of another story.
        """
        blob = _hash_blob(row.content_hash)
        self._pending_write(self._write_story, run_id, row, aliases, verdict, blob)

    def _write_story(
        self,
        c: sqlite3.Connection,
        run_id: str,
        row: StoryRow,
        aliases: Iterable[str],
        verdict: str,
        blob: bytearray,
    ) -> None:
        run_no = self._open_run_no(run_id)
        found = self._story_and_first_run(row.story_id)
        self._memo.pop(("story", row.story_id), None)
        old = None if found is None else found[0]
        first_run = run_no if found is None or found[1] is None else found[1]
        c.execute(
            f"INSERT OR REPLACE INTO p_stories ({_STORY_FIELDS}, run_no) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.story_id,
                row.url,
                blob,
                bytearray(row.signature),  # (bound directly: see _hash_blob)
                row.shingles,
                bytearray(row.paragraphs),
                row.revision,
                row.date_modified,
                row.duplicate_of,
                first_run,
                run_no,
                run_no,
            ),
        )
        c.execute(
            "INSERT OR REPLACE INTO p_revisions "
            "(story_id, revision, content_hash, date_modified, verdict, run_no) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (row.story_id, row.revision, blob, row.date_modified, verdict, run_no),
        )
        new = self._new_aliases(row.story_id, [row.url, *aliases])
        self._write_aliases(c, run_no, row.story_id, new)
        # last: it may only buffer the deltas, which a failure above must not leave
        self._apply_paragraph_delta(c, run_no, old, row, pending=True)

    def touch_story(self, run_id: str, story_id: str, *, date_modified: str | None) -> None:
        """Pending write: an unchanged story's newer ``date_modified`` (no new revision).
        Keeps :meth:`known_lastmod` current, so a sitemap ``lastmod`` that moved without
        a text change is fetched once, not every hour."""

        def write(c: sqlite3.Connection) -> None:
            run_no = self._open_run_no(run_id)
            self._memo.pop(("story", story_id), None)
            if not self._q1("SELECT 1 FROM p_stories WHERE story_id = ?", (story_id,)):
                c.execute(
                    f"INSERT INTO p_stories ({_STORY_FIELDS}, run_no) "
                    f"SELECT {_STORY_FIELDS}, ? FROM stories WHERE story_id = ?",
                    (run_no, story_id),
                )
            c.execute(
                "UPDATE p_stories SET date_modified = ? WHERE story_id = ?",
                (date_modified, story_id),
            )

        self._pending_write(write)

    def add_aliases(self, run_id: str, story_id: str, urls: Iterable[str]) -> None:
        """Pending write: remember more URLs of a known story (no-op for known ones)."""
        new = self._new_aliases(story_id, urls)
        if not new:
            return
        self._pending_write(self._write_aliases_of_run, run_id, story_id, new)

    def _write_aliases_of_run(
        self, c: sqlite3.Connection, run_id: str, story_id: str, urls: Sequence[str]
    ) -> None:
        # (a method, not a closure: add_aliases runs for every unchanged story, and a
        # closure's cells would be made on each call, also when nothing is new)
        self._write_aliases(c, self._open_run_no(run_id), story_id, urls)

    def _new_aliases(self, story_id: str, urls: Iterable[str]) -> list[str]:
        """``urls``, distinct and non-empty, less those that already lead to the story."""
        distinct = [u for u in dict.fromkeys(urls) if u]
        owners = self._resolve_aliases(distinct)
        return [u for u in distinct if owners[u] != story_id]

    def _write_aliases(
        self, c: sqlite3.Connection, run_no: int, story_id: str, urls: Sequence[str]
    ) -> None:
        for url in urls:
            self._memo.pop(("alias", url), None)
        if urls:
            c.executemany(
                "INSERT OR REPLACE INTO p_aliases (url, story_id, run_no) VALUES (?, ?, ?)",
                [(url, story_id, run_no) for url in urls],
            )

    def _apply_paragraph_delta(
        self,
        c: sqlite3.Connection,
        run_no: int,
        old: StoryRow | None,
        new: StoryRow | None,
        *,
        pending: bool,
    ) -> None:
        def contributed(r: StoryRow | None) -> set[int]:
            if r is None or r.duplicate_of is not None or not r.paragraphs:
                return set()
            return set(_paragraph_fingerprints(r.paragraphs))

        before, after = contributed(old), contributed(new)
        added, removed = after - before, before - after
        if pending and self._batch_open:
            # Inserting a story's ~20 random fingerprints one by one into the B-tree costs
            # more than the rest of put_story: the deltas wait here and go in at the
            # batch's commit, sorted and summed (paragraph_counts adds them meanwhile).
            buffered = self._paragraph_deltas
            for fps, d in ((added, 1), (removed, -1)):
                for fp in fps:
                    entry = buffered.get(fp)
                    if entry is None:
                        buffered[fp] = [d, run_no]
                    else:
                        entry[0] += d
            return
        deltas = [(fp, 1) for fp in added] + [(fp, -1) for fp in removed]
        if not deltas:
            return
        if pending:
            self._write_paragraph_deltas(c, [(fp, d, run_no) for fp, d in deltas])
        else:
            c.executemany(
                "INSERT INTO paragraphs (fp, stories) VALUES (?, ?) "
                "ON CONFLICT (fp) DO UPDATE SET stories = stories + excluded.stories",
                deltas,
            )
            c.executemany(
                "DELETE FROM paragraphs WHERE fp = ? AND stories <= 0",
                [(fp,) for fp, d in deltas if d < 0],
            )

    # --- rates -----------------------------------------------------------------------

    def rate_seen(self, site: str, base: str, quote: str, as_of: str | None, rate: float) -> bool:
        key = (site, base, quote, as_of or "", float(rate))
        where = "site = ? AND base = ? AND quote = ? AND as_of = ? AND rate = ?"
        return bool(
            self._q1(f"SELECT 1 FROM p_rates WHERE {where}", key)
            or self._q1(f"SELECT 1 FROM rates WHERE {where}", key)
        )

    def record_rate(
        self, run_id: str, site: str, base: str, quote: str, as_of: str | None, rate: float
    ) -> None:

        def write(c: sqlite3.Connection) -> None:
            run_no = self._open_run_no(run_id)
            c.execute(
                "INSERT OR IGNORE INTO p_rates (site, base, quote, as_of, rate, run_no) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (site, base, quote, as_of or "", float(rate), run_no),
            )

        self._pending_write(write)

    # --- HTTP validators -------------------------------------------------------------

    def get_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) last stored for a feed/sitemap URL, or None.

        Pending like everything else: a run that crashed must not leave validators behind,
        or the next run would get a 304 for content it never published."""
        row = self._q1("SELECT etag, last_modified FROM p_validators WHERE url = ?", (url,))
        if row is None:
            row = self._q1("SELECT etag, last_modified FROM validators WHERE url = ?", (url,))
        return None if row is None else (row[0], row[1])

    def set_validators(
        self, run_id: str, url: str, etag: str | None, last_modified: str | None
    ) -> None:

        def write(c: sqlite3.Connection) -> None:
            run_no = self._open_run_no(run_id)
            c.execute(
                "INSERT OR REPLACE INTO p_validators (url, etag, last_modified, run_no) "
                "VALUES (?, ?, ?, ?)",
                (url, etag, last_modified, run_no),
            )

        self._pending_write(write)

    # --- maintenance -----------------------------------------------------------------

    def _refuse_if_pending(self, what: str) -> None:
        pending = self.pending_runs()
        if pending:
            raise RunStateError(
                f"cannot {what} while runs are pending ({[r.run_id for r in pending]}); "
                "commit or discard them first"
            )

    def forget_story(self, story_id: str) -> bool:
        """Forget a story (its aliases, revisions, paragraph counts) so that it is exported
        again as new. A running deduplicator must be reloaded afterwards.

        The feed and sitemap validators go too: with them the next incremental run would
        get 304s and never list the story again."""
        with self._tx(durable=True) as c:
            self._refuse_if_pending("forget a story")
            old = self._story(story_id, committed_only=True)
            if old is None:
                return False
            self._apply_paragraph_delta(c, 0, old, None, pending=False)
            c.execute("DELETE FROM stories WHERE story_id = ?", (story_id,))
            c.execute("DELETE FROM aliases WHERE story_id = ?", (story_id,))
            c.execute("DELETE FROM revisions WHERE story_id = ?", (story_id,))
            c.execute("DELETE FROM validators")
        self._reclaim()
        return True

    def forget_all(self) -> None:
        """Forget every story, rate and validator (the runs log is kept)."""
        with self._tx(durable=True) as c:
            self._refuse_if_pending("forget everything")
            for table in _STATE_TABLES:
                c.execute(f"DELETE FROM {table}")
        self._reclaim()

    def rebuild_from_records(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        sketcher: StorySketcher | None = None,
        run_id: str | None = None,
    ) -> dict[str, int]:
        """Replace the store's state by what the published records say.

        ``records`` are exported JSONL records in publication order (article and rate
        records; others are ignored). The records' own verdicts are trusted (revision,
        duplicate_of); signatures and paragraph fingerprints are recomputed from the
        bodies. All in one transaction: a crash leaves the store as it was.
        """
        from tcacrawler.dedup import StorySketcher  # local: dedup imports this module

        if sketcher is None:
            try:
                sketcher = StorySketcher.for_store(self)
            except StoreError:  # signatures of another sketch version: start afresh
                sketcher = StorySketcher()
        run_id = run_id or f"rebuild-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S.%fZ')}"
        counts = {"articles": 0, "stories": 0, "rates": 0, "skipped": 0}
        with self._tx(durable=True) as c:
            self._refuse_if_pending("rebuild")
            for table in _STATE_TABLES:
                c.execute(f"DELETE FROM {table}")
            sketcher.save_config(self)
            c.execute(
                "INSERT INTO runs (run_id, status, started_at, mode) VALUES (?, ?, ?, ?)",
                (run_id, RUNNING, _now(), "rebuild"),
            )
            self._run_cache.pop(run_id, None)
            for rec in records:
                kind = rec.get("type", "article")
                if kind == "rate":
                    self.record_rate(
                        run_id,
                        str(rec.get("site", "")),
                        str(rec["base"]),
                        str(rec["quote"]),
                        rec.get("as_of"),
                        float(rec["rate"]),
                    )
                    counts["rates"] += 1
                    continue
                if kind != "article" or not rec.get("story_id"):
                    counts["skipped"] += 1
                    continue
                counts["articles"] += 1
                self._rebuild_article(run_id, rec, sketcher)
            run_no = self._open_run_no(run_id)
            counts["stories"] = int(
                self._q1("SELECT count(*) FROM p_stories WHERE run_no = ?", (run_no,))[0]
            )
            self._merge_pending(c, run_no)
            self._finish(c, run_no, COMMITTED, counts, None, None)
        self._run_cache.pop(run_id, None)
        return counts

    def _rebuild_article(
        self, run_id: str, rec: Mapping[str, Any], sketcher: StorySketcher
    ) -> None:
        story_id = str(rec["story_id"])
        url = str(rec.get("url") or story_id)
        aliases = [str(a) for a in rec.get("aliases") or []]
        revision = int(rec.get("revision") or 1)
        old = self.get_story(story_id)
        if old is not None and old.revision >= revision:
            self.add_aliases(run_id, story_id, [url, *aliases])
            return
        body = str(rec.get("article_body") or "")
        duplicate_of = rec.get("duplicate_of") or None
        sketch = sketcher.sketch(body, self, current=old)
        row = sketch.to_row(
            story_id=story_id,
            url=url,
            revision=revision,
            date_modified=rec.get("date_modified"),
            duplicate_of=duplicate_of,
        )
        verdict = "duplicate" if duplicate_of else ("revision" if revision > 1 else "new")
        self.put_story(run_id, row, aliases=aliases, verdict=verdict)

    # --- reporting -------------------------------------------------------------------

    def stats(self, *, last_runs: int = 5) -> dict[str, Any]:
        def count(sql: str) -> int:
            return int(self._q1(sql)[0])

        stories = count("SELECT count(*) FROM stories")
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        runs = self._conn.execute(
            f"SELECT {self._RUN_FIELDS} FROM runs ORDER BY run_no DESC LIMIT ?", (last_runs,)
        ).fetchall()
        return {
            "schema_version": SCHEMA_VERSION,
            "stories": stories,
            "duplicates": count("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL"),
            "revisions": count("SELECT count(*) FROM revisions"),
            "aliases": count("SELECT count(*) FROM aliases"),
            "paragraphs": count("SELECT count(*) FROM paragraphs"),
            "shared_paragraphs": count("SELECT count(*) FROM paragraphs WHERE stories >= 2"),
            "rates": count("SELECT count(*) FROM rates"),
            "validators": count("SELECT count(*) FROM validators"),
            "pending_stories": count("SELECT count(*) FROM p_stories"),
            "pending_runs": [r.run_id for r in self.pending_runs()],
            "runs": count("SELECT count(*) FROM runs"),
            "last_runs": [asdict(self._run_info(r)) for r in runs],
            "bytes": size,
            "bytes_per_story": round(size / stories) if stories else None,
        }

    def story_history(self, story_id: str) -> dict[str, Any] | None:
        """Current state, aliases and revisions of a story (pending ones flagged)."""
        row = self.get_story(story_id)
        if row is None:
            return None
        aliases = sorted(
            {
                str(u)
                for (u,) in self._conn.execute(
                    "SELECT url FROM aliases WHERE story_id = ? UNION "
                    "SELECT url FROM p_aliases WHERE story_id = ?",
                    (story_id, story_id),
                )
            }
        )
        revisions = []
        for table, pending in (("revisions", False), ("p_revisions", True)):
            for rev, chash, dm, verdict, run_id in self._conn.execute(
                f"SELECT r.revision, r.content_hash, r.date_modified, r.verdict, "
                f"(SELECT run_id FROM runs WHERE run_no = r.run_no) FROM {table} r "
                "WHERE r.story_id = ? ORDER BY r.revision",
                (story_id,),
            ):
                revisions.append(
                    {
                        "revision": rev,
                        "content_hash": bytes(chash).hex(),
                        "date_modified": dm,
                        "verdict": verdict,
                        "run_id": run_id,
                        "pending": pending,
                    }
                )
        revisions.sort(key=lambda r: (r["revision"], r["pending"]))
        story = asdict(row)
        for key in ("signature", "paragraphs"):
            story[key] = len(story[key])  # sizes, not bytes, in a human report
        return {"story": story, "aliases": aliases, "revisions": revisions}


def recover_pending_runs(
    store: StoryStore, is_published: Callable[[RunInfo], bool]
) -> list[tuple[str, str]]:
    """Resolve the runs a crash left pending; call at start-up before ``begin_run``.

    A run is committed when ``is_published(run)`` says its output file is in place (the
    default check, :func:`output_published`, wants status ``prepared`` and the file on
    disk); otherwise it is discarded. Returns ``[(run_id, "committed" | "discarded")]``.
    """
    done = []
    for run in store.pending_runs():
        if is_published(run):
            store.commit_run(run.run_id)
            done.append((run.run_id, COMMITTED))
        else:
            store.discard_run(run.run_id)
            done.append((run.run_id, DISCARDED))
    return done


def output_published(run: RunInfo) -> bool:
    """Default publication test: the run reached ``prepare_run`` and its output exists."""
    return run.status == PREPARED and bool(run.output) and Path(str(run.output)).exists()
