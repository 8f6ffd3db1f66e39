"""HTML rendering: pluggable WordPress themes.

A :class:`Theme` turns model objects into complete HTML documents.  The site
chooses a theme per story (``story.template``) and one theme for listings,
static pages and errors (``site.listing_theme``).  New themes subclass
:class:`Theme` (or :class:`ModernTheme`) and register in :data:`THEMES`.
"""

from __future__ import annotations

import hashlib
import json
import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, ClassVar

from .text import MONTHS, SHARE_NETWORKS, Inline, Writer

if TYPE_CHECKING:
    from .model import Block, Image, Site, StaticPage, Story


def esc(s: str) -> str:
    return escape(s, quote=True)


def esc_text(s: str) -> str:
    return escape(s, quote=False)


def display_date(dt: datetime) -> str:
    return f"{dt.day:02d} {MONTHS[dt.month - 1]} {dt.year}"


@dataclass
class Listing:
    """One page of a story listing (home, category, tag, author or search)."""

    kind: str  # "home", "category", "tag", "author", "search"
    slug: str
    name: str  # display name of the term/author ("" for home)
    term_id: int
    base_path: str  # e.g. "/category/home/politics/"
    page: int
    stories: list[Story]  # the whole listing, newest first
    query: str = ""  # search term

    @property
    def total(self) -> int:
        return len(self.stories)

    def n_pages(self, per_page: int) -> int:
        return max(1, -(-self.total // per_page))

    def page_path(self, n: int) -> str:
        return self.base_path if n == 1 else f"{self.base_path}page/{n}/"


class Theme:
    """Shared WordPress/Yoast plumbing: head, JSON-LD, header, sidebar, footer, content."""

    name: ClassVar[str] = "base"
    rate_codes: ClassVar[tuple[str, ...] | None] = None  # None: all pairs
    junk_share: ClassVar[int] = 5  # one link in N to a listing page gets a junk query

    def __init__(self, site: Site) -> None:
        self.site = site

    # ------------------------------------------------------------------ helpers
    @property
    def base(self) -> str:
        return self.site.base_url

    def listing_href(self, src: str, path: str) -> str:
        """Absolute URL of a listing page, with a junk query on a deterministic share."""
        h = zlib.crc32(f"{src}|{path}".encode())
        url = self.base + path
        if h % self.junk_share == 0:
            url += f"?catid={h % 37 + 1}&id={h % 9000 + 1000}"
        return url

    def inline_html(self, inlines: list[Inline]) -> str:
        out = []
        for i in inlines:
            t = esc_text(i.text)
            if i.tag == "a" and i.ref:
                href = self.site.resolve_ref(i.ref)
                if href.startswith(self.base):
                    out.append(f'<a href="{esc(href)}">{t}</a>')
                else:
                    out.append(f'<a href="{esc(href)}" target="_blank" rel="noopener">{t}</a>')
            elif i.tag in ("strong", "em"):
                out.append(f"<{i.tag}>{t}</{i.tag}>")
            else:
                out.append(t)
        return "".join(out)

    def img_url(self, img: Image) -> str:
        return self.base + img.path

    def person_id(self, slug: str) -> str:
        return f"{self.base}/#/schema/person/{hashlib.md5(slug.encode()).hexdigest()}"

    # ------------------------------------------------------------------ content blocks
    def block_html(self, story: Story, b: Block, src: str, feed: bool = False) -> str:
        k = b.kind
        if k == "p":
            return f"<p>{self.inline_html(b.inlines)}</p>"
        if k == "spam":
            return f"<p>{self.inline_html(b.inlines)}</p>"
        if k == "h2":
            return f'<h2 class="wp-block-heading">{self.inline_html(b.inlines)}</h2>'
        if k == "ul":
            lis = "".join(f"<li>{self.inline_html(i)}</li>" for i in b.items)
            return f'<ul class="wp-block-list">{lis}</ul>'
        if k == "blockquote":
            return (
                f'<blockquote class="wp-block-quote"><p>{self.inline_html(b.inlines)}</p>'
                f"</blockquote>"
            )
        if k == "figure" and b.image:
            img = b.image
            cap = (
                f'<figcaption class="wp-element-caption">{esc_text(img.caption)}</figcaption>'
                if img.caption
                else ""
            )
            return (
                f'<figure class="wp-block-image size-large"><img decoding="async" '
                f'width="{img.width}" height="{img.height}" src="{esc(self.img_url(img))}" '
                f'alt="{esc(img.alt)}">{cap}</figure>'
            )
        if k == "read_also" and b.target is not None:
            t = self.site.any_story(b.target)
            if t is None:
                return ""
            return (
                f'<p><strong>Read also:</strong> <a href="{esc(t.url)}">'
                f"{esc_text(t.headline)}</a></p>"
            )
        if feed:
            return ""
        if k == "share":
            return self.share_html(story)
        if k == "newsletter":
            return self.newsletter_html()
        if k == "jp_related":
            return self.jp_related_html(story)
        return ""

    def content_html(self, story: Story, src: str = "", feed: bool = False) -> str:
        parts = [self.block_html(story, b, src, feed) for b in story.blocks]
        return "\n".join(p for p in parts if p)

    def share_html(self, story: Story) -> str:
        lis = "".join(
            f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" '
            f'class="share-{key} sd-button share-icon" href="{esc(story.url)}?share={key}" '
            f'target="_blank" title="Click to share on {label}"><span>{label}</span></a></li>'
            for label, key in SHARE_NETWORKS[:3]
        )
        return (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block '
            'sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3>'
            f'<div class="sd-content"><ul>{lis}<li class="share-end"></li></ul></div></div>'
            "</div>"
        )

    def newsletter_html(self) -> str:
        return (
            '<div class="newsletter-signup"><p>Subscribe to our newsletter for the latest news '
            f'from Central Asia</p><form action="{self.base}/newsletter/" method="post">'
            '<input type="email" name="email" placeholder="Your email address" required>'
            '<button type="submit">Subscribe</button></form></div>'
        )

    def jp_related_html(self, story: Story) -> str:
        items = []
        for r in self.site.related(story, 3):
            items.append(
                '<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
                f'<a class="jp-relatedposts-post-a" href="{esc(r.url)}">{esc_text(r.headline)}</a>'
                f'</h4><p class="jp-relatedposts-post-date">{display_date(r.published)}</p>'
                f'<p class="jp-relatedposts-post-context">In &quot;{esc_text(r.section)}&quot;</p>'
                "</div>"
            )
        return (
            '<div id="jp-relatedposts" class="jp-relatedposts"><h3 '
            'class="jp-relatedposts-headline"><em>Related</em></h3><div '
            f'class="jp-relatedposts-items jp-relatedposts-items-visual">{"".join(items)}'
            "</div></div>"
        )

    # ------------------------------------------------------------------ head
    def head(
        self,
        *,
        title: str,
        description: str | None,
        canonical: str | None,
        metas: list[tuple[str, str, str]],
        robots: str | None = None,
        jsonld: dict[str, object] | None = None,
        extra: str = "",
    ) -> str:
        lines = [
            '<meta charset="UTF-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc_text(title)}</title>",
        ]
        if description:
            lines.append(f'<meta name="description" content="{esc(description)}">')
        lines.append(
            '<meta name="robots" content="'
            + (
                robots
                or "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"
            )
            + '">'
        )
        if canonical:
            lines.append(f'<link rel="canonical" href="{esc(canonical)}">')
        for attr, key, value in metas:
            lines.append(f'<meta {attr}="{key}" content="{esc(value)}">')
        if jsonld is not None:
            data = json.dumps(jsonld, ensure_ascii=False, separators=(",", ":"))
            data = data.replace("</", "<\\/")
            lines.append(
                f'<script type="application/ld+json" class="yoast-schema-graph">{data}</script>'
            )
        lines.append(
            f'<link rel="alternate" type="application/rss+xml" '
            f'title="{esc(self.site.display_name)} &raquo; Feed" '
            f'href="{self.base}/feed/">'
        )
        if extra:
            lines.append(extra)
        return "\n".join(lines)

    def site_nodes(self) -> list[dict[str, object]]:
        b, s = self.base, self.site
        return [
            {
                "@type": "WebSite",
                "@id": f"{b}/#website",
                "url": f"{b}/",
                "name": s.display_name,
                "description": s.tagline,
                "publisher": {"@id": f"{b}/#organization"},
                "potentialAction": [
                    {
                        "@type": "SearchAction",
                        "target": {
                            "@type": "EntryPoint",
                            "urlTemplate": f"{b}/?s={{search_term_string}}",
                        },
                        "query-input": {
                            "@type": "PropertyValueSpecification",
                            "valueRequired": True,
                            "valueName": "search_term_string",
                        },
                    }
                ],
                "inLanguage": s.language,
            },
            {
                "@type": "Organization",
                "@id": f"{b}/#organization",
                "name": s.display_name,
                "url": f"{b}/",
                "logo": {
                    "@type": "ImageObject",
                    "inLanguage": s.language,
                    "@id": f"{b}/#/schema/logo/image/",
                    "url": f"{b}/wp-content/uploads/2022/01/logo.png",
                    "contentUrl": f"{b}/wp-content/uploads/2022/01/logo.png",
                    "width": 400,
                    "height": 120,
                    "caption": s.display_name,
                },
                "image": {"@id": f"{b}/#/schema/logo/image/"},
            },
        ]

    def article_jsonld(self, story: Story) -> dict[str, object]:
        s, b, url = self.site, self.base, story.url
        pub, mod = s.iso_utc(story.published), s.iso_utc(story.modified)
        title = f"{story.headline} - {s.display_name}"
        art: dict[str, object] = {
            "@type": story.schema_type,
            "@id": f"{url}#article",
            "isPartOf": {"@id": url},
            "author": [
                {"name": s.authors[a].name, "@id": self.person_id(a)} for a in story.authors
            ],
            "headline": story.headline,
            "datePublished": pub,
            "dateModified": mod,
            "mainEntityOfPage": {"@id": url},
            "wordCount": story.content_word_count(),
            "publisher": {"@id": f"{b}/#organization"},
        }
        page: dict[str, object] = {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": title,
            "isPartOf": {"@id": f"{b}/#website"},
        }
        graph: list[dict[str, object]] = [art, page]
        if story.featured:
            img = self.img_url(story.featured)
            art["image"] = {"@id": f"{url}#primaryimage"}
            art["thumbnailUrl"] = img
            page["primaryImageOfPage"] = {"@id": f"{url}#primaryimage"}
            page["image"] = {"@id": f"{url}#primaryimage"}
            page["thumbnailUrl"] = img
        if story.tags:
            art["keywords"] = story.tag_names()
        art["articleSection"] = [story.section]
        art["inLanguage"] = s.language
        page.update(
            {
                "datePublished": pub,
                "dateModified": mod,
                "description": story.description,
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "inLanguage": s.language,
                "potentialAction": [{"@type": "ReadAction", "target": [url]}],
            }
        )
        if story.featured:
            im = story.featured
            node: dict[str, object] = {
                "@type": "ImageObject",
                "inLanguage": s.language,
                "@id": f"{url}#primaryimage",
                "url": self.img_url(im),
                "contentUrl": self.img_url(im),
                "width": im.width,
                "height": im.height,
            }
            if im.caption:
                node["caption"] = im.caption
            graph.append(node)
        graph.append(
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{b}/"},
                    {"@type": "ListItem", "position": 2, "name": story.headline},
                ],
            }
        )
        graph.extend(self.site_nodes())
        for a in story.authors:
            p = s.authors[a]
            graph.append(
                {
                    "@type": "Person",
                    "@id": self.person_id(a),
                    "name": p.name,
                    "url": f"{b}/author/{a}/",
                }
            )
        return {"@context": "https://schema.org", "@graph": graph}

    def article_head(self, story: Story, noindex: bool = False) -> str:
        s = self.site
        title = f"{story.headline} - {s.display_name}"
        metas: list[tuple[str, str, str]] = [
            ("property", "og:locale", s.language.replace("-", "_")),
            ("property", "og:type", "article"),
            ("property", "og:title", title),
            ("property", "og:description", story.description),
            ("property", "og:url", story.url),
            ("property", "og:site_name", s.display_name),
            ("property", "article:publisher", "https://www.facebook.com/example.tca"),
        ]
        if story.has_og_dates:
            metas.append(("property", "article:published_time", s.iso_utc(story.published)))
            metas.append(("property", "article:modified_time", s.iso_utc(story.modified)))
        if story.featured:
            im = story.featured
            metas += [
                ("property", "og:image", self.img_url(im)),
                ("property", "og:image:width", str(im.width)),
                ("property", "og:image:height", str(im.height)),
                ("property", "og:image:type", "image/jpeg"),
            ]
        names = story.author_names()
        minutes = max(1, round(story.word_count / 200))
        metas += [
            ("name", "author", ", ".join(names)),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:label1", "Written by"),
            ("name", "twitter:data1", ", ".join(names)),
            ("name", "twitter:label2", "Est. reading time"),
            ("name", "twitter:data2", f"{minutes} minute" + ("s" if minutes > 1 else "")),
        ]
        return self.head(
            title=title,
            description=story.description,
            canonical=story.url,
            metas=metas,
            robots="noindex, nofollow" if noindex else None,
            jsonld=self.article_jsonld(story) if story.has_jsonld else None,
            extra=f"<link rel='shortlink' href='{story.shortlink}'>",
        )

    # ------------------------------------------------------------------ page chrome
    def ticker_html(self) -> str:
        if not self.site.ticker:
            return ""
        rates = [r for r in self.site.rates if self.rate_codes is None or r.base in self.rate_codes]
        items = []
        for r in rates:
            cls = "down" if r.change.startswith("-") else "up"
            items.append(
                f'<span class="rate-item">{r.base}/{r.quote} = {r.rate} '
                f'<span class="rate-change rate-{cls}">{r.change}</span></span>'
            )
        once = "\n".join(items)
        return (
            '<div class="tca-rates"><div class="marquee">\n'
            + "\n".join([once] * 8)
            + f'\n</div><div class="header-date">{display_date_of(self.site)}</div></div>'
        )

    def nav_html(self, src: str) -> str:
        lis = [f'<li class="menu-item menu-item-home"><a href="{self.base}/">Home</a></li>']
        for c in self.site.categories.values():
            href = self.listing_href(src, f"/category/home/{c.slug}/")
            lis.append(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                f'<a href="{esc(href)}">{esc_text(c.name)}</a></li>'
            )
        return (
            '<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" '
            f'class="menu">{"".join(lis)}</ul></nav>'
        )

    def header_html(self, src: str) -> str:
        return (
            f'<header id="masthead" class="site-header">\n{self.ticker_html()}\n'
            f'<div class="site-branding"><p class="site-title"><a href="{self.base}/" '
            f'rel="home">{esc_text(self.site.display_name)}</a></p>'
            f'<p class="site-description">{esc_text(self.site.tagline)}</p></div>\n'
            f"{self.nav_html(src)}\n</header>"
        )

    def sidebar_html(self, src: str) -> str:
        site, b = self.site, self.base
        latest = "".join(
            f'<li><a href="{esc(s.url)}">{esc_text(s.headline)}</a></li>' for s in site.newest(5)
        )
        popular = "".join(
            f'<li><a href="{esc(s.url)}">{esc_text(s.headline)}</a></li>' for s in site.popular(5)
        )
        h = zlib.crc32(src.encode())
        words = ["water", "inflation", "railway", "gold", "elections", "tourism", "gas"]
        trending = " ".join(
            f'<a href="{b}/?s={w}">{w}</a>' for w in (words[h % 7], words[(h // 7) % 7])
        )
        preview = ""
        newest = site.newest(8)
        if newest and h % 3 == 0:
            p = newest[h % len(newest)]
            preview = (
                f'<section class="widget widget_preview"><h2 class="widget-title">'
                f'Coming up</h2><ul><li><a href="{b}/preview/{p.slug}/">'
                f"{esc_text(p.headline)}</a></li></ul></section>"
            )
        return (
            '<aside id="secondary" class="widget-area">\n'
            f'<section class="widget widget_search"><form role="search" method="get" '
            f'class="search-form" action="{b}/"><label><span class="screen-reader-text">Search '
            'for:</span><input type="search" class="search-field" placeholder="Search …" '
            'value="" name="s"></label><input type="submit" class="search-submit" '
            f'value="Search"></form><p class="trending">Trending: {trending}</p></section>\n'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">Latest</h2>'
            f"<ul>{latest}</ul></section>\n"
            f'<section class="widget widget_popular"><h2 class="widget-title">Popular</h2>'
            f"<ul>{popular}</ul></section>\n{preview}"
            f'<section class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul>'
            f'<li><a href="{b}/wp-login.php">Log in</a></li>'
            f'<li><a href="{b}/wp-admin/">Site admin</a></li></ul></section>\n'
            "</aside>"
        )

    def footer_html(self) -> str:
        b = self.base
        return (
            '<footer id="colophon" class="site-footer"><nav class="footer-navigation"><ul>'
            f'<li><a href="{b}/about-us/">About Us</a></li>'
            f'<li><a href="{b}/contact/">Contact</a></li></ul></nav>'
            f'<div class="site-info">© {self.site.today.year} '
            f"{esc_text(self.site.display_name)}. All rights reserved.</div></footer>"
        )

    def document(self, head: str, body_class: str, main: str, src: str) -> str:
        return (
            '<!DOCTYPE html>\n<html lang="'
            + self.site.language
            + '">\n<head>\n'
            + head
            + f'\n</head>\n<body class="{body_class}">\n<div id="page" class="site">\n'
            '<a class="skip-link screen-reader-text" href="#main">Skip to content</a>\n'
            + self.header_html(src)
            + '\n<div id="content" class="site-content">\n'
            + main
            + "\n"
            + self.sidebar_html(src)
            + "\n</div>\n"
            + self.footer_html()
            + "\n</div>\n</body>\n</html>\n"
        )

    # ------------------------------------------------------------------ pages
    def byline_html(self, story: Story, src: str) -> str:
        spans = []
        for a in story.authors:
            p = self.site.authors[a]
            href = self.listing_href(src, f"/author/{a}/")
            spans.append(
                f'<span class="author vcard"><a class="url fn n" href="{esc(href)}">'
                f"{esc_text(p.name)}</a></span>"
            )
        return "By " + join_names(spans)

    def related_section(self, story: Story) -> str:
        items = "".join(
            f'<div class="related-item"><h4><a href="{esc(r.url)}">{esc_text(r.headline)}</a></h4>'
            f"<p>{esc_text(r.description)}</p></div>"
            for r in self.site.related(story, 3)
        )
        return f'<section class="related-posts"><h3>Related articles</h3>{items}</section>'

    def render_article(self, story: Story, noindex: bool = False) -> str:
        raise NotImplementedError

    def render_listing(self, listing: Listing) -> str:
        raise NotImplementedError

    def render_page(self, page: StaticPage) -> str:
        raise NotImplementedError

    def render_404(self) -> str:
        raise NotImplementedError


def join_names(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def display_date_of(site: Site) -> str:
    return f"{site.today.day:02d} {MONTHS[site.today.month - 1]} {site.today.year}"


class ModernTheme(Theme):
    """The current theme: ``<article>``, ``entry-content``, Yoast head, five-pair ticker."""

    name = "modern"

    def post_classes(self, story: Story) -> str:
        cls = [f"post-{story.post_id}", "post", "type-post", "status-publish", "format-standard"]
        if story.featured:
            cls.append("has-post-thumbnail")
        cls += ["hentry", f"category-{story.category}"] + [f"tag-{t}" for t in story.tags]
        return " ".join(cls)

    def time_html(self, story: Story) -> str:
        s = self.site
        pub, mod = story.published, story.modified
        if mod == pub:
            return (
                f'<time class="entry-date published updated" datetime="{s.iso_local(pub)}">'
                f"{display_date(pub)}</time>"
            )
        return (
            f'<time class="entry-date published" datetime="{s.iso_local(pub)}">'
            f'{display_date(pub)}</time><time class="updated" datetime="{s.iso_local(mod)}">'
            f"{display_date(mod)}</time>"
        )

    def featured_html(self, story: Story) -> str:
        im = story.featured
        if im is None:
            return ""
        cap = (
            f'<figcaption class="wp-caption-text">{esc_text(im.caption)}</figcaption>'
            if im.caption
            else ""
        )
        return (
            f'<figure class="post-thumbnail"><img width="{im.width}" height="{im.height}" '
            f'src="{esc(self.img_url(im))}" class="attachment-post-thumbnail size-post-'
            f'thumbnail wp-post-image" alt="{esc(im.alt)}" decoding="async">{cap}</figure>'
        )

    def render_article(self, story: Story, noindex: bool = False) -> str:
        src = story.path
        cat = self.site.categories[story.category]
        cat_href = self.listing_href(src, f"/category/home/{cat.slug}/")
        tags = ", ".join(
            f'<a href="{esc(self.listing_href(src, f"/tag/{t}/"))}" rel="tag">'
            f"{esc_text(self.site.tags[t].name)}</a>"
            for t in story.tags
        )
        footer = (
            f'<footer class="entry-footer"><span class="tags-links">{tags}</span></footer>'
            if tags
            else '<footer class="entry-footer"></footer>'
        )
        main = (
            '<main id="main" class="site-main">\n'
            f'<article id="post-{story.post_id}" class="{self.post_classes(story)}">\n'
            '<header class="entry-header">'
            f'<span class="cat-links"><a href="{esc(cat_href)}" rel="category tag">'
            f"{esc_text(cat.name)}</a></span>\n"
            f'<h1 class="entry-title">{esc_text(story.headline)}</h1>\n'
            f'<div class="entry-meta"><span class="byline">{self.byline_html(story, src)}</span> '
            f'<span class="posted-on">{self.time_html(story)}</span></div>\n</header>\n'
            f"{self.featured_html(story)}\n"
            f'<div class="entry-content">\n{self.content_html(story, src)}\n</div>\n'
            f"{footer}\n</article>\n{self.related_section(story)}\n</main>"
        )
        body = (
            f"post-template-default single single-post postid-{story.post_id} "
            "single-format-standard"
        )
        return self.document(self.article_head(story, noindex), body, main, src)

    # listings --------------------------------------------------------------
    def listing_entry(self, s: Story, src: str) -> str:
        site = self.site
        names = join_names([esc_text(n) for n in s.author_names()])
        return (
            f'<article id="post-{s.post_id}" class="post-{s.post_id} post type-post '
            f'status-publish format-standard hentry category-{s.category}">\n'
            f'<h3 class="entry-title"><a href="{esc(s.url)}" rel="bookmark">'
            f"{esc_text(s.headline)}</a></h3>\n"
            f'<div class="entry-meta"><time class="entry-date published" '
            f'datetime="{site.iso_local(s.published)}">{display_date(s.published)}</time> '
            f"By {names}</div>\n"
            f'<div class="entry-summary"><p>{esc_text(s.description)}</p></div>\n'
            f'<a class="more-link" href="{esc(s.url)}">Read more</a>\n</article>'
        )

    def pagination_html(self, listing: Listing, src: str) -> str:
        n, cur = listing.n_pages(self.site.per_page), listing.page
        if n <= 1:
            return ""
        parts = []
        if cur > 1:
            parts.append(
                f'<a class="prev page-numbers" href="'
                f'{esc(self.listing_href(src, listing.page_path(cur - 1)))}">'
                "&laquo; Previous</a>"
            )
        shown = sorted({1, 2, cur - 1, cur, cur + 1, n - 1, n} & set(range(1, n + 1)))
        prev = 0
        for p in shown:
            if p - prev > 1:
                parts.append('<span class="page-numbers dots">&hellip;</span>')
            if p == cur:
                parts.append(f'<span aria-current="page" class="page-numbers current">{p}</span>')
            else:
                parts.append(
                    f'<a class="page-numbers" href="'
                    f'{esc(self.listing_href(src, listing.page_path(p)))}">{p}</a>'
                )
            prev = p
        if cur < n:
            parts.append(
                f'<a class="next page-numbers" href="'
                f'{esc(self.listing_href(src, listing.page_path(cur + 1)))}">'
                "Next &raquo;</a>"
            )
        return (
            '<nav class="navigation pagination" aria-label="Posts"><h2 '
            'class="screen-reader-text">Posts navigation</h2><div class="nav-links">'
            + "".join(parts)
            + "</div></nav>"
        )

    def render_listing(self, listing: Listing) -> str:
        site, per = self.site, self.site.per_page
        src = listing.page_path(listing.page)
        start = (listing.page - 1) * per
        chunk = listing.stories[start : start + per]
        n_pages = listing.n_pages(per)
        name = listing.name
        if listing.kind == "home":
            title = site.display_name
            if listing.page > 1:
                title = f"{site.display_name} - Page {listing.page} of {n_pages}"
            h1 = '<h1 class="page-title screen-reader-text">Latest news</h1>'
            body = "home blog" + (f" paged paged-{listing.page}" if listing.page > 1 else "")
        elif listing.kind == "search":
            title = f"You searched for {listing.query} - {site.display_name}"
            h1 = (
                f'<h1 class="page-title">Search Results for: <span>{esc_text(listing.query)}'
                "</span></h1>"
            )
            body = "search search-results"
        else:
            label = {"category": "Category", "tag": "Tag", "author": "Author"}[listing.kind]
            suffix = "Archives" if listing.kind != "author" else ", Author at"
            title = (
                f"{name} Archives - {site.display_name}"
                if listing.kind != "author"
                else f"{name}{suffix} {site.display_name}"
            )
            if listing.page > 1:
                title = title.replace(
                    f" - {site.display_name}",
                    f" - Page {listing.page} of {n_pages} - {site.display_name}",
                )
            h1 = f'<h1 class="page-title">{label}: <span>{esc_text(name)}</span></h1>'
            body = {
                "category": f"archive category category-{listing.slug} category-{listing.term_id}",
                "tag": f"archive tag tag-{listing.slug} tag-{listing.term_id}",
                "author": f"archive author author-{listing.slug} author-{listing.term_id}",
            }[listing.kind]
            if listing.page > 1:
                body += f" paged paged-{listing.page}"
        if chunk:
            count = (
                f'<div class="results-count">Viewing results {start + 1} - '
                f"{start + len(chunk)} of {listing.total}</div>"
            )
        else:
            count = '<div class="results-count">No results</div>'
        entries = "\n".join(self.listing_entry(s, src) for s in chunk)
        main = (
            f'<main id="main" class="site-main">\n<header class="page-header">{h1}</header>\n'
            f"{count}\n{entries}\n"
            f"{self.pagination_html(listing, src) if listing.kind != 'search' else ''}\n"
            "</main>"
        )
        links = []
        if listing.kind != "search":
            if listing.page > 1:
                links.append(
                    f'<link rel="prev" href="{self.base}{listing.page_path(listing.page - 1)}">'
                )
            if listing.page < n_pages:
                links.append(
                    f'<link rel="next" href="{self.base}{listing.page_path(listing.page + 1)}">'
                )
        canonical = None if listing.kind == "search" else self.base + src
        metas = [
            ("property", "og:locale", site.language.replace("-", "_")),
            ("property", "og:type", "website"),
            ("property", "og:title", title),
            ("property", "og:url", canonical or self.base + "/"),
            ("property", "og:site_name", site.display_name),
            ("name", "twitter:card", "summary_large_image"),
        ]
        jsonld: dict[str, object] = {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "CollectionPage",
                    "@id": canonical or self.base + "/",
                    "url": canonical or self.base + "/",
                    "name": title,
                    "isPartOf": {"@id": f"{self.base}/#website"},
                    "inLanguage": site.language,
                },
                *self.site_nodes(),
            ],
        }
        head = self.head(
            title=title,
            description=site.tagline if listing.kind == "home" else None,
            canonical=canonical,
            metas=metas,
            robots="noindex, follow" if listing.kind == "search" else None,
            jsonld=jsonld,
            extra="\n".join(links),
        )
        return self.document(head, body, main, src)

    def render_page(self, page: StaticPage) -> str:
        site = self.site
        url = f"{self.base}/{page.slug}/"
        title = f"{page.title} - {site.display_name}"
        metas = [
            ("property", "og:locale", site.language.replace("-", "_")),
            ("property", "og:type", "article"),
            ("property", "og:title", title),
            ("property", "og:url", url),
            ("property", "og:site_name", site.display_name),
            ("property", "article:modified_time", site.iso_utc(page.modified)),
            ("name", "twitter:card", "summary_large_image"),
        ]
        jsonld: dict[str, object] = {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "WebPage",
                    "@id": url,
                    "url": url,
                    "name": title,
                    "isPartOf": {"@id": f"{self.base}/#website"},
                    "datePublished": site.iso_utc(page.published),
                    "dateModified": site.iso_utc(page.modified),
                    "inLanguage": site.language,
                },
                *self.site_nodes(),
            ],
        }
        head = self.head(
            title=title,
            description=page.paragraphs[0],
            canonical=url,
            metas=metas,
            jsonld=jsonld,
            extra=f"<link rel='shortlink' href='{self.base}/?p={page.page_id}'>",
        )
        paras = "\n".join(f"<p>{esc_text(p)}</p>" for p in page.paragraphs)
        if page.slug == "contact":
            paras += (
                '\n<form class="contact-form" method="post" action="#"><input name="name">'
                '<input name="email" type="email"><textarea name="message"></textarea>'
                "<button>Send</button></form>"
            )
        main = (
            f'<main id="main" class="site-main">\n<div id="post-{page.page_id}" '
            f'class="page-content">\n<h1 class="page-title">{esc_text(page.title)}</h1>\n'
            f'<div class="page-body">\n{paras}\n</div>\n</div>\n</main>'
        )
        return self.document(
            head, f"page-template-default page page-id-{page.page_id}", main, f"/{page.slug}/"
        )

    def render_404(self) -> str:
        title = f"Page not found - {self.site.display_name}"
        head = self.head(
            title=title, description=None, canonical=None, metas=[], robots="noindex, follow"
        )
        main = (
            '<main id="main" class="site-main">\n<section class="error-404 not-found">'
            '<header class="page-header"><h1 class="page-title">Oops! That page can’t be '
            'found.</h1></header><div class="page-content"><p>It looks like nothing was '
            "found at this location. Maybe try a search?</p></div></section>\n</main>"
        )
        return self.document(head, "error404", main, "/404/")


