"""Synthetic Central-Asia-news-like text: word lists, templates and small helpers.

Everything here is generated from the lists below with a caller-supplied
``random.Random``; nothing is copied from real articles.  Inline markup is
expressed with control-character markers (see :func:`mark` and
:func:`parse_inline`) so that the model can keep structured inlines and derive
both HTML and plain text from them.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- inline markers

_OPEN, _SEP, _CLOSE = "\x02", "\x1f", "\x03"


@dataclass(frozen=True)
class Inline:
    """One run of inline content: ``tag`` is "" (plain), "a", "strong" or "em".

    ``ref`` (links only) is either an absolute external URL or an internal
    reference resolved at render time: ``story:<id>``, ``legacy:<id>``,
    ``tag:<slug>``, ``category:<slug>``, ``author:<slug>``.
    """

    tag: str
    text: str
    ref: str | None = None


def mark(tag: str, text: str, ref: str = "") -> str:
    """Wrap ``text`` in an inline marker understood by :func:`parse_inline`."""
    return f"{_OPEN}{tag}{_SEP}{ref}{_SEP}{text}{_CLOSE}"


_MARK_RE = re.compile(f"{_OPEN}([a-z]+){_SEP}([^{_SEP}]*){_SEP}([^{_CLOSE}]*){_CLOSE}")


def parse_inline(s: str) -> list[Inline]:
    out: list[Inline] = []
    pos = 0
    for m in _MARK_RE.finditer(s):
        if m.start() > pos:
            out.append(Inline("", s[pos : m.start()]))
        out.append(Inline(m.group(1), m.group(3), m.group(2) or None))
        pos = m.end()
    if pos < len(s):
        out.append(Inline("", s[pos:]))
    return out


def plain(inlines: list[Inline]) -> str:
    return collapse_ws("".join(i.text for i in inlines))


_WS_RE = re.compile(r"\s+")


def collapse_ws(s: str) -> str:
    return _WS_RE.sub(" ", s).strip()


def slugify(s: str) -> str:
    s = s.replace("&", " and ")
    s = unicodedata.normalize("NFKD", s)
    s = s.encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return re.sub(r"-{2,}", "-", s)


_SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "from",
    "over",
    "amid",
    "into",
    "vs",
}


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def title_case(s: str, first: bool = True) -> str:
    """Headline-style capitals; small words stay lower case (also at the start if not first)."""
    words = s.split(" ")
    out = []
    for i, w in enumerate(words):
        if (i > 0 or not first) and w.lower() in _SMALL_WORDS:
            out.append(w.lower())
        elif w[:1].islower():
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


# --------------------------------------------------------------------------- vocabularies

COUNTRIES: list[tuple[str, str, str]] = [
    # name, adjective, capital
    ("Kazakhstan", "Kazakh", "Astana"),
    ("Kyrgyzstan", "Kyrgyz", "Bishkek"),
    ("Tajikistan", "Tajik", "Dushanbe"),
    ("Turkmenistan", "Turkmen", "Ashgabat"),
    ("Uzbekistan", "Uzbek", "Tashkent"),
]
COUNTRY_NAMES = [c[0] for c in COUNTRIES]
NATIVE_NAMES = {
    "Uzbekistan": "Oʻzbekiston",
    "Kazakhstan": "Qazaqstan",
    "Kyrgyzstan": "Kyrgyz Respublikasy",
    "Tajikistan": "Тоҷикистон",
    "Turkmenistan": "Türkmenistan",
}
CITIES = {
    "Kazakhstan": [
        "Almaty",
        "Astana",
        "Shymkent",
        "Karaganda",
        "Aktau",
        "Atyrau",
        "Pavlodar",
        "Türkistan",
        "Oskemen",
        "Kyzylorda",
    ],
    "Kyrgyzstan": ["Bishkek", "Osh", "Jalal-Abad", "Karakol", "Naryn", "Talas", "Batken"],
    "Tajikistan": ["Dushanbe", "Khujand", "Kulob", "Bokhtar", "Khorog", "Istaravshan"],
    "Turkmenistan": ["Ashgabat", "Türkmenabat", "Mary", "Dashoguz", "Balkanabat", "Arkadag"],
    "Uzbekistan": [
        "Tashkent",
        "Samarkand",
        "Bukhara",
        "Nukus",
        "Andijan",
        "Namangan",
        "Fergana",
        "Termez",
        "Qoʻqon",
        "Khiva",
    ],
}
NEIGHBOURS = [
    "China",
    "Russia",
    "Afghanistan",
    "Iran",
    "Türkiye",
    "Azerbaijan",
    "Pakistan",
    "Mongolia",
    "India",
    "the European Union",
    "Japan",
    "South Korea",
]
REGIONS = [
    "Fergana Valley",
    "Mangystau",
    "Sughd",
    "Issyk-Kul",
    "Lebap",
    "Karakalpakstan",
    "Zhetysu",
    "Gorno-Badakhshan",
    "Surkhandarya",
    "Chui",
    "Akmola",
    "Khatlon",
    "Ahal",
]
RIVERS = ["Amu Darya", "Syr Darya", "Ili", "Naryn", "Vakhsh", "Chu", "Zeravshan", "Irtysh"]

MALE_FIRST = [
    "Aibek",
    "Nurlan",
    "Askar",
    "Bakyt",
    "Rustam",
    "Farrukh",
    "Timur",
    "Jamshid",
    "Oʻktam",
    "Parviz",
    "Serdar",
    "Daniyar",
    "Erlan",
    "Bekzod",
    "Azamat",
    "Ulugʻbek",
    "Şatlyk",
    "Sanjar",
    "Marat",
    "Rahim",
    "Murod",
    "Yerzhan",
    "Almaz",
    "Dovlet",
]
FEMALE_FIRST = [
    "Dilnoza",
    "Gulnara",
    "Madina",
    "Zarina",
    "Aizhan",
    "Saule",
    "Shahlo",
    "Firuza",
    "Maral",
    "Aigerim",
    "Kamila",
    "Nigora",
    "Cholpon",
    "Gülnar",
    "Dinara",
    "Yulduz",
    "Asel",
    "Botagoz",
    "Ainura",
    "Mehriban",
    "Zulfiya",
    "Nodira",
]
# Male forms; female forms add "a" (-ov -> -ova, -ev -> -eva, -in -> -ina).
SURNAMES = [
    "Abdrakhmanov",
    "Seitkaliyev",
    "Nurmatov",
    "Tursunov",
    "Yusupov",
    "Ismoilov",
    "Sadykov",
    "Zhunusov",
    "Rakhimov",
    "Mamatov",
    "Orazov",
    "Bekmuradov",
    "Kasymov",
    "Ergashev",
    "Temirbekov",
    "Sharipov",
    "Nazarov",
    "Alimov",
    "Kudaibergenov",
    "Oʻrinboyev",
    "Saparov",
    "Dzhumabaev",
    "Khodjaev",
    "Ataýew",
    "Karimov",
    "Baimukhanov",
    "Usmonov",
    "Mirzoyev",
    "Tokhtarov",
    "Jorayev",
    "Berdiyev",
    "Akhmetzhanov",
]
FIRST_NAMES = MALE_FIRST + FEMALE_FIRST

TITLES = [
    "Deputy Minister",
    "Minister",
    "spokesperson",
    "economist",
    "analyst",
    "senior researcher",
    "head of department",
    "deputy chairman",
    "director",
    "regional governor",
    "member of parliament",
    "project coordinator",
]

OUTLETS = [
    "the Steppe Herald",
    "Silk Route Daily",
    "the Valley Courier",
    "Caspian Business Wire",
    "the Pamir Observer",
    "Orient Ledger",
]

CATEGORIES: list[tuple[str, str]] = [
    ("Business & Economy", "business-economy"),
    ("Politics", "politics"),
    ("Society", "society"),
    ("Environment", "environment"),
    ("Culture", "culture"),
    ("Security", "security"),
    ("Energy", "energy"),
    ("Tourism", "tourism"),
]

TAGS: list[str] = [
    "money",
    "currency",
    "economy",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Turkmenistan",
    "Uzbekistan",
    "Afghanistan",
    "China",
    "Russia",
    "Water Resources",
    "Climate Change",
    "inflation",
    "trade",
    "investment",
    "Oil and Gas",
    "Renewable Energy",
    "elections",
    "Human Rights",
    "Media Freedom",
    "migration",
    "Labor Migration",
    "railways",
    "transport",
    "agriculture",
    "cotton",
    "gold",
    "uranium",
    "Aral Sea",
    "Caspian Sea",
    "tourism",
    "education",
    "healthcare",
    "security",
    "border",
    "Central Asia",
    "Silk Road",
    "banking",
    "tenge",
]

CATEGORY_TAGS: dict[str, list[str]] = {
    "business-economy": [
        "money",
        "currency",
        "economy",
        "inflation",
        "trade",
        "investment",
        "banking",
        "tenge",
        "gold",
    ],
    "politics": ["elections", "Human Rights", "Media Freedom", "Central Asia", "border"],
    "society": ["migration", "Labor Migration", "education", "healthcare", "Human Rights"],
    "environment": ["Water Resources", "Climate Change", "Aral Sea", "Caspian Sea", "agriculture"],
    "culture": ["Silk Road", "education", "tourism", "Central Asia"],
    "security": ["security", "border", "Afghanistan", "Russia", "China"],
    "energy": ["Oil and Gas", "Renewable Energy", "uranium", "investment", "Caspian Sea"],
    "tourism": ["tourism", "Silk Road", "transport", "railways"],
}

AUTHOR_NAMES = [
    "Anna Petrova",
    "Daniyar Seitkali",
    "Kamila Yusupova",
    "Erlan Tursunov",
    "Madina Rakhimova",
    "Oliver Grant",
    "Sofia Marchetti",
    "Aigerim Bekova",
    "Timur Nazarov",
    "Laura Hendricks",
    "Bekzod Oʻktamov",
    "Nigora Sultanova",
]
STAFF_NAME = "TCA Staff"

# Category-specific noun phrases, bodies (institutions) and headline objects.
TOPICS: dict[str, dict[str, list[str]]] = {
    "business-economy": {
        "nouns": [
            "inflation",
            "the national currency",
            "foreign direct investment",
            "grain exports",
            "the banking sector",
            "small business lending",
            "remittances",
            "the state budget deficit",
            "gold reserves",
            "retail lending",
            "the local stock exchange",
            "mortgage rates",
            "consumer prices",
            "cross-border trade",
            "the trade surplus",
            "industrial output",
            "textile exports",
            "the base rate",
            "public debt",
            "e-commerce sales",
        ],
        "bodies": [
            "the National Bank",
            "the Ministry of Finance",
            "the Ministry of Economy",
            "the Bureau of National Statistics",
            "the Eurasian Development Bank",
            "the Asian Development Bank",
            "the Chamber of Commerce",
            "the Agency for Strategic Planning",
            "the State Revenue Committee",
        ],
    },
    "politics": {
        "nouns": [
            "the draft constitution",
            "the new electoral code",
            "regional governance reform",
            "the parliamentary vote",
            "bilateral relations",
            "visa-free travel",
            "the border demarcation treaty",
            "local self-government",
            "the referendum",
            "party registration rules",
            "the judicial reform package",
            "the anti-corruption strategy",
            "the foreign policy concept",
        ],
        "bodies": [
            "the Central Election Commission",
            "the Ministry of Foreign Affairs",
            "the presidential administration",
            "the lower house of parliament",
            "the Constitutional Court",
            "the Supreme Council",
            "the Senate",
            "the Consultative Council of Heads of State",
        ],
    },
    "society": {
        "nouns": [
            "labor migration",
            "access to clean drinking water",
            "school enrollment",
            "the minimum wage",
            "pension payments",
            "rural healthcare",
            "housing affordability",
            "university admissions",
            "domestic violence cases",
            "child vaccination rates",
            "mobile internet coverage",
            "public transport fares",
        ],
        "bodies": [
            "the Ministry of Labor",
            "the Ministry of Health",
            "the Ministry of Education",
            "the ombudsman’s office",
            "the city administration",
            "UNICEF",
            "the International Organization for Migration",
            "a local NGO coalition",
        ],
    },
    "environment": {
        "nouns": [
            "water levels in the Aral Sea",
            "glacier retreat",
            "air pollution",
            "desertification",
            "the saiga antelope population",
            "irrigation losses",
            "dust storms",
            "reforestation efforts",
            "snow leopard monitoring",
            "water allocation along the river",
            "the drought",
            "waste recycling",
        ],
        "bodies": [
            "the Ministry of Ecology",
            "the hydrometeorological service",
            "the Committee for Environmental Protection",
            "the UN Development Programme",
            "the International Fund for Saving the Aral Sea",
            "a regional water commission",
            "the Forestry Agency",
        ],
    },
    "culture": {
        "nouns": [
            "the restoration of historic madrasahs",
            "the film festival",
            "traditional felt-making",
            "the national epic",
            "a new museum wing",
            "the music competition",
            "book publishing in local languages",
            "the restoration of caravanserais",
            "archaeological excavations",
            "the theater season",
            "the craft fair",
        ],
        "bodies": [
            "the Ministry of Culture",
            "UNESCO",
            "the National Museum",
            "the Academy of Sciences",
            "the Union of Artists",
            "the State Philharmonic",
            "the Institute of Archaeology",
        ],
    },
    "security": {
        "nouns": [
            "border security",
            "drug trafficking",
            "joint military exercises",
            "counter-terrorism cooperation",
            "cyber security",
            "the border incident",
            "arms procurement",
            "peacekeeping training",
            "illegal crossings",
            "the regional security framework",
        ],
        "bodies": [
            "the Ministry of Defense",
            "the State Security Committee",
            "the Border Service",
            "the Collective Security Treaty Organization",
            "the Shanghai Cooperation Organization",
            "the Interior Ministry",
            "the Drug Control Agency",
        ],
    },
    "energy": {
        "nouns": [
            "electricity exports",
            "the hydropower plant",
            "gas production",
            "the solar park",
            "oil output",
            "coal consumption",
            "the power grid",
            "wind farm capacity",
            "uranium mining",
            "the gas pipeline",
            "electricity tariffs",
            "the energy deficit",
        ],
        "bodies": [
            "the Ministry of Energy",
            "the national grid operator",
            "the state oil and gas company",
            "the Energy Regulatory Commission",
            "the European Bank for Reconstruction and Development",
            "the Ministry of Industry",
            "a consortium of foreign investors",
        ],
    },
    "tourism": {
        "nouns": [
            "tourist arrivals",
            "the ski season",
            "visa-free entry",
            "new flights to Europe",
            "hotel occupancy",
            "the Silk Road tour circuit",
            "eco-tourism in the mountains",
            "the high-speed train",
            "pilgrimage tourism",
            "the yurt camp season",
            "border crossing times",
        ],
        "bodies": [
            "the Tourism Committee",
            "the national airline",
            "the Ministry of Transport",
            "the state railway company",
            "the Tourism Development Agency",
            "the airport authority",
            "a regional tour operators’ association",
        ],
    },
}

TREND_PAST = [
    "rose",
    "fell",
    "grew",
    "declined",
    "slowed",
    "accelerated",
    "edged up",
    "jumped",
    "dropped",
    "increased",
    "contracted",
    "recovered",
]
TREND_INF = ["rise", "fall", "stabilize", "grow", "recover", "slow", "double", "level off"]
CAUSES = [
    "higher global commodity prices",
    "weaker demand from China",
    "a sharp rise in remittances from Russia",
    "prolonged drought along the {river}",
    "new customs procedures at the border",
    "the depreciation of the rouble",
    "record harvests in the {region} region",
    "higher transport costs",
    "seasonal demand",
    "tighter monetary policy",
    "a surge in transit freight",
    "state subsidies for farmers",
]
POLICY_VERBS = [
    "double",
    "modernize",
    "expand",
    "reform",
    "digitize",
    "cut red tape in",
    "attract private capital to",
    "halve losses in",
    "diversify",
]
PROBLEMS = [
    "power outages in winter",
    "rising food prices",
    "poor road conditions",
    "shortages of irrigation water",
    "long queues at the border",
    "the lack of affordable housing",
    "polluted air in the city center",
    "delays in wage payments",
    "unreliable mobile coverage",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
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
]
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "a dozen"]
CURRENCY_AMOUNTS = ["${n} million", "${n} billion", "€{n} million", "{n} {local}"]
LOCAL_CURRENCY = {
    "Kazakhstan": ["billion tenge", "million tenge"],
    "Kyrgyzstan": ["million soms", "billion soms"],
    "Tajikistan": ["million somoni"],
    "Turkmenistan": ["million manat"],
    "Uzbekistan": ["billion soʻm", "trillion soʻm"],
}
QUOTES = [
    "We expect {noun} to {trend_inf} before the end of {future_year}",
    "Nobody in {city} expected {noun} to change this quickly",
    "Our priority is to protect ordinary families from {problem}",
    "Without {neighbour} on board, the plans for {noun} will stay on paper",
    "The figures on {noun} speak for themselves — demand is still there",
    "We have to be honest about the risks of {noun2} as well as the opportunities",
    "People in {city} want to see results on {noun}, not promises",
    "It’s a question of trust between {body} and investors",
    "The next {num_word} years will be decisive for {noun}",
    "{Country} cannot afford to wait any longer on {noun}",
    "This is a long-term commitment to {noun}, not a one-off project",
    "We are seeing real progress on {noun2}, but much depends on our neighbors",
    "Frankly, {problem} worries people more than {noun}",
    "In {region} the situation with {noun} is different, and we have to say so",
]

# Sentence templates.  Slots: see Writer.slots().
SENTENCES = [
    "{Body} said on {weekday} that {noun} {trend_past} by {pct}% in {month}, the sharpest "
    "change since {year}.",
    "“{quote},” {title} {person} told journalists in {city}.",
    "According to {body}, {noun} reached {amount} in the first {n} months of {year}.",
    "The decision follows {n} months of talks between {country} and {neighbour} on {noun}.",
    "Analysts in {city} note that {noun} remains closely tied to {noun2}, which has "
    "{trend_past} since {month}.",
    "Officials did not say when the new rules on {noun} would take effect.",
    "{Country}’s government has pledged to {policy_verb} {noun} by {future_year}.",
    "Residents of {city} have long complained about {problem}.",
    "The project, estimated at {amount}, is expected to create about {jobs} jobs in the "
    "{region} region.",
    "In {month}, {body} reported that {noun} had {trend_past} — a trend experts attribute to "
    "{cause}.",
    "Critics argue that {noun} has received too little attention from {body}.",
    "{Neighbour} and {country} signed {num_word} agreements on {noun} during the visit to "
    "{capital}.",
    "The figures, published on {weekday}, put {noun} at its highest level since {year}.",
    "“{quote},” said {person}, a {title} at {body}.",
    "A report by {outlet} suggested that {noun} could {trend_inf} further if {cause} persists.",
    "{Country} is also in talks with {neighbour} about {noun2}, according to {body}.",
    "The {country_adj} side proposed a working group on {noun}, with its first meeting planned "
    "in {city} in {month}.",
    "Earlier this year, {body} estimated the cost of {problem} at {amount}.",
    "Experts say {noun} will {trend_inf} only if there is progress on {noun2} as well.",
    "In {native}, as the country calls itself, the debate over {noun} has become part of "
    "everyday politics.",
    "Local media in the {region} region reported that {noun} {trend_past} sharply after {cause}.",
    "The program covers {jobs} households in {num_word} districts, officials said.",
    "Some {pct}% of respondents in a recent survey in {city} named {problem} as their main "
    "concern.",
    "Meanwhile, {noun2} {trend_past} by {pct}% year-on-year, data from {body} show.",
    "Observers in {capital} expect {neighbour} to remain a key partner on {noun}.",
    "The agreement also provides for joint monitoring of {noun}, including along the {river}.",
]

HEADLINES = [
    "{Country} Moves to {Policy_verb} {Noun}",
    "{Country}’s {Noun} {Trend_past} {pct}% in {month}",
    "{Body} Warns of {Problem} in {city}",
    "{Country} and {Neighbour} Agree on {Noun}",
    "Why {Noun} Matters for {Country}",
    "{City} Braces for {Problem}",
    "{Country} Unveils Plan for {Noun}",
    "{Noun} in {Country}: What Comes Next",
    "{Country} Eyes {Amount} Boost for {Noun}",
    "{Body} Reviews {Noun} After {Cause}",
    "{Country} Reports Shift in {Noun} as {Cause} Bites",
    "New Rules on {Noun} Take Effect in {Country}",
    "{City} Hosts Regional Talks on {Noun}",
    "Can {Country} Fix {Noun}?",
]

PUBLISHER_NOTE = (
    "Publisher’s note: Each week The Times of Central Asia brings together the stories that "
    "shaped the region over the previous seven days, from the boardrooms of Almaty to the "
    "cotton fields of the Fergana Valley. The digest is compiled by our editors from our own "
    "reporting and from official statements, and it is meant as a starting point rather than "
    "a verdict. We welcome comments, corrections and suggestions from readers in Kazakhstan, "
    "Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and beyond; write to us through the "
    "contact page."
)

CLOSING_LEADS = [
    "As previously reported by The Times of Central Asia, ",
]

SPAM_TERMS = [
    "astropay bozdurma",
    "paysafe bozdurma",
    "papara yatırım",
    "bonus",
    "deneme bonusu",
    "casino",
    "canlı bahis",
    "slot",
    "freespin",
    "çevrim şartsız",
    "kripto yatırım",
    "bahis siteleri",
    "yatırım şartsız bonus",
    "papara",
    "astropay",
    "paysafe",
]
SPAM_DOMAINS = [
    "https://bonus-bozdurma.example/",
    "https://papara-slot.example/",
    "https://astropay-giris.example/",
]

SHARE_NETWORKS = [
    ("Facebook", "facebook"),
    ("X", "twitter"),
    ("Telegram", "telegram"),
    ("WhatsApp", "jetpack-whatsapp"),
    ("LinkedIn", "linkedin"),
]

CAPTION_TEMPLATES = [
    "{city}, {country}. Image: {photographer}",
    "A view of {city}. Photo: TCA, {photographer}",
    "Officials meet in {capital}. Image: press service",
    "{City_market} in {city}",
    "The {river} near {city}. Photo: {photographer}",
    "Illustrative image: TCA",
]
IMAGE_WORDS = [
    "market",
    "bazaar",
    "mountains",
    "river",
    "parliament",
    "pipeline",
    "steppe",
    "harvest",
    "railway",
    "skyline",
    "border-post",
    "solar-panels",
    "dam",
    "museum",
    "caravanserai",
    "minaret",
    "cotton",
    "yurt",
    "airport",
    "wheat",
    "glacier",
]


# --------------------------------------------------------------------------- writer


_SIMPLE_SLOTS: dict[str, list[str]] = {
    "region": REGIONS,
    "river": RIVERS,
    "neighbour": NEIGHBOURS,
    "month": MONTHS,
    "weekday": WEEKDAYS,
    "num_word": NUM_WORDS,
    "title": TITLES,
    "outlet": OUTLETS,
    "problem": PROBLEMS,
    "policy_verb": POLICY_VERBS,
    "trend_past": TREND_PAST,
    "trend_inf": TREND_INF,
}


class Slots(dict[str, str]):
    """Slot values for one sentence, drawn lazily (and consistently) from the writer's RNG.

    ``Key`` (capitalised) gives the capitalised value of ``key``.
    """

    def __init__(self, w: Writer) -> None:
        super().__init__()
        self.w = w
        r = w.rng
        if r.random() < 0.25:
            self["country"], self["country_adj"], self["capital"] = r.choice(COUNTRIES)
        else:
            self["country"], self["country_adj"], self["capital"] = (
                w.country,
                w.country_adj,
                w.capital,
            )
        self.country = self["country"]  # unmarked, even if the slot gets a link

    def __missing__(self, key: str) -> str:
        upper = key[:1].isupper()
        value = cap(self[key[:1].lower() + key[1:]]) if upper else self._draw(key)
        self[key] = value
        return value

    def _draw(self, key: str) -> str:
        w, r = self.w, self.w.rng
        if key in ("noun", "noun2"):
            self["noun"], self["noun2"] = r.sample(w.topic["nouns"], 2)
            return self[key]
        if key == "quote":
            return cap(r.choice(QUOTES).format_map(self))
        if key == "body":
            return r.choice(w.topic["bodies"])
        choices = _SIMPLE_SLOTS.get(key)
        if choices is not None:
            return r.choice(choices)
        country = self.country
        if key == "native":
            return NATIVE_NAMES[country]
        if key == "city":
            return r.choice(CITIES[country])
        if key == "pct":
            return (
                f"{r.randint(1, 38)}.{r.randint(1, 9)}"
                if r.random() < 0.6
                else str(r.randint(2, 60))
            )
        if key == "year":
            return str(r.randint(w.year - 6, w.year - 1))
        if key == "future_year":
            return str(w.year + r.randint(1, 10))
        if key == "n":
            return str(r.randint(2, 11))
        if key == "jobs":
            return f"{r.randint(1, 60) * 100:,}"
        if key == "amount":
            n = (
                str(r.randint(2, 950))
                if r.random() < 0.6
                else f"{r.randint(1, 9)}.{r.randint(1, 9)}"
            )
            return r.choice(CURRENCY_AMOUNTS).format(n=n, local=r.choice(LOCAL_CURRENCY[country]))
        if key == "person":
            return w.person()
        if key == "cause":
            return r.choice(CAUSES).format(river=self["river"], region=self["region"])
        raise KeyError(key)


class Writer:
    """Generates sentences, paragraphs and headlines for one category with a given RNG."""

    def __init__(self, rng: random.Random, category: str, year: int) -> None:
        self.rng = rng
        self.category = category
        self.year = year
        self.country, self.country_adj, self.capital = rng.choice(COUNTRIES)
        self.topic = TOPICS[category]

    def person(self) -> str:
        r = self.rng
        surname = r.choice(SURNAMES)
        if r.random() < 0.45:
            if not surname.endswith("w"):
                surname += "a"
            return f"{r.choice(FEMALE_FIRST)} {surname}"
        return f"{r.choice(MALE_FIRST)} {surname}"

    def slots(self) -> Slots:
        """A lazy slot mapping: each value is drawn from the RNG on first use."""
        return Slots(self)

    def _fill(self, template: str, slots: Slots) -> str:
        return template.format_map(slots)

    def sentence(self, markup: bool = True) -> str:
        """One sentence, possibly with inline markers (links to tags/categories, strong, em)."""
        r = self.rng
        slots = self.slots()
        if markup:
            roll = r.random()
            if roll < 0.10 and slots.country in TAGS:
                slots["country"] = mark("a", slots["country"], f"tag:{slugify(slots['country'])}")
            elif roll < 0.18:
                slots["amount"] = mark("strong", slots["amount"])
            elif roll < 0.24:
                slots["outlet"] = mark("em", slots["outlet"])
            elif roll < 0.30:
                slots["body"] = mark("a", slots["body"], f"category:{self.category}")
        return self._fill(r.choice(SENTENCES), slots)

    def paragraph(self, n_min: int = 2, n_max: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(n_min, n_max)))

    def headline(self) -> str:
        slots = self.slots()
        for key in ("noun", "problem", "cause", "body", "policy_verb", "trend_past", "amount"):
            value = slots[key]
            if key in ("noun", "body"):
                value = value.removeprefix("the ")
            slots[key] = title_case(value, first=True)
        return self._fill(self.rng.choice(HEADLINES), slots)

    def subhead(self) -> str:
        s = self.slots()
        return self.rng.choice(
            [
                f"What {s['body']} says",
                f"Concerns in {s['city']}",
                f"The {s['neighbour'].removeprefix('the ')} factor",
                "Looking ahead",
                f"Impact on {s['noun']}",
                "Background",
            ]
        )

    def list_items(self) -> list[str]:
        items = []
        for _ in range(self.rng.randint(3, 5)):
            s = self.slots()
            items.append(
                self.rng.choice(
                    [
                        f"{cap(s['noun'])} {s['trend_past']} by {s['pct']}% in {s['city']};",
                        f"{s['amount']} allocated for {s['noun']};",
                        f"a new office of {s['body']} in {s['city']};",
                        f"joint projects with {s['neighbour']} on {s['noun2']};",
                    ]
                )
            )
        items[-1] = items[-1].rstrip(";") + "."
        return items

    def excerpt(self) -> str:
        s = self.slots()
        return self.rng.choice(
            [
                f"{cap(s['body'])} expects {s['noun']} to {s['trend_inf']} as {s['country']} "
                "weighs its options.",
                f"{s['country']} is moving ahead with plans on {s['noun']}, despite concerns about "
                f"{s['problem']}.",
                f"Officials in {s['city']} say {s['noun']} {s['trend_past']} by {s['pct']}% in "
                f"{s['month']}, citing {s['cause']}.",
                f"Talks between {s['country']} and {s['neighbour']} on {s['noun']} enter a new "
                f"phase.",
                f"Why {s['noun']} has become a test for {s['body']} — and what comes next.",
            ]
        )

    def caption(self) -> str:
        s = self.slots()
        tpl = self.rng.choice(CAPTION_TEMPLATES)
        return tpl.format(
            city=s["city"],
            country=s["country"],
            capital=s["capital"],
            river=s["river"],
            photographer=self.person(),
            City_market=self.rng.choice(
                ["A market", "The old bazaar", "A street", "The main square"]
            ),
        )

    def spam(self) -> str:
        n = self.rng.randint(12, 24)
        return " ".join(self.rng.choice(SPAM_TERMS) for _ in range(n))


def digest_item(rng: random.Random, year: int) -> tuple[str, str]:
    """One 'Weekly Digest' entry: (country lead-in, paragraph text with markers)."""
    category = rng.choice([c[1] for c in CATEGORIES])
    w = Writer(rng, category, year)
    return w.country, w.paragraph(2, 3)
