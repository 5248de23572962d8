"""Records to RDF and back.

``to_graph`` decides how a record becomes triples; ``from_graph`` inverts it exactly, which
the round-trip tests hold it to. The build writes large releases from ``paper_pairs`` and
its siblings at the end of this module instead, which state the same mapping in N-Triples
terms without rdflib objects; tests/test_build_fast.py holds the two to the same graph.
Every literal carries a language tag or a datatype, and no blank nodes are minted, so
serialisations are stable.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from cxkb.kg.records import (
    AmbiguousLabel,
    Concept,
    Domain,
    KnowledgeBase,
    Labels,
    Paper,
    Question,
    Source,
    Text,
    Topic,
)

BASE = "https://w3id.org/cxkb/"
CX = Namespace(BASE + "ontology#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY = URIRef(BASE + "ontology")
CONCEPT_SCHEME = URIRef(BASE + "concepts")
FRAMEWORK_SCHEME = URIRef(BASE + "framework")
SCHEMA_FILE = "ontology/cxkb.ttl"

PREFIXES = {
    "cx": CX,
    "skos": SKOS,
    "skosxl": SKOSXL,
    "dcterms": DCTERMS,
    "bibo": BIBO,
    "fabio": FABIO,
    "prism": PRISM,
    "foaf": FOAF,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "vann": VANN,
    "domain": Namespace(BASE + "domain/"),
    "topic": Namespace(BASE + "topic/"),
    "question": Namespace(BASE + "question/"),
    "concept": Namespace(BASE + "concept/"),
    "paper": Namespace(BASE + "paper/"),
    "person": Namespace(BASE + "person/"),
    "source": Namespace(BASE + "source/"),
    "label": Namespace(BASE + "label/"),
}

PAPER_CLASSES = {
    "article": FABIO.JournalArticle,
    "book": FABIO.Book,
    "chapter": FABIO.BookChapter,
    "proceedings": FABIO.ConferencePaper,
    "report": FABIO.Report,
}
_PAPER_TYPES = {v: k for k, v in PAPER_CLASSES.items()}
AUTHOR_SEPARATOR = "; "


def iri(kind: str, ident: str) -> URIRef:
    """The IRI of a record. Seed ids (``seed:001``) become ``source/seed-001``."""
    return URIRef(f"{BASE}{kind}/{ident.replace(':', '-')}")


def ident_of(node: URIRef) -> str:
    tail = str(node).rsplit("/", 1)[-1]
    return tail.replace("seed-", "seed:", 1) if tail.startswith("seed-") else tail


def doi_iri(doi: str) -> URIRef:
    return URIRef("https://doi.org/" + doi.translate(_IRI_FORBIDDEN))


def source_iri(ref: str) -> URIRef:
    return iri("source", ref) if ref.startswith("seed:") else doi_iri(ref)


def _source_ref(node: URIRef) -> str:
    text = str(node)
    if text.startswith("https://doi.org/"):
        return _IRI_ENCODED.sub(lambda m: chr(int(m.group(1), 16)), text[len("https://doi.org/") :])
    return ident_of(node)


def person_iri(author: str) -> URIRef:
    """Authors are identified by family name and initials: enough to group a person's papers."""
    family, _, given = author.partition(",")
    initials = "".join(part[0] for part in re.split(r"[\s.\-]+", given.strip()) if part)
    slug = _slug(f"{family} {initials}")
    return iri("person", slug or "unknown")


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def new_graph(cls: type[Graph] = Graph) -> Graph:
    g = cls()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def schema_graph(root: Path) -> Graph:
    """The hand-written schema, read from the repository root."""
    g = new_graph()
    g.parse(root / SCHEMA_FILE, format="turtle")
    return g


def _lit(g: Graph, subject: URIRef, prop: URIRef, text: Text) -> None:
    for lang in ("en", "nl"):
        value = getattr(text, lang)
        if value:
            g.add((subject, prop, Literal(value, lang=lang)))


