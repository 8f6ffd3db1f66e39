"""`scrapy genspider -t wordpress NAME DOMAIN` scaffolds a working WordPress spider
from the project's template (settings.TEMPLATES_DIR)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from tcacrawler.pages.wordpress import WordPressArticlePage
from tcacrawler.spiders.wordpress import WordPressSpider
from tests.crawling import REPO


def scrapy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(cwd), str(REPO)]),
        "SCRAPY_SETTINGS_MODULE": "tcacrawler.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_genspider_wordpress_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The new module goes to a package of the temporary directory, not into the project.
    (tmp_path / "newspiders").mkdir()
    (tmp_path / "newspiders" / "__init__.py").write_text("")
    listed = scrapy("genspider", "--list", cwd=tmp_path)
    assert "wordpress" in listed.stdout.split(), listed.stdout + listed.stderr
    done = scrapy(
        "genspider",
        "-t",
        "wordpress",
        "examplenews",
        "examplenews.example",
        "-s",
        "NEWSPIDER_MODULE=newspiders",
        cwd=tmp_path,
    )
    generated = tmp_path / "newspiders" / "examplenews.py"
    assert done.returncode == 0 and generated.is_file(), done.stdout + done.stderr

    config = str(REPO / "pyproject.toml")
    for lint in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *lint, "--config", config, str(generated)],
            capture_output=True,
            text=True,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr

    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("newspiders.examplenews")
    try:
        spider_class = module.ExamplenewsSpider
        assert issubclass(spider_class, WordPressSpider)
        assert spider_class.name == "examplenews"
        assert spider_class.base_url == "https://examplenews.example"
        assert issubclass(spider_class.page_class, WordPressArticlePage)
        assert spider_class.page_class.site == "examplenews"
        loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["newspiders"]}))
        assert loader.list() == ["examplenews"]
    finally:
        for name in ("newspiders.examplenews", "newspiders"):
            sys.modules.pop(name, None)


def test_genspider_keeps_scrapys_own_templates(tmp_path: Path) -> None:
    # TEMPLATES_DIR alone would replace Scrapy's template directory with ours.
    (tmp_path / "newspiders").mkdir()
    (tmp_path / "newspiders" / "__init__.py").write_text("")
    listed = scrapy("genspider", "--list", cwd=tmp_path).stdout.split()
    assert {"basic", "crawl", "wordpress"} <= set(listed), listed
    done = scrapy(
        "genspider", "-t", "basic", "plain", "plain.example",
        "-s", "NEWSPIDER_MODULE=newspiders", cwd=tmp_path,
    )  # fmt: skip
    generated = tmp_path / "newspiders" / "plain.py"
    assert done.returncode == 0 and generated.is_file(), done.stdout + done.stderr
    assert "class PlainSpider(scrapy.Spider)" in generated.read_text()
    missing = scrapy("genspider", "-t", "nosuch", "other", "other.example", cwd=tmp_path)
    assert "Unable to find template: nosuch" in missing.stdout


@pytest.mark.parametrize("name", ["ExampleNews", "example.news"])
def test_genspider_wordpress_refuses_a_name_records_cannot_carry(tmp_path: Path, name: str) -> None:
    # The name is the site in every story_id, which the schema allows only in lower-case
    # letters, digits, - and _: such a spider's records would all be quarantined.
    (tmp_path / "newspiders").mkdir()
    (tmp_path / "newspiders" / "__init__.py").write_text("")
    done = scrapy(
        "genspider", "-t", "wordpress", name, "examplenews.example",
        "-s", "NEWSPIDER_MODULE=newspiders", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "lower-case letters, digits, - and _" in done.stderr
    assert list((tmp_path / "newspiders").glob("*.py")) == [tmp_path / "newspiders" / "__init__.py"]


def test_a_spider_whose_site_name_records_cannot_carry_fetches_nothing(tmp_path: Path) -> None:
    (tmp_path / "newspiders").mkdir()
    (tmp_path / "newspiders" / "__init__.py").write_text("")
    (tmp_path / "newspiders" / "examplenews.py").write_text(
        "from tcacrawler.pages.wordpress import WordPressArticlePage\n"
        "from tcacrawler.spiders.wordpress import WordPressSpider\n\n\n"
        "class ArticlePage(WordPressArticlePage):\n"
        '    site = "ExampleNews"\n\n\n'
        "class ExampleNewsSpider(WordPressSpider):\n"
        '    name = "ExampleNews"\n'
        '    base_url = "http://127.0.0.1:9"\n'
        "    page_class = ArticlePage\n"
    )
    done = scrapy(
        "crawl", "ExampleNews", "-s", "SPIDER_MODULES=newspiders",
        "-s", f"TCA_OUTPUT_DIR={tmp_path / 'output'}", "-s", f"TCA_STATE_DIR={tmp_path / 'state'}",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 78, done.stderr[-3000:]
    assert "configuration error" in done.stderr and "'ExampleNews'" in done.stderr
    assert "Traceback" not in done.stderr
