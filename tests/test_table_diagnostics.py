"""What the table reader says about broken CSV: every finding has a line, most a column, and reading goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINI
from cxkb.findings import Finding, Report
from cxkb.kg.tables import PAPERS, TOPICS, parse_table

HEADER, FIRST, SECOND, THIRD = (MINI / PAPERS.path).read_text(encoding="utf-8").splitlines()[:4]


def parse(*lines: str, spec=PAPERS) -> tuple[list[str], Report]:  # type: ignore[no-untyped-def]
    report = Report()
    rows = parse_table("\n".join(lines) + "\n", spec, report)
    return [r.get("id") for r in rows], report


def found(report: Report) -> list[tuple[int, str, str]]:
    return [(f.row, f.column, f.rule) for f in report.findings]


def with_cell(line: str, column: str, value: str) -> str:
    """``line`` (a clean row of the fixture, no quoted commas before ``column``) with one cell replaced."""
    import csv
    import io

    cells = next(csv.reader([line]))
    cells[PAPERS.header.index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)  # with "\n" as terminator, a cell holding one is quoted
    return buf.getvalue()[:-1]


def test_the_fixture_rows_are_clean() -> None:
    ids, report = parse(HEADER, FIRST, SECOND, THIRD)
    assert len(ids) == 3 and report.findings == []


@pytest.mark.parametrize("size", [120_000, 200_000])
def test_an_oversized_cell_is_named_at_its_column_and_the_next_rows_are_read(size: int) -> None:
    big = with_cell(SECOND, "note", "x" * size)
    ids, report = parse(HEADER, FIRST, big, THIRD)
    assert found(report) == [(3, "note", "cell-too-long")]
    assert f"{size:,} characters" in report.findings[0].message
    assert ids[0] == FIRST.split(",")[0] and ids[-1] == THIRD.split(",")[0]


def test_a_quoted_oversized_cell_over_several_lines_is_skipped_whole() -> None:
    big = with_cell(SECOND, "note", "line\n" * 40_000)
    ids, report = parse(HEADER, FIRST, big, THIRD)
    assert found(report) == [(3, "note", "cell-too-long")]
    assert ids == [FIRST.split(",")[0], THIRD.split(",")[0]]


def test_an_unbalanced_quote_is_named_and_reading_goes_on() -> None:
    broken = with_cell(SECOND, "venue", "Journal").replace(",Journal,", ',"Journal,', 1)
    # A later row with a quoted cell: its quote is what "closes" the broken one.
    third = with_cell(THIRD, "title", "Self-Service Technologies, quoted")
    ids, report = parse(HEADER, FIRST, broken, third)
    assert found(report) == [(3, "venue", "csv-syntax")]
    assert "not closed on its line" in report.findings[0].message
    assert ids == [FIRST.split(",")[0], THIRD.split(",")[0]]
    assert not [f for f in report.findings if f.level.label == "info"]


def test_text_after_a_closing_quote_is_named_at_its_column() -> None:
    broken = with_cell(SECOND, "venue", "Journal").replace(",Journal,", ',"Jour"nal,', 1)
    ids, report = parse(HEADER, FIRST, broken, THIRD)
    assert found(report) == [(3, "venue", "csv-syntax")]
    assert "after the closing quote" in report.findings[0].message
    assert len(ids) == 2


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolon"), ("\t", "tab")])
def test_another_delimiter_gets_one_hint_instead_of_a_missing_column_per_column(delimiter: str, word: str) -> None:
    _, report = parse(HEADER.replace(",", delimiter), FIRST.replace(",", delimiter))
    assert found(report) == [(1, "", "delimiter")]
    assert word in report.findings[0].message and "comma-separated" in report.findings[0].message


def test_a_column_limit_from_the_contract() -> None:
    assert PAPERS.column("title").max_length == 1000 and PAPERS.column("authors").max_items == 500
    long_title = with_cell(FIRST, "title", "T" * 1001)
    many = with_cell(SECOND, "authors", "|".join(f"Family{i}, G" for i in range(501)))
    _, report = parse(HEADER, long_title, many)
    assert found(report) == [(2, "title", "cell-too-long"), (3, "authors", "too-many-values")]


def test_line_endings_and_row_order_have_lines() -> None:
    _, report = parse(HEADER, THIRD + "\r", FIRST)
    assert sorted(found(report)) == [(2, "", "line-endings"), (3, "id", "row-order")]


def test_dois_are_duplicates_whatever_their_punctuation(mini_root: Path) -> None:
    from cxkb.kg.validate import load_and_validate

    path = mini_root / PAPERS.path
    text = path.read_text(encoding="utf-8")
    doi = FIRST.split(",")[1]
    third_doi = THIRD.split(",")[1]
    path.write_text(text.replace(third_doi, doi.upper() + "."), encoding="utf-8")
    _, report = load_and_validate(mini_root)
    rules = {(f.row, f.column, f.rule) for f in report.findings}
    assert (4, "doi", "duplicate-doi") in rules and (4, "doi", "doi-punctuation") in rules


def test_every_finding_of_the_reader_has_a_line() -> None:
    cases = [
        (HEADER, with_cell(FIRST, "note", "x" * 140_000), SECOND + "\r", THIRD.replace(",", ',"', 1)),
        (HEADER.replace(",", ";"),),
        ("id,domain", "a,b,c"),
    ]
    for lines in cases:
        spec = TOPICS if lines[0].startswith("id,domain") else PAPERS
        _, report = parse(*lines, spec=spec)
        assert report.findings
        assert all(isinstance(f, Finding) and f.row > 0 for f in report.findings), found(report)
