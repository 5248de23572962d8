"""SHACL validation of the built graph with pySHACL.

Runs on the asserted instance graph without OWL inference: the shapes target classes that
every resource states directly, and OWL-RL inference would multiply the run time without
finding anything more (a known pySHACL pitfall with OWL axioms in the data graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

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
        message = results.value(result, SH.resultMessage)
        out.append(
            Violation(
                str(focus),
                str(path or ""),
                str(severity).rsplit("#", 1)[-1].lower() if severity else "violation",
                str(message or "shape violated"),
            )
        )
    return sorted(out)
