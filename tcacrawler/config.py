"""Up-front checks of settings and spider arguments, so that a bad cron line fails with
one clear line and exit code 78 (EX_CONFIG) before anything is fetched."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.settings import default_settings

from tcacrawler import settings as project_settings
from tcacrawler.dates import parse_offset


class ConfigError(ValueError):
    """A setting or spider argument that cannot work; the message is one line for humans."""


# Settings with an integer default that Scrapy reads with getfloat: they take fractions.
# Every other integer-valued setting is read with getint, which refuses "1.5" and "1e4".
READ_AS_FLOAT = frozenset({"DNS_TIMEOUT", "DOWNLOAD_TIMEOUT"})
# The directories a crawl writes to; created and test-written before it starts.
WRITABLE_DIRECTORIES = ("TCA_OUTPUT_DIR", "TCA_STATE_DIR")


def _typed_default(name: str) -> Any:
    if hasattr(project_settings, name):
        return getattr(project_settings, name)
    return getattr(default_settings, name, None)


def check_settings(settings: Any) -> None:
    """Every setting that arrived as text (``-s``, environment) parses as its default's type.

    Scrapy reads most settings lazily, deep inside a component, and turns a typo like
    ``-s DOWNLOAD_TIMEOUT=2s`` into a traceback; this reads them all first.
    """
    for name, attribute in list(settings.attributes.items()):
        value = attribute.value
        if not isinstance(value, str):
            continue
        default = _typed_default(name)
        try:
            if isinstance(default, bool):
                kind = "boolean (0/1, true/false)"
                settings.getbool(name)
            elif isinstance(default, int) and name not in READ_AS_FLOAT:
                kind = "integer"
                int(value)
            elif isinstance(default, int | float):
                kind = "number"
                float(value)
            elif isinstance(default, dict):
                kind = "JSON object"
                if not isinstance(json.loads(value), dict):
                    raise ValueError("not an object")
        except ValueError:
            raise ConfigError(f"setting {name}={value!r} is not a valid {kind}") from None
    tz = settings.get("TCA_SITE_TZ")
    if tz:
        try:
            parse_offset(str(tz))
        except ValueError as error:
            raise ConfigError(f"setting TCA_SITE_TZ: {error}") from None
    base = settings.get("TCA_BASE_URL")
    if base:
        check_base_url("setting TCA_BASE_URL", str(base))
    _check_log_levels(settings)
    _check_ratios(settings)


def _check_log_levels(settings: Any) -> None:
    """``LOG_LEVEL`` and the like: Scrapy hands the name to logging, which knows only
    its upper-case names (``INFO``, not ``info`` nor ``20``)."""
    names = logging.getLevelNamesMapping()
    for name in list(settings):
        if not name.endswith("LOG_LEVEL"):
            continue  # (reading every setting would warn about deprecated ones)
        value = settings.get(name)
        if isinstance(value, str) and value not in names:
            raise ConfigError(
                f"setting {name}={value!r} is not a log level: use one of {', '.join(names)}"
            )


def _check_ratios(settings: Any) -> None:
    for name in list(settings):
        if not (name.startswith("TCA_MONITOR_") and name.endswith("_RATIO")):
            continue
        value = settings.getfloat(name)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"setting {name}={value} must be a ratio between 0 and 1")
    coverage = settings.get("TCA_MONITOR_FIELD_COVERAGE")
    if coverage is not None:
        rules = settings.getdict("TCA_MONITOR_FIELD_COVERAGE")
        for field_name, minimum in rules.items():
            if not isinstance(minimum, int | float) or not 0 <= minimum <= 1:
                raise ConfigError(
                    f"setting TCA_MONITOR_FIELD_COVERAGE: {field_name!r} needs a ratio "
                    f"between 0 and 1, not {minimum!r}"
                )


def check_base_url(what: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}={url!r} is not an http(s) URL with a host name")


def check_directories(settings: Any) -> None:
    """Creates ``TCA_OUTPUT_DIR`` and ``TCA_STATE_DIR`` and writes a file in each, so that
    a directory the run cannot write fails now, not after the crawl (or as a traceback).
    Run it after the other checks: a bad configuration leaves nothing on disk."""
    for name in WRITABLE_DIRECTORIES:
        value = settings.get(name)
        if not value:
            raise ConfigError(f"setting {name} is empty: give the directory to write to")
        try:
            directory = Path(str(value))
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory, prefix=".write-test-") as probe:
                probe.write(b"x")
                probe.flush()
        except OSError as error:
            raise ConfigError(
                f"setting {name}={str(value)!r} is not a writable directory: {error}"
            ) from None


def check_spider_arguments(
    spidercls: type, spargs: dict[str, Any], settings: Any = None
) -> dict[str, Any]:
    """The arguments every WordPress spider takes (others pass through to the spider).

    Returns the arguments to crawl with: ``-a urls=`` paths resolved against the site's
    base URL (``/slug/`` is ``<base>/slug/``, as the spider reads ``/robots.txt``).
    """
    from tcacrawler.spiders.wordpress import MODES, WordPressSpider

    if not issubclass(spidercls, WordPressSpider):
        return spargs
    mode = spargs.get("mode", "latest")
    if mode not in MODES:
        raise ConfigError(f"-a mode={mode!r} is not one of: {', '.join(MODES)}")
    if spargs.get("base_url"):
        check_base_url("-a base_url", str(spargs["base_url"]))
    # The base the spider will crawl (WordPressSpider.configure picks it the same way).
    base = (
        spargs.get("base_url")
        or (settings.get("TCA_BASE_URL") if settings is not None else None)
        or spidercls.base_url
    )
    if not base:
        raise ConfigError(f"spider {spidercls.name!r} needs a base URL: -a base_url=https://...")
    if "urls" in spargs:
        urls = _site_urls(str(spargs["urls"]), str(base).rstrip("/"))
        if not urls:
            # An empty list (a shell variable that expanded to nothing) would otherwise
            # start the whole crawl the caller meant to narrow.
            raise ConfigError("-a urls= names no URL: give U1,U2,... or leave the option out")
        spargs = {**spargs, "urls": ",".join(urls)}
    return spargs


def _site_urls(urls: str, base: str) -> list[str]:
    """``-a urls=U1,U2``: each an http(s) URL on the site's host (or its ``www.`` name),
    or a path starting with ``/`` on the site; anything else would be dropped unseen by
    the off-site filter or fail as a traceback."""
    host = (urlsplit(base).hostname or "").removeprefix("www.")
    resolved = []
    for url in (u.strip() for u in urls.split(",")):
        if not url:
            continue
        if url.startswith("/") and not url.startswith("//"):
            url = urljoin(base + "/", url.lstrip("/"))
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
        except ValueError:  # an unclosed IPv6 bracket, ...
            hostname = None
        if hostname is None or parts.scheme not in ("http", "https"):
            raise ConfigError(
                f"-a urls: {url!r} is neither an http(s) URL nor a path starting with /"
            )
        if hostname.removeprefix("www.") != host:
            raise ConfigError(
                f"-a urls: {url!r} is not on {host}, the site being crawled (www. allowed)"
            )
        resolved.append(url)
    return resolved
