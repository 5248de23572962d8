"""Faults: a build that is killed, or stops at any step, leaves the previous release as it was.

The release is what users download and what ``cxkb serve`` loads, so an interrupted or
refused build must never leave it half-written or gone. Each test builds a release, changes
a table (so a finished build would write different bytes), makes the next build fail or
kills it, and compares every byte of build/release/ with the first build's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import edit, make_root
from cxkb.kg.build import BuildError, build
from cxkb.kg.reason import ReasonerError

CXKB = [sys.executable, "-c", "from cxkb.cli import app; app()"]
RELEASE = Path("build") / "release"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def change_tables(root: Path) -> None:
    edit(root / "literature" / "papers.csv", "A review that defines", "A survey that defines")


@pytest.fixture
def released(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A root with a finished release, and its tables changed since."""
    root = make_root(tmp_path)
    build(root, reasoning=True)
    before = snapshot(root / RELEASE)
    assert {"cxkb.ttl", "cxkb.nt", "cxkb.owl", "cxkb.jsonld"} <= set(before)
    change_tables(root)
    return root, before


# ---------------------------------------------------------------------------------------
# A build that stops at each step
# ---------------------------------------------------------------------------------------


def _bad_table(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(root / "literature" / "papers.csv", ",1993,", ",19x3,")


def _shacl_violation(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stricter shape than the tables' contract: the tables pass, the graph does not.
    shapes = root / "ontology" / "shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8") + "\n<urn:x-test:short-labels> a sh:NodeShape ; sh:targetClass cx:Topic ;\n"
        '    sh:property [ sh:path rdfs:label ; sh:maxLength 3 ; sh:message "labels are short" ] .\n',
        encoding="utf-8",
    )


def _inconsistent(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ttl = root / "ontology" / "cxkb.ttl"
    ttl.write_text(
        ttl.read_text(encoding="utf-8")
        + "\n<https://w3id.org/cxkb/domain/customer> owl:differentFrom <https://w3id.org/cxkb/domain/technology> .\n"
        "<https://w3id.org/cxkb/topic/customer-emotions> cx:inDomain <https://w3id.org/cxkb/domain/technology> .\n",
        encoding="utf-8",
    )


def _no_java(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(root / "no-such-bin"))


FAILURES = {
    "bad-table": (_bad_table, BuildError, "tables"),
    "shacl-violation": (_shacl_violation, BuildError, "SHACL"),
    "inconsistent-ontology": (_inconsistent, (BuildError, ReasonerError), "inconsistent"),
    "reasoner-missing": (_no_java, (BuildError, ReasonerError), "Java"),
}


@pytest.mark.reasoner
@pytest.mark.parametrize("step", sorted(FAILURES))
def test_a_failing_step_keeps_the_previous_release(
    released: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    root, before = released
    breaker, error, words = FAILURES[step]
    breaker(root, monkeypatch)
    with pytest.raises(error) as failure:
        build(root, reasoning=True)
    assert words.lower() in str(failure.value).lower() or (
        isinstance(failure.value, BuildError) and words.lower() in str(failure.value.report.findings).lower()
    )
    assert snapshot(root / RELEASE) == before


@pytest.mark.reasoner
def test_the_command_exits_non_zero_and_names_the_cell(released: tuple[Path, dict[str, bytes]]) -> None:
    root, before = released
    _bad_table(root, pytest.MonkeyPatch())
    done = subprocess.run([*CXKB, "build", "--root", str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "literature/papers.csv:2" in done.stdout + done.stderr and "year" in done.stdout + done.stderr
    assert snapshot(root / RELEASE) == before


# ---------------------------------------------------------------------------------------
# A build killed with SIGKILL
# ---------------------------------------------------------------------------------------


def _start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CXKB, "build", "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so the kill reaches any helper process too
    )


def _kill(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert proc.stderr is not None
    proc.stderr.close()


def _restore(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


@pytest.mark.slow
@pytest.mark.reasoner
def test_a_killed_build_leaves_the_old_or_the_new_release_never_a_mix(
    released: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    root, before = released
    twin = tmp_path / "twin"
    shutil.copytree(root, twin, ignore=shutil.ignore_patterns("build"))
    build(twin, reasoning=True)
    after = snapshot(twin / RELEASE)
    assert set(after) == set(before) and after != before

    outcomes: list[tuple[str, str]] = []

    def trial(moment: str, wait: Callable[[subprocess.Popen[str]], None]) -> None:
        _restore(root / RELEASE, before)
        proc = _start(root)
        wait(proc)
        _kill(proc)
        state = snapshot(root / RELEASE)
        assert state in (before, after), f"killed {moment}: the release is neither the old nor the new one"
        outcomes.append((moment, "old" if state == before else "new"))

    def at_message(n: int) -> Callable[[subprocess.Popen[str]], None]:
        def wait(proc: subprocess.Popen[str]) -> None:
            assert proc.stderr is not None
            for seen, _line in enumerate(proc.stderr, start=1):
                if seen == n:
                    return

        return wait

    def after_seconds(delay: float) -> Callable[[subprocess.Popen[str]], None]:
        return lambda _proc: time.sleep(delay)

    for n in range(1, 8):  # at each progress message the build prints ...
        trial(f"after message {n}", at_message(n))
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5):  # ... and between them
        trial(f"after {delay} s", after_seconds(delay))
    interrupted = [m for m, state in outcomes if state == "old"]
    assert len(interrupted) >= 6, outcomes
