"""OWL reasoning: HermiT for consistency, a property-chain join for the paper links.

The reasoner does two jobs in the build: it proves the ontology plus data consistent, and
it materialises what the property chains imply (a paper covers the topic of every question
it addresses, and the domain of every topic it covers). The inferred triples are added to
the release so that SPARQL users need no reasoner of their own.

Papers and their authors are most of the graph but add only links of a fixed shape (a few
object properties from a paper to taxonomy individuals, and types), and the schema gives
those links nothing that could clash. So HermiT checks the schema plus the taxonomy
individuals, and the chains are applied to the papers by a join on the asserted links. The
join is exact only while the schema keeps that shape: ``shortcut_problems`` checks it
before every build, and when it fails the whole graph goes to HermiT as before
(``materialise_hermit``). docs/decisions.md gives the argument in full.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS

from cxkb.namespaces import CX
from cxkb.ntriples import nt_iri, nt_term

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


Triple = tuple[str, str, str]

_OWL = str(OWL)
_RDFS = str(RDFS)
_TYPE = nt_iri(str(RDF.type))
_FIRST = nt_iri(str(RDF.first))
_REST = nt_iri(str(RDF.rest))
_NIL = nt_iri(str(RDF.nil))
_CHAIN = nt_iri(str(OWL.propertyChainAxiom))
_FUNCTIONAL = nt_iri(str(OWL.FunctionalProperty))
_NAMED = nt_iri(str(OWL.NamedIndividual))
_OBJECT_PROPERTY = nt_iri(str(OWL.ObjectProperty))
_DECLARATIONS = {nt_iri(str(x)) for x in (OWL.ObjectProperty, OWL.AnnotationProperty, OWL.DatatypeProperty)}
_PROPERTY_AXIOMS = {nt_iri(str(x)) for x in (RDF.type, RDFS.domain, RDFS.range, OWL.propertyChainAxiom)}
_PROPERTY_LINKS = {nt_iri(str(x)) for x in (RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf)}
INFERRED = frozenset(nt_iri(str(p)) for p in INFERRED_PROPERTIES)

# The OWL and RDFS terms a schema may use for the shortcut to hold. Everything that can
# make individuals equal or contradict each other (sameAs, functional or key properties of
# the papers, cardinalities, restrictions, disjointness, negation, nominals, reflexivity)
# is missing on purpose: with any of them the whole graph goes to HermiT.
SAFE_OWL = frozenset(
    nt_iri(_OWL + name)
    for name in (
        "Ontology",
        "versionIRI",
        "versionInfo",
        "imports",
        "priorVersion",
        "Class",
        "Thing",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "NamedIndividual",
        "FunctionalProperty",
        "SymmetricProperty",
        "TransitiveProperty",
        "inverseOf",
        "equivalentProperty",
        "propertyChainAxiom",
        "deprecated",
        "differentFrom",
    )
)
SAFE_RDFS = frozenset(
    nt_iri(_RDFS + name)
    for name in ("subClassOf", "subPropertyOf", "domain", "range", "label", "comment", "seeAlso", "isDefinedBy")
)


@dataclass(frozen=True)
class Chain:
    """``head`` holds wherever ``links[0]`` o ``links[1]`` o ... holds (N-Triples terms)."""

    head: str
    links: tuple[str, ...]


def chains(triples: Iterable[Triple]) -> list[Chain]:
    """The property chain axioms among ``triples``, in a stable order."""
    first: dict[str, str] = {}
    rest: dict[str, str] = {}
    heads: list[tuple[str, str]] = []
    for s, p, o in triples:
        if p == _FIRST:
            first[s] = o
        elif p == _REST:
            rest[s] = o
        elif p == _CHAIN:
            heads.append((s, o))
    out = []
    for head, node in sorted(heads):
        links = []
        seen = set()
        while node != _NIL and node in first and node not in seen:
            seen.add(node)
            links.append(first[node])
            node = rest.get(node, _NIL)
        out.append(Chain(head, tuple(links)))
    return out


def shortcut_problems(triples: list[Triple], paper_predicates: Iterable[str]) -> list[str]:
    """Why the papers cannot be left out of HermiT's input, or ``[]`` when they can.

    ``triples`` are the schema plus the taxonomy individuals; ``paper_predicates`` every
    predicate a paper or author may assert. The rules: the schema uses only OWL that can
    neither make individuals equal nor contradict each other; the paper predicates and the
    properties their chains pass through carry only declarations, domains, ranges and
    chains, so nothing but the chains derives new links from them; and every functional
    property has a single asserted value per subject, so no equality follows.
    """
    problems: list[str] = []
    for term in sorted({x for t in triples for x in (t[1], t[2]) if x.startswith(("<" + _OWL, "<" + _RDFS))}):
        if (term.startswith("<" + _OWL) and term not in SAFE_OWL) or (
            term.startswith("<" + _RDFS) and term not in SAFE_RDFS
        ):
            problems.append(f"the schema uses {term}")
    all_chains = chains(triples)
    paper = set(paper_predicates)
    grown = True
    while grown:
        grown = False
        for c in all_chains:
            if c.links and c.links[0] in paper and c.head not in paper:
                paper.add(c.head)
                grown = True
    through = {link for c in all_chains if c.links and c.links[0] in paper for link in c.links[1:]}
    for link in sorted(through & paper):
        problems.append(f"{link} is both asserted by papers and followed by a chain")
    watched = paper | through
    functional = {s for s, p, o in triples if p == _TYPE and o == _FUNCTIONAL}
    for s, p, o in triples:
        if s in watched:
            if p == _TYPE and not (o in _DECLARATIONS or (o == _FUNCTIONAL and s in through)):
                problems.append(f"{s} is declared {o}")
            elif (
                p in _PROPERTY_LINKS
                or (p == _CHAIN and s not in paper)
                or (p.startswith("<" + _OWL) and p not in _PROPERTY_AXIOMS)
            ):
                problems.append(f"{s} has {p}")
        if o in watched and p != _FIRST and p != _TYPE:
            problems.append(f"{o} is the object of {p}")
        if p in _PROPERTY_LINKS and (s in functional or o in functional):
            problems.append(f"functional property {s if s in functional else o} has {p}")
    for c in all_chains:
        if c.head in functional:
            problems.append(f"functional property {c.head} is derived by a chain")
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p in functional:
            values[(p, s)].add(o)
    for (p, s), objs in sorted(values.items()):
        if len(objs) > 1:
            problems.append(f"{s} has {len(objs)} values of functional property {p}")
    return sorted(set(problems))


class ChainRule:
    """The property chains applied to one subject at a time, over fixed taxonomy links."""

    def __init__(self, chain_list: list[Chain], taxonomy: Iterable[Triple], emit: frozenset[str] = INFERRED) -> None:
        self.chains = [c for c in chain_list if len(c.links) >= 2]
        through = {link for c in self.chains for link in c.links[1:]}
        self.links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p, o in taxonomy:
            if p in through:
                self.links[p][s].add(o)
        self.starts = {c.links[0] for c in self.chains} | {c.head for c in self.chains}
        self.emit = emit
        self._yields: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}

    def infer(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The new (predicate, object) pairs the chains give a subject with these ``pairs``.

        Every chain starts from one pair of the subject and walks fixed taxonomy links, so
        what a set of pairs yields is the union of what each pair yields alone. That is
        worked out once per pair and kept: papers share their topics and concepts.
        """
        own = [po for po in pairs if po[0] in self.starts]
        if not own:
            return []
        return sorted(set().union(*map(self._yield, own)).difference(own))

    def _yield(self, pair: tuple[str, str]) -> frozenset[tuple[str, str]]:
        found = self._yields.get(pair)
        if found is None:
            found = frozenset(x for x in self._closure(pair) if x[0] in self.emit)
            self._yields[pair] = found
        return found

    def _closure(self, pair: tuple[str, str]) -> set[tuple[str, str]]:
        """Every pair the chains derive from ``pair`` alone (it included)."""
        own: dict[str, set[str]] = {pair[0]: {pair[1]}}
        new: set[tuple[str, str]] = {pair}
        changed = True
        while changed:
            changed = False
            for c in self.chains:
                frontier = own.get(c.links[0], set())
                for link in c.links[1:]:
                    if not frontier:
                        break
                    table = self.links.get(link, {})
                    frontier = {y for x in frontier for y in table.get(x, ())}
                have = own.setdefault(c.head, set())
                added = frontier - have
                if added:
                    have |= added
                    new.update((c.head, o) for o in added)
                    changed = True
        return new


