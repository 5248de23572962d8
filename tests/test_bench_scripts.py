"""Every benchmark script still starts.

The benchmarks run by hand, so nothing else notices when one stops importing: a script that
reached for a function the library no longer has failed only on the day someone wanted the
figures. Asking each for ``--help`` imports all it needs without measuring anything.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("bench_*.py"))


def test_there_are_benchmarks() -> None:
    assert len(SCRIPTS) >= 5, SCRIPTS


def _help(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120, cwd=BENCH.parent
    )


@pytest.mark.slow
def test_every_benchmark_answers_help() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(SCRIPTS, pool.map(_help, SCRIPTS), strict=True))
    failed = {p.name: (r.returncode, r.stderr[-500:]) for p, r in runs.items() if r.returncode != 0}
    assert not failed, failed
    for script, run in runs.items():
        assert run.stdout.startswith("usage:"), (script.name, run.stdout[:200])
