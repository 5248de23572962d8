"""Records as N-Triples subject blocks, for the streaming release writer.

This states the same mapping as ``graph.to_graph`` but in N-Triples terms without rdflib
objects, so the build can write large releases one subject at a time;
tests/test_build_fast.py holds the two to the same graph.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import ClassVar

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDFS, SKOS, XSD

from cxkb.kg.records import KnowledgeBase, Labels, Paper, Text
from cxkb.model import Person, Venue
from cxkb.namespaces import (
    AUTHOR_SEPARATOR,
    BASE,
    BIBO,
    CONCEPT_SCHEME,
    CX,
    FRAMEWORK_SCHEME,
    ORCID_BASE,
    PAPER_CLASSES,
    PRISM,
    SCHEMA,
    SKOSXL,
    VENUE_CLASSES,
    family_name,
)
from cxkb.ntriples import RDF_TYPE, nt_iri, nt_literal


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
    narrower = _n(SKOS.narrower)
    has_top = _n(SKOS.hasTopConcept)
    skos_concept = _n(SKOS.Concept)
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
    name_variant = _n(CX.nameVariant)
    same_as = _n(SCHEMA.sameAs)
    part_of = _n(DCTERMS.isPartOf)
    issn = _n(BIBO.issn)
    eissn = _n(BIBO.eissn)
    publisher = _n(DCTERMS.publisher)
    venue_classes: ClassVar[dict[str, str]] = {kind: _n(cls) for kind, cls in VENUE_CLASSES.items()}
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
    may_denote_nothing = _n(CX.mayDenoteNothing)
    covers_topic = _n(CX.coversTopic)
    study_design = _n(CX.studyDesign)
    covers_domain = _n(CX.coversDomain)
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
        "design": _n(CX.StudyDesign),
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
        b += [(T.type, T.skos_concept), (T.in_scheme, T.framework_scheme), (T.top_of, T.framework_scheme)]
        out[T.framework_scheme].append((T.has_top, nt_ref("domain", d.id)))
        _pair_texts(b, T.pref, d.label)
        _pair_texts(b, T.label, d.label)
        _pair_texts(b, T.definition, d.definition)
        _pair_sources(b, d.source)
    for t in kb.topics.values():
        b = block("topic", t.id)
        _pair_common(b, "topic", t.id)
        b += [(T.type, T.skos_concept), (T.in_scheme, T.framework_scheme)]
        if t.domain:
            b.append((T.in_domain, nt_ref("domain", t.domain)))
            b.append((T.broader, nt_ref("domain", t.domain)))
            block("domain", t.domain).append((T.narrower, nt_ref("topic", t.id)))
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
        b += [(T.type, T.skos_concept), (T.in_scheme, T.concept_scheme)]
        if not c.broader:
            b.append((T.top_of, T.concept_scheme))
            out[T.concept_scheme].append((T.has_top, nt_ref("concept", c.id)))
        _pair_texts(b, T.pref, c.pref)
        _pair_texts(b, T.label, c.pref)
        _pair_labels(b, T.alt, c.alt)
        _pair_labels(b, T.hidden, c.hidden)
        _pair_texts(b, T.definition, c.definition)
        _pair_texts(b, T.scope, c.scope_note)
        b += [(T.relevant, nt_ref("topic", x)) for x in c.topics]
        b += [(T.broader, nt_ref("concept", x)) for x in c.broader]
        for x in c.broader:  # the inverse, stated for SKOS tools (see graph._add_inverse_links)
            block("concept", x).append((T.narrower, nt_ref("concept", c.id)))
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
        if a.may_denote_nothing:
            b.append((T.may_denote_nothing, T.true))
        _pair_texts(b, T.note, a.note)
    for d in kb.designs.values():
        b = block("design", d.id)
        _pair_common(b, "design", d.id)
        _pair_texts(b, T.pref, d.label)
        _pair_texts(b, T.definition, d.definition)
        _pair_sources(b, d.source)
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
    b += [(T.creator, _shared_ref("person", author)) for author in p.author_ids]
    if p.year:
        b.append((T.issued, _shared_literal(str(p.year), datatype=T.gyear)))
    b.append((T.venue_name, _shared_literal(p.venue)))
    if p.venue_id:
        b.append((T.part_of, _shared_ref("venue", p.venue_id)))
    for prop, value in ((T.volume, p.volume), (T.issue, p.issue), (T.pages, p.pages)):
        if value:
            b.append((prop, _shared_literal(value)))
    b += [(T.covers_topic, _shared_ref("topic", x)) for x in p.topics]
    b += [(T.addresses, _shared_ref("question", x)) for x in p.questions]
    b += [(T.discusses, _shared_ref("concept", x)) for x in p.concepts]
    b += [(T.keyword, _shared_literal(kw)) for kw in p.keywords]
    if p.note:
        b.append((T.comment, nt_literal(p.note, "en")))
    if p.note_nl:
        b.append((T.comment, nt_literal(p.note_nl, "nl")))
    b += [(T.study_design, _shared_ref("design", x)) for x in p.designs]
    return b


def person_pairs(person: Person) -> Pairs:
    """The triples of one person, as ``to_graph`` states them."""
    b: Pairs = [(T.type, T.named), (T.type, T.foaf_person), (T.identifier, nt_literal(person.id))]
    b.append((T.foaf_name, nt_literal(person.name)))
    b += [(T.name_variant, nt_literal(v)) for v in person.variants]
    b += [
        (T.foaf_family, nt_literal(f)) for f in dict.fromkeys(family_name(s) for s in (person.name, *person.variants))
    ]
    if person.orcid:
        b.append((T.same_as, nt_iri(ORCID_BASE + person.orcid)))
    return b


def venue_pairs(venue: Venue) -> Pairs:
    """The triples of one venue, as ``to_graph`` states them."""
    b: Pairs = [(T.type, T.named)]
    if venue.type in T.venue_classes:
        b.append((T.type, T.venue_classes[venue.type]))
    b += [(T.identifier, nt_literal(venue.id)), (T.title, nt_literal(venue.name))]
    b += [(prop, nt_literal(v)) for prop, v in zip((T.issn, T.eissn), venue.issn, strict=False)]
    if venue.isbn:
        b.append((T.isbn, nt_literal(venue.isbn)))
    if venue.publisher:
        b.append((T.publisher, nt_literal(venue.publisher)))
    return b


def people(kb: KnowledgeBase) -> dict[str, Pairs]:
    """Subject -> pairs for every person and venue (the literature's other records)."""
    out: dict[str, Pairs] = {nt_ref("person", p.id): person_pairs(p) for p in kb.persons.values()}
    out.update({nt_ref("venue", v.id): venue_pairs(v) for v in kb.venues.values()})
    return out


# Every predicate a paper, a person or a venue can assert (``paper_pairs``, ``person_pairs``,
# ``venue_pairs``): none of them is seen by HermiT when the shortcut holds.
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
        T.study_design,
        T.foaf_name,
        T.foaf_family,
        T.name_variant,
        T.same_as,
        T.part_of,
        T.issn,
        T.eissn,
        T.publisher,
    }
)
