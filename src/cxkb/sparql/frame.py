"""Query results as pandas DataFrames with typed columns.

Researchers mostly continue in pandas; handing them columns of strings would make every
notebook convert numbers and dates itself, each a little differently.
"""

from __future__ import annotations

import pandas as pd
from rdflib import Literal
from rdflib.namespace import XSD

from cxkb.sparql.results import FLOAT_TYPES, INTEGER_TYPES, Result

# A year is a whole number to a researcher counting papers per year.
_INTEGERS = INTEGER_TYPES | {str(XSD.gYear)}
_FLOATS = FLOAT_TYPES | {str(XSD.decimal)}
_DATES = {str(XSD.date), str(XSD.dateTime)}


def _kind(term: object) -> str:
    if not isinstance(term, Literal) or term.language:
        return "text"
    dtype = str(term.datatype) if term.datatype else ""
    if dtype in _INTEGERS:
        return "int"
    if dtype in _FLOATS:
        return "float"
    if dtype == str(XSD.boolean):
        return "bool"
    if dtype in _DATES:
        return "date"
    return "text"


def _column(values: list[object]) -> pd.Series:
    kinds = {_kind(v) for v in values if v is not None}
    kind = kinds.pop() if len(kinds) == 1 else ("float" if kinds == {"int", "float"} else "text")
    if kind == "int":
        return pd.array([None if v is None else int(str(v)) for v in values], dtype="Int64")
    if kind == "float":
        return pd.array([None if v is None else float(str(v)) for v in values], dtype="Float64")
    if kind == "bool":
        return pd.array([None if v is None else str(v) == "true" for v in values], dtype="boolean")
    if kind == "date":
        return pd.to_datetime(pd.Series([None if v is None else str(v) for v in values]), errors="coerce")
    return pd.array([None if v is None else str(v) for v in values], dtype="string")


def to_frame(result: Result) -> pd.DataFrame:
    """A SELECT answer as a DataFrame; an ASK answer as one boolean cell; a graph as triples."""
    if result.kind == "ask":
        return pd.DataFrame({"boolean": pd.array([bool(result.boolean)], dtype="boolean")})
    if result.kind == "graph":
        rows = [tuple(str(t) for t in triple) for triple in result.triples]
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"], dtype="string")
    columns = {v: _column([row[i] for row in result.rows]) for i, v in enumerate(result.variables)}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(result.rows)))
