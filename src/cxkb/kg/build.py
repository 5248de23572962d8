"""The build pipeline: tables -> records -> checks -> reasoning -> release files.

Each step may stop the build; nothing is written unless every blocking check passed, and
the release directory is then replaced in one step. ``build`` is the library entry point
that the CLI, the book and the tests call.

The release is written from the records one subject at a time (``graph.paper_pairs`` and
friends, ``writer.write_blocks``), never as one rdflib graph, so time and memory grow
with the table but stay far below what rdflib needs. ``assemble`` still gives the whole
graph as rdflib for callers that want it (``cxkb validate``, the in-memory store).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import os
import pickle
import signal
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from cxkb import namespaces, ntriples, release, serialise
from cxkb.atomic import atomic_directory
from cxkb.findings import Report
from cxkb.kg import extracts, reason, shacl, skos, triples, verdicts, writer
from cxkb.kg import graph as graphmod
from cxkb.kg.records import KnowledgeBase, Paper, load_papers, load_taxonomy
from cxkb.kg.validate import load_and_validate, near_identical_titles, validate_papers, validate_taxonomy

DEFAULT_OUT = release.RELEASE_DIR
BASE_FILE = release.BASE_FILE
FULL_FILE = release.FULL_FILE

Progress = Callable[[str], None]
Triple = tuple[str, str, str]
Pairs = list[tuple[str, str]]


class BuildError(Exception):
    """The build stopped; ``report`` says why."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    """What a build wrote. The graphs are read back from the release files on first use:
    at a hundred thousand papers an rdflib graph would need several gigabytes, so the
    build itself never holds one."""

    kb: KnowledgeBase
    report: Report
    inferred: int
    files: list[Path] = field(default_factory=list)
    triples: int = 0
    out: Path = Path(DEFAULT_OUT)

    @cached_property
    def full(self) -> Graph:
        """The released graph, asserted and inferred triples (parsed from cxkb.nt)."""
        return Graph().parse(self.out / FULL_FILE, format="nt")

    @cached_property
    def asserted(self) -> Graph:
        """The asserted graph only (parsed from cxkb-base.ttl)."""
        return Graph().parse(self.out / BASE_FILE, format="turtle")


def _quiet(_: str) -> None:
    return None


class _Side:
    """A job run in a forked copy of this process; its result (or error) comes back pickled.

    The fork shares the records with the parent copy-on-write, so nothing is copied up
    front. Where ``os.fork`` does not exist, or other threads run (a fork copies only the
    calling thread, and a lock another thread holds would never be released), the job
    simply runs in this process.
    """

    def __init__(self, job: Callable[[], Any], *, fork: bool | None = None) -> None:
        """``fork`` is :meth:`forks` asked once by a caller that set something up for the
        forked case (a gate), so that the answer cannot change between the two."""
        self.pid = 0
        if not (self.forks() if fork is None else fork):
            self.outcome = self._run(job)
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, report, and leave without running the parent's cleanup
            os.close(read)
            code = 0
            try:
                with os.fdopen(write, "wb") as fh:
                    pickle.dump(self._run(job), fh)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(write)
        self.pid, self.read = pid, read

    @staticmethod
    def forks() -> bool:
        """Whether a job started now runs in a forked process (otherwise it runs at once, here)."""
        return hasattr(os, "fork") and threading.active_count() == 1

    @staticmethod
    def _run(job: Callable[[], Any]) -> tuple[bool, Any]:
        try:
            return True, job()
        except BaseException as exc:
            try:
                pickle.dumps(exc)
            except Exception:
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            return False, exc

    def result(self) -> Any:
        if self.pid:
            with os.fdopen(self.read, "rb") as fh:
                data = fh.read()
            os.waitpid(self.pid, 0)
            self.pid = 0
            self.outcome = pickle.loads(data) if data else (False, RuntimeError("the second writer process failed"))
        ok, value = self.outcome
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.read)
            self.pid = 0


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
            out[str(namespaces.iri(kind, ident))] = (record.origin.file, record.origin.line)
    return out


def shacl_report(kb: KnowledgeBase, violations: list[shacl.Violation], report: Report) -> None:
    """pySHACL's findings, each placed at the row of its focus node."""
    if not violations:  # the usual case: spare mapping every record's IRI
        return
    where = origins(kb)
    for v in violations:
        file, line = where.get(v.focus, ("(graph)", 0))
        column = v.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        message = f"{v.message} ({v.focus})"
        if v.severity == "violation":
            report.error(file, line, column, "shacl", message)
        elif v.severity == "warning":
            report.warning(file, line, column, "shacl", message)
        else:
            report.info(file, line, column, "shacl", message)


