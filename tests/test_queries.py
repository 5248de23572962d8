"""The query library, checked against answers computed from the CSV tables with pandas.

Every library query runs on three knowledge bases: the mini fixture, the mini fixture
extended with the awkward cases it lacks (hierarchies, missing Dutch text, hostile text,
zero counts), and the real tables (skipped only while they do not exist). Each answer is
compared row by row, in order, with the same answer computed here from the CSV files
alone, never from the graph, so a wrong query, a wrong graph mapping and a wrong inference
all show up.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from typer.testing import CliRunner

from conftest import REPO, built, examples, make_root
from cxkb.cli import app
from cxkb.kg.build import build
from cxkb.kg.reason import java_available
from cxkb.kg.tables import ALL_TABLES
from cxkb.ntriples import nt_literal, nt_term
from cxkb.release import ReleaseError
from cxkb.sparql import results as fmt
from cxkb.sparql.library import (
    DEFAULT_PREFIXES,
    LibraryError,
    ParameterError,
    QuerySyntaxError,
    ReadOnlyError,
    UnknownQueryError,
    bind_text,
    find_query,
    format_result,
    is_update,
    library,
    parse_query,
    run,
    typed_term,
)
from cxkb.sparql.store import open_store

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime")
LIBRARY = library(REPO)
NAMES = [q.name for q in LIBRARY]
QUERIES = {q.name: q for q in LIBRARY}
runner = CliRunner()


# ---------------------------------------------------------------------------------------
# The tables, read with pandas only
# ---------------------------------------------------------------------------------------


def split(cell: str) -> list[str]:
    """A multi-value cell as the table contract defines it: '|'-separated, trimmed, no repeats."""
    return list(dict.fromkeys(part.strip() for part in cell.split("|") if part.strip()))


class Tables:
    """The CSV tables as pandas frames, plus the derived relations the queries rely on."""

    def __init__(self, root: Path) -> None:
        def read(rel: str) -> pd.DataFrame:
            path = root / rel
            if not path.exists():
                return pd.DataFrame(columns=["id"])
            return pd.read_csv(path, dtype=str, keep_default_na=False)

        self.domains = read("ontology/tables/domains.csv")
        self.topics = read("ontology/tables/topics.csv")
        self.questions = read("ontology/tables/questions.csv")
        self.concepts = read("ontology/tables/concepts.csv")
        self.ambiguous = read("ontology/tables/ambiguous_labels.csv")
        self.papers = read("literature/papers.csv")
        self.papers["year"] = self.papers["year"].astype(int)
        # The papers name authors and venue by id; the display names come from their tables.
        self.persons = read("literature/authors.csv").set_index("id")
        self.venues = read("literature/venues.csv").set_index("id")
        self.papers["author_ids"] = self.papers["authors"]
        self.papers["venue_id"] = self.papers["venue"]
        self.papers["authors"] = self.papers["author_ids"].map(
            lambda cell: "|".join(self.persons.loc[a, "name"] for a in split(cell))
        )
        self.papers["venue"] = self.papers["venue_id"].map(lambda v: self.venues.loc[v, "name"])

        def explode(frame: pd.DataFrame, column: str, name: str, key: str = "paper") -> pd.DataFrame:
            """One row per (record id, item) of a multi-value column."""
            long = frame[["id"]].assign(**{name: frame[column].map(split)}).explode(name)
            return long.dropna(subset=[name]).rename(columns={"id": key}).reset_index(drop=True)

        asserted = explode(self.papers, "topics", "topic")
        via_question = explode(self.papers, "questions", "question").merge(
            self.questions[["id", "topic"]].rename(columns={"id": "question"}), on="question"
        )[["paper", "topic"]]
        self.paper_topic = pd.concat([asserted, via_question]).drop_duplicates().reset_index(drop=True)
        self.paper_domain = (
            self.paper_topic.merge(self.topics[["id", "domain"]].rename(columns={"id": "topic"}), on="topic")[
                ["paper", "domain"]
            ]
            .drop_duplicates()
            .reset_index(drop=True)
        )
        self.paper_question = explode(self.papers, "questions", "question")
        self.paper_concept = explode(self.papers, "concepts", "concept")
        self.concept_topic = explode(self.concepts, "topics", "topic", key="id")
        self.broader = {row.id: split(row.broader) for row in self.concepts.itertuples()}

    def pref(self, concept: str, lang: str) -> str:
        return self.concepts.set_index("id").loc[concept, f"pref_label_{lang}"]

    def family_names(self, authors: str) -> list[str]:
        return [a.partition(",")[0].strip() for a in split(authors)]

    def spellings(self, person: str) -> list[str]:
        row = self.persons.loc[person]
        return [row["name"], *split(row["variants"])]


def nonempty(value: str) -> str | None:
    return value or None


# ---------------------------------------------------------------------------------------
# Expected answers, one function per library query
# ---------------------------------------------------------------------------------------

Expected = Callable[[Tables, dict[str, Any]], list[tuple[Any, ...]]]
EXPECTED: dict[str, Expected] = {}


def expects(name: str) -> Callable[[Expected], Expected]:
    def register(func: Expected) -> Expected:
        EXPECTED[name] = func
        return func

    return register


@expects("papers-per-domain")
def _papers_per_domain(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = t.paper_domain.groupby("domain")["paper"].nunique()
    rows = [(d.id, d.label_en, d.label_nl, int(counts.get(d.id, 0))) for d in t.domains.itertuples()]
    return sorted(rows, key=lambda r: (-r[3], r[0]))


@expects("papers-per-topic")
def _papers_per_topic(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = t.paper_topic.groupby("topic")["paper"].nunique()
    rows = [(x.id, x.domain, x.label_en, x.label_nl, int(counts.get(x.id, 0))) for x in t.topics.itertuples()]
    return sorted(rows, key=lambda r: (-r[4], r[0]))


@expects("papers-per-year-per-domain")
def _papers_per_year_per_domain(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    long = t.paper_domain.merge(t.papers[["id", "year"]].rename(columns={"id": "paper"}), on="paper")
    if p.get("domain"):
        long = long[long["domain"] == p["domain"]]
    counts = long.groupby(["domain", "year"])["paper"].nunique().reset_index()
    return sorted((r.domain, int(r.year), int(r.paper)) for r in counts.itertuples())


@expects("evidence-gaps")
def _evidence_gaps(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = t.paper_question.groupby("question")["paper"].nunique()
    rows = [
        (q.id, q.topic, int(counts.get(q.id, 0)), q.text_en, nonempty(q.evidence_gap)) for q in t.questions.itertuples()
    ]
    if p.get("max_papers") is not None:
        rows = [r for r in rows if r[2] <= int(p["max_papers"])]
    return sorted(rows, key=lambda r: (r[2], r[0]))


@expects("topic-co-occurrence")
def _topic_co_occurrence(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    pairs = t.paper_topic.merge(t.paper_topic, on="paper", suffixes=("_a", "_b"))
    pairs = pairs[pairs["topic_a"] < pairs["topic_b"]]
    counts = pairs.groupby(["topic_a", "topic_b"])["paper"].nunique().reset_index()
    return sorted(
        ((r.topic_a, r.topic_b, int(r.paper)) for r in counts.itertuples()), key=lambda r: (-r[2], r[0], r[1])
    )


@expects("papers-bridging-domains")
def _papers_bridging_domains(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    if p["domain1"] == p["domain2"]:
        return []
    covered = t.paper_domain.groupby("paper")["domain"].agg(set)
    rows = [
        (x.id, int(x.year), x.title)
        for x in t.papers.itertuples()
        if {p["domain1"], p["domain2"]} <= covered.get(x.id, set())
    ]
    return sorted(rows, key=lambda r: (r[1], r[0]))


@expects("concept")
def _concept(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    cid = p["concept"]
    rows: set[tuple[int, str, str, str | None]] = set()
    match = t.concepts[t.concepts["id"] == cid]
    if match.empty:
        return []
    c = match.iloc[0]
    for order, field, column in (
        (1, "prefLabel", "pref_label"),
        (2, "altLabel", "alt_labels"),
        (3, "hiddenLabel", "hidden_labels"),
        (4, "definition", "definition"),
        (5, "scopeNote", "scope_note"),
    ):
        for lang in ("en", "nl"):
            for value in split(c[f"{column}_{lang}"]) if order in (2, 3) else [c[f"{column}_{lang}"]]:
                if value:
                    rows.add((order, field, value, lang))
    for order, field, column in ((6, "topic", "topics"), (7, "broader", "broader"), (12, "replacedBy", "replaced_by")):
        rows |= {(order, field, v, None) for v in split(c[column])}
    rows |= {(8, "narrower", other, None) for other, parents in t.broader.items() if cid in parents}
    related = set(split(c["related"])) | {x.id for x in t.concepts.itertuples() if cid in split(x.related)}
    rows |= {(9, "related", other, None) for other in related}
    rows |= {(10, "paper", paper, None) for paper in t.paper_concept[t.paper_concept["concept"] == cid]["paper"]}
    rows |= {(11, "ambiguousLabel", a.label, a.lang) for a in t.ambiguous.itertuples() if cid in split(a.candidates)}
    if c["deprecated"].lower() == "true":
        rows.add((13, "deprecated", "true", None))
    ordered = sorted(rows, key=lambda r: (r[0], r[3] or "", r[2]))
    return [(field, value, lang) for _, field, value, lang in ordered]


def _labels(t: Tables) -> Iterator[tuple[str, str, str, str]]:
    """(concept, kind, lang, label) for every preferred, alternative and hidden label."""
    for c in t.concepts.itertuples():
        for lang in ("en", "nl"):
            yield c.id, "pref", lang, getattr(c, f"pref_label_{lang}")
            for kind, column in (("alt", "alt_labels"), ("hidden", "hidden_labels")):
                for label in split(getattr(c, f"{column}_{lang}")):
                    yield c.id, kind, lang, label


@expects("term-lookup")
def _term_lookup(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    term = p["term"].lower()
    return sorted(
        (cid, kind, lang, label, t.pref(cid, "en"), t.pref(cid, "nl"))
        for cid, kind, lang, label in _labels(t)
        if label.lower() == term
    )


@expects("papers-by-author")
def _papers_by_author(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    needle = p["author"].lower()
    rows = [
        (person, t.persons.loc[person, "name"], x.id, int(x.year), x.title, "; ".join(split(x.authors)), x.venue)
        for x in t.papers.itertuples()
        for person in split(x.author_ids)
        if any(needle in s.partition(",")[0].strip().lower() for s in t.spellings(person))
    ]
    return sorted(rows, key=lambda r: (r[3], r[2], r[0]))


def _ancestors(t: Tables, cid: str) -> set[str]:
    seen: set[str] = set()
    todo = list(t.broader.get(cid, []))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(t.broader.get(node, []))
    return seen


@expects("concept-hierarchy")
def _concept_hierarchy(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for cid in t.concepts["id"]:
        if p.get("concept") and cid != p["concept"]:
            continue
        above = _ancestors(t, cid)
        for ancestor in above:
            between = {m for m in above if m == ancestor or ancestor in _ancestors(t, m)}
            rows.append((cid, t.pref(cid, "en"), ancestor, t.pref(ancestor, "en"), len(between)))
    return sorted(rows, key=lambda r: (r[0], r[4], r[2]))


@expects("missing-dutch")
def _missing_dutch(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for c in t.concepts.itertuples():
        for missing, column in (("definition", "definition"), ("prefLabel", "pref_label"), ("scopeNote", "scope_note")):
            if getattr(c, f"{column}_en") and not getattr(c, f"{column}_nl"):
                rows.append((c.id, nonempty(c.pref_label_en), missing))
        if c.definition_en and c.definition_en == c.definition_nl:
            rows.append((c.id, nonempty(c.pref_label_en), "definition copied from English"))
    return sorted(rows, key=lambda r: (r[0], r[2]))


@expects("concepts-per-topic")
def _concepts_per_topic(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    long = t.concept_topic
    if p.get("topic"):
        long = long[long["topic"] == p["topic"]]
    return sorted((r.topic, r.id, t.pref(r.id, "en"), t.pref(r.id, "nl")) for r in long.itertuples())


@expects("ambiguous-labels")
def _ambiguous_labels(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    def may_denote_nothing(cues: str) -> bool:  # a value 'none: … * …' among the cues
        return any(v.split(":")[0].strip() == "none" and "*" in v.split(":", 1)[1].split() for v in split(cues))

    rows = [
        (a.label, a.lang, cid, t.pref(cid, a.lang), a.note_en, a.note_nl, may_denote_nothing(a.cues))
        for a in t.ambiguous.itertuples()
        for cid in split(a.candidates)
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


@expects("papers-for-topic")
def _papers_for_topic(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    ids = set(t.paper_topic[t.paper_topic["topic"] == p["topic"]]["paper"])
    rows = [
        (x.id, int(x.year), x.title, "; ".join(split(x.authors)), x.venue, nonempty(x.doi))
        for x in t.papers.itertuples()
        if x.id in ids
    ]
    return sorted(rows, key=lambda r: (r[1], r[0]))


@expects("papers-per-venue")
def _papers_per_venue(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    grouped = t.papers.groupby("venue_id").agg(papers=("id", "nunique"), first=("year", "min"), last=("year", "max"))
    rows = [
        (t.venues.loc[venue, "name"], int(r.papers), int(r.first), int(r.last), venue)
        for venue, r in grouped.iterrows()
    ]
    return [r[:4] for r in sorted(rows, key=lambda r: (-r[1], r[0], r[4]))]


@expects("most-discussed-concepts")
def _most_discussed(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = t.paper_concept.groupby("concept")["paper"].nunique()
    rows = sorted(
        ((cid, t.pref(cid, "en"), t.pref(cid, "nl"), int(n)) for cid, n in counts.items()), key=lambda r: (-r[3], r[0])
    )
    limit = int(p["limit"] if "limit" in p else QUERIES["most-discussed-concepts"].param("limit").default or 0)
    return rows[:limit]


@expects("questions-per-topic")
def _questions_per_topic(t: Tables, p: dict[str, Any]) -> list[tuple[Any, ...]]:
    frame = t.questions
    if p.get("topic"):
        frame = frame[frame["topic"] == p["topic"]]

    def number(qid: str) -> int:
        return int(qid.rsplit("-q", 1)[1])

    rows = [(q.topic, q.id, q.text_nl, q.text_en) for q in frame.itertuples()]
    return sorted(rows, key=lambda r: (r[0], number(r[1]), r[1]))


# ---------------------------------------------------------------------------------------
# Parameter values to try, drawn from the tables
# ---------------------------------------------------------------------------------------


def cases(name: str, t: Tables) -> list[dict[str, Any]]:
    """Parameter sets for a query: all-default, every id of the right kind, and a few misses."""
    topics = list(t.topics["id"])
    domains = list(t.domains["id"])
    concepts = list(t.concepts["id"])
    if name in ("papers-for-topic",):
        return [{"topic": x} for x in [*topics, "no-such-topic"]]
    if name in ("concepts-per-topic", "questions-per-topic"):
        return [{}, *({"topic": x} for x in [*topics, "no-such-topic"])]
    if name == "papers-per-year-per-domain":
        return [{}, *({"domain": x} for x in domains)]
    if name == "papers-bridging-domains":
        return [{"domain1": a, "domain2": b} for a in [*domains, "no-such-domain"] for b in domains]
    if name == "concept":
        return [{"concept": x} for x in [*concepts, "no-such-concept"]]
    if name == "concept-hierarchy":
        return [{}, *({"concept": x} for x in concepts)]
    if name == "term-lookup":
        labels = sorted({label for *_, label in _labels(t)})
        variants = [label.upper() for label in labels[:20]] + [label.swapcase() for label in labels[:20]]
        return [{"term": x} for x in [*labels, *variants, "no such term", 'x" } UNION { ?c ?p ?o } #']]
    if name == "papers-by-author":
        families = sorted({s.partition(",")[0].strip() for p in t.persons.index for s in t.spellings(p)})
        needles = sorted({f[:3] for f in families} | {f[-3:].upper() for f in families} | set(families[:20]))
        # On the real table that is hundreds of needles, each answered by the pandas oracle
        # over every authorship; an even spread of 60 covers prefixes, suffixes and names.
        needles = needles[:: max(1, len(needles) // 60)]
        return [{"author": x} for x in sorted({*needles, "zzzqqq", "'", '"'})]
    if name == "evidence-gaps":
        return [{}, {"max_papers": 0}, {"max_papers": 1}, {"max_papers": "2"}, {"max_papers": 1000}]
    if name == "most-discussed-concepts":
        return [{}, {"limit": 0}, {"limit": 1}, {"limit": 2}, {"limit": "5"}, {"limit": 100000}]
    return [{}]


# ---------------------------------------------------------------------------------------
# Knowledge bases
# ---------------------------------------------------------------------------------------

EXTRA_CONCEPTS = [
    {
        "id": "customer-journey",
        "pref_label_en": "customer journey",
        "pref_label_nl": "klantreis",
        "alt_labels_en": 'the "wow" {journey}|path to purchase',
        "alt_labels_nl": "customer journey map",
        "hidden_labels_en": "costumer journey",
        "definition_en": "The sequence of stages and touchpoints a customer goes through.",
        "definition_nl": "The sequence of stages and touchpoints a customer goes through.",
        "scope_note_en": "Not to be confused with the journey map, the artefact.",
        "topics": "customer-emotions|context",
        "broader": "customer-experience",
        "source": "10.1509/jm.15.0420",
    },
    {
        "id": "moment-of-truth",
        "pref_label_en": "moment of truth",
        "pref_label_nl": "moment van de waarheid",
        "definition_en": "An old name for a decisive touchpoint.",
        "definition_nl": "Een oude naam voor een beslissend contactmoment.",
        "topics": "context",
        "related": "touchpoint",
        "source": "10.1509/jm.15.0420",
        "deprecated": "true",
        "replaced_by": "touchpoint",
    },
    {
        "id": "touchpoint",
        "pref_label_en": "touchpoint",
        "pref_label_nl": "contactmoment",
        "alt_labels_en": "touch point",
        "alt_labels_nl": "touchpoint|raakvlak",
        "definition_en": "A moment at which customer and firm meet.",
        "definition_nl": "Een moment waarop klant en bedrijf elkaar ontmoeten.",
        "scope_note_en": "Includes moments the firm does not control.",
        "scope_note_nl": "Ook momenten waar het bedrijf geen invloed op heeft.",
        "topics": "context|self-service-technology",
        "broader": "customer-journey|self-service-technology",
        "related": "moment-of-truth",
        "source": "10.1509/jm.15.0420",
    },
]
EXTRA_TOPICS = [
    {
        "id": "context",
        "domain": "customer",
        "label_en": "context",
        "label_nl": "context",
        "definition_en": "Where and when the experience happens.",
        "definition_nl": "Waar en wanneer de ervaring plaatsvindt.",
        "source": "10.1108/JSTP-08-2020-0193",
    }
]
EXTRA_QUESTIONS = [
    {
        "id": "context-q1",
        "topic": "context",
        "text_nl": 'Hoe verandert de "context" {de beleving}?',
        "text_en": 'How does "context" {change} the experience?',
        "source": "10.1108/JSTP-08-2020-0193",
        "summarised_in": "seed:001",
        "evidence_gap": "No paper in the table addresses it.",
    },
    {
        "id": "customer-emotions-q2",
        "topic": "customer-emotions",
        "text_nl": "Welke emoties tellen het zwaarst?",
        "text_en": "Which emotions weigh most?",
        "source": "10.1108/JSTP-08-2020-0193",
        "summarised_in": "seed:001",
    },
    {
        "id": "customer-emotions-q10",
        "topic": "customer-emotions",
        "text_nl": "Een tiende vraag.",
        "text_en": "A tenth question.",
        "source": "10.1108/JSTP-08-2020-0193",
        "summarised_in": "seed:001",
    },
]
EXTRA_DOMAINS = [
    {
        "id": "organisation",
        "label_en": "organisation domain",
        "label_nl": "organisatiedomein",
        "definition_en": "Research on how firms design and manage experiences.",
        "definition_nl": "Onderzoek naar hoe bedrijven belevingen ontwerpen en sturen.",
        "source": "10.1108/JSTP-08-2020-0193",
    }
]
EXTRA_PAPERS = [
    {
        "id": "obrien2019journeys",
        "isbn": "9780306406157",
        "type": "book",
        "title": 'Journeys | "Touchpoints" & <b>[Moments]</b> {of truth} [red]x[/red]',
        "authors": "obrien-a|lemon-k-n|muller-j",
        "year": "2019",
        "venue": "journal-of-marketing",
        "topics": "context|self-service-technology",
        "questions": "customer-emotions-q1",
        "concepts": "touchpoint|customer-journey|customer-experience",
        "keywords": "touchpoints",
        "note": "A book about journeys.",
        "note_nl": "Een boek over klantreizen.",
        "designs": "conceptual",
    }
]
EXTRA_PAPERS.append(
    {
        "id": "mueller2021journeys",
        "doi": "10.5555/cxkb.test.mueller",
        "type": "article",
        "title": "Journeys revisited",
        "authors": "muller-j|obrien-a",
        "year": "2021",
        "venue": "marketing-intelligence-and-planning",
        "volume": "39",
        "pages": "1-20",
        "topics": "context",
        "keywords": "journeys",
        "note": "An article about journeys.",
        "note_nl": "Een artikel over klantreizen.",
        "designs": "conceptual",
    }
)
EXTRA_PAPERS.append(
    {
        **EXTRA_PAPERS[1],
        "id": "mueller2022journeys",
        "doi": "10.5555/cxkb.test.mueller2",
        "title": "Journeys revisited again",
        "year": "2022",
        "authors": "muller-j",
        "venue": "marketing-intelligence-and-planning",
    }
)
# One person under two spellings of the family name, and one journal whose papers were
# once written under two names ("&" and "and"): each counts once.
EXTRA_AUTHORS = [
    {"id": "obrien-a", "name": "O'Brien, Ann"},
    {"id": "muller-j", "name": "Müller, Jürgen", "variants": "Mueller, J.|Muller, Jürgen"},
]
EXTRA_VENUES = [
    {"id": "marketing-intelligence-and-planning", "name": "Marketing Intelligence & Planning", "type": "journal"},
]
EXTRA_AMBIGUOUS = [
    {
        "id": "touchpoint-nl",
        "label": "touchpoint",
        "lang": "nl",
        "candidates": "touchpoint|customer-journey",
        "note_en": "Dutch speakers use the English word loosely.",
        "note_nl": "In het Nederlands wordt het Engelse woord losjes gebruikt.",
    }
]


def append_rows(root: Path, rel: str, rows: list[dict[str, str]]) -> None:
    """Add rows to a table and keep it sorted by id, as the contract asks."""
    path = root / rel
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        existing = list(reader)
    merged = sorted([*existing, *({c: r.get(c, "") for c in header} for r in rows)], key=lambda r: r["id"])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(merged)


def make_rich_root(tmp: Path) -> Path:
    root = make_root(tmp)
    append_rows(root, "ontology/tables/domains.csv", EXTRA_DOMAINS)
    append_rows(root, "ontology/tables/topics.csv", EXTRA_TOPICS)
    append_rows(root, "ontology/tables/questions.csv", EXTRA_QUESTIONS)
    append_rows(root, "ontology/tables/concepts.csv", EXTRA_CONCEPTS)
    append_rows(root, "ontology/tables/ambiguous_labels.csv", EXTRA_AMBIGUOUS)
    append_rows(root, "literature/authors.csv", EXTRA_AUTHORS)
    append_rows(root, "literature/venues.csv", EXTRA_VENUES)
    append_rows(root, "literature/papers.csv", EXTRA_PAPERS)
    return root


def real_tables_exist() -> bool:
    return all((REPO / spec.path).is_file() for spec in ALL_TABLES if spec.name != "ambiguous_labels")


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    if not java_available():
        pytest.skip("HermiT needs a Java runtime")
    root = make_root(tmp_path_factory.mktemp("mini"))
    return root, open_store(built(root))


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    if not java_available():
        pytest.skip("HermiT needs a Java runtime")
    root = make_rich_root(tmp_path_factory.mktemp("rich"))
    return root, open_store(built(root))


@pytest.fixture(scope="module")
def real() -> tuple[Path, ox.Store]:
    if not real_tables_exist():
        pytest.skip("the real tables (ontology/tables/*.csv, literature/papers.csv) do not exist yet")
    if not java_available():
        pytest.skip("HermiT needs a Java runtime")
    return REPO, open_store(built(REPO))


# ---------------------------------------------------------------------------------------
# The library itself
# ---------------------------------------------------------------------------------------


def test_library_is_complete_and_documented() -> None:
    assert len(LIBRARY) >= 15
    assert set(EXPECTED) == set(NAMES), "every library query needs an independent check here"
    for q in LIBRARY:
        assert q.path is not None and q.path.name == f"{q.name}.rq"
        for lang in ("en", "nl"):
            assert q.title[lang].strip() and q.description[lang].strip(), (q.name, lang)
        assert q.title["en"] != q.title["nl"], q.name
        for p in q.params:
            assert p.description and p.kind in ("id", "text", "integer")
            assert p.optional or p.example, f"{q.name}: required parameter {p.name} needs an example"


@pytest.mark.parametrize("name", NAMES)
def test_library_query_parses_with_and_without_optional_params(name: str) -> None:
    q = QUERIES[name]
    empty = ox.Store()
    required = {p.name: p.example for p in q.params if not p.optional}
    examples = {p.name: p.example or p.default for p in q.params if p.example or p.default}
    for params in (required, examples):
        result = run(empty, q, params)
        assert result.kind == "select" and result.variables


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kb", ["mini", "rich", "real"])
def test_query_matches_tables(name: str, kb: str, request: pytest.FixtureRequest) -> None:
    root, store = request.getfixturevalue(kb)
    tables = Tables(root)
    for params in cases(name, tables):
        got = run(store, QUERIES[name], params).tuples()
        want = EXPECTED[name](tables, params)
        assert got == want, f"{name} {params}"


def test_rich_fixture_exercises_every_query(rich: tuple[Path, ox.Store]) -> None:
    """The extended fixture must give every query a non-empty answer, or its check proves little."""
    root, store = rich
    tables = Tables(root)
    for name in NAMES:
        answers = [run(store, QUERIES[name], params) for params in cases(name, tables)]
        assert any(len(a) for a in answers), name


# ---------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------

ECHO = parse_query("# param: value (text): anything\nSELECT ($value AS ?v) WHERE {}", "echo")


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_any_text_round_trips_through_binding(value: str) -> None:
    result = run(ox.Store(), ECHO, {"value": value})
    assert result.tuples() == [(value,)]


@pytest.mark.parametrize(
    "value",
    [
        '" } ; DROP ALL ; SELECT * { "',
        "x') } UNION { ?s ?p ?o } #",
        '\\" . } #',
        "\\u0022 } UNION { ?s ?p ?o }",
        "line\nbreak\r\ttab",
        "''' \"\"\" $value ?v <http://x>",
        "{}" * 40,
    ],
)
def test_hostile_text_stays_one_literal(value: str, rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    assert run(ox.Store(), ECHO, {"value": value}).tuples() == [(value,)]
    assert run(store, QUERIES["term-lookup"], {"term": value}).tuples() == []
    assert run(store, QUERIES["papers-by-author"], {"author": value}).tuples() == []


def test_label_with_quotes_and_braces_is_found(rich: tuple[Path, ox.Store]) -> None:
    root, store = rich
    label = 'the "wow" {journey}'
    assert label in {lbl for *_, lbl in _labels(Tables(root))}
    rows = run(store, QUERIES["term-lookup"], {"term": label.upper()}).records()
    assert [(r["concept"], r["label"]) for r in rows] == [("customer-journey", label)]


@pytest.mark.parametrize("value", ['x" } #', "Customer-Journey", "a b", "", "é", "x\n"])
def test_ids_are_validated(value: str) -> None:
    with pytest.raises(ParameterError):
        run(ox.Store(), QUERIES["concept"], {"concept": value})


@pytest.mark.parametrize("value", ["-1", "1e3", "abc", "1 } LIMIT 1", "9999999999", True])
def test_integers_are_validated(value: object) -> None:
    with pytest.raises(ParameterError):
        run(ox.Store(), QUERIES["most-discussed-concepts"], {"limit": value})


def test_unknown_and_missing_parameters() -> None:
    with pytest.raises(ParameterError, match="unknown parameter 'topik'"):
        run(ox.Store(), QUERIES["papers-for-topic"], {"topik": "design"})
    with pytest.raises(ParameterError, match="'topic' is required"):
        run(ox.Store(), QUERIES["papers-for-topic"], {})


def test_placeholders_in_strings_iris_and_comments_are_left_alone() -> None:
    query = parse_query(
        '# param: x (text): x\nSELECT ?a WHERE { BIND("$x" AS ?a) BIND(<http://e/$x> AS ?b) # $x\n BIND($x AS ?c) }',
        "t",
    )
    bound = query.bind({"x": "V"})
    assert bound.count('"V"') == 1
    assert '"$x"' in bound and "<http://e/$x>" in bound and "# $x" in bound


def test_optional_parameter_left_out_leaves_the_query_as_written() -> None:
    query = QUERIES["concepts-per-topic"]
    text, edits = bind_text(query.text, query.params, {})
    assert text == query.text and edits == []


@pytest.mark.parametrize("path", sorted((REPO / "queries").glob("*.rq")), ids=lambda p: p.name)
def test_library_files_are_standard_sparql_as_written(path: Path) -> None:
    """Every file parses as it is, with its own PREFIX lines only, in two engines."""
    from rdflib.plugins.sparql import prepareQuery

    text = path.read_text(encoding="utf-8")
    assert not is_update(text)
    ox.Store().query(text)  # raises SyntaxError otherwise
    prepareQuery(text)


@pytest.mark.parametrize("name", NAMES)
def test_bound_queries_are_standard_sparql(name: str) -> None:
    """With its example values bound, a library query is still plain SPARQL for any engine."""
    from rdflib.plugins.sparql import prepareQuery

    query = QUERIES[name]
    values = {p.name: p.example or p.default for p in query.params if p.example or p.default}
    text = query.bind(values)
    assert all(f"${p.name}" not in text for p in query.params if p.name in values and p.clause is None)
    ox.Store().query(text)
    prepareQuery(text)


def test_limit_parameter_replaces_the_literal(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    query = QUERIES["most-discussed-concepts"]
    assert query.param("limit").clause == "LIMIT" and "LIMIT 20" in query.text
    assert len(run(store, query, {"limit": 2})) == 2
    assert len(run(store, query, {"limit": "1"})) == 1
    assert query.bind({"limit": 3}).rstrip().endswith("LIMIT 3")
    assert len(run(store, query)) == min(20, len(run(store, query, {"limit": 1000})))


def test_limit_parameter_needs_its_clause(tmp_path: Path) -> None:
    head = "# title@en: T\n# title@nl: T\n# description@en: D\n# description@nl: D\n"
    head += "# param: limit (integer, default 5, sets LIMIT): how many\n"
    parse_query(head + "SELECT * { ?s ?p ?o } LIMIT 5", "ok", strict=True)
    for body in ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o } LIMIT 6", "SELECT * { { SELECT * {} LIMIT 5 } }"):
        with pytest.raises(LibraryError, match="top-level 'LIMIT 5'"):
            parse_query(head + body, "bad", strict=True)


COUNTS = "SELECT ?t (COUNT(?p) AS ?n) WHERE { ?p cx:coversTopic ?t } GROUP BY ?t HAVING (COUNT(?p) >= $min)"


def test_typed_parameters_compare_as_numbers(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    typed = run(store, COUNTS, {"min:integer": "1"})
    assert len(typed) > 0
    assert len(run(store, COUNTS, {"min": 1})) == len(typed), "a Python int is an integer"
    assert len(run(store, COUNTS, {"min": "1"})) == 0, "an untyped value is text, which no count equals"


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("integer", "-3", '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("decimal", "2.50", '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        ("double", "1e3", '"1000.0"^^<http://www.w3.org/2001/XMLSchema#double>'),
        ("boolean", "TRUE", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ("date", "2021-06-30", '"2021-06-30"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("datetime", "2021-06-30T12:00:00", '"2021-06-30T12:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'),
        ("year", "2015", '"2015"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
        ("iri", "https://w3id.org/cxkb/topic/design", "<https://w3id.org/cxkb/topic/design>"),
        ("text", "3", '"3"'),
    ],
)
def test_each_kind_gives_its_datatype(kind: str, value: str, term: str) -> None:
    assert typed_term("x", kind, value) == term
    result = run(ox.Store(), "SELECT ($x AS ?v) ((DATATYPE($x)) AS ?d) WHERE {}", {f"x:{kind}": value})
    got, datatype = result.rows[0]
    if kind == "iri":
        assert got == URIRef(value) and datatype is None
    else:
        assert str(datatype) == (term.split("^^<")[1][:-1] if "^^" in term else str(XSD.string))


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("integer", "3.5"),
        ("integer", True),
        ("decimal", "1e3"),
        ("double", "nan"),
        ("double", "inf"),
        ("boolean", "yes"),
        ("date", "2021-02-30"),
        ("date", "2021-6-3"),
        ("datetime", "noon"),
        ("year", "15"),
        ("iri", "not an iri"),
        ("iri", "http://x/> } #"),
    ],
)
def test_values_not_of_their_kind_are_refused(kind: str, value: object) -> None:
    with pytest.raises(ParameterError, match="parameter 'x'"):
        typed_term("x", kind, value)


def test_python_values_carry_their_kind() -> None:
    import datetime as dt
    from decimal import Decimal

    result = run(
        ox.Store(),
        "SELECT ($a AS ?a) ($b AS ?b) ($c AS ?c) ($d AS ?d) ($e AS ?e) WHERE {}",
        {"a": 3, "b": 1.5, "c": Decimal("2.5"), "d": dt.date(2020, 1, 2), "e": False},
    )
    assert [t.datatype for t in result.rows[0]] == [XSD.integer, XSD.double, XSD.decimal, XSD.date, XSD.boolean]


def test_named_kind_must_match_the_declared_one() -> None:
    with pytest.raises(ParameterError, match="declared as id, not integer"):
        run(ox.Store(), QUERIES["papers-for-topic"], {"topic:integer": "3"})
    with pytest.raises(ParameterError, match="unknown kind 'int'"):
        run(ox.Store(), COUNTS, {"min:int": "3"})


def test_rdf_prefix_is_predefined(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    result = run(store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c rdf:type skos:Concept ; rdf:type cx:Concept }")
    assert result.tuples()[0][0] > 0
    assert DEFAULT_PREFIXES["rdf"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def test_adhoc_query_binds_dollar_variables_as_text() -> None:
    result = run(ox.Store(), "SELECT ($who AS ?x) WHERE {}", {"who": 'a "b"'})
    assert result.tuples() == [('a "b"',)]
    with pytest.raises(ParameterError):
        run(ox.Store(), "SELECT ?x WHERE {}", {"who": "a"})


def test_header_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title@en: T\n# titel@nl: T\nSELECT * {}", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.rq:2: unknown header field 'titel@nl'"):
        parse_query(path.read_text(), "bad", path, strict=True)
    path.write_text(
        "# title@en: T\n# title@nl: T\n# description@en: D\n# description@nl: D\n"
        "# param: x (txt): x\nSELECT * { ?s ?p $x }",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match=r"bad\.rq:5: the kind must come first"):
        parse_query(path.read_text(), "bad", path, strict=True)


def test_unknown_query_suggests_names(tmp_path: Path) -> None:
    with pytest.raises(UnknownQueryError, match="papers-per-topic"):
        find_query(REPO, "papers-per-topik")


# ---------------------------------------------------------------------------------------
# Syntax errors and updates
# ---------------------------------------------------------------------------------------


def test_syntax_error_has_line_and_column() -> None:
    lines = [
        "PREFIX cx: <https://w3id.org/cxkb/ontology#>",
        "SELECT ?p WHERE {",
        "  ?p a cx:Paper ;",
        "     cx:coversTopic ?t",
        "  FILTER(?t = )",
        "}",
    ]
    with pytest.raises(QuerySyntaxError) as info:
        run(ox.Store(), "\n".join(lines))
    err = info.value
    bad_line = next(i for i, line in enumerate(lines, start=1) if "= )" in line)
    assert err.line == bad_line
    assert err.column <= lines[bad_line - 1].index(")") + 1, "the position must not be past the mistake"
    assert f"line {err.line}, column {err.column}:" in str(err)
    assert err.excerpt().splitlines()[1].index("^") == err.column - 1


def test_syntax_error_position_is_in_the_text_as_written() -> None:
    """A long bound value before the error must not shift the reported column."""
    query = parse_query("# param: x (text): x\nSELECT ?v WHERE { BIND($x AS ?v) FILTER(?v = ) }", "t")
    line = query.text.split("\n")[1]
    with pytest.raises(QuerySyntaxError) as info:
        run(ox.Store(), query, {"x": "y" * 500})
    assert info.value.line == 2
    assert line.index("$x") < info.value.column <= line.index(")", line.index("=")) + 1


def test_unknown_prefix_is_explained() -> None:
    with pytest.raises(QuerySyntaxError, match="unknown prefix"):
        run(ox.Store(), "SELECT * WHERE { ?s nope:p ?o }")


def test_default_prefixes_are_predefined(mini: tuple[Path, ox.Store]) -> None:
    _, store = mini
    tables = Tables(mini[0])
    result = run(store, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a cx:Paper }")
    assert result.tuples() == [(len(tables.papers),)]


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX x: <http://x/>\n# comment\ndelete where { ?s ?p ?o }",
        "DROP ALL",
        "LOAD <http://example.org/data.ttl>",
    ],
)
def test_updates_are_refused(text: str) -> None:
    store = ox.Store()
    with pytest.raises(ReadOnlyError):
        run(store, text)
    assert len(store) == 0


# ---------------------------------------------------------------------------------------
# ASK, CONSTRUCT and output formats
# ---------------------------------------------------------------------------------------


def test_ask_and_construct(rich: tuple[Path, ox.Store]) -> None:
    root, store = rich
    t = Tables(root)
    for row in t.paper_domain.itertuples():
        q = "ASK { ?p dcterms:identifier $paper ; cx:coversDomain/dcterms:identifier $domain }"
        assert run(store, q, {"paper": row.paper, "domain": row.domain}).boolean is True
    assert run(store, 'ASK { ?p cx:coversDomain/dcterms:identifier "no-such-domain" }').boolean is False
    result = run(store, "CONSTRUCT { ?p cx:coversDomain ?d } WHERE { ?p cx:coversDomain ?d }")
    assert result.kind == "graph"
    pairs = {(str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, _, o in result.triples}
    assert pairs == set(t.paper_domain.itertuples(index=False, name=None))
    for name in ("table", "json", "tsv", "csv"):
        text = format_result(result, name)
        if name in ("json", "tsv", "csv"):
            parsed = Graph().parse(data=text, format={"json": "json-ld", "tsv": "nt", "csv": "turtle"}[name])
            assert len(parsed) == len(result.triples)


def _sample(store: ox.Store) -> fmt.Result:
    """A result with IRIs, language-tagged, typed and plain literals, and unbound cells."""
    return run(
        store,
        """SELECT ?concept ?label ?n ?iri ?missing WHERE {
             ?c a cx:Concept ; dcterms:identifier ?concept ; skos:prefLabel ?label .
             OPTIONAL { ?c cx:replacedBy ?missing }
             BIND(STRLEN(?label) AS ?n) BIND(?c AS ?iri)
           } ORDER BY ?concept ?label""",
    )


def _terms_from_ox(parsed: object) -> list[tuple[Any, ...]]:
    from cxkb.sparql.library import to_rdflib

    return [tuple(None if t is None else to_rdflib(t) for t in solution) for solution in parsed]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_typed_formats_round_trip_through_a_second_parser(name: str, rich: tuple[Path, ox.Store]) -> None:
    result = _sample(rich[1])
    text = format_result(result, name)
    parser_format = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    parsed = ox.parse_query_results(text.encode(), parser_format[name])
    assert [v.value for v in parsed.variables] == result.variables
    assert _terms_from_ox(parsed) == result.rows


def test_json_has_the_w3c_shape(rich: tuple[Path, ox.Store]) -> None:
    result = _sample(rich[1])
    data = json.loads(format_result(result, "json"))
    assert set(data) == {"head", "results"} and data["head"]["vars"] == result.variables
    bindings = data["results"]["bindings"]
    assert len(bindings) == len(result.rows)
    for binding, row in zip(bindings, result.rows, strict=True):
        assert set(binding) == {v for v, t in zip(result.variables, row, strict=True) if t is not None}
        for value in binding.values():
            assert value["type"] in ("uri", "literal", "bnode") and isinstance(value["value"], str)
            assert set(value) <= {"type", "value", "xml:lang", "datatype"}
            assert not ("xml:lang" in value and "datatype" in value)
    ask = json.loads(format_result(fmt.Result("ask", boolean=True), "json"))
    assert ask == {"head": {}, "boolean": True}


def test_xml_is_well_formed_and_namespaced(rich: tuple[Path, ox.Store]) -> None:
    result = _sample(rich[1])
    root = ET.fromstring(format_result(result, "xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.tag == f"{ns}sparql"
    assert [v.get("name") for v in root.iter(f"{ns}variable")] == result.variables
    assert len(list(root.iter(f"{ns}result"))) == len(result.rows)


def test_csv_holds_plain_values(rich: tuple[Path, ox.Store]) -> None:
    result = _sample(rich[1])
    text = format_result(result, "csv")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == result.variables
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in result.tuples()]


def test_markdown_and_table_keep_hostile_text_literal(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    result = run(store, QUERIES["papers-for-topic"], {"topic": "context"})
    title = EXTRA_PAPERS[0]["title"]
    assert title in [r["title"] for r in result.records()]
    md = format_result(result, "md")
    lines = md.strip().split("\n")
    assert len(lines) == len(result.rows) + 2
    cells = [c for c in re.split(r"(?<!\\)\|", lines[2])[1:-1]]
    assert len(cells) == len(result.variables), "a '|' in the data must not open a new column"
    assert "<b>" not in md and "\\<b\\>" in md
    table = format_result(result, "table", width=400)
    assert "[red]x[/red]" in table


def test_results_records_are_plain_python(mini: tuple[Path, ox.Store]) -> None:
    result = run(mini[1], QUERIES["papers-per-venue"])
    for record in result.records():
        assert isinstance(record["venue"], str) and isinstance(record["papers"], int)


def test_row_cap_truncates(mini: tuple[Path, ox.Store]) -> None:
    result = run(mini[1], "SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert len(result.rows) == 5 and result.truncated
    assert not run(mini[1], "SELECT * WHERE { ?s ?p ?o } LIMIT 5", max_rows=5).truncated


# ---------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------


@needs_java
def test_store_uses_a_current_release_and_refuses_a_stale_one(mini_root: Path) -> None:
    build(mini_root, reasoning=True)
    store = open_store(mini_root)
    release = Graph().parse(mini_root / "build/release/cxkb.nt", format="nt")
    assert len(store) == len(release)
    source = mini_root / "literature/papers.csv"
    source.touch()  # a newer file with the same content: still current (the manifest keeps hashes)
    assert len(open_store(mini_root)) == len(release)
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"literature/papers\.csv changed.*run `cxkb build`"):
        open_store(mini_root)


def test_a_missing_release_says_to_build(mini_root: Path) -> None:
    with pytest.raises(ReleaseError, match=r"no release.*run `cxkb build`"):
        open_store(mini_root)


@needs_java
def test_release_without_reasoning_is_not_used_for_reasoned_queries(mini_root: Path) -> None:
    build(mini_root, reasoning=False)
    with pytest.raises(ReleaseError, match="without reasoning"):
        open_store(mini_root)
    asserted = open_store(mini_root, reasoning=False)
    assert run(asserted, "ASK { ?p cx:coversDomain ?d }").boolean is False
    shutil.rmtree(mini_root / "build")


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------


def with_library(root: Path) -> None:
    """Give a fixture root the repository's query library (the library lives beside the tables)
    and a release to run it on."""
    shutil.copytree(REPO / "queries", root / "queries")
    built(root)


@needs_java
def test_cli_runs_a_named_query_with_parameters(mini_root: Path) -> None:
    with_library(mini_root)
    result = runner.invoke(
        app,
        [
            "query",
            "papers-for-topic",
            "--param",
            "topic=customer-emotions",
            "--format",
            "json",
            "--root",
            str(mini_root),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = [b["paper"]["value"] for b in data["results"]["bindings"]]
    want = [r[0] for r in EXPECTED["papers-for-topic"](Tables(mini_root), {"topic": "customer-emotions"})]
    assert ids == want


def test_cli_lists_the_library() -> None:
    result = runner.invoke(app, ["query", "--list", "--format", "json", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [q["name"] for q in listed] == NAMES
    assert all(q["title"]["nl"] for q in listed)


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-query"],
        ["--sparql", "SELECT ?x WHERE { ?x }"],
        ["papers-for-topic", "--param", "topic=Not An Id"],
        ["papers-for-topic", "--param", "topic"],
        ["papers-for-topic"],
        ["--sparql", "DROP ALL"],
        ["--format", "yaml", "papers-per-topic"],
        [],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], mini_root: Path) -> None:
    with_library(mini_root)
    result = runner.invoke(app, ["query", *args, "--root", str(mini_root), "--no-reason"])
    assert result.exit_code == 2, result.output


def test_cli_syntax_error_names_line_and_column(mini_root: Path) -> None:
    result = runner.invoke(
        app, ["query", "--sparql", "SELECT ?x\nWHERE { ?x }", "--root", str(mini_root), "--no-reason"]
    )
    assert result.exit_code == 2
    assert re.search(r"line 2, column \d+", result.output)


@needs_java
def test_cli_runs_a_file_and_adhoc_text(mini_root: Path, tmp_path: Path) -> None:
    built(mini_root)
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cx:Paper }\n", encoding="utf-8")
    n = len(Tables(mini_root).papers)
    for args in ([str(path)], ["--sparql", path.read_text()]):
        result = runner.invoke(app, ["query", *args, "--format", "csv", "--root", str(mini_root), "--no-reason"])
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == ["n", str(n)]


@needs_java
def test_cli_markdown_and_tsv(mini_root: Path) -> None:
    with_library(mini_root)
    for name in ("md", "tsv", "table"):
        result = runner.invoke(
            app, ["query", "papers-per-venue", "--format", name, "--root", str(mini_root), "--no-reason"]
        )
        assert result.exit_code == 0, result.output
        for venue in Tables(mini_root).papers["venue"]:
            assert venue in result.stdout


def test_literal_helpers_match_rdflib() -> None:
    """The N-Triples writer used for TSV and binding agrees with rdflib's parser."""
    for text in ["plain", 'quote " and \\ backslash', "new\nline\ttab\r", "ünïcödé ☃"]:
        g = Graph().parse(data=f"<http://s> <http://p> {nt_literal(text)} .", format="nt")
        assert next(iter(g.objects())) == Literal(text)
    assert nt_term(URIRef("http://x/a")) == "<http://x/a>"
    assert nt_term(Literal("a", lang="nl")) == '"a"@nl'


