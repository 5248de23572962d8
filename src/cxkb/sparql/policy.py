"""What the endpoint lets through to the engine, decided on SPARQL tokens.

The engine (the Oxigraph server) parses and runs whatever it is sent, and some texts are
dangerous to it or through it: ``SERVICE`` makes it fetch from any host and port, an update
would be refused by it only if it was started read-only, and a few kilobytes of nested
brackets overflow its parser's stack and abort the whole process. So every query is first
split into tokens here, and refused with a message when it breaks a rule.

The tokenizer follows the SPARQL 1.1 grammar's terminals: strings (all four quote styles,
with their escapes), IRIs, comments, variables, prefixed names, numbers and punctuation.
Deciding on tokens rather than on a regular expression over the raw text is what makes a
``#`` inside an IRI (``BASE <http://x/#>``) part of the IRI rather than a comment, and the
word ``SERVICE`` inside a string a word rather than a keyword. A text that cannot be split
into tokens (an unterminated string, a backslash outside a string) is refused, so the
engine never sees a text the endpoint read differently.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Terminals of the SPARQL 1.1 grammar (section 19.8), in the order they must be tried:
# comments, then strings (long forms before short), then IRIs before the ``<`` operator.
_ESCAPE = r"""\\[tbnrf\\"']|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PN_CHARS = r"\w\u00b7\u0300-\u036f\u203f-\u2040\-"
_TOKEN = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ESCAPE}))*\"\"\"
               | '''(?:(?:'|'')?(?:[^'\\]|{_ESCAPE}))*'''
               | "(?:[^"\\\n\r]|{_ESCAPE})*"
               | '(?:[^'\\\n\r]|{_ESCAPE})*')
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
    | (?P<var>[?$][{_PN_CHARS}]+)
    | (?P<bnode>_:[{_PN_CHARS}.]*[{_PN_CHARS}])
    | (?P<pname>(?:[^\W\d_][{_PN_CHARS}.]*[{_PN_CHARS}]|[^\W\d_])?:
                (?:(?:[{_PN_CHARS}:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?\#@%])
                   (?:[{_PN_CHARS}:.]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?\#@%])*
                   (?<!\.))?)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\];,.*+\-/|^!=<>?])
    """,
    re.VERBOSE,
)
OPENERS = {"{": "}", "(": ")", "[": "]"}
CLOSERS = {"}", ")", "]"}
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


class PolicyError(Exception):
    """The text breaks a rule; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Token:
    kind: str  # one of the group names of _TOKEN
    text: str
    start: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` without whitespace and comments; ``PolicyError`` where none fits."""
    tokens: list[Token] = []
    pos = 0
    end = len(text)
    match = _TOKEN.match
    while pos < end:
        found = match(text, pos)
        if found is None:
            line = text.count("\n", 0, pos) + 1
            column = pos - (text.rfind("\n", 0, pos) + 1) + 1
            char = text[pos]
            what = "an unterminated string" if char in "\"'" else f"unexpected character {char!r}"
            raise PolicyError(f"SPARQL syntax error at line {line}, column {column}: {what}")
        kind = found.lastgroup or "op"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, found.group(), pos))
        pos = found.end()
    return tokens


@dataclass(frozen=True)
class Limits:
    """How big and how deep a query may be before the engine sees it.

    The engine's parser and optimiser recurse once per level of nesting and once per link
    of a chain of binary operators (``UNION``, ``/``, ``+``, ``&&``); about 5,000 levels or
    10,000 links abort it with a stack overflow. The defaults stay far below that (the
    library's largest query has under 300 tokens and nests 5 deep) and far above any
    query written by hand.
    """

    max_chars: int = 100_000
    max_tokens: int = 5_000
    max_depth: int = 64


@dataclass(frozen=True)
class Shape:
    """What the endpoint needs to know about a query it has accepted."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    prefixes: Mapping[str, str]  # declared in the prologue
    used_prefixes: frozenset[str]
    fingerprint: str
    services: tuple[str, ...] = field(default=())
    repeatable: bool = True  # the same text always has the same answer (no NOW(), RAND(), SERVICE …)

    @property
    def kind(self) -> str:
        """``graph`` for CONSTRUCT and DESCRIBE, ``select`` for SELECT and ASK (result formats)."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "select"


def _prologue(tokens: Sequence[Token]) -> tuple[dict[str, str], int]:
    """The prefixes the prologue declares, and the index of the first token after it."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper() if tokens[i].kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            i += 2
        elif (
            word == "PREFIX"
            and i + 2 < len(tokens)
            and tokens[i + 1].kind == "pname"
            and tokens[i + 1].text.endswith(":")
            and tokens[i + 2].kind == "iri"
        ):
            prefixes[tokens[i + 1].text[:-1]] = tokens[i + 2].text[1:-1]
            i += 3
        else:
            break
    return prefixes, i


def _service_target(tokens: Sequence[Token], i: int, prefixes: Mapping[str, str]) -> str | None:
    """The IRI a ``SERVICE`` at ``i`` calls, or ``None`` when it is a variable or cannot be read."""
    j = i + 1
    if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "SILENT":
        j += 1
    if j >= len(tokens):
        return None
    target = tokens[j]
    if target.kind == "iri" and "\\" not in target.text:
        return target.text[1:-1]
    if target.kind == "pname" and "\\" not in target.text and "%" not in target.text:
        prefix, _, local = target.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def _weight(token: Token) -> int:
    """How many tokens ``token`` may be to the engine.

    ``?x<1+1+1>0`` is an IRI to the SPARQL grammar's tokenizer but a comparison with a
    chain of additions to the engine's parser, which reads ``<`` by context. So an IRI
    counts once per punctuation character in it: a chain hidden in it still counts.
    """
    if token.kind != "iri":
        return 1
    return 1 + sum(1 for c in token.text[1:-1] if not c.isalnum())


def _inner_depth(iri: str) -> int:
    """How deep the brackets inside an IRI token nest, for the same reason as ``_weight``."""
    depth = deepest = 0
    for c in iri:
        if c in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]" and depth:
            depth -= 1
    return deepest


# Functions whose value changes from one evaluation to the next: a query that calls one
# gives a new answer each time, so its answer is never remembered.
VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})


def inspect(
    text: str,
    limits: Limits,
    *,
    allowed_services: frozenset[str] = frozenset(),
    default_prefixes: Mapping[str, str] | None = None,
) -> Shape:
    """Check ``text`` against every rule and describe it; ``PolicyError`` names the first rule broken.

    Refused with 403: updates (the first keyword after the ``BASE``/``PREFIX`` prologue is
    an update operation). Refused with 400: texts longer than ``max_chars``, with more
    than ``max_tokens`` tokens or nested deeper than ``max_depth`` brackets, ``SERVICE``
    to any endpoint not in ``allowed_services``, and texts that are not a query.
    """
    if len(text) > limits.max_chars:
        raise PolicyError(f"the query is longer than {limits.max_chars:,} characters")
    tokens = tokenize(text)
    if sum(_weight(t) for t in tokens) > limits.max_tokens:
        raise PolicyError(f"the query has more than {limits.max_tokens:,} tokens; split it or use VALUES sparingly")
    prefixes, first = _prologue(tokens)
    head = tokens[first] if first < len(tokens) else None
    word = head.text.upper() if head is not None and head.kind == "word" else ""
    if word in UPDATE_WORDS:
        raise PolicyError("this endpoint is read-only: SPARQL Update requests are refused", 403)
    if word not in QUERY_FORMS:
        raise PolicyError("not a query: after PREFIX and BASE a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK")
    resolved = {**(default_prefixes or {}), **prefixes}
    depth = 0
    stack: list[str] = []
    services: list[str] = []
    used: set[str] = set()
    variables: dict[str, str] = {}
    shape: list[str] = []
    volatile = False
    for i, token in enumerate(tokens):
        kind, value = token.kind, token.text
        if kind == "op":
            if value in OPENERS:
                stack.append(OPENERS[value])
                depth = max(depth, len(stack))
                if depth > limits.max_depth:
                    raise PolicyError(f"the query nests brackets ({{ }}, ( ) or [ ]) more than {limits.max_depth} deep")
            elif value in CLOSERS and stack and stack[-1] == value:
                stack.pop()
            shape.append(value)
        elif kind == "word":
            upper = value.upper()
            if upper == "SERVICE":
                target = _service_target(tokens, i, resolved)
                if target is None or target not in allowed_services:
                    where = f" to <{target}>" if target else ""
                    raise PolicyError(
                        f"SERVICE{where} is refused: this endpoint does not query other endpoints"
                        + (" (allowed: " + ", ".join(sorted(allowed_services)) + ")" if allowed_services else "")
                    )
                services.append(target)
            volatile = volatile or upper in VOLATILE
            shape.append(upper)
        elif kind == "iri" and ("(" in value or "[" in value):
            if len(stack) + _inner_depth(value) > limits.max_depth:
                raise PolicyError(f"the query nests brackets ({{ }}, ( ) or [ ]) more than {limits.max_depth} deep")
            shape.append(value)
        elif kind == "var":
            shape.append(variables.setdefault(value[1:], f"?v{len(variables)}"))
        elif kind in ("string", "number", "lang"):
            shape.append("L")
        else:
            if kind == "pname":
                used.add(value.partition(":")[0])
            shape.append(value)
    fingerprint = hashlib.blake2b(" ".join(shape).encode("utf-8"), digest_size=12).hexdigest()
    repeatable = not volatile and not services
    return Shape(word, prefixes, frozenset(used), fingerprint, tuple(services), repeatable)


def with_prefixes(text: str, shape: Shape, defaults: Mapping[str, str]) -> tuple[str, int]:
    """``text`` with the default prefixes it uses but does not declare put in front, on one line.

    Returns the text and the number of lines added (0 or 1), so the engine's error
    positions can be given back in the lines the user wrote.
    """
    missing = sorted(p for p in shape.used_prefixes if p not in shape.prefixes and p in defaults)
    if not missing:
        return text, 0
    head = " ".join(f"PREFIX {p}: <{defaults[p]}>" for p in missing)
    return f"{head}\n{text}", 1


_ENGINE_ERROR = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_message(engine_message: str, text: str, added_lines: int) -> str:
    """The engine's ``error at L:C: ...`` as ``SPARQL syntax error at line L, column C: ...`` on the user's text."""
    found = _ENGINE_ERROR.match(engine_message.strip())
    if not found:
        return engine_message.strip()
    line, column = int(found[1]) - added_lines, int(found[2])
    message = found[3].split("\n", 1)[0]
    if len(message) > 200:
        message = message[:200].rsplit(",", 1)[0] + ", …"
    if line < 1:
        return f"SPARQL syntax error: {message}"
    lines = text.split("\n")
    excerpt = ""
    if line <= len(lines):
        source = lines[line - 1].replace("\t", " ")
        excerpt = f"\n{source}\n{' ' * max(0, column - 1)}^"
    return f"SPARQL syntax error at line {line}, column {column}: {message}{excerpt}"
