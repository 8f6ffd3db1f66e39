"""URL normalisation: one story, one URL, whatever link led to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that never select different content on a WordPress news site:
# analytics tags and the junk (catid/id) that old Joomla-era links carry.
JUNK_QUERY_PARAMS = frozenset(
    {
        "catid",
        "id",
        "itemid",
        "fbclid",
        "gclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "amp",
        "replytocom",
        "share",
        "nb",
    }
)
JUNK_QUERY_PREFIXES = ("utm_", "_ga", "pk_", "mtm_")

LEGACY_ARTICLE_PATH = re.compile(r"^/index\.php/news/(?P<number>\d+)-(?P<slug>[^/?#]+)")
SHORTLINK_QUERY = re.compile(r"(?:^|&)p=(?P<post_id>\d+)(?:&|$)")


# A URL that urlsplit splits into (scheme, host[:port], path) and nothing else, all of
# them as written: lower-case http(s) scheme and host, a path (if any) of RFC 3986 path
# characters only, no query, no fragment. A sitemap lists article URLs in this shape, and
# a regex match costs a tenth of a (first) urlsplit: the helpers below read these URLs
# from the match (tests check them against urlsplit).
_PLAIN_URL = re.compile(
    r"https?://(?P<host>[a-z0-9.-]+)(?::[0-9]+)?(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?"
)


def url_host(url: str) -> str:
    """``urlsplit(url).hostname or ""``."""
    if (plain := _PLAIN_URL.fullmatch(url)) is not None:
        return plain["host"]
    return urlsplit(url).hostname or ""


def _is_junk(name: str) -> bool:
    name = name.lower()
    return name in JUNK_QUERY_PARAMS or name.startswith(JUNK_QUERY_PREFIXES)


def _kept_query(query: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_junk(k)]


# A URL that normalize_url would return unchanged, in the common shapes: lower-case
# scheme and host without www., no port or one that is not the scheme's default (mirrors,
# the replica), a path of characters that urlsplit leaves alone and no empty segment,
# and a query of plain key=value pairs (checked in _normal_query).
_NORMAL_URL = re.compile(
    r"(?P<scheme>https?)://(?!www\.)[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?P<port>[1-9][0-9]{0,4}))?"
    r"(?P<path>/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@%]+/)*[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)"
    r"(?:\?(?P<query>[a-z0-9_]+=[A-Za-z0-9_.\-]*(?:&[a-z0-9_]+=[A-Za-z0-9_.\-]*)*))?"
)


def _normal_query(query: str) -> bool:
    """Whether urlencode(sorted(_kept_query(query))) gives ``query`` back (for a query
    that _NORMAL_URL accepted: its keys and values need no quoting)."""
    pairs = [tuple(pair.split("=", 1)) for pair in query.split("&")]
    return pairs == sorted(pairs) and not any(_is_junk(k) for k, _ in pairs)


def _normal_port(scheme: str, port: str | None) -> bool:
    """Whether normalisation keeps ``port`` as written (a default port is dropped, and
    an out-of-range one must reach urlsplit, which refuses it)."""
    if port is None:
        return True
    number = int(port)
    return number <= 65535 and (scheme, number) not in {("http", 80), ("https", 443)}


def normalize_url(url: str) -> str:
    """Return the form of ``url`` under which a story or listing is known.

    Lower-cases scheme and host, drops ``www.``, default ports, fragments and
    junk query parameters, sorts what is left of the query, and gives every
    path a trailing slash (WordPress permalinks end in one) except file-like
    paths such as ``/sitemap_index.xml``.
    """
    # Most URLs met in a crawl are normal already (canonical links, sitemap entries),
    # and urlsplit/urlunsplit cost ten times this check.
    normal = _NORMAL_URL.fullmatch(url)
    if normal is not None and _normal_port(normal["scheme"], normal["port"]):
        path, query = normal["path"], normal["query"]
        if (
            (path.endswith("/") or "." in path.rsplit("/", 1)[-1])
            and (query is None or _normal_query(query))
            and ("%" not in path or _LOWER_HIGH_ESCAPE.search(path) is None)
        ):
            return url
    return _normalize_parsed(url)


# A percent-escape of a byte 0x80-0xFF (a piece of a UTF-8 encoded non-ASCII character)
# with a lower-case hex digit: "%d0", "%D0" and "к" are one character.
_LOWER_HIGH_ESCAPE = re.compile(r"%(?:[89A-F][a-f]|[a-f][0-9A-Fa-f])")
_HIGH_ESCAPE = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _encode_non_ascii(path: str) -> str:
    """``path`` with its non-ASCII characters percent-encoded as UTF-8, and the escapes
    of such bytes in upper-case hex, as w3lib's safe_url_string and canonicalize_url
    write them (and Scrapy requests them). Everything ASCII is left as written, escapes
    of ASCII characters included, so that an ASCII URL normalises as it always did."""
    if not path.isascii():
        path = _NON_ASCII.sub(
            lambda m: quote(m[0], safe="", encoding="utf-8", errors="surrogatepass"), path
        )
    if "%" in path:
        path = _HIGH_ESCAPE.sub(lambda m: m[0].upper(), path)
    return path


def earlier_normal_form(url: str) -> str | None:
    """The form normalize_url gave ``url`` before it percent-encoded non-ASCII paths
    (earlier versions kept them as written: raw, or escapes in lower-case hex), when that
    differs from today's; else None, at the cost of two scans for an ASCII URL. A story
    store from an earlier version holds its URLs in that form."""
    if url.isascii() and ("%" not in url or _LOWER_HIGH_ESCAPE.search(url) is None):
        return None
    earlier = _normalize_parsed(url, encode=False)
    return None if earlier == normalize_url(url) else earlier


def _normalize_parsed(url: str, *, encode: bool = True) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "https"
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else (f"{host}:{port}")
    )
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    last_segment = path.rsplit("/", 1)[-1]
    if not path.endswith("/") and "." not in last_segment:
        path += "/"
    if encode:
        path = _encode_non_ascii(path)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(_kept_query(parts.query))), ""))


def site_relative(url: str) -> str:
    """Path plus query, the part of a URL that is the same on every mirror."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# A shortlink as WordPress writes it, read without urlsplit (which costs ten times more).
_PLAIN_SHORTLINK = re.compile(r"https?://[A-Za-z0-9.\-]+/?\?p=(?P<post_id>[0-9]+)")


def shortlink_post_id(url: str) -> int | None:
    """The post id of a WordPress shortlink (``/?p=123``), else None."""
    if (plain := _PLAIN_SHORTLINK.fullmatch(url)) is not None:
        return int(plain["post_id"])
    if _PLAIN_URL.fullmatch(url) is not None:  # no query
        return None
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return None
    match = SHORTLINK_QUERY.search(parts.query)
    return int(match["post_id"]) if match else None


def is_legacy_article_url(url: str) -> bool:
    plain = _PLAIN_URL.fullmatch(url)
    path = (plain["path"] or "") if plain is not None else urlsplit(url).path
    return LEGACY_ARTICLE_PATH.match(path) is not None


def url_story_id(site: str, url: str) -> str:
    """Fallback story id for a page with no WordPress post id."""
    return f"{site}:{site_relative(normalize_url(url))}"


def strip_junk_query(url: str) -> str:
    """Drop junk query parameters and the fragment, keeping host and path as given."""
    if _PLAIN_URL.fullmatch(url) is not None:  # no query, no fragment: urlunsplit gives it back
        return url
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode(_kept_query(parts.query)), "")
    )
