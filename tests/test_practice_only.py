"""A concept is either discussed by papers or marked practice-only with a practitioner source."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from cxkb.kg.validate import load_and_validate

PRACTICE = "ontology/tables/practice_only.csv"


def findings(root: Path, rule: str) -> list[str]:
    _, report = load_and_validate(root)
    return [f"{f.file}:{f.row}:{f.column}:{f.level.label}" for f in report.findings if f.rule == rule]


def test_a_concept_no_paper_discusses_must_be_marked(mini_root: Path) -> None:
    edit(mini_root / "literature/papers.csv", "peak-end-rule,peak-end rule", "customer-experience,peak-end rule")
    assert findings(mini_root, "concept-without-papers") == ["ontology/tables/concepts.csv:3:id:warning"]
    with (mini_root / PRACTICE).open("a", encoding="utf-8") as fh:
        fh.write("peak-end-rule,seed:001,Practice uses it.,De praktijk gebruikt het.\n")
    assert findings(mini_root, "concept-without-papers") == []
    assert findings(mini_root, "practice-source") == []


def test_a_practice_mark_needs_a_practitioner_source(mini_root: Path) -> None:
    (mini_root / PRACTICE).write_text(
        "id,source,note_en,note_nl\npeak-end-rule,10.1111/j.1467-9280.1993.tb00589.x,Used.,Gebruikt.\n",
        encoding="utf-8",
    )
    assert findings(mini_root, "practice-source") == [f"{PRACTICE}:2:source:error"]
    assert findings(mini_root, "practice-only-discussed") == [f"{PRACTICE}:2:id:warning"]


def test_a_practice_mark_names_an_existing_concept(mini_root: Path) -> None:
    (mini_root / PRACTICE).write_text(
        "id,source,note_en,note_nl\nno-such-concept,seed:001,Used.,Gebruikt.\n", encoding="utf-8"
    )
    assert findings(mini_root, "unknown-reference") == [f"{PRACTICE}:2:id:error"]
