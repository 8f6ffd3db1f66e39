"""Tests for the local timesca.com replica (replica/)."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html
from protego import Protego

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from replica import ReplicaServer, Site, SiteApp, generate_site  # noqa: E402
from replica.feeds import robots_txt  # noqa: E402
from replica.text import SPAM_TERMS  # noqa: E402

SITE_TZ = timezone(timedelta(hours=5))
SM_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}
RESULTS_RE = re.compile(r"Viewing results (\d+) - (\d+) of (\d+)")


# --------------------------------------------------------------------------- helpers


class Resp:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def tree(self) -> html.HtmlElement:
        return html.fromstring(self.body)


_CONNS: dict[tuple[str, int], http.client.HTTPConnection] = {}


def fetch(
    url_or_base: str, path: str = "", headers: dict[str, str] | None = None, method: str = "GET"
) -> Resp:
    """One request over a kept-alive connection (reconnecting once if the server closed it)."""
    parts = urlsplit(url_or_base + path)
    assert parts.hostname and parts.port
    key = (parts.hostname, parts.port)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    for attempt in (1, 2):
        conn = _CONNS.get(key)
        if conn is None:
            conn = _CONNS[key] = http.client.HTTPConnection(*key, timeout=10)
        try:
            conn.request(method, target, headers=headers or {})
            r = conn.getresponse()
            body = r.read()
        except (http.client.HTTPException, OSError):
            conn.close()
            del _CONNS[key]
            if attempt == 2:
                raise
            continue
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        return Resp(r.status, hdrs, body)
    raise AssertionError("unreachable")


def path_of(url: str) -> str:
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


def text_of(el: html.HtmlElement) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def sitemap_locs(base: str) -> tuple[list[str], dict[str, str]]:
    """All <loc>s of the post sitemaps, and loc -> lastmod."""
    index = etree.fromstring(fetch(base, "/sitemap_index.xml").body)
    locs: list[str] = []
    lastmods: dict[str, str] = {}
    for child in index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SM_NS):
        if "/post-sitemap" not in child:
            continue
        doc = etree.fromstring(fetch(child).body)
        for url in doc.xpath("//sm:url", namespaces=SM_NS):
            loc = url.xpath("sm:loc/text()", namespaces=SM_NS)[0]
            locs.append(loc)
            lastmods[loc] = url.xpath("sm:lastmod/text()", namespaces=SM_NS)[0]
    return locs, lastmods


def reference_extract(tree: html.HtmlElement, has_spam: bool) -> dict[str, object]:
    """A careful extractor that knows both themes: what a correct crawler should find."""
    content = tree.xpath('//article//div[@class="entry-content"]')
    template = "modern"
    if not content:
        content = tree.xpath('//div[contains(@class, "td-post-content")]')
        template = "legacy"
    assert len(content) == 1
    paras: list[str] = []
    figures: list[tuple[str, str | None]] = []
    first = True
    for el in content[0]:
        tag = el.tag
        if tag == "p":
            t = text_of(el)
            if first and has_spam:
                assert re.fullmatch(r"[\wışçğüö ]+", t)
                assert any(term in t for term in SPAM_TERMS)
                first = False
                continue
            if t.startswith("Read also:"):
                continue
            paras.append(t)
        elif tag == "h2":
            paras.append(text_of(el))
        elif tag == "ul":
            paras.extend(text_of(li) for li in el.xpath("./li"))
        elif tag == "blockquote":
            paras.extend(text_of(p) for p in el.xpath("./p"))
        elif tag == "figure":
            cap = el.xpath("./figcaption")
            figures.append((el.xpath(".//img/@src")[0], text_of(cap[0]) if cap else None))
        first = False
    featured = tree.xpath(
        '//figure[@class="post-thumbnail"] | //div[@class="td-post-featured-image"]/figure'
    )
    images: list[dict[str, str | None]] = []
    for url, cap in [
        (
            f.xpath(".//img/@src")[0],
            text_of(f.xpath("./figcaption")[0]) if f.xpath("./figcaption") else None,
        )
        for f in featured
    ] + figures:
        if url not in [i["url"] for i in images]:
            images.append({"url": url, "caption": cap})
    return {
        "template": template,
        "article_body": "\n\n".join(paras),
        "images": images,
        "headline": text_of(tree.xpath("//h1")[0]),
    }


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Site, ReplicaServer]]:
    site = generate_site(n_stories=300, seed=1)
    server = ReplicaServer(site, host="127.0.0.1", port=0).start()
    yield site, server
    server.stop()


@pytest.fixture()
def fresh() -> Iterator[tuple[Site, ReplicaServer]]:
    """A small site of its own, for tests that mutate."""
    site = generate_site(n_stories=40, seed=7, sitemap_page_size=10)
    server = ReplicaServer(site, port=0).start()
    yield site, server
    server.stop()


# --------------------------------------------------------------------------- generation


def _all_paths(site: Site) -> list[str]:
    paths = [
        "/",
        "/page/2/",
        "/robots.txt",
        "/feed/",
        "/sitemap_index.xml",
        "/post-sitemap.xml",
        "/page-sitemap.xml",
        "/category-sitemap.xml",
        "/post_tag-sitemap.xml",
        "/author-sitemap.xml",
        "/about-us/",
        "/contact/",
        "/nope/",
        "/category/home/politics/",
        "/tag/money/",
        "/author/tca-staff/",
    ]
    return paths + [s.path for s in site.stories]


def test_same_seed_same_bytes() -> None:
    a = generate_site(n_stories=120, seed=3)
    b = generate_site(n_stories=120, seed=3)
    app_a, app_b = SiteApp(a), SiteApp(b)
    for p in _all_paths(a):
        assert app_a.handle(p).body == app_b.handle(p).body, p
    assert a.truth() == b.truth()
    assert a.rates_truth() == b.rates_truth()
    # mutations are deterministic too
    assert a.mutate_add_stories(2) == b.mutate_add_stories(2)
    a.mutate_edit_story(a.stories[5].post_id)
    b.mutate_edit_story(b.stories[5].post_id)
    assert a.truth() == b.truth()
    c = generate_site(n_stories=120, seed=4)
    assert c.truth() != a.truth()


def test_site_model_shape() -> None:
    site = generate_site(n_stories=400, seed=2)
    stories = site.stories
    assert len(stories) == 400 == len(site.truth())
    ids = [s.post_id for s in stories]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) and ids[0] >= 10000
    pubs = [s.published for s in stories]
    assert pubs == sorted(pubs)
    assert pubs[0].year >= 2019 and pubs[-1].date().isoformat() <= "2025-12-09"
    legacy_era = [s for s in stories if s.published.year < 2022]
    assert 0.25 < len(legacy_era) / 400 < 0.35
    with_url = [s for s in legacy_era if s.legacy_url]
    assert len(with_url) > 0.7 * len(legacy_era)
    numbers = [s.legacy_number for s in with_url]
    assert len(set(numbers)) == len(numbers)
    assert all(19000 <= (n or 0) <= 26000 for n in numbers)
    assert all(s.legacy_url is None for s in stories if s.published.year >= 2022)
    modified = [s for s in stories if s.modified > s.published]
    assert 0.35 < len(modified) / 400 < 0.65
    for s in stories:
        assert s.published.second == 0 and s.modified.second == 0
        assert s.modified >= s.published
        assert s.published.utcoffset() == timedelta(hours=5)
    templates = [s.template for s in stories]
    assert 0.1 < templates.count("legacy") / 400 < 0.3
    truth = site.truth()
    digests = [t for t in truth if t["_meta"]["series"] == "weekly-digest"]
    assert len(digests) >= 5
    intros = {t["article_body"].split("\n\n")[0] for t in digests}
    assert len(intros) == 1 and len(next(iter(intros)).split()) >= 70
    assert len({t["article_body"] for t in digests}) == len(digests)
    assert any(t["_meta"]["has_spam"] for t in truth)
    assert all(t["_meta"]["legacy_url"] or not t["_meta"]["has_spam"] or True for t in truth)
    closing = [
        t
        for t in truth
        if t["article_body"]
        .split("\n\n")[-1]
        .startswith("As previously reported by The Times of Central Asia, ")
    ]
    assert 0.25 < len(closing) / 400 < 0.5
    no_jsonld = sum(not t["_meta"]["has_jsonld"] for t in truth) / 400
    no_og = sum(not t["_meta"]["has_og_dates"] for t in truth) / 400
    assert 0.07 < no_jsonld < 0.25 and 0.05 < no_og < 0.25
    assert all(t["_meta"]["has_jsonld"] or t["_meta"]["has_og_dates"] for t in truth)
    for t in truth:
        assert t["word_count"] == len(t["article_body"].split())
        assert 1 <= len(t["authors"]) <= 3 and len(t["tags"]) <= 5
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+05:00", t["date_published"])
        assert t["aliases"] == [f"{site.base_url}/?p={t['_meta']['post_id']}"]
    assert any("’" in t["article_body"] or "“" in t["article_body"] for t in truth)
    assert any("—" in t["article_body"] for t in truth)
    assert any(re.search(r"[ʻüý]", t["article_body"]) for t in truth)
    assert len({t["section"] for t in truth}) == 8


def test_rates_truth() -> None:
    site = generate_site(n_stories=20, seed=1)
    rates = site.rates_truth()
    assert [r["base"] for r in rates] == ["KGS", "KZT", "TJS", "UZS", "TMT"]
    for r in rates:
        assert r["quote"] == "USD" and r["as_of"] == "2025-12-09"
        assert 0 < r["rate"] < 1
    shown = {f"{r['rate']:.5f}" for r in rates}
    assert len(shown) == 5
    site2 = generate_site(n_stories=20, seed=1, today=datetime(2025, 12, 10).date())
    assert site2.rates_truth() != rates


def test_robots_crawl_delay_for_all_agents_or_one() -> None:
    site = generate_site(n_stories=3, seed=1)
    assert "Crawl-delay" not in robots_txt(site)
    site.robots_crawl_delay = "2.5"
    robots = Protego.parse(robots_txt(site))
    assert robots.crawl_delay("tcacrawler/0.1") == robots.crawl_delay("otherbot") == 2.5
    site.robots_crawl_delay_agent = "tcacrawler"
    robots = Protego.parse(robots_txt(site))
    assert robots.crawl_delay("tcacrawler/0.1") == 2.5
    assert robots.crawl_delay("otherbot") is None
    # the named agent's group keeps the rules everyone else has
    assert not robots.can_fetch(f"{site.base_url}/wp-admin/", "tcacrawler/0.1")
    assert list(robots.sitemaps) == [f"{site.base_url}/sitemap_index.xml"]


# --------------------------------------------------------------------------- serving


def test_basic_endpoints(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    base = server.base_url
    assert site.base_url == base and base.startswith("http://127.0.0.1:")
    r = fetch(base, "/robots.txt")
    assert r.status == 200 and r.headers["content-type"].startswith("text/plain")
    assert "Disallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n" in r.text
    assert f"Sitemap: {base}/sitemap_index.xml" in r.text
    r = fetch(base, "/feed/")
    assert r.status == 200 and "rss" in r.headers["content-type"]
    feed = etree.fromstring(r.body)
    items = feed.xpath("//item")
    assert len(items) == 10
    newest = site.newest(10)
    assert [i.findtext("link") for i in items] == [s.url for s in newest]
    dc = "{http://purl.org/dc/elements/1.1/}creator"
    assert [c.text for c in items[0].findall(dc)] == newest[0].author_names()
    assert items[0].findtext("guid") == newest[0].shortlink
    assert items[0].findtext("title") == newest[0].headline
    assert feed.findtext("channel/lastBuildDate")
    r = fetch(base, "/sitemap_index.xml")
    assert r.status == 200 and r.headers["content-type"].startswith("application/xml")
    assert r.text.startswith('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet')
    children = etree.fromstring(r.body).xpath("//sm:loc/text()", namespaces=SM_NS)
    names = [c.rsplit("/", 1)[1] for c in children]
    assert names == [
        "post-sitemap.xml",
        "post-sitemap2.xml",
        "post-sitemap3.xml",
        "page-sitemap.xml",
        "category-sitemap.xml",
        "post_tag-sitemap.xml",
        "author-sitemap.xml",
    ]
    for c in children:
        assert fetch(c).status == 200
    assert fetch(base, "/post-sitemap4.xml").status == 404
    assert fetch(base, "/").status == 200
    assert fetch(base, "/about-us/").status == 200
    assert 'class="page-template-default page page-id-' in fetch(base, "/contact/").text
    assert "<article" not in fetch(base, "/about-us/").text
    nf = fetch(base, "/no-such-story/")
    assert nf.status == 404 and "text/html" in nf.headers["content-type"]
    assert fetch(base, "/index.php/news/1-nothing").status == 404
    assert fetch(base, "/?p=1").status == 404
    assert fetch(base, "/wp-login.php").status == 200
    assert fetch(base, "/wp-admin/").status == 302
    assert fetch(base, "/?s=water").status == 200
    assert fetch(base, f"/preview/{site.stories[0].slug}/").status == 200
    img = site.truth()[-1]
    for t in site.truth():
        if t["images"]:
            img = t
            break
    assert fetch(img["images"][0]["url"]).headers["content-type"] == "image/jpeg"


def test_redirects(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    legacy = [s for s in site.stories if s.legacy_url]
    assert legacy
    for s in legacy[:20]:
        assert s.legacy_url is not None
        r = fetch(s.legacy_url)
        assert r.status == 301 and r.headers["location"] == s.url
    for s in site.stories[:20]:
        r = fetch(s.shortlink)
        assert r.status == 301 and r.headers["location"] == s.url
    r = fetch(server.base_url, "/page/1/")
    assert r.status == 301 and r.headers["location"] == server.base_url + "/"
    s = site.stories[3]
    r = fetch(server.base_url, f"/{s.slug}")
    assert r.status == 301 and r.headers["location"] == s.url


def test_every_article_matches_truth(served: tuple[Site, ReplicaServer]) -> None:
    site, _server = served
    seen_furniture: set[str] = set()
    for t in site.truth():
        r = fetch(t["url"])
        assert r.status == 200, t["url"]
        tree = r.tree()
        meta = t["_meta"]
        got = reference_extract(tree, meta["has_spam"])
        assert got["template"] == meta["template"]
        assert got["headline"] == t["headline"]
        assert got["article_body"] == t["article_body"], t["url"]
        assert got["images"] == t["images"]
        assert tree.xpath("//title/text()")[0] == f"{t['headline']} - The Times Of Central Asia"
        assert tree.xpath('//link[@rel="canonical"]/@href') == [t["url"]]
        assert tree.xpath('//link[@rel="shortlink"]/@href') == t["aliases"]
        assert tree.xpath('//meta[@name="description"]/@content') == [t["description"]]
        assert tree.xpath('//meta[@property="og:description"]/@content') == [t["description"]]
        body_cls = tree.xpath("//body/@class")[0]
        assert f"postid-{meta['post_id']}" in body_cls and "single-post" in body_cls
        # dates: the machine-readable sources agree with the truth
        pub = datetime.fromisoformat(t["date_published"])
        mod = datetime.fromisoformat(t["date_modified"])
        ld = tree.xpath('//script[@type="application/ld+json"]/text()')
        assert bool(ld) == meta["has_jsonld"]
        if ld:
            graph = json.loads(ld[0])["@graph"]
            art = next(n for n in graph if n["@type"] in ("Article", "NewsArticle"))
            assert art["datePublished"].endswith("+00:00")
            assert datetime.fromisoformat(art["datePublished"]) == pub
            assert datetime.fromisoformat(art["dateModified"]) == mod
            assert [a["name"] for a in art["author"]] == t["authors"]
            assert art["articleSection"] == [t["section"]]
            assert art.get("keywords", []) == t["tags"]
            assert art["headline"] == t["headline"]
            if t["images"]:
                node = next(n for n in graph if n["@id"].endswith("#primaryimage"))
                assert node["url"] == t["images"][0]["url"]
                assert node.get("caption") == t["images"][0]["caption"]
        og_pub = tree.xpath('//meta[@property="article:published_time"]/@content')
        assert bool(og_pub) == meta["has_og_dates"]
        if og_pub:
            og_mod = tree.xpath('//meta[@property="article:modified_time"]/@content')[0]
            assert datetime.fromisoformat(og_pub[0]) == pub
            assert datetime.fromisoformat(og_mod) == mod
        times = tree.xpath("//time/@datetime")
        assert t["date_published"] in times
        if meta["template"] == "modern":
            byline = tree.xpath('//span[@class="byline"]//a/text()')
            tags = tree.xpath('//span[@class="tags-links"]/a/text()')
            section = tree.xpath('//span[@class="cat-links"]/a/text()')
            assert tree.xpath("//article/@id") == [f"post-{meta['post_id']}"]
        else:
            byline = tree.xpath('//div[@class="td-post-author-name"]/a/text()')
            tags = tree.xpath('//ul[contains(@class, "td-tags")]//a/text()')
            section = tree.xpath('//li[@class="entry-category"]/a/text()')
            assert not tree.xpath("//article") and not tree.xpath('//*[@class="entry-content"]')
        assert byline == t["authors"]
        assert tags == t["tags"]
        assert section == [t["section"]]
        assert tree.xpath(
            '//section[@class="related-posts"] | //div[contains(@class, "td_block_related_posts")]'
        )
        seen_furniture.update(meta["furniture"])
        if "read_also" in meta["furniture"]:
            assert "Read also:" in r.text
        if "share" in meta["furniture"]:
            assert 'class="sharedaddy sd-sharing-enabled"' in r.text
        if "newsletter" in meta["furniture"]:
            assert 'class="newsletter-signup"' in r.text
        if "jp_related" in meta["furniture"]:
            assert 'id="jp-relatedposts"' in r.text
    assert seen_furniture == {"share", "newsletter", "read_also", "jp_related"}


def test_ticker_on_every_page(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    rates = site.rates_truth()
    modern = next(s for s in site.stories if s.template == "modern")
    legacy = next(s for s in site.stories if s.template == "legacy")
    pages = {
        "/": 5,
        "/tag/money/": 5,
        modern.path: 5,
        legacy.path: 4,
        "/about-us/": 5,
        "/no-such-page/": 5,
    }
    for path, n_pairs in pages.items():
        text = text_of(fetch(server.base_url, path).tree().xpath("//body")[0])
        pairs = re.findall(r"([A-Z]{3})/USD = ([0-9.]+) (-?[0-9.]+%)", text)
        assert len(pairs) == 8 * n_pairs, path
        for (code, rate, change), truth in zip(pairs[:n_pairs], rates, strict=False):
            assert code == truth["base"]
            assert float(rate) == truth["rate"]
            assert float(change.rstrip("%")) == truth["change_pct"]
        assert "09 December 2025" in text
    changes = {f"{r['change_pct']}" for r in rates}
    assert "0.0" in changes and "-0.0" in changes


def test_gzip_and_keep_alive(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    plain = fetch(server.base_url, "/feed/")
    zipped = fetch(server.base_url, "/feed/", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers.get("content-encoding") == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert "content-encoding" not in plain.headers
    parts = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    for s in site.stories[:5]:
        conn.request("GET", s.path, headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        assert r.status == 200 and int(r.getheader("Content-Length")) == len(r.read())
        assert r.version == 11
    conn.close()
    r = fetch(server.base_url, "/", method="HEAD")
    assert r.status == 200 and r.body == b""


def test_conditional_requests(served: tuple[Site, ReplicaServer]) -> None:
    _, server = served
    base = server.base_url
    for path in ("/feed/", "/sitemap_index.xml", "/post-sitemap2.xml", "/page-sitemap.xml"):
        r = fetch(base, path)
        etag, lm = r.headers["etag"], r.headers["last-modified"]
        assert fetch(base, path, {"If-None-Match": etag}).status == 304
        assert fetch(base, path, {"If-None-Match": '"other"'}).status == 200
        assert fetch(base, path, {"If-Modified-Since": lm}).status == 304
        older = format_datetime(parsedate_to_datetime(lm) - timedelta(seconds=1), usegmt=True)
        assert fetch(base, path, {"If-Modified-Since": older}).status == 200
    server.clear_log()
    fetch(base, "/feed/", {"If-None-Match": '"x"', "User-Agent": "tcacrawler-test"})
    log = server.request_log
    assert log == [
        {
            **log[0],
            "method": "GET",
            "path": "/feed/",
            "status": 200,
            "user_agent": "tcacrawler-test",
            "if_none_match": '"x"',
            "if_modified_since": None,
        }
    ]


def _check_listing_pages(base: str, start: str, expected: list[str]) -> None:
    """Walk a listing through its 'next' links, checking counts and entries."""
    url: str | None = base + start
    seen: list[str] = []
    page = 0
    while url:
        page += 1
        r = fetch(url)
        assert r.status == 200, url
        tree = r.tree()
        m = RESULTS_RE.search(text_of(tree.xpath('//div[@class="results-count"]')[0]))
        assert m, url
        a, b, n = map(int, m.groups())
        entries = tree.xpath('//main//article/h3[@class="entry-title"]/a/@href')
        assert n == len(expected)
        assert a == len(seen) + 1 and b == a + len(entries) - 1
        assert len(entries) == 6 or b == n
        seen.extend(entries)
        nxt = tree.xpath('//a[contains(@class, "next page-numbers")]/@href')
        head_next = tree.xpath('//link[@rel="next"]/@href')
        assert bool(nxt) == bool(head_next) == (b < n)
        url = nxt[0] if nxt else None
    assert seen == expected
    assert fetch(base + start + f"page/{page + 1}/").status == 404


def test_listings_count_and_reach_everything(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    base = server.base_url
    _check_listing_pages(base, "/", [t.url for t in site.listing("home")])
    for cat in site.categories:
        _check_listing_pages(
            base, f"/category/home/{cat}/", [s.url for s in site.listing("category", cat)]
        )
    for tag in ("money", "kazakhstan", "water-resources"):
        _check_listing_pages(base, f"/tag/{tag}/", [s.url for s in site.listing("tag", tag)])
    for author in ("tca-staff", "anna-petrova"):
        _check_listing_pages(
            base, f"/author/{author}/", [s.url for s in site.listing("author", author)]
        )
    truth_urls = sorted(t["url"] for t in site.truth())
    locs, _ = sitemap_locs(base)
    assert sorted(locs) == truth_urls
    assert fetch(base, "/tag/no-such-tag/").status == 404


def test_junk_query_strings(served: tuple[Site, ReplicaServer]) -> None:
    site, server = served
    base = server.base_url
    junk: list[str] = []
    for path in ["/", "/page/2/", *[s.path for s in site.stories[:40]]]:
        tree = fetch(base, path).tree()
        junk += [h for h in tree.xpath("//a/@href") if "?catid=" in h]
    assert len(junk) > 10
    for url in junk[:15]:
        clean = url.split("?", 1)[0]
        assert fetch(url).body == fetch(clean).body
    # article links on listings are always clean canonical URLs
    tree = fetch(base, "/page/3/").tree()
    for href in tree.xpath("//main//article//a/@href"):
        assert "?" not in href


def test_mutations(fresh: tuple[Site, ReplicaServer]) -> None:
    site, server = fresh
    base = server.base_url
    feed0 = fetch(base, "/feed/")
    index0 = fetch(base, "/sitemap_index.xml")
    truth0 = {t["story_id"]: t for t in site.truth()}

    new_ids = site.mutate_add_stories(3)
    assert len(new_ids) == 3 and min(new_ids) > max(int(k.split(":")[1]) for k in truth0)
    truth1 = {t["story_id"]: t for t in site.truth()}
    assert len(truth1) == 43
    feed1 = fetch(base, "/feed/")
    assert fetch(base, "/feed/", {"If-None-Match": feed0.headers["etag"]}).status == 200
    links = etree.fromstring(feed1.body).xpath("//item/link/text()")
    new_urls = [truth1[f"timesca:{i}"]["url"] for i in reversed(new_ids)]
    assert links[:3] == new_urls
    locs, lastmods = sitemap_locs(base)
    assert sorted(locs) == sorted(t["url"] for t in truth1.values())
    assert fetch(base, "/sitemap_index.xml").body != index0.body
    home = fetch(base, "/").text
    assert "Viewing results 1 - 6 of 43" in home and new_urls[0] in home

    victim = site.stories[5]
    before = truth1[f"timesca:{victim.post_id}"]
    old_lastmod = lastmods[victim.url]
    r0 = fetch(victim.url)
    site.mutate_edit_story(victim.post_id)
    after = {t["story_id"]: t for t in site.truth()}[f"timesca:{victim.post_id}"]
    assert after["article_body"] != before["article_body"]
    assert after["date_modified"] > before["date_modified"]
    assert after["date_published"] == before["date_published"]
    _, lastmods = sitemap_locs(base)
    assert lastmods[victim.url] > old_lastmod
    got = reference_extract(fetch(victim.url).tree(), after["_meta"]["has_spam"])
    assert got["article_body"] == after["article_body"]
    assert fetch(victim.url).body != r0.body

    toucher = site.stories[8]
    tb = {t["story_id"]: t for t in site.truth()}[f"timesca:{toucher.post_id}"]
    site.mutate_touch_story(toucher.post_id)
    ta = {t["story_id"]: t for t in site.truth()}[f"timesca:{toucher.post_id}"]
    assert ta["article_body"] == tb["article_body"] and ta["date_modified"] > tb["date_modified"]
    got = reference_extract(fetch(toucher.url).tree(), ta["_meta"]["has_spam"])
    assert got["article_body"] == ta["article_body"]

    gone = (
        next(s for s in site.stories if s.legacy_url)
        if any(s.legacy_url for s in site.stories)
        else site.stories[0]
    )
    sm_before = fetch(base, "/post-sitemap.xml")
    site.mutate_remove_story(gone.post_id)
    assert f"timesca:{gone.post_id}" not in {t["story_id"] for t in site.truth()}
    assert fetch(gone.url).status == 404
    assert fetch(gone.shortlink).status == 404
    if gone.legacy_url:
        assert fetch(gone.legacy_url).status == 404
    locs, _ = sitemap_locs(base)
    assert gone.url not in locs and len(locs) == 42
    # the sitemap changed: neither its old ETag nor its old Last-Modified may give a 304
    assert (
        fetch(base, "/post-sitemap.xml", {"If-None-Match": sm_before.headers["etag"]}).status == 200
    )
    assert (
        fetch(
            base, "/post-sitemap.xml", {"If-Modified-Since": sm_before.headers["last-modified"]}
        ).status
        == 200
    )
    listed: list[str] = []
    for n in range(1, 9):
        r = fetch(base, "/" if n == 1 else f"/page/{n}/")
        if r.status == 404:
            break
        listed += r.tree().xpath("//main//article/h3/a/@href")
    assert gone.url not in listed and len(listed) == 42
    with pytest.raises(KeyError):
        site.mutate_edit_story(gone.post_id)


def test_base_url_follows_server() -> None:
    site = generate_site(n_stories=15, seed=5, base_url="http://example.invalid:1")
    with ReplicaServer(site, port=0) as server:
        assert site.base_url == server.base_url
        assert all(t["url"].startswith(server.base_url + "/") for t in site.truth())
        body = fetch(server.base_url, "/").text
        assert "example.invalid" not in body


def test_cli(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "replica",
            "truth",
            "--stories",
            "12",
            "--seed",
            "1",
            "--base-url",
            "http://127.0.0.1:9999",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows == generate_site(12, 1, "http://127.0.0.1:9999").truth()
    proc = subprocess.Popen(
        [sys.executable, "-m", "replica", "serve", "--stories", "12", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.fullmatch(r"replica serving (http://127\.0\.0\.1:\d+) \(12 stories\)\n", line)
        assert m, line
        assert fetch(m.group(1), "/robots.txt").status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seed": 11},
        {"seed": 12, "theme_mix": {"legacy": 1.0}, "ticker": False},
        {"seed": 13, "tz_offset_minutes": 180, "jsonld_share": 0.0},
    ],
)
def test_pages_match_truth_other_settings(kwargs: dict[str, object]) -> None:
    site = generate_site(n_stories=60, **kwargs)  # type: ignore[arg-type]
    app = SiteApp(site)
    offset = timedelta(minutes=int(str(kwargs.get("tz_offset_minutes", 300))))
    for t in site.truth():
        r = app.handle(path_of(t["url"]))
        assert r.status == 200
        tree = html.fromstring(r.body)
        got = reference_extract(tree, t["_meta"]["has_spam"])
        assert got["article_body"] == t["article_body"]
        assert got["images"] == t["images"]
        assert datetime.fromisoformat(t["date_published"]).utcoffset() == offset
        assert t["date_published"] in tree.xpath("//time/@datetime")
        if kwargs.get("jsonld_share") == 0.0:
            assert not tree.xpath('//script[@type="application/ld+json"]')
            assert tree.xpath('//meta[@property="article:modified_time"]')
        if kwargs.get("ticker") is False:
            assert "/USD =" not in r.body.decode()
    if kwargs.get("ticker") is False:
        assert site.rates_truth() == []


def test_the_demo_never_deletes_a_real_sites_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `python -m replica.demo --output output` (the production folder) must not clear it:
    # its published runs are the real site's, and the store's only way back.
    from replica.demo import main

    real = tmp_path / "timesca" / "20250101T000000Z.jsonl"
    real.parent.mkdir()
    real.write_text('{"type": "article", "url": "https://timesca.com/a-story/"}\n')
    assert main(["--stories", "3", "--output", str(tmp_path)]) == 2
    assert real.exists()
    assert "not deleting it" in capsys.readouterr().err
    # an earlier demo's runs (a replica on the loopback interface) may go
    from replica.demo import _replica_runs_only

    real.write_text('{"type": "article", "url": "http://127.0.0.1:41234/a-story/"}\n')
    (real.parent / "20250102T000000Z.jsonl").write_text("")
    assert _replica_runs_only(real.parent)