class LegacyTheme(ModernTheme):
    """The older tagDiv-Newspaper-like theme: no ``<article>``, ``td-post-content``, four pairs."""

    name = "legacy"
    rate_codes = ("KGS", "KZT", "TJS", "UZS")

    def ticker_html(self) -> str:
        if not self.site.ticker:
            return ""
        rates = [r for r in self.site.rates if self.rate_codes is None or r.base in self.rate_codes]
        once = " ".join(
            f'<span class="td-rate">{r.base}/{r.quote} = {r.rate} '
            f'<span class="td-rate-change">{r.change}</span></span>'
            for r in rates
        )
        return (
            '<div class="td-header-rates tca-rates"><div class="td-rates-marquee">'
            + " ".join([once] * 8)
            + f'</div><div class="td-header-date">{display_date_of(self.site)}</div></div>'
        )

    def document(self, head: str, body_class: str, main: str, src: str) -> str:
        b = self.base
        cats = "".join(
            f'<li class="menu-item"><a href="'
            f'{esc(self.listing_href(src, f"/category/home/{c.slug}/"))}">'
            f"{esc_text(c.name)}</a></li>"
            for c in self.site.categories.values()
        )
        header = (
            '<div class="td-header-wrap td-header-style-1">\n'
            f'<div class="td-header-top-menu-full">{self.ticker_html()}</div>\n'
            f'<div class="td-header-sp-logo"><a class="td-main-logo" href="{b}/">'
            f'<span class="td-visual-hidden">{esc_text(self.site.display_name)}</span></a></div>\n'
            f'<div class="td-header-menu-wrap"><ul id="menu-td-demo-header-menu" '
            f'class="sf-menu"><li class="menu-item"><a href="{b}/">Home</a></li>{cats}</ul>'
            "</div>\n</div>"
        )
        return (
            '<!DOCTYPE html>\n<html lang="'
            + self.site.language
            + '">\n<head>\n'
            + head
            + f'\n</head>\n<body class="{body_class} td-standard-pack global-block-template-1">\n'
            '<div id="td-outer-wrap" class="td-theme-wrap">\n'
            + header
            + '\n<div class="td-main-content-wrap td-container-wrap"><div class="td-container">'
            '<div class="td-pb-row">\n<div class="td-pb-span8 td-main-content" role="main">'
            '<div class="td-ss-main-content">\n'
            + main
            + '\n</div></div>\n<div class="td-pb-span4 td-main-sidebar" role="complementary">\n'
            + self.sidebar_html(src)
            + "\n</div>\n</div></div></div>\n"
            '<div class="td-footer-wrapper td-container-wrap">'
            + self.footer_html()
            + "</div>\n</div>\n</body>\n</html>\n"
        )

    def byline_html(self, story: Story, src: str) -> str:
        links = [
            f'<a href="{esc(self.listing_href(src, f"/author/{a}/"))}">'
            f"{esc_text(self.site.authors[a].name)}</a>"
            for a in story.authors
        ]
        return join_names(links)

    def render_article(self, story: Story, noindex: bool = False) -> str:
        site, src = self.site, story.path
        cat = site.categories[story.category]
        cat_href = self.listing_href(src, f"/category/home/{cat.slug}/")
        featured = ""
        if story.featured:
            im = story.featured
            cap = (
                f'<figcaption class="wp-caption-text">{esc_text(im.caption)}</figcaption>'
                if im.caption
                else ""
            )
            featured = (
                f'<div class="td-post-featured-image"><figure><img width="{im.width}" '
                f'height="{im.height}" class="entry-thumb" src="{esc(self.img_url(im))}" '
                f'alt="{esc(im.alt)}" title="{esc(im.alt)}">{cap}</figure></div>'
            )
        tags = "".join(
            f'<li><a href="{esc(self.listing_href(src, f"/tag/{t}/"))}">'
            f"{esc_text(site.tags[t].name)}</a></li>"
            for t in story.tags
        )
        tags_html = (
            (
                '<div class="td-post-source-tags"><ul class="td-tags td-post-small-box '
                f'clearfix"><li><span>TAGS</span></li>{tags}</ul></div>'
            )
            if tags
            else ""
        )
        related = "".join(
            f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack '
            f'td_mod_related_posts"><h3 class="entry-title td-module-title"><a href="{esc(r.url)}" '
            f'rel="bookmark" title="{esc(r.headline)}">{esc_text(r.headline)}</a></h3></div></div>'
            for r in site.related(story, 3)
        )
        main = (
            f'<div class="td-post-header">\n<ul class="td-category"><li class="entry-category">'
            f'<a href="{esc(cat_href)}">{esc_text(cat.name)}</a></li></ul>\n'
            f'<header class="td-post-title"><h1 class="entry-title">{esc_text(story.headline)}'
            f'</h1>\n<div class="td-module-meta-info"><div class="td-post-author-name">'
            f'<div class="td-author-by">By</div> {self.byline_html(story, src)}'
            f'</div> <span class="td-post-date"><time class="entry-date updated '
            f'td-module-date" datetime="{site.iso_local(story.published)}">'
            f"{display_date(story.published)}</time></span></div></header>\n</div>\n"
            f"{featured}\n"
            f'<div class="td-post-content tagdiv-type">\n{self.content_html(story, src)}\n</div>\n'
            f"<footer>{tags_html}</footer>\n"
            '<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title">'
            '<a href="#" class="td-related-left td-cur-simple-item">More articles</a></h4>'
            f'<div class="td_block_inner td-related-row">{related}</div></div>'
        )
        body = (
            f"post-template-default single single-post postid-{story.post_id} "
            "single-format-standard"
        )
        return self.document(self.article_head(story, noindex), body, main, src)


