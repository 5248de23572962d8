"""The query library: named SPARQL queries with documented, typed parameters, and running them.

Each query is a ``.rq`` file in ``queries/``, a plain SPARQL 1.1 query that any engine parses
as it is, headed by comment lines this module reads::

    # title@en: Papers on a topic
    # title@nl: Publicaties over een onderwerp
    # description@en: ...
    # description@nl: ...
    # param: topic (id, example customer-emotions): the topic id

A parameter line reads ``name (kind[, optional][, default V][, example V][, sets LIMIT]):
description``. Kinds: ``id`` (an identifier such as ``customer-journey``, a string
literal), ``text`` (any text, a string literal), ``iri``, and the typed kinds ``integer``,
``decimal``, ``double``, ``boolean``, ``date``, ``datetime`` and ``year`` (``xsd:gYear``),
which become literals of their XSD datatype, so ``COUNT(?p) < $max`` compares numbers.

In the query a parameter is the SPARQL variable ``$name``, so the file as written is the
query with every parameter open (an optional parameter left out matches anything). Binding
substitutes the checked value, written as a SPARQL term, for every ``$name`` token, so the
bound text is again plain SPARQL that can go to any endpoint. Unlike a ``VALUES`` block,
which binds one group, a substituted value reaches into sub-selects and ``HAVING``
(``evidence-gaps`` filters its counts with ``$max_papers`` there). Tokens are found
by a lexer that skips strings, IRIs and comments, so values are never pasted in as text.
A parameter with ``sets LIMIT`` (or ``OFFSET``) has no variable: it replaces the number of
the query's own top-level ``LIMIT 20``, which is its default.

A value's kind is the declared one; for a query without a header it is given with the
name (``-p max:integer=3``, ``?max:integer=3`` on the endpoint's ``/queries/`` route) or,
from Python, taken from the value's type (``int``, ``float``, ``Decimal``, ``bool``,
``date``, ``datetime``); otherwise it is text.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import difflib
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rich.console import Console

from cxkb.namespaces import PREFIXES
from cxkb.ntriples import nt_iri, nt_literal
from cxkb.sparql import results as fmt
from cxkb.sparql.results import Result, Term

QUERY_DIR = "queries"
ID_VALUE = re.compile(r"^[a-z0-9:-]+$")
INTEGER_VALUE = re.compile(r"^[0-9]{1,9}$")
MAX_TEXT = 1000
INTEGER_TYPED = re.compile(r"^[+-]?[0-9]{1,18}$")
DECIMAL_VALUE = re.compile(r"^[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})$")
YEAR_VALUE = re.compile(r"^-?[0-9]{4}$")
IRI_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]{1,2000}$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Each kind with the XSD datatype of its literal ("" for plain strings and IRIs).
DATATYPES = {
    "id": "",
    "text": "",
    "iri": "",
    "integer": _XSD + "integer",
    "decimal": _XSD + "decimal",
    "double": _XSD + "double",
    "boolean": _XSD + "boolean",
    "date": _XSD + "date",
    "datetime": _XSD + "dateTime",
    "year": _XSD + "gYear",
}
KINDS = tuple(DATATYPES)
CLAUSES = ("LIMIT", "OFFSET")
LANGS = ("en", "nl")
DEFAULT_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
FORMATS = ("table", "csv", "tsv", "json", "xml", "md")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z]+(?:@[a-z]{2})?)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\s*\((?P<options>[^)]*)\)\s*:\s*(?P<description>.+)$")
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '''(?:[^'\\]|\\.|'(?!''))*'''
               | "(?:[^"\\\n\r]|\\.)*"
               | '(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
    | (?P<clause>(?<![\w:.\-])(?i:LIMIT|OFFSET)\s+[0-9]+)
    | (?P<brace>[{}])
    """,
    re.VERBOSE | re.DOTALL,
)
_UPDATE_WORDS = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)", re.IGNORECASE)
_OX_ERROR = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


