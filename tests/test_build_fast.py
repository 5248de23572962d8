"""The streaming build against the rdflib + HermiT reference, and its two shortcuts.

The release is written from the records without an rdflib graph; HermiT sees the schema
and the taxonomy only; the paper shape is checked on the records. Each test here holds one
of those to what the full-graph tools say on the same input.
"""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from conftest import REPO, edit, examples, make_root
from cxkb import namespaces, ntriples
from cxkb.kg import graph as graphmod
from cxkb.kg import reason, shacl, triples
from cxkb.kg import writer as release
from cxkb.kg.build import BuildError, assemble, build
from cxkb.kg.synthetic import make_root as synth_root
from cxkb.kg.validate import load_and_validate

needs_java = pytest.mark.skipif(not reason.java_available(), reason="HermiT needs a Java runtime")
FILES = {"cxkb.nt": "nt", "cxkb.ttl": "turtle", "cxkb.owl": "xml", "cxkb.jsonld": "json-ld"}


def reference(root: Path, *, reasoning: bool = True) -> tuple[Graph, Graph]:
    """(asserted, full) as the previous pipeline made them: rdflib graph, HermiT over all of it."""
    _kb, _report, asserted = assemble(root)
    full = Graph()
    for t in asserted:
        full.add(t)
    if reasoning:
        for t in reason.materialise_hermit(asserted).inferred:
            full.add(t)
    return asserted, full


def assert_release_equals(out: Path, asserted: Graph, full: Graph) -> None:
    for name, fmt in FILES.items():
        parsed = Graph().parse(out / name, format=fmt)
        assert len(parsed) == len(full), name
        assert isomorphic(parsed, full), name
    base = Graph().parse(out / "cxkb-base.ttl", format="turtle")
    assert isomorphic(base, asserted)


@pytest.fixture(scope="module")
def synthetic_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_root(REPO, tmp_path_factory.mktemp("synth") / "kb", 300)


@needs_java
@pytest.mark.reasoner
@pytest.mark.parametrize("which", ["mini", "real"])
def test_release_is_the_reference_graph(which: str, tmp_path: Path) -> None:
    root = make_root(tmp_path) if which == "mini" else REPO
    out = tmp_path / "rel"
    result = build(root, out)
    asserted, full = reference(root)
    assert result.triples == len(full)
    assert result.inferred == len(full) - len(asserted) > 0
    assert_release_equals(out, asserted, full)


def test_release_without_reasoning_is_the_asserted_graph(mini_root: Path, tmp_path: Path) -> None:
    result = build(mini_root, tmp_path / "rel", reasoning=False)
    asserted, _ = reference(mini_root, reasoning=False)
    assert result.inferred == 0
    assert_release_equals(tmp_path / "rel", asserted, asserted)
    assert isomorphic(result.full, asserted) and isomorphic(result.asserted, asserted)


@needs_java
@pytest.mark.reasoner
@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_chain_join_infers_what_hermit_infers(which: str, synthetic_root: Path, tmp_path: Path) -> None:
    root = REPO if which == "real" else synthetic_root
    _kb, _report, asserted = assemble(root)
    by_hermit = set(reason.materialise_hermit(asserted).inferred)
    assert len(by_hermit) > 100, "the data should give the reasoner something to infer"
    # The rdflib-graph entry point (used by the in-memory store) ...
    assert set(reason.materialise(asserted).inferred) == by_hermit
    # ... and the build's own path, from the records, give the same triples.
    result = build(root, tmp_path / "rel")
    # (Blank nodes differ between two parses, so the difference is taken over named nodes.)
    named = {t for t in result.full if not isinstance(t[0], BNode) and not isinstance(t[2], BNode)}
    named -= set(result.asserted)
    assert named == by_hermit


def test_real_schema_allows_the_shortcuts(repo_root: Path) -> None:
    kb, _ = load_and_validate(repo_root)
    from cxkb.kg.build import schema_triples

    fixed = schema_triples(repo_root) + [(s, p, o) for s, pairs in triples.taxonomy_pairs(kb).items() for p, o in pairs]
    assert reason.shortcut_problems(fixed, triples.PAPER_PREDICATES) == []
    assert shacl.paper_shape_problems(shacl.load_shapes(repo_root)) == []
    chains = {(c.head, c.links) for c in reason.chains(fixed)}
    cx = "<https://w3id.org/cxkb/ontology#{}>".format
    assert chains == {
        (cx("coversTopic"), (cx("addressesQuestion"), cx("aboutTopic"))),
        (cx("coversDomain"), (cx("coversTopic"), cx("inDomain"))),
    }