def pyshacl_violations(kb: KnowledgeBase, shapes: Graph) -> list[shacl.Violation]:
    """pySHACL on the taxonomy graph, or on the whole graph when the paper shape needs it."""
    if shacl.paper_shape_problems(shapes):
        return shacl.check(graphmod.to_graph(kb), shapes)
    return shacl.check(graphmod.to_graph(dataclasses.replace(kb, papers={})), shapes)


def paper_findings(kb: KnowledgeBase, shapes: Graph, report: Report) -> None:
    """The paper shape, checked on each paper record (when it is the shape the check knows)."""
    if shacl.paper_shape_problems(shapes):
        return
    _, messages = shacl.paper_shape(shapes)
    for p in kb.papers.values():
        for column, message in shacl.paper_violations(p, kb, messages):
            report.error(p.origin.file, p.origin.line, column, "shacl", f"{message} ({namespaces.iri('paper', p.id)})")


def shapes_check(kb: KnowledgeBase, root: Path, report: Report) -> None:
    """The SHACL shapes: pySHACL on the taxonomy, the record check on the papers."""
    shapes = shacl.load_shapes(root)
    shacl_report(kb, pyshacl_violations(kb, shapes), report)
    paper_findings(kb, shapes, report)


def check(root: Path, *, today: _dt.date | None = None, progress: Progress = _quiet) -> tuple[KnowledgeBase, Report]:
    """Load, validate and check the shapes; raise ``BuildError`` on any error-level finding."""
    progress("reading and checking tables")
    kb, report = load_and_validate(root, today=today)
    if report.has_errors:
        raise BuildError("the tables have errors", report)
    progress("validating with SHACL")
    shapes_check(kb, root, report)
    if report.has_errors:
        raise BuildError("the graph does not conform to the SHACL shapes", report)
    return kb, report


def assemble(
    root: Path, *, today: _dt.date | None = None, progress: Progress = _quiet
) -> tuple[KnowledgeBase, Report, Graph]:
    """Load, validate and convert to one rdflib graph (schema plus data); raise ``BuildError`` on errors."""
    kb, report = check(root, today=today, progress=progress)
    progress("building the graph")
    return kb, report, graphmod.to_graph(kb, root)


def schema_triples(root: Path) -> list[Triple]:
    """The schema as N-Triples terms, blank nodes labelled by content."""
    schema = graphmod.schema_graph(root)
    labels = serialise.bnode_labels(schema)
    return [(ntriples.nt_term(s, labels), ntriples.nt_term(p), ntriples.nt_term(o, labels)) for s, p, o in schema]