class QueryError(Exception):
    """A query could not be run as asked: the base of every error this module raises."""


class LibraryError(QueryError):
    """A query file's header is malformed; the message names file and line."""


class UnknownQueryError(QueryError):
    """No library query has the given name."""


class ParameterError(QueryError):
    """A parameter value is missing, unknown or not of its kind."""


class ReadOnlyError(QueryError):
    """The text is a SPARQL Update; cxkb only reads."""


class EvaluationError(QueryError):
    """The engine failed while evaluating a syntactically valid query."""


class QuerySyntaxError(QueryError):
    """The SPARQL text does not parse. ``line`` and ``column`` count from 1, in characters."""

    def __init__(self, message: str, line: int, column: int, text: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.text = text

    def excerpt(self) -> str:
        """The offending line with a caret under the column."""
        lines = self.text.split("\n")
        if not 1 <= self.line <= len(lines):
            return ""
        source = lines[self.line - 1].replace("\t", " ")
        return f"{source}\n{' ' * (self.column - 1)}^"


@dataclass(frozen=True)
class Parameter:
    """A documented query parameter. ``clause`` is "LIMIT" or "OFFSET" for one that sets
    that clause's number instead of a variable."""

    name: str
    kind: str
    description: str
    optional: bool = False
    default: str | None = None
    example: str | None = None
    clause: str | None = None

    def term(self, value: object) -> str:
        """The value written as a SPARQL term, after checking it against the kind."""
        if self.clause is not None:
            text = str(value)
            if isinstance(value, bool) or not INTEGER_VALUE.fullmatch(text):
                raise ParameterError(f"parameter {self.name!r}: {text!r} is not a non-negative integer")
            return str(int(text))
        return typed_term(self.name, self.kind, value)


def kind_of(value: object) -> str:
    """The kind a Python value stands for when no kind is declared or named."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, decimal.Decimal):
        return "decimal"
    if isinstance(value, _dt.datetime):
        return "datetime"
    if isinstance(value, _dt.date):
        return "date"
    return "text"


def _typed(text: str, kind: str) -> str:
    return nt_literal(text, datatype=DATATYPES[kind])


def typed_term(name: str, kind: str, value: object) -> str:
    """``value`` as a SPARQL term of ``kind``; ``ParameterError`` names the parameter when it is not one."""

    def refuse(what: str) -> ParameterError:
        return ParameterError(f"parameter {name!r}: {str(value)[:80]!r} is not {what}")

    text = value.isoformat() if isinstance(value, _dt.date) else str(value)
    if kind == "id":
        if not ID_VALUE.fullmatch(text):
            raise ParameterError(
                f"parameter {name!r}: {text!r} is not an identifier (lower-case letters, digits, '-' and ':')"
            )
        return nt_literal(text)
    if kind == "text":
        if len(text) > MAX_TEXT:
            raise ParameterError(f"parameter {name!r}: text longer than {MAX_TEXT} characters")
        return nt_literal(text)
    if kind == "iri":
        if not IRI_VALUE.fullmatch(text):
            raise refuse("an absolute IRI")
        return nt_iri(text)
    if kind == "integer":
        if isinstance(value, bool) or not INTEGER_TYPED.fullmatch(text):
            raise refuse("an integer")
        return _typed(str(int(text)), kind)
    if kind == "decimal":
        if isinstance(value, bool | float) or not DECIMAL_VALUE.fullmatch(text):
            raise refuse("a decimal number")
        return _typed(text, kind)
    if kind == "double":
        try:
            number = float(text) if not isinstance(value, bool) and len(text) <= 40 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise refuse("a finite number")
        return _typed(repr(number), kind)
    if kind == "boolean":
        word = {"true": "true", "1": "true", "false": "false", "0": "false"}.get(text.lower())
        if word is None:
            raise refuse("true or false")
        return _typed(word, kind)
    if kind == "date":
        try:
            parsed = _dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise refuse("a date (YYYY-MM-DD)")
        return _typed(parsed.isoformat(), kind)
    if kind == "datetime":
        try:
            moment = _dt.datetime.fromisoformat(text) if len(text) <= 40 else None
        except ValueError:
            moment = None
        if moment is None:
            raise refuse("a date and time (YYYY-MM-DDTHH:MM:SS)")
        return _typed(moment.isoformat(), kind)
    if kind == "year":
        if isinstance(value, bool) or not YEAR_VALUE.fullmatch(text):
            raise refuse("a year (YYYY)")
        return _typed(text, kind)
    raise ParameterError(f"parameter {name!r}: unknown kind {kind!r} (choose from {', '.join(KINDS)})")


def split_key(key: str) -> tuple[str, str | None]:
    """``"max:integer"`` -> ``("max", "integer")``; a key without a kind -> ``(key, None)``."""
    name, sep, kind = key.partition(":")
    if not sep:
        return key, None
    if kind not in KINDS:
        raise ParameterError(f"parameter {key!r}: unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    return name, kind


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library (or an ad-hoc query, with an empty name)."""

    name: str
    text: str
    title: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)
    params: tuple[Parameter, ...] = ()
    path: Path | None = None

    def param(self, name: str) -> Parameter:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def bind(self, values: Mapping[str, object] | None = None) -> str:
        """The query text with every parameter replaced by its value (or left open)."""
        return bind_text(self.text, self.params, values or {})[0]


