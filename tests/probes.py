"""Extensions that tests add to a real crawl to look inside it."""

from __future__ import annotations

import errno
import gc
import logging
import os
import signal
import sys
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.extensions.corestats import CoreStats
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

logger = logging.getLogger(__name__)


class RootLevelProbe:
    """Logs, when the first response arrives, the level Scrapy's per-page DEBUG lines are
    checked against, whether aiohttp was imported, and the garbage collector's state."""

    def __init__(self) -> None:
        self.seen = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> RootLevelProbe:
        probe = cls()
        crawler.signals.connect(probe.response_received, signal=signals.response_received)
        return probe

    def response_received(self) -> None:
        if not self.seen:
            self.seen = True
            level = logging.getLogger("scrapy.core.scraper").getEffectiveLevel()
            logger.info("scrapy.core.scraper level at the first page: %d", level)
            logger.info("aiohttp imported at the first page: %s", "aiohttp" in sys.modules)
            logger.info(
                "gc at the first page: threshold %s, frozen %d",
                gc.get_threshold(),
                gc.get_freeze_count(),
            )


class ItemScrapedProbe:
    """Logs, when the first response arrives, the receivers of ``item_scraped``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.seen = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ItemScrapedProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.response_received, signal=signals.response_received)
        # a receiver of its own, which the last pipeline must leave on the signal
        crawler.signals.connect(probe.item_scraped, signal=signals.item_scraped)
        return probe

    def item_scraped(self) -> None:
        pass

    def response_received(self) -> None:
        if not self.seen:
            self.seen = True
            from pydispatch.dispatcher import getAllReceivers, liveReceivers

            sender = self.crawler.signals.sender
            names = sorted(
                type(receiver.__self__).__name__
                for receiver in liveReceivers(getAllReceivers(sender, signals.item_scraped))
                if hasattr(receiver, "__self__")
            )
            logger.info("item_scraped receivers at the first page: %s", ", ".join(names))


class DropEverySecondArticle:
    """An item pipeline that drops every second article."""

    def __init__(self) -> None:
        self.articles = 0

    def process_item(self, item: Any) -> Any:
        if getattr(item, "type", None) == "article":
            self.articles += 1
            if self.articles % 2 == 0:
                raise DropItem("every second article")
        return item


class FailingCoreStats(CoreStats):
    """Scrapy's core stats, failing on every scraped item."""

    def item_scraped(self, item: Any, spider: Any) -> None:
        raise RuntimeError("the receiver failed")


class LoopbackResolver(CachingThreadedResolver):
    """``TWISTED_DNS_RESOLVER`` for crawls of a replica served under a host name: every
    name under the reserved ``.test`` domain (RFC 6761) is the loopback address, so a
    crawl can meet the site's ``www.`` name and its own as two hosts."""

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        if name.lower().endswith(".test"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)


class KillBeforeSecondOutput:
    """SIGKILLs the crawl when its second output file is about to be renamed into place:
    the first (rates) is published, the second (articles) never appears."""

    def __init__(self) -> None:
        self.outputs = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> KillBeforeSecondOutput:
        from tcacrawler.signals import output_ready

        probe = cls()
        crawler.signals.connect(probe.output_ready, signal=output_ready)
        return probe

    def output_ready(self, path: str) -> None:
        self.outputs += 1
        if self.outputs == 2:
            os.kill(os.getpid(), signal.SIGKILL)


class InterruptTwice:
    """Sends the crawl SIGINT twice on its fifth response, as an operator who presses
    Ctrl-C again (or a supervisor that repeats SIGTERM): Scrapy's forced shutdown."""

    def __init__(self) -> None:
        self.responses = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> InterruptTwice:
        probe = cls()
        crawler.signals.connect(probe.response_received, signal=signals.response_received)
        return probe

    def response_received(self) -> None:
        self.responses += 1
        if self.responses == 5:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)


class _FullDisk:
    """A feed file whose next ``writes`` writes fail as on a full disk."""

    def __init__(self, file: Any, writes: int) -> None:
        self._file = file
        self._writes = writes

    def write(self, data: bytes) -> int:
        if self._writes > 0:
            self._writes -= 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return int(self._file.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class DiskFullForAWhile:
    """The disk holding the articles file fills up for three records, then has room
    again (another job's temporary file came and went) before the run ends.

    An item pipeline just before the exporting one: at the fifth article it fills the
    disk before that article is written. (Counting item_scraped signals instead raced
    the export: Scrapy runs their receivers as tasks, which under load ran only after
    the last records were written.)
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.articles = 0
        self.filled = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> DiskFullForAWhile:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if getattr(item, "type", None) != "article":
            return item
        self.articles += 1
        if self.articles >= 5 and not self.filled:
            from scrapy.extensions.feedexport import FeedExporter

            for slot in self.crawler.get_extension(FeedExporter).slots:
                # (a slot opens its file at its first record)
                if "rates" not in str(slot.uri) and slot.exporter is not None:
                    slot.exporter.file = _FullDisk(slot.exporter.file, writes=3)
                    self.filled = True
        return item
