"""Synthetic literature tables for benchmarks: realistic shape, fixed seed, no real claims.

The taxonomy tables are copied from a real root; only the literature tables
(``papers.csv`` and the ``authors.csv`` and ``venues.csv`` it refers to) are made up.
Each synthetic paper copies the *counts* of a randomly chosen real paper (how many
topics, questions, concepts, authors and keywords it has) and a real publication year
give or take two, so the distributions follow the curated table. Popular topics and
concepts stay popular (weights from their use in the real table); questions belong
to the paper's own topics; authors and venues are long-tailed (a few prolific
authors and big journals, many occasional ones); keywords mix the real keywords with
generated two-word phrases. Synthetic DOIs use the ``10.5555`` test prefix so they can
never be mistaken for real ones. The same seed and size always give the same table.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from cxkb.kg.records import KnowledgeBase, load
from cxkb.kg.tables import AUTHORS, PAPERS, VENUES, TableSpec, render_table
from cxkb.kg.validate import title_key

SIZES = (1_000, 10_000, 100_000)
SEED = 20211018

SYLLABLES = ["van", "der", "berg", "ma", "ri", "ko", "la", "ne", "so", "ta", "mi", "ru", "el", "an", "de", "vo"]
WORDS = [
    *("customer", "experience", "journey", "touchpoint", "service", "emotion", "satisfaction", "loyalty"),
    *("design", "value", "co-creation", "engagement", "digital", "technology", "self-service", "retail"),
    *("brand", "omnichannel", "memory", "moment", "employee", "frontline", "measurement", "context"),
    *("online", "platform", "robot", "chatbot", "personalisation", "quality", "trust", "effort", "feedback"),
]
TYPES = (("article", 84), ("chapter", 8), ("proceedings", 8))


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _zipf_cumulative(n: int, s: float) -> list[float]:
    """Cumulative Zipf weights: ``random.choices`` with ``cum_weights`` is then O(log n) per draw."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


@dataclass(frozen=True)
class Profile:
    """Per-paper counts and years to copy, and how popular each topic and concept is.

    Taken from the real literature table when it has enough papers; a small fixture gets
    fixed weights of the same shape instead.
    """

    counts: list[tuple[int, int, int, int, int]]  # topics, questions, concepts, authors, keywords
    years: list[int]
    topic_weight: dict[str, float]
    concept_weight: dict[str, float]

    @classmethod
    def of(cls, kb: KnowledgeBase, seed: int) -> Profile:
        papers = list(kb.papers.values())
        topics = dict.fromkeys(kb.topics, 1.0)
        concepts = dict.fromkeys(kb.concepts, 1.0)
        if len(papers) < 20:
            rng = random.Random(seed)
            counts = [
                (
                    rng.choices((1, 2, 3), (40, 55, 5))[0],
                    rng.choices((0, 1, 2, 3), (7, 50, 38, 5))[0],
                    _poisson(rng, 2.6),
                    rng.choices(range(1, 9), (5, 27, 32, 18, 8, 5, 3, 2))[0],
                    rng.randint(4, 6),
                )
                for _ in range(200)
            ]
            years = [max(1970, 2025 - int(rng.expovariate(1 / 8))) for _ in range(200)]
            return cls(counts, years, topics, concepts)
        for p in papers:  # popularity from use, smoothed so that unused entries still occur
            for t in p.topics:
                topics[t] += 1
            for c in p.concepts:
                concepts[c] = concepts.get(c, 1.0) + 1
        counts = [(len(p.topics), len(p.questions), len(p.concepts), len(p.authors), len(p.keywords)) for p in papers]
        return cls(counts, sorted(p.year for p in papers), topics, concepts)


def synthetic_rows(kb: KnowledgeBase, n: int, seed: int = SEED) -> list[dict[str, str]]:
    """``n`` rows of the literature table, drawn from the shape of ``kb``'s own literature."""
    return synthetic_tables(kb, n, seed)[PAPERS]


