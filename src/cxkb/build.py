"""The build pipeline: tables -> records -> graph -> checks -> reasoning -> release files.

Each step may stop the build; nothing is written unless every blocking check passed, and
the release directory is then replaced in one step. ``build`` is the library entry point
that the CLI, the book and the tests call.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import graph as graphmod
from . import reason, release, shacl
from .findings import Report
from .records import KnowledgeBase
from .validate import load_and_validate

DEFAULT_OUT = "build/release"
BASE_FILE = "cxkb-base.ttl"

Progress = Callable[[str], None]


class BuildError(Exception):
    """The build stopped; ``report`` says why."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    kb: KnowledgeBase
    report: Report
    asserted: Graph
    full: Graph
    inferred: int
    files: list[Path] = field(default_factory=list)


def _quiet(_: str) -> None:
    return None


def origins(kb: KnowledgeBase) -> dict[str, tuple[str, int]]:
    """Map each record's IRI to its table cell, so graph-level findings point at a row."""
    out: dict[str, tuple[str, int]] = {}
    kinds = (
        ("domain", kb.domains),
        ("topic", kb.topics),
        ("question", kb.questions),
        ("source", kb.sources),
        ("concept", kb.concepts),
        ("label", kb.ambiguous),
        ("paper", kb.papers),
    )
    for kind, table in kinds:
        for ident, record in table.items():
            out[str(graphmod.iri(kind, ident))] = (record.origin.file, record.origin.line)
    return out


def shacl_report(kb: KnowledgeBase, data: Graph, root: Path, report: Report) -> None:
    where = origins(kb)
    for v in shacl.check(data, shacl.load_shapes(root)):
        file, line = where.get(v.focus, ("(graph)", 0))
        column = v.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        message = f"{v.message} ({v.focus})"
        if v.severity == "violation":
            report.error(file, line, column, "shacl", message)
        elif v.severity == "warning":
            report.warning(file, line, column, "shacl", message)
        else:
            report.info(file, line, column, "shacl", message)


def assemble(
    root: Path, *, today: _dt.date | None = None, progress: Progress = _quiet
) -> tuple[KnowledgeBase, Report, Graph]:
    """Load, validate and convert; raise ``BuildError`` on any error-level finding."""
    progress("reading and checking tables")
    kb, report = load_and_validate(root, today=today)
    if report.has_errors:
        raise BuildError("the tables have errors", report)
    progress("building the graph")
    data = graphmod.to_graph(kb)
    progress("validating the graph with SHACL")
    shacl_report(kb, data, root, report)
    if report.has_errors:
        raise BuildError("the graph does not conform to the SHACL shapes", report)
    asserted = graphmod.schema_graph(root)
    for t in data:
        asserted.add(t)
    return kb, report, asserted


def build(
    root: Path,
    out: Path | None = None,
    *,
    reasoning: bool = True,
    today: _dt.date | None = None,
    progress: Progress = _quiet,
) -> BuildResult:
    """Build and write the release. Nothing is written if any step fails."""
    out = out if out is not None else root / DEFAULT_OUT
    kb, report, asserted = assemble(root, today=today, progress=progress)
    full = Graph()
    for t in asserted:
        full.add(t)
    inferred = 0
    if reasoning:
        progress("reasoning with HermiT (consistency, paper -> topic -> domain)")
        try:
            result = reason.materialise(asserted)
        except reason.ReasonerError as exc:
            report.error("ontology/cxkb.ttl", 0, "", "reasoner", str(exc))
            raise BuildError(str(exc), report) from exc
        for t in result.inferred:
            full.add(t)
        inferred = len(result.inferred)
    progress("serialising release files")
    files = release.serialise(full)
    files[BASE_FILE] = release.serialise(asserted, ("cxkb.ttl",))["cxkb.ttl"]
    progress(f"writing {out}")
    written = release.write_release(out, files)
    return BuildResult(kb, report, asserted, full, inferred, written)


def paper_domains(graph: Graph) -> dict[str, set[str]]:
    """Paper id -> domain ids as stated by cx:coversDomain in ``graph``."""
    out: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(graphmod.CX.coversDomain):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            out.setdefault(graphmod.ident_of(s), set()).add(graphmod.ident_of(o))
    return out
