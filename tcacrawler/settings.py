"""Scrapy settings for tcacrawler. Live defaults are the polite ones; the demo and
tests override only the speed settings (AUTOTHROTTLE_ENABLED, CONCURRENT_*, DOWNLOAD_DELAY)."""

from pathlib import Path

from scrapy.settings import default_settings

BOT_NAME = "tcacrawler"
SPIDER_MODULES = ["tcacrawler.spiders"]
NEWSPIDER_MODULE = "tcacrawler.spiders"
COMMANDS_MODULE = "tcacrawler.commands"
# `scrapy genspider -t wordpress NAME DOMAIN` scaffolds from templates/spiders/wordpress.tmpl
TEMPLATES_DIR = str(Path(__file__).resolve().parent / "templates")

# --- tcacrawler's own settings (see README "Settings") ---
TCA_BASE_URL = None  # points the whole crawl (and allowed domains) at a mirror; None = spider's own
TCA_SITE_TZ = None  # the site's UTC offset, e.g. "+05:00"; None = the page class default
TCA_OUTPUT_DIR = (
    "output"  # runs publish to <dir>/<site>/<run>.jsonl and <dir>/<site>/rates/<run>.jsonl
)
TCA_STATE_DIR = "state"  # the story store (SQLite) and the run lock live here
TCA_DUPLICATES = "mark"  # reposts: "mark" exports them with duplicate_of set, "drop" drops them
# net new container objects between two runs of the cyclic garbage collector (CPython's 700
# made it run every few pages, ~7% of a crawl's CPU); 0 = Python's defaults
TCA_GC_GEN0_THRESHOLD = 10_000

# --- politeness: one careful visitor, identified, that obeys robots.txt ---
USER_AGENT = "tcacrawler/0.1 (+https://github.com/tcacrawler/tcacrawler; news archiving crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = (
    8  # several sites may run in one process; each domain still gets one at a time
)
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy starts this many asyncio tasks for *every* response to work through what its
# callback yields (default 100: ~2 ms of CPU per page). An article callback yields one
# item, a sitemap only requests (scheduled at once), so a few suffice.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0  # the floor AutoThrottle never goes below
AUTOTHROTTLE_ENABLED = True  # backs off when the site slows down
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# A longer robots.txt Crawl-delay is cut to this (a warning): at 30 s a request, a backfill
# of 20,000 articles already takes a week.
TCA_CRAWL_DELAY_MAX = 30.0
RETRY_TIMES = 3  # 500/502/503/504/429 and timeouts; transient failures are common on news sites
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the spider's errbacks log each final failure once, at WARNING
TCA_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubling each time
TCA_RETRY_BACKOFF_MAX = 60.0  # the longest wait between two tries
TCA_RETRY_AFTER_MAX = 120.0  # a longer Retry-After is not waited for: the request gives up
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = (
    16 * 1024 * 1024
)  # no article page or sitemap is bigger; also bounds decompression
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False  # nothing we fetch needs a session
TELNETCONSOLE_ENABLED = False  # an open debug port has no place on a cron host
REMOTE_CONTROL_ENABLED = False  # the same for Scrapy's code-executing HTTP endpoint
DOWNLOAD_VERIFY_CERTIFICATES = True  # Scrapy's default is not to verify certificates
REDIRECT_MAX_TIMES = 5  # legacy URLs redirect once; more hops mean a loop
LOGSTATS_INTERVAL = 30.0  # a progress line every 30 s on long runs
# Scrapy's, less a per-attribute-access shim that costs 5-10 us per stat update.
STATS_CLASS = "tcacrawler.stats.MemoryStatsCollector"
# Scrapy re-reads and re-parses a generator callback's source on every response to warn
# about `return value` in generators (its cache is keyed by bound methods, which die at
# once): ~0.2 ms of CPU per page. Our callbacks are tested; the warning has nothing to say.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Each spider middleware wraps everything a callback yields (items and the thousands of
# requests a sitemap gives); these do nothing for us.
SPIDER_MIDDLEWARES = {
    # We send no Referer: the User-Agent says who we are, and the site needs no referrals.
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    # Listing depth is bounded by the spider itself (tca_listing_depth); no DEPTH_LIMIT.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # A development aid (warns about copied meta keys); our requests build their own meta.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    # These two would wrap every callback's output in an async generator each (~0.2 ms a
    # page); the spider does their work where it makes requests instead: it marks its
    # start requests and refuses URLs longer than URLLENGTH_LIMIT (within_length_limit).
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
}