SCHEMA_CHANGES = {
    "disjointness": "cx:Paper owl:disjointWith cx:Topic .",
    "functional paper link": "cx:discussesConcept a owl:FunctionalProperty .",
    "sub-property of a chain link": "cx:partOfDomain a owl:ObjectProperty ; rdfs:subPropertyOf cx:inDomain .",
    "equality": "<https://w3id.org/cxkb/topic/customer-emotions> owl:sameAs <https://w3id.org/cxkb/topic/context> .",
    "restriction": "cx:Paper rdfs:subClassOf [ a owl:Restriction ; owl:onProperty cx:discussesConcept ; "
    "owl:maxCardinality 1 ] .",
    "not OWL 2 DL": "cx:coversDomain a owl:FunctionalProperty .",
}


@needs_java
@pytest.mark.reasoner
@pytest.mark.parametrize("change", sorted(SCHEMA_CHANGES))
def test_schema_outside_the_shortcut_goes_to_hermit_whole(change: str, mini_root: Path, tmp_path: Path) -> None:
    ttl = mini_root / "ontology" / "cxkb.ttl"
    ttl.write_text(ttl.read_text() + "\n" + SCHEMA_CHANGES[change] + "\n")
    kb, _ = load_and_validate(mini_root)
    from cxkb.kg.build import schema_triples

    fixed = schema_triples(mini_root) + [(s, p, o) for s, pairs in triples.taxonomy_pairs(kb).items() for p, o in pairs]
    assert reason.shortcut_problems(fixed, triples.PAPER_PREDICATES), change
    out = tmp_path / "rel"
    try:
        asserted, full = reference(mini_root)
    except reason.ReasonerError as exc:
        # HermiT rejects the changed schema with the papers: so must the build.
        with pytest.raises(BuildError) as info:
            build(mini_root, out)
        assert str(info.value) == str(exc)
        assert not out.exists()
        return
    build(mini_root, out)
    assert_release_equals(out, asserted, full)


@needs_java
@pytest.mark.reasoner
def test_papers_that_break_the_schema_are_caught(mini_root: Path, tmp_path: Path) -> None:
    # With at most one concept per paper and two concepts declared different, a paper that
    # discusses both is a contradiction only HermiT over the whole graph can see.
    ttl = mini_root / "ontology" / "cxkb.ttl"
    ttl.write_text(
        ttl.read_text() + "\ncx:Paper rdfs:subClassOf [ a owl:Restriction ; owl:onProperty cx:discussesConcept ; "
        "owl:maxCardinality 1 ] .\n"
        "<https://w3id.org/cxkb/concept/self-service-technology> owl:differentFrom "
        "<https://w3id.org/cxkb/concept/customer-experience> .\n"
    )
    with pytest.raises(BuildError, match="inconsistent"):
        build(mini_root, tmp_path / "rel")
    assert not (tmp_path / "rel").exists()


def _subprocess_build(root: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "cxkb.cli", "build", "--root", str(root), "--out", str(out), "-q"],
        check=True,
        env=env,
        capture_output=True,
    )


