"""Machine-readable endpoints: robots.txt, the WordPress RSS feed and Yoast sitemaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

if TYPE_CHECKING:
    from .model import Site, Story
    from .themes import Theme

ROBOTS = """User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /wp-login.php
Disallow: /?s=
Disallow: /search/
Disallow: /preview/
Sitemap: {base}/sitemap_index.xml
"""


def robots_txt(site: Site) -> str:
    text = ROBOTS.format(base=site.base_url)
    if site.sitemap_style == "core":
        text = text.replace("/sitemap_index.xml", "/wp-sitemap.xml")
    if not site.robots_sitemap or site.sitemap_style == "none":  # names no sitemap
        text = "".join(line for line in text.splitlines(True) if not line.startswith("Sitemap:"))
    return text


def rfc822(dt: datetime) -> str:

    return format_datetime(dt.astimezone(UTC))


def _ncr(s: str) -> str:
    """WordPress-style title escaping in feeds: XML-escape, non-ASCII as numeric refs."""
    s = xml_escape(s).replace("&amp;", "&#038;")
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in s)


def _cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss_feed(site: Site, theme: Theme, n: int = 10) -> tuple[str, datetime]:
    """The main feed (10 newest posts) and its build date."""
    b = site.base_url
    items = site.newest(n)
    build = max((s.modified for s in items), default=site.clock)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n',
        f"\t<title>{_ncr(site.display_name)}</title>\n",
        f'\t<atom:link href="{b}/feed/" rel="self" type="application/rss+xml" />\n',
        f"\t<link>{b}</link>\n",
        f"\t<description>{_ncr(site.tagline)}</description>\n",
        f"\t<lastBuildDate>{rfc822(build)}</lastBuildDate>\n",
        f"\t<language>{site.language}</language>\n",
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n",
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n",
        "\t<generator>https://wordpress.org/?v=6.8.3</generator>\n",
    ]
    for s in items:
        out.append(_rss_item(site, theme, s))
    out.append("\t</channel>\n</rss>\n")
    return "".join(out), build


def _rss_item(site: Site, theme: Theme, s: Story) -> str:
    creators = "".join(f"\t\t<dc:creator>{_cdata(n)}</dc:creator>\n" for n in s.author_names())
    cats = "".join(f"\t\t<category>{_cdata(c)}</category>\n" for c in [s.section, *s.tag_names()])
    content = theme.content_html(s, feed=True)
    return (
        "\t<item>\n"
        f"\t\t<title>{_ncr(s.headline)}</title>\n"
        f"\t\t<link>{s.url}</link>\n"
        f"{creators}"
        f"\t\t<pubDate>{rfc822(s.published)}</pubDate>\n"
        f"{cats}"
        f'\t\t<guid isPermaLink="false">{s.shortlink}</guid>\n\n'
        f"\t\t<description>{_cdata(s.description)}</description>\n"
        f"\t\t<content:encoded>{_cdata(content)}</content:encoded>\n"
        "\t</item>\n"
    )


# ---------------------------------------------------------------------- sitemaps


@dataclass
class SitemapEntry:
    loc: str
    lastmod: datetime | None
    images: list[str]


def _xsl_pi(site: Site) -> str:
    host = site.base_url.split("://", 1)[-1]
    return f'<?xml-stylesheet type="text/xsl" href="//{host}/main-sitemap.xsl"?>'


def _w3c(site: Site, dt: datetime) -> str:
    return site.iso_utc(dt)


def post_chunks(site: Site) -> list[list[Story]]:
    """Posts for post-sitemap.xml, post-sitemap2.xml, …: oldest first, N per child."""
    oldest = sorted(site.stories, key=lambda s: (s.published, s.post_id))
    size = site.sitemap_page_size
    return [oldest[i : i + size] for i in range(0, len(oldest), size)]


def sitemap_children(site: Site) -> dict[str, list[SitemapEntry]]:
    """name -> entries, in sitemap-index order."""
    b = site.base_url
    children: dict[str, list[SitemapEntry]] = {}
    for i, chunk in enumerate(post_chunks(site)):
        name = "post-sitemap.xml" if i == 0 else f"post-sitemap{i + 1}.xml"
        children[name] = [
            SitemapEntry(s.url, s.modified, [b + im.path for im in s.image_list()]) for s in chunk
        ]
    newest_mod = site.last_modified()
    pages = [SitemapEntry(f"{b}/", newest_mod, [])]
    pages += [SitemapEntry(f"{b}/{p.slug}/", p.modified, []) for p in site.pages]
    children["page-sitemap.xml"] = pages
    for name, kind, path in (
        ("category-sitemap.xml", "category", "/category/home/{}/"),
        ("post_tag-sitemap.xml", "tag", "/tag/{}/"),
        ("author-sitemap.xml", "author", "/author/{}/"),
    ):
        if kind == "category":
            slugs = list(site.categories)
        elif kind == "tag":
            slugs = list(site.tags)
        else:
            slugs = list(site.authors)
        entries = []
        for slug in slugs:
            lst = site.listing(kind, slug)
            if lst:
                entries.append(
                    SitemapEntry(b + path.format(slug), max(s.modified for s in lst), [])
                )
        if entries:
            children[name] = entries
    return children


def sitemap_index(site: Site, children: dict[str, list[SitemapEntry]]) -> str:
    b = site.base_url
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>' + _xsl_pi(site) + "\n",
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
    ]
    for name, entries in children.items():
        mods = [e.lastmod for e in entries if e.lastmod]
        out.append(f"\t<sitemap>\n\t\t<loc>{b}/{name}</loc>\n")
        if mods:
            out.append(f"\t\t<lastmod>{_w3c(site, max(mods))}</lastmod>\n")
        out.append("\t</sitemap>\n")
    out.append("</sitemapindex>\n<!-- XML Sitemap generated by Yoast SEO -->")
    return "".join(out)


def sitemap_urlset(site: Site, entries: list[SitemapEntry]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>' + _xsl_pi(site) + "\n",
        '<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
        'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 '
        "http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd "
        "http://www.google.com/schemas/sitemap-image/1.1 "
        'http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd" '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
    ]
    for e in entries:
        out.append(f"\t<url>\n\t\t<loc>{xml_escape(e.loc)}</loc>\n")
        if e.lastmod:
            out.append(f"\t\t<lastmod>{_w3c(site, e.lastmod)}</lastmod>\n")
        for im in e.images:
            out.append(
                f"\t\t<image:image>\n\t\t\t<image:loc>{xml_escape(im)}</image:loc>\n"
                "\t\t</image:image>\n"
            )
        out.append("\t</url>\n")
    out.append("</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->")
    return "".join(out)


MAIN_SITEMAP_XSL = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="2.0" xmlns:html="http://www.w3.org/TR/REC-html40"
 xmlns:sitemap="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="html" version="1.0" encoding="UTF-8" indent="yes"/>
<xsl:template match="/"><html><head><title>XML Sitemap</title></head><body>
<h1>XML Sitemap</h1><p>Generated by Yoast SEO.</p></body></html></xsl:template>
</xsl:stylesheet>
"""


