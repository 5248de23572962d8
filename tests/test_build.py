"""The build: round trip, determinism, atomic output, second parsers, reasoning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest

from conftest import edit
from cxkb import namespaces
from cxkb.kg import graph as graphmod
from cxkb.kg.build import BuildError, build, paper_domains
from cxkb.kg.reason import java_available
from cxkb.kg.validate import load_and_validate
from cxkb.serialise import FORMATS, serialise

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime")


def test_round_trip_tables_graph_tables(mini_root: Path) -> None:
    kb, report = load_and_validate(mini_root)
    assert not report.has_errors
    back = graphmod.from_graph(graphmod.to_graph(kb))
    assert graphmod.canonical(back) == graphmod.canonical(kb)
    # Author order is the one list RDF keeps ordered for us.
    assert back.papers["meuter2000self"].authors == kb.papers["meuter2000self"].authors


def test_round_trip_through_release_turtle(mini_root: Path, tmp_path: Path) -> None:
    kb, _ = load_and_validate(mini_root)
    data = serialise(graphmod.to_graph(kb), ("cxkb.ttl",))["cxkb.ttl"]
    from rdflib import Graph

    reparsed = Graph().parse(data=data.decode(), format="turtle")
    assert graphmod.canonical(graphmod.from_graph(reparsed)) == graphmod.canonical(kb)


def test_round_trip_detects_a_change(mini_root: Path) -> None:
    kb, _ = load_and_validate(mini_root)
    g = graphmod.to_graph(kb)
    from rdflib import Literal
    from rdflib.namespace import SKOS

    g.add((namespaces.iri("concept", "peak-end-rule"), SKOS.altLabel, Literal("peak rule", lang="en")))
    assert graphmod.canonical(graphmod.from_graph(g)) != graphmod.canonical(kb)


def _build_in_subprocess(root: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "cxkb.cli", "build", "--root", str(root), "--out", str(out), "--no-reason", "-q"],
        check=True,
        env=env,
        capture_output=True,
    )


def test_builds_are_byte_identical(mini_root: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _build_in_subprocess(mini_root, a, "1")
    _build_in_subprocess(mini_root, b, "2")
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert set(FORMATS) <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("cxkb.ttl", "text/turtle"),
        ("cxkb.owl", "application/rdf+xml"),
        ("cxkb.nt", "application/n-triples"),
        ("cxkb.jsonld", "application/ld+json"),
    ],
)
def test_artefacts_parse_in_pyoxigraph(mini_root: Path, tmp_path: Path, name: str, media: str) -> None:
    result = build(mini_root, tmp_path / "rel", reasoning=False)
    store = ox.Store()
    store.load(path=str(tmp_path / "rel" / name), format=ox.RdfFormat.from_media_type(media))
    assert len(store) == len(result.full)


def test_errors_write_nothing_and_keep_previous_release(mini_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    build(mini_root, out, reasoning=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit(mini_root / "literature/papers.csv", ",2016,", ",2999,")
    with pytest.raises(BuildError) as info:
        build(mini_root, out, reasoning=False)
    assert any(f.rule == "year-range" for f in info.value.report.findings)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rel.")], "staging folders left behind"


def test_failure_while_writing_keeps_previous_release(mini_root: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "rel"
    build(mini_root, out, reasoning=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit(mini_root / "literature/papers.csv", "A review that defines", "A survey that defines")
    calls = {"n": 0}
    real_open = Path.open

    def failing_open(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in mode:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("disk full")
        return real_open(self, mode, *args, **kwargs)

    # The release files are streamed to open files, so the third file opened for writing fails.
    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(OSError):
        build(mini_root, out, reasoning=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _expected_paper_domains(root: Path) -> dict[str, set[str]]:
    """Independent of the reasoner: paper -> domains computed from the tables with pandas."""
    papers = pd.read_csv(root / "literature/papers.csv", dtype=str, keep_default_na=False)
    topics = pd.read_csv(root / "ontology/tables/topics.csv", dtype=str, keep_default_na=False)
    questions = pd.read_csv(root / "ontology/tables/questions.csv", dtype=str, keep_default_na=False)
    topic_domain = dict(zip(topics["id"], topics["domain"], strict=True))
    question_topic = dict(zip(questions["id"], questions["topic"], strict=True))
    out: dict[str, set[str]] = {}
    for _, row in papers.iterrows():
        tops = {t for t in row["topics"].split("|") if t}
        tops |= {question_topic[q] for q in row["questions"].split("|") if q}
        out[row["id"]] = {topic_domain[t] for t in tops}
    return out


@needs_java
@pytest.mark.reasoner
def test_reasoner_infers_paper_domains(mini_root: Path, tmp_path: Path) -> None:
    result = build(mini_root, tmp_path / "rel", reasoning=True)
    assert result.inferred > 0
    assert paper_domains(result.full) == _expected_paper_domains(mini_root)
    # The paper whose question belongs to another topic gains that topic's domain.
    assert paper_domains(result.full)["meuter2000self"] == {"customer", "technology"}
    # Inferred triples are in the release, not in the base file.
    from rdflib import Graph

    full = Graph().parse(tmp_path / "rel" / "cxkb.ttl")
    base = Graph().parse(tmp_path / "rel" / "cxkb-base.ttl")
    assert len(list(full.triples((None, namespaces.CX.coversDomain, None)))) == 4
    meuter, emotions = namespaces.iri("paper", "meuter2000self"), namespaces.iri("topic", "customer-emotions")
    assert (meuter, namespaces.CX.coversTopic, emotions) in full
    assert (meuter, namespaces.CX.coversTopic, emotions) not in base
    assert not list(base.triples((None, namespaces.CX.coversDomain, None)))


@needs_java
@pytest.mark.reasoner
def test_release_loads_in_owlready2(mini_root: Path, tmp_path: Path) -> None:
    import owlready2

    build(mini_root, tmp_path / "rel", reasoning=False)
    world = owlready2.World()
    onto = world.get_ontology((tmp_path / "rel" / "cxkb.owl").as_uri()).load()
    paper_class = world["https://w3id.org/cxkb/ontology#Paper"]
    assert paper_class is not None
    assert {p.name for p in paper_class.instances()} == {"kahneman1993when", "lemon2016understanding", "meuter2000self"}
    assert onto.base_iri


@needs_java
@pytest.mark.reasoner
def test_reasoner_reports_inconsistency(mini_root: Path, tmp_path: Path) -> None:
    # A topic in two domains contradicts cx:inDomain being functional once the two domains
    # are declared different individuals.
    ttl = mini_root / "ontology" / "cxkb.ttl"
    ttl.write_text(
        ttl.read_text()
        + """
<https://w3id.org/cxkb/domain/customer> owl:differentFrom <https://w3id.org/cxkb/domain/technology> .
<https://w3id.org/cxkb/topic/customer-emotions> cx:inDomain <https://w3id.org/cxkb/domain/technology> .
"""
    )
    with pytest.raises(BuildError, match="inconsistent"):
        build(mini_root, tmp_path / "rel", reasoning=True)
    assert not (tmp_path / "rel").exists()
