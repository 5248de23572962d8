"""Pushing the knowledge graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

One PUT replaces the target graph (a named graph, or the default graph) with the current
graph, so publishing is idempotent: repeating it leaves the store in the same state. Only
the standard library's ``urllib`` is used, and any store that implements the protocol
(Fuseki, GraphDB, Oxigraph server, Virtuoso, ...) can receive it.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from cxkb.namespaces import PREFIXES

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}


class PublishError(Exception):
    """The graph store could not be reached or refused the graph."""


@dataclass(frozen=True)
class Published:
    url: str
    status: int
    triples: int
    size: int


def target_url(endpoint: str, graph: str | None) -> str:
    """``endpoint?graph=IRI`` for a named graph, ``endpoint?default`` for the default graph."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"{endpoint!r} is not an http(s) URL")
    if graph is not None:
        graph_parts = urlsplit(graph)
        if not graph_parts.scheme or any(ch in graph for ch in ' <>"{}|^`\\'):
            raise PublishError(f"{graph!r} is not an absolute IRI")
    joiner = "&" if parts.query else "?"
    query = "default" if graph is None else "graph=" + quote(graph, safe="")
    return f"{endpoint}{joiner}{query}"


def serialise(store: ox.Store, fmt: str = "turtle") -> bytes:
    """The store's default graph in the chosen format (with the project's prefixes for Turtle)."""
    rdf_format, _ = FORMATS[fmt]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt == "turtle" else None
    return store.dump(format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)


def publish(
    store: ox.Store,
    endpoint: str,
    *,
    graph: str | None = None,
    fmt: str = "turtle",
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
) -> Published:
    """Replace ``graph`` (or the default graph) at the Graph Store ``endpoint`` with ``store``'s graph."""
    if fmt not in FORMATS:
        raise PublishError(f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    url = target_url(endpoint, graph)
    body = serialise(store, fmt)
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", FORMATS[fmt][1])
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise PublishError(f"{url}: the graph store answered {exc.code} {exc.reason}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PublishError(f"{url}: cannot reach the graph store ({reason})") from None
    if status not in (200, 201, 204):
        raise PublishError(f"{url}: unexpected answer {status}")
    return Published(url, status, len(store), len(body))
