"""Records to RDF and back.

``to_graph`` decides how a record becomes triples; ``from_graph`` inverts it exactly, which
the round-trip tests hold it to. The build writes large releases from ``paper_pairs`` and
its siblings at the end of this module instead, which state the same mapping in N-Triples
terms without rdflib objects; tests/test_build_fast.py holds the two to the same graph.
Every literal carries a language tag or a datatype, and no blank nodes are minted, so
serialisations are stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
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
from cxkb.model import _TABLE_FIELDS, Design, Person, Venue
from cxkb.namespaces import (
    AUTHOR_SEPARATOR,
    BASE,
    BIBO,
    CONCEPT_SCHEME,
    CX,
    FRAMEWORK_SCHEME,
    ORCID_BASE,
    PAPER_CLASSES,
    PAPER_TYPES,
    PRISM,
    SCHEMA,
    SKOSXL,
    VENUE_CLASSES,
    VENUE_TYPES,
    doi_iri,
    family_name,
    ident_of,
    iri,
    new_graph,
    source_iri,
    source_ref,
)

SCHEMA_FILE = "ontology/cxkb.ttl"


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
    for d in kb.designs.values():
        _add_design(g, d)
    for person in kb.persons.values():
        _add_person(g, person)
    for venue in kb.venues.values():
        _add_venue(g, venue)
    for p in kb.papers.values():
        _add_paper(g, p)
    _add_inverse_links(g, kb)
    return g


def _add_inverse_links(g: Graph, kb: KnowledgeBase) -> None:
    """skos:narrower beside every skos:broader, skos:hasTopConcept beside every skos:topConceptOf.

    OWL reasoners derive them from ``owl:inverseOf``, but SKOS tools (Skosmos, skosify,
    pyLODE) and plain SPARQL users read only what is asserted, so the build states both
    directions.
    """
    for t in kb.topics.values():
        if t.domain:
            g.add((iri("domain", t.domain), SKOS.narrower, iri("topic", t.id)))
    for d in kb.domains.values():
        g.add((FRAMEWORK_SCHEME, SKOS.hasTopConcept, iri("domain", d.id)))
    for c in kb.concepts.values():
        for b in c.broader:
            g.add((iri("concept", b), SKOS.narrower, iri("concept", c.id)))
        if not c.broader:
            g.add((CONCEPT_SCHEME, SKOS.hasTopConcept, iri("concept", c.id)))


def _add_person(g: Graph, person: Person) -> None:
    """A person: foaf:name the fullest spelling, cx:nameVariant the others, a foaf:familyName per family name."""
    node = iri("person", person.id)
    g.add((node, RDF.type, OWL.NamedIndividual))
    g.add((node, RDF.type, FOAF.Person))
    g.add((node, DCTERMS.identifier, Literal(person.id)))
    g.add((node, FOAF.name, Literal(person.name)))
    for variant in person.variants:
        g.add((node, CX.nameVariant, Literal(variant)))
    for spelling in (person.name, *person.variants):
        g.add((node, FOAF.familyName, Literal(family_name(spelling))))
    if person.orcid:
        g.add((node, SCHEMA.sameAs, URIRef(ORCID_BASE + person.orcid)))


def _add_venue(g: Graph, venue: Venue) -> None:
    """A venue: typed by its kind, the first ISSN as bibo:issn (print), the second as bibo:eissn."""
    node = iri("venue", venue.id)
    g.add((node, RDF.type, OWL.NamedIndividual))
    if venue.type in VENUE_CLASSES:
        g.add((node, RDF.type, VENUE_CLASSES[venue.type]))
    g.add((node, DCTERMS.identifier, Literal(venue.id)))
    g.add((node, DCTERMS.title, Literal(venue.name)))
    for prop, value in zip((BIBO.issn, BIBO.eissn), venue.issn, strict=False):
        g.add((node, prop, Literal(value)))
    if venue.isbn:
        g.add((node, BIBO.isbn, Literal(venue.isbn)))
    if venue.publisher:
        g.add((node, DCTERMS.publisher, Literal(venue.publisher)))


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
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, FRAMEWORK_SCHEME))
    g.add((node, SKOS.topConceptOf, FRAMEWORK_SCHEME))
    _lit(g, node, SKOS.prefLabel, d.label)
    _lit(g, node, RDFS.label, d.label)
    _lit(g, node, SKOS.definition, d.definition)
    _sources(g, node, d.source)


def _add_topic(g: Graph, t: Topic) -> None:
    node = iri("topic", t.id)
    _common(g, node, CX.Topic, t.id)
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, FRAMEWORK_SCHEME))
    if t.domain:
        g.add((node, CX.inDomain, iri("domain", t.domain)))
        g.add((node, SKOS.broader, iri("domain", t.domain)))
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
    g.add((node, RDF.type, SKOS.Concept))
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


def _add_design(g: Graph, d: Design) -> None:
    node = iri("design", d.id)
    _common(g, node, CX.StudyDesign, d.id)
    _lit(g, node, SKOS.prefLabel, d.label)
    _lit(g, node, SKOS.definition, d.definition)
    _sources(g, node, d.source)


def _add_ambiguous(g: Graph, a: AmbiguousLabel) -> None:
    node = iri("label", a.id)
    _common(g, node, CX.AmbiguousLabel, a.id)
    g.add((node, SKOSXL.literalForm, Literal(a.label, lang=a.lang or None)))
    for cid in a.candidates:
        g.add((node, CX.mayDenote, iri("concept", cid)))
    if a.may_denote_nothing:
        g.add((node, CX.mayDenoteNothing, Literal(True)))
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
    for author in p.author_ids:
        g.add((node, DCTERMS.creator, iri("person", author)))
    if p.year:
        g.add((node, DCTERMS.issued, Literal(str(p.year), datatype=XSD.gYear)))
    g.add((node, PRISM.publicationName, Literal(p.venue)))
    if p.venue_id:
        g.add((node, DCTERMS.isPartOf, iri("venue", p.venue_id)))
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
    if p.note_nl:
        g.add((node, RDFS.comment, Literal(p.note_nl, lang="nl")))
    for d in p.designs:
        g.add((node, CX.studyDesign, iri("design", d)))


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
    return tuple(sorted(source_ref(o) for o in g.objects(node, prop)))


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
        kind = next((PAPER_TYPES[t] for t in g.objects(node, RDF.type) if t in PAPER_TYPES), "")
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
            _ids(g, node, CX.studyDesign),
            _one(g, node, RDFS.comment, "nl"),
            _ids(g, node, DCTERMS.creator),
            _one_id(g, node, DCTERMS.isPartOf),
        )
    for node in _subjects(g, FOAF.Person):
        orcid = _one(g, node, SCHEMA.sameAs)
        kb.persons[ident_of(node)] = Person(
            ident_of(node),
            _one(g, node, FOAF.name),
            tuple(sorted(str(o) for o in g.objects(node, CX.nameVariant))),
            orcid.removeprefix(ORCID_BASE),
        )
    venues = sorted(s for s in g.subjects(DCTERMS.identifier, None) if str(s).startswith(BASE + "venue/"))
    for node in venues:
        kind = next((VENUE_TYPES[t] for t in g.objects(node, RDF.type) if t in VENUE_TYPES), "")
        issn = tuple(v for v in (_one(g, node, BIBO.issn), _one(g, node, BIBO.eissn)) if v)
        kb.venues[ident_of(node)] = Venue(
            ident_of(node),
            _one(g, node, DCTERMS.title),
            issn,
            _one(g, node, BIBO.isbn),
            kind,
            _one(g, node, DCTERMS.publisher),
        )
    for node in _subjects(g, CX.StudyDesign):
        kb.designs[ident_of(node)] = Design(
            ident_of(node),
            _text(g, node, SKOS.prefLabel),
            _text(g, node, SKOS.definition),
            _refs(g, node, DCTERMS.source),
        )
    return kb


def _one_id(g: Graph, node: URIRef, prop: URIRef) -> str:
    ids = _ids(g, node, prop)
    return ids[0] if ids else ""


# The checker's word families and the practice-only marks travel in the release records
# only, not in the graph.
GRAPH_TABLES = tuple(name for name in _TABLE_FIELDS if name not in ("families", "practice"))


def canonical(kb: KnowledgeBase) -> KnowledgeBase:
    """Records with set-like lists sorted, so a table and its graph round trip compare equal."""
    from dataclasses import fields, replace

    def norm(record):  # type: ignore[no-untyped-def]
        changes = {}
        for f in fields(record):
            if f.name in ("authors", "origin", "issn"):
                continue
            value = getattr(record, f.name)
            if isinstance(value, tuple):
                changes[f.name] = tuple(sorted(value))
            elif isinstance(value, Labels):
                changes[f.name] = Labels(tuple(sorted(value.en)), tuple(sorted(value.nl)))
        return replace(record, **changes)

    out = KnowledgeBase()
    for name in GRAPH_TABLES:
        setattr(out, name, {k: norm(v) for k, v in sorted(getattr(kb, name).items())})
    return out


# ---------------------------------------------------------------------------------------
# Records -> N-Triples terms, without rdflib. The release of a large literature table is
# too big for an in-memory rdflib graph, so the build writes it from these strings, one
# subject at a time. ``to_graph`` above stays the reference mapping: a test holds this
# one to it triple for triple.
# ---------------------------------------------------------------------------------------
