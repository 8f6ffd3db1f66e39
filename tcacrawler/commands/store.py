"""scrapy store: inspect, reset or rebuild a spider's story store.

scrapy store stats SPIDER              counts and the last runs
scrapy store history SPIDER STORY_ID   one story: aliases and revisions
scrapy store forget SPIDER STORY_ID    the story is exported again as new next run
scrapy store forget-all SPIDER --yes   every story, rate and validator
scrapy store rebuild SPIDER            from the published files under TCA_OUTPUT_DIR
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from tcacrawler.health import ExitCode
from tcacrawler.lock import AlreadyRunning, RunLock
from tcacrawler.state import state_paths
from tcacrawler.store import (
    SQLiteStore,
    StoreError,
    fsync_directory,
    output_published,
    recover_pending_runs,
)
from tcacrawler.urls import normalize_url

ACTIONS = ("stats", "history", "forget", "forget-all", "rebuild")
READ_ONLY_ACTIONS = ("stats", "history")


def published_records(output_dir: Path, spider: str) -> Iterator[dict[str, Any]]:
    """Every record of every published run file, oldest run first, URLs normalised
    as the crawl stores them. Temporary (unpublished) files are never read."""
    site_dir = output_dir / spider
    files = sorted(site_dir.glob("*.jsonl")) + sorted((site_dir / "rates").glob("*.jsonl"))
    for path in sorted(files, key=lambda p: p.name):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    record = json.loads(line)
                except ValueError as error:
                    raise StoreError(f"{path}:{number} is not a JSON record ({error})") from None
                if record.get("type") == "article":
                    url = normalize_url(record["url"])
                    aliases = {normalize_url(a) for a in record.get("aliases", [])} - {url}
                    record = {**record, "url": url, "aliases": sorted(aliases)}
                yield record


def resolve_interrupted_runs(store: SQLiteStore) -> None:
    """What the next crawl would do with a killed run's pending writes: they block every
    change to the store until resolved, and with the lock held no live run owns them."""
    for run_id, outcome in recover_pending_runs(store, output_published):
        print(f"run {run_id} was interrupted; its store writes were {outcome}")


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return f"{{{'|'.join(ACTIONS)}}} SPIDER [STORY_ID] [--yes]"

    def short_desc(self) -> str:
        return "Inspect, reset or rebuild a spider's story store"

    def long_desc(self) -> str:
        return __doc__ or ""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--yes", action="store_true", help="confirm forget-all")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 2 or args[0] not in ACTIONS:
            raise UsageError(f"usage: scrapy store {self.syntax()}")
        action, spider = args[0], args[1]
        story_id = args[2] if len(args) > 2 else None
        if action in ("history", "forget") and not story_id:
            raise UsageError(f"scrapy store {action} needs a STORY_ID")
        store_path, lock_path = state_paths(self.settings, spider)
        lock = RunLock(lock_path)
        locked = False
        try:
            lock.acquire()
            locked = True
        except AlreadyRunning as busy:
            if action not in READ_ONLY_ACTIONS:
                print(f"tcacrawler: {busy}", file=sys.stderr)
                self.exitcode = int(ExitCode.LOCKED)
                return
            # The store is in WAL mode: a reader sees the last commit and never blocks the
            # crawl, so the on-call can follow a backfill that holds the lock for hours.
            print(
                "tcacrawler: a crawl is running; this is the store as of its last commit",
                file=sys.stderr,
            )
        try:
            self.exitcode = self.act(action, spider, store_path, story_id, opts)
        except StoreError as error:
            print(f"tcacrawler: story store {store_path}: {error}", file=sys.stderr)
            self.exitcode = int(ExitCode.CONFIG_OR_STORE)
        finally:
            if locked:
                lock.release()

    def act(
        self, action: str, spider: str, store_path: Path, story_id: str | None, opts: Any
    ) -> int:
        if action == "rebuild":
            return self.rebuild(spider, store_path)
        if not store_path.exists():
            print(f"no story store at {store_path} yet")
            return 0
        with SQLiteStore(store_path) as store:
            if action in ("forget", "forget-all"):
                resolve_interrupted_runs(store)
            if action == "stats":
                print(json.dumps(store.stats(), indent=2, default=str))
            elif action == "history":
                assert story_id is not None
                history = store.story_history(story_id)
                if history is None:
                    print(f"{story_id} is not in the store", file=sys.stderr)
                    return 1
                print(json.dumps(history, indent=2, default=str))
            elif action == "forget":
                assert story_id is not None
                forgotten = store.forget_story(story_id)
                print(f"{story_id}: {'forgotten' if forgotten else 'was not in the store'}")
            elif action == "forget-all":
                if not opts.yes:
                    raise UsageError("forget-all re-exports everything next run: add --yes")
                store.forget_all()
                print("the store forgot every story, rate and validator")
        return 0

    def rebuild(self, spider: str, store_path: Path) -> int:
        damaged: StoreError | None = None
        if store_path.exists():
            try:
                SQLiteStore(store_path).close()
            except StoreError as error:
                damaged = error
        assert self.settings is not None
        output_dir = Path(self.settings.get("TCA_OUTPUT_DIR"))
        records = published_records(output_dir, spider)
        if store_path.exists() and damaged is None:
            with SQLiteStore(store_path) as store:  # one transaction: all or nothing
                resolve_interrupted_runs(store)
                counts = store.rebuild_from_records(records)
        else:
            # Built beside it and renamed into place once complete: a rebuild that stops
            # midway must leave the damaged store (refused), never an empty one, which the
            # next crawl would take as knowing nothing and export every story again.
            building = store_path.with_name(f".{store_path.name}.rebuild")
            partial = (building, Path(f"{building}-wal"), Path(f"{building}-shm"))
            for leftover in partial:
                leftover.unlink(missing_ok=True)  # an earlier rebuild's; the lock is ours
            try:
                with SQLiteStore(building) as store:
                    counts = store.rebuild_from_records(records)
            except BaseException:
                for leftover in partial:
                    leftover.unlink(missing_ok=True)
                raise
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            if damaged is not None:
                aside = store_path.with_name(f"{store_path.name}.damaged-{stamp}")
                # a link, not a rename: until the new store replaces it, the damaged one
                # stays where a crawl finds it and refuses it
                os.link(store_path, aside)
                print(f"the damaged store ({damaged}) was moved to {aside}")
            else:
                # A store deleted by hand after a killed run leaves its journal: SQLite
                # would apply it to the new store renamed in beside it (malformed, or worse).
                aside = store_path.with_name(f"{store_path.name}.deleted-{stamp}")
            for suffix in ("-wal", "-shm"):
                extra = Path(f"{store_path}{suffix}")
                if extra.exists():
                    extra.rename(Path(f"{aside}{suffix}"))
                    if damaged is None:
                        print(f"the deleted store's {extra.name} was moved to {aside}{suffix}")
            os.replace(building, store_path)
            fsync_directory(store_path.parent)
        print(f"rebuilt {store_path} from {output_dir / spider}: {json.dumps(counts)}")
        return 0
