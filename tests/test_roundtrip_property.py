"""Property: any text the tables accept comes out of the released Turtle as the same literal.

Records -> graph -> release files -> parsed Turtle: whatever a contributor may write in a
text column (any script, punctuation, markup-like or quote characters, combining marks),
the release must carry exactly that string, and the graph must read back to the same
records. Inputs the validator refuses are skipped: the contract decides what is text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal

from conftest import examples, make_root
from cxkb.findings import Level
from cxkb.kg import graph as graphmod
from cxkb.kg.build import build
from cxkb.kg.tables import AUTHORS, CONCEPTS, DOMAINS, PAPERS, QUESTIONS, SOURCES, VENUES, TableSpec
from cxkb.kg.validate import load_and_validate
from test_hostile import csv_text, original_rows

# Cells the property writes to: (table, column, what the record holds there).
COLUMNS: tuple[tuple[TableSpec, str], ...] = (
    (PAPERS, "title"),
    (PAPERS, "note"),
    (VENUES, "name"),
    (AUTHORS, "name"),
    (AUTHORS, "variants"),
    (PAPERS, "keywords"),
    (CONCEPTS, "definition_en"),
    (CONCEPTS, "alt_labels_nl"),
    (DOMAINS, "label_nl"),
    (QUESTIONS, "text_en"),
    (SOURCES, "title"),
)

WORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Zs")),
    min_size=1,
    max_size=12,
)
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.slow
@given(st.lists(TEXT, min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_accepted_text_is_the_same_literal_in_the_released_turtle(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_root(Path(tmp))
        tables: dict[str, list[list[str]]] = {}
        for (spec, column), text in zip(COLUMNS, texts, strict=True):
            rows = tables.setdefault(spec.path, original_rows(spec))
            rows[1][rows[0].index(column)] = text
        for path, rows in tables.items():
            (root / path).write_text(csv_text(rows), encoding="utf-8", newline="")
        kb, report = load_and_validate(root)
        assume(not any(f.level is Level.ERROR for f in report.findings))
        out = Path(tmp) / "release"
        build(root, out, reasoning=False)
        graph = Graph().parse(out / "cxkb.ttl", format="turtle")
        literals = {str(o) for o in graph.objects() if isinstance(o, Literal)}
        paper = kb.papers[original_rows(PAPERS)[1][0]]
        concept = kb.concepts[original_rows(CONCEPTS)[1][0]]
        person = kb.persons[original_rows(AUTHORS)[1][0]]
        venue = kb.venues[original_rows(VENUES)[1][0]]
        expected = [paper.title, paper.note, venue.name, person.name, *person.variants, *paper.keywords]
        expected += [concept.definition.en, *concept.alt.nl]
        expected += [next(iter(kb.domains.values())).label.nl, next(iter(kb.questions.values())).text.en]
        expected += [next(iter(kb.sources.values())).title]
        assert [t for t in expected if t not in literals] == []
        assert graphmod.canonical(graphmod.from_graph(graph)) == graphmod.canonical(kb)
