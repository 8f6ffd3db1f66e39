"""Fallback extraction: when the page object's selectors find no headline or body
(the theme changed overnight), trafilatura finds the main text and the record says
``extraction: "fallback"``. Measured on replica pages in themes the timesca page
object has no selectors for, against the replica's truth (bag-of-words token F1)."""

from __future__ import annotations

from collections.abc import Callable
from statistics import mean
from typing import Any

import pytest

from replica import SiteApp, generate_site
from replica.presets import PRESETS
from tcacrawler import fallback
from tcacrawler.extract import extract_record
from tcacrawler.pages.timesca import TimescaArticlePage
from tcacrawler.pages.wordpress import NotAnArticle
from tcacrawler.quality import token_f1

BASE_URL = "https://timesca.com"
MIN_MEAN_F1 = 0.95
UNSEEN = {
    # Elementor-like page builder: no entry-content, no <article>, widgets all around.
    "elementor": {"theme_mix": {"elementor": 1.0}},
    # Another site's theme (sh- class names, no JSON-LD) under timesca's page object.
    "herald": {**PRESETS["steppeherald"], "site_name": "timesca"},
}


def rendered_pages(theme: str, n_stories: int) -> list[tuple[dict[str, Any], str]]:
    site = generate_site(n_stories=n_stories, seed=4, base_url=BASE_URL, **UNSEEN[theme])
    app = SiteApp(site)
    return [
        (truth, app.handle(truth["url"].removeprefix(BASE_URL)).body.decode("utf-8"))
        for truth in site.truth()
    ]


@pytest.mark.parametrize(("theme", "n_stories"), [("elementor", 80), ("herald", 40)])
def test_unseen_theme_body_f1(theme: str, n_stories: int, report: Callable[[str], None]) -> None:
    f1s, headlines, extraction = [], 0, set()
    for truth, html in rendered_pages(theme, n_stories):
        record = extract_record(TimescaArticlePage, truth["url"], html)
        f1s.append(token_f1(record["article_body"], truth["article_body"]))
        headlines += record["headline"] == truth["headline"]
        extraction.add(record["extraction"])
    report(
        f"[fallback on unseen theme {theme!r}] body token-F1 mean {mean(f1s):.4f} "
        f"min {min(f1s):.4f} over {len(f1s)} pages; headline right {headlines}/{len(f1s)}"
    )
    assert extraction == {"fallback"}
    assert mean(f1s) >= MIN_MEAN_F1
    assert headlines == len(f1s)


def test_selectors_come_first(monkeypatch: pytest.MonkeyPatch) -> None:
    site = generate_site(n_stories=5, seed=4, base_url=BASE_URL, theme_mix={"modern": 1.0})
    truth = site.truth()[0]
    html = SiteApp(site).handle(truth["url"].removeprefix(BASE_URL)).body.decode()

    def must_not_run(*args: Any, **kwargs: Any) -> list[str]:
        raise AssertionError("the generic extractor ran although the selectors matched")

    monkeypatch.setattr(fallback, "trafilatura_paragraphs", must_not_run)
    record = extract_record(TimescaArticlePage, truth["url"], html)
    assert record["extraction"] == "page"
    assert record["article_body"] == truth["article_body"]


PARAGRAPHS = [
    "The regional water council met in Tashkent on Monday to agree quotas for the summer "
    "season, after two years of disputes over the Syr Darya.",
    "Delegates from five countries signed a protocol that sets the release schedule for the "
    "reservoirs upstream and a joint monitoring mission for the canals.",
    "Farmers in the Fergana valley said the new schedule would let them plant cotton and "
    "wheat on time for the first season since the drought began.",
]
# Every paragraph in a wrapper of its own: no element holds the body, so trafilatura's
# own paragraphs are the body.
WRAPPED = f"""<html lang="en"><head><title>Water quotas agreed - Example News</title>
<meta property="og:title" content="Water quotas agreed - Example News">
<meta property="og:site_name" content="Example News"></head>
<body class="single single-post postid-42"><header><h1 class="logo">Example News</h1></header>
<div class="layout"><h1 class="headline-x">Water quotas agreed</h1>
{"".join(f'<div class="row-x"><p>{p}</p></div>' for p in PARAGRAPHS)}</div>
<footer><p>© Example News</p></footer></body></html>"""


def test_trafilatura_text_when_no_element_holds_the_body() -> None:
    page = TimescaArticlePage("https://example.com/water-quotas/", WRAPPED)
    assert page.main_content.element is None
    assert page.paragraphs == PARAGRAPHS
    # the first <h1> is the logo: the headline is the <h1> the page title confirms
    assert page.headline == "Water quotas agreed"
    assert page.to_item().extraction == "fallback"


def test_extractor_failure_is_no_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("trafilatura.extract", broken)
    page = TimescaArticlePage("https://example.com/water-quotas/", WRAPPED)
    with pytest.raises(NotAnArticle, match="no body"):
        page.to_item()


# A legacy (pre-2022) imported post: its paragraphs are text runs in one <div>, separated
# by <br><br>, and the theme's selectors find no body.
LEGACY_BR = f"""<html lang="en-US"><head><title>Water quotas agreed - Example News</title></head>
<body class="single single-post postid-42"><div class="layout">
<h1 class="headline-x">Water quotas agreed</h1>
<div class="old-body"><div>{"<br><br>".join(PARAGRAPHS)}</div></div></div>
<footer><p>© Example News</p></footer></body></html>"""


def test_line_breaks_separate_paragraphs() -> None:
    # trafilatura writes each run of <br> as one <lb/>: every line is a paragraph, not
    # glued to the next ("...Syr Darya.Delegates...")
    assert fallback.trafilatura_paragraphs(LEGACY_BR) == PARAGRAPHS
    page = TimescaArticlePage("https://example.com/water-quotas/", LEGACY_BR)
    assert page.paragraphs == PARAGRAPHS
    assert page.to_item().extraction == "fallback"


def test_line_break_after_inline_markup() -> None:
    # the text after an inline element (its tail) stays on its own line
    first, second = PARAGRAPHS[1].split(" signed ", 1)
    html = LEGACY_BR.replace(PARAGRAPHS[1], f"<span>{first}</span> signed {second}")
    assert fallback.trafilatura_paragraphs(html) == PARAGRAPHS
