"""Generation presets: the sites the tests, fixtures and CLI can serve.

``generate_site(n, seed, base_url, **PRESETS[name])``.
"""

from __future__ import annotations

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # The Times of Central Asia: Yoast, JSON-LD, ticker, two templates (the defaults).
    "timesca": {},
    # A second, differently themed WordPress news site: its own class names, no SEO
    # plugin (so no JSON-LD), no ticker, UTC+06:00, and WordPress core sitemaps that
    # robots.txt does not name (the spider has to probe for /wp-sitemap.xml).
    "steppeherald": {
        "site_name": "steppeherald",
        "display_name": "Steppe Herald",
        "tagline": "News and views from the great steppe",
        "tz_offset_minutes": 6 * 60,
        "ticker": False,
        "theme_mix": {"herald": 1.0},
        "listing_theme": "herald",
        "jsonld_share": 0.0,
        "sitemap_style": "core",
        "robots_sitemap": False,
    },
}
# Where each site lives on the web (the fixtures are written as if fetched from there).
PUBLIC_BASE_URLS: dict[str, str] = {
    "timesca": "https://timesca.com",
    "steppeherald": "https://steppeherald.example",
}
