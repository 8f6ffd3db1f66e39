"""The replica's data model: stories, authors, terms, generation, mutations and truth.

A :class:`Site` holds everything a WordPress site would hold in its database.
Rendering lives in :mod:`replica.themes` / :mod:`replica.feeds`, routing and
caching in :mod:`replica.app`.  Every link in a page is built from
``site.base_url`` at render time, so the base URL can be set after the server
has picked its port (``ReplicaServer`` does that); changing it bumps
``site.version`` which invalidates every cached response.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from . import text as T
from .text import Inline, Writer, mark, parse_inline, plain, slugify

TEXT_KINDS = ("p", "h2", "ul", "blockquote")
# Block kinds that are part of the post content as stored in WordPress (they also
# appear in the feed's content:encoded); the rest is theme/plugin furniture.
CONTENT_KINDS = (*TEXT_KINDS, "figure", "spam", "read_also")
FURNITURE_KINDS = ("share", "newsletter", "read_also", "jp_related")


@dataclass
class Image:
    path: str  # /wp-content/uploads/<yyyy>/<mm>/<file>.jpg
    caption: str | None
    alt: str
    width: int = 1200
    height: int = 800


@dataclass
class Block:
    """One block of a story's content area.

    kind: "p", "h2", "ul", "blockquote" (story text); "figure" (in-body image);
    "spam" (injected keywords, content but not story text); "read_also" (a
    "Read also:" paragraph linking to ``target``); "share", "newsletter",
    "jp_related" (plugin furniture rendered by the theme).
    """

    kind: str
    inlines: list[Inline] = field(default_factory=list)
    items: list[list[Inline]] = field(default_factory=list)
    image: Image | None = None
    target: int | None = None
    role: str = ""  # "lead", "closing", "series-intro", "digest", "legacy-link", "edit"

    def paragraphs(self) -> list[str]:
        if self.kind == "ul":
            return [plain(i) for i in self.items]
        if self.kind in TEXT_KINDS:
            return [plain(self.inlines)]
        return []


@dataclass
class Person:
    user_id: int
    name: str
    slug: str


@dataclass
class Term:
    term_id: int
    name: str
    slug: str
    taxonomy: str  # "category" or "post_tag"


@dataclass
class StaticPage:
    page_id: int
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    modified: datetime


@dataclass(eq=False)
class Story:
    site: Site = field(repr=False)
    post_id: int
    slug: str
    headline: str
    description: str
    published: datetime
    modified: datetime
    authors: list[str]  # author slugs, byline order
    category: str  # category slug
    tags: list[str]  # tag slugs, page order
    blocks: list[Block]
    featured: Image | None
    template: str  # theme name: "modern" or "legacy"
    has_jsonld: bool
    has_og_dates: bool
    schema_type: str  # "NewsArticle" or "Article"
    legacy_number: int | None = None
    series: str | None = None
    series_no: int | None = None

    # ---- URLs (absolute, from the site's current base URL)
    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def url(self) -> str:
        return self.site.base_url + self.path

    @property
    def shortlink(self) -> str:
        return f"{self.site.base_url}/?p={self.post_id}"

    @property
    def legacy_path(self) -> str | None:
        if self.legacy_number is None:
            return None
        return f"/index.php/news/{self.legacy_number}-{self.slug}"

    @property
    def legacy_url(self) -> str | None:
        p = self.legacy_path
        return None if p is None else self.site.base_url + p

    # ---- derived content
    @property
    def has_spam(self) -> bool:
        return any(b.kind == "spam" for b in self.blocks)

    @property
    def furniture(self) -> list[str]:
        kinds = [b.kind for b in self.blocks if b.kind in FURNITURE_KINDS]
        return sorted(set(kinds), key=kinds.index)

    def body_paragraphs(self) -> list[str]:
        out: list[str] = []
        for b in self.blocks:
            out.extend(b.paragraphs())
        return out

    @property
    def article_body(self) -> str:
        return "\n\n".join(self.body_paragraphs())

    @property
    def word_count(self) -> int:
        return len(self.article_body.split())

    def image_list(self) -> list[Image]:
        """Featured image first, then in-body figures, unique by path."""
        seen: set[str] = set()
        out: list[Image] = []
        cands = [self.featured] if self.featured else []
        cands += [b.image for b in self.blocks if b.kind == "figure" and b.image]
        for img in cands:
            if img and img.path not in seen:
                seen.add(img.path)
                out.append(img)
        return out

    def author_names(self) -> list[str]:
        return [self.site.authors[a].name for a in self.authors]

    def tag_names(self) -> list[str]:
        return [self.site.tags[t].name for t in self.tags]

    @property
    def section(self) -> str:
        return self.site.categories[self.category].name

    def content_word_count(self) -> int:
        """Word count as a naive SEO plugin computes it (whole post content, captions too)."""
        words = 0
        for b in self.blocks:
            if b.kind in TEXT_KINDS:
                words += sum(len(p.split()) for p in b.paragraphs())
            elif b.kind in ("spam", "read_also"):
                words += len(plain(b.inlines).split()) + 2
            elif b.kind == "figure" and b.image and b.image.caption:
                words += len(b.image.caption.split())
        return words

    def truth(self) -> dict[str, Any]:
        site = self.site
        return {
            "story_id": f"{site.site_name}:{self.post_id}",
            "url": self.url,
            "aliases": sorted([self.shortlink]),
            "headline": self.headline,
            "description": self.description,
            "article_body": self.article_body,
            "authors": self.author_names(),
            "section": self.section,
            "tags": self.tag_names(),
            "date_published": site.iso_local(self.published),
            "date_modified": site.iso_local(self.modified),
            "in_language": site.language,
            "images": [
                {"url": site.base_url + i.path, "caption": i.caption} for i in self.image_list()
            ],
            "word_count": self.word_count,
            "site": site.site_name,
            "_meta": {
                "post_id": self.post_id,
                "template": self.template,
                "has_jsonld": self.has_jsonld,
                "has_og_dates": self.has_og_dates,
                "legacy_url": self.legacy_url,
                "has_spam": self.has_spam,
                "series": self.series,
                "furniture": self.furniture,
            },
        }


@dataclass
class Rate:
    base: str
    quote: str
    rate: str  # as displayed, e.g. "0.01144"
    change: str  # as displayed, e.g. "-0%", "0.28%"


_RATE_BASES = [
    ("KGS", 1 / 87.45),
    ("KZT", 1 / 515.0),
    ("TJS", 1 / 9.18),
    ("UZS", 1 / 12050.0),
    ("TMT", 1 / 3.5),
]


def _fmt_change(c: float) -> str:
    s = f"{c:.2f}".rstrip("0").rstrip(".")
    return f"{s}%"


class Site:
    """A generated WordPress news site.  See :func:`generate_site`."""

    def __init__(
        self,
        *,
        seed: int,
        base_url: str,
        today: date,
        site_name: str,
        display_name: str,
        tagline: str,
        language: str,
        tz_offset_minutes: int,
        ticker: bool,
        theme_mix: dict[str, float],
        listing_theme: str,
        per_page: int,
        sitemap_page_size: int,
        jsonld_share: float = 0.85,
        og_dates_share: float = 0.85,
        sitemap_style: str = "yoast",
        robots_sitemap: bool = True,
        news_sitemap: bool = False,
    ) -> None:
        if sitemap_style not in ("yoast", "core", "none"):
            raise ValueError(
                f"sitemap_style must be 'yoast', 'core' or 'none', not {sitemap_style!r}"
            )
        self.seed = seed
        self._base_url = base_url.rstrip("/")
        self.today = today
        self.site_name = site_name
        self.display_name = display_name
        self.tagline = tagline
        self.language = language
        self.tz = timezone(timedelta(minutes=tz_offset_minutes))
        self.ticker = ticker
        self.theme_mix = theme_mix
        self.listing_theme = listing_theme
        self.per_page = per_page
        self.sitemap_page_size = sitemap_page_size
        self.jsonld_share = jsonld_share
        self.og_dates_share = og_dates_share
        self.sitemap_style = sitemap_style
        self.robots_sitemap = robots_sitemap
        self.news_sitemap = news_sitemap
        # Opt-in faults for robustness tests (replica/badinput.py); all off by default.
        self.bad_input = False
        self.layout_drift = 0.0
        self.robots_status = 200
        # path -> "503" (answered 503), "404", "home" (a 301 to the home page) or
        # "truncated" (the body cut at 40%, with the whole one's validators, as PHP
        # stopped mid-render); tests set and clear them between runs
        self.path_faults: dict[str, str] = {}
        # the Sitemap lines of robots.txt, as paths, when a test sets them
        self.robots_sitemap_paths: list[str] | None = None
        # a Crawl-delay line (the value as written, so a test can serve a malformed one)
        # in robots.txt, for all agents or, in a group of its own, for the one named
        self.robots_crawl_delay: str | None = None
        self.robots_crawl_delay_agent = "*"
        self.stories: list[Story] = []
        self.removed_stories: list[Story] = []
        self.authors: dict[str, Person] = {}
        self.categories: dict[str, Term] = {}
        self.tags: dict[str, Term] = {}
        self.pages: list[StaticPage] = []
        self.rates: list[Rate] = []
        self.version = 0
        self.lock = threading.RLock()
        self.clock = datetime.combine(today, time(18, 0), self.tz)
        self._mut_rng = random.Random(f"{site_name}:{seed}:mutations")
        self._used_images: set[str] = set()
        self._used_slugs: set[str] = set()
        self._legacy_stories: list[Story] = []
        self._paragraphs: set[str] = set()
        self._index_version = -1
        self._by_id: dict[int, Story] = {}
        self._by_slug: dict[str, Story] = {}
        self._by_legacy: dict[int, Story] = {}
        self._lists: dict[tuple[str, str], list[Story]] = {}
        self._next_series_no = 1

    # ------------------------------------------------------------------ base URL / time
    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        with self.lock:
            value = value.rstrip("/")
            if value != self._base_url:
                self._base_url = value
                self.version += 1

    def iso_local(self, dt: datetime) -> str:
        return dt.astimezone(self.tz).isoformat()

    @staticmethod
    def iso_utc(dt: datetime) -> str:
        return dt.astimezone(UTC).isoformat()

    def _tick(self) -> datetime:
        self.clock += timedelta(minutes=self._mut_rng.randint(2, 25))
        return self.clock

    # ------------------------------------------------------------------ indexes
    def _ensure_index(self) -> None:
        if self._index_version == self.version:
            return
        self._by_id = {s.post_id: s for s in self.stories}
        self._by_slug = {s.slug: s for s in self.stories}
        self._by_legacy = {s.legacy_number: s for s in self.stories if s.legacy_number is not None}
        newest = sorted(self.stories, key=lambda s: (s.published, s.post_id), reverse=True)
        lists: dict[tuple[str, str], list[Story]] = {("home", ""): newest}
        for s in newest:
            lists.setdefault(("category", s.category), []).append(s)
            for t in s.tags:
                lists.setdefault(("tag", t), []).append(s)
            for a in s.authors:
                lists.setdefault(("author", a), []).append(s)
        self._lists = lists
        self._index_version = self.version

    def story(self, post_id: int) -> Story | None:
        """The live story with this post id, or None."""
        with self.lock:
            self._ensure_index()
            return self._by_id.get(post_id)

    def any_story(self, post_id: int) -> Story | None:
        """Live or removed story with this post id."""
        s = self.story(post_id)
        if s is None:
            for r in self.removed_stories:
                if r.post_id == post_id:
                    return r
        return s

    def story_by_slug(self, slug: str) -> Story | None:
        with self.lock:
            self._ensure_index()
            return self._by_slug.get(slug)

    def story_by_legacy(self, number: int) -> Story | None:
        with self.lock:
            self._ensure_index()
            return self._by_legacy.get(number)

    def listing(self, kind: str, slug: str = "") -> list[Story]:
        """Stories of a listing, newest first: kind in home/category/tag/author."""
        with self.lock:
            self._ensure_index()
            return self._lists.get((kind, slug), [])

    def newest(self, n: int) -> list[Story]:
        return self.listing("home")[:n]

    def related(self, story: Story, n: int = 3) -> list[Story]:
        """Up to n other live stories of the same category, nearest in time."""
        lst = self.listing("category", story.category)
        others = [s for s in lst if s is not story]
        others.sort(key=lambda s: (abs(s.post_id - story.post_id), s.post_id))
        out = others[:n]
        if len(out) < n:
            extra = [s for s in self.listing("home") if s is not story and s not in out]
            out += extra[: n - len(out)]
        return out

    def popular(self, n: int = 5) -> list[Story]:
        lst = self.listing("home")
        if not lst:
            return []
        rng = random.Random(f"{self.site_name}:{self.seed}:popular")
        pool = lst[: max(n, 60)]
        return rng.sample(pool, min(n, len(pool)))

    def resolve_ref(self, ref: str) -> str:
        """Absolute URL for an inline link reference (see text.Inline)."""
        if ref.startswith(("http://", "https://")):
            return ref
        kind, _, key = ref.partition(":")
        base = self.base_url
        if kind in ("story", "legacy"):
            s = self.any_story(int(key))
            if s is None:
                return base + "/"
            if kind == "legacy" and s.legacy_path:
                return base + s.legacy_path
            return s.url
        if kind == "tag":
            return f"{base}/tag/{key}/"
        if kind == "category":
            return f"{base}/category/home/{key}/"
        if kind == "author":
            return f"{base}/author/{key}/"
        return base + "/"

    # ------------------------------------------------------------------ truth
    def truth(self) -> list[dict[str, Any]]:
        with self.lock:
            return [s.truth() for s in sorted(self.stories, key=lambda s: s.post_id)]

    def rates_truth(self) -> list[dict[str, Any]]:
        if not self.ticker:
            return []
        return [
            {
                "base": r.base,
                "quote": r.quote,
                "rate": float(r.rate),
                "change_pct": float(r.change.rstrip("%")),
                "as_of": self.today.isoformat(),
            }
            for r in self.rates
        ]

    def last_modified(self) -> datetime:
        """Newest modification time of any live story (or the site's clock start)."""
        if not self.stories:
            return self.clock
        return max(s.modified for s in self.stories)

    # ------------------------------------------------------------------ mutations
    def _live(self, post_id: int) -> Story:
        s = self.story(post_id)
        if s is None:
            raise KeyError(f"no live story with post id {post_id}")
        return s

    def mutate_add_stories(self, k: int) -> list[int]:
        """Publish k new stories, newer than all others, with higher post ids."""
        with self.lock:
            ids: list[int] = []
            all_ids = [s.post_id for s in self.stories] + [s.post_id for s in self.removed_stories]
            next_id = max(all_ids, default=10000)
            for _ in range(k):
                next_id += self._mut_rng.randint(1, 12)
                published = self._tick()
                rng = random.Random(f"{self.site_name}:{self.seed}:new:{next_id}")
                story = _make_story(
                    self, rng, next_id, published, published, legacy_number=None, legacy_era=False
                )
                self.stories.append(story)
                ids.append(next_id)
            self.version += 1
            return ids

    def mutate_edit_story(self, post_id: int) -> None:
        """Material text change (one paragraph replaced or added); modified time bumped."""
        with self.lock:
            s = self._live(post_id)
            rng = self._mut_rng
            w = Writer(rng, s.category, s.published.year)
            new = Block("p", parse_inline("Update: " + w.paragraph(2, 3)), role="edit")
            candidates = [
                i
                for i, b in enumerate(s.blocks)
                if b.kind == "p" and b.role not in ("series-intro", "closing")
            ]
            if candidates and rng.random() < 0.5:
                s.blocks[rng.choice(candidates)] = new
            else:
                last_text = max(
                    (i for i, b in enumerate(s.blocks) if b.kind in TEXT_KINDS),
                    default=len(s.blocks) - 1,
                )
                s.blocks.insert(last_text + 1, new)
            s.modified = self._tick()
            self.version += 1

    def mutate_touch_story(self, post_id: int) -> None:
        """Only the modified time changes; the text stays identical."""
        with self.lock:
            s = self._live(post_id)
            s.modified = self._tick()
            self.version += 1

    def mutate_remove_story(self, post_id: int) -> None:
        """The story disappears: 404 on its URLs, gone from listings, feed and sitemaps."""
        with self.lock:
            s = self._live(post_id)
            self.stories.remove(s)
            self.removed_stories.append(s)
            self._tick()  # the time of the change: documents listing it change now
            self.version += 1

    def mutate_repost_story(self, post_id: int) -> int:
        """Republish a story under a new post id and slug, lightly edited; returns the new id.

        The copy keeps every paragraph but reworded the lead's first word and
        dropped its last sentence, as a repost by an editor would.
        """
        with self.lock:
            original = self._live(post_id)
            all_ids = [s.post_id for s in self.stories] + [s.post_id for s in self.removed_stories]
            new_id = max(all_ids) + self._mut_rng.randint(1, 12)
            blocks = [copy.deepcopy(b) for b in original.blocks if b.kind in TEXT_KINDS]
            lead = next((b for b in blocks if b.kind == "p"), None)
            if lead is not None:
                text = plain(lead.inlines)
                sentences = text.split(". ")
                edited = ". ".join(sentences[:-1]) + "." if len(sentences) > 2 else text
                lead.inlines = parse_inline("Reportedly, " + edited[0].lower() + edited[1:])
            published = self._tick()
            repost = dataclasses.replace(
                original,
                post_id=new_id,
                slug=_unique_slug(self, original.slug + "-2"),
                published=published,
                modified=published,
                blocks=blocks,
                legacy_number=None,
            )
            self.stories.append(repost)
            self.version += 1
            return new_id


# ---------------------------------------------------------------------- generation

_EPOCH = datetime(2019, 1, 1, 0, 0)
_LEGACY_END = datetime(2022, 1, 1, 0, 0)


def _minutes_between(a: datetime, b: datetime) -> int:
    return int((b - a).total_seconds() // 60)


def _image(
    site: Site, rng: random.Random, w: Writer, published: datetime, caption_p: float
) -> Image:
    while True:
        words = rng.sample(T.IMAGE_WORDS, 2)
        fname = f"{words[0]}-{words[1]}-{rng.randint(100, 99999)}.jpg"
        path = f"/wp-content/uploads/{published.year:04d}/{published.month:02d}/{fname}"
        if path not in site._used_images:
            site._used_images.add(path)
            break
    caption = w.caption() if rng.random() < caption_p else None
    alt = caption.split(".")[0] if caption else " ".join(words).replace("-", " ")
    width, height = rng.choice([(1200, 800), (1024, 683), (1600, 900), (800, 533)])
    return Image(path, caption, alt, width, height)


def _unique_slug(site: Site, slug: str) -> str:
    base, n = slug[:90].rstrip("-"), 2
    slug = base
    while slug in site._used_slugs:
        slug = f"{base}-{n}"
        n += 1
    site._used_slugs.add(slug)
    return slug


def _unique(site: Site, make: Callable[[], str]) -> str:
    """A paragraph no other story has (real stories do not share whole paragraphs)."""
    for _ in range(20):
        par = make()
        if par not in site._paragraphs:
            break
    site._paragraphs.add(par)
    return par


def _pick_template(site: Site, rng: random.Random) -> str:
    names = list(site.theme_mix)
    return rng.choices(names, weights=[site.theme_mix[n] for n in names])[0]


def _closing(rng: random.Random, w: Writer, target: Story | None) -> str:
    s = w.slots()
    reported = mark("a", "reported", f"story:{target.post_id}") if target else "reported"
    tail = rng.choice(
        [
            f"{s['noun']} {s['trend_past']} by {s['pct']}% in {s['month']} {s['year']}, prompting "
            f"{s['body']} to revise its forecasts.",
            f"{s['body']} first raised concerns about {s['noun']} in {s['year']}, "
            f"citing {s['cause']}.",
            f"talks between {s['country']} and {s['neighbour']} on {s['noun2']} stalled in "
            f"{s['month']} before resuming in {s['city']}.",
        ]
    )
    return f"As previously {reported} by The Times of Central Asia, {tail}"


def _make_story(
    site: Site,
    rng: random.Random,
    post_id: int,
    published: datetime,
    modified: datetime,
    *,
    legacy_number: int | None,
    legacy_era: bool,
    series_no: int | None = None,
) -> Story:
    cat_names = [c[1] for c in T.CATEGORIES]
    category = "politics" if series_no is not None else rng.choice(cat_names)
    w = Writer(rng, category, published.year)
    earlier = site.stories  # generated in post-id order: all of these are older
    blocks: list[Block] = []

    # --- authors
    if series_no is not None or rng.random() < 0.1:
        authors = ["tca-staff"]
    else:
        n_auth = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        pool = [a for a in site.authors if a != "tca-staff"]
        authors = rng.sample(pool, n_auth)

    # --- tags (display order)
    n_tags = rng.choices([0, 1, 2, 3, 4, 5], weights=[10, 15, 25, 25, 15, 10])[0]
    cands = list(dict.fromkeys([w.country, *T.CATEGORY_TAGS[category], *T.TAGS]))
    weights = [
        6.0 if i == 0 else 3.0 if i <= len(T.CATEGORY_TAGS[category]) else 0.3
        for i in range(len(cands))
    ]
    tags: list[str] = []
    while len(tags) < n_tags:
        name = rng.choices(cands, weights=weights)[0]
        slug = slugify(name)
        if slug not in tags:
            tags.append(slug)

    # --- headline / description
    if series_no is not None:
        headline = f"Weekly Digest of Central Asia {series_no}"
        description = (
            f"The week’s main stories from Kazakhstan, Kyrgyzstan, Tajikistan, "
            f"Turkmenistan and Uzbekistan — issue {series_no}."
        )
    else:
        headline = w.headline()
        description = w.excerpt()
    slug = _unique_slug(site, slugify(headline))

    # --- images
    n_img = rng.choices([0, 1, 2, 3], weights=[20, 40, 25, 15])[0]
    imgs = [_image(site, rng, w, published, 0.75 if i == 0 else 0.8) for i in range(n_img)]
    featured = imgs[0] if imgs else None
    figures = imgs[1:]
    if featured and rng.random() < 0.2:
        figures.insert(0, featured)

    # --- text blocks
    text: list[Block] = []
    if series_no is not None:
        text.append(Block("p", [Inline("", T.PUBLISHER_NOTE)], role="series-intro"))
        for _ in range(rng.randint(5, 8)):
            country, par = T.digest_item(rng, published.year)
            text.append(
                Block(
                    "p",
                    [Inline("strong", f"{country}:"), Inline("", " "), *parse_inline(par)],
                    role="digest",
                )
            )
    else:
        n_par = rng.randint(3, 10)
        for i in range(n_par):
            lo, hi = (2, 4) if i else (1, 2)
            par = _unique(site, functools.partial(w.paragraph, lo, hi))
            text.append(Block("p", parse_inline(par), role="lead" if i == 0 else ""))
        if n_par >= 4 and rng.random() < 0.3:
            text.insert(rng.randint(2, n_par - 1), Block("h2", [Inline("", w.subhead())]))
        if rng.random() < 0.15:
            items = [parse_inline(x) for x in w.list_items()]
            pos = rng.randint(1, len(text))
            text.insert(pos, Block("ul", items=items))
            s = w.slots()
            intro = rng.choice(
                [
                    f"The plan for {s['noun']} includes:",
                    f"Among the measures announced in {s['city']}:",
                    f"According to {s['body']}, the package includes:",
                    f"The {s['num_word']} priorities named by officials in {s['city']} are:",
                ]
            )
            text.insert(pos, Block("p", [Inline("", intro)]))
        if rng.random() < 0.15:
            quote = f"“{w.slots()['quote']}. {w.sentence(markup=False)}”"
            text.insert(rng.randint(1, len(text)), Block("blockquote", [Inline("", quote)]))
        legacy_targets = site._legacy_stories
        if rng.random() < 0.12 and legacy_targets:
            tgt = rng.choice(legacy_targets)
            s = w.slots()
            par = (
                f"The Times of Central Asia covered {s['noun']} "
                f"{mark('a', 'in an earlier report', f'legacy:{tgt.post_id}')} from "
                f"{tgt.published.year}, when {s['body']} first took up the issue."
            )
            text.insert(
                rng.randint(1, len(text)), Block("p", parse_inline(par), role="legacy-link")
            )
        if rng.random() < 0.4:
            target = rng.choice(earlier) if earlier else None
            text.append(Block("p", parse_inline(_closing(rng, w, target)), role="closing"))

    # --- figures into the text
    for img in figures:
        pos = rng.randint(1, max(1, len(text) - 1))
        text.insert(pos, Block("figure", image=img))
    blocks = text

    # --- spam (top of the body) on some legacy-era stories
    if legacy_era and rng.random() < 0.10:
        terms = w.spam()
        inl: list[Inline] = []
        for i, term in enumerate(terms.split(" ")):
            if i:
                inl.append(Inline("", " "))
            if rng.random() < 0.08:
                inl.append(Inline("a", term, rng.choice(T.SPAM_DOMAINS)))
            else:
                inl.append(Inline("", term))
        blocks.insert(0, Block("spam", _merge_plain(inl)))

    # --- furniture
    if earlier and rng.random() < 0.3:
        tgt = rng.choice(earlier[-200:])
        blocks.insert(min(len(blocks), rng.randint(2, 4)), Block("read_also", target=tgt.post_id))
    if rng.random() < 0.25:
        blocks.insert(rng.randint(len(blocks) // 2, len(blocks)), Block("newsletter"))
    if rng.random() < 0.4:
        blocks.append(Block("share"))
    if rng.random() < 0.3:
        blocks.append(Block("jp_related"))

    template = _pick_template(site, rng)
    has_jsonld = rng.random() < site.jsonld_share
    # every page keeps a machine-readable modified time: JSON-LD or OG (or both)
    has_og_dates = True if not has_jsonld else rng.random() < site.og_dates_share
    story = Story(
        site=site,
        post_id=post_id,
        slug=slug,
        headline=headline,
        description=description,
        published=published,
        modified=modified,
        authors=authors,
        category=category,
        tags=tags,
        blocks=blocks,
        featured=featured,
        template=template,
        has_jsonld=has_jsonld,
        has_og_dates=has_og_dates,
        schema_type="NewsArticle" if rng.random() < 0.7 else "Article",
        legacy_number=legacy_number,
        series="weekly-digest" if series_no is not None else None,
        series_no=series_no,
    )
    return story


def _merge_plain(inl: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for i in inl:
        if out and i.tag == "" and out[-1].tag == "":
            out[-1] = Inline("", out[-1].text + i.text)
        else:
            out.append(i)
    return out


def _static_pages(site: Site, rng: random.Random) -> list[StaticPage]:
    w = Writer(rng, "society", 2019)
    first = datetime(2019, 1, 3, 11, 20, tzinfo=site.tz)
    about = [
        f"{site.display_name} is an independent news outlet covering Kazakhstan, Kyrgyzstan, "
        "Tajikistan, Turkmenistan and Uzbekistan, as well as their neighbors.",
        "Our correspondents report from across the region on business, politics, society, "
        "culture and the environment.",
        w.paragraph(2, 3),
    ]
    contact = [
        "For editorial questions, corrections and press releases, please use the form below.",
        "For advertising and partnership inquiries, write to the commercial department.",
    ]
    return [
        StaticPage(2, "about-us", "About Us", about, first, first + timedelta(days=900)),
        StaticPage(
            57,
            "contact",
            "Contact",
            contact,
            first + timedelta(days=1),
            first + timedelta(days=400),
        ),
    ]


def generate_site(
    n_stories: int = 300,
    seed: int = 1,
    base_url: str = "http://127.0.0.1:8765",
    *,
    today: date = date(2025, 12, 9),
    site_name: str = "timesca",
    display_name: str = "The Times Of Central Asia",
    tagline: str = "News and analysis from Central Asia",
    language: str = "en-US",
    tz_offset_minutes: int = 300,
    ticker: bool = True,
    theme_mix: dict[str, float] | None = None,
    listing_theme: str = "modern",
    per_page: int = 6,
    sitemap_page_size: int = 100,
    legacy_share: float = 0.3,
    series_share: float = 0.05,
    jsonld_share: float = 0.85,
    og_dates_share: float = 0.85,
    sitemap_style: str = "yoast",
    robots_sitemap: bool = True,
    news_sitemap: bool = False,
    bad_input: bool = False,
    layout_drift: float = 0.0,
    robots_status: int = 200,
) -> Site:
    """Generate a deterministic site: same arguments, same site, byte for byte.

    ``base_url`` is only the initial value: ``ReplicaServer`` replaces it with the
    address it serves on.  ``today`` is the site's date (ticker, newest stories);
    ``tz_offset_minutes`` its zone; ``theme_mix`` maps theme names (see
    ``replica.themes.THEMES``) to the share of stories rendered with them;
    ``listing_theme`` renders listings, static pages and errors; ``jsonld_share``
    and ``og_dates_share`` are the shares of article pages with Yoast JSON-LD and
    with ``article:published_time``/``modified_time`` (pages without JSON-LD always
    keep the OG dates). ``sitemap_style`` is ``"yoast"`` (``/sitemap_index.xml`` and
    ``post-sitemap.xml``...) or ``"core"`` (WordPress's own ``/wp-sitemap.xml`` and
    ``wp-sitemap-posts-post-1.xml``...); ``robots_sitemap`` whether robots.txt names it;
    ``news_sitemap`` adds Yoast News SEO's ``/news-sitemap.xml`` (the ten newest posts),
    which robots.txt names first.
    ``bad_input``, ``layout_drift`` and ``robots_status`` switch on the faults of
    :mod:`replica.badinput` (broken pages, hostile sitemaps, markup loss, robots.txt 5xx).
    """
    site = Site(
        seed=seed,
        base_url=base_url,
        today=today,
        site_name=site_name,
        display_name=display_name,
        tagline=tagline,
        language=language,
        tz_offset_minutes=tz_offset_minutes,
        ticker=ticker,
        theme_mix=theme_mix or {"modern": 0.8, "legacy": 0.2},
        listing_theme=listing_theme,
        per_page=per_page,
        sitemap_page_size=sitemap_page_size,
        jsonld_share=jsonld_share,
        og_dates_share=og_dates_share,
        sitemap_style=sitemap_style,
        robots_sitemap=robots_sitemap,
        news_sitemap=news_sitemap,
    )
    site.bad_input = bad_input
    site.layout_drift = layout_drift
    site.robots_status = robots_status
    rng = random.Random(f"{site_name}:{seed}")
    tz = site.tz

    # people and terms
    for i, name in enumerate(T.AUTHOR_NAMES):
        site.authors[slugify(name)] = Person(3 + i * 2, name, slugify(name))
    site.authors["tca-staff"] = Person(1, T.STAFF_NAME, "tca-staff")
    for i, (name, slug) in enumerate(T.CATEGORIES):
        site.categories[slug] = Term(20 + i, name, slug, "category")
    for i, name in enumerate(T.TAGS):
        site.tags[slugify(name)] = Term(100 + i * 3, name, slugify(name), "post_tag")
    site.pages = _static_pages(site, rng)

    # rates
    rrng = random.Random(f"{site_name}:{seed}:rates:{today.isoformat()}")
    # every ticker shows a "0%", a "-0%" and a real move, like the real one
    kinds = ["zero+", "zero-", "move", "move", rrng.choice(["zero+", "zero-", "move"])]
    rrng.shuffle(kinds)
    for (code, value), kind in zip(_RATE_BASES, kinds, strict=True):
        v = value * (1 + rrng.gauss(0, 0.02))
        if kind == "zero+":
            change = rrng.uniform(0, 0.0049)
        elif kind == "zero-":
            change = -rrng.uniform(0.0001, 0.0049)
        else:
            change = rrng.choice([-1, 1]) * rrng.randint(1, 60) / 100
        site.rates.append(Rate(code, "USD", f"{v:.5f}", _fmt_change(change)))

    # publication times (minute precision), 30% legacy era
    end = datetime.combine(today, time(17, 0))
    n_legacy = round(n_stories * legacy_share)
    stamps: set[datetime] = set()
    while len(stamps) < n_legacy:
        stamps.add(_EPOCH + timedelta(minutes=rng.randrange(_minutes_between(_EPOCH, _LEGACY_END))))
    span = _minutes_between(_LEGACY_END, end)
    while len(stamps) < n_stories:
        stamps.add(_LEGACY_END + timedelta(minutes=rng.randrange(span)))
    times = sorted(stamps)
    if times and n_stories > 1:
        times[-1] = end - timedelta(minutes=rng.randint(0, 120))  # something from today
        times.sort()

    # legacy URL numbers (most legacy-era stories), increasing with date
    legacy_idx = [i for i, t in enumerate(times) if t < _LEGACY_END and rng.random() < 0.85]
    numbers = sorted(rng.sample(range(19000, 26001), len(legacy_idx))) if legacy_idx else []
    legacy_of = dict(zip(legacy_idx, numbers, strict=True))

    series_idx = {i for i in range(n_stories) if rng.random() < series_share}
    series_no = rng.randint(20, 60)

    post_id = 10000 + rng.randint(0, 400)
    latest_mod = site.clock - timedelta(minutes=5)
    for i, naive in enumerate(times):
        post_id += rng.choices([1, 2, 3, 5, 8, 13, 21], weights=[30, 20, 15, 12, 10, 8, 5])[0]
        published = naive.replace(tzinfo=tz)
        modified = published
        if rng.random() < 0.5:
            delta = timedelta(minutes=int(rng.expovariate(1 / 2000)) + 5)
            modified = min(published + delta, latest_mod)
            modified = max(modified, published)
        no = None
        if i in series_idx:
            no = series_no
            series_no += 1
        srng = random.Random(f"{site_name}:{seed}:story:{post_id}")
        story = _make_story(
            site,
            srng,
            post_id,
            published,
            modified,
            legacy_number=legacy_of.get(i),
            legacy_era=naive < _LEGACY_END,
            series_no=no,
        )
        site.stories.append(story)
        if story.legacy_number is not None:
            site._legacy_stories.append(story)
    site.version += 1
    return site


def iter_text_blocks(blocks: Iterable[Block]) -> Iterable[Block]:
    return (b for b in blocks if b.kind in TEXT_KINDS)
