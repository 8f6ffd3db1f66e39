"""`scrapy crawl`, with exit codes a cron job can act on (see README "Exit codes")."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from tcacrawler.health import EXIT_CODE_STAT, ExitCode


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        if crawler.stats is not None:
            self.exitcode = max(
                self.exitcode, int(crawler.stats.get_value(EXIT_CODE_STAT, ExitCode.OK))
            )
