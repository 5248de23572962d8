"""What cxkb writes for the mini fixture equals the committed golden files (tests/golden/)."""

from __future__ import annotations

import difflib

import pytest

from cxkb.kg.reason import java_available
from golden_support import GOLDEN, produce_in_tmp

pytestmark = pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime")


def test_outputs_match_the_golden_files() -> None:
    produced = produce_in_tmp()
    committed = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(produced) == sorted(committed), "run: python scripts/update_golden.py"
    for name, data in produced.items():
        if data != committed[name]:
            diff = difflib.unified_diff(
                committed[name].decode("utf-8").splitlines(),
                data.decode("utf-8").splitlines(),
                f"golden/{name}",
                f"produced/{name}",
                lineterm="",
                n=1,
            )
            pytest.fail(
                f"{name} differs (python scripts/update_golden.py writes it anew):\n" + "\n".join(list(diff)[:40])
            )