@needs_java
@pytest.mark.reasoner
def test_builds_with_reasoning_are_byte_identical(synthetic_root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _subprocess_build(synthetic_root, a, "1")
    _subprocess_build(synthetic_root, b, "7")
    names = sorted(p.name for p in a.iterdir())
    assert names == [
        "cxkb-base.ttl",
        "cxkb-records.json",
        "cxkb-skos.ttl",
        "cxkb.jsonld",
        "cxkb.nt",
        "cxkb.owl",
        "cxkb.ttl",
        "manifest.json",
    ]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_release_files_list_subjects_in_order(mini_root: Path, tmp_path: Path) -> None:
    build(mini_root, tmp_path / "rel", reasoning=False)
    lines = (tmp_path / "rel" / "cxkb.nt").read_text(encoding="utf-8").splitlines()
    keys = [tuple(line[:-2].split(" ", 2)) for line in lines]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


# --- SHACL: the paper shape on records -------------------------------------------------

# Rows the table checks accept but the paper shape rejects: (old text, new text, the column
# the record check names, the property pySHACL names).
MUTATIONS = {
    "no authors": ("lemon-k-n|verhoef-p-c", "|", "authors", "http://purl.org/dc/terms/creator"),
    "no topics": (
        ",customer-emotions,,customer-experience,",
        ",|,,customer-experience,",
        "topics",
        "https://w3id.org/cxkb/ontology#coversTopic",
    ),
    "non-ASCII digits in the DOI": (
        "10.1509/jm.15.0420",
        "10.\u0661\u0665\u0660\u0669/jm.15.0420",
        "doi",
        "http://purl.org/ontology/bibo/doi",
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutated_paper_is_caught_with_its_cell(mutation: str, mini_root: Path, tmp_path: Path) -> None:
    old, new, column, path = MUTATIONS[mutation]
    edit(mini_root / "literature/papers.csv", old, new)
    kb, report = load_and_validate(mini_root)
    assert not report.has_errors, "the table checks alone let this through; the shape must catch it"
    with pytest.raises(BuildError) as info:
        build(mini_root, tmp_path / "rel", reasoning=False)
    found = [f for f in info.value.report.findings if f.rule == "shacl"]
    assert [(f.file, f.row, f.column) for f in found] == [("literature/papers.csv", 3, column)]
    assert not (tmp_path / "rel").exists()
    # pySHACL on the whole graph finds the same paper and property.
    full = shacl.check(graphmod.to_graph(kb), shacl.load_shapes(mini_root))
    assert [(v.focus, v.path) for v in full] == [(str(namespaces.iri("paper", "lemon2016understanding")), path)]


def test_real_graph_conforms_to_every_shape_in_pyshacl(repo_root: Path) -> None:
    kb, report = load_and_validate(repo_root)
    assert not report.has_errors
    assert shacl.check(graphmod.to_graph(kb), shacl.load_shapes(repo_root)) == []


def test_new_paper_constraint_sends_papers_to_pyshacl(mini_root: Path, tmp_path: Path) -> None:
    shapes = mini_root / "ontology" / "shapes.ttl"
    shapes.write_text(
        shapes.read_text().replace(
            "sh:property [ sh:path prism:publicationName ;",
            'sh:property [ sh:path bibo:volume ; sh:minCount 1 ; sh:message "a paper has a volume" ] ;\n'
            "    sh:property [ sh:path prism:publicationName ;",
        )
    )
    assert shacl.paper_shape_problems(shacl.load_shapes(mini_root))
    edit(mini_root / "literature/papers.csv", "journal-of-marketing,80,6,", "journal-of-marketing,,6,")
    with pytest.raises(BuildError) as info:
        build(mini_root, tmp_path / "rel", reasoning=False)
    assert [(f.row, f.column) for f in info.value.report.findings if f.rule == "shacl"] == [(3, "volume")]


_TOPICS = ["customer-emotions", "self-service-technology", "no-such-topic"]
_QUESTIONS = ["customer-emotions-q1", "self-service-technology-q1", "no-such-question"]
_CONCEPTS = ["peak-end-rule", "customer-experience", "no-such-concept"]
_DOIS = ["", "10.1509/jm.15.0420", "10.12/short", "10.\u0661\u0662\u0663\u0664/x", "10.1234/with space", "11.1234/x"]


@pytest.fixture(scope="module")
def mini_schema_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_root(tmp_path_factory.mktemp("mini"))


@settings(max_examples=examples(40), deadline=None)
@given(
    authors=st.lists(st.sampled_from(["Lemon, K.", "Verhoef, P."]), max_size=2, unique=True),
    year=st.sampled_from([0, 2016]),
    doi=st.sampled_from(_DOIS),
    topics=st.lists(st.sampled_from(_TOPICS), max_size=3, unique=True).map(tuple),
    extra_topic=st.booleans(),
    questions=st.lists(st.sampled_from(_QUESTIONS), max_size=3, unique=True).map(tuple),
    concepts=st.lists(st.sampled_from(_CONCEPTS), max_size=3, unique=True).map(tuple),
    note=st.sampled_from(["", "A note."]),
)
def test_record_check_agrees_with_pyshacl(
    mini_schema_root: Path,
    authors: list[str],
    year: int,
    doi: str,
    topics: tuple[str, ...],
    extra_topic: bool,
    questions: tuple[str, ...],
    concepts: tuple[str, ...],
    note: str,
) -> None:
    kb, _ = load_and_validate(mini_schema_root)
    if extra_topic:
        topics = (*topics, "context-extra")
    paper = dataclasses.replace(
        kb.papers["lemon2016understanding"],
        authors=tuple(authors),
        year=year,
        doi=doi,
        topics=topics,
        questions=questions,
        concepts=concepts,
        note=note,
    )
    kb = dataclasses.replace(kb, papers={paper.id: paper})
    shapes = shacl.load_shapes(mini_schema_root)
    _, messages = shacl.paper_shape(shapes)
    by_records = sorted(set(shacl.paper_violations(paper, kb, messages)))
    column_of = {path: column for (path, _c, _v), column in shacl.PAPER_CONSTRAINTS.items()}
    by_pyshacl = sorted({(column_of[v.path], v.message) for v in shacl.check(graphmod.to_graph(kb), shapes)})
    assert by_records == by_pyshacl


# --- The writers ----------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co")) | st.sampled_from('"\\<>&\n\t'),
    max_size=30,
)


@settings(max_examples=examples(60), deadline=None)
@given(title=_TEXT, keyword=_TEXT, lang=st.sampled_from(["", "en", "nl"]))
def test_writers_round_trip_any_text(title: str, keyword: str, lang: str) -> None:
    subject = ntriples.nt_iri("https://w3id.org/cxkb/paper/x")
    pairs = sorted(
        {
            (triples.T.title, ntriples.nt_literal(title, lang)),
            (triples.T.keyword, ntriples.nt_literal(keyword)),
            (triples.T.type, triples.T.classes["paper"]),
            (triples.T.covers_topic, triples.nt_ref("topic", "a-b")),
            (triples.T.issued, ntriples.nt_literal("2016", datatype=triples.T.gyear)),
        }
    )
    expected = Graph().parse(data="".join(f"{subject} {p} {o} .\n" for p, o in pairs), format="nt")
    for name, fmt in FILES.items():
        buf = io.StringIO()
        writer = release.WRITERS[name](buf)
        writer.block(subject, pairs)
        writer.close()
        parsed = Graph().parse(data=buf.getvalue(), format=fmt)
        assert set(parsed) == set(expected), (name, buf.getvalue())


def test_doi_with_angle_brackets_is_percent_encoded() -> None:
    doi = "10.1002/(SICI)1520-6793(199812)15:8<715::AID-MAR4>3.0.CO;2-F"
    node = namespaces.doi_iri(doi)
    assert "<" not in node and ">" not in node
    assert namespaces.source_ref(node) == doi
    assert ntriples.nt_iri("https://doi.org/" + doi) == f"<{node}>"
    assert isinstance(node, URIRef)


def test_single_process_build_writes_the_same_bytes(mini_root: Path, tmp_path: Path) -> None:
    # With another thread running, the second writer is not forked: the same files come out.
    forked, inline = tmp_path / "forked", tmp_path / "inline"
    build(mini_root, forked, reasoning=False)
    done = threading.Event()
    waiter = threading.Thread(target=done.wait)
    waiter.start()
    try:
        build(mini_root, inline, reasoning=False)
    finally:
        done.set()
        waiter.join()
    names = sorted(p.name for p in forked.iterdir())
    assert names == sorted(p.name for p in inline.iterdir())
    for name in names:
        assert (forked / name).read_bytes() == (inline / name).read_bytes(), name


def test_a_thread_started_after_the_gate_leaves_the_second_writer_forked(
    mini_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether the second writer forks is decided once, where its gate is set up. Were it asked
    # again when the writer starts, a thread started in between would run the writer here: its
    # wait would close the gate, and opening it would write to a closed (or reused) descriptor.
    from cxkb.kg import build as buildmod

    expected = tmp_path / "expected"
    build(mini_root, expected, reasoning=False)
    gate_made = threading.Event()
    real_gate = buildmod._Gate.__init__

    def gate(self: object) -> None:
        real_gate(self)  # type: ignore[arg-type]
        gate_made.set()

    monkeypatch.setattr(buildmod._Gate, "__init__", gate)
    monkeypatch.setattr(buildmod._Side, "forks", staticmethod(lambda: not gate_made.is_set()))
    out = tmp_path / "release"
    build(mini_root, out, reasoning=False)
    assert gate_made.is_set()
    for path in sorted(expected.iterdir()):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


_FAILING_FIRST_PART = """
import os, signal, sys
from pathlib import Path
from cxkb.kg import build as buildmod

real = buildmod.writer.write_blocks

import shutil
from cxkb import atomic

writers, alive = [], []

def failing(directory, blocks, *args, **kwargs):
    if kwargs.get("tail", True) is False:  # this process's part; the second writes head=False
        writers.append(forked[-1])  # forked just before this part is written
        raise OSError("disk full")
    return real(directory, blocks, *args, **kwargs)

forked, real_fork = [], os.fork

def fork():
    pid = real_fork()
    if pid:
        forked.append(pid)
    return pid

real_rmtree = shutil.rmtree

def rmtree(path, *args, **kwargs):
    # the staging folder is removed only once the second writer is gone, or it could write
    # into the folder while it is being removed and leave part of it behind
    if Path(path).name.startswith(".release.new") and writers:
        try:
            alive.append(os.waitpid(writers[0], os.WNOHANG) == (0, 0))
        except ChildProcessError:
            alive.append(False)
    return real_rmtree(path, *args, **kwargs)

buildmod.writer.write_blocks, os.fork, atomic.shutil.rmtree = failing, fork, rmtree
signal.alarm(120)  # a hang fails instead of waiting for ever
out = Path(sys.argv[2])
try:
    buildmod.build(Path(sys.argv[1]), out, reasoning=False)
    sys.exit("the build did not fail")
except OSError as exc:
    assert "disk full" in str(exc), exc
assert len(forked) >= 2, forked  # the second writer and the jobs started before it
for pid in forked:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        continue
    sys.exit(f"process {pid} was not waited for")
assert alive == [False], alive
assert not out.exists()
assert not [p for p in out.parent.iterdir() if p.name.startswith(".release")]
print("ok")
"""


def test_a_failing_first_part_lets_the_second_process_go(mini_root: Path, tmp_path: Path) -> None:
    # The second process waits for the first part before it joins its own to it. When this
    # process fails while writing, the second must neither hang nor stay behind, and nothing is
    # written. In a process of its own: with another thread running (as in a test worker that
    # served something), the build would not fork at all.
    done = subprocess.run(
        [sys.executable, "-c", _FAILING_FIRST_PART, str(mini_root), str(tmp_path / "release")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_build_reports_near_identical_titles_checked_in_its_second_process(mini_root: Path, tmp_path: Path) -> None:
    # The check runs in a forked process; its warnings must still reach the build's report,
    # also when the build stops for an error in the tables.
    papers = mini_root / "literature" / "papers.csv"
    edit(
        papers,
        "Understanding Customer Experience Throughout the Customer Journey",
        "When More Pain Is Preferred to Less: Adding a Better Ending",
    )

    def near(findings: list) -> list[tuple[int, str]]:
        return [(f.row, f.message) for f in findings if f.rule == "near-duplicate-title"]

    expected = near(load_and_validate(mini_root)[1].findings)
    assert len(expected) == 1
    assert near(build(mini_root, tmp_path / "ok", reasoning=False).report.findings) == expected
    edit(papers, ",1993,psychological-science,", ",1593,psychological-science,")
    with pytest.raises(BuildError) as failed:
        build(mini_root, tmp_path / "failed", reasoning=False)
    assert any(f.rule == "year-range" for f in failed.value.report.findings)
    assert near(failed.value.report.findings) == expected


def test_derived_facts_lines_are_what_the_json_encoder_writes() -> None:
    # The records file writes repeated lists once encoded; equal keys that are not equal JSON
    # (1, 1.0 and True) and nested values must still come out as the encoder writes each.
    import json

    from cxkb.kg.extracts import _entries

    mapping = {
        "p1": ["a", "b"],
        "p2": ["a", "b"],
        "p3": [1],
        "p4": [1.0],
        "p5": [True],
        "p6": [["x"]],
        "p7": {"k": [2, "é"]},
        "p8": "ü\n",
        "p9": [],
    }

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    expected = [f"{compact(k)}: {compact(v)}" for k, v in sorted(mapping.items())]
    assert list(_entries(mapping)) == expected
