"""The queryable knowledge graph: a pyoxigraph store holding the built graph.

SPARQL runs on pyoxigraph because it is an order of magnitude faster than rdflib's
evaluator and can be opened read-only by several processes, which the endpoint needs to
stop runaway queries. rdflib stays the library that builds the graph; this module only
moves the result into a store.

The release (``build/release/cxkb.nt``) is used when it is newer than every source file,
so repeated queries do not rebuild; otherwise the graph is built in memory exactly as
``cxkb build`` would build it, without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cxkb.kg import reason
from cxkb.kg.build import DEFAULT_OUT, assemble
from cxkb.kg.tables import ALL_TABLES

Progress = Callable[[str], None]

FULL_RELEASE = "cxkb.nt"
BASE_RELEASE = "cxkb-base.ttl"
SOURCE_FILES = ("ontology/cxkb.ttl", "ontology/shapes.ttl", *(spec.path for spec in ALL_TABLES))

_MISSING_INFERENCES = """
PREFIX cx: <https://w3id.org/cxkb/ontology#>
ASK {
  { ?p cx:coversTopic/cx:inDomain ?d FILTER NOT EXISTS { ?p cx:coversDomain ?d } }
  UNION
  { ?p cx:addressesQuestion/cx:aboutTopic ?t FILTER NOT EXISTS { ?p cx:coversTopic ?t } }
}
"""


def _quiet(_: str) -> None:
    return None


def newest_source(root: Path) -> float:
    """Modification time of the most recently changed source file (0 when there is none)."""
    times = [(root / name).stat().st_mtime for name in SOURCE_FILES if (root / name).is_file()]
    return max(times, default=0.0)


def release_file(root: Path, *, reasoning: bool = True) -> Path | None:
    """The release file to load, if it exists and is newer than every source; else ``None``.

    With reasoning the full release (asserted plus inferred triples) is wanted; without, the
    asserted-only ``cxkb-base.ttl``, so that both ways of opening give the same graph as an
    in-memory build would.
    """
    path = root / DEFAULT_OUT / (FULL_RELEASE if reasoning else BASE_RELEASE)
    if not path.is_file() or path.stat().st_mtime < newest_source(root):
        return None
    return path


def build_graph(root: Path, *, reasoning: bool = True, progress: Progress = _quiet) -> Graph:
    """The graph ``cxkb build`` releases, built in memory: schema, data and (optionally) inferences.

    Raises ``BuildError`` when the tables have errors and ``ReasonerError`` when HermiT
    cannot run, like the build itself.
    """
    _kb, _report, asserted = assemble(root, progress=progress)
    if reasoning:
        progress("reasoning with HermiT")
        for triple in reason.materialise(asserted).inferred:
            asserted.add(triple)
    return asserted


def graph_store(graph: Graph, store: ox.Store | None = None) -> ox.Store:
    """Copy an rdflib graph into a (new, in-memory by default) pyoxigraph store."""
    store = store if store is not None else ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    return store


def file_store(path: Path, store: ox.Store | None = None) -> ox.Store:
    """Load an RDF file (format from its extension) into a (new, in-memory by default) store."""
    store = store if store is not None else ox.Store()
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise ValueError(f"{path}: unknown RDF file extension")
    store.bulk_load(path=str(path), format=fmt)
    return store


def has_inferences(store: ox.Store) -> bool:
    """Whether the property chains' consequences are all present (vacuously true without papers)."""
    return not bool(store.query(_MISSING_INFERENCES))


def open_store(root: Path, *, reasoning: bool = True, progress: Progress = _quiet) -> ox.Store:
    """The knowledge graph of ``root`` in an in-memory pyoxigraph store.

    Uses the release when it is up to date (and, when reasoning is asked for, was built
    with it); otherwise builds in memory with the same functions as ``cxkb build``.
    """
    path = release_file(root, reasoning=reasoning)
    if path is not None:
        progress(f"loading {path.relative_to(root)}")
        store = file_store(path)
        if not reasoning or has_inferences(store):
            return store
        progress("the release was built without reasoning; building in memory")
    return graph_store(build_graph(root, reasoning=reasoning, progress=progress))


def copy_store(store: ox.Store, directory: Path) -> ox.Store:
    """A copy of ``store`` on disk, which other processes can then open with ``Store.read_only``."""
    disk = ox.Store(str(directory))
    disk.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    disk.flush()
    return disk