# ---------------------------------------------------------------------------------------
# Reading the library
# ---------------------------------------------------------------------------------------


def parse_query(text: str, name: str = "", path: Path | None = None, *, strict: bool = False) -> NamedQuery:
    """Read a query's header; raise ``LibraryError`` naming the line of any problem.

    ``strict`` (for the library) also demands titles and descriptions in both languages and
    that every ``$name`` is declared and every declared parameter used.
    """
    where = str(path) if path is not None else (name or "query")
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: list[Parameter] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_LINE.match(stripped)
        if not match:
            continue
        key, value = match["key"], match["value"]
        field_name, _, lang = key.partition("@")
        if field_name in ("title", "description") and lang in LANGS:
            target = title if field_name == "title" else description
            if lang in target:
                raise LibraryError(f"{where}:{number}: {key} is given twice")
            target[lang] = value
        elif key == "param":
            params.append(_parse_param(value, where, number))
        elif strict:
            raise LibraryError(
                f"{where}:{number}: unknown header field {key!r} (expected title@en/nl, description@en/nl, param)"
            )
    used = {m["var"][1:] for m in _TOKENS.finditer(text) if m["var"] and m["var"][0] == "$"}
    declared = [p.name for p in params]
    for dup in sorted({n for n in declared if declared.count(n) > 1}):
        raise LibraryError(f"{where}: parameter {dup!r} is declared twice")
    if strict:
        for key in ("title@en", "title@nl", "description@en", "description@nl"):
            field_name, _, lang = key.partition("@")
            if lang not in (title if field_name == "title" else description):
                raise LibraryError(f"{where}: the header lacks '# {key}: ...'")
        for p in params:
            if p.clause is not None:
                found = find_clause(text, p.clause)
                if found is None or found[2] != p.default:
                    raise LibraryError(
                        f"{where}: parameter {p.name!r} sets {p.clause}, so the query needs a top-level "
                        f"'{p.clause} {p.default}' (its default)"
                    )
                if p.name in used:
                    raise LibraryError(f"{where}: parameter {p.name!r} sets {p.clause}; ${p.name} must not be used")
            elif p.name not in used:
                raise LibraryError(f"{where}: parameter {p.name!r} is declared but ${p.name} is not used")
        for undeclared in sorted(used - set(declared)):
            raise LibraryError(f"{where}: ${undeclared} is used but not declared with '# param: {undeclared} (...)'")
    return NamedQuery(name, text, title, description, tuple(params), path)


