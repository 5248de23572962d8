"""The records of the knowledge base: what the tables say once their cells are parsed.

The build makes these from the tables (``cxkb.kg.records``) and writes them into the
release beside the graph; every product reads them back from there
(``cxkb.release``). They are plain frozen dataclasses so that both directions are exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

LANGS = ("en", "nl")


@dataclass(frozen=True)
class Origin:
    file: str
    line: int


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    en: str
    nl: str


@dataclass(frozen=True)
class Domain:
    id: str
    label: Text
    definition: Text
    source: tuple[str, ...]
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Topic:
    id: str
    domain: str
    label: Text
    definition: Text
    source: tuple[str, ...]
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: Text
    source: tuple[str, ...]
    summarised_in: tuple[str, ...]
    evidence_gap: str
    origin: Origin = field(compare=False, default=Origin("", 0))
    # The Dutch wording as the source gives it, when text.nl corrects it (a typo, a non-preferred
    # term); kept in the table for provenance, not in the graph.
    text_nl_source: str = field(compare=False, default="")


@dataclass(frozen=True)
class PracticeOnly:
    """A concept practice uses and no paper in the table is about, with the practitioner
    source that shows the use. ``id`` is the concept's id."""

    id: str
    source: tuple[str, ...]
    note: Text
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Design:
    """A kind of study (survey, experiment, …): what a paper's evidence is made of."""

    id: str
    label: Text
    definition: Text
    source: tuple[str, ...]
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    author: str
    outlet: str
    date: str
    language: str
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Labels:
    """Labels of one kind (alternative or hidden) per language."""

    en: tuple[str, ...] = ()
    nl: tuple[str, ...] = ()

    def by_lang(self) -> dict[str, tuple[str, ...]]:
        return {"en": self.en, "nl": self.nl}


@dataclass(frozen=True)
class Concept:
    id: str
    pref: Text
    alt: Labels
    hidden: Labels
    definition: Text
    scope_note: Text
    topics: tuple[str, ...]
    broader: tuple[str, ...]
    related: tuple[str, ...]
    source: tuple[str, ...]
    deprecated: bool
    replaced_by: tuple[str, ...]
    origin: Origin = field(compare=False, default=Origin("", 0))


NAMES_NOTHING = "none"
"""In an ambiguous label's context cues, the 'candidate' for words after which the label names
no concept at all (*gain experience*, *veel ervaring*: know-how, not an experience concept)."""

IN_NAMES = "@name"
"""In an ambiguous label's context cues, the word that makes its candidate the label's sense inside
a capitalised name (*Bot Framework*), where a label otherwise names nothing."""


def split_cue(value: str) -> tuple[str, tuple[str, ...]]:
    """One context cue of an ambiguous label, ``candidate: word word``, as its candidate and its
    words: the one reading of that syntax, for the validator, the graph and the checker alike."""
    candidate, _, words = value.partition(":")
    return candidate.strip(), tuple(words.split())


@dataclass(frozen=True)
class AmbiguousLabel:
    id: str
    label: str
    lang: str
    candidates: tuple[str, ...]
    note: Text
    origin: Origin = field(compare=False, default=Origin("", 0))
    # Context cues for the checker, ``candidate: word word`` (or ``none: word word``, see
    # NAMES_NOTHING): they travel in the release
    # records, not in the graph, so records compared through the graph leave them out.
    cues: tuple[str, ...] = field(compare=False, default=())

    @property
    def may_denote_nothing(self) -> bool:
        """Whether the label names nothing unless a cue speaks (the cue ``none: *``), so that one
        candidate is enough: its other meaning is no concept at all."""
        return any(candidate == NAMES_NOTHING and "*" in words for candidate, words in map(split_cue, self.cues))


@dataclass(frozen=True)
class WordFamily:
    """Words that name a concept without being one of its labels, for the vocabulary checker.

    ``kind`` is ``family`` (derived words: *satisfied*, *tevreden* for satisfaction),
    ``question`` (the standard wording of a metric's survey question) or ``narrower`` (a
    narrower term the taxonomy does not model, which points to the concept). Forms are
    matched like labels; a form with ``...`` matches its two parts a few words apart, and
    ``/`` separates alternative words (``klacht/klachten ... afgehandeld/behandeld``).
    """

    id: str
    concept: str
    lang: str
    kind: str
    forms: tuple[str, ...]
    source: tuple[str, ...]
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Person:
    """An author: one row of literature/authors.csv, with every spelling the papers use."""

    id: str
    name: str
    variants: tuple[str, ...] = ()
    orcid: str = ""
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Venue:
    """A journal, book or proceedings volume papers appear in (literature/venues.csv).

    ``issn`` holds the print ISSN first and the electronic one second when there are both.
    """

    id: str
    name: str
    issn: tuple[str, ...] = ()
    isbn: str = ""
    type: str = ""
    publisher: str = ""
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass(frozen=True)
class Paper:
    """A paper. ``authors`` and ``venue`` are display names, resolved at load time from
    ``author_ids`` and ``venue_id`` (the ids the literature table holds)."""

    id: str
    doi: str
    isbn: str
    url: str
    type: str
    title: str
    authors: tuple[str, ...]
    year: int
    venue: str
    volume: str
    issue: str
    pages: str
    topics: tuple[str, ...]
    questions: tuple[str, ...]
    concepts: tuple[str, ...]
    keywords: tuple[str, ...]
    note: str
    designs: tuple[str, ...] = ()
    note_nl: str = ""
    author_ids: tuple[str, ...] = ()
    venue_id: str = ""
    origin: Origin = field(compare=False, default=Origin("", 0))


