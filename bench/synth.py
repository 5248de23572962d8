"""Synthetic literature tables for benchmarks: realistic shape, fixed seed, no real claims.

The taxonomy tables are copied from a real root; only ``literature/papers.csv`` is made
up, with distributions close to the real table's: 1-3 topics per paper (most have one or
two), questions mostly from the paper's own topics, a long-tailed author pool, keywords
drawn from the real keywords, years skewed towards recent publication. Synthetic DOIs use
the ``10.5555`` test prefix so they can never be mistaken for real ones.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections import defaultdict
from pathlib import Path

from cxkb.records import load
from cxkb.tables import PAPERS, render_table

SIZES = (1_000, 10_000, 100_000)
SEED = 20211018

_WORDS = [
    "experience",
    "customer",
    "service",
    "journey",
    "design",
    "value",
    "co-creation",
    "engagement",
    "technology",
    "emotion",
    "touchpoint",
    "omnichannel",
    "robot",
    "chatbot",
    "satisfaction",
    "loyalty",
    "measurement",
    "context",
    "employee",
    "brand",
    "self-service",
    "platform",
    "ecosystem",
    "quality",
    "encounter",
    "retail",
    "hospitality",
    "digital",
    "online",
    "framework",
]


def make_root(source: Path, target: Path, papers: int, seed: int = SEED) -> Path:
    """A repository-shaped folder with the real taxonomy and ``papers`` synthetic papers."""
    if target.exists():
        shutil.rmtree(target)
    (target / "literature").mkdir(parents=True)
    shutil.copytree(source / "ontology", target / "ontology")
    kb, _ = load(source)
    rng = random.Random(seed)
    topics = sorted(kb.topics)
    questions_by_topic: dict[str, list[str]] = defaultdict(list)
    for q in sorted(kb.questions.values(), key=lambda q: q.id):
        questions_by_topic[q.topic].append(q.id)
    concepts_by_topic: dict[str, list[str]] = defaultdict(list)
    for c in sorted(kb.concepts.values(), key=lambda c: c.id):
        for t in c.topics:
            concepts_by_topic[t].append(c.id)
    keywords = sorted({k for p in kb.papers.values() for k in p.keywords}) or _WORDS
    topic_weights = [1 + sum(t in p.topics for p in kb.papers.values()) for t in topics]
    families = [f"Author{n:05d}" for n in range(max(50, papers // 3))]
    rows = []
    for n in range(papers):
        k = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        chosen = sorted(set(rng.choices(topics, weights=topic_weights, k=k)))
        pool_q = [q for t in chosen for q in questions_by_topic[t]]
        qs = sorted(set(rng.sample(pool_q, min(len(pool_q), rng.choice((0, 0, 1, 1, 2, 3))))))
        pool_c = sorted({c for t in chosen for c in concepts_by_topic[t]})
        cs = sorted(set(rng.sample(pool_c, min(len(pool_c), rng.randint(0, 4)))))
        year = min(2025, max(1970, int(rng.triangular(1975, 2026, 2021))))
        # Long-tailed: a few authors write many papers, most write one or two.
        authors = [
            f"{families[int(rng.expovariate(10 / len(families))) % len(families)]}, {chr(65 + rng.randrange(26))}."
            for _ in range(rng.randint(1, 5))
        ]
        title_words = rng.sample(_WORDS, rng.randint(4, 9))
        rows.append(
            {
                "id": f"synthetic{n:06d}",
                "doi": f"10.5555/cxkb.synthetic.{n:06d}",
                "type": "article",
                "title": f"Synthetic study {n}: " + " ".join(title_words),
                "authors": "|".join(dict.fromkeys(authors)),
                "year": str(year),
                "venue": f"Journal of Synthetic Service Research {rng.randint(1, 40)}",
                "volume": str(rng.randint(1, 60)),
                "issue": str(rng.randint(1, 12)),
                "pages": f"{(p := rng.randint(1, 900))}-{p + rng.randint(8, 30)}",
                "topics": "|".join(chosen),
                "questions": "|".join(qs),
                "concepts": "|".join(cs),
                "keywords": "|".join(sorted(set(rng.sample(keywords, min(len(keywords), rng.randint(3, 6)))))),
                "note": "A generated row for benchmarks; it describes no real publication.",
            }
        )
    (target / PAPERS.path).write_text(render_table(PAPERS, rows), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--out", type=Path, default=Path("build/synthetic"))
    parser.add_argument("--papers", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    for n in args.papers:
        root = make_root(args.source, args.out / f"papers-{n}", n)
        print(f"{n:>7} papers -> {root}")


if __name__ == "__main__":
    main()
