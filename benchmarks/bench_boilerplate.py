"""Time BoilerplateCleaner.clean on realistic article bodies.

Run: ``python benchmarks/bench_boilerplate.py [--records N]``. Prints the median
time per record for a few kinds of body (about 1,000 words each, synthetic
text): a clean body (the common case), a body with page furniture (ticker,
spam, share and newsletter lines, a related-posts block) and a naive page dump.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tcacrawler.boilerplate import BoilerplateCleaner

WORDS_TEXT = (
    "the government of kazakhstan announced on tuesday that a new programme would support "
    "farmers in the south of the country while officials in tashkent said trade with "
    "neighbouring states grew by twelve percent in the first nine months of the year and "
    "the central bank kept its base rate unchanged citing inflation risks from rising food "
    "prices analysts expect the tenge to remain stable against the dollar through the "
    "winter as oil exports recover and investment in renewable energy projects continues to "
    "expand across the region including new solar plants in uzbekistan and wind farms near "
    "almaty"
)
WORDS = WORDS_TEXT.split()

TICKER = (
    "KGS/USD = 0.01144 0% KZT/USD = 0.00194 -0% TJS/USD = 0.10896 -0% "
    "UZS/USD = 0.00008 0% TMT/USD = 0.28571 0.28% "
) * 8 + "09 December 2025"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def body(rng: random.Random, words: int = 1000) -> str:
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < words:
        paragraphs.append(paragraph(rng))
    paragraphs.append(
        "As previously reported by The Times of Central Asia, " + sentence(rng).lower()
    )
    return "\n\n".join(paragraphs)


def furnished(rng: random.Random) -> str:
    return "\n\n".join(
        [
            TICKER,
            "astropay bozdurma paysafe bozdurma papara deneme bonusu",
            body(rng),
            "Share this:\nFacebook\nX\nTelegram\nWhatsApp\nLike this:\nLike Loading...",
            "Subscribe to our newsletter\nEnter your email address",
            'Related\nTenge steady ahead of winter\nDecember 5, 2025\nIn "Business"',
        ]
    )


def dump(rng: random.Random) -> str:
    parts = [TICKER.replace(" KZT", "\nKZT"), "Home\nNews\nKazakhstan\nUzbekistan\nOpinion"]
    for _ in range(3):
        parts.append(sentence(rng).rstrip("."))
        parts.append(body(rng, 330).replace("\n\n", "\n"))
        parts.append("Share this:\nFacebook\nX")
    return "\n".join(parts)


def measure(make: Callable[[random.Random], str], records: int) -> tuple[float, int]:
    rng = random.Random(1)
    texts = [make(rng) for _ in range(records)]
    cleaner = BoilerplateCleaner()
    for text in texts[:20]:  # warm up
        cleaner.clean(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        cleaner.clean(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times), int(statistics.mean(len(t.split()) for t in texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    args = parser.parse_args()
    for name, make in [("clean body", body), ("furnished body", furnished), ("page dump", dump)]:
        median, words = measure(make, args.records)
        print(f"{name:15s} {words:5d} words  median {median * 1e6:8.1f} us/record")
    # Machine calibration: the cost of merely re-joining the words of a clean body.
    text = body(random.Random(1))
    start = time.perf_counter()
    for _ in range(200):
        " ".join(text.split())
    floor = (time.perf_counter() - start) / 200
    print(f"(calibration: ' '.join(body.split()) takes {floor * 1e6:.1f} us on this machine)")


if __name__ == "__main__":
    main()
