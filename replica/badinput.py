"""Opt-in bad input for robustness tests: broken pages, hostile sitemaps, flaky answers.

Off by default, so the normal replica and its truth stay as they are. Three options
of :func:`replica.generate_site` switch parts on:

``bad_input=True``
    robots.txt names three hostile sitemaps and no good one (a gzip bomb file, a
    ``Content-Encoding: gzip`` bomb, a billion-laughs XML bomb), so a crawler falls
    back to the listing pages; the home page lists the extra pages of
    :data:`BAD_PAGES` (and an off-site article link) next to the real stories.
``layout_drift=0.6``
    that share of article pages loses its date and author markup (JSON-LD, OpenGraph
    times, ``<time>``, bylines), as after a theme change.
``robots_status=503``
    robots.txt answers with that status; a 3xx status redirects robots.txt to itself
    (a loop no crawler reaches the end of).

:func:`bad_input_truth` says what a correct crawler makes of each extra page.
"""

from __future__ import annotations

import gzip
import html
import re
import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from . import feeds

if TYPE_CHECKING:
    from .app import Response, SiteApp
    from .model import Site, Story

OFFSITE = "https://elsewhere.example"
GZIP_BOMB_SIZE = 32 * 1024 * 1024  # what the bombs decompress to
SLOW_SECONDS = 5.0
HUGE_BYTES = 3 * 1024 * 1024
FLAKY_FAILURES = 2
HEADLINE = "The Times of Central Asia test page: {}"
LINE_SEPARATORS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"


@dataclass(frozen=True)
class BadPage:
    slug: str
    what: str
    # "exported" (a record with the expected fields), "skipped" (no record, counted
    # in the stat), "failed" (not fetched, counted in the stat)
    outcome: str
    stat: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    contains: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()  # text on the page that is not the post's


_CURLY = "\u201cCaf\u00e9 \u00e0 la cr\u00e8me\u201d \u2014 it\u2019s na\u00efve"
BAD_PAGES: tuple[BadPage, ...] = (
    BadPage(
        "bad-truncated",
        "malformed, truncated HTML (unclosed and misnested tags, cut mid-word)",
        "exported",
        contains=(
            "First paragraph of a page",
            "Third paragraph",
            "Fourth paragraph is cut off in the midd",
        ),
    ),
    BadPage(
        "bad-no-article", "a maintenance page with no article", "skipped", "tca/pages/not_article"
    ),
    BadPage(
        "bad-cp1252",
        "windows-1252 body, Content-Type without charset, no meta charset",
        "exported",
        contains=(_CURLY,),
    ),
    BadPage(
        "bad-charset-header-wins",
        "windows-1252 body and header; the meta tag wrongly says UTF-8",
        "exported",
        contains=(_CURLY,),
    ),
    BadPage(
        "bad-charset-latin1-header",
        "UTF-8 body and meta; the header wrongly says ISO-8859-1 (a server default)",
        "exported",
        contains=(_CURLY,),
    ),
    BadPage("bad-flaky", "503 with Retry-After: 1 twice, then the article", "exported"),
    BadPage("bad-broken", "500 on every try", "failed", "tca/failed/http_500"),
    BadPage("bad-missing", "404", "failed", "tca/failed/http_404"),
    BadPage("bad-slow", f"answers after {SLOW_SECONDS:g} s", "failed", "tca/failed/timeout"),
    BadPage("bad-loop", "302 to bad-loop-b, which 302s back", "failed", "tca/failed/redirect_loop"),
    BadPage(
        "bad-huge", f"a {HUGE_BYTES // 1024 // 1024} MiB page", "failed", "tca/failed/too_large"
    ),
    BadPage(
        "bad-huge-video",
        "a 3 MiB video where an article should be (Content-Length over the limit, no gzip)",
        "failed",
        "tca/failed/too_large",
    ),
    BadPage("bad-offsite", "302 to another site", "skipped", "tca/skipped/offsite"),
    BadPage(
        "bad-no-dates",
        "an article with no date anywhere",
        "exported",
        expect={"date_published": None, "date_modified": None},
    ),
    BadPage(
        "bad-visible-date",
        "the date only in visible text: 'Posted on 09 December 2015'",
        "exported",
        expect={
            "date_published": "2015-12-09T00:00:00+05:00",
            "date_modified": "2015-12-09T00:00:00+05:00",
        },
    ),
    BadPage(
        "bad-line-separators",
        "U+2028, U+2029, U+0085 and other line separators inside the text",
        "exported",
        contains=("separated words one two three",),
    ),
    BadPage(
        "bad-stray-close",
        "an embed's stray </div> in the post, closing the body element after two paragraphs",
        "exported",
        contains=("Paragraph 1 of", "Paragraph 3 of", "Paragraph 4 of"),
        excludes=("Filed under", "Another story"),
    ),
)
BAD_SITEMAPS = (
    "/bad-gzip-bomb-sitemap.xml.gz",
    "/bad-encoded-bomb-sitemap.xml",
    "/bad-xml-bomb-sitemap.xml",
)
PAGES_BY_PATH = {f"/{p.slug}/": p for p in BAD_PAGES}


