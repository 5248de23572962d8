"""Property tests: any text survives the canonical CSV writer and the reader."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cxkb.findings import Report
from cxkb.kg.tables import PAPERS, TOPICS, parse_table, render_table

cell = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
        max_size=40,
    )
    .map(str.strip)
    .map(lambda s: " ".join(s.split()))
)


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.tuples(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), cell, cell),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    )
)
def test_render_then_parse_keeps_every_cell(rows: list[tuple[str, str, str]]) -> None:
    data = [
        {
            "id": i,
            "domain": "customer",
            "label_en": en,
            "label_nl": nl,
            "definition_en": "d",
            "definition_nl": "d",
            "source": "seed:001",
        }
        for i, en, nl in rows
    ]
    report = Report()
    parsed = parse_table(render_table(TOPICS, data), TOPICS, report)
    assert not [f for f in report.findings if f.rule in ("csv-syntax", "cell-count", "line-break")]
    assert {r.get("id"): (r.get("label_en"), r.get("label_nl")) for r in parsed} == {i: (en, nl) for i, en, nl in rows}
    assert [r.get("id") for r in parsed] == sorted(r[0] for r in rows)


@given(st.text(max_size=60))
def test_unsafe_character_matches_the_per_character_rule(text: str) -> None:
    """The fast path (str.isprintable) never hides a character the category rule forbids."""
    import unicodedata

    from cxkb.kg.tables import UNSAFE_CATEGORIES, unsafe_character

    expected = next(
        ((i, ch) for i, ch in enumerate(text) if ch not in "\n\r" and unicodedata.category(ch) in UNSAFE_CATEGORIES),
        None,
    )
    assert unsafe_character(text) == expected


# Rows of ordinary text with up to two defects put in: a space, a separator, a formula
# character or an invisible character, at the start, the end or the middle of a cell.
_CLEAN_CELL = st.lists(st.sampled_from(["ab", "cd", "x y", "é", "a-b"]), min_size=1, max_size=3, unique=True).map(
    "|".join
)
_DEFECT = st.tuples(
    st.integers(0, 16),
    st.sampled_from([" ", "|", "||", "=", "-", "+", "@", "\t", "\n", "\u200b", "\u00a0", "  "]),
    st.sampled_from(["start", "end", "middle", "whole"]),
)


def _with_defects(values: list[str], defects: list[tuple[int, str, str]]) -> list[str]:
    out = list(values)
    for i, piece, where in defects:
        v = out[i]
        out[i] = {
            "start": piece + v,
            "end": v + piece,
            "middle": v[: len(v) // 2] + piece + v[len(v) // 2 :],
            "whole": piece,
        }[where]
    return out


@pytest.mark.slow
@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(_CLEAN_CELL, min_size=len(PAPERS.header), max_size=len(PAPERS.header)), st.lists(_DEFECT, max_size=2))
def test_row_shortcuts_report_what_the_cell_by_cell_rules_report(
    clean: list[str], defects: list[tuple[int, str, str]]
) -> None:
    """The whole-row and per-cell shortcuts never change a finding or a kept value."""
    from cxkb.kg import tables

    spec = tables.PAPERS
    cells = dict(zip(spec.header, _with_defects(clean, defects), strict=True))
    fast_report, slow_report = Report(), Report()
    fast = tables._check_row(tables.Row("papers.csv", 2, {}), cells, spec, fast_report)
    slow = tables.Row("papers.csv", 2, {})
    for col in spec.columns:
        value = tables._clean_cell("papers.csv", 2, col, cells[col.name], slow_report)
        if col.required and not value:
            slow_report.error("papers.csv", 2, col.name, "required", f"{col.name!r} is required")
        tables._check_formula("papers.csv", 2, col, value, slow_report)
        if col.multi:
            slow.lists[col.name] = tables._items("papers.csv", 2, col, value, slow_report)
        slow.cells[col.name] = value
    assert fast.cells == slow.cells
    assert fast.lists == slow.lists
    assert fast_report.sorted() == slow_report.sorted()
