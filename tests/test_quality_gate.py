"""The quality gate: each kind of bad input gives its own finding, at the right cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import edit
from cxkb.findings import Level
from cxkb.kg.validate import load_and_validate

CONCEPTS = "ontology/tables/concepts.csv"
PAPERS = "literature/papers.csv"
TOPICS = "ontology/tables/topics.csv"
AMBIG = "ontology/tables/ambiguous_labels.csv"


def _append_paper_copy(root: Path, new_id: str, **changes: str) -> None:
    path = root / PAPERS
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("lemon2016understanding,"))
    row = row.replace("lemon2016understanding", new_id, 1)
    for old, new in changes.items():
        row = row.replace(old, new, 1)
    path.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")


# Each case: a name, an edit to the mini fixture, and the expected (file, row, column, rule,
# level, words in the message). Rows are file lines: the header is line 1.
CASES: list[tuple[str, Callable[[Path], None], tuple[str, int, str, str, Level, str]]] = [
    (
        "missing title",
        lambda r: edit(r / PAPERS, "Understanding Customer Experience Throughout the Customer Journey", ""),
        (PAPERS, 3, "title", "required", Level.ERROR, "'title' is required"),
    ),
    (
        "malformed DOI",
        lambda r: edit(r / PAPERS, "10.1509/jm.15.0420", "10.15/jm 15"),
        (PAPERS, 3, "doi", "doi-syntax", Level.ERROR, "is not a DOI"),
    ),
    (
        "duplicate DOI",
        lambda r: _append_paper_copy(r, "lemon2016copy", **{"Understanding Customer Experience": "Another Title"}),
        (PAPERS, 5, "doi", "duplicate-doi", Level.ERROR, "already used by 'lemon2016understanding'"),
    ),
    (
        "duplicate title, other case and punctuation",
        lambda r: _append_paper_copy(
            r,
            "lemon2016again",
            **{"10.1509/jm.15.0420": "10.9999/other.1", "Understanding Customer": "understanding customer"},
        ),
        (PAPERS, 5, "title", "duplicate-title", Level.ERROR, "same title as 'lemon2016understanding'"),
    ),
    (
        "unknown topic",
        lambda r: edit(r / PAPERS, "69-96,customer-emotions", "69-96,customer-emotion"),
        (PAPERS, 3, "topics", "unknown-reference", Level.ERROR, "unknown topic 'customer-emotion'"),
    ),
    (
        "unknown research question",
        lambda r: edit(r / PAPERS, "customer-emotions,customer-emotions-q1", "customer-emotions,customer-emotions-q9"),
        (PAPERS, 2, "questions", "unknown-reference", Level.ERROR, "unknown research question 'customer-emotions-q9'"),
    ),
    (
        "unknown concept on a paper",
        lambda r: edit(r / PAPERS, ",,customer-experience,", ",,customer-xp,"),
        (PAPERS, 3, "concepts", "unknown-reference", Level.ERROR, "unknown concept 'customer-xp'"),
    ),
    (
        "year in the future",
        lambda r: edit(r / PAPERS, ",2016,", ",2999,"),
        (PAPERS, 3, "year", "year-range", Level.ERROR, "year 2999 is outside"),
    ),
    (
        "year not a number",
        lambda r: edit(r / PAPERS, ",2016,", ",twenty,"),
        (PAPERS, 3, "year", "year-syntax", Level.ERROR, "not a four-digit year"),
    ),
    (
        "bad identifier",
        lambda r: edit(r / PAPERS, "lemon2016understanding", "Lemon-2016"),
        (PAPERS, 3, "id", "id-syntax", Level.ERROR, "does not match"),
    ),
    (
        "duplicate identifier",
        lambda r: _append_paper_copy(
            r, "lemon2016understanding", **{"10.1509/jm.15.0420": "10.9999/x.2", "Understanding": "Grasping"}
        ),
        (PAPERS, 5, "id", "duplicate-id", Level.ERROR, "already used on line 3"),
    ),
    (
        "two preferred labels in one language",
        lambda r: edit(r / CONCEPTS, "peak-end rule,piek-eindregel", "peak-end rule|peak end law,piek-eindregel"),
        (CONCEPTS, 3, "pref_label_en", "one-pref-label", Level.ERROR, "exactly one preferred label"),
    ),
    (
        "missing Dutch label",
        lambda r: edit(r / CONCEPTS, "peak-end rule,piek-eindregel", "peak-end rule,"),
        (CONCEPTS, 3, "pref_label_nl", "required", Level.ERROR, "'pref_label_nl' is required"),
    ),
    (
        "missing definition",
        lambda r: edit(r / CONCEPTS, "Technology through which customers produce a service without staff.", ""),
        (CONCEPTS, 4, "definition_en", "required", Level.ERROR, "'definition_en' is required"),
    ),
    (
        "trailing white space",
        lambda r: edit(r / CONCEPTS, ",piek-eindregel,", ",piek-eindregel ,"),
        (CONCEPTS, 3, "pref_label_nl", "whitespace", Level.WARNING, "leading or trailing white space"),
    ),
    (
        "label clash between concepts",
        lambda r: edit(r / CONCEPTS, "peak end rule,piek-eind-regel", "peak end rule,piek-eind-regel|SST"),
        (
            CONCEPTS,
            3,
            "alt_labels_nl",
            "label-clash",
            Level.ERROR,
            "'SST'@nl is also a label of self-service-technology",
        ),
    ),
    (
        "same label twice within one concept",
        lambda r: edit(r / CONCEPTS, "costumer experience", "CX"),
        (CONCEPTS, 2, "hidden_labels_en", "label-overlap", Level.ERROR, "both a alt and a hidden label"),
    ),
    (
        "cycle in broader",
        lambda r: (
            edit(r / CONCEPTS, "customer-emotions,,peak-end-rule|self", "customer-emotions,peak-end-rule,self"),
            edit(
                r / CONCEPTS,
                "customer-emotions,,customer-experience,10.1111",
                "customer-emotions,customer-experience,,10.1111",
            ),
        ),
        (
            CONCEPTS,
            2,
            "broader",
            "broader-cycle",
            Level.ERROR,
            "customer-experience -> peak-end-rule -> customer-experience",
        ),
    ),
    (
        "orphan concept",
        lambda r: (
            edit(r / CONCEPTS, "peak-end-rule|self-service-technology,", "peak-end-rule,"),
            edit(r / CONCEPTS, "self-service-technology,,customer-experience,", "self-service-technology,,,"),
        ),
        (CONCEPTS, 4, "broader", "orphan-concept", Level.WARNING, "has no broader, narrower or related"),
    ),
    (
        "unknown broader concept",
        lambda r: edit(
            r / CONCEPTS,
            "customer-emotions,,customer-experience,10.1111",
            "customer-emotions,experience,customer-experience,10.1111",
        ),
        (CONCEPTS, 3, "broader", "unknown-reference", Level.ERROR, "unknown concept 'experience'"),
    ),
    (
        "unknown domain",
        lambda r: edit(r / TOPICS, "customer-emotions,customer,", "customer-emotions,klant,"),
        (TOPICS, 2, "domain", "unknown-reference", Level.ERROR, "unknown domain 'klant'"),
    ),
    (
        "unknown source id",
        lambda r: edit(r / "ontology/tables/domains.csv", "seed:001", "seed:009"),
        ("ontology/tables/domains.csv", 2, "source", "unknown-reference", Level.ERROR, "unknown source 'seed:009'"),
    ),
    (
        "ambiguous label with one candidate",
        lambda r: edit(r / AMBIG, "customer-experience|peak-end-rule", "customer-experience"),
        (AMBIG, 2, "candidates", "ambiguous-candidates", Level.ERROR, "two or more candidate"),
    ),
    (
        "missing column",
        lambda r: edit(r / TOPICS, "id,domain,", "id,"),
        (TOPICS, 1, "domain", "missing-column", Level.ERROR, "column 'domain' is missing"),
    ),
    (
        "unknown column",
        lambda r: edit(r / TOPICS, ",source\n", ",source,extra\n"),
        (TOPICS, 1, "extra", "unknown-column", Level.ERROR, "not part of the topics contract"),
    ),
    (
        "row with a missing cell",
        lambda r: edit(r / TOPICS, ",10.1108/JSTP-08-2020-0193\nself", "\nself"),
        (TOPICS, 2, "", "cell-count", Level.ERROR, "row has 6 cells but the header has 7"),
    ),
    (
        "invalid UTF-8",
        lambda r: (r / TOPICS).write_bytes((r / TOPICS).read_bytes().replace(b"klantemoties", b"klant\xe9moties")),
        (TOPICS, 2, "", "encoding", Level.ERROR, "not valid UTF-8"),
    ),
    (
        "paper without any identifier",
        lambda r: edit(r / PAPERS, "10.1509/jm.15.0420", ""),
        (PAPERS, 3, "doi", "identifier", Level.ERROR, "needs a DOI, or an ISBN"),
    ),
    (
        "bad paper type",
        lambda r: edit(r / PAPERS, ",,,article,Understanding", ",,,blogpost,Understanding"),
        (PAPERS, 3, "type", "bad-value", Level.ERROR, "type must be one of"),
    ),
    (
        "too many topics",
        lambda r: edit(
            r / PAPERS,
            "69-96,customer-emotions,",
            "69-96,customer-emotions|self-service-technology|customer-emotions|x|y,",
        ),
        (PAPERS, 3, "topics", "too-many", Level.ERROR, "at most 3 topics"),
    ),
]


@pytest.mark.parametrize(("name", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_at_its_cell(mini_root: Path, name: str, mutate, expected) -> None:
    mutate(mini_root)
    _kb, report = load_and_validate(mini_root)
    file, row, column, rule, level, words = expected
    hits = [f for f in report.findings if f.rule == rule and f.file == file and f.row == row and f.column == column]
    assert hits, f"{name}: expected {rule} at {file}:{row} [{column}], got:\n" + "\n".join(
        f.format() for f in report.sorted()
    )
    assert hits[0].level is level
    assert words in hits[0].message


def test_distinct_bad_input_cases() -> None:
    assert len({c[2][3] for c in CASES}) >= 15


def test_clean_fixture_has_no_errors(mini_root: Path) -> None:
    _kb, report = load_and_validate(mini_root)
    assert not report.has_errors, "\n".join(f.format() for f in report.sorted())


def test_all_problems_reported_at_once(mini_root: Path) -> None:
    for mutate in (CASES[0][1], CASES[4][1], CASES[11][1], CASES[20][1]):
        mutate(mini_root)
    _kb, report = load_and_validate(mini_root)
    rules = {f.rule for f in report.findings if f.level is Level.ERROR}
    assert {"required", "unknown-reference", "one-pref-label"} <= rules


def test_declared_ambiguous_label_is_not_a_clash(mini_root: Path) -> None:
    edit(mini_root / CONCEPTS, "peak end rule,piek-eind-regel", "peak end rule,piek-eind-regel|beleving")
    edit(mini_root / CONCEPTS, "CX,klantervaring", "CX,beleving|klantervaring")
    _kb, report = load_and_validate(mini_root)
    assert not report.has_errors
    assert any(f.rule == "ambiguous-label" and "beleving" in f.message for f in report.findings)