DOWNLOADER_MIDDLEWARES = {
    # Reads robots.txt from the spider's own fetch and disallows all on 5xx (RFC 9309).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "tcacrawler.robots.SiteRobotsTxtMiddleware": 100,
    # ETag / If-Modified-Since on feeds and sitemaps: an unchanged site answers 304.
    "tcacrawler.state.ConditionalRequestsMiddleware": 560,
    # Scrapy's retries re-queue at once and ignore Retry-After: wait (backoff, Retry-After).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "tcacrawler.retry.BackoffRetryMiddleware": 550,
    # An A -> B -> A redirect loop is otherwise dropped silently by the duplicate filter.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "tcacrawler.retry.LoopAwareRedirectMiddleware": 600,
    # The same for <meta> refreshes, and a cheap test first on the pages without one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "tcacrawler.retry.LoopAwareMetaRefreshMiddleware": 580,
    # Scrapy's, with an intact gzip body decompressed in one zlib call (~80 us a page).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "tcacrawler.compression.GzipFastPathMiddleware": 590,
}

ITEM_PIPELINES = {
    "tcacrawler.pipelines.BoilerplatePipeline": 100,  # clean text before anything hashes it
    "tcacrawler.pipelines.RatesPipeline": 200,  # ticker -> rate records, once per run
    "tcacrawler.pipelines.StampPipeline": 300,  # word_count, content_hash, retrieved_at
    # Before dedup: a quarantined record must not be remembered as seen, so it comes again.
    "tcacrawler.pipelines.ValidationPipeline": 350,  # what is exported matches the schema
    "tcacrawler.pipelines.StoryDedupPipeline": 400,  # one record per story; revisions
    # Last: counts what is exported, per type and per field (for the coverage monitor).
    "tcacrawler.pipelines.ExportStatsPipeline": 900,
}

FEED_EXPORTERS = {
    "jsonlines": "tcacrawler.exporters.JsonLinesExporter",
    "jsonl": "tcacrawler.exporters.JsonLinesExporter",
}
FEED_STORAGES = {
    "": "tcacrawler.exporters.AtomicFileFeedStorage",
    "file": "tcacrawler.exporters.AtomicFileFeedStorage",
}
FEED_URI_PARAMS = "tcacrawler.feeds.uri_params"
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = (
    True  # every run publishes its file, so readers can tell "nothing new" from "no run"
)
# Rates first: the articles file is published last, so when it exists (the store's
# crash-recovery test) every file of the run does.
FEEDS = {
    "%(output_dir)s/%(output_name)s/rates/%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["tcacrawler.items.RateItem"],
    },
    "%(output_dir)s/%(output_name)s/%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["tcacrawler.items.ArticleItem"],
    },
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"

# Scrapy's, less the remote control (off anyway, REMOTE_CONTROL_ENABLED): Scrapy 2.19
# imports every extension path it lists to compare classes, even one set to None in
# EXTENSIONS, and that one imports aiohttp, which builds SSL contexts at import: 0.2-0.3 s
# of CPU on every run.
EXTENSIONS_BASE = {
    path: order
    for path, order in default_settings.EXTENSIONS_BASE.items()
    if path != "scrapy.extensions.remote_control.RemoteControl"
}
EXTENSIONS = {
    # Scrapy's, never below a robots.txt Crawl-delay (a fast response would undo it).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "tcacrawler.throttle.CrawlDelayAutoThrottle": 0,
    # Spares the garbage collector the start-up heap and most runs; see the class.
    "tcacrawler.extensions.CollectorTuning": 0,
    # DEBUG lines (two a page) cost CPU even when LOG_LEVEL drops them; see the class.
    "tcacrawler.extensions.LogLevelFloor": 0,
    # The story store: one run at a time, pending writes committed once files are published.
    "tcacrawler.state.StoryState": 0,
    # Monitors run at spider close and must finish before the manifest is written.
    "tcacrawler.monitors.HealthMonitors": 5,
    "tcacrawler.extensions.RunManifest": 10,
}

# --- health monitors (Spidermon; see README "Monitors"); a failure means exit code 3 ---
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["tcacrawler.monitors.HealthMonitorSuite"]
TCA_MONITOR_MIN_ARTICLES_FULL = 1  # a full run that exports no article is broken
TCA_MONITOR_MAX_ERROR_RATIO = 0.05  # (failed requests + ERROR lines) / requests sent
TCA_MONITOR_MAX_BAD_STATUS_RATIO = 0.10  # 4xx/5xx responses / responses, retries included
TCA_MONITOR_MAX_FALLBACK_RATIO = 0.02  # articles that needed generic extraction
# A ratio check fails only above this many cases: one 404 in a five-request hourly run
# (a story deleted while a cached sitemap still lists it) is 20% but no outage.
TCA_MONITOR_RATIO_ALLOWANCE = 2
TCA_MONITOR_MAX_INVALID = 0  # records that failed the JSON Schema (quarantined)
# Share of exported articles that must carry each field; a drop means the markup changed.
TCA_MONITOR_FIELD_COVERAGE = {"headline": 0.98, "article_body": 0.98, "date_published": 0.98}
