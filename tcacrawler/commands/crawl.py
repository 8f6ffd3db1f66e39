"""`scrapy crawl`, with exit codes a cron job can act on (see README "Exit codes")."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred

from tcacrawler.config import (
    ConfigError,
    check_directories,
    check_settings,
    check_spider_arguments,
)
from tcacrawler.health import EXIT_CODE_STAT, ExitCode
from tcacrawler.state import RunLocked

logger = logging.getLogger(__name__)


def _stats(crawler: Any) -> Any:
    try:
        return crawler.stats
    except RuntimeError:  # the crawl never started (bootstrap failed)
        return None


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Here, with the -s values applied: Scrapy configures logging (LOG_LEVEL) as soon
        # as this returns, before run().
        try:
            check_settings(self.settings)
        except ConfigError as error:
            print(f"tcacrawler: configuration error: {error}", file=sys.stderr)
            sys.exit(int(ExitCode.CONFIG_OR_STORE))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
            spargs = check_spider_arguments(spidercls, opts.spargs, self.settings)
            check_directories(self.settings)  # last: creates them
        except KeyError:
            raise UsageError(f"unknown spider {args[0]!r}") from None
        except ConfigError as error:
            print(f"tcacrawler: configuration error: {error}", file=sys.stderr)
            self.exitcode = int(ExitCode.CONFIG_OR_STORE)
            return
        crawler = self._create_crawler(args[0])
        config_errors: list[BaseException] = []
        # A second SIGINT/SIGTERM stops the reactor where it stands: the engine never
        # stops, nothing is published, no monitor runs, and nothing else says so.
        engine: list[str] = []

        def spider_opened() -> None:
            engine.append("opened")

        def engine_stopped() -> None:
            engine.append("stopped")

        crawler.signals.connect(spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(engine_stopped, signal=signals.engine_stopped)

        def check_bootstrap(error: BaseException | None) -> None:
            if isinstance(error, ConfigError | RunLocked):
                config_errors.append(error)
            elif error is not None:
                logger.error("The crawl could not start", exc_info=error)

        started: Any = self.crawler_process.crawl(crawler, **spargs)
        if isinstance(started, Deferred):
            started.addErrback(lambda failure: check_bootstrap(failure.value))
        else:  # an asyncio Task under the asyncio reactor
            started.add_done_callback(
                lambda task: check_bootstrap(None if task.cancelled() else task.exception())
            )
        self.crawler_process.start()
        if config_errors and isinstance(config_errors[0], RunLocked):
            print(f"tcacrawler: {config_errors[0]}", file=sys.stderr)
            self.exitcode = int(ExitCode.LOCKED)
        elif config_errors:
            print(f"tcacrawler: configuration error: {config_errors[0]}", file=sys.stderr)
            self.exitcode = int(ExitCode.CONFIG_OR_STORE)
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif "opened" in engine and "stopped" not in engine:
            print(
                "tcacrawler: the run was forced to stop before it finished (a second "
                "SIGINT or SIGTERM); what it did not publish is left to the next run",
                file=sys.stderr,
            )
            self.exitcode = int(ExitCode.UNHEALTHY)
        stats = _stats(crawler)
        if stats is not None:
            self.exitcode = max(self.exitcode, int(stats.get_value(EXIT_CODE_STAT, ExitCode.OK)))
