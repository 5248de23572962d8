"""The IRI scheme of the knowledge graph as plain strings, without loading rdflib.

:mod:`cxkb.namespaces` wraps these in rdflib terms for the graph; the checker's reports
only print IRIs, and importing rdflib for that would be most of a short check's start-up.
"""

from __future__ import annotations

BASE = "https://w3id.org/cxkb/"


def iri_text(kind: str, ident: str) -> str:
    """The IRI of a record as a string. Seed ids (``seed:001``) become ``source/seed-001``."""
    return f"{BASE}{kind}/{ident.replace(':', '-')}"
