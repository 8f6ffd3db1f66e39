"""Our stats collector behaves as Scrapy's, without its per-access shim."""

from __future__ import annotations

import time

from scrapy.statscollectors import MemoryStatsCollector as ScrapyCollector
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from tcacrawler.stats import MemoryStatsCollector


def _exercise(collector: ScrapyCollector) -> dict[str, object]:
    collector.open_spider()
    collector.inc_value("a")
    collector.inc_value("a", 2)
    collector.inc_value("b", start=10)
    collector.set_value("c", "x")
    collector.max_value("m", 3)
    collector.max_value("m", 1)
    collector.min_value("n", 3)
    collector.min_value("n", 1)
    collector.set_stats({**collector.get_stats(), "d": 1})
    return {
        **collector.get_stats(),
        "a?": collector.get_value("a"),
        "z?": collector.get_value("z", 7),
    }


def test_same_results_as_scrapys_collector() -> None:
    crawler = get_crawler()
    assert _exercise(MemoryStatsCollector(crawler)) == _exercise(ScrapyCollector(crawler))


def test_the_project_uses_it() -> None:
    assert load_object(get_project_settings()["STATS_CLASS"]) is MemoryStatsCollector


def test_an_update_costs_less_than_through_scrapys_shim() -> None:
    crawler = get_crawler()
    costs = []
    for collector in (MemoryStatsCollector(crawler), ScrapyCollector(crawler)):
        started = time.perf_counter()
        for _ in range(20_000):
            collector.inc_value("k")
        costs.append(time.perf_counter() - started)
    assert costs[0] * 3 < costs[1]