def _labels(g: Graph, subject: URIRef, prop: URIRef, labels: Labels) -> None:
    for lang, values in labels.by_lang().items():
        for value in values:
            g.add((subject, prop, Literal(value, lang=lang)))


def to_graph(kb: KnowledgeBase, root: Path | None = None) -> Graph:
    """The asserted knowledge graph: one resource per record, plus the schema if ``root`` is given."""
    g = schema_graph(root) if root is not None else new_graph()
    g.add((CONCEPT_SCHEME, RDF.type, SKOS.ConceptScheme))
    _lit(g, CONCEPT_SCHEME, SKOS.prefLabel, Text("CX concepts", "CX-begrippen"))
    g.add((FRAMEWORK_SCHEME, RDF.type, SKOS.ConceptScheme))
    _lit(
        g,
        FRAMEWORK_SCHEME,
        SKOS.prefLabel,
        Text(
            "CX research domains and topics (Silva et al. 2021)",
            "Domeinen en onderwerpen van CX-onderzoek (Silva e.a. 2021)",
        ),
    )
    for s in kb.sources.values():
        _add_source(g, s)
    for d in kb.domains.values():
        _add_domain(g, d)
    for t in kb.topics.values():
        _add_topic(g, t)
    for q in kb.questions.values():
        _add_question(g, q)
    for c in kb.concepts.values():
        _add_concept(g, c)
    for a in kb.ambiguous.values():
        _add_ambiguous(g, a)
    for p in kb.papers.values():
        _add_paper(g, p)
    return g


def _common(g: Graph, node: URIRef, cls: URIRef, ident: str) -> None:
    g.add((node, RDF.type, OWL.NamedIndividual))
    g.add((node, RDF.type, cls))
    g.add((node, DCTERMS.identifier, Literal(ident)))


def _sources(g: Graph, node: URIRef, refs: Iterable[str], prop: URIRef = DCTERMS.source) -> None:
    for ref in refs:
        g.add((node, prop, source_iri(ref)))


def _add_source(g: Graph, s: Source) -> None:
    node = iri("source", s.id)
    _common(g, node, CX.Source, s.id)
    g.add((node, DCTERMS.title, Literal(s.title, lang=s.language or None)))
    if s.author:
        g.add((node, CX.authors, Literal(s.author)))
    if s.outlet:
        g.add((node, CX.venue, Literal(s.outlet)))
    if s.date:
        dtype = XSD.date if len(s.date) == 10 else XSD.gYear
        g.add((node, DCTERMS.date, Literal(s.date, datatype=dtype)))
    if s.language:
        g.add((node, DCTERMS.language, Literal(s.language)))


def _add_domain(g: Graph, d: Domain) -> None:
    node = iri("domain", d.id)
    _common(g, node, CX.ResearchDomain, d.id)
    g.add((node, SKOS.inScheme, FRAMEWORK_SCHEME))
    g.add((node, SKOS.topConceptOf, FRAMEWORK_SCHEME))
    _lit(g, node, SKOS.prefLabel, d.label)
    _lit(g, node, RDFS.label, d.label)
    _lit(g, node, SKOS.definition, d.definition)
    _sources(g, node, d.source)


def _add_topic(g: Graph, t: Topic) -> None:
    node = iri("topic", t.id)
    _common(g, node, CX.Topic, t.id)
    g.add((node, SKOS.inScheme, FRAMEWORK_SCHEME))
    if t.domain:
        g.add((node, CX.inDomain, iri("domain", t.domain)))
    _lit(g, node, SKOS.prefLabel, t.label)
    _lit(g, node, RDFS.label, t.label)
    _lit(g, node, SKOS.definition, t.definition)
    _sources(g, node, t.source)


def _add_question(g: Graph, q: Question) -> None:
    node = iri("question", q.id)
    _common(g, node, CX.ResearchQuestion, q.id)
    if q.topic:
        g.add((node, CX.aboutTopic, iri("topic", q.topic)))
    _lit(g, node, RDFS.label, q.text)
    _sources(g, node, q.source)
    _sources(g, node, q.summarised_in, CX.summarisedIn)
    if q.evidence_gap:
        g.add((node, CX.evidenceGap, Literal(q.evidence_gap, lang="en")))