# ---------------------------------------------------------------------------------------
# People and venues count as resources, not as spellings
# ---------------------------------------------------------------------------------------


def test_a_person_with_two_spellings_counts_once(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    for needle in ("müller", "mueller", "MULLER"):
        records = run(store, QUERIES["papers-by-author"], {"author": needle}).records()
        assert {r["person"] for r in records} == {"muller-j"}, needle
        assert sorted(r["paper"] for r in records) == [
            "mueller2021journeys",
            "mueller2022journeys",
            "obrien2019journeys",
        ]
    at_least_three = """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?who (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p dcterms:creator ?who }
        GROUP BY ?who HAVING (COUNT(DISTINCT ?p) >= 3)
    """
    assert [str(r["who"]).rsplit("/", 1)[-1] for r in run(store, at_least_three).records()] == ["muller-j"]


def test_venue_spellings_count_as_one_venue(rich: tuple[Path, ox.Store]) -> None:
    _, store = rich
    rows = [r for r in run(store, QUERIES["papers-per-venue"]).records() if "Marketing Intelligence" in r["venue"]]
    assert [(r["venue"], r["papers"]) for r in rows] == [("Marketing Intelligence & Planning", 2)]


def test_real_marketing_intelligence_is_one_venue(real: tuple[Path, ox.Store]) -> None:
    _, store = real
    rows = [r for r in run(store, QUERIES["papers-per-venue"]).records() if "Marketing Intelligence" in r["venue"]]
    assert [(r["venue"], r["papers"]) for r in rows] == [("Marketing Intelligence & Planning", 3)]