def hermit_home() -> Path:
    """The folder of the HermiT copy owlready2 ships, found without importing owlready2 (slow)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError("the HermiT reasoner needs owlready2: pip install owlready2")
    return Path(spec.origin).resolve().parent / "hermit"


def hermit_command(path: Path) -> list[str]:
    """HermiT (the copy owlready2 ships) checking one N-Triples file for consistency only.

    The client compiler (one thread of it), the serial collector and no performance-data
    file start the JVM with the least work for a job this short.
    """
    home = hermit_home()
    classpath = os.pathsep.join([str(home), str(home / "HermiT.jar")])
    java = shutil.which("java") or "java"
    return [
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:CICompilerCount=1",
        "-XX:+UseSerialGC",
        "-XX:-UsePerfData",
        "-Xmx1000M",
        "-cp",
        classpath,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-k",
        "-I",
        path.resolve().as_uri(),
    ]


class ConsistencyCheck:
    """HermiT's consistency check, running in the background while the build goes on."""

    def __init__(self, lines: Iterable[str]) -> None:
        if not java_available():
            raise ReasonerError(
                "the HermiT reasoner needs a Java runtime: install one (e.g. apt-get install default-jre-headless)"
            )
        self._dir = tempfile.TemporaryDirectory(prefix="cxkb-reason-")
        path = Path(self._dir.name) / "core.nt"
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(lines)
        self._proc = subprocess.Popen(
            hermit_command(path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )

    def wait(self) -> None:
        """Return when HermiT found the input consistent; raise ``ReasonerError`` otherwise."""
        try:
            out, err = self._proc.communicate()
        finally:
            self._dir.cleanup()
        text = (out + err).decode("utf-8", "replace")
        if "InconsistentOntologyException" in text or "Inconsistent ontology" in text:
            raise ReasonerError(
                "the knowledge graph is inconsistent: HermiT found the schema and taxonomy inconsistent"
            )
        if self._proc.returncode != 0 or f"{OWL.Thing} is satisfiable" not in text:
            raise ReasonerError(f"the reasoner failed: {text.strip()[-1000:]}")

    def cancel(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.communicate()
        self._dir.cleanup()


def core_lines(triples: Iterable[Triple]) -> list[str]:
    """``logical_core`` on N-Triples terms: what HermiT needs of the schema and individuals."""
    triples = list(triples)
    object_properties = {s for s, p, o in triples if p == _TYPE and o == _OBJECT_PROPERTY}
    individuals = {s for s, p, o in triples if p == _TYPE and o == _NAMED}
    return [
        f"{s} {p} {o} .\n"
        for s, p, o in triples
        if s not in individuals or p == _TYPE or p in object_properties or p.startswith("<" + _OWL)
    ]


def _paper_like(graph: Graph) -> set:  # type: ignore[type-arg]
    return set(graph.subjects(RDF.type, CX.Paper)) | set(graph.subjects(RDF.type, FOAF.Person))


def materialise(graph: Graph) -> Reasoning:
    """The new cx:coversTopic/coversDomain triples of ``graph`` (schema plus data).

    HermiT checks everything but the papers and authors; the chains are applied by a join.
    When the schema rules the shortcut out, the whole graph goes to HermiT.
    """
    papers = _paper_like(graph)
    rest: list[Triple] = []
    paper_triples: list[Triple] = []
    predicates: set[str] = set()
    for s, p, o in graph:
        t = (nt_term(s), nt_term(p), nt_term(o))  # blank nodes keep rdflib's ids within this run
        if s in papers:
            paper_triples.append(t)
            predicates.add(t[1])
        else:
            rest.append(t)
    if shortcut_problems(rest, predicates):
        return materialise_hermit(graph)
    check = ConsistencyCheck(core_lines(rest))
    rule = ChainRule(chains(rest), rest)
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in (*rest, *paper_triples):
        by_subject[s].append((p, o))
    inferred = Graph()
    for s, pairs in by_subject.items():
        for p, o in rule.infer(pairs):
            if s.startswith("<") and o.startswith("<"):
                inferred.add((URIRef(s[1:-1]), URIRef(p[1:-1]), URIRef(o[1:-1])))
    check.wait()
    return Reasoning(inferred=inferred, consistent=True)


def materialise_hermit(graph: Graph) -> Reasoning:
    """Run HermiT over the whole of ``graph`` and return only the new cx:coversTopic/coversDomain triples.

    The reference for the shortcut, and the fallback when the schema rules the shortcut out.
    """
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