def _add_concept(g: Graph, c: Concept) -> None:
    node = iri("concept", c.id)
    _common(g, node, CX.Concept, c.id)
    g.add((node, SKOS.inScheme, CONCEPT_SCHEME))
    if not c.broader:
        g.add((node, SKOS.topConceptOf, CONCEPT_SCHEME))
    _lit(g, node, SKOS.prefLabel, c.pref)
    _lit(g, node, RDFS.label, c.pref)
    _labels(g, node, SKOS.altLabel, c.alt)
    _labels(g, node, SKOS.hiddenLabel, c.hidden)
    _lit(g, node, SKOS.definition, c.definition)
    _lit(g, node, SKOS.scopeNote, c.scope_note)
    for t in c.topics:
        g.add((node, CX.relevantToTopic, iri("topic", t)))
    for b in c.broader:
        g.add((node, SKOS.broader, iri("concept", b)))
    for r in c.related:
        g.add((node, SKOS.related, iri("concept", r)))
    _sources(g, node, c.source)
    if c.deprecated:
        g.add((node, OWL.deprecated, Literal(True)))
    for r in c.replaced_by:
        g.add((node, CX.replacedBy, iri("concept", r)))


def _add_ambiguous(g: Graph, a: AmbiguousLabel) -> None:
    node = iri("label", a.id)
    _common(g, node, CX.AmbiguousLabel, a.id)
    g.add((node, SKOSXL.literalForm, Literal(a.label, lang=a.lang or None)))
    for cid in a.candidates:
        g.add((node, CX.mayDenote, iri("concept", cid)))
    _lit(g, node, SKOS.note, a.note)


def _add_paper(g: Graph, p: Paper) -> None:
    node = iri("paper", p.id)
    _common(g, node, CX.Paper, p.id)
    if p.type in PAPER_CLASSES:
        g.add((node, RDF.type, PAPER_CLASSES[p.type]))
    g.add((node, DCTERMS.title, Literal(p.title)))
    if p.doi:
        g.add((node, BIBO.doi, Literal(p.doi)))
        g.add((node, RDFS.seeAlso, doi_iri(p.doi)))
    if p.isbn:
        g.add((node, BIBO.isbn, Literal(p.isbn)))
    if p.url:
        g.add((node, BIBO.uri, Literal(p.url, datatype=XSD.anyURI)))
    g.add((node, CX.authors, Literal(AUTHOR_SEPARATOR.join(p.authors))))
    for author in p.authors:
        person = person_iri(author)
        g.add((node, DCTERMS.creator, person))
        g.add((person, RDF.type, OWL.NamedIndividual))
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(author)))
        g.add((person, FOAF.familyName, Literal(author.partition(",")[0].strip())))
    if p.year:
        g.add((node, DCTERMS.issued, Literal(str(p.year), datatype=XSD.gYear)))
    g.add((node, PRISM.publicationName, Literal(p.venue)))
    for prop, value in ((BIBO.volume, p.volume), (BIBO.issue, p.issue), (BIBO.pages, p.pages)):
        if value:
            g.add((node, prop, Literal(value)))
    for t in p.topics:
        g.add((node, CX.coversTopic, iri("topic", t)))
    for q in p.questions:
        g.add((node, CX.addressesQuestion, iri("question", q)))
    for cid in p.concepts:
        g.add((node, CX.discussesConcept, iri("concept", cid)))
    for kw in p.keywords:
        g.add((node, PRISM.keyword, Literal(kw)))
    if p.note:
        g.add((node, RDFS.comment, Literal(p.note, lang="en")))


# ---------------------------------------------------------------------------------------
# Graph -> records. Lists come back in the order the table gave them only where the graph
# keeps an order (authors); other lists are sets in RDF, so both sides compare sorted.
# ---------------------------------------------------------------------------------------


