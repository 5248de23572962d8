"""N-Triples terms: the one writer of IRIs and literals in N-Triples syntax.

The release writer, the reasoner's hand-off, the query parameters and the results'
TSV all need the same escaping; a single table of escapes keeps them in agreement.
The output is also valid Turtle and SPARQL.
"""

from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import RDF, XSD

# Characters that may not appear in an IRI reference (RDF 1.1 N-Triples, IRIREF). DOIs may
# legally hold some of them (old SICI DOIs have angle brackets), so they are percent-encoded.
IRI_FORBIDDEN = {ord(ch): f"%{ord(ch):02X}" for ch in '<>"{}|^`\\ '} | {i: f"%{i:02X}" for i in range(0x21)}
_LITERAL_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"} | {
    i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F) if i not in (0x0A, 0x0D)
}

IRI_ENCODED = re.compile("%(" + "|".join(sorted({v[1:] for v in IRI_FORBIDDEN.values()})) + ")")
RDF_TYPE = f"<{RDF.type}>"


_IRI_CHECK = re.compile('[\x00-\x20<>"{}|^`\\\\]')
_LITERAL_CHECK = re.compile('[\x00-\x1f\x7f"\\\\]')


def nt_iri(value: str) -> str:
    """An IRI as an N-Triples term; characters IRIs may not hold are percent-encoded."""
    if _IRI_CHECK.search(value):
        value = value.translate(IRI_FORBIDDEN)
    return "<" + value + ">"


def nt_literal(value: str, lang: str = "", datatype: str = "") -> str:
    """A literal as an N-Triples term. A literal without tag or datatype is a plain string."""
    text = '"' + (value.translate(_LITERAL_ESCAPES) if _LITERAL_CHECK.search(value) else value) + '"'
    if lang:
        return f"{text}@{lang}"
    if datatype and datatype != str(XSD.string):
        return f"{text}^^<{datatype}>"
    return text


def nt_term(node: object, bnode_labels: dict | None = None) -> str:  # type: ignore[type-arg]
    """An rdflib term as an N-Triples term; blank nodes take their label from ``bnode_labels``."""
    from rdflib import BNode

    if isinstance(node, Literal):
        return nt_literal(str(node), node.language or "", str(node.datatype) if node.datatype else "")
    if isinstance(node, BNode):
        return "_:" + (bnode_labels[node] if bnode_labels is not None else str(node))
    return nt_iri(str(node))
