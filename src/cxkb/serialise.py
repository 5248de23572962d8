"""Deterministic RDF serialisation with rdflib: sorted triples, blank nodes named by content.

rdflib writes Turtle in sorted order, but its RDF/XML and JSON-LD follow the store's
internal order and its blank-node labels are random. Both the reference release path and
the query results (CONSTRUCT answers) need output that is the same on every run, so diffs
stay clean.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rdflib import BNode, Graph

from cxkb.atomic import atomic_directory
from cxkb.namespaces import PREFIXES, new_graph

FORMATS = {
    "cxkb.ttl": "turtle",
    "cxkb.owl": "xml",
    "cxkb.jsonld": "json-ld",
    "cxkb.nt": "nt",
}


class _SortedGraph(Graph):
    """A graph that lists subjects and their properties in sorted order.

    rdflib's RDF/XML writer walks ``subjects()`` and ``predicate_objects()``, whose order
    depends on the store's internals; sorting them here makes its output byte-stable.
    """

    def subjects(self, predicate=None, object=None, unique=False):  # type: ignore[no-untyped-def,override]
        if predicate is None and object is None:
            yield from sorted({s for s, _, _ in self.triples((None, None, None))}, key=lambda n: n.n3())
        else:
            yield from super().subjects(predicate, object, unique)

    def predicate_objects(self, subject=None, unique=False):  # type: ignore[no-untyped-def,override]
        pairs = list(super().predicate_objects(subject, unique))
        yield from sorted(pairs, key=lambda po: (po[0].n3(), po[1].n3()))


def bnode_labels(graph: Graph) -> dict[BNode, str]:
    """Content-derived labels for the blank nodes of ``graph``.

    Blank nodes only come from OWL list structures (property chains), so a few rounds of
    neighbourhood hashing give every one a label that depends on content alone.
    """
    bnodes = {x for t in graph for x in (t[0], t[2]) if isinstance(x, BNode)}
    labels: dict[BNode, str] = dict.fromkeys(bnodes, "")

    def term(x) -> str:  # type: ignore[no-untyped-def]
        return "_:" + labels[x] if isinstance(x, BNode) else x.n3()

    for _ in range(6):
        new = {}
        for b in bnodes:
            out = sorted(f"{p.n3()} {term(o)}" for _, p, o in graph.triples((b, None, None)))
            inc = sorted(f"{term(s)} {p.n3()}" for s, p, _ in graph.triples((None, None, b)))
            new[b] = hashlib.sha1("\n".join([*out, "<-", *inc]).encode()).hexdigest()[:16]
        labels = new
    return {b: "b" + labels[b] for b in bnodes}


def canonical_graph(graph: Graph) -> Graph:
    """A copy with content-derived blank-node labels and sorted insertion order."""
    mapping = {b: BNode(label) for b, label in bnode_labels(graph).items()}
    out_graph = new_graph(_SortedGraph)
    triples = [tuple(mapping.get(x, x) for x in t) for t in graph]  # type: ignore[call-overload]
    for t in sorted(triples, key=lambda t: tuple(x.n3() for x in t)):
        out_graph.add(t)
    return out_graph


def serialise(graph: Graph, names: tuple[str, ...] = tuple(FORMATS)) -> dict[str, bytes]:
    """Release files of ``graph`` as bytes, keyed by file name (all formats by default)."""
    g = canonical_graph(graph)
    files: dict[str, bytes] = {}
    for name in names:
        fmt = FORMATS[name]
        if fmt == "nt":
            lines = sorted(line for line in g.serialize(format="nt", encoding="utf-8").decode().splitlines() if line)
            files[name] = ("\n".join(lines) + "\n").encode("utf-8")
        elif fmt == "json-ld":
            context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
            data = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
            files[name] = (json.dumps(_sort_jsonld(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
        else:
            files[name] = g.serialize(format=fmt, encoding="utf-8")
    return files


def _sort_jsonld(data):  # type: ignore[no-untyped-def]
    """Order @graph nodes and multi-valued arrays so the JSON text is stable (not @list)."""
    if isinstance(data, dict):
        return {k: ([_sort_jsonld(x) for x in v] if k == "@list" else _sort_jsonld(v)) for k, v in data.items()}
    if isinstance(data, list):
        items = [_sort_jsonld(v) for v in data]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return data


def write_release(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Replace ``out_dir`` with the new files in one step; an error leaves the old release."""
    with atomic_directory(out_dir) as staging:
        for name, data in sorted(files.items()):
            (staging / name).write_bytes(data)
    return [out_dir / name for name in sorted(files)]
