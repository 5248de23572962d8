"""Benchmark: the near-identical-title check alone, on formulaic and on varied titles.

The build's synthetic tables draw titles from 35 words, so every word of a title is common
and each lookup is compared with a share of the whole table: the worst case the check
bounds by intersecting word lists. Real bibliographies are more varied, but still put a few
common words (*service*, *customer*) in most titles. The second kind of table here draws
each title's words by Zipf's law from the real titles' words, most frequent first, then
made-up words (30,000 in all), so that both cases are measured. Each round indexes every
title after looking it up, as the validator does; the median of the rounds is reported,
with how many titles a lookup was compared with on average (counted in a separate pass).
Prints a Markdown table; ``--record`` writes it into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine, record_section

from cxkb.kg.records import load
from cxkb.kg.synthetic import SYLLABLES, _zipf_cumulative, synthetic_rows
from cxkb.kg.validate import TitleIndex, title_key

HEADING = "## Near-identical titles"
VOCABULARY = 30_000


def varied_titles(real: list[str], n: int, seed: int = 1) -> list[str]:
    """``n`` distinct title keys whose words follow Zipf's law over the real titles' words."""
    counts = collections.Counter(w for t in real for w in title_key(t).split())
    words = sorted(counts, key=lambda w: (-counts[w], w))
    lengths = [len(title_key(t).split()) for t in real]
    rng = random.Random(seed)
    seen = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    cum = _zipf_cumulative(len(words), 1.1)
    keys: dict[str, None] = {}
    while len(keys) < n:
        keys[" ".join(rng.choices(words, cum_weights=cum, k=max(2, rng.choice(lengths))))] = None
    return list(keys)


def run(keys: list[str]) -> tuple[float, int]:
    """Seconds to look up and index every key, and how many lookups found a near-identical one."""
    index: TitleIndex[int] = TitleIndex()
    found = 0
    start = time.perf_counter()
    for number, key in enumerate(keys):
        if index.find(key) is not None:
            found += 1
        index.add(key, number)
    return time.perf_counter() - start, found


def compared(keys: list[str]) -> float:
    """Titles scored per lookup, on average (a title in two of a lookup's lists counts twice)."""
    index: TitleIndex[int] = TitleIndex()
    total = 0
    for number, key in enumerate(keys):
        if key not in index.exact:
            total += sum(len(numbers) for numbers, _ in index._candidates(key))
        index.add(key, number)
    return total / max(1, len(keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="Rounds per figure; the median is reported.")
    parser.add_argument("--record", action="store_true", help="Write the table into docs/benchmarks.md.")
    args = parser.parse_args()
    kb, _ = load(REPO)
    real = [p.title for p in kb.papers.values()]
    rows = [
        "| titles | kind | seconds | titles compared per lookup | near-identical found |",
        "|---:|---|---:|---:|---:|",
    ]
    for n in args.titles:
        kinds = {
            "formulaic (the build benchmark's)": [title_key(r["title"]) for r in synthetic_rows(kb, n)],
            "varied (Zipf over real title words)": varied_titles(real, n),
        }
        for kind, keys in kinds.items():
            times, found = [], 0
            for _ in range(args.repeat):
                seconds, found = run(keys)
                times.append(seconds)
            rows.append(f"| {n:,} | {kind} | {median(times):.2f} | {compared(keys):,.0f} | {found} |")
            print(rows[-1], flush=True)
    body = f"Measured with `python bench/bench_titles.py` on: {machine()}.\n\n" + "\n".join(rows)
    print()
    print(body)
    if args.record:
        record_section(HEADING, body)


if __name__ == "__main__":
    main()
