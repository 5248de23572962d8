"""Pooling the held-out rounds: counts come back exactly from the reports the scorer prints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heldout_rounds import KINDS, Counts, Round, parse_report, pooled, table
from test_check_eval import Scores
from test_check_heldout import _row

LABELS = {"lenient": "lenient", "strict": "strict", "spans": "spans", "unknown terms": "unknown terms"}


@st.composite
def counts(draw: st.DrawFn, limit: int = 999) -> Counts:
    gold, system = draw(st.integers(0, limit)), draw(st.integers(0, limit))
    return Counts(gold, system, draw(st.integers(0, system)), draw(st.integers(0, gold)))


def report(texts: int, scores: dict[str, Counts]) -> str:
    """A report as ``test_check_heldout.py --split test`` prints it (its own row formatter)."""
    lines = [
        f"split: test ({texts} texts)",
        "",
        "| file | gold | found | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, c in scores.items():
        lines.append(_row(f"**all ({kind})**", Scores(c.gold, c.system, c.correct, c.found)))
    return "\n".join(lines) + "\n"


@given(st.integers(1, 20), st.fixed_dictionaries({k: counts() for k in KINDS}))
def test_counts_come_back_exactly_from_three_decimals(texts: int, scores: dict[str, Counts]) -> None:
    assert parse_report(report(texts, scores)) == (texts, scores)


def test_a_round_too_large_to_recover_is_refused() -> None:
    scores = dict.fromkeys(KINDS, Counts(10, 10, 9, 9)) | {"lenient": Counts(1000, 990, 900, 900)}
    with pytest.raises(ValueError, match="too many"):
        parse_report(report(3, scores))
    with pytest.raises(ValueError, match="unknown terms"):
        parse_report(
            report(3, {k: v for k, v in scores.items() if k != "unknown terms"} | {"lenient": Counts(1, 1, 1, 1)})
        )
    with pytest.raises(ValueError, match="split: test"):
        parse_report("| **all (lenient)** | 1 | 1 | 1.000 | 1.000 | 1.000 |")


def test_pooled_figures_sum_counts_not_ratios() -> None:
    # two rounds whose precisions average to 0.75 but pool to 0.9: the pooled row must be 0.9
    a = dict.fromkeys(KINDS, Counts(10, 10, 5, 10))
    b = dict.fromkeys(KINDS, Counts(90, 90, 85, 90))
    rounds = [Round("a" * 40, 2, a), Round("b" * 40, 3, b)]
    assert pooled(rounds)["lenient"] == Counts(100, 100, 90, 100)
    last = table(rounds).splitlines()[-1]
    assert last == "| **pooled** | 5 | 100 | 0.900 / 1.000 | 0.900 / 1.000 | 0.90 (90 of 100) |"
