"""Release artefacts: the graph in four standard serialisations, byte-stable.

Two builds from the same sources must give identical files, so that committed or published
artefacts diff cleanly. Blank nodes get content-derived labels, and every file lists the
triples sorted by subject, predicate and object (compared as N-Triples terms).

The build writes the files here with ``ReleaseWriter``, one subject at a time, straight
from N-Triples terms: rdflib's serialisers need the whole graph in memory and take seconds
per hundred thousand triples. ``serialise`` (through rdflib) remains for small graphs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TypeVar

from rdflib.namespace import RDF

from cxkb.namespaces import PREFIXES

# ---------------------------------------------------------------------------------------
# Streaming writers. Each takes (subject, [(predicate, object), ...]) blocks in N-Triples
# terms, subjects in sorted order and pairs sorted within a block, and writes one file.
# ---------------------------------------------------------------------------------------

# How many rendered terms or lines a writer keeps. Papers share most of their objects
# (topics, concepts, keywords, venues, years, authors), so most lookups hit; the bound keeps
# a table of unique titles from growing the cache without end.
_CACHE_SIZE = 200_000
K = TypeVar("K")
Pairs = list[tuple[str, str]]
_RDF_TYPE = f"<{RDF.type}>"


def _keep(cache: dict[K, str], key: K, text: str) -> str:
    """Remember ``text`` under ``key`` while the cache has room; return it."""
    if len(cache) < _CACHE_SIZE:
        cache[key] = text
    return text


_NAMESPACES = {str(ns): prefix for prefix, ns in sorted(PREFIXES.items())} | {str(RDF): "rdf"}
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ECHAR = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'"}
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_XML_SPECIAL = re.compile('[&<>"\r\n\t]')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] in "uU" and len(code) > 1 else _ECHAR.get(code, code)

    return _UNESCAPE.sub(one, body)


def literal_parts(term: str) -> tuple[str, str, str]:
    """(lexical form, language, datatype IRI) of an N-Triples literal."""
    end = term.rfind('"')
    rest = term[end + 1 :]
    lang = rest[1:] if rest.startswith("@") else ""
    datatype = rest[3:-1] if rest.startswith("^^") else ""
    return _unescape(term[1:end]), lang, datatype


class NTriplesWriter:
    def __init__(self, fh: IO[str], head: bool = True) -> None:
        self.fh = fh

    def block(self, subject: str, pairs: Pairs) -> None:
        self.fh.write("".join([f"{subject} {p} {o} .\n" for p, o in pairs]))

    def close(self) -> None:
        return None


class TurtleWriter:
    """Turtle with the cxkb prefixes, one paragraph per subject."""

    def __init__(self, fh: IO[str], head: bool = True) -> None:
        self.fh = fh
        if head:
            fh.write(
                "".join(
                    f"@prefix {prefix}: <{ns}> .\n" for ns, prefix in sorted(_NAMESPACES.items(), key=lambda x: x[1])
                )
            )
        self.cache: dict[str, str] = {}
        self.predicates: dict[str, str] = {}

    def iri(self, term: str) -> str:
        ns, local = _split(term[1:-1])
        prefix = _NAMESPACES.get(ns)
        if prefix is not None and _PN_LOCAL.fullmatch(local):
            return f"{prefix}:{local}"
        return term

    def node(self, term: str) -> str:
        """A term as Turtle: IRIs shortened with the prefixes, literals as in N-Triples."""
        if term[0] == "<":
            short = self.cache.get(term)
            return short if short is not None else _keep(self.cache, term, self.iri(term))
        if term[0] == '"' and term[-1] == ">":
            cut = term.rfind("^^<")
            return term[: cut + 2] + self.node(term[cut + 2 :])
        return term

    def predicate(self, term: str) -> str:
        found = self.predicates.get(term)
        if found is None:
            found = "a" if term == _RDF_TYPE else self.node(term)
            self.predicates[term] = found
        return found

    def groups(self, pairs: Pairs) -> list[tuple[str, str]]:
        """(predicate, its Turtle text with all its objects) for sorted ``pairs``."""
        cache, node = self.cache, self.node
        out: list[tuple[str, str]] = []
        last = None
        objects: list[str] = []
        for p, o in pairs:
            if p != last:
                if last is not None:
                    out.append((last, self.group(last, objects)))
                last, objects = p, []
            objects.append(o if o[-1] == '"' else cache.get(o) or node(o))
        if last is not None:
            out.append((last, self.group(last, objects)))
        return out

    def group(self, predicate: str, objects: list[str]) -> str:
        return (self.predicates.get(predicate) or self.predicate(predicate)) + " " + ",\n        ".join(objects)

    def merged(self, groups: list[tuple[str, str]], asserted: Pairs, inferred: Pairs) -> list[tuple[str, str]]:
        """``groups`` of the asserted pairs with the inferred ones added: only the groups
        of the inferred predicates are written again."""
        extra: dict[str, list[str]] = {}
        for p, o in inferred:
            extra.setdefault(p, []).append(o)
        out = dict(groups)
        for p, objects in extra.items():
            if p in out:
                objects = objects + [o for q, o in asserted if q == p]
            out[p] = self.group(p, [self.node(o) for o in sorted(objects)])
        return sorted(out.items())

    def paragraph(self, subject: str, groups: list[tuple[str, str]]) -> str:
        head = "\n" + (self.cache.get(subject) or self.node(subject))
        if not groups:
            return head + " .\n"
        return head + "\n    " + " ;\n    ".join(text for _, text in groups) + " .\n"

    def render(self, subject: str, pairs: Pairs) -> str:
        return self.paragraph(subject, self.groups(pairs))

    def block(self, subject: str, pairs: Pairs) -> None:
        self.write(self.render(subject, pairs))

    def write(self, text: str) -> None:
        self.fh.write(text)

    def close(self) -> None:
        return None


class RdfXmlWriter:
    """RDF/XML: one rdf:Description per subject, property elements in sorted order."""

    def __init__(self, fh: IO[str], head: bool = True) -> None:
        self.fh = fh
        decls = "".join(f'\n   xmlns:{prefix}="{ns}"' for ns, prefix in sorted(_NAMESPACES.items(), key=lambda x: x[1]))
        if head:
            fh.write(f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{decls}>\n')
        self.names: dict[str, tuple[str, str]] = {}
        self.lines: dict[tuple[str, str], str] = {}

    def name(self, predicate: str) -> tuple[str, str]:
        """(element name, namespace declaration) of a predicate."""
        found = self.names.get(predicate)
        if found is None:
            ns, local = _split(predicate[1:-1])
            if not _NCNAME.fullmatch(local):
                raise ValueError(f"{predicate} cannot be written as an RDF/XML element name")
            prefix = _NAMESPACES.get(ns)
            found = (f"{prefix}:{local}", "") if prefix else (f"ns:{local}", f' xmlns:ns="{ns.translate(_XML_ATTR)}"')
            self.names[predicate] = found
        return found

    @staticmethod
    def _ref(term: str, attribute: str) -> str:
        if term[0] == "_":
            return f'rdf:nodeID="{term[2:]}"'
        iri = term[1:-1]
        return f'rdf:{attribute}="{iri.translate(_XML_ATTR) if _XML_SPECIAL.search(iri) else iri}"'

    def line(self, subject: str, p: str, o: str) -> str:
        """One property element (``subject`` only names the triple in an error)."""
        element, decl = self.name(p)
        if o[0] != '"':
            return f"    <{element}{decl} {self._ref(o, 'resource')}/>\n"
        text, lang, datatype = literal_parts(o)
        if _XML_BAD.search(text):
            raise ValueError(f"{subject} {p}: a literal holds a character XML 1.0 cannot carry")
        attr = f' xml:lang="{lang}"' if lang else f' rdf:datatype="{datatype.translate(_XML_ATTR)}"' if datatype else ""
        if _XML_SPECIAL.search(text):
            text = text.translate(_XML_TEXT)
        return f"    <{element}{decl}{attr}>{text}</{element}>\n"

    def cached_line(self, subject: str, pair: tuple[str, str]) -> str:
        return _keep(self.lines, pair, self.line(subject, *pair))

    def block(self, subject: str, pairs: Pairs) -> None:
        lines, miss = self.lines, self.cached_line
        body = "".join([lines.get(pair) or miss(subject, pair) for pair in pairs])
        self.fh.write(f"  <rdf:Description {self._ref(subject, 'about')}>\n{body}  </rdf:Description>\n")

    def close(self) -> None:
        self.fh.write("</rdf:RDF>\n")


class JsonLdWriter:
    """JSON-LD: the prefixes as context, one node object per subject in @graph.

    Property keys are compact IRIs; @id, @type and datatype values are written in full,
    which every JSON-LD processor reads the same way. The JSON text is put together here
    rather than by ``json.dumps`` on nested dicts, which takes three times as long.
    """

    def __init__(self, fh: IO[str], head: bool = True) -> None:
        self.fh = fh
        context = {prefix: ns for ns, prefix in sorted(_NAMESPACES.items(), key=lambda x: x[1])}
        if head:
            fh.write('{\n "@context": ' + json.dumps(context, ensure_ascii=False, sort_keys=True) + ',\n "@graph": [')
        self.first = head
        self.keys: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.values: dict[str, str] = {}

    def key(self, predicate: str) -> str:
        found = self.keys.get(predicate)
        if found is None:
            ns, local = _split(predicate[1:-1])
            prefix = _NAMESPACES.get(ns)
            found = f"{prefix}:{local}" if prefix and _PN_LOCAL.fullmatch(local) and local else predicate[1:-1]
            found = _json_string(found)
            self.keys[predicate] = found
        return found

    def ident(self, term: str) -> str:
        found = self.ids.get(term)
        if found is not None:
            return found
        return _keep(self.ids, term, _json_string(term if term[0] == "_" else term[1:-1]))

    def value(self, term: str) -> str:
        found = self.values.get(term)
        return found if found is not None else _keep(self.values, term, self._value(term))

    def _value(self, term: str) -> str:
        if term[0] != '"':
            return '{"@id": ' + self.ident(term) + "}"
        text, lang, datatype = literal_parts(term)
        if lang:
            return '{"@language": ' + _json_string(lang) + ', "@value": ' + _json_string(text) + "}"
        if datatype:
            return '{"@type": ' + _json_string(datatype) + ', "@value": ' + _json_string(text) + "}"
        return '{"@value": ' + _json_string(text) + "}"

    def block(self, subject: str, pairs: Pairs) -> None:
        parts = [
            "\n  " if self.first else ",\n  ",
            '{"@id": ',
            _json_string(subject if subject[0] == "_" else subject[1:-1]),
        ]
        types = [self.ident(o) for p, o in pairs if p == _RDF_TYPE and o[0] != '"']
        if types:
            parts.append(', "@type": [' + ", ".join(types) + "]")
        last = None
        values = self.values
        for p, o in pairs:
            if p == _RDF_TYPE and o[0] != '"':
                continue
            if p != last:
                parts.append(("], " if last is not None else ", ") + self.key(p) + ": [")
                last = p
            else:
                parts.append(", ")
            parts.append(values.get(o) or self.value(o))
        if last is not None:
            parts.append("]")
        parts.append("}")
        self.fh.write("".join(parts))
        self.first = False

    def close(self) -> None:
        self.fh.write("\n ]\n}\n")


# A JSON string literal (quotes and escapes, non-ASCII kept as is): C code in CPython.
_json_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


WRITERS = {"cxkb.nt": NTriplesWriter, "cxkb.ttl": TurtleWriter, "cxkb.owl": RdfXmlWriter, "cxkb.jsonld": JsonLdWriter}


BASE_NAME = "cxkb-base.ttl"
RELEASE_NAMES = (*WRITERS, BASE_NAME)


def write_blocks(
    directory: Path,
    blocks: Iterable[tuple[str, Pairs, Pairs]],
    names: Iterable[str] = RELEASE_NAMES,
    *,
    head: bool = True,
    tail: bool = True,
) -> tuple[int, int]:
    """Write the chosen release files: the four full ones and the asserted-only Turtle.

    ``blocks`` gives (subject, asserted pairs, inferred pairs), both sorted and disjoint.
    Without ``head`` or ``tail`` the files lack their opening or closing text: they are
    parts, to be joined with ``append_parts`` into whole files.
    Returns the number of triples written and of inferred ones among them.
    """
    names = [n for n in RELEASE_NAMES if n in set(names)]
    total = inferred_total = 0
    handles = {}
    try:
        for name in names:
            handles[name] = (directory / name).open("w", encoding="utf-8", newline="\n")
        full = [WRITERS[name](handles[name], head) for name in names if name in WRITERS and name != "cxkb.ttl"]
        turtle = TurtleWriter(handles["cxkb.ttl"], head) if "cxkb.ttl" in handles else None
        base = TurtleWriter(handles[BASE_NAME], head) if BASE_NAME in handles else None
        renderer = turtle or base
        for subject, asserted, inferred in blocks:
            pairs = sorted(asserted + inferred) if inferred else asserted
            for w in full:
                w.block(subject, pairs)
            if renderer is not None:
                # The full and the asserted-only Turtle share every predicate group
                # but those of the inferred predicates.
                groups = renderer.groups(asserted)
                text = renderer.paragraph(subject, groups)
                if base is not None and asserted:
                    base.write(text)
                if turtle is not None and inferred:
                    text = renderer.paragraph(subject, renderer.merged(groups, asserted, inferred))
                if turtle is not None:
                    turtle.write(text)
            total += len(pairs)
            inferred_total += len(inferred)
        if tail:
            for w in (*full, turtle, base):
                if w is not None:
                    w.close()
    finally:
        for fh in handles.values():
            fh.close()
    return total, inferred_total


def append_parts(directory: Path, parts: Path) -> None:
    """Append each file of ``parts`` to the file of the same name in ``directory``, then drop ``parts``."""
    for part in sorted(parts.iterdir()):
        with part.open("rb") as src, (directory / part.name).open("r+b") as dst:
            dst.seek(0, os.SEEK_END)
            _copy(src, dst)
        part.unlink()
    parts.rmdir()


def _copy(src: IO[bytes], dst: IO[bytes]) -> None:
    """Copy ``src`` to ``dst`` from their current positions, in the kernel where it can."""
    if hasattr(os, "copy_file_range"):
        try:
            while os.copy_file_range(src.fileno(), dst.fileno(), 1 << 30):
                pass
            return
        except OSError:  # a file system without it: copy what is left the ordinary way
            pass
    shutil.copyfileobj(src, dst, 1 << 20)