def _parse_param(spec: str, where: str, number: int) -> Parameter:
    match = _PARAM.match(spec)
    if not match:
        raise LibraryError(f"{where}:{number}: expected 'param: name (kind[, optional][, default V]): description'")
    options = [o.strip() for o in match["options"].split(",") if o.strip()]
    if not options or options[0] not in KINDS:
        raise LibraryError(f"{where}:{number}: the kind must come first and be one of {', '.join(KINDS)}")
    kind, optional, default, example, clause = options[0], False, None, None, None
    for option in options[1:]:
        word, _, value = option.partition(" ")
        if word == "optional" and not value:
            optional = True
        elif word == "default" and value.strip():
            default = value.strip()
        elif word == "example" and value.strip():
            example = value.strip()
        elif word == "sets" and value.strip().upper() in CLAUSES:
            clause = value.strip().upper()
        else:
            raise LibraryError(f"{where}:{number}: unknown parameter option {option!r}")
    if clause is not None and (kind != "integer" or default is None):
        raise LibraryError(f"{where}:{number}: a parameter that sets {clause} is an integer with a default")
    param = Parameter(
        match["name"], kind, match["description"].strip(), optional or default is not None, default, example, clause
    )
    for value in (default, example):
        if value is not None:
            try:
                param.term(value)
            except ParameterError as exc:
                raise LibraryError(f"{where}:{number}: {exc}") from None
    return param


def find_clause(text: str, clause: str) -> tuple[int, int, str] | None:
    """(start, end, number) of the number of the query's top-level ``LIMIT``/``OFFSET``, if any."""
    depth = 0
    found = None
    for match in _TOKENS.finditer(text):
        if match["brace"]:
            depth += 1 if match["brace"] == "{" else -1
        elif match["clause"] and depth == 0:
            word, number = match["clause"].split()
            if word.upper() == clause:
                start = match.end() - len(number)
                found = (start, match.end(), number)
    return found


def library(root: Path) -> list[NamedQuery]:
    """Every query in ``root/queries``, sorted by name (the file name without ``.rq``)."""
    folder = root / QUERY_DIR
    if not folder.is_dir():
        return []
    return [parse_query(path.read_text(encoding="utf-8"), path.stem, path) for path in sorted(folder.glob("*.rq"))]