def _one(g: Graph, node: URIRef, prop: URIRef, lang: str | None = None) -> str:
    values = sorted(str(o) for o in g.objects(node, prop) if lang is None or getattr(o, "language", None) == lang)
    return values[0] if values else ""


def _text(g: Graph, node: URIRef, prop: URIRef) -> Text:
    return Text(_one(g, node, prop, "en"), _one(g, node, prop, "nl"))


def _ids(g: Graph, node: URIRef, prop: URIRef) -> tuple[str, ...]:
    return tuple(sorted(ident_of(o) for o in g.objects(node, prop)))


def _refs(g: Graph, node: URIRef, prop: URIRef) -> tuple[str, ...]:
    return tuple(sorted(_source_ref(o) for o in g.objects(node, prop)))


def _label_set(g: Graph, node: URIRef, prop: URIRef) -> Labels:
    by = {
        lang: tuple(sorted(str(o) for o in g.objects(node, prop) if getattr(o, "language", None) == lang))
        for lang in ("en", "nl")
    }
    return Labels(by["en"], by["nl"])


def _subjects(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


def from_graph(g: Graph) -> KnowledgeBase:
    """Rebuild records from an asserted graph (the inverse of ``to_graph``)."""
    kb = KnowledgeBase()
    for node in _subjects(g, CX.Source):
        title = next(iter(g.objects(node, DCTERMS.title)), Literal(""))
        kb.sources[ident_of(node)] = Source(
            ident_of(node),
            str(title),
            _one(g, node, CX.authors),
            _one(g, node, CX.venue),
            _one(g, node, DCTERMS.date),
            _one(g, node, DCTERMS.language),
        )
    for node in _subjects(g, CX.ResearchDomain):
        kb.domains[ident_of(node)] = Domain(
            ident_of(node),
            _text(g, node, SKOS.prefLabel),
            _text(g, node, SKOS.definition),
            _refs(g, node, DCTERMS.source),
        )
    for node in _subjects(g, CX.Topic):
        kb.topics[ident_of(node)] = Topic(
            ident_of(node),
            _one_id(g, node, CX.inDomain),
            _text(g, node, SKOS.prefLabel),
            _text(g, node, SKOS.definition),
            _refs(g, node, DCTERMS.source),
        )
    for node in _subjects(g, CX.ResearchQuestion):
        kb.questions[ident_of(node)] = Question(
            ident_of(node),
            _one_id(g, node, CX.aboutTopic),
            _text(g, node, RDFS.label),
            _refs(g, node, DCTERMS.source),
            _refs(g, node, CX.summarisedIn),
            _one(g, node, CX.evidenceGap),
        )
    for node in _subjects(g, CX.Concept):
        kb.concepts[ident_of(node)] = Concept(
            ident_of(node),
            _text(g, node, SKOS.prefLabel),
            _label_set(g, node, SKOS.altLabel),
            _label_set(g, node, SKOS.hiddenLabel),
            _text(g, node, SKOS.definition),
            _text(g, node, SKOS.scopeNote),
            _ids(g, node, CX.relevantToTopic),
            _ids(g, node, SKOS.broader),
            _ids(g, node, SKOS.related),
            _refs(g, node, DCTERMS.source),
            (node, OWL.deprecated, Literal(True)) in g,
            _ids(g, node, CX.replacedBy),
        )
    for node in _subjects(g, CX.AmbiguousLabel):
        form = next(iter(g.objects(node, SKOSXL.literalForm)), Literal(""))
        kb.ambiguous[ident_of(node)] = AmbiguousLabel(
            ident_of(node),
            str(form),
            getattr(form, "language", None) or "",
            _ids(g, node, CX.mayDenote),
            _text(g, node, SKOS.note),
        )
    for node in _subjects(g, CX.Paper):
        kind = next((_PAPER_TYPES[t] for t in g.objects(node, RDF.type) if t in _PAPER_TYPES), "")
        authors = _one(g, node, CX.authors)
        year = _one(g, node, DCTERMS.issued)
        kb.papers[ident_of(node)] = Paper(
            ident_of(node),
            _one(g, node, BIBO.doi),
            _one(g, node, BIBO.isbn),
            _one(g, node, BIBO.uri),
            kind,
            _one(g, node, DCTERMS.title),
            tuple(authors.split(AUTHOR_SEPARATOR)) if authors else (),
            int(year) if year else 0,
            _one(g, node, PRISM.publicationName),
            _one(g, node, BIBO.volume),
            _one(g, node, BIBO.issue),
            _one(g, node, BIBO.pages),
            _ids(g, node, CX.coversTopic),
            _ids(g, node, CX.addressesQuestion),
            _ids(g, node, CX.discussesConcept),
            tuple(sorted(str(o) for o in g.objects(node, PRISM.keyword))),
            _one(g, node, RDFS.comment, "en"),
        )
    return kb


def _one_id(g: Graph, node: URIRef, prop: URIRef) -> str:
    ids = _ids(g, node, prop)
    return ids[0] if ids else ""


def canonical(kb: KnowledgeBase) -> KnowledgeBase:
    """Records with set-like lists sorted, so a table and its graph round trip compare equal."""
    from dataclasses import fields, replace

    def norm(record):  # type: ignore[no-untyped-def]
        changes = {}
        for f in fields(record):
            if f.name in ("authors", "origin"):
                continue
            value = getattr(record, f.name)
            if isinstance(value, tuple):
                changes[f.name] = tuple(sorted(value))
            elif isinstance(value, Labels):
                changes[f.name] = Labels(tuple(sorted(value.en)), tuple(sorted(value.nl)))
        return replace(record, **changes)

    out = KnowledgeBase()
    for name in ("domains", "topics", "questions", "sources", "concepts", "ambiguous", "papers"):
        setattr(out, name, {k: norm(v) for k, v in sorted(getattr(kb, name).items())})
    return out


# ---------------------------------------------------------------------------------------
# Records -> N-Triples terms, without rdflib. The release of a large literature table is
# too big for an in-memory rdflib graph, so the build writes it from these strings, one
# subject at a time. ``to_graph`` above stays the reference mapping: a test holds this
# one to it triple for triple.
# ---------------------------------------------------------------------------------------

# Characters that may not appear in an IRI reference (RDF 1.1 N-Triples, IRIREF). DOIs may
# legally hold some of them (old SICI DOIs have angle brackets), so they are percent-encoded.
_IRI_FORBIDDEN = {ord(ch): f"%{ord(ch):02X}" for ch in '<>"{}|^`\\ '} | {i: f"%{i:02X}" for i in range(0x21)}
_LITERAL_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"} | {
    i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F) if i not in (0x0A, 0x0D)
}

