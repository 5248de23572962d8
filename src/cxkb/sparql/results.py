"""SPARQL results and their standard serialisations.

One ``Result`` type carries the answer to any query form (SELECT rows, an ASK boolean or
CONSTRUCT/DESCRIBE triples) as rdflib terms, so the command line, the endpoint and the tests
format the same object. The writers follow the W3C result formats (JSON, XML, CSV, TSV)
exactly, because researchers feed them to other SPARQL tools; Markdown and the terminal
table are for reading, and shorten IRIs with the project's prefixes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from typing import Literal as _Choice
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rich.table import Table
from rich.text import Text

from cxkb.namespaces import PREFIXES, new_graph
from cxkb.ntriples import nt_term

Term = URIRef | BNode | Literal
Row = tuple[Term | None, ...]
ResultKind = _Choice["select", "ask", "graph"]

XSD_STRING = str(XSD.string)
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
INTEGER_TYPES = {
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
FLOAT_TYPES = {str(XSD.double), str(XSD.float)}

# Media types of the formats, as the SPARQL 1.1 protocol names them.
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV_TYPE = "text/csv"
TSV_TYPE = "text/tab-separated-values"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"


@dataclass
class Result:
    """The answer to one query.

    ``kind`` is ``select`` (``variables`` and ``rows``), ``ask`` (``boolean``) or ``graph``
    (``triples``, for CONSTRUCT and DESCRIBE). Unbound cells are ``None``. ``truncated`` is
    true when a row cap cut the answer short.
    """

    kind: ResultKind
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries of plain Python values (numbers as numbers, text as str)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def tuples(self) -> list[tuple[Any, ...]]:
        """Rows as tuples of plain Python values, in variable order."""
        return [tuple(python_value(t) for t in row) for row in self.rows]

    def graph(self) -> Graph:
        g = new_graph()
        for triple in self.triples:
            g.add(triple)
        return g


def python_value(term: Term | None) -> Any:
    """A plain value: int, float, Decimal or bool for numeric and boolean literals, else str."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dtype = str(term.datatype) if term.datatype is not None else ""
        try:
            if dtype in INTEGER_TYPES:
                return int(str(term))
            if dtype in FLOAT_TYPES:
                return float(str(term))
            if dtype == str(XSD.decimal):
                return Decimal(str(term))
            if dtype == str(XSD.boolean):
                return str(term) in ("true", "1")
        except ValueError:  # an ill-typed literal keeps its lexical form
            return str(term)
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _datatype(term: Literal) -> str | None:
    """The datatype IRI worth writing out: none for simple and language-tagged strings."""
    if term.language or term.datatype is None:
        return None
    dtype = str(term.datatype)
    return None if dtype in (XSD_STRING, RDF_LANGSTRING) else dtype


# ---------------------------------------------------------------------------------------
# W3C formats
# ---------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    dtype = _datatype(term)
    if dtype:
        out["datatype"] = dtype
    return out


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON Format (SELECT and ASK)."""
    if result.kind == "ask":
        data: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        _require_rows(result, "JSON results")
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        data = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs += f" xml:lang={quoteattr(term.language)}"
    dtype = _datatype(term)
    if dtype:
        attrs += f" datatype={quoteattr(dtype)}"
    return f"<literal{attrs}>{xml_escape(_xml_safe(str(term)))}</literal>"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped; replace them visibly."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in text)


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML Format (SELECT and ASK)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        lines += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        _require_rows(result, "XML results")
        lines.append("  <head>")
        lines += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
        lines += ["  </head>", "  <results>"]
        for row in result.rows:
            lines.append("    <result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is not None:
                    lines.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format: plain values, CRLF line ends (RFC 4180)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
        return buf.getvalue()
    _require_rows(result, "CSV")
    writer.writerow(result.variables)
    writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return buf.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format: terms in N-Triples syntax, ``?var`` header."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    _require_rows(result, "TSV")
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else nt_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _require_rows(result: Result, what: str) -> None:
    if result.kind == "graph":
        raise ValueError(f"{what} are for SELECT and ASK queries; CONSTRUCT and DESCRIBE give RDF (turtle, json-ld)")


def to_rdf(result: Result, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE answers as Turtle, N-Triples or JSON-LD, sorted for stable output."""
    if result.kind != "graph":
        raise ValueError("RDF output is for CONSTRUCT and DESCRIBE queries")
    if fmt == "nt":
        return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in sorted(set(result.triples)))
    from cxkb.serialise import canonical_graph

    g = canonical_graph(result.graph())
    if fmt == "json-ld":
        context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
        return g.serialize(format="json-ld", context=context, auto_compact=True)
    return g.serialize(format="turtle")


# ---------------------------------------------------------------------------------------
# Formats for reading
# ---------------------------------------------------------------------------------------

_PREFIX_LIST = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))


def display(term: Term | None) -> str:
    """A short human form: the lexical value of literals, prefixed names for known IRIs."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in _PREFIX_LIST:
            if text.startswith(ns) and len(text) > len(ns):
                local = text[len(ns) :]
                if all(ch.isalnum() or ch in "-_." for ch in local):
                    return f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


_MD_SPECIAL = set("\\`*_{}[]<>()#+!|~&")


def _md_cell(text: str) -> str:
    """Backslash-escape Markdown punctuation (and so any HTML) and keep the cell on one line."""
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def to_markdown(result: Result) -> str:
    """A GitHub-flavoured Markdown table; numbers are right-aligned."""
    if result.kind == "ask":
        return "| boolean |\n|---|\n| " + ("true" if result.boolean else "false") + " |\n"
    if result.kind == "graph":
        header, rows = ["subject", "predicate", "object"], [tuple(t) for t in result.triples]
    else:
        header, rows = result.variables, result.rows
    numeric = [_numeric_column(rows, i) for i in range(len(header))]
    lines = [
        "| " + " | ".join(_md_cell(h) for h in header) + " |",
        "|" + "|".join("--:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(display(t)) for t in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _numeric_column(rows: Sequence[Sequence[Term | None]], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(isinstance(python_value(v), int | float | Decimal) for v in values)


def to_table(result: Result, title: str | None = None) -> Table:
    """A rich table for the terminal. Cells are ``Text`` objects, so markup in data stays text."""
    table = Table(title=title, show_lines=False)
    if result.kind == "ask":
        table.add_column("boolean")
        table.add_row(Text("true" if result.boolean else "false"))
        return table
    if result.kind == "graph":
        header, rows = ["subject", "predicate", "object"], [tuple(t) for t in result.triples]
    else:
        header, rows = result.variables, result.rows
    for i, name in enumerate(header):
        table.add_column(Text(name), justify="right" if _numeric_column(rows, i) else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(display(t)) for t in row))
    return table