@dataclass(frozen=True)
class Subjects:
    """Every subject of the release in sorted order, and where its triples come from.

    Made once before the second writer process starts, which then shares it.
    """

    order: list[str]
    schema: dict[str, Pairs]
    taxonomy: dict[str, Pairs]
    papers: dict[str, Paper]
    persons: dict[str, Pairs]

    @classmethod
    def of(cls, kb: KnowledgeBase, schema: list[Triple], taxonomy: dict[str, Pairs]) -> Subjects:
        by_schema: dict[str, Pairs] = defaultdict(list)
        for s, p, o in schema:
            by_schema[s].append((p, o))
        papers = {triples.nt_ref("paper", ident): paper for ident, paper in kb.papers.items()}
        persons = triples.people(kb)
        order = sorted(by_schema.keys() | taxonomy.keys() | papers.keys() | persons.keys())
        return cls(order, dict(by_schema), taxonomy, papers, persons)

    def halfway(self, share: float = 0.5) -> int:
        """Where to cut ``order`` so that the first part holds ``share`` of the triples."""
        weights = []
        for subject in self.order:
            paper = self.papers.get(subject)
            weight = len(self.schema.get(subject, ())) + len(self.taxonomy.get(subject, ()))
            if paper is not None:
                weight += 14 + len(paper.authors) + len(paper.concepts) + len(paper.keywords) + 2 * len(paper.topics)
            weight += len(self.persons.get(subject, ()))
            weights.append(weight)
        half, running = sum(weights) * share, 0
        for i, weight in enumerate(weights):
            running += weight
            if running >= half:
                return i + 1
        return len(weights)

    def blocks(
        self, infer: Callable[[str, Pairs], Pairs], start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[str, Pairs, Pairs]]:
        """(subject, asserted pairs, inferred pairs) for the subjects ``order[start:stop]``, in order."""
        for subject in self.order[start:stop]:
            paper = self.papers.get(subject)
            if paper is not None and subject not in self.schema and subject not in self.persons:
                pairs = triples.paper_pairs(paper)
            else:
                pairs = self.schema.get(subject, []) + self.taxonomy.get(subject, [])
                if paper is not None:
                    pairs += triples.paper_pairs(paper)
                pairs += self.persons.get(subject, [])
            asserted = sorted(set(pairs))
            yield subject, asserted, infer(subject, asserted)


def _hermit_everything(kb: KnowledgeBase, root: Path) -> dict[str, Pairs]:
    """The reference reasoning: the whole graph through HermiT (slow, used when the schema needs it)."""
    result = reason.materialise_hermit(graphmod.to_graph(kb, root))
    out: dict[str, Pairs] = defaultdict(list)
    for s, p, o in result.inferred:
        out[ntriples.nt_term(s)].append((ntriples.nt_term(p), ntriples.nt_term(o)))
    return {s: sorted(pairs) for s, pairs in out.items()}


CONSISTENT = "consistent"


class _Shapes:
    """pySHACL on the taxonomy, started early in a second process unless its result is remembered."""

    def __init__(
        self,
        kb: KnowledgeBase,
        root: Path,
        shapes: Graph,
        fixed: list[Triple] | None,
        remembered: verdicts.Verdicts,
    ) -> None:
        """With ``fixed`` None, the whole graph is checked (papers included) and nothing is remembered."""
        self.remembered = remembered
        self.digest = ""
        self.found: list[shacl.Violation] | None = None
        self.job: _Side | None = None
        if fixed is None:
            self.job = _Side(lambda: pyshacl_violations(kb, shapes))
            return
        if remembered.folder is not None:
            lines = [f"{s} {p} {o} .\n" for s, p, o in fixed]
            self.digest = verdicts.shacl_key(lines, (root / shacl.SHAPES_FILE).read_bytes())
            self.found = remembered.violations(self.digest)
        if self.found is None:
            taxonomy_only = dataclasses.replace(kb, papers={})
            self.job = _Side(lambda: pyshacl_violations(taxonomy_only, shapes))

    def result(self) -> list[shacl.Violation]:
        if self.job is not None:
            self.found = self.job.result()
            self.job = None
            if self.digest:
                self.remembered.put_violations(self.digest, self.found)
        assert self.found is not None
        return self.found

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


class _Reasoning:
    """How the build infers: the chains over the papers with HermiT checking schema and
    taxonomy in the background, or (when the schema rules that shortcut out) HermiT over
    the whole graph once the papers are read."""

    def __init__(self, fixed: list[Triple], enabled: bool, remembered: verdicts.Verdicts) -> None:
        self.whole_graph = ""
        self.consistency: reason.ConsistencyCheck | None = None
        self.rule: reason.ChainRule | None = None
        self.extra: dict[str, Pairs] = {}
        self.remembered = remembered
        self.digest = ""
        if not enabled:
            return
        problems = reason.shortcut_problems(fixed, triples.PAPER_PREDICATES)
        if problems:
            self.whole_graph = problems[0]
            return
        lines = reason.core_lines(fixed)
        self.rule = reason.ChainRule(reason.chains(fixed), fixed)
        if remembered.folder is not None:
            self.digest = verdicts.hermit_key(lines)
            if remembered.get("hermit", self.digest) == CONSISTENT:
                return
        self.consistency = reason.ConsistencyCheck(lines)

    @property
    def pairs_only(self) -> bool:
        """Whether ``infer`` answers from the pairs alone: only HermiT's answers over the
        whole graph are looked up by subject."""
        return not self.whole_graph

    def infer(self, subject: str, pairs: Pairs) -> Pairs:
        if self.rule is not None:
            return self.rule.infer(pairs)
        return self.extra.get(subject, [])

    def wait(self) -> None:
        if self.consistency is not None:
            self.consistency.wait()
            self.consistency = None
            if self.digest:
                self.remembered.put("hermit", self.digest, CONSISTENT)

    def cancel(self) -> None:
        if self.consistency is not None:
            self.consistency.cancel()
            self.consistency = None


