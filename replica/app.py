"""Routing, response building and caching (no sockets here: see :mod:`replica.server`).

``SiteApp(site).handle("/path?query")`` returns a :class:`Response`.  Rendered
responses are cached per resource and dropped whenever ``site.version``
changes (any mutation or a new base URL).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import struct
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import badinput, feeds
from .model import Site, Story
from .themes import THEMES, Listing, Theme

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"

# A 1x1 white JPEG: what every known upload answers with.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
    "AAgBAQABPxA="
)


LOGO_PATH = "/wp-content/uploads/2022/01/logo.png"


def _tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


TINY_PNG = _tiny_png()


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    etag: str | None = None
    last_modified: datetime | None = None
    cacheable: bool = True
    delay: float = 0.0  # seconds the server waits before answering (bad input: slow page)
    _gz: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        if self._gz is None:
            self._gz = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gz

    def all_headers(self) -> list[tuple[str, str]]:
        h = list(self.headers)
        if self.content_type:
            h.append(("Content-Type", self.content_type))
        if self.etag:
            h.append(("ETag", self.etag))
        if self.last_modified:
            h.append(("Last-Modified", http_date(self.last_modified)))
        return h


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


_LISTING_RE = re.compile(r"^/(?:(category/home|tag|author)/([a-z0-9-]+)/)?(?:page/(\d+)/)?$")
_LEGACY_RE = re.compile(r"^/index\.php/news/(\d+)-([^/]+?)/?$")
_SITEMAP_RE = re.compile(r"^/((?:post|page|category|post_tag|author)-sitemap)(\d*)\.xml$")
_SLUG_RE = re.compile(r"^/([a-z0-9-]+)/$")
_SLUG_NOSLASH_RE = re.compile(r"^/([a-z0-9-]+)$")
_PREVIEW_RE = re.compile(r"^/preview/([a-z0-9-]+)/$")
_SEARCH_PATH_RE = re.compile(r"^/search/([^/]+)/?$")

_SHARE_TARGETS = {
    "facebook": "https://www.facebook.com/sharer.php?u=",
    "twitter": "https://twitter.com/intent/tweet?url=",
    "telegram": "https://telegram.me/share/url?url=",
}


class SiteApp:
    """Turns request targets into responses for one :class:`Site`."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._cache: dict[str, Response] = {}
        self._cache_version = -1
        self._themes: dict[str, Theme] = {}
        # doc key -> (etag, last-modified) last served: Last-Modified never goes back
        # while content changes (e.g. a story removed from a sitemap).
        self._doc_meta: dict[str, tuple[str, datetime]] = {}
        self._images: set[str] = set()

    def theme(self, name: str) -> Theme:
        if name not in self._themes:
            self._themes[name] = THEMES[name](self.site)
        return self._themes[name]

    @property
    def listing_theme(self) -> Theme:
        return self.theme(self.site.listing_theme)

    # ------------------------------------------------------------------ entry point
    def handle(self, target: str) -> Response:
        site = self.site
        with site.lock:
            if self._cache_version != site.version:
                self._cache.clear()
                self._images = {im.path for s in site.stories for im in s.image_list()}
                self._images.add(LOGO_PATH)
                self._cache_version = site.version
            parts = urlsplit(target)
            path = parts.path or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            key = self._cache_key(path, query)
            resp = self._cache.get(key)
            if resp is None:
                resp = self._route(path, query)
                if resp.cacheable:
                    self._cache[key] = resp
            fault = site.path_faults.get(path)
            if fault == "503":
                return Response(503, b"Service Unavailable", "text/plain", cacheable=False)
            if fault == "404":
                return self._not_found()
            if fault == "home":  # as plugins that turn the feed off answer it
                return self._redirect(site.base_url + "/", 301)
            if fault == "truncated":
                cut = resp.body[: len(resp.body) * 4 // 10]
                return replace(resp, body=cut, cacheable=False, _gz=None)
            return resp

    @staticmethod
    def _cache_key(path: str, query: dict[str, list[str]]) -> str:
        if path == "/" and ("p" in query or "s" in query):
            return f"/?p={query.get('p', [''])[0]}&s={query.get('s', [''])[0]}"
        if "share" in query:
            return f"{path}?share={query['share'][0]}"
        return path

    # ------------------------------------------------------------------ routing
    def _route(self, path: str, query: dict[str, list[str]]) -> Response:
        site = self.site
        if (bad := badinput.route(self, path, query)) is not None:  # opt-in, off by default
            return bad
        if path == "/" and "p" in query:
            return self._shortlink(query["p"][0])
        if path == "/" and "s" in query:
            return self._search(query["s"][0])
        if path == "/robots.txt":
            return Response(200, feeds.robots_txt(site).encode(), "text/plain; charset=utf-8")
        if path == "/feed/":
            return self._feed()
        if site.sitemap_style == "core":
            return self._core_sitemaps(path) or self._route_content(path, query)
        if site.sitemap_style == "none":  # a site without any sitemap: every path is content
            return self._route_content(path, query)
        return self._route_sitemaps(path) or self._route_content(path, query)

    def _route_sitemaps(self, path: str) -> Response | None:
        """Yoast SEO's sitemaps (``sitemap_style="yoast"``)."""
        site = self.site
        if path in ("/feed", "/sitemap.xml", "/wp-sitemap.xml"):
            dest = "/feed/" if path == "/feed" else "/sitemap_index.xml"
            return self._redirect(site.base_url + dest)
        if path == "/sitemap_index.xml":
            return self._sitemap_index()
        if path == "/news-sitemap.xml" and site.news_sitemap:
            text = feeds.news_sitemap(site)
            return self._conditional(path, text.encode(), XML, site.last_modified())
        m = _SITEMAP_RE.match(path)
        if m:
            return self._sitemap_child(m.group(1), m.group(2))
        if path == "/main-sitemap.xsl":
            return Response(200, feeds.MAIN_SITEMAP_XSL.encode(), "text/xsl; charset=UTF-8")
        return None

    def _core_sitemaps(self, path: str) -> Response | None:
        """WordPress core's sitemaps (``sitemap_style="core"``): Yoast's paths are 404s."""
        if path == "/feed":
            return self._redirect(self.site.base_url + "/feed/")
        if path == "/sitemap.xml":
            return self._redirect(self.site.base_url + "/wp-sitemap.xml")
        if path == "/sitemap_index.xml" or _SITEMAP_RE.match(path):
            return self._not_found()
        if path == "/wp-sitemap.xml":
            children = feeds.core_sitemap_children(self.site)
            text = feeds.core_sitemap_index(self.site, children)
            return self._conditional(path, text.encode(), XML, self.site.last_modified())
        if path.startswith("/wp-sitemap-") and path.endswith(".xml"):
            entries = feeds.core_sitemap_children(self.site).get(path[1:])
            if entries is None:
                return self._not_found()
            text = feeds.core_sitemap_urlset(self.site, entries)
            return self._conditional(path, text.encode(), XML, self.site.last_modified())
        return None

    def _route_content(self, path: str, query: dict[str, list[str]]) -> Response:
        site = self.site
        if path.startswith("/wp-content/uploads/"):
            if path in self._images:
                if path.endswith(".png"):
                    return Response(200, TINY_PNG, "image/png")
                return Response(200, TINY_JPEG, "image/jpeg")
            return self._not_found()
        m = _LEGACY_RE.match(path)
        if m:
            story = site.story_by_legacy(int(m.group(1)))
            if story is None:
                return self._not_found()
            return self._redirect(story.url)
        m = _LISTING_RE.match(path)
        if m:
            return self._listing(m.group(1), m.group(2), m.group(3))
        if path == "/wp-login.php":
            return self._login()
        if path == "/wp-admin/admin-ajax.php":
            return Response(400, b"0", "text/html; charset=UTF-8")
        if path == "/wp-admin" or path.startswith("/wp-admin/"):
            dest = (
                f"{site.base_url}/wp-login.php?redirect_to="
                f"{quote(site.base_url + path, safe='')}&reauth=1"
            )
            return self._redirect(dest, 302)
        m = _PREVIEW_RE.match(path)
        if m:
            story = site.story_by_slug(m.group(1))
            if story is None:
                return self._not_found()
            return self._article(story, noindex=True)
        m = _SEARCH_PATH_RE.match(path)
        if m:
            return self._search(unquote(m.group(1)))
        m = _SLUG_RE.match(path)
        if m:
            slug = m.group(1)
            story = site.story_by_slug(slug)
            if story is not None:
                if "share" in query:
                    return self._share(story, query["share"][0])
                return self._article(story)
            for page in site.pages:
                if page.slug == slug:
                    body = self.listing_theme.render_page(page).encode()
                    return Response(
                        200,
                        body,
                        last_modified=page.modified,
                        headers=[("Link", f"<{site.base_url}/?p={page.page_id}>; rel=shortlink")],
                    )
            return self._not_found()
        m = _SLUG_NOSLASH_RE.match(path)
        if m and (site.story_by_slug(m.group(1)) or any(p.slug == m.group(1) for p in site.pages)):
            return self._redirect(f"{site.base_url}{path}/")
        return self._not_found()

    # ------------------------------------------------------------------ handlers
    def _redirect(self, location: str, status: int = 301) -> Response:
        return Response(
            status, b"", HTML, headers=[("Location", location), ("X-Redirect-By", "WordPress")]
        )

    def _not_found(self) -> Response:
        return Response(404, self.listing_theme.render_404().encode())

    def _shortlink(self, value: str) -> Response:
        try:
            pid = int(value)
        except ValueError:
            return self._not_found()
        story = self.site.story(pid)
        if story is not None:
            return self._redirect(story.url)
        for page in self.site.pages:
            if page.page_id == pid:
                return self._redirect(f"{self.site.base_url}/{page.slug}/")
        return self._not_found()

    def _article(self, story: Story, noindex: bool = False) -> Response:
        theme = self.theme(story.template)
        body = theme.render_article(story, noindex=noindex).encode()
        body = badinput.drift(self.site, story, body)  # opt-in layout drift, off by default
        return Response(
            200,
            body,
            last_modified=story.modified,
            headers=[("Link", f"<{story.shortlink}>; rel=shortlink")],
        )

    def _share(self, story: Story, network: str) -> Response:
        dest = _SHARE_TARGETS.get(network)
        if dest is None:
            return self._article(story)
        return self._redirect(dest + quote(story.url, safe=""), 302)

    def _listing(self, kind_path: str | None, slug: str | None, page_s: str | None) -> Response:
        site = self.site
        page = int(page_s) if page_s else 1
        if kind_path is None:
            kind, name, term_id, base_path = "home", "", 0, "/"
            slug = ""
        else:
            kind = {"category/home": "category", "tag": "tag", "author": "author"}[kind_path]
            assert slug is not None
            base_path = f"/{kind_path}/{slug}/"
            if kind == "author":
                person = site.authors.get(slug)
                if person is None:
                    return self._not_found()
                name, term_id = person.name, person.user_id
            else:
                terms = site.categories if kind == "category" else site.tags
                term = terms.get(slug)
                if term is None:
                    return self._not_found()
                name, term_id = term.name, term.term_id
        stories = site.listing(kind, slug)
        listing = Listing(kind, slug, name, term_id, base_path, page, stories)
        if page_s is not None and page == 1:
            return self._redirect(site.base_url + base_path)
        if page < 1 or page > listing.n_pages(site.per_page) or (kind != "home" and not stories):
            return self._not_found()
        body = self.listing_theme.render_listing(listing).encode()
        return Response(200, body)

    def _search(self, term: str) -> Response:
        site = self.site
        t = term.strip().lower()
        hits = [
            s
            for s in site.listing("home")
            if t and (t in s.headline.lower() or t in s.description.lower())
        ]
        listing = Listing("search", "", term, 0, "/", 1, hits, query=term)
        body = self.listing_theme.render_listing(listing).encode()
        return Response(200, body)

    def _login(self) -> Response:
        b = self.site.base_url
        body = (
            '<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="UTF-8">'
            f"<title>Log In &lsaquo; {self.site.display_name} &#8212; WordPress</title>"
            '<meta name="robots" content="noindex, nofollow"></head>'
            '<body class="login no-js login-action-login wp-core-ui">'
            f'<div id="login"><form name="loginform" id="loginform" action="{b}/wp-login.php" '
            'method="post"><input type="text" name="log"><input type="password" name="pwd">'
            '<input type="submit" value="Log In"></form></div></body></html>\n'
        )
        return Response(200, body.encode())

    def _conditional(
        self, key: str, body: bytes, content_type: str, last_modified: datetime
    ) -> Response:
        etag = _etag(body)
        prev = self._doc_meta.get(key)
        if prev is not None and prev[0] != etag and last_modified <= prev[1]:
            last_modified = max(prev[1], self.site.clock)
        self._doc_meta[key] = (etag, last_modified)
        return Response(200, body, content_type, etag=etag, last_modified=last_modified)

    def _feed(self) -> Response:
        text, build = feeds.rss_feed(self.site, self.listing_theme)
        return self._conditional(
            "/feed/", text.encode(), "application/rss+xml; charset=UTF-8", build
        )

    def _sitemap_index(self) -> Response:
        children = feeds.sitemap_children(self.site)
        text = feeds.sitemap_index(self.site, children)
        mods = [e.lastmod for es in children.values() for e in es if e.lastmod]
        return self._conditional(
            "/sitemap_index.xml", text.encode(), XML, max(mods, default=self.site.clock)
        )

    def _sitemap_child(self, stem: str, num: str) -> Response:
        if num in ("0", "1"):
            return self._not_found()
        name = f"{stem}{num}.xml"
        children = feeds.sitemap_children(self.site)
        entries = children.get(name)
        if entries is None:
            return self._not_found()
        text = feeds.sitemap_urlset(self.site, entries)
        mods = [e.lastmod for e in entries if e.lastmod]
        return self._conditional("/" + name, text.encode(), XML, max(mods, default=self.site.clock))