@dataclass
class KnowledgeBase:
    """All records of one set of tables, keyed by id in table order."""

    domains: dict[str, Domain] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    ambiguous: dict[str, AmbiguousLabel] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)
    designs: dict[str, Design] = field(default_factory=dict)
    families: dict[str, WordFamily] = field(default_factory=dict)
    practice: dict[str, PracticeOnly] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "domains": len(self.domains),
            "topics": len(self.topics),
            "questions": len(self.questions),
            "concepts": len(self.concepts),
            "ambiguous labels": len(self.ambiguous),
            "papers": len(self.papers),
            "sources": len(self.sources),
            "study designs": len(self.designs),
            "persons": len(self.persons),
            "venues": len(self.venues),
        }

    def sorted(self) -> KnowledgeBase:
        """A copy with every table in canonical (id) order, for comparisons."""
        return KnowledgeBase(**{name: dict(sorted(getattr(self, name).items())) for name in _TABLE_FIELDS})


_TABLE_FIELDS = (
    "domains",
    "topics",
    "questions",
    "sources",
    "concepts",
    "ambiguous",
    "papers",
    "designs",
    "families",
    "practice",
    "persons",
    "venues",
)


_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
_DOI_TRAILING = ".,;:"


def normalise_doi(doi: str) -> str:
    """DOIs are case-insensitive; cxkb stores them without resolver prefix, as written."""
    doi = doi.strip()
    found = _DOI_PREFIX.match(doi)
    return doi[found.end() :] if found else doi


def doi_key(doi: str) -> str:
    """How DOIs are compared for duplicates: no resolver prefix, no trailing punctuation, lower case.

    A DOI copied from a sentence keeps its full stop, one copied from a browser its
    ``https://doi.org/``; both name the same work as the bare DOI. A closing bracket is
    dropped only when the DOI opens none (``10.1002/(SICI)…`` keeps its own).
    """
    key = normalise_doi(doi).rstrip().rstrip(_DOI_TRAILING).rstrip()
    while key[-1:] in (")", "]", ">") and key.count(key[-1]) > key.count({")": "(", "]": "[", ">": "<"}[key[-1]]):
        key = key[:-1].rstrip(_DOI_TRAILING)
    return key.lower()


# --- the records as JSON ------------------------------------------------------------------
# The build writes the records into the release so that no product parses the tables
# again. The encoding is exact: ``decode(encode(kb)) == kb`` field by field, origins
# included, so findings can still point at a table row.

_RECORD_TYPES: dict[str, type] = {
    "domains": Domain,
    "topics": Topic,
    "questions": Question,
    "sources": Source,
    "concepts": Concept,
    "ambiguous": AmbiguousLabel,
    "papers": Paper,
    "designs": Design,
    "families": WordFamily,
    "practice": PracticeOnly,
    "persons": Person,
    "venues": Venue,
}
_NESTED: dict[str, type] = {"Text": Text, "Labels": Labels, "Origin": Origin}


def _encode(value: object) -> object:
    """A record as a dict: nested records (texts, labels, origins) become dicts too; tuples
    stay tuples, which JSON writes as lists."""
    out = dict(value.__dict__)
    for name in _nested_fields(type(value)):
        out[name] = dict(out[name].__dict__)
    return out


_NESTED_FIELDS: dict[type, tuple[str, ...]] = {}


def _nested_fields(cls: type) -> tuple[str, ...]:
    """The fields of a record class that hold a nested record, by their declared type (as
    ``_decode`` reads them); worked out once per class rather than tested on every value
    of every record."""
    found = _NESTED_FIELDS.get(cls)
    if found is None:
        fields = cls.__dataclass_fields__.items()  # type: ignore[attr-defined]
        found = _NESTED_FIELDS[cls] = tuple(name for name, f in fields if str(f.type) in _NESTED)
    return found


def _decode(cls: type, data: dict[str, object]) -> object:
    values = {}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        if name not in data:  # a field with a default that an older release does not carry
            continue
        raw = data[name]
        kind = str(f.type)
        if kind in _NESTED:
            nested = _NESTED[kind]
            values[name] = nested(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})  # type: ignore[union-attr]
        elif isinstance(raw, list):
            values[name] = tuple(raw)
        else:
            values[name] = raw
    return cls(**values)


def encode_records(kb: KnowledgeBase) -> dict[str, object]:
    """The records as JSON-ready lists, in table order."""
    return {table: list(encode_table(kb, table)) for table in _RECORD_TYPES}


RECORD_TABLES = tuple(_RECORD_TYPES)
"""The names of the record tables, in table order."""


def encode_table(kb: KnowledgeBase, table: str) -> Iterator[object]:
    """One table's records as JSON-ready dicts, one at a time: a writer of a large table then
    never holds all of them encoded beside the records themselves."""
    return (_encode(r) for r in getattr(kb, table).values())


def decode_records(data: dict[str, list[dict[str, object]]]) -> KnowledgeBase:
    """The inverse of :func:`encode_records`."""
    kb = KnowledgeBase()
    for table, cls in _RECORD_TYPES.items():
        target = getattr(kb, table)
        for item in data.get(table, []):
            record = _decode(cls, item)
            target[record.id] = record  # type: ignore[attr-defined]
    return kb