def herald_date(dt: datetime) -> str:
    """WordPress's default date format, ``F j, Y g:i a``: December 9, 2025 5:04 pm."""
    hour = dt.hour % 12 or 12
    return f"{MONTHS[dt.month - 1]} {dt.day}, {dt.year} {hour}:{dt.minute:02d} " + (
        "am" if dt.hour < 12 else "pm"
    )


class HeraldTheme(ModernTheme):
    """Steppe Herald's own theme: ``sh-`` class names, no ``<article>``, no JSON-LD, no ticker.

    The post content (core blocks, Jetpack sharing and related posts) is the same
    as on any WordPress site; only the chrome around it and the newsletter plugin
    (Mailchimp for WP) differ.
    """

    name = "herald"

    def head(
        self,
        *,
        title: str,
        description: str | None,
        canonical: str | None,
        metas: list[tuple[str, str, str]],
        robots: str | None = None,
        jsonld: dict[str, object] | None = None,
        extra: str = "",
    ) -> str:
        # No SEO plugin: OpenGraph comes from Jetpack, and nothing writes JSON-LD.
        return super().head(
            title=title,
            description=description,
            canonical=canonical,
            metas=metas,
            robots=robots,
            jsonld=None,
            extra=extra,
        )

    def ticker_html(self) -> str:
        return ""

    def newsletter_html(self) -> str:
        return (
            '<div class="mc4wp-form"><div class="mc4wp-form-fields"><p>Sign up for the '
            f"{esc_text(self.site.display_name)} newsletter, every weekday morning.</p>"
            '<p><input type="email" name="EMAIL" placeholder="Your email address" required> '
            '<input type="submit" value="Sign up"></p></div></div>'
        )

    def header_html(self, src: str) -> str:
        b = self.base
        cats = "".join(
            f'<li><a href="{esc(self.listing_href(src, f"/category/home/{c.slug}/"))}">'
            f"{esc_text(c.name)}</a></li>"
            for c in self.site.categories.values()
        )
        return (
            '<header class="sh-masthead">\n<div class="sh-brand">'
            f'<a class="sh-logo" href="{b}/">{esc_text(self.site.display_name)}</a>'
            f'<span class="sh-motto">{esc_text(self.site.tagline)}</span></div>\n'
            f'<nav class="sh-nav"><ul><li><a href="{b}/">Front page</a></li>{cats}</ul></nav>\n'
            "</header>"
        )

    def sidebar_html(self, src: str) -> str:
        site = self.site
        picks = "".join(
            f'<div class="sh-pick"><a class="sh-pick-title" href="{esc(s.url)}">'
            f'{esc_text(s.headline)}</a><p class="sh-teaser">{esc_text(s.description)}</p></div>'
            for s in site.popular(4)
        )
        latest = "".join(
            f'<li><a href="{esc(s.url)}">{esc_text(s.headline)}</a></li>' for s in site.newest(5)
        )
        return (
            '<div class="sh-rail">\n<div class="sh-box"><h3 class="sh-box-title">Editor’s picks'
            f'</h3>{picks}</div>\n<div class="sh-box"><h3 class="sh-box-title">Just in</h3>'
            f"<ul>{latest}</ul></div>\n</div>"
        )

    def footer_html(self) -> str:
        b, s = self.base, self.site
        return (
            f'<div class="sh-footer"><p class="sh-about">{esc_text(s.display_name)} is an '
            "independent newsroom reporting on the steppe and its neighbours since 2019. "
            'Tips and corrections are always welcome.</p><ul class="sh-links">'
            f'<li><a href="{b}/about-us/">About</a></li><li><a href="{b}/contact/">Contact</a>'
            f'</li></ul><p class="sh-copy">© {s.today.year} {esc_text(s.display_name)}</p></div>'
        )

    def document(self, head: str, body_class: str, main: str, src: str) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{self.site.language}">\n<head>\n{head}\n</head>\n'
            f'<body class="{body_class} sh-theme">\n<div class="sh-page">\n'
            f"{self.header_html(src)}\n"
            f'<div class="sh-columns">\n<div class="sh-primary">\n{main}\n</div>\n'
            f"{self.sidebar_html(src)}\n</div>\n{self.footer_html()}\n</div>\n</body>\n</html>\n"
        )

    def listing_entry(self, s: Story, src: str) -> str:
        return (
            f'<div class="sh-card" id="card-{s.post_id}"><h2 class="sh-card-title">'
            f'<a href="{esc(s.url)}">{esc_text(s.headline)}</a></h2>'
            f'<div class="sh-card-meta">{herald_date(s.published)}</div>'
            f'<p class="sh-card-dek">{esc_text(s.description)}</p></div>'
        )

    def render_article(self, story: Story, noindex: bool = False) -> str:
        site, src = self.site, story.path
        cat = site.categories[story.category]
        cat_href = self.listing_href(src, f"/category/home/{cat.slug}/")
        byline = join_names(
            [
                f'<a class="sh-author" href="{esc(self.listing_href(src, f"/author/{a}/"))}">'
                f"{esc_text(site.authors[a].name)}</a>"
                for a in story.authors
            ]
        )
        topics = "".join(
            f'<li><a href="{esc(self.listing_href(src, f"/tag/{t}/"))}">'
            f"{esc_text(site.tags[t].name)}</a></li>"
            for t in story.tags
        )
        hero = ""
        if story.featured:
            im = story.featured
            cap = (
                f'<figcaption class="sh-credit">{esc_text(im.caption)}</figcaption>'
                if im.caption
                else ""
            )
            hero = (
                f'<figure class="sh-hero"><img src="{esc(self.img_url(im))}" width="{im.width}" '
                f'height="{im.height}" alt="{esc(im.alt)}">{cap}</figure>'
            )
        updated = (
            ""
            if story.modified == story.published
            else f' <span class="sh-updated">Updated {herald_date(story.modified)}</span>'
        )
        more = "".join(
            f'<li><a href="{esc(r.url)}">{esc_text(r.headline)}</a></li>'
            for r in site.related(story, 3)
        )
        main = (
            f'<div class="sh-story" id="story-{story.post_id}">\n'
            f'<div class="sh-kicker"><a href="{esc(cat_href)}">{esc_text(cat.name)}</a></div>\n'
            f'<h1 class="sh-headline">{esc_text(story.headline)}</h1>\n'
            f'<div class="sh-meta"><span class="sh-byline">By {byline}</span> '
            f'<time class="sh-pubdate" datetime="{site.iso_local(story.published)}">'
            f"{herald_date(story.published)}</time>{updated}</div>\n{hero}\n"
            f'<div class="sh-story-text">\n{self.content_html(story, src)}\n</div>\n'
            + (
                f'<div class="sh-topics"><span>Topics</span><ul>{topics}</ul></div>\n'
                if topics
                else ""
            )
            + f'<div class="sh-more"><h3>More from {esc_text(site.display_name)}</h3>'
            f"<ul>{more}</ul></div>\n</div>"
        )
        body = (
            f"post-template-default single single-post postid-{story.post_id} "
            "single-format-standard"
        )
        return self.document(self.article_head(story, noindex), body, main, src)