def post_id(page: BadPage) -> int:
    return 990_001 + BAD_PAGES.index(page)


def bad_input_truth(base_url: str) -> dict[str, BadPage]:
    """Absolute URL -> what a correct crawler does with that page."""
    return {f"{base_url}/{p.slug}/": p for p in BAD_PAGES}


# -- rendering ----------------------------------------------------------------


def _article_html(
    site: Site,
    page: BadPage,
    paragraphs: list[str],
    *,
    charset_meta: str | None = "UTF-8",
    dates: bool = True,
    meta_line: str | None = None,
    headline: str | None = None,
    author: str = "Test Desk",
) -> str:
    base = site.base_url
    pid = post_id(page)
    title = headline or HEADLINE.format(page.what)
    head_dates = ""
    if meta_line is None:
        meta_line = (
            '<span class="byline">By <span class="author vcard">'
            f'<a class="url fn n" href="{base}/author/test-desk/">{author}</a></span></span>'
        )
        if dates:
            meta_line += (
                ' <span class="posted-on"><time class="entry-date published" '
                'datetime="2025-11-02T10:00:00+05:00">02 November 2025</time></span>'
            )
    if dates:
        head_dates = '<meta property="article:published_time" content="2025-11-02T05:00:00+00:00">'
    charset = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="en-US"><head>{charset}'
        f"<title>{title} - The Times Of Central Asia</title>"
        f'<link rel="canonical" href="{base}/{page.slug}/">'
        f'<meta property="og:type" content="article">{head_dates}</head>'
        f'<body class="post-template-default single single-post postid-{pid}">'
        f'<main id="main"><article id="post-{pid}" class="post-{pid} post type-post">'
        f'<header class="entry-header"><h1 class="entry-title">{title}</h1>'
        f'<div class="entry-meta">{meta_line}</div></header>'
        f'<div class="entry-content">{body}</div></article></main></body></html>\n'
    )


def _paragraphs(page: BadPage, n: int = 3) -> list[str]:
    return [
        f"Paragraph {i + 1} of the {page.slug} test page: the regional water council met "
        f"in Tashkent to agree on quotas for the coming season, officials said."
        for i in range(n)
    ]


@cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b" " * GZIP_BOMB_SIZE, compresslevel=9, mtime=0)


def _xml_bomb(base: str) -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE urlset [\n '
        + "\n ".join(entities)
        + '\n]>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/&lol9;/</loc></url></urlset>\n"
    ).encode()


_hits: weakref.WeakKeyDictionary[Any, Counter[str]] = weakref.WeakKeyDictionary()
_hits_lock = threading.Lock()


def _hit(app: SiteApp, path: str) -> int:
    with _hits_lock:
        counter = _hits.setdefault(app, Counter())
        counter[path] += 1
        return counter[path]