class _Gate:
    """Lets a forked process wait until this one says it may go on: a pipe whose reader
    blocks until a byte arrives, or until every writer is closed (this process died)."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()

    def open(self) -> None:
        os.write(self.write, b"1")

    def wait(self) -> bool:
        """In the forked process: True once the gate opens, False if it never will."""
        os.close(self.write)
        return os.read(self.read, 1) == b"1"

    def close(self) -> None:
        for fd in (self.read, self.write):
            with suppress(OSError):
                os.close(fd)


def _join(job: _Side | None, report: Report) -> None:
    """Add the findings of a side job's report to ``report``; the caller then drops the job."""
    if job is not None:
        report.extend(job.result())


def _reasoner_error(report: Report, exc: reason.ReasonerError) -> BuildError:
    report.error("ontology/cxkb.ttl", 0, "", "reasoner", str(exc))
    return BuildError(str(exc), report)


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """The build makes millions of small objects and almost no reference cycles; Python's
    cycle collector would scan the growing heap again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


FIRST_SHARE = 0.45
"""The share of the graph's triples written by the build's own process (measured at 10,000 papers)."""


@_without_cycle_collector()
def build(
    root: Path,
    out: Path | None = None,
    *,
    reasoning: bool = True,
    today: _dt.date | None = None,
    progress: Progress = _quiet,
    cache: bool = True,
) -> BuildResult:
    """Build and write the release. Nothing is written if any step fails.

    With ``cache``, HermiT's and pySHACL's results on an unchanged schema and taxonomy are
    reused from an earlier build (see ``verdicts``).

    The schema and taxonomy are read first, so that HermiT and pySHACL (which need only
    them) run on the second core while the literature table is read and checked. The
    release is then written by two processes, each writing every file for half of the
    subjects; the second joins its half to the first once both are written.
    """
    out = out if out is not None else root / DEFAULT_OUT
    progress("reading and checking the taxonomy tables")
    kb, report = load_taxonomy(root)
    validate_taxonomy(kb, report)
    remembered = verdicts.Verdicts(root / verdicts.DEFAULT_DIR if cache else None)
    side: _Side | None = None
    titles: _Side | None = None
    vocabulary: _Side | None = None
    shapes: _Shapes | None = None
    inference: _Reasoning | None = None
    try:
        if not report.has_errors:
            progress("starting the schema and taxonomy checks (HermiT and pySHACL, unless remembered)")
            schema = schema_triples(root)
            taxonomy = triples.taxonomy_pairs(kb)
            fixed = schema + [(s, p, o) for s, pairs in taxonomy.items() for p, o in pairs]
            # The SKOS file needs only the taxonomy: on a rebuild the second core has nothing
            # else to do while the literature table is read.
            contributors = f"<{skos.CONTRIBUTORS}>"
            publisher = [(p, o) for s, p, o in schema if s == contributors]
            vocabulary = _Side(partial(skos.vocabulary_turtle, kb, release.schema_version(root), publisher))
            shapes_graph = shacl.load_shapes(root)
            if not shacl.paper_shape_problems(shapes_graph):
                shapes = _Shapes(kb, root, shapes_graph, fixed, remembered)
            try:
                inference = _Reasoning(fixed, reasoning, remembered)
            except reason.ReasonerError as exc:
                raise _reasoner_error(report, exc) from exc
        progress("reading and checking the literature table")
        load_papers(root, kb, report)
        # The slowest paper rule, and one that only warns: it runs on the other core while
        # the rest are checked and the release is prepared, and joins the report below.
        titles = _Side(partial(near_identical_titles, kb))
        validate_papers(kb, report, today=today, near_titles=False)
        if report.has_errors:
            raise BuildError("the tables have errors", report)
        assert inference is not None
        if inference.whole_graph:
            progress(f"reasoning with HermiT over the whole graph ({inference.whole_graph})")
            try:
                inference.extra = _hermit_everything(kb, root)
            except reason.ReasonerError as exc:
                raise _reasoner_error(report, exc) from exc
        if shapes is None:
            shapes = _Shapes(kb, root, shapes_graph, None, remembered)
        progress("checking the paper shape on the records")
        paper_findings(kb, shapes_graph, report)
        if report.has_errors:
            raise BuildError("the graph does not conform to the SHACL shapes", report)
        subjects = Subjects.of(kb, schema, taxonomy)
        # This process also writes the records and derived facts while the second one writes
        # its part and the SKOS file, so it takes somewhat less than half the subjects.
        cut = subjects.halfway(FIRST_SHARE)
        infer = inference.infer
        progress("writing the release files (two processes, half of the subjects each)")
        with atomic_directory(out) as staging:
            parts = staging / ".parts"
            parts.mkdir()
            # A forked second process also joins its part to the first once that is written,
            # while this process writes the records.
            forks = _Side.forks()
            first_written = _Gate() if forks else None

            def second_part() -> tuple[int, int]:
                counts = writer.write_blocks(parts, subjects.blocks(infer, cut), head=False)
                if first_written is not None and first_written.wait():
                    writer.append_parts(staging, parts)
                return counts

            try:
                side = _Side(second_part, fork=forks)
                total, inferred = writer.write_blocks(staging, subjects.blocks(infer, 0, cut), tail=False)
                if first_written is not None:
                    first_written.open()
                progress("writing the records and derived facts")
                # while the second process writes its half
                extracts.write_records(staging, kb, infer, pairs_only=inference.pairs_only)
                assert vocabulary is not None
                (staging / skos.SKOS_FILE).write_bytes(vocabulary.result())
                vocabulary = None
                more, more_inferred = side.result()
                side = None
            except BaseException:
                # stopped before the staging folder is removed: a second process still writing
                # its part would otherwise put files back into it while it is being removed
                if side is not None:
                    side.cancel()
                    side = None
                raise
            finally:
                if first_written is not None:
                    first_written.close()
            if parts.exists():
                writer.append_parts(staging, parts)
            total, inferred = total + more, inferred + more_inferred
            shacl_report(kb, shapes.result(), report)
            shapes = None
            _join(titles, report)
            titles = None
            if report.has_errors:
                raise BuildError("the graph does not conform to the SHACL shapes", report)
            # Every file but the manifest is final: hashing them here keeps this core busy
            # while HermiT may still run on the other.
            hashes = extracts.file_hashes(staging)
            progress("waiting for HermiT")
            try:
                inference.wait()
            except reason.ReasonerError as exc:
                raise _reasoner_error(report, exc) from exc
            extracts.write_manifest(
                staging, root, kb, triples_count=total, inferred=inferred, reasoning=reasoning, files=hashes
            )
    except BuildError:
        # A build that stops still lists the warnings of the title check, if it got that far.
        with suppress(Exception):
            _join(titles, report)
        titles = None
        raise
    finally:
        for job in (side, titles, shapes, vocabulary):
            if job is not None:
                job.cancel()
        if inference is not None:
            inference.cancel()
    names = sorted([*writer.RELEASE_NAMES, release.RECORDS_FILE, release.MANIFEST_FILE, skos.SKOS_FILE])
    return BuildResult(kb, report, inferred, [out / name for name in names], total, out)


def paper_domains(graph: Graph) -> dict[str, set[str]]:
    """Paper id -> domain ids as stated by cx:coversDomain in ``graph``."""
    out: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(namespaces.CX.coversDomain):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            out.setdefault(namespaces.ident_of(s), set()).add(namespaces.ident_of(o))
    return out