_IRI_ENCODED = re.compile("%(" + "|".join(sorted({v[1:] for v in _IRI_FORBIDDEN.values()})) + ")")
RDF_TYPE = f"<{RDF.type}>"


_IRI_CHECK = re.compile('[\x00-\x20<>"{}|^`\\\\]')
_LITERAL_CHECK = re.compile('[\x00-\x1f\x7f"\\\\]')


def nt_iri(value: str) -> str:
    """An IRI as an N-Triples term; characters IRIs may not hold are percent-encoded."""
    if _IRI_CHECK.search(value):
        value = value.translate(_IRI_FORBIDDEN)
    return "<" + value + ">"


def nt_literal(value: str, lang: str = "", datatype: str = "") -> str:
    """A literal as an N-Triples term. A literal without tag or datatype is a plain string."""
    text = '"' + (value.translate(_LITERAL_ESCAPES) if _LITERAL_CHECK.search(value) else value) + '"'
    if lang:
        return f"{text}@{lang}"
    if datatype and datatype != str(XSD.string):
        return f"{text}^^<{datatype}>"
    return text


def nt_term(node: object, bnode_labels: dict | None = None) -> str:  # type: ignore[type-arg]
    """An rdflib term as an N-Triples term; blank nodes take their label from ``bnode_labels``."""
    from rdflib import BNode

    if isinstance(node, Literal):
        return nt_literal(str(node), node.language or "", str(node.datatype) if node.datatype else "")
    if isinstance(node, BNode):
        return "_:" + (bnode_labels[node] if bnode_labels is not None else str(node))
    return nt_iri(str(node))


