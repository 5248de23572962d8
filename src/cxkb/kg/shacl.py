"""SHACL validation of the built graph: pySHACL for the taxonomy, record checks for papers.

pySHACL runs on the asserted instance graph without OWL inference: the shapes target
classes that every resource states directly, and OWL-RL inference would multiply the run
time without finding anything more (a known pySHACL pitfall with OWL axioms in the data
graph).

The paper shape is checked on the paper records instead (``paper_violations``): pySHACL
needs minutes for a hundred thousand papers, while each paper's constraints only look at
the paper's own cells. ``PAPER_CONSTRAINTS`` lists the constraints the record check
enforces; ``paper_shape_problems`` compares it with the shapes file, and when the shapes
ask for anything else the whole graph goes to pySHACL as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from cxkb.kg.records import KnowledgeBase, Paper
from cxkb.namespaces import text_in

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_FILE = "ontology/shapes.ttl"


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str
    severity: str
    message: str


def load_shapes(root: Path) -> Graph:
    return Graph().parse(root / SHAPES_FILE, format="turtle")


def check(data: Graph, shapes: Graph) -> list[Violation]:
    """All SHACL results, sorted; an empty list means the graph conforms."""
    from pyshacl import validate

    _conforms, results, _text = validate(data, shacl_graph=shapes, inference="none", advanced=False)
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        message = text_in(results, result, SH.resultMessage, "en")
        out.append(
            Violation(
                str(focus),
                str(path or ""),
                str(severity).rsplit("#", 1)[-1].lower() if severity else "violation",
                str(message or "shape violated"),
            )
        )
    return sorted(out)


CX = "https://w3id.org/cxkb/ontology#"
PAPER_CLASS = URIRef(CX + "Paper")
TAXONOMY_CLASSES = frozenset(
    URIRef(CX + name) for name in ("ResearchDomain", "Topic", "ResearchQuestion", "Concept", "AmbiguousLabel")
)
_DCT = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# Each constraint of shapes:PaperShape as (path, constraint, value), and the table column
# where a paper's record check points when the constraint fails.
PAPER_CONSTRAINTS: dict[tuple[str, str, str], str] = {
    (_DCT + "title", "minCount", "1"): "title",
    (_DCT + "title", "maxCount", "1"): "title",
    (CX + "authors", "minCount", "1"): "authors",
    (CX + "authors", "maxCount", "1"): "authors",
    (_DCT + "creator", "minCount", "1"): "authors",
    (_DCT + "issued", "datatype", _XSD + "gYear"): "year",
    (_DCT + "issued", "minCount", "1"): "year",
    (_DCT + "issued", "maxCount", "1"): "year",
    ("http://prismstandard.org/namespaces/basic/2.0/publicationName", "minCount", "1"): "venue",
    ("http://prismstandard.org/namespaces/basic/2.0/publicationName", "maxCount", "1"): "venue",
    ("http://purl.org/ontology/bibo/doi", "maxCount", "1"): "doi",
    ("http://purl.org/ontology/bibo/doi", "pattern", "^10\\.[0-9]{4,9}/\\S+$"): "doi",
    (CX + "coversTopic", "class", CX + "Topic"): "topics",
    (CX + "coversTopic", "minCount", "1"): "topics",
    (CX + "coversTopic", "maxCount", "3"): "topics",
    (CX + "addressesQuestion", "class", CX + "ResearchQuestion"): "questions",
    (CX + "addressesQuestion", "maxCount", "3"): "questions",
    (CX + "discussesConcept", "class", CX + "Concept"): "concepts",
    ("http://www.w3.org/2000/01/rdf-schema#comment", "datatype", _RDF + "langString"): "note",
    ("http://www.w3.org/2000/01/rdf-schema#comment", "minCount", "1"): "note",
}


def paper_shape(shapes: Graph) -> tuple[set[tuple[str, str, str]], dict[tuple[str, str, str], str]]:
    """The constraints of the shapes that target papers, and their messages."""
    found: set[tuple[str, str, str]] = set()
    messages: dict[tuple[str, str, str], str] = {}
    for shape in shapes.subjects(SH.targetClass, PAPER_CLASS):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            message = text_in(shapes, prop, SH.message, "en") or "shape violated"
            for p, o in shapes.predicate_objects(prop):
                name = str(p).rsplit("#", 1)[-1]
                if str(p).startswith(str(SH)) and name not in ("path", "message", "name", "description"):
                    key = (str(path), name, str(o))
                    found.add(key)
                    messages[key] = message
    return found, messages


def paper_shape_problems(shapes: Graph) -> list[str]:
    """Why the record check cannot stand in for pySHACL on the papers, or ``[]``.

    It can when the only shapes that may reach a paper or an author are the paper shapes,
    and their constraints are exactly ``PAPER_CONSTRAINTS``.
    """
    problems = []
    for target in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        for s in shapes.subjects(target, None):
            problems.append(f"{s} uses {target}")
    for s, o in shapes.subject_objects(SH.targetClass):
        if o != PAPER_CLASS and o not in TAXONOMY_CLASSES:
            problems.append(f"{s} targets {o}")
    for s in shapes.subjects(RDF.type, SH.NodeShape):
        if (s, SH.targetClass, None) not in shapes and (s, RDF.type, URIRef(str(RDF) + "Class")) in shapes:
            problems.append(f"{s} is an implicit class target")
    found, _ = paper_shape(shapes)
    for key in sorted(found - set(PAPER_CONSTRAINTS)):
        problems.append(f"the paper shape asks for {key}, which the record check does not know")
    for key in sorted(set(PAPER_CONSTRAINTS) - found):
        problems.append(f"the record check enforces {key}, which the paper shape no longer asks for")
    return problems


def paper_violations(
    paper: Paper, kb: KnowledgeBase, messages: dict[tuple[str, str, str], str]
) -> list[tuple[str, str]]:
    """(column, message) for every constraint of the paper shape that ``paper`` breaks.

    Mirrors what pySHACL would find on the paper's triples as ``graph.to_graph`` writes
    them: a title, author list and venue literal are always written, so only the
    constraints below can fail.
    """
    out = []

    def fail(path: str, constraint: str, value: str) -> None:
        key = (path, constraint, value)
        out.append((PAPER_CONSTRAINTS[key], messages.get(key, "shape violated")))

    if not paper.author_ids:
        fail(_DCT + "creator", "minCount", "1")
    if not paper.year:
        fail(_DCT + "issued", "minCount", "1")
    if paper.doi and not _DOI_SHAPE.search(paper.doi):
        fail("http://purl.org/ontology/bibo/doi", "pattern", "^10\\.[0-9]{4,9}/\\S+$")
    if not paper.topics:
        fail(CX + "coversTopic", "minCount", "1")
    if len(paper.topics) > 3:
        fail(CX + "coversTopic", "maxCount", "3")
    if any(t not in kb.topics for t in paper.topics):
        fail(CX + "coversTopic", "class", CX + "Topic")
    if len(paper.questions) > 3:
        fail(CX + "addressesQuestion", "maxCount", "3")
    if any(q not in kb.questions for q in paper.questions):
        fail(CX + "addressesQuestion", "class", CX + "ResearchQuestion")
    if any(c not in kb.concepts for c in paper.concepts):
        fail(CX + "discussesConcept", "class", CX + "Concept")
    if not paper.note and not paper.note_nl:  # rdfs:comment in either language
        fail("http://www.w3.org/2000/01/rdf-schema#comment", "minCount", "1")
    return out


_DOI_SHAPE = re.compile("^10\\.[0-9]{4,9}/\\S+$")
