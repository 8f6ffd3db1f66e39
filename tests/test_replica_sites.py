"""The replica's second site (Steppe Herald) and the themes added for fallback tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from lxml import etree, html

from replica import SiteApp, generate_site
from replica.presets import PRESETS

BASE = "https://steppeherald.example"
SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def herald() -> SiteApp:
    return SiteApp(generate_site(n_stories=40, seed=3, base_url=BASE, **PRESETS["steppeherald"]))


def test_same_seed_same_bytes() -> None:
    pages = []
    for _ in range(2):
        site = generate_site(n_stories=20, seed=3, base_url=BASE, **PRESETS["steppeherald"])
        pages.append(SiteApp(site).handle(site.stories[7].path).body)
    assert pages[0] == pages[1]


def test_core_sitemaps_list_every_post_once(herald: SiteApp) -> None:
    site = herald.site
    robots = herald.handle("/robots.txt").body.decode()
    assert "Sitemap:" not in robots and "Disallow: /wp-admin/" in robots
    assert herald.handle("/sitemap_index.xml").status == 404
    assert herald.handle("/post-sitemap.xml").status == 404
    moved = herald.handle("/sitemap.xml")
    assert (moved.status, dict(moved.headers)["Location"]) == (301, f"{BASE}/wp-sitemap.xml")
    index = etree.fromstring(herald.handle("/wp-sitemap.xml").body)
    children = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SM)
    assert f"{BASE}/wp-sitemap-posts-post-1.xml" in children
    assert not index.xpath("//sm:lastmod", namespaces=SM)  # core writes none
    posts = []
    for child in children:
        response = herald.handle(child.removeprefix(BASE))
        assert response.status == 200
        locs = etree.fromstring(response.body).xpath("//sm:loc/text()", namespaces=SM)
        if "posts-post" in child:
            posts += locs
    assert sorted(posts) == sorted(s.url for s in site.stories)
    assert herald.handle("/wp-sitemap-posts-post-9.xml").status == 404


def test_herald_pages(herald: SiteApp) -> None:
    for truth in herald.site.truth():
        response = herald.handle(truth["url"].removeprefix(BASE))
        assert response.status == 200
        tree = html.fromstring(response.body)
        assert not tree.xpath('//script[@type="application/ld+json"]')
        assert "/USD =" not in response.body.decode()
        assert tree.xpath('//h1[@class="sh-headline"]/text()') == [truth["headline"]]
        assert not tree.xpath("//article") and not tree.xpath('//*[@class="entry-content"]')
        published = datetime.fromisoformat(truth["date_published"])
        assert published.utcoffset() == timedelta(hours=6)
        og = tree.xpath('//meta[@property="article:published_time"]/@content')
        assert [datetime.fromisoformat(t) for t in og] == [published]
        assert tree.xpath('//link[@rel="shortlink"]/@href') == truth["aliases"]


def test_elementor_theme_has_no_known_containers() -> None:
    site = generate_site(n_stories=10, seed=3, base_url=BASE, theme_mix={"elementor": 1.0})
    app = SiteApp(site)
    for story in site.stories:
        tree = html.fromstring(app.handle(story.path).body)
        content = tree.xpath('//*[contains(@class, "elementor-widget-theme-post-content")]')
        assert len(content) == 1
        assert not tree.xpath('//*[contains(@class, "entry-content") or @class="td-post-content"]')
        assert tree.xpath("//h1/text()") == [story.headline]