def synthetic_tables(kb: KnowledgeBase, n: int, seed: int = SEED) -> dict[TableSpec, list[dict[str, str]]]:
    """The rows of the three literature tables for ``n`` synthetic papers (only the persons
    and venues some paper uses are kept)."""
    rng = random.Random(seed)
    profile = Profile.of(kb, seed)
    topics = sorted(kb.topics)
    topic_w = [profile.topic_weight[t] for t in topics]
    questions_of = {t: sorted(q.id for q in kb.questions.values() if q.topic == t) for t in topics}
    concepts = sorted(kb.concepts)
    concept_w = [profile.concept_weight[c] for c in concepts]
    concepts_of = {t: [c for c in concepts if t in kb.concepts[c].topics] for t in topics}

    real_families = sorted({a.partition(",")[0].strip() for p in kb.papers.values() for a in p.authors})
    n_people = max(50, int(n * 1.2))
    people = []
    names: dict[str, str] = {}
    for i in range(n_people):
        if real_families and rng.random() < 0.3:
            family = rng.choice(real_families)
        else:
            family = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        # Numbered given names: made-up people are never likely duplicates of each other.
        person = f"synthetic-{i:06d}"
        names[person] = f"{family}, {chr(65 + rng.randrange(26))}. {_given(i)}"
        people.append(person)
    people_cum = _zipf_cumulative(n_people, 0.9)
    real_venues = sorted({p.venue for p in kb.papers.values()})
    made_up_venues = [f"Journal of {rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}" for i in range(300)]
    venue_names = {f"venue-{i:04d}": name for i, name in enumerate(dict.fromkeys(real_venues + made_up_venues))}
    venues = list(venue_names)
    venue_cum = _zipf_cumulative(len(venues), 1.1)
    design_ids = sorted(kb.designs)
    real_keywords = sorted({k for p in kb.papers.values() for k in p.keywords})
    made_up = sorted({f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(max(500, n // 20))})
    keywords = real_keywords + [k for k in made_up if k not in set(real_keywords)]
    keyword_cum = _zipf_cumulative(len(keywords), 1.0)
    rng.shuffle(keywords)  # popularity must not follow alphabetical order
    type_names, type_w = zip(*TYPES, strict=True)

    rows = []
    titles: set[str] = set()
    for i in range(n):
        n_t, n_q, n_c, n_a, n_k = rng.choice(profile.counts)
        chosen = list(dict.fromkeys(rng.choices(topics, topic_w, k=max(1, min(3, n_t)))))
        qs: list[str] = []
        for _ in range(min(3, n_q)):
            pool = questions_of[rng.choice(chosen)]  # the validator warns on questions of other topics
            if pool:
                qs.append(rng.choice(pool))
        cs: list[str] = []
        for _ in range(min(n_c, len(concepts))):
            pool = concepts_of[rng.choice(chosen)]
            cs.append(rng.choice(pool) if pool and rng.random() < 0.7 else rng.choices(concepts, concept_w)[0])
        authors = list(dict.fromkeys(rng.choices(people, cum_weights=people_cum, k=max(1, n_a))))
        year = max(1970, min(2025, rng.choice(profile.years) + rng.randint(-2, 2)))
        first_page = rng.randint(1, 900)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize()
        while title_key(title) in titles:  # the validator refuses near-identical titles
            title += " " + rng.choice(WORDS)
        titles.add(title_key(title))
        rows.append(
            {
                "id": f"synthetic{i:06d}",
                "doi": f"10.5555/cxkb.synthetic.{i:06d}",
                "type": rng.choices(type_names, type_w)[0],
                "title": title,
                "authors": "|".join(authors),
                "year": str(year),
                "venue": rng.choices(venues, cum_weights=venue_cum)[0],
                "volume": str(rng.randint(1, 60)),
                "issue": str(rng.randint(1, 12)),
                "pages": f"{first_page}-{first_page + rng.randint(5, 30)}",
                "topics": "|".join(chosen),
                "questions": "|".join(dict.fromkeys(qs)),
                "concepts": "|".join(dict.fromkeys(cs)),
                "keywords": "|".join(dict.fromkeys(rng.choices(keywords, cum_weights=keyword_cum, k=max(1, n_k)))),
                "note": "A generated row for benchmarks; it describes no real publication.",
                "note_nl": "Een gegenereerde rij voor benchmarks; ze beschrijft geen echte publicatie.",
                "designs": rng.choice(design_ids),
            }
        )
    used_people = {a for r in rows for a in r["authors"].split("|")}
    used_venues = {r["venue"] for r in rows}
    return {
        PAPERS: rows,
        AUTHORS: [{"id": p, "name": names[p]} for p in people if p in used_people],
        VENUES: [{"id": v, "name": venue_names[v], "type": "journal"} for v in venues if v in used_venues],
    }


def _given(number: int) -> str:
    """A made-up given name per number (``Ba``, ``Be`` … ``Baba`` …): letters only, unique."""
    letters = []
    number += 1
    while number > 0:
        number, rest = divmod(number - 1, 25)
        letters.append("bcdfghjklmnprstvwxyzaeiou"[rest])
    return "".join(reversed(letters)).capitalize() + "o"


LITERATURE = (PAPERS, AUTHORS, VENUES)


def make_root(source: Path, target: Path, papers: int, seed: int = SEED) -> Path:
    """A repository-shaped folder with ``source``'s taxonomy and ``papers`` synthetic papers."""
    if target.exists():
        shutil.rmtree(target)
    (target / "literature").mkdir(parents=True)
    shutil.copytree(source / "ontology", target / "ontology")
    kb, _ = load(source)
    for spec, rows in synthetic_tables(kb, papers, seed).items():
        (target / spec.path).write_text(render_table(spec, rows), encoding="utf-8")
    return target


def synthetic_release(papers: int, folder: Path, seed: int = SEED, log=print) -> Path:  # type: ignore[no-untyped-def]
    """A synthetic root with its release built (``cxkb build``), reused while the table is unchanged.

    Benchmarks that need a graph of a given size take it from the real build, so what
    they measure is what users get; the table is regenerated each time and compared, so a
    change to the generator or the taxonomy never leaves a stale release in use.
    """
    from cxkb.kg.build import build

    root = folder / f"papers-{papers}"
    fresh = folder / f".papers-{papers}.candidate"
    make_root(Path(__file__).resolve().parents[3], fresh, papers, seed)
    release = root / "build" / "release" / "cxkb.nt"
    same = (
        release.is_file()
        and all(
            (root / t.path).is_file() and (root / t.path).read_bytes() == (fresh / t.path).read_bytes()
            for t in LITERATURE
        )
        and all(
            (root / "ontology" / f.relative_to(fresh / "ontology")).is_file()
            and (root / "ontology" / f.relative_to(fresh / "ontology")).read_bytes() == f.read_bytes()
            for f in (fresh / "ontology").rglob("*")
            if f.is_file()
        )
    )
    if same:
        shutil.rmtree(fresh)
        return root
    if root.exists():
        shutil.rmtree(root)
    fresh.rename(root)
    log(f"building the release of {papers:,} synthetic papers in {root}")
    build(root)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[3])
    parser.add_argument("--out", type=Path, default=Path("build/synthetic"))
    parser.add_argument("--papers", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for n in args.papers:
        root = make_root(args.source, args.out / f"papers-{n}", n, args.seed)
        print(f"{n:>7} papers -> {root}")


if __name__ == "__main__":
    main()