# ---------------------------------------------------------------------- core sitemaps


def core_sitemap_children(site: Site) -> dict[str, list[SitemapEntry]]:
    """WordPress core (5.5+) sitemaps, name -> entries, in index order.

    Posts are listed by post id; like core without a plugin, no entry has a
    ``lastmod`` and the index has none either.
    """
    b, size = site.base_url, site.sitemap_page_size
    posts = sorted(site.stories, key=lambda s: s.post_id)
    children: dict[str, list[SitemapEntry]] = {}
    for i in range(0, len(posts), size):
        children[f"wp-sitemap-posts-post-{i // size + 1}.xml"] = [
            SitemapEntry(s.url, None, []) for s in posts[i : i + size]
        ]
    children["wp-sitemap-posts-page-1.xml"] = [
        SitemapEntry(f"{b}/{p.slug}/", None, []) for p in site.pages
    ]
    for name, kind, path, slugs in (
        ("taxonomies-category", "category", "/category/home/{}/", list(site.categories)),
        ("taxonomies-post_tag", "tag", "/tag/{}/", list(site.tags)),
        ("users", "author", "/author/{}/", list(site.authors)),
    ):
        entries = [
            SitemapEntry(b + path.format(x), None, []) for x in slugs if site.listing(kind, x)
        ]
        if entries:
            children[f"wp-sitemap-{name}-1.xml"] = entries
    return children


def core_sitemap_index(site: Site, children: dict[str, list[SitemapEntry]]) -> str:
    b = site.base_url
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{b}/wp-sitemap-index.xsl" ?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    out += [f"<sitemap><loc>{b}/{name}</loc></sitemap>" for name in children]
    out.append("</sitemapindex>\n")
    return "".join(out)


def core_sitemap_urlset(site: Site, entries: list[SitemapEntry]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{site.base_url}/wp-sitemap.xsl" ?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    out += [f"<url><loc>{xml_escape(e.loc)}</loc></url>" for e in entries]
    out.append("</urlset>\n")
    return "".join(out)
