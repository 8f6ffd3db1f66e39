"""Tests for tcacrawler.boilerplate (all texts synthetic)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcacrawler.boilerplate import (
    DEFAULT_RULES,
    SPAM_TERMS,
    BoilerplateCleaner,
    CleanResult,
    LineRule,
    RegexRule,
    RepeatedParagraphRule,
    clean_text,
    is_spam,
)
from tcacrawler.extract import clean_article
from tcacrawler.items import ArticleItem
from tcacrawler.pipelines import BoilerplatePipeline

DATA = Path(__file__).parent / "data" / "boilerplate"
CASES = sorted(p.name.removesuffix(".input.txt") for p in DATA.glob("*.input.txt"))

TICKER5 = (
    "KGS/USD = 0.01144 0% KZT/USD = 0.00194 -0% TJS/USD = 0.10896 -0% "
    "UZS/USD = 0.00008 0% TMT/USD = 0.28571 0.28%"
)
STORY = (
    "The government approved a new programme to support farmers on Tuesday.\n\n"
    "Officials said the money would be paid out before the spring sowing."
)

cleaner = BoilerplateCleaner()


def clean(text: str) -> str:
    return cleaner.clean(text).text


# --------------------------------------------------------------------------
# Data-driven: tests/data/boilerplate/<case>.input.txt -> <case>.expected.txt
# --------------------------------------------------------------------------


def test_fixture_cases_exist() -> None:
    assert "page_dump" in CASES
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    text = (DATA / f"{case}.input.txt").read_text(encoding="utf-8")
    expected = (DATA / f"{case}.expected.txt").read_text(encoding="utf-8")
    result = cleaner.clean(text)
    assert result.text == expected
    assert clean(result.text) == result.text
    if case.startswith("keep_"):
        assert result.removed == {}


def test_page_dump_counts() -> None:
    text = (DATA / "page_dump.input.txt").read_text(encoding="utf-8")
    removed = cleaner.clean(text).removed
    assert removed["ticker"] == 1  # 8 copies + date form one ticker
    assert {"ticker", "share", "newsletter", "nav"} <= set(removed)
    assert "spam" not in removed
    assert "repeated_line" not in removed


# --------------------------------------------------------------------------
# ticker
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        TICKER5 + " 09 December 2025\n\n" + STORY,
        " ".join([TICKER5] * 8) + " 09 December 2025\n\n" + STORY,
        TICKER5.replace(" KZT", "\nKZT").replace(" TJS", "\nTJS") + "\n09 December 2025\n" + STORY,
        (TICKER5.replace("% ", "%") * 8) + "09 December 2025" + STORY,
        STORY.replace("Officials", TICKER5 + " " + TICKER5 + "\n\nOfficials"),
        "USD/KZT = 1,234.5 +0.3% EUR/KZT=540.25 -1.5% USD/KZT = 1,234.5 +0.3%\n\n" + STORY,
        "USD/KZT = 512.07 \u22120.3% 9 Dec 2025\n\n" + STORY,
    ],
    ids=[
        "one-item-set-and-date",
        "eight-copies",
        "line-per-item",
        "run-together",
        "mid-text",
        "formats",
        "unicode-minus",
    ],
)
def test_ticker_removed(text: str) -> None:
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"ticker": 1}


def test_ticker_four_pairs_old_pages() -> None:
    four = TICKER5.split(" TMT")[0]
    assert clean(" ".join([four] * 8) + " 12 May 2021\n" + STORY) == STORY


def test_ticker_glued_to_headline() -> None:
    text = TICKER5 * 2 + "09 December 2025Headline text"
    assert clean(text) == "Headline text"


def test_ticker_twice_counts_two() -> None:
    dated = TICKER5 + " 09 December 2025"
    text = dated + "\n\nFirst paragraph.\n\n" + dated + "\n\nSecond paragraph."
    result = cleaner.clean(text)
    assert result.text == "First paragraph.\n\nSecond paragraph."
    assert result.removed == {"ticker": 2}


def test_date_without_ticker_kept() -> None:
    text = "09 December 2025\n\nThe law takes effect on 1 January 2026."
    assert clean(text) == text


@pytest.mark.parametrize(
    "lines",
    [
        ["The National Bank set the official rate at KZT/USD = 0.00194 0% on Monday."],
        ["The rates were KGS/USD = 0.01144 0% and KZT/USD = 0.00194 -0% at noon, dealers said."],
        # quotes a story gives: no pair twice, no date after them
        [
            "Official rates on Friday:",
            "KZT/USD = 0.00194 -0.5%",
            "UZS/USD = 0.00008 0.1%",
            "KGS/USD = 0.01144 0%",
        ],
        ["Closing quote:", "KZT/USD = 0.00194 -0.5%"],
        ["Closing rates: " + TICKER5 + " (source: national banks)."],
        ["The rate was set " + TICKER5.split(" TMT")[0] + " on Monday."],
        [TICKER5],
    ],
)
def test_rates_quoted_by_the_story_kept(lines: list[str]) -> None:
    # the ticker's signature is a pair quoted twice (8 copies) or the date after it
    text = "\n\n".join([STORY, *lines, STORY])
    assert cleaner.clean(text) == CleanResult(text, {})


def test_ticker_run_inside_a_sentence_removed() -> None:
    result = cleaner.clean(
        "The rate was set " + TICKER5 + " " + TICKER5 + " on Monday.\n\n" + STORY
    )
    assert result.text == "The rate was set on Monday.\n\n" + STORY
    assert result.removed == {"ticker": 1}


def test_cut_off_ticker_and_its_date_glued_to_the_story_removed() -> None:
    text = "TJS/USD = 0.10896 -0% UZS/USD = 0.00008 0% 09 December 2025" + STORY
    assert cleaner.clean(text) == CleanResult(STORY, {"ticker": 1})


# --------------------------------------------------------------------------
# spam
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "astropay bozdurma paysafe bozdurma",
        "Papara ile casino bonus, deneme bonusu veren siteler ve canl\u0131 bahis",
        "bahis bahis bahis",
        "En iyi bahis siteleri ve deneme bonusu burada, hemen giriş yap",
    ],
)
def test_spam_removed(line: str) -> None:
    assert is_spam(line)
    result = cleaner.clean(line + "\n\n" + STORY)
    assert result.text == STORY
    assert result.removed == {"spam": 1}


@pytest.mark.parametrize(
    "line",
    [
        "Police closed an illegal casino in the capital on Saturday.",
        "The new law bans online casino advertising and raises the jackpot tax for operators, "
        "the finance ministry said on Monday after a long debate in parliament.",
        "Casino",
        "The company moved its payments to Papara last year.",
    ],
)
def test_story_mentioning_gambling_kept(line: str) -> None:
    assert not is_spam(line)
    assert clean(line + "\n\n" + STORY) == line + "\n\n" + STORY


@pytest.mark.parametrize(
    "line",
    [
        "Online casino advertising banned",
        "Kazakh Pensioner Wins Casino Jackpot",
        "Uzbekistan blocks 1xbet and Mostbet websites",
        "Casino jackpot",
    ],
)
def test_two_ordinary_gambling_words_are_no_spam(line: str) -> None:
    # spam needs a signature: several distinct terms, or the injected Turkish terms
    assert not is_spam(line)
    for text in (line, line + "\n\n" + STORY, STORY + "\n\n" + line):
        assert cleaner.clean(text) == CleanResult(text, {})


@pytest.mark.parametrize(
    "line",
    [
        "Uzbekistan blocks 1xbet, Mostbet and Vavada",
        "Astropay, Paysafe and Papara blocked in Kazakhstan",
        "1xbet, Mostbet and Vavada were blocked; the casino jackpot advertising case continues.",
        "Payment services AstroPay, Paysafe and Papara were also blocked.",
    ],
)
def test_brand_names_and_ordinary_words_alone_are_no_spam(line: str) -> None:
    # three distinct terms need one that is no ordinary word or brand; a repeat is one
    # term three times, not any three matches
    assert not is_spam(line)
    for text in (line, line + "\n\n" + STORY, STORY + "\n\n" + line):
        assert cleaner.clean(text) == CleanResult(text, {})
    item = _article(line)
    assert clean_article(item) == {}
    assert item.headline == line


@pytest.mark.parametrize(
    "line",
    ["paysafe bozdurma papara bozdurma", "astropay 1xbet mostbet bahis", "bahis, bahis, bahis"],
)
def test_spam_with_one_uncommon_term_or_one_term_repeated_removed(line: str) -> None:
    assert is_spam(line)


def test_spam_terms_is_a_plain_list() -> None:
    assert isinstance(SPAM_TERMS, list)
    assert {"astropay", "bozdurma", "paysafe", "papara", "bahis", "deneme bonusu"} <= set(
        SPAM_TERMS
    )


# --------------------------------------------------------------------------
# share / newsletter / read_also / repeated_line
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Share this:",
        "Share on Facebook",
        "Click to share on X (Opens in new window)",
        "Click to email a link to a friend (Opens in new window)",
        "Like this:",
        "Like Loading...",
        "Tweet",
        "Telegram",
        "Tweet Share Telegram WhatsApp",
        "Facebook | X | LinkedIn | Email",
        "Share this article on Telegram",
        "Follow us on Telegram",
    ],
)
def test_share_removed(line: str) -> None:
    result = cleaner.clean(STORY + "\n\n" + line)
    assert result.text == STORY
    assert result.removed == {"share": 1}


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our newsletter",
        "Subscribe to our newsletter to get the latest news from Central Asia.",
        "Sign up for our weekly newsletter",
        "Sign up for The Times of Central Asia's daily newsletter",
        "Subscribe to our newsletter for the latest news from Central Asia",
        "Sign up for the Steppe Herald newsletter, every weekday morning.",
        # a call to action after a sentence boundary
        "Don't miss a story! Subscribe to our weekly newsletter.",
        "Get the latest news from Central Asia in your inbox. Sign up for our newsletter.",
        "Enter your email address",
        "Enter your email",
        "Email address *",
        "Subscribe",
    ],
)
def test_newsletter_removed(line: str) -> None:
    result = cleaner.clean(STORY + "\n\n" + line)
    assert result.text == STORY
    assert result.removed == {"newsletter": 1}


@pytest.mark.parametrize(
    "line",
    [
        "Read also: Kazakhstan raises its base rate",
        "Read more: Tenge steady ahead of winter",
        "See also: New bus routes link mountain villages",
        "READ ALSO - Border trade grows",
    ],
)
def test_read_also_line_removed(line: str) -> None:
    text = STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials")
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"read_also": 1}


def test_related_block_removed_up_to_next_real_paragraph() -> None:
    text = (
        "First paragraph of the story.\n\n"
        "Related\n"
        "Kazakhstan raises its base rate\n"
        "December 5, 2025\n"
        'In "Business & Economy"\n'
        "Tenge steady ahead of winter\n"
        "Officials said the money would be paid out before the spring sowing."
    )
    result = cleaner.clean(text)
    assert result.text == (
        "First paragraph of the story.\n\n"
        "Officials said the money would be paid out before the spring sowing."
    )
    assert result.removed == {"read_also": 5}


def test_related_block_is_bounded() -> None:
    titles = [f"Short title number {i}" for i in range(20)]
    result = cleaner.clean("Related posts:\n" + "\n".join(titles))
    assert result.removed == {"read_also": 10}  # heading + at most 9 followers
    assert result.text == "\n\n".join(titles[9:])


def test_sentences_mentioning_related_or_read_kept() -> None:
    text = (
        "Related reading for policymakers is scarce, the report said.\n\n"
        "Read the full report on the ministry's website.\n\n"
        "See also the annex for the figures."
    )
    assert clean(text) == text


@pytest.mark.parametrize(
    "lines",
    [
        # the body comes from markup: two identical paragraphs in a row are the story's
        [
            "The five priorities named by officials are:",
            "a new office of the Institute of Archaeology in Mary;",
            "a new office of the Institute of Archaeology in Mary;",
            "joint projects with Japan on archaeological excavations.",
        ],
        [
            "We will rise again, we will rise again, from the ashes of the old city",
            "We will rise again, we will rise again, from the ashes of the old city",
        ],
    ],
)
def test_adjacent_identical_paragraphs_kept(lines: list[str]) -> None:
    text = "\n\n".join([STORY, *lines, STORY])
    assert cleaner.clean(text) == CleanResult(text, {})


def test_repeated_paragraph_rule_is_opt_in() -> None:
    # not a default rule; a page object that shows a node twice can add it
    assert not any(isinstance(rule, RepeatedParagraphRule) for rule in DEFAULT_RULES)
    alpha = "The new crossing will handle both passenger cars and freight lorries."
    text = f"{alpha}\n\n{alpha}\n\nGamma paragraph of the story."
    result = BoilerplateCleaner((*DEFAULT_RULES, RepeatedParagraphRule())).clean(text)
    assert result.text == f"{alpha}\n\nGamma paragraph of the story."
    assert result.removed == {"repeated_line": 1}
    line = "The same line of the story, shown three times."
    spaced = line.replace(" ", "  ")
    result = BoilerplateCleaner((RepeatedParagraphRule(),)).clean(f"{spaced}\n{line}\n\t{line} ")
    assert result.text == line


@pytest.mark.parametrize(
    "line",
    [
        "Also read: Kazakhstan raises interest rates",
        "ALSO READ: Kazakhstan raises interest rates",
        "Read also Kazakhstan raises interest rates",
        "Continue reading \u2192",
        "Read more \u00bb",
    ],
)
def test_read_also_variants_removed(line: str) -> None:
    text = STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials")
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"read_also": 1}


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Uzbekistan's president said on Monday that reforms will continue, and that "
        "the government would double spending on schools over the next five years.",
        "See also: the ministry's earlier statement, which said that the tariff would rise by "
        "10% from January, citing higher costs of imported equipment and a weaker tenge.",
        "Read more: the decree, signed on Friday, takes effect in March",
        "Read more: The decree was signed on Friday and takes effect in May.",
        "Read also: The decree was signed on Friday and takes effect in May.",
        "See also the annex for the figures",
    ],
)
def test_read_also_label_before_story_text_kept(line: str) -> None:
    # a label caps a link title, not a paragraph or a sentence
    for text in (STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials"), line):
        assert cleaner.clean(text) == CleanResult(text, {})


@pytest.mark.parametrize(
    "line",
    [
        # a long link title after a label with punctuation (the replica's "Read also:")
        "Read also: Tajikistan Reports Shift in Restoration of Historic Madrasahs as A Sharp "
        "Rise in Remittances from Russia Bites",
        "READ MORE – Turkmenistan Reports Shift in Silk Road Tour Circuit as A Sharp Rise "
        "in Remittances from Russia Bites",
        # a short title may end in one period
        "Read also: Tajikistan opens new dam.",
    ],
)
def test_read_also_long_or_period_title_removed(line: str) -> None:
    text = STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials")
    assert cleaner.clean(text) == CleanResult(STORY, {"read_also": 1})


@pytest.mark.parametrize(
    "lines",
    [
        # a label without punctuation is furniture alone ("Read more »") or as "Read also"
        ["See also Kazakhstan's 2024 report"],
        ["Read More Kazakhstan"],
        # a heading whose words go on in lower case is a sentence
        ["You may also like", "the new tram line in Almaty"],
        ["Read also", "the notes below the table."],
    ],
)
def test_label_without_punctuation_or_title_kept(lines: list[str]) -> None:
    for text in (
        STORY.replace("\n\nOfficials", "\n\n" + "\n\n".join(lines) + "\n\nOfficials"),
        "\n\n".join([STORY, *lines]),
    ):
        assert cleaner.clean(text) == CleanResult(text, {})


def test_you_may_also_like_block_removed() -> None:
    text = (
        STORY + "\n\nYou may also like\n\nTenge steady ahead of winter\n\n"
        "New bus routes link mountain villages"
    )
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"read_also": 3}


def test_subheading_and_one_story_line_kept() -> None:
    # "More on this topic" and one short line before the story goes on: a subheading
    text = (
        "More on this topic\n\nThe Kyrgyz government said on Monday that talks would "
        "continue\n\nThe next round is due in Bishkek in May."
    )
    assert cleaner.clean(text) == CleanResult(text, {})
    # the same at the end of the body, or with two link titles, is a related block
    result = cleaner.clean(STORY + "\n\nMore on this topic\n\nTalks to continue in Bishkek")
    assert result == CleanResult(STORY, {"read_also": 2})


@pytest.mark.parametrize(
    "line",
    [
        "The ministry asked citizens to register for its newsletter on water safety, "
        "officials said.",
        "Follow us on the road to reform, the minister told the crowd.",
        "The newsletter was sent to 3,000 subscribers, who can sign up online.",
        # newsletters in story sentences: no short call to action
        "The ministry's newsletter lands in the inbox of 40,000 teachers every week.",
        "Sign up rates for the bank's newsletter rose sharply last year, the report said.",
        "Subscribe to the newsletter, the minister urged parents, to stay informed about "
        "school closures.",
        "Newsletter subscribers can sign up for alerts too.",
    ],
)
def test_sentences_about_newsletters_and_following_kept(line: str) -> None:
    for text in (line, STORY + "\n\n" + line, line + "\n\n" + STORY):
        assert cleaner.clean(text) == CleanResult(text, {})


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our Telegram channel",
        "Follow The Times of Central Asia on Telegram",
        "Follow us on Facebook and X",
        "Join us on Telegram",
        "Follow us on Instagram",
        "Follow us on YouTube",
        "Follow us on Telegram for the latest news",
    ],
)
def test_follow_and_channel_lines_removed(line: str) -> None:
    text = STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials")
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"share": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Authorities blocked the following apps last week:\n\nTelegram\n\nWhatsApp\n\n"
        "Viber\n\nThe ban follows earlier restrictions.",
        "The ban covers three apps.\n\nTelegram\n\nWhatsApp\n\nViber\n\n"
        "It follows earlier restrictions.",
        "The platforms named were:\n\nX\n\nFacebook",
        "The platforms named were:\n\nX\n\nFacebook\n\nShare this:",
        # a lead-in or heading without sentence punctuation announces the list too
        STORY + "\n\nThe apps blocked on Monday were\n\nTelegram\n\nWhatsApp\n\nViber",
        STORY + "\n\nMessengers affected by the outage \u2014\n\nTelegram\n\nWhatsApp",
        STORY + "\n\nSources\n\nTelegram\n\nX\n\nFacebook",
        STORY + "\n\nThe forum will have four panels\n\nPolitics\n\nBusiness & Economy\n\n"
        "Security\n\nCulture",
    ],
    ids=[
        "after-colon",
        "mid-body",
        "list-ends-the-body",
        "share-bar-after-the-list",
        "lead-in-without-colon",
        "lead-in-with-dash",
        "heading",
        "sections",
    ],
)
def test_story_list_of_apps_kept(text: str) -> None:
    expected = text.removesuffix("\n\nShare this:")
    assert clean(text) == expected


@pytest.mark.parametrize("label", ["Follow us:", "Find us on:", "Share this:"])
def test_network_names_after_a_follow_label_removed(label: str) -> None:
    # the label is furniture, not a story's lead-in
    for before in (STORY, STORY + "\n\nThe apps blocked on Monday were"):
        result = cleaner.clean(before + "\n\n" + label + "\n\nFacebook\n\nX\n\nTelegram")
        assert result == CleanResult(before, {"share": 4})


def test_subscribe_to_networks_without_our_kept() -> None:
    line = "Subscribe to Telegram and WhatsApp."
    text = STORY.replace("\n\nOfficials", "\n\n" + line + "\n\nOfficials")
    assert cleaner.clean(text) == CleanResult(text, {})


def test_network_names_after_a_share_label_removed() -> None:
    # mid-body, a bar of network names goes with the label that announces it
    text = STORY.replace(
        "\n\nOfficials", "\n\nShare this:\n\nFacebook\n\nX\n\nTelegram\n\nOfficials"
    )
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"share": 4}
    # a form's button goes with the sign-up line before it
    text = STORY.replace(
        "\n\nOfficials", "\n\nSign up for our newsletter\n\nSubscribe\n\nOfficials"
    )
    assert cleaner.clean(text) == CleanResult(STORY, {"newsletter": 2})


@pytest.mark.parametrize(
    "text",
    [
        "The following states signed the accord:\n\nKazakhstan\n\nKyrgyzstan\n\n"
        "Uzbekistan\n\nTurkmenistan declined.",
        "Kazakhstan, Kyrgyzstan, Uzbekistan\n\nThe three countries signed.",
        "The three countries signed.\n\nKazakhstan\n\nKyrgyzstan\n\nUzbekistan",
        "Kazakhstan | Kyrgyzstan | Uzbekistan\n\nThe three countries signed.",
    ],
)
def test_country_lists_kept(text: str) -> None:
    assert cleaner.clean(text) == CleanResult(text, {})


def test_menu_at_the_end_removed() -> None:
    result = cleaner.clean(STORY + "\n\nAbout us\n\nContact\n\nAdvertise\n\nPrivacy Policy")
    assert result == CleanResult(STORY, {"nav": 4})


@pytest.mark.parametrize(
    "text",
    [
        # a table, one cell a line
        "Results by country:\n\nCountry\n\n2023\n\n2024\n\nKazakhstan\n\n5%\n\n5%\n\n"
        "Uzbekistan\n\n6%\n\n5%",
        # a refrain
        "Chorus: Long live the motherland\n\nVerse one text here.\n\n"
        "Chorus: Long live the motherland\n\nEnd.",
        # separators
        "First part of the story.\n\n***\n\nSecond part.\n\n***\n\nThird part.",
        # the same sentence twice, apart
        "The minister said the plan would work.\n\nCritics disagreed.\n\n"
        "The minister said the plan would work.",
    ],
    ids=["table", "refrain", "separators", "apart"],
)
def test_repeated_story_lines_kept(text: str) -> None:
    assert cleaner.clean(text) == CleanResult(text, {})


# --------------------------------------------------------------------------
# must be kept
# --------------------------------------------------------------------------


def test_as_previously_reported_kept() -> None:
    text = (
        STORY + "\n\nAs previously reported by The Times of Central Asia, the programme "
        "was first announced in March."
    )
    assert clean(text) == text


def test_series_intro_kept_in_each_issue() -> None:
    note = (
        "Dear readers, every week the editors of this digest select the most important stories "
        "from the five republics of the region and put them in one place."
    )
    issue1 = f"Weekly Digest of Central Asia\n\n{note}\n\nThis week: grain exports."
    issue2 = f"Weekly Digest of Central Asia\n\n{note}\n\nThis week: new bus routes."
    assert clean(issue1) == issue1
    assert clean(issue2) == issue2
    assert clean(issue1) == issue1  # nothing remembered from issue 2


def test_currency_prose_kept() -> None:
    text = (
        "The tenge fell to 0.0019 USD, a drop of 0.3%, while the KGS/USD rate barely moved.\n\n"
        "USD/KZT traded near 520 on 09 December 2025."
    )
    assert clean(text) == text


def test_nav_needs_a_run_of_labels() -> None:
    text = "Kazakhstan\n\nThe economy grew.\n\nUzbekistan\n\nExports rose."
    assert clean(text) == text
    result = cleaner.clean("Home\nNews\nKazakhstan\nOpinion\n" + STORY)
    assert result.text == STORY
    assert result.removed == {"nav": 4}


# --------------------------------------------------------------------------
# headline (tcacrawler.extract.clean_article)
# --------------------------------------------------------------------------


def _article(headline: str, body: str = STORY) -> ArticleItem:
    return ArticleItem(
        story_id="timesca:1",
        url="https://timesca.com/a/",
        headline=headline,
        article_body=body,
        site="timesca",
    )


@pytest.mark.parametrize(
    "headline",
    [
        "Kazakh Pensioner Wins Casino Jackpot",
        "X",
        "Telegram",
        "Related",
        "Subscribe",
        "Read more: Tokayev on reform",
    ],
)
def test_headline_is_not_judged_as_body_furniture(headline: str) -> None:
    item = _article(headline)
    assert clean_article(item) == {}
    assert item.headline == headline
    counted: list[str] = []
    stats = SimpleNamespace(inc_value=lambda key, count=1: counted.append(key))
    pipeline = BoilerplatePipeline(SimpleNamespace(stats=stats))
    assert pipeline.process_item(_article(headline)).headline == headline  # not dropped
    assert counted == []


def test_headline_loses_ticker_and_spam() -> None:
    item = _article(TICKER5 * 2 + "09 December 2025Headline text")
    assert clean_article(item) == {"ticker": 1}
    assert item.headline == "Headline text"
    item = _article("astropay bozdurma paysafe bozdurma\nHeadline text")
    assert clean_article(item) == {"spam": 1}
    assert item.headline == "Headline text"


# --------------------------------------------------------------------------
# format, API, extension
# --------------------------------------------------------------------------


def test_whitespace_normalised() -> None:
    text = "  First \t paragraph\u00a0here.  \r\n\r\n\n\n   \nSecond\tone.\n"
    result = cleaner.clean(text)
    assert result == CleanResult("First paragraph here.\n\nSecond one.", {})


def test_line_per_node_becomes_paragraphs() -> None:
    assert clean("Title\nFirst paragraph.\nSecond paragraph.") == (
        "Title\n\nFirst paragraph.\n\nSecond paragraph."
    )


def test_empty() -> None:
    assert cleaner.clean("") == CleanResult("", {})
    assert cleaner.clean(" \n\n \t") == CleanResult("", {})


def test_removed_is_read_only_and_lists_only_fired_rules() -> None:
    result = cleaner.clean("Share this:\n\n" + STORY)
    assert dict(result.removed) == {"share": 1}
    with pytest.raises(TypeError):
        result.removed["share"] = 5  # type: ignore[index]


def test_clean_text_helper() -> None:
    assert clean_text(TICKER5 + " " + TICKER5 + "\n" + STORY) == STORY


def test_custom_rules_extend_defaults() -> None:
    custom = BoilerplateCleaner(
        (
            *DEFAULT_RULES,
            RegexRule("photo_credit", re.compile(r"\s*\(Photo: [^)]*\)")),
            LineRule("viewing_results", lambda p: p.startswith("Viewing results ")),
        )
    )
    text = "Viewing results 691 - 696 of 1505\n\nThe dam was opened (Photo: archive) in May."
    result = custom.clean(text)
    assert result.text == "The dam was opened in May."
    assert result.removed == {"photo_credit": 1, "viewing_results": 1}


def test_rejects_non_rules() -> None:
    with pytest.raises(TypeError):
        BoilerplateCleaner(("not a rule",))  # type: ignore[arg-type]


def test_removal_joining_fragments_is_caught() -> None:
    # Dropping the share line brings the two halves of a ticker item together.
    text = "KGS/USD = 0.01144\nShare this:\n0% 09 December 2025\n" + STORY
    result = cleaner.clean(text)
    assert result.text == STORY
    assert result.removed == {"ticker": 1, "share": 1}


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

VOCAB_TEXT = (
    "the of government farmers region water border trade ministry officials said new plan "
    "villages bus routes wheat harvest spring tenge som rate bank budget schools road "
    "bridge river valley mountain capital president parliament would could will approved "
    "opened"
)
VOCAB = VOCAB_TEXT.split()

sentence = st.lists(st.sampled_from(VOCAB), min_size=4, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
clean_texts = st.lists(paragraph, min_size=1, max_size=6, unique=True).map("\n\n".join)

CODES = ["KGS", "KZT", "TJS", "UZS", "TMT", "USD", "EUR", "RUB", "CNY"]
number = st.builds(
    lambda whole, frac, commas: (
        (f"{whole:,}" if commas else str(whole)) + (f".{frac}" if frac else "")
    ),
    st.integers(0, 99_999),
    st.text("0123456789", max_size=5),
    st.booleans(),
)
change = st.builds(
    lambda sign, n: f"{sign}{n}%",
    st.sampled_from(["", "-", "+", "\u2212"]),
    number.filter(lambda s: "," not in s),
)
item = st.builds(
    lambda base, quote, rate, chg: f"{base}/{quote} = {rate} {chg}",
    st.sampled_from(CODES),
    st.sampled_from(CODES),
    number,
    change,
)
separator = st.sampled_from(["", " ", "  ", "\n", "\n\n", " \n"])
date = st.builds(
    lambda d, m, y: f"{d:02d} {m} {y}",
    st.integers(1, 28),
    st.sampled_from(["January", "March", "May", "July", "September", "December"]),
    st.integers(2015, 2030),
)


@st.composite
def tickers(draw: st.DrawFn) -> str:
    items = draw(st.lists(item, min_size=1, max_size=5))
    copies = draw(st.integers(1, 8))
    seq = items * copies
    text = seq[0]
    for it in seq[1:]:
        text += draw(separator) + it
    # the ticker's signature: a pair twice (two copies or more) or the date after it
    if copies == 1 or draw(st.booleans()):
        text += draw(separator) + draw(date)
    return text


BOILER_LINES = [
    TICKER5,
    "KGS/USD = 0.01144",
    "0%",
    "09 December 2025",
    "astropay bozdurma paysafe bozdurma",
    "Share this:",
    "Facebook",
    "Like this:",
    "Subscribe to our newsletter",
    "Enter your email address",
    "Read also: Tenge steady",
    "Related",
    "Short title here",
    "Home",
    "News",
    "Kazakhstan",
    "Casino",
    "As previously reported by The Times of Central Asia, the plan was approved.",
    # context-dependent lines: at the edges, after an announcing line, or after a colon
    "Telegram",
    "X",
    "Sign up",
    "Subscribe",
    "Uzbekistan",
    "More on this topic",
    "You may also like",
    "Also read Tenge steady",
    "The apps blocked were:",
    "***",
    "5%",
]
mixed_texts = st.lists(
    st.tuples(st.one_of(st.sampled_from(BOILER_LINES), sentence, paragraph), separator),
    max_size=14,
).map(lambda parts: "".join(a + b for a, b in parts))
any_texts = st.one_of(mixed_texts, st.text(max_size=200), clean_texts)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_texts)
def test_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert "\n\n\n" not in once
    assert all(p == " ".join(p.split()) and p for p in once.split("\n\n")) or once == ""


@FAST
@given(clean_texts)
def test_clean_text_untouched(text: str) -> None:
    assert cleaner.clean(text) == CleanResult(text, {})


@FAST
@given(any_texts, any_texts)
def test_order_independent(a: str, b: str) -> None:
    shared = BoilerplateCleaner()
    a_first = (shared.clean(a), shared.clean(b))
    b_first = (shared.clean(b), shared.clean(a))
    assert a_first == (b_first[1], b_first[0])
    assert a_first == (BoilerplateCleaner().clean(a), BoilerplateCleaner().clean(b))


@FAST
@given(clean_texts, tickers(), st.data())
def test_ticker_inserted_anywhere_is_removed(text: str, ticker: str, data: st.DataObject) -> None:
    # a run with the ticker's signature goes from anywhere (even glued to words); quotes
    # without it are the story's (see test_rates_quoted_by_the_story_kept)
    at = data.draw(st.integers(0, len(text)), label="at")
    result = cleaner.clean(text[:at] + ticker + text[at:])
    assert result.text == text
    assert result.removed == {"ticker": 1}
