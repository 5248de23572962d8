"""The Dutch table contract and the Dutch meanings of the registries: complete, and held to
the English contract so that the two cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxkb.checker import codes
from cxkb.findings import Level, level_label
from cxkb.kg import rules

REPO = Path(__file__).resolve().parents[1]
ENGLISH = REPO / "docs" / "tables.md"
DUTCH = REPO / "docs" / "tables.nl.md"
FILE_HEADING = re.compile(r"^## ((?:ontology|literature)/\S+)\s*$")


def file_sections(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each ``## <file>`` section of a table contract with its table's rows as (column,
    required): the first two cells of every row below the header, in document order."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    rows: list[tuple[str, str]] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = FILE_HEADING.match(line)
            rows = [] if heading else None
            if heading:
                sections.append((heading.group(1), rows))
        elif rows is not None and line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows.append((cells[0], cells[1]))
    return sections


def test_the_contracts_read_as_tables() -> None:
    """The parsing the comparison below relies on: one table per file section, with the
    header row of its language."""
    for path, header in ((ENGLISH, ("column", "required")), (DUTCH, ("kolom", "verplicht"))):
        sections = file_sections(path)
        assert len(sections) >= 10
        assert all(rows[:2] == [header, ("---", "---")] and len(rows) > 2 for _, rows in sections), path


@pytest.mark.parametrize("registry", [rules, codes], ids=["rules", "codes"])
def test_every_id_has_a_dutch_meaning(registry) -> None:
    ids = rules.RULES if registry is rules else codes.CODES
    assert set(registry.MEANINGS_NL) == set(ids)
    assert [i for i, text in registry.MEANINGS_NL.items() if not text.strip()] == []
    assert [i for i, text in registry.MEANINGS_NL.items() if text == ids[i].meaning] == []


@pytest.mark.parametrize("registry", [rules, codes], ids=["rules", "codes"])
def test_the_dutch_table_has_the_rows_of_the_english_one(registry) -> None:
    english, dutch = registry.markdown_table().splitlines(), registry.markdown_table("nl").splitlines()
    assert len(english) == len(dutch)
    assert [row.split(" | ")[0] for row in english[2:]] == [row.split(" | ")[0] for row in dutch[2:]]
    assert dutch[0] in ("| regel | niveau | betekenis |", "| code | standaardniveau | betekenis |")
    with pytest.raises(ValueError, match="unknown language"):
        registry.markdown_table("de")


def test_level_names_in_dutch() -> None:
    assert [level_label(level, "nl") for level in Level] == ["info", "waarschuwing", "fout"]
    assert [level_label(level) for level in Level] == ["info", "warning", "error"]
    assert (level_label(None), level_label(None, "nl")) == ("varies", "wisselt")


def test_each_contract_shows_its_rules_table() -> None:
    assert rules.markdown_table() in ENGLISH.read_text(encoding="utf-8")
    assert rules.markdown_table("nl") in DUTCH.read_text(encoding="utf-8")
    assert DUTCH.read_text(encoding="utf-8").startswith("# Tabelcontract\n")


def test_the_dutch_contract_has_the_files_and_columns_of_the_english_one() -> None:
    english, dutch = file_sections(ENGLISH), file_sections(DUTCH)
    assert [name for name, _ in dutch] == [name for name, _ in english]
    translated = {"yes": "ja", "no": "nee", "": ""}
    for (name, en_rows), (_, nl_rows) in zip(english, dutch, strict=True):
        assert [column for column, _ in nl_rows[2:]] == [column for column, _ in en_rows[2:]], name
        for (column, en_required), (_, nl_required) in zip(en_rows[2:], nl_rows[2:], strict=True):
            if en_required in translated:
                assert nl_required == translated[en_required], (name, column)
            else:  # a condition, such as "one of doi/isbn/url"
                assert nl_required not in translated.values(), (name, column)
