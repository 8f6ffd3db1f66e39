"""Generate the labelled near-duplicate pairs (pairs.jsonl) and their background corpus
(background.jsonl). Synthetic, deterministic: ``python tests/data/dedup/make_pairs.py``.

Kinds of pairs (label):
  repost          duplicate  same story under a new post id with light edits (word
                             swaps, a corrected figure, an added/removed sentence, an
                             update line, paragraphs merged or split)
  repost_format   duplicate  the same text re-typed: whitespace, case, paragraph breaks
  series_repost   duplicate  a Weekly Digest issue reposted with light edits
  series          distinct   two Weekly Digest issues: same ~80-word publisher's note
  same_event      distinct   the same facts reported in other words (another outlet's
                             style: different sentence templates and order)
  long_quote      distinct   two stories that carry the same long quote (one paragraph)
  follow_up       distinct   a follow-up that repeats one background paragraph
  unrelated       distinct   two stories on other topics
The background corpus holds other Weekly Digest issues (so that the publisher's note is
known as shared text) and unrelated stories.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent

COUNTRIES = {
    "Kazakhstan": ("Astana", "Almaty", "Shymkent", "Karaganda", "Aktau"),
    "Kyrgyzstan": ("Bishkek", "Osh", "Karakol", "Jalal-Abad", "Naryn"),
    "Tajikistan": ("Dushanbe", "Khujand", "Bokhtar", "Kulob", "Khorog"),
    "Turkmenistan": ("Ashgabat", "Turkmenbashi", "Mary", "Dashoguz", "Balkanabat"),
    "Uzbekistan": ("Tashkent", "Samarkand", "Bukhara", "Nukus", "Termez"),
}
PARTNERS = (
    "China",
    "Russia",
    "Turkey",
    "the European Union",
    "Japan",
    "South Korea",
    "India",
    "Iran",
    "Pakistan",
    "Azerbaijan",
    "the United States",
    "Germany",
)
FIRST = (
    "Aibek",
    "Dilnoza",
    "Rustam",
    "Gulnara",
    "Timur",
    "Zarina",
    "Bakyt",
    "Farrukh",
    "Madina",
    "Nurlan",
    "Kamila",
    "Jamshid",
    "Aizhan",
    "Saodat",
    "Erlan",
    "Parviz",
    "Malika",
    "Daniyar",
    "Shirin",
    "Oybek",
)
LAST = (
    "Nurlanov",
    "Karimova",
    "Saidov",
    "Abdullaeva",
    "Akhmetov",
    "Tursunova",
    "Osmonov",
    "Yusupov",
    "Ismailova",
    "Zhaksybekov",
    "Rashidova",
    "Khodjaev",
    "Bekova",
    "Rahimov",
    "Seitkali",
    "Nazarov",
    "Umarova",
    "Esenov",
    "Kurbanova",
)
ROLES = (
    "Minister of Energy",
    "Deputy Prime Minister",
    "Minister of Economy",
    "chairman of the national railway company",
    "head of the central bank",
    "Minister of Agriculture",
    "Minister of Transport",
    "Minister of Finance",
    "head of the water resources committee",
    "Minister of Digital Development",
)
ORGS = (
    "the Asian Development Bank",
    "the World Bank",
    "the Eurasian Development Bank",
    "the European Bank for Reconstruction and Development",
    "the Islamic Development Bank",
    "the UN Development Programme",
    "the International Finance Corporation",
    "the Asian Infrastructure Investment Bank",
)
TOPICS = {
    "energy": (
        "hydropower plant",
        "solar park",
        "wind farm",
        "gas processing plant",
        "high-voltage transmission line",
        "thermal power station",
    ),
    "transport": (
        "railway line",
        "logistics hub",
        "dry port",
        "highway section",
        "airport terminal",
        "border crossing",
    ),
    "water": (
        "irrigation canal",
        "reservoir",
        "water treatment plant",
        "pumping station",
        "drip irrigation scheme",
        "dam",
    ),
    "mining": (
        "copper mine",
        "gold deposit",
        "uranium project",
        "processing plant",
        "rare earth deposit",
        "coal mine",
    ),
    "digital": (
        "data centre",
        "fibre-optic network",
        "e-government platform",
        "technology park",
        "5G network",
        "payment system",
    ),
    "agriculture": (
        "grain terminal",
        "cotton cluster",
        "greenhouse complex",
        "fruit processing plant",
        "cold storage facility",
        "livestock farm",
    ),
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Two "house styles": sentence templates of this site (A) and of another outlet (B).
STYLE_A = (
    "{country} will build a {thing} near {city}, the {role} {person} said on {weekday}.",
    "The project is expected to cost {amount} and to be completed by {year}.",
    "Financing will come from {org} and from the state budget, according to the ministry.",
    "{person} told reporters in {capital} that the {thing} would create about {jobs} jobs.",
    "Officials said that construction would begin in {month} after the tender is closed.",
    "The agreement was signed during a visit of a delegation from {partner} to {capital}.",
    "{partner} has become one of the largest investors in {country} in recent years.",
    "Trade between {country} and {partner} grew by {pct} percent last year, customs data show.",
    "Local residents have raised concerns about the impact of the {thing} on the environment.",
    "The {role} added that the government would publish the feasibility study in {month}.",
    "Experts note that demand for {topic} infrastructure in the region is growing quickly.",
    "The {thing} is part of a national programme that runs until {year2}.",
    "Earlier this year, {org} approved a loan of {amount2} for a similar project in {city2}.",
    "According to the ministry, {pct2} percent of the equipment will be produced locally.",
    "The government expects the {thing} to reduce imports and to lower prices for consumers.",
    "Critics argue that previous projects of this kind were delayed by years.",
    "The site near {city} was chosen because of its access to roads and to the power grid.",
    "{person} said that the authorities had learned from the problems of earlier projects.",
)
STYLE_B = (
    "Authorities in {capital} have approved plans for a new {thing} outside {city}.",
    "Speaking on {weekday}, {person}, who serves as {role}, put the price tag at {amount}.",
    "Work is due to finish in {year}, he said, with some {jobs} people to be employed.",
    "Money for the scheme is being lent by {org}, with the rest coming from public funds.",
    "The deal was sealed as visitors from {partner} held talks with officials this week.",
    "Investors from {partner} have poured money into the {topic} sector of {country}.",
    "Customs figures suggest commerce with {partner} rose {pct} percent in the past year.",
    "Environmental groups want more information before the first stone is laid.",
    "A tender for contractors closes soon, and building could start in {month}.",
    "Analysts say the country badly needs new {topic} capacity as its population grows.",
    "Similar schemes elsewhere, including in {city2}, have run late and over budget.",
    "Ministry sources say roughly {pct2} percent of the machinery will be made at home.",
    "For {city}, which has long complained of neglect, the plan is welcome news.",
    "The scheme forms part of a development strategy stretching to {year2}.",
    "Officials insist that lessons have been drawn from earlier failures.",
)
CLOSERS_A = (
    "As previously reported by The Times of Central Asia, {country} plans to double its "
    "investment in {topic} infrastructure by {year2}.",
    "As previously reported by The Times of Central Asia, {org} has financed several "
    "projects in {country} since 2020.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

QUOTES = (
    '"We are living through a moment when the old trade routes of the region are being '
    "redrawn, and our countries must decide whether they will be transit corridors for "
    "others or producers in their own right. Infrastructure alone will not make us rich. "
    "We need courts that investors trust, banks that lend to small firms, schools that "
    "teach the skills a modern economy demands and officials who answer to citizens. "
    "Without those, every new railway will carry other people's goods past our empty "
    'factories," the economist said in a lecture that was widely shared online.',
    '"Water is the question on which the future of Central Asia will be decided. The '
    "glaciers that feed our rivers are shrinking, the population is growing, and most of "
    "our irrigation canals were built more than half a century ago and lose almost half "
    "of what flows through them. If upstream and downstream countries do not agree on "
    "how to share and save water, no amount of investment elsewhere will protect us from "
    'drought, failed harvests and conflict," the hydrologist warned at the conference.',
    '"Migration has kept millions of families afloat, but it has also emptied villages '
    "and left children to be raised by grandparents. Remittances pay for houses and "
    "weddings, not for businesses that create jobs at home. Unless governments make it "
    "possible to earn a decent living in the provinces, the young and the ambitious will "
    'keep leaving, and the money they send back will never be enough," the sociologist '
    "told the forum, to long applause from the audience.",
    '"Corruption is not a cultural trait, it is a system of incentives. When a customs '
    "officer earns less than a taxi driver and is appointed by someone who expects a "
    "share, no code of ethics will change his behaviour. Digital services help because "
    "they remove the moment of discretion, but the real reform is to pay public servants "
    "properly, to publish every contract and to let journalists ask questions without "
    'fear," the former minister said in an interview published on Monday.',
)

INTRO = (
    "Publisher's note: Every week The Times of Central Asia brings readers a digest of "
    "the most important economic, political and social developments in Kazakhstan, "
    "Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan, compiled by our correspondents "
    "across the region. The digest may be republished free of charge with a link to the "
    "original. Subscribers receive it by email every Friday morning together with market "
    "data, exchange rates and a calendar of official visits, summits and elections in "
    "the five republics and their neighbours."
)


def facts(rng: random.Random) -> dict[str, str]:
    country = rng.choice(list(COUNTRIES))
    cities = COUNTRIES[country]
    topic = rng.choice(list(TOPICS))
    other = rng.choice([c for c in COUNTRIES if c != country])
    return {
        "country": country,
        "capital": cities[0],
        "city": rng.choice(cities[1:]),
        "city2": rng.choice(COUNTRIES[other]),
        "partner": rng.choice(PARTNERS),
        "person": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "role": rng.choice(ROLES),
        "org": rng.choice(ORGS),
        "topic": topic,
        "thing": rng.choice(TOPICS[topic]),
        "amount": f"${rng.randint(12, 980)} million",
        "amount2": f"${rng.randint(5, 400)} million",
        "year": str(rng.randint(2026, 2031)),
        "year2": str(rng.randint(2030, 2040)),
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "jobs": f"{rng.randint(2, 40) * 50:,}",
        "pct": str(rng.randint(3, 60)),
        "pct2": str(rng.randint(20, 85)),
    }


def article(
    rng: random.Random,
    f: dict[str, str],
    style: tuple[str, ...],
    *,
    sentences: int,
    closer: bool = True,
) -> str:
    chosen = rng.sample(style, min(sentences, len(style)))
    text = [s.format(**f) for s in chosen]
    paras, i = [], 0
    while i < len(text):
        n = rng.randint(2, 3)
        paras.append(" ".join(text[i : i + n]))
        i += n
    if closer:
        paras.append(rng.choice(CLOSERS_A).format(**f))
    return "\n".join(paras)


def digest_issue(n: int, rng: random.Random) -> str:
    items = []
    for _ in range(rng.randint(3, 4)):
        f = facts(rng)
        items.append(article(rng, f, STYLE_A, sentences=rng.randint(3, 4), closer=False))
    return f"Weekly Digest of Central Asia {n}\n{INTRO}\n" + "\n".join(items)


SWAPS = {
    "said": "stated",
    "build": "construct",
    "expected": "projected",
    "about": "around",
    "project": "scheme",
    "would": "will",
    "grew": "increased",
    "recent": "the past few",
    "largest": "biggest",
    "earlier": "previous",
    "approved": "endorsed",
    "begin": "start",
    "according to": "citing",
    "reduce": "cut",
    "published": "released",
}


def light_edit(body: str, rng: random.Random) -> str:
    """Edits an editor makes when reposting: a few of them, never more than ~10% of text."""
    paras = body.split("\n")
    ops = rng.sample(
        ["swap", "figure", "add", "drop", "update", "merge", "typo"], rng.randint(2, 3)
    )
    for op in ops:
        i = rng.randrange(len(paras))
        if op == "swap":
            for _ in range(rng.randint(2, 4)):
                j = rng.randrange(len(paras))
                for old, new in SWAPS.items():
                    if f" {old} " in paras[j]:
                        paras[j] = paras[j].replace(f" {old} ", f" {new} ", 1)
                        break
        elif op == "figure":
            paras[i] = paras[i].replace("million", "million (about 5% more than planned)", 1)
        elif op == "add":
            paras[i] += " The ministry did not respond to a request for comment."
        elif op == "drop" and len(paras) > 3:
            sents = paras[i].split(". ")
            if len(sents) > 2:
                del sents[rng.randrange(len(sents))]
                paras[i] = ". ".join(sents)
        elif op == "update":
            paras.append("This article was updated on Friday to include new figures.")
        elif op == "merge" and len(paras) > 2:
            j = min(i, len(paras) - 2)
            paras[j : j + 2] = [paras[j] + " " + paras[j + 1]]
        elif op == "typo":
            paras[i] = paras[i].replace("the ", "teh ", 1)
    return "\n".join(paras)


def reformat(body: str, rng: random.Random) -> str:
    out = body.replace("\n", "\n\n").replace(". ", ".  ")
    return out.upper() if rng.random() < 0.5 else "  " + out + "\n"


def main() -> None:
    rng = random.Random(20251209)
    post = iter(range(31000, 99999))

    def rec(body: str) -> dict[str, object]:
        pid = next(post)
        return {
            "story_id": f"timesca:{pid}",
            "url": f"https://timesca.com/story-{pid}/",
            "article_body": body,
        }

    pairs: list[dict[str, object]] = []

    def add(kind: str, label: str, a: str, b: str) -> None:
        pairs.append(
            {
                "id": f"{kind}-{sum(p['kind'] == kind for p in pairs) + 1}",
                "kind": kind,
                "label": label,
                "a": rec(a),
                "b": rec(b),
            }
        )

    background = [rec(digest_issue(n, rng)) for n in range(90, 94)]
    background += [
        rec(article(rng, facts(rng), rng.choice((STYLE_A, STYLE_B)), sentences=9))
        for _ in range(30)
    ]
    for _ in range(12):
        a = article(rng, facts(rng), STYLE_A, sentences=rng.randint(7, 12))
        add("repost", "duplicate", a, light_edit(a, rng))
    for _ in range(3):
        a = article(rng, facts(rng), STYLE_A, sentences=rng.randint(6, 10))
        add("repost_format", "duplicate", a, reformat(a, rng))
    for n in range(3):
        a = digest_issue(120 + n, rng)
        add("series_repost", "duplicate", a, light_edit(a, rng))
    for n in range(10):
        add("series", "distinct", digest_issue(140 + 2 * n, rng), digest_issue(141 + 2 * n, rng))
    for _ in range(8):
        f = facts(rng)
        add(
            "same_event",
            "distinct",
            article(rng, f, STYLE_A, sentences=9),
            article(rng, f, STYLE_B, sentences=9, closer=False),
        )
    for i in range(8):
        quote = QUOTES[i % len(QUOTES)]
        a = article(rng, facts(rng), STYLE_A, sentences=rng.randint(5, 8)).split("\n")
        b = article(rng, facts(rng), STYLE_B, sentences=rng.randint(5, 8)).split("\n")
        a.insert(1, quote)
        b.insert(len(b) // 2, quote)
        add("long_quote", "distinct", "\n".join(a), "\n".join(b))
    for _ in range(5):
        f = facts(rng)
        a = article(rng, f, STYLE_A, sentences=10)
        g = dict(f, amount=f"${rng.randint(12, 980)} million", month=rng.choice(MONTHS))
        follow = article(rng, g, STYLE_B, sentences=7, closer=False).split("\n")
        follow.append(a.split("\n")[1])  # background paragraph repeated from the first story
        add("follow_up", "distinct", a, "\n".join(follow))
    for _ in range(8):
        add(
            "unrelated",
            "distinct",
            article(rng, facts(rng), STYLE_A, sentences=9),
            article(rng, facts(rng), STYLE_A, sentences=9),
        )

    for name, rows in (("pairs.jsonl", pairs), ("background.jsonl", background)):
        with open(HERE / name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs, {len(background)} background stories")


if __name__ == "__main__":
    main()
