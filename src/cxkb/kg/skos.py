"""The SKOS vocabulary as its own release file, ``cxkb-skos.ttl``: one scheme, nothing else.

The full graph holds two concept schemes (the CX concepts and the framework of domains and
topics) next to OWL classes, papers and people. SKOS tools read a file as one vocabulary:
skosify, given the full graph, warns "Multiple concept schemes found" and Skosmos or
VocBench would mix the framework into the concepts. So the build also writes the concept
scheme alone, in plain SKOS (plus DCMI Terms metadata and ``owl:deprecated``), dated with
the release version. It is cut from the same triples as the full graph
(``triples.taxonomy_pairs``), so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from cxkb.kg import triples
from cxkb.model import KnowledgeBase
from cxkb.namespaces import BASE, CONCEPT_SCHEME, CX, ONTOLOGY, new_graph

SKOS_FILE = "cxkb-skos.ttl"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
CONTRIBUTORS = URIRef(BASE + "contributors")

# What a concept keeps in the vocabulary file: SKOS, its identifier and sources, deprecation.
KEPT = frozenset(
    {
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.hiddenLabel,
        SKOS.definition,
        SKOS.scopeNote,
        SKOS.note,
        SKOS.broader,
        SKOS.narrower,
        SKOS.related,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.hasTopConcept,
        DCTERMS.identifier,
        DCTERMS.source,
        OWL.deprecated,
    }
)
# cx:replacedBy is the project's own term; SKOS tools know DCMI's.
RENAMED = {CX.replacedBy: DCTERMS.isReplacedBy}
KEPT_TYPES = frozenset({SKOS.Concept, SKOS.ConceptScheme})


def vocabulary_graph(kb: KnowledgeBase, version: str, publisher: Iterable[tuple[str, str]] = ()) -> Graph:
    """The concept scheme and its concepts, in SKOS, with ``version`` as the scheme's date.

    ``publisher`` holds the schema's N-Triples pairs of the contributors node (its type and
    its names in both languages), so the vocabulary names its publisher as the schema does.
    """
    concept_prefix = f"<{BASE}concept/"
    lines = [f"<{CONTRIBUTORS}> {p} {o} .\n" for p, o in publisher]
    for subject, pairs in triples.taxonomy_pairs(kb).items():
        if subject != triples.T.concept_scheme and not subject.startswith(concept_prefix):
            continue
        lines += [f"{subject} {p} {o} .\n" for p, o in pairs]
    source = Graph().parse(data="".join(lines), format="nt")
    g = new_graph()
    for s, p, o in source:
        if s == CONTRIBUTORS:
            g.add((s, p, o))
        elif p == RDF.type:
            if o in KEPT_TYPES:
                g.add((s, p, o))
        elif p in KEPT:
            g.add((s, p, o))
        elif p in RENAMED:
            g.add((s, RENAMED[p], o))
    scheme = CONCEPT_SCHEME
    for lang, title in (("en", "CX concepts"), ("nl", "CX-begrippen")):
        g.add((scheme, DCTERMS.title, Literal(title, lang=lang)))
    g.add(
        (
            scheme,
            SKOS.definition,
            Literal(
                "The terms of customer experience practice and research, with labels, synonyms and "
                "definitions in English and Dutch.",
                lang="en",
            ),
        )
    )
    g.add(
        (
            scheme,
            SKOS.definition,
            Literal(
                "De begrippen uit de praktijk en het onderzoek van klantbeleving, met termen, synoniemen en "
                "definities in het Engels en het Nederlands.",
                lang="nl",
            ),
        )
    )
    if version:
        g.add((scheme, OWL.versionInfo, Literal(version)))
        g.add((scheme, DCTERMS.modified, Literal(version, datatype=XSD.date)))
        g.add((scheme, OWL.versionIRI, URIRef(f"{BASE}releases/{version}/concepts")))
    g.add((scheme, DCTERMS.license, LICENSE))
    g.add((scheme, DCTERMS.creator, CONTRIBUTORS))
    g.add((scheme, DCTERMS.publisher, CONTRIBUTORS))
    g.add((scheme, DCTERMS.isPartOf, ONTOLOGY))
    return g


def vocabulary_turtle(kb: KnowledgeBase, version: str, publisher: Iterable[tuple[str, str]] = ()) -> bytes:
    """The text of ``cxkb-skos.ttl`` (rdflib's Turtle is sorted, so byte-stable).

    Apart from ``write_vocabulary`` because it needs only the taxonomy: the build makes it
    on the second core while the literature table is read, before there is a folder to write to.
    """
    return vocabulary_graph(kb, version, publisher).serialize(format="turtle", encoding="utf-8")


def write_vocabulary(folder: Path, kb: KnowledgeBase, version: str, publisher: Iterable[tuple[str, str]] = ()) -> Path:
    """Write ``cxkb-skos.ttl`` into ``folder``."""
    path = folder / SKOS_FILE
    path.write_bytes(vocabulary_turtle(kb, version, publisher))
    return path