def find_query(root: Path, ref: str) -> NamedQuery:
    """A library query by name, or a ``.rq`` file by path."""
    candidate = Path(ref)
    if ref.endswith(".rq") or candidate.is_file():
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UnknownQueryError(f"cannot read {ref}: {exc}") from None
        return parse_query(text, candidate.stem, candidate)
    queries = {q.name: q for q in library(root)}
    if ref in queries:
        return queries[ref]
    close = difflib.get_close_matches(ref, list(queries), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list them with 'cxkb query --list'"
    raise UnknownQueryError(f"no query named {ref!r}{hint}")


def describe(query: NamedQuery) -> dict[str, object]:
    """A query's metadata as JSON-ready data (for listings and the endpoint's page)."""
    return {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "params": [
            {
                "name": p.name,
                "kind": p.kind,
                "optional": p.optional,
                "default": p.default,
                "example": p.example,
                "sets": p.clause,
                "description": p.description,
            }
            for p in query.params
        ],
    }


# ---------------------------------------------------------------------------------------
# Binding
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    start: int  # offset in the original text
    end: int
    new_start: int  # offset in the bound text
    new_end: int


def bind_text(text: str, params: tuple[Parameter, ...], values: Mapping[str, object]) -> tuple[str, list[_Edit]]:
    """Substitute checked terms for ``$name`` tokens; return the text and where it changed.

    With declared ``params`` only those names are accepted, each of its declared kind. A
    parameter left out (without default) stays the variable it is in the text. Without
    declarations (an ad-hoc query), any ``$name`` in the text may be given a value, typed by
    ``name:kind`` or by its Python type, else text.
    """
    declared = {p.name: p for p in params}
    present = {m["var"][1:] for m in _TOKENS.finditer(text) if m["var"] and m["var"][0] == "$"}
    given: dict[str, tuple[str | None, object]] = {}
    for key, value in values.items():
        name, kind = split_key(key)
        if name not in declared and not (not params and name in present):
            known = ", ".join(sorted(declared)) or "none"
            raise ParameterError(f"unknown parameter {name!r} (this query takes: {known})")
        if name in given:
            raise ParameterError(f"parameter {name!r} is given twice")
        if kind is not None and name in declared and kind != declared[name].kind:
            raise ParameterError(f"parameter {name!r} is declared as {declared[name].kind}, not {kind}")
        given[name] = (kind, value)
    terms: dict[str, str] = {}
    clauses: dict[str, str] = {}
    for name, param in declared.items():
        value = given[name][1] if name in given else param.default
        if value is None or value == "":
            if not param.optional:
                raise ParameterError(f"parameter {name!r} is required: {param.description}")
            continue
        if param.clause is not None:
            clauses[param.clause] = param.term(value)
        else:
            terms[name] = param.term(value)
    if not params:
        terms.update({name: typed_term(name, kind or kind_of(value), value) for name, (kind, value) in given.items()})
    replacements: list[tuple[int, int, str]] = []
    for match in _TOKENS.finditer(text):
        token = match["var"]
        if token and token[0] == "$" and token[1:] in terms:
            replacements.append((match.start(), match.end(), terms[token[1:]]))
    for clause, term in clauses.items():
        found = find_clause(text, clause)
        if found is None:
            raise ParameterError(f"the query has no top-level {clause} for its parameter to set")
        replacements.append((found[0], found[1], term))
    out: list[str] = []
    edits: list[_Edit] = []
    last = 0
    length = 0
    for start, end, replacement in sorted(replacements):
        out.append(text[last:start])
        length += start - last
        edits.append(_Edit(start, end, length, length + len(replacement)))
        out.append(replacement)
        length += len(replacement)
        last = end
    out.append(text[last:])
    return "".join(out), edits


def is_update(text: str) -> bool:
    """Whether SPARQL text is an update request (after its PREFIX/BASE declarations)."""
    body = re.sub(r"#[^\n]*", "", text)
    while True:
        match = _PROLOGUE.match(body)
        if not match:
            break
        body = body[match.end() :]
    return bool(_UPDATE_WORDS.match(body))


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


def _position(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _original_offset(offset: int, edits: list[_Edit]) -> int:
    shift = 0
    for e in edits:
        if offset < e.new_start:
            break
        if offset < e.new_end:
            return e.start
        shift = e.end - e.new_end
    return offset + shift


def _clean_message(message: str) -> str:
    message = message.strip()
    if "Prefix not found" in message:
        return "unknown prefix: declare it with PREFIX (cx, skos, dcterms, … are predefined)"
    first = message.split("\n", 1)[0]
    if len(first) > 200:
        first = first[:200].rsplit(",", 1)[0] + ", …"
    return first


def _second_opinion(text: str) -> int | None:
    """Where rdflib's parser fails on ``text`` (an offset), or ``None``.

    pyoxigraph reports the furthest point its parser reached, often a token or a whole
    group past the mistake; rdflib's parser stops at the start of the construct that fails.
    The earlier of the two is nearer the mistake. Skipped for huge texts and for texts with
    ``\\u`` escapes, which rdflib expands before parsing (shifting its offsets).
    """
    if len(text) > 100_000 or "\\u" in text or "\\U" in text:
        return None
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing's ParseException carries the offset as ``loc``
        loc = getattr(exc, "loc", None)
        return loc if isinstance(loc, int) else None
    return None


def syntax_error(exc: SyntaxError, original: str, bound: str, edits: list[_Edit]) -> QuerySyntaxError:
    """Turn pyoxigraph's ``error at L:C: ...`` into a ``QuerySyntaxError`` on the text the user wrote."""
    match = _OX_ERROR.match(str(exc))
    if not match:
        return QuerySyntaxError(_clean_message(str(exc)), 1, 1, original)
    engine = min(_position(bound, int(match[1]), int(match[2])), len(bound))
    other = _second_opinion(bound)
    offset = engine if other is None else min(engine, other)
    line, column = _line_column(original, min(_original_offset(offset, edits), len(original)))
    message = _clean_message(match[3])
    if offset != engine:
        at_line, at_column = _line_column(original, min(_original_offset(engine, edits), len(original)))
        message += f" (the parser gave up at line {at_line}, column {at_column})"
    return QuerySyntaxError(message, line, column, original)


def to_rdflib(term: object) -> Term:
    """A pyoxigraph term as the equivalent rdflib term (``xsd:string`` literals as plain ones)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dtype = term.datatype.value
        if dtype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dtype), normalize=False)
    raise EvaluationError(f"cannot represent {term!r} (RDF-star triples are not supported)")


def run(
    store: ox.Store,
    query: NamedQuery | str,
    params: Mapping[str, object] | None = None,
    *,
    max_rows: int | None = None,
) -> Result:
    """Bind ``params`` into ``query`` and evaluate it on ``store``.

    ``max_rows`` caps SELECT rows and CONSTRUCT triples; the result then says ``truncated``.
    Raises ``QuerySyntaxError``, ``ParameterError``, ``ReadOnlyError`` or ``EvaluationError``.
    """
    named = query if isinstance(query, NamedQuery) else NamedQuery("", query)
    bound, edits = bind_text(named.text, named.params, params or {})
    try:
        answer = store.query(bound, prefixes=DEFAULT_PREFIXES)
    except SyntaxError as exc:
        if is_update(named.text):
            raise ReadOnlyError(
                "this is a SPARQL Update; only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) run here"
            ) from None
        raise syntax_error(exc, named.text, bound, edits) from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise EvaluationError(str(exc)) from None
    try:
        return _collect(answer, max_rows)
    except (OSError, RuntimeError, ValueError) as exc:
        raise EvaluationError(str(exc)) from None


def _collect(answer: object, max_rows: int | None) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    cap = max_rows if max_rows is not None else -1
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        truncated = False
        for solution in answer:
            if len(rows) == cap:
                truncated = True
                break
            rows.append(tuple(None if t is None else to_rdflib(t) for t in solution))
        return Result("select", variables, rows, truncated=truncated)
    triples = []
    truncated = False
    for triple in answer:  # QueryTriples
        if len(triples) == cap:
            truncated = True
            break
        triples.append((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return Result("graph", triples=triples, truncated=truncated)


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def format_result(result: Result, name: str, *, width: int = 160) -> str:
    """The result as text in one of ``FORMATS``; CONSTRUCT results as Turtle, N-Triples or JSON-LD.

    For graph results ``csv``/``tsv``/``json``/``xml`` have no meaning, so ``json`` gives
    JSON-LD, ``tsv`` N-Triples, and the others Turtle.
    """
    if name == "table":
        buf = io.StringIO()
        Console(file=buf, width=width, highlight=False, color_system=None).print(fmt.to_table(result))
        return buf.getvalue()
    if name == "md":
        return fmt.to_markdown(result)
    if result.kind == "graph":
        return fmt.to_rdf(result, {"json": "json-ld", "tsv": "nt"}.get(name, "turtle"))
    writers = {"csv": fmt.to_csv, "tsv": fmt.to_tsv, "json": fmt.to_json, "xml": fmt.to_xml}
    if name not in writers:
        raise ValueError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
    return writers[name](result)
