"""OWL reasoning with owlready2 and HermiT.

The reasoner does two jobs in the build: it proves the ontology plus data consistent, and
it materialises what the property chains imply (a paper covers the topic of every question
it addresses, and the domain of every topic it covers). The inferred triples are added to
the release so that SPARQL users need no reasoner of their own.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from .graph import CX

INFERRED_PROPERTIES = (CX.coversTopic, CX.coversDomain)


class ReasonerError(RuntimeError):
    """The reasoner could not run, or found the ontology inconsistent."""


@dataclass(frozen=True)
class Reasoning:
    inferred: Graph
    consistent: bool


def java_available() -> bool:
    return shutil.which("java") is not None


def logical_core(graph: Graph) -> Graph:
    """The triples that carry OWL meaning: the schema, and each individual's types and links.

    Annotations (labels, titles, keywords, notes) have no logical meaning in OWL 2 DL, so
    leaving them out changes neither consistency nor entailments, while it cuts the
    reasoner's input by most of its size.
    """
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    individuals = set(graph.subjects(RDF.type, OWL.NamedIndividual))
    core = Graph()
    for s, p, o in graph:
        if s not in individuals or p == RDF.type or p in object_properties or p.startswith(str(OWL)):
            core.add((s, p, o))
    return core


def materialise(graph: Graph) -> Reasoning:
    """Run HermiT over ``graph`` and return only the new cx:coversTopic/coversDomain triples."""
    if not java_available():
        raise ReasonerError(
            "the HermiT reasoner needs a Java runtime: install one (e.g. apt-get install default-jre-headless)"
        )
    import owlready2

    with tempfile.TemporaryDirectory(prefix="cxkb-reason-") as tmp:
        path = Path(tmp) / "cxkb.owl"
        logical_core(graph).serialize(destination=path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ReasonerError(f"the knowledge graph is inconsistent: {exc}") from exc
        except Exception as exc:  # owlready2 reports Java failures as plain exceptions
            raise ReasonerError(f"the reasoner failed: {exc}") from exc
        inferred = Graph()
        for prop_iri in INFERRED_PROPERTIES:
            prop = world[str(prop_iri)]
            if prop is None:
                continue
            for subject, obj in prop.get_relations():
                triple = (URIRef(subject.iri), prop_iri, URIRef(obj.iri))
                if triple not in graph:
                    inferred.add(triple)
        world.close()
    return Reasoning(inferred=inferred, consistent=True)