class ElementorTheme(ModernTheme):
    """A page-builder theme nobody wrote selectors for (Elementor Pro widgets).

    Used to test fallback extraction: no ``entry-content``, no ``<article>`` around the
    post, the headline an ``elementor-heading-title``, and around the content the
    noise such pages carry: post info, share buttons, an author box with a bio,
    previous/next links, a related-posts grid with excerpts and reader comments.
    """

    name = "elementor"

    @staticmethod
    def widget(kind: str, inner: str) -> str:
        return (
            f'<div class="elementor-element elementor-widget elementor-widget-{kind}" '
            f'data-widget_type="{kind}.default"><div class="elementor-widget-container">'
            f"{inner}</div></div>"
        )

    @staticmethod
    def section(*widgets: str) -> str:
        return (
            '<section class="elementor-section elementor-top-section elementor-section-boxed">'
            '<div class="elementor-container elementor-column-gap-default"><div class="'
            'elementor-column elementor-col-100 elementor-top-column"><div class="elementor-'
            'widget-wrap elementor-element-populated">' + "".join(widgets) + "</div></div></div>"
            "</section>"
        )

    def header_html(self, src: str) -> str:
        b = self.base
        items = "".join(
            f'<li class="menu-item"><a class="elementor-item" href="'
            f'{esc(self.listing_href(src, f"/category/home/{c.slug}/"))}">'
            f"{esc_text(c.name)}</a></li>"
            for c in self.site.categories.values()
        )
        logo = (
            f'<a href="{b}/"><img src="{b}/wp-content/uploads/2022/01/logo.png" '
            f'alt="{esc(self.site.display_name)}"></a>'
        )
        nav = (
            '<nav class="elementor-nav-menu--main elementor-nav-menu__container"><ul '
            f'class="elementor-nav-menu">{items}</ul></nav>'
        )
        return (
            '<div data-elementor-type="header" class="elementor elementor-12 elementor-location-'
            f'header">{self.ticker_html()}'
            + self.section(self.widget("theme-site-logo", logo), self.widget("nav-menu", nav))
            + "</div>"
        )

    def footer_html(self) -> str:
        s = self.site
        text = (
            f"<p>{esc_text(s.display_name)}: {esc_text(s.tagline)}. Independent reporting from "
            "the region since 2019.</p>"
            f"<p>© {s.today.year} {esc_text(s.display_name)}. All rights reserved.</p>"
        )
        return (
            '<div data-elementor-type="footer" class="elementor elementor-31 elementor-location-'
            'footer">' + self.section(self.widget("text-editor", text)) + "</div>"
        )

    def document(self, head: str, body_class: str, main: str, src: str) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{self.site.language}">\n<head>\n{head}\n</head>\n'
            f'<body class="{body_class} elementor-default elementor-template-full-width '
            f'elementor-kit-5">\n{self.header_html(src)}\n{main}\n{self.footer_html()}\n'
            "</body>\n</html>\n"
        )

    def comments_html(self, story: Story) -> str:
        rng = random.Random(f"comments:{story.post_id}")
        n = rng.choice([0, 0, 1, 2, 3])
        if not n:
            return ""
        w = Writer(rng, story.category, story.published.year)
        items = []
        for i in range(n):
            cid = story.post_id * 10 + i
            when = story.published + timedelta(hours=rng.randint(1, 72))
            items.append(
                f'<li id="comment-{cid}" class="comment depth-1"><article id="div-comment-{cid}" '
                'class="comment-body"><footer class="comment-meta"><div class="comment-author '
                f'vcard"><b class="fn">{esc_text(w.person())}</b> <span class="says">says:</span>'
                f'</div><div class="comment-metadata"><a href="{esc(story.url)}#comment-{cid}">'
                f'<time datetime="{self.site.iso_local(when)}">{herald_date(when)}</time></a></div>'
                f'</footer><div class="comment-content"><p>{esc_text(w.sentence(markup=False))}'
                "</p></div></article></li>"
            )
        title = f"{n} thought{'s' if n > 1 else ''} on “{esc_text(story.headline)}”"
        return (
            f'<div id="comments" class="comments-area"><h3 class="comments-title">{title}</h3>'
            f'<ol class="comment-list">{"".join(items)}</ol></div>'
        )

    def render_article(self, story: Story, noindex: bool = False) -> str:
        site, src = self.site, story.path
        cat = site.categories[story.category]
        authors = "".join(
            f'<li class="elementor-icon-list-item elementor-inline-item" itemprop="author">'
            f'<a href="{esc(self.listing_href(src, f"/author/{a}/"))}"><span class="elementor-'
            f"icon-list-text elementor-post-info__item elementor-post-info__item--type-author"
            f'">{esc_text(site.authors[a].name)}</span></a></li>'
            for a in story.authors
        )
        info = (
            f'<ul class="elementor-inline-items elementor-icon-list-items elementor-post-info">'
            f'{authors}<li class="elementor-icon-list-item elementor-inline-item" itemprop='
            '"datePublished"><span class="elementor-icon-list-text elementor-post-info__item '
            f'elementor-post-info__item--type-date"><time>{herald_date(story.published)}</time>'
            '</span></li><li class="elementor-icon-list-item elementor-inline-item" itemprop='
            '"about"><span class="elementor-post-info__terms-list"><a class="elementor-post-info'
            f'__terms-list-item" href="{esc(self.listing_href(src, f"/category/home/{cat.slug}/"))}'
            f'">{esc_text(cat.name)}</a></span></li></ul>'
        )
        title = (
            f'<h1 class="elementor-heading-title elementor-size-default">'
            f"{esc_text(story.headline)}</h1>"
        )
        image = ""
        if story.featured:
            im = story.featured
            cap = (
                f'<figcaption class="widget-image-caption wp-caption-text">{esc_text(im.caption)}'
                "</figcaption>"
                if im.caption
                else ""
            )
            image = self.widget(
                "theme-post-featured-image",
                f'<figure class="wp-caption"><img width="{im.width}" height="{im.height}" '
                f'src="{esc(self.img_url(im))}" alt="{esc(im.alt)}">{cap}</figure>',
            )
        share = "".join(
            f'<div class="elementor-grid-item"><div class="elementor-share-btn elementor-share-'
            f'btn_{key}" role="button" tabindex="0" aria-label="Share on {key}"><span class="'
            f'elementor-share-btn__text"><span class="elementor-share-btn__title">{label}</span>'
            "</span></div></div>"
            for label, key in SHARE_NETWORKS[:4]
        )
        lead = story.authors[0]
        person = site.authors[lead]
        bio = (
            f"{esc_text(person.name)} writes for {esc_text(site.display_name)} about "
            f"{esc_text(cat.name.lower())} and the people it touches, from the capitals to the "
            "smallest towns of the region."
        )
        author_box = (
            '<div class="elementor-author-box"><div class="elementor-author-box__text">'
            f'<a href="{esc(self.listing_href(src, f"/author/{lead}/"))}"><h4 class="elementor-'
            f'author-box__name">{esc_text(person.name)}</h4></a><div class="elementor-author-box'
            f'__bio"><p>{bio}</p></div></div></div>'
        )
        newer = [s for s in site.listing("home") if s.published > story.published]
        older = [s for s in site.listing("home") if s.published < story.published]
        nav = ""
        for kind, other in (("prev", older[:1]), ("next", newer[-1:])):
            for o in other:
                label = "Previous" if kind == "prev" else "Next"
                nav += (
                    f'<div class="elementor-post-navigation__{kind} elementor-post-navigation__'
                    f'link"><a href="{esc(o.url)}" rel="{kind}"><span class="post-navigation__'
                    f'{kind}--label">{label}</span><span class="post-navigation__{kind}--title">'
                    f"{esc_text(o.headline)}</span></a></div>"
                )
        related = "".join(
            f'<article class="elementor-post elementor-grid-item post-{r.post_id} post type-post">'
            f'<div class="elementor-post__text"><h3 class="elementor-post__title"><a href="'
            f'{esc(r.url)}">{esc_text(r.headline)}</a></h3><div class="elementor-post__meta-data">'
            f'<span class="elementor-post-date">{display_date(r.published)}</span></div><div '
            f'class="elementor-post__excerpt"><p>{esc_text(r.description)}</p></div></div>'
            "</article>"
            for r in site.related(story, 3)
        )
        main = (
            f'<div data-elementor-type="single-post" data-elementor-id="77" class="elementor '
            f"elementor-77 elementor-location-single post-{story.post_id} post type-post "
            f'status-publish">'
            + self.section(
                self.widget("post-info", info),
                self.widget("theme-post-title", title),
                image,
                self.widget("theme-post-content", self.content_html(story, src)),
                self.widget(
                    "share-buttons",
                    f'<div class="elementor-grid elementor-share-buttons">{share}</div>',
                ),
                self.widget("author-box", author_box),
                self.widget(
                    "post-navigation", f'<div class="elementor-post-navigation">{nav}</div>'
                ),
            )
            + self.section(
                self.widget(
                    "posts",
                    '<h2 class="elementor-heading-title">You may also like</h2><div class="'
                    f'elementor-posts-container elementor-posts elementor-grid">{related}</div>',
                ),
                self.widget("post-comments", self.comments_html(story)),
            )
            + "</div>"
        )
        body = (
            f"post-template-default single single-post postid-{story.post_id} "
            f"single-format-standard elementor-page-77"
        )
        return self.document(self.article_head(story, noindex), body, main, src)


THEMES: dict[str, type[Theme]] = {
    "modern": ModernTheme,
    "legacy": LegacyTheme,
    "herald": HeraldTheme,
    "elementor": ElementorTheme,
}
