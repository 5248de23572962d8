"""The notebook template runs as it is and shows typed columns.

Executing its code cells here is quicker than building the book, and fails on the same
mistakes: a renamed query, a parameter of the wrong kind, a column that lost its type.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from conftest import REPO, built
from cxkb.book.notebooks import render_notebook

TEMPLATE = REPO / "book" / "notebooks" / "template.md"


def code_cells(text: str) -> list[str]:
    return re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, re.S)


def test_template_runs_and_its_columns_are_typed() -> None:
    built(REPO)
    namespace: dict[str, object] = {}
    here = os.getcwd()
    os.chdir(REPO / "book")
    try:
        for cell in code_cells(TEMPLATE.read_text(encoding="utf-8")):
            exec(compile(cell, str(TEMPLATE), "exec"), namespace)
    finally:
        os.chdir(here)
    trend = namespace["trend"]
    assert isinstance(trend, pd.DataFrame) and len(trend) > 0
    assert str(trend.dtypes["year"]) == "Int64" and str(trend.dtypes["papers"]) == "Int64"
    assert str(trend.dtypes["domain"]) == "string"
    top = namespace["top"]
    assert isinstance(top, pd.DataFrame) and len(top) == 5
    assert str(top.dtypes["papers"]) == "Int64"
    assert top["papers"].is_monotonic_decreasing


def test_template_has_front_matter_the_book_reads(tmp_path: Path) -> None:
    page = render_notebook(TEMPLATE.read_text(encoding="utf-8"), REPO, "template")
    assert "CXKB_DATA" in page and "cxkb:" not in page.split("---", 2)[1]
