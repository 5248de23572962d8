"""Property tests: any text survives the canonical CSV writer and the reader."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxkb.findings import Report
from cxkb.tables import TOPICS, parse_table, render_table

cell = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
        max_size=40,
    )
    .map(str.strip)
    .map(lambda s: " ".join(s.split()))
)


@settings(max_examples=200, deadline=None)
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

    from cxkb.tables import UNSAFE_CATEGORIES, unsafe_character

    expected = next(
        ((i, ch) for i, ch in enumerate(text) if ch not in "\n\r" and unicodedata.category(ch) in UNSAFE_CATEGORIES),
        None,
    )
    assert unsafe_character(text) == expected