def route(app: SiteApp, path: str, query: dict[str, list[str]]) -> Response | None:
    """The bad-input answer for ``path``, or None to let the replica answer as usual."""
    from .app import HTML, XML, Response

    site = app.site
    if path == "/robots.txt" and 300 <= site.robots_status < 400:
        return app._redirect(site.base_url + "/robots.txt", site.robots_status)
    if path == "/robots.txt" and site.robots_status != 200:
        return Response(site.robots_status, b"Service Unavailable", "text/plain", cacheable=False)
    if not site.bad_input:
        return None
    base = site.base_url
    if path == "/robots.txt":
        text = feeds.robots_txt(site)
        text = re.sub(r"(?m)^Sitemap:.*\n?", "", text)
        text += "".join(f"Sitemap: {base}{p}\n" for p in BAD_SITEMAPS)
        return Response(200, text.encode(), "text/plain; charset=utf-8")
    if path == "/" and not query:
        return _home_with_bad_links(app)
    if path == BAD_SITEMAPS[0]:
        return Response(200, _gzip_bomb(), "application/x-gzip")
    if path == BAD_SITEMAPS[1]:
        return Response(200, _gzip_bomb(), XML, headers=[("Content-Encoding", "gzip")])
    if path == BAD_SITEMAPS[2]:
        return Response(200, _xml_bomb(base), XML)
    if path == "/bad-loop-b/":
        return app._redirect(f"{base}/bad-loop/", 302)
    page = PAGES_BY_PATH.get(path)
    if page is None:
        return None
    slug = page.slug
    if slug == "bad-truncated":
        text = _article_html(site, page, ["PLACEHOLDER"])
        text = text[: text.index("<p>PLACEHOLDER")] + (
            "<p>First paragraph of a page <b>with <i>misnested</b> tags</i> and an "
            "unclosed paragraph.<p>Second paragraph</span> with stray close tags.</em>"
            "<p>Third paragraph<div><p>Fourth paragraph is cut off in the midd"
        )
        return Response(200, text.encode(), HTML)
    if slug == "bad-stray-close":
        first, second, third, fourth = _paragraphs(page, 4)
        post = (
            f"<p>{first}</p><p>{second}</p>"
            '<div class="video-embed"><iframe src="https://video.example/embed/1"></iframe>'
            "</div></div>"  # the embed's own close, then one too many
            f'<p>{third}</p><figure class="wp-block-image"><img src="/wp-content/uploads/2025/'
            '11/stray.jpg" alt=""><figcaption>A caption of the post</figcaption></figure>'
            f"<p>{fourth}</p>"
        )
        theme = (
            '<footer class="entry-footer"><p>Filed under: Test Desk</p></footer>'
            '<div class="related-posts"><h3>Related</h3><p>Another story</p></div>'
        )
        text = _article_html(site, page, ["PLACEHOLDER"])
        text = text.replace("<p>PLACEHOLDER</p></div>", post + "</div>" + theme)
        return Response(200, text.encode(), HTML)
    if slug == "bad-no-article":
        text = (
            "<!DOCTYPE html><html><head><title>Maintenance</title></head>"
            '<body class="maintenance"><div class="notice">Briefly unavailable for '
            "scheduled maintenance. Check back in a minute.</div></body></html>"
        )
        return Response(200, text.encode(), HTML)
    if slug == "bad-cp1252":
        text = _article_html(site, page, [_CURLY, *_paragraphs(page)], charset_meta=None)
        return Response(200, text.encode("cp1252"), "text/html")
    if slug == "bad-charset-header-wins":
        text = _article_html(site, page, [_CURLY, *_paragraphs(page)], charset_meta="UTF-8")
        return Response(200, text.encode("cp1252"), "text/html; charset=windows-1252")
    if slug == "bad-charset-latin1-header":
        text = _article_html(site, page, [_CURLY, *_paragraphs(page)], charset_meta="UTF-8")
        return Response(200, text.encode("utf-8"), "text/html; charset=ISO-8859-1")
    if slug == "bad-flaky":
        if _hit(app, path) <= FLAKY_FAILURES:
            return Response(
                503, b"Service Unavailable", "text/plain", [("Retry-After", "1")], cacheable=False
            )
        return Response(200, _article_html(site, page, _paragraphs(page)).encode(), HTML)
    if slug == "bad-broken":
        return Response(500, b"Internal Server Error", "text/plain", cacheable=False)
    if slug == "bad-missing":
        return app._not_found()
    if slug == "bad-slow":
        text = _article_html(site, page, _paragraphs(page))
        return Response(200, text.encode(), HTML, delay=SLOW_SECONDS, cacheable=False)
    if slug == "bad-loop":
        return app._redirect(f"{base}/bad-loop-b/", 302)
    if slug == "bad-huge":
        filler = _paragraphs(page, 1)[0]
        count = HUGE_BYTES // len(filler) + 1
        text = _article_html(site, page, [f"{filler} #{i}" for i in range(count)])
        return Response(200, text.encode(), HTML)
    if slug == "bad-huge-video":
        return Response(200, b"\0" * HUGE_BYTES, "video/mp4")
    if slug == "bad-offsite":
        return app._redirect(f"{OFFSITE}/{slug}/", 302)
    if slug == "bad-no-dates":
        return Response(200, _article_html(site, page, _paragraphs(page), dates=False).encode())
    if slug == "bad-visible-date":
        text = _article_html(
            site,
            page,
            _paragraphs(page),
            dates=False,
            meta_line='<span class="posted-on">Posted on 09 December 2015</span>',
        )
        return Response(200, text.encode(), HTML)
    if slug == "bad-line-separators":
        noisy = "separated\u2028words one\u2029two\x85three"
        text = _article_html(
            site,
            page,
            [noisy, f"Other separators:{LINE_SEPARATORS}end.", *_paragraphs(page)],
            headline=HEADLINE.format("line\u2028separators"),
            author="Line\u2029Breaker",
        )
        return Response(200, text.encode(), HTML)
    return None


