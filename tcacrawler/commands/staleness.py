"""scrapy staleness --hours N [--site timesca]: exit 3 when no healthy run is recent enough."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from scrapy.commands import ScrapyCommand

from tcacrawler.staleness import add_arguments, check


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "--hours N [--site NAME]"

    def short_desc(self) -> str:
        return "Exit non-zero when no healthy run has been published for N hours"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_arguments(parser)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel:  # one line of output for cron mail, not Scrapy's banner
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        output_dir = Path(self.settings.get("TCA_OUTPUT_DIR") or "output")
        verdict = check(output_dir, opts.site, timedelta(hours=opts.hours))
        print(verdict.message, file=sys.stdout if verdict.fresh else sys.stderr)
        self.exitcode = verdict.exit_code
