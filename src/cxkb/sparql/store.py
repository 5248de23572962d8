"""The queryable knowledge graph: pyoxigraph stores holding the release.

SPARQL runs on pyoxigraph because it is an order of magnitude faster than rdflib's
evaluator and can be opened read-only by several processes. The graph comes from the
release only (``cxkb.release``); a missing or stale release is the release module's
``ReleaseError``, never a build in the background.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cxkb.release import open_release


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


def open_store(root: Path, *, reasoning: bool = True) -> ox.Store:
    """The current release of ``root`` in an in-memory store (``ReleaseError`` if there is none)."""
    return open_release(root).store(reasoning=reasoning)


def copy_store(store: ox.Store, directory: Path) -> ox.Store:
    """A copy of ``store`` on disk, which other processes can then open with ``Store.read_only``."""
    disk = ox.Store(str(directory))
    disk.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    disk.flush()
    return disk
