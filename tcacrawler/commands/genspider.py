"""`scrapy genspider`, finding Scrapy's own templates as well as the project's.

``TEMPLATES_DIR`` replaces Scrapy's template directory rather than adding to it, so
with only the project's ``wordpress`` template there, ``-t basic`` and ``-t crawl``
would be gone. A template name is looked up in the project's directory first (its
templates win), then in Scrapy's."""

from __future__ import annotations

import argparse
from pathlib import Path

import scrapy
from scrapy.commands.genspider import Command as ScrapyGenspiderCommand
from scrapy.exceptions import UsageError

from tcacrawler.spiders.wordpress import SITE_NAME

SCRAPY_TEMPLATES = Path(scrapy.__path__[0], "templates", "spiders")


class Command(ScrapyGenspiderCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # A wordpress spider's name is its site name, which starts every story_id: one the
        # schema refuses would have every record quarantined.
        template = Path(opts.template).name.removesuffix(".tmpl")
        if template == "wordpress" and len(args) == 2 and not SITE_NAME.match(args[0]):
            raise UsageError(
                f"spider name {args[0]!r}: a wordpress spider's name is the site name in its "
                "records: use lower-case letters, digits, - and _"
            )
        super().run(args, opts)

    def _template_dirs(self) -> list[Path]:
        return list(dict.fromkeys([Path(self.templates_dir), SCRAPY_TEMPLATES]))

    def _find_template(self, template: str) -> Path | None:
        filename = template if template.endswith(".tmpl") else f"{template}.tmpl"
        for template_file in (Path(filename), *(d / filename for d in self._template_dirs())):
            if template_file.exists():
                return template_file
        return super()._find_template(template)  # prints Scrapy's "Unable to find" help

    def _list_templates(self) -> None:
        names = sorted(
            {f.stem for d in self._template_dirs() if d.is_dir() for f in d.glob("*.tmpl")}
        )
        print("Available templates:", *(f"  {name}" for name in names), sep="\n")