def _n(term: URIRef) -> str:
    return nt_iri(str(term))


class _Terms:
    """Predicate and class terms used by the record mapping, encoded once."""

    type = RDF_TYPE
    named = _n(OWL.NamedIndividual)
    identifier = _n(DCTERMS.identifier)
    title = _n(DCTERMS.title)
    source = _n(DCTERMS.source)
    date = _n(DCTERMS.date)
    language = _n(DCTERMS.language)
    creator = _n(DCTERMS.creator)
    issued = _n(DCTERMS.issued)
    pref = _n(SKOS.prefLabel)
    alt = _n(SKOS.altLabel)
    hidden = _n(SKOS.hiddenLabel)
    definition = _n(SKOS.definition)
    scope = _n(SKOS.scopeNote)
    note = _n(SKOS.note)
    in_scheme = _n(SKOS.inScheme)
    top_of = _n(SKOS.topConceptOf)
    broader = _n(SKOS.broader)
    related = _n(SKOS.related)
    label = _n(RDFS.label)
    comment = _n(RDFS.comment)
    see_also = _n(RDFS.seeAlso)
    deprecated = _n(OWL.deprecated)
    literal_form = _n(SKOSXL.literalForm)
    doi = _n(BIBO.doi)
    isbn = _n(BIBO.isbn)
    uri = _n(BIBO.uri)
    volume = _n(BIBO.volume)
    issue = _n(BIBO.issue)
    pages = _n(BIBO.pages)
    venue_name = _n(PRISM.publicationName)
    keyword = _n(PRISM.keyword)
    foaf_person = _n(FOAF.Person)
    foaf_name = _n(FOAF.name)
    foaf_family = _n(FOAF.familyName)
    scheme_type = _n(SKOS.ConceptScheme)
    concept_scheme = _n(CONCEPT_SCHEME)
    framework_scheme = _n(FRAMEWORK_SCHEME)
    true = nt_literal("true", datatype=str(XSD.boolean))
    cx_authors = _n(CX.authors)
    cx_venue = _n(CX.venue)
    in_domain = _n(CX.inDomain)
    about_topic = _n(CX.aboutTopic)
    summarised_in = _n(CX.summarisedIn)
    evidence_gap = _n(CX.evidenceGap)
    relevant = _n(CX.relevantToTopic)
    replaced_by = _n(CX.replacedBy)
    may_denote = _n(CX.mayDenote)
    covers_topic = _n(CX.coversTopic)
    addresses = _n(CX.addressesQuestion)
    discusses = _n(CX.discussesConcept)
    classes: ClassVar[dict[str, str]] = {
        "source": _n(CX.Source),
        "domain": _n(CX.ResearchDomain),
        "topic": _n(CX.Topic),
        "question": _n(CX.ResearchQuestion),
        "concept": _n(CX.Concept),
        "label": _n(CX.AmbiguousLabel),
        "paper": _n(CX.Paper),
    }
    paper_classes: ClassVar[dict[str, str]] = {kind: _n(cls) for kind, cls in PAPER_CLASSES.items()}
    gyear = str(XSD.gYear)
    xsd_date = str(XSD.date)
    any_uri = str(XSD.anyURI)


T = _Terms
Pairs = list[tuple[str, str]]


def nt_ref(kind: str, ident: str) -> str:
    return nt_iri(f"{BASE}{kind}/{ident.replace(':', '-')}")


# Papers refer to the same few hundred topics, questions and concepts, and share keywords
# and venues: their terms are made once.
_shared_ref = functools.cache(nt_ref)
_shared_literal = functools.lru_cache(maxsize=100_000)(nt_literal)


def _nt_source(ref: str) -> str:
    return nt_ref("source", ref) if ref.startswith("seed:") else nt_iri("https://doi.org/" + ref)


