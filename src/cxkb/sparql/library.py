"""The query library: named SPARQL queries with documented parameters, and running them.

Each query is a ``.rq`` file in ``queries/``, a plain SPARQL query that any endpoint can
run, headed by comment lines this module reads::

    # title@en: Papers on a topic
    # title@nl: Publicaties over een onderwerp
    # description@en: ...
    # description@nl: ...
    # param: topic (id, example customer-emotions): the topic id

A parameter line reads ``name (kind[, optional][, default V][, example V]): description``.
Kinds: ``id`` (an identifier such as ``customer-journey``, matched as a string literal),
``text`` (any text, as a string literal) and ``integer`` (a non-negative integer).

In the query a parameter is written ``$name``. Binding replaces that token with the value
written as a SPARQL term (a quoted, escaped literal or a bare integer) after the value was
checked against its kind; the token is found by a lexer that skips strings, IRIs and
comments, so values are never pasted into the text as such. An optional parameter left
out becomes a fresh variable, which is unbound or matches anything.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rich.console import Console

from cxkb.namespaces import PREFIXES
from cxkb.ntriples import nt_literal
from cxkb.sparql import results as fmt
from cxkb.sparql.results import Result, Term

QUERY_DIR = "queries"
ID_VALUE = re.compile(r"^[a-z0-9:-]+$")
INTEGER_VALUE = re.compile(r"^[0-9]{1,9}$")
MAX_TEXT = 1000
KINDS = ("id", "text", "integer")
LANGS = ("en", "nl")
UNBOUND_PREFIX = "_unbound_"
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
    """A documented query parameter."""

    name: str
    kind: str
    description: str
    optional: bool = False
    default: str | None = None
    example: str | None = None

    def term(self, value: object) -> str:
        """The value written as a SPARQL term, after checking it against the kind."""
        text = str(value)
        if self.kind == "id":
            if not ID_VALUE.fullmatch(text):
                raise ParameterError(
                    f"parameter {self.name!r}: {text!r} is not an identifier (lower-case letters, digits, '-' and ':')"
                )
            return nt_literal(text)
        if self.kind == "integer":
            if isinstance(value, bool) or not INTEGER_VALUE.fullmatch(text):
                raise ParameterError(f"parameter {self.name!r}: {text!r} is not a non-negative integer")
            return str(int(text))
        if len(text) > MAX_TEXT:
            raise ParameterError(f"parameter {self.name!r}: text longer than {MAX_TEXT} characters")
        return nt_literal(text)


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
            if p.name not in used:
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
    kind, optional, default, example = options[0], False, None, None
    for option in options[1:]:
        word, _, value = option.partition(" ")
        if word == "optional" and not value:
            optional = True
        elif word == "default" and value.strip():
            default = value.strip()
        elif word == "example" and value.strip():
            example = value.strip()
        else:
            raise LibraryError(f"{where}:{number}: unknown parameter option {option!r}")
    param = Parameter(
        match["name"], kind, match["description"].strip(), optional or default is not None, default, example
    )
    for value in (default, example):
        if value is not None:
            try:
                param.term(value)
            except ParameterError as exc:
                raise LibraryError(f"{where}:{number}: {exc}") from None
    return param


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
    """Replace ``$name`` tokens with checked terms; return the text and where it changed.

    With declared ``params`` only those names are accepted. Without (an ad-hoc query), any
    ``$name`` in the text may be given a value, which is bound as a string literal.
    """
    declared = {p.name: p for p in params}
    present = {m["var"][1:] for m in _TOKENS.finditer(text) if m["var"] and m["var"][0] == "$"}
    for name in values:
        if name not in declared and not (not params and name in present):
            known = ", ".join(sorted(declared)) or "none"
            raise ParameterError(f"unknown parameter {name!r} (this query takes: {known})")
    terms: dict[str, str] = {}
    for name, param in declared.items():
        value = values.get(name, param.default)
        if value is None or value == "":
            if not param.optional:
                raise ParameterError(f"parameter {name!r} is required: {param.description}")
            terms[name] = f"?{UNBOUND_PREFIX}{name}"
        else:
            terms[name] = param.term(value)
    if not params:
        adhoc = Parameter("", "text", "")
        terms.update({name: adhoc.term(value) for name, value in values.items()})
    out: list[str] = []
    edits: list[_Edit] = []
    last = 0
    length = 0
    for match in _TOKENS.finditer(text):
        token = match["var"]
        if not token or token[0] != "$" or token[1:] not in terms:
            continue
        out.append(text[last : match.start()])
        length += match.start() - last
        replacement = terms[token[1:]]
        edits.append(_Edit(match.start(), match.end(), length, length + len(replacement)))
        out.append(replacement)
        length += len(replacement)
        last = match.end()
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
