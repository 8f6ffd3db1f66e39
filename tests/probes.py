"""Extensions that tests add to a real crawl to look inside it."""

from __future__ import annotations

import gc
import logging
import sys
from typing import Any

from scrapy import signals

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