def _home_with_bad_links(app: SiteApp) -> Response:
    home = app._listing(None, None, None)
    base = app.site.base_url
    links = [(f"{base}/{p.slug}/", html.escape(HEADLINE.format(p.what))) for p in BAD_PAGES]
    links.append((f"{OFFSITE}/some-story/", "A story on another site"))
    extra = "".join(
        f'<article class="post type-post"><h3 class="entry-title">'
        f'<a href="{url}" rel="bookmark">{title}</a></h3></article>'
        for url, title in links
    )
    text = home.body.decode()
    marker = "</main>" if "</main>" in text else "</body>"
    body = text.replace(marker, extra + marker, 1).encode()
    return type(home)(home.status, body, home.content_type, list(home.headers))


# -- layout drift ---------------------------------------------------------------

_DRIFT_PATTERNS = (
    re.compile(r'<script type="application/ld\+json"[^>]*>.*?</script>', re.S),
    re.compile(r"<meta[^>]+(?:article:(?:published|modified)_time|og:updated_time)[^>]*>"),
    re.compile(r'<meta[^>]+name="(?:author|twitter:data1|twitter:label1)"[^>]*>'),
    re.compile(r"<time\b[^>]*>.*?</time>", re.S),
    re.compile(r'<span class="author vcard">.*?</span>', re.S),
    re.compile(r'<[a-z]+ class="td-post-author-name">.*?</[a-z]+>', re.S),
    re.compile(r'<a [^>]*rel="author"[^>]*>.*?</a>', re.S),
)


def drifted(site: Site, story: Story) -> bool:
    """Whether ``story``'s page lost its date and author markup (a stable choice per story)."""
    if site.layout_drift <= 0:
        return False
    return (story.post_id * 2654435761 % 1000) / 1000 < site.layout_drift


def drift(site: Site, story: Story, body: bytes) -> bytes:
    if not drifted(site, story):
        return body
    text = body.decode()
    for pattern in _DRIFT_PATTERNS:
        text = pattern.sub("", text)
    return text.encode()