@functools.cache
def person_term(author: str) -> str:
    return nt_iri(str(person_iri(author)))


def _pair_texts(out: Pairs, prop: str, text: Text) -> None:
    if text.en:
        out.append((prop, nt_literal(text.en, "en")))
    if text.nl:
        out.append((prop, nt_literal(text.nl, "nl")))


def _pair_labels(out: Pairs, prop: str, labels: Labels) -> None:
    for value in labels.en:
        out.append((prop, nt_literal(value, "en")))
    for value in labels.nl:
        out.append((prop, nt_literal(value, "nl")))


def _pair_common(out: Pairs, kind: str, ident: str) -> None:
    out.append((T.type, T.named))
    out.append((T.type, T.classes[kind]))
    out.append((T.identifier, nt_literal(ident)))


def _pair_sources(out: Pairs, refs: Iterable[str], prop: str = T.source) -> None:
    for ref in refs:
        out.append((prop, _nt_source(ref)))


def scheme_pairs() -> dict[str, Pairs]:
    """The two concept schemes, as ``to_graph`` states them."""
    concepts: Pairs = [(T.type, T.scheme_type)]
    _pair_texts(concepts, T.pref, Text("CX concepts", "CX-begrippen"))
    framework: Pairs = [(T.type, T.scheme_type)]
    _pair_texts(
        framework,
        T.pref,
        Text(
            "CX research domains and topics (Silva et al. 2021)",
            "Domeinen en onderwerpen van CX-onderzoek (Silva e.a. 2021)",
        ),
    )
    return {T.concept_scheme: concepts, T.framework_scheme: framework}


def taxonomy_pairs(kb: KnowledgeBase) -> dict[str, Pairs]:
    """Subject -> (predicate, object) pairs for every record except papers and their authors."""
    out: dict[str, Pairs] = scheme_pairs()

    def block(kind: str, ident: str) -> Pairs:
        return out.setdefault(nt_ref(kind, ident), [])

    for s in kb.sources.values():
        b = block("source", s.id)
        _pair_common(b, "source", s.id)
        b.append((T.title, nt_literal(s.title, s.language)))
        if s.author:
            b.append((T.cx_authors, nt_literal(s.author)))
        if s.outlet:
            b.append((T.cx_venue, nt_literal(s.outlet)))
        if s.date:
            b.append((T.date, nt_literal(s.date, datatype=T.xsd_date if len(s.date) == 10 else T.gyear)))
        if s.language:
            b.append((T.language, nt_literal(s.language)))
    for d in kb.domains.values():
        b = block("domain", d.id)
        _pair_common(b, "domain", d.id)
        b += [(T.in_scheme, T.framework_scheme), (T.top_of, T.framework_scheme)]
        _pair_texts(b, T.pref, d.label)
        _pair_texts(b, T.label, d.label)
        _pair_texts(b, T.definition, d.definition)
        _pair_sources(b, d.source)
    for t in kb.topics.values():
        b = block("topic", t.id)
        _pair_common(b, "topic", t.id)
        b.append((T.in_scheme, T.framework_scheme))
        if t.domain:
            b.append((T.in_domain, nt_ref("domain", t.domain)))
        _pair_texts(b, T.pref, t.label)
        _pair_texts(b, T.label, t.label)
        _pair_texts(b, T.definition, t.definition)
        _pair_sources(b, t.source)
    for q in kb.questions.values():
        b = block("question", q.id)
        _pair_common(b, "question", q.id)
        if q.topic:
            b.append((T.about_topic, nt_ref("topic", q.topic)))
        _pair_texts(b, T.label, q.text)
        _pair_sources(b, q.source)
        _pair_sources(b, q.summarised_in, T.summarised_in)
        if q.evidence_gap:
            b.append((T.evidence_gap, nt_literal(q.evidence_gap, "en")))
    for c in kb.concepts.values():
        b = block("concept", c.id)
        _pair_common(b, "concept", c.id)
        b.append((T.in_scheme, T.concept_scheme))
        if not c.broader:
            b.append((T.top_of, T.concept_scheme))
        _pair_texts(b, T.pref, c.pref)
        _pair_texts(b, T.label, c.pref)
        _pair_labels(b, T.alt, c.alt)
        _pair_labels(b, T.hidden, c.hidden)
        _pair_texts(b, T.definition, c.definition)
        _pair_texts(b, T.scope, c.scope_note)
        b += [(T.relevant, nt_ref("topic", x)) for x in c.topics]
        b += [(T.broader, nt_ref("concept", x)) for x in c.broader]
        b += [(T.related, nt_ref("concept", x)) for x in c.related]
        _pair_sources(b, c.source)
        if c.deprecated:
            b.append((T.deprecated, T.true))
        b += [(T.replaced_by, nt_ref("concept", x)) for x in c.replaced_by]
    for a in kb.ambiguous.values():
        b = block("label", a.id)
        _pair_common(b, "label", a.id)
        b.append((T.literal_form, nt_literal(a.label, a.lang)))
        b += [(T.may_denote, nt_ref("concept", x)) for x in a.candidates]
        _pair_texts(b, T.note, a.note)
    return out


