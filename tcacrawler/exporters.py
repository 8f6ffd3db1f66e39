"""JSON Lines output that no line reader can split, published atomically."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import secrets
import stat
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter
from scrapy.extensions.feedexport import FileFeedStorage
from twisted.python.failure import Failure

from tcacrawler.items import exported_field_names
from tcacrawler.signals import output_ready
from tcacrawler.store import fsync_directory

# json.dumps(ensure_ascii=False) leaves these raw, and str.splitlines() and
# many JSON Lines readers treat them as line ends.
LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_LINE_BREAKER_TABLE = str.maketrans(LINE_BREAKERS)


# What json.dumps(record, ensure_ascii=False, separators=(",", ":")) builds on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_line(record: dict[str, Any]) -> str:
    line = _ENCODER.encode(record)
    # str.translate() with a table walks a non-ASCII string character by character in
    # Python's slow path (a third of a millisecond for an article); these are rare.
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        line = line.translate(_LINE_BREAKER_TABLE)
    return line


def temporary_file_beside(target: Path) -> tuple[int, str]:
    """An open hidden temporary file in ``target``'s directory, to be renamed to ``target``.

    Created as ``open()`` creates a file, 0666 less the process's umask at that moment
    (mkstemp's 0600 would survive the rename, and a downstream job reading the output as
    another user could not open it).
    """
    for _ in range(100):
        temp_path = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            return os.open(temp_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666), str(temp_path)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


@functools.cache
def _exported_fields(item_class: type) -> tuple[str, ...]:
    return tuple(exported_field_names(item_class))


def exportable(item: Any) -> dict[str, Any]:
    """The item as a dict, without the fields marked transient."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        # our items: what ItemAdapter would give, without its per-field metadata lookups
        # (a tenth of the time; every record goes through here twice)
        return {name: getattr(item, name) for name in _exported_fields(type(item))}
    adapter = ItemAdapter(item)
    return {
        name: value
        for name, value in adapter.items()
        if not adapter.get_field_meta(name).get("transient")
    }


# Records a feed file lost (a full disk): the run must then publish none of its files.
EXPORT_FAILED_STAT = "tca/failed/export"


class JsonLinesExporter(BaseItemExporter):
    """UTF-8 JSON Lines, one record per line, transient fields left out."""

    def __init__(self, file: IO[bytes], *, crawler: Any = None, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any, file: IO[bytes], **kwargs: Any) -> JsonLinesExporter:
        return cls(file, crawler=crawler, **kwargs)

    def export_item(self, item: Any) -> None:
        try:
            self.file.write(dumps_line(exportable(item)).encode("utf-8") + b"\n")
        except Exception:
            # (the caller logs it and goes on: the file would be published without it)
            if self.crawler is not None:
                self.crawler.stats.inc_value(EXPORT_FAILED_STAT)
            raise


class AtomicFileFeedStorage(FileFeedStorage):
    """Writes to a hidden temporary file beside the target, then renames it in.

    Readers never see a growing or torn file: the path appears only once the
    whole file is on disk (fsynced), and a killed run leaves only a dot-file.
    """

    crawler: Any = None

    @classmethod
    def from_crawler(
        cls, crawler: Any, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        storage = cls(uri, feed_options=feed_options)
        storage.crawler = crawler
        return storage

    def open(self, spider: Any) -> IO[bytes]:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_path = temporary_file_beside(target)
        if target.exists():
            # -o / -O onto an existing file: it keeps its mode, as appending to it or
            # overwriting it in place would (a group a downstream job writes it as)
            os.fchmod(handle, stat.S_IMODE(target.stat().st_mode))
        file = os.fdopen(handle, "w+b")
        if self.write_mode == "ab" and target.exists():
            file.write(target.read_bytes())
        self._temp_path = temp_path
        return file

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        if self.crawler is not None:
            # The story store makes the run's writes durable before the file appears;
            # if it cannot, the file must not appear either.
            for _, outcome in self.crawler.signals.send_catch_log(
                signal=output_ready, path=self.path
            ):
                if isinstance(outcome, Failure):
                    os.unlink(self._temp_path)
                    outcome.raiseException()
        os.replace(self._temp_path, self.path)
        fsync_directory(Path(self.path).parent)