def paper_pairs(p: Paper) -> Pairs:
    """The triples of one paper (not those of its authors), as ``to_graph`` states them."""
    b: Pairs = []
    _pair_common(b, "paper", p.id)
    if p.type in T.paper_classes:
        b.append((T.type, T.paper_classes[p.type]))
    b.append((T.title, nt_literal(p.title)))
    if p.doi:
        b.append((T.doi, nt_literal(p.doi)))
        b.append((T.see_also, nt_iri("https://doi.org/" + p.doi)))
    if p.isbn:
        b.append((T.isbn, nt_literal(p.isbn)))
    if p.url:
        b.append((T.uri, nt_literal(p.url, datatype=T.any_uri)))
    b.append((T.cx_authors, nt_literal(AUTHOR_SEPARATOR.join(p.authors))))
    b += [(T.creator, person_term(author)) for author in p.authors]
    if p.year:
        b.append((T.issued, _shared_literal(str(p.year), datatype=T.gyear)))
    b.append((T.venue_name, _shared_literal(p.venue)))
    for prop, value in ((T.volume, p.volume), (T.issue, p.issue), (T.pages, p.pages)):
        if value:
            b.append((prop, _shared_literal(value)))
    b += [(T.covers_topic, _shared_ref("topic", x)) for x in p.topics]
    b += [(T.addresses, _shared_ref("question", x)) for x in p.questions]
    b += [(T.discusses, _shared_ref("concept", x)) for x in p.concepts]
    b += [(T.keyword, _shared_literal(kw)) for kw in p.keywords]
    if p.note:
        b.append((T.comment, nt_literal(p.note, "en")))
    return b


def person_pairs(names: Iterable[str]) -> Pairs:
    """The triples of one author, from every spelling the papers give of them."""
    b: Pairs = [(T.type, T.named), (T.type, T.foaf_person)]
    for author in names:
        b.append((T.foaf_name, nt_literal(author)))
        b.append((T.foaf_family, nt_literal(author.partition(",")[0].strip())))
    return b


def people(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Author term -> the spellings that map to it (usually one)."""
    out: dict[str, set[str]] = {}
    for p in kb.papers.values():
        for author in p.authors:
            out.setdefault(person_term(author), set()).add(author)
    return out


# Every predicate a paper or an author can assert (``paper_pairs``, ``person_pairs``).
PAPER_PREDICATES = frozenset(
    {
        T.type,
        T.identifier,
        T.title,
        T.doi,
        T.see_also,
        T.isbn,
        T.uri,
        T.cx_authors,
        T.creator,
        T.issued,
        T.venue_name,
        T.volume,
        T.issue,
        T.pages,
        T.covers_topic,
        T.addresses,
        T.discusses,
        T.keyword,
        T.comment,
        T.foaf_name,
        T.foaf_family,
    }
)
