"""Precision and recall of the vocabulary checker on the five Dutch seed articles.

The articles themselves are not copied into the repository: they are read from the seed
folder beside it (``../shared/seeds``, or ``$CXKB_SEEDS``). The gold standard
(``tests/gold/seeds.tsv``) was annotated by hand: every span a CX expert
maps to a concept of the taxonomy, by meaning, with the concept id. A checker mention is
correct when it overlaps a gold span of the same concept. An *ambiguous* mention names
several candidate concepts; it counts as correct ("lenient") when the gold concept is
among them, and never in the "strict" figures. Run this file directly to print the table
that docs/benchmarks.md reports.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import built
from cxkb.checker.config import CheckConfig
from cxkb.checker.engine import Checker, CheckRun, Mention
from cxkb.release import open_release

REPO = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "gold"
SEEDS = Path(os.environ.get("CXKB_SEEDS", REPO.parent / "shared" / "seeds"))

if not SEEDS.is_dir() and not os.environ.get("CI"):
    pytest.skip(f"the seed articles are not at {SEEDS} (set CXKB_SEEDS)", allow_module_level=True)

# Thresholds a little below the measured values (see docs/benchmarks.md).
MIN_PRECISION = 0.89  # measured 0.898 (change BF)
MIN_RECALL = 0.92  # measured 0.955
MIN_STRICT_PRECISION = 0.93  # measured 0.940
MIN_STRICT_RECALL = 0.66  # measured 0.895


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    start: int  # 1-based column, inclusive
    end: int  # exclusive
    concepts: frozenset[str]


@dataclass(frozen=True)
class Scores:
    gold: int
    system: int
    correct_system: int
    found_gold: int

    @property
    def precision(self) -> float:
        return self.correct_system / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.found_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_gold(path: Path = GOLD / "seeds.tsv") -> list[Span]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Span(r["file"], int(r["line"]), int(r["column"]), int(r["end_column"]), frozenset([r["concept"]])) for r in rows
    ]


def run_checker(root: Path = REPO) -> CheckRun:
    checker = Checker(open_release(built(root)).vocabulary(), CheckConfig())
    return checker.check_paths(sorted(SEEDS.glob("*.txt")), cwd=SEEDS)


def system_spans(run: CheckRun, *, strict: bool) -> list[Span]:
    def keep(m: Mention) -> bool:
        return not (strict and len(m.concepts) != 1)  # strict: the checker names exactly one concept

    assert all(m.line == m.end_line for m in run.mentions), "the seeds have one paragraph per line"
    return [Span(m.path, m.line, m.column, m.end_column, frozenset(m.concepts)) for m in run.mentions if keep(m)]


def _hit(a: Span, b: Span) -> bool:
    return (
        a.file == b.file and a.line == b.line and a.start < b.end and b.start < a.end and bool(a.concepts & b.concepts)
    )


def score(gold: list[Span], system: list[Span]) -> Scores:
    correct = sum(1 for s in system if any(_hit(s, g) for g in gold))
    found = sum(1 for g in gold if any(_hit(s, g) for s in system))
    return Scores(len(gold), len(system), correct, found)


def per_file(gold: list[Span], system: list[Span]) -> dict[str, Scores]:
    files = sorted({g.file for g in gold} | {s.file for s in system})
    return {f: score([g for g in gold if g.file == f], [s for s in system if s.file == f]) for f in files}


@pytest.fixture(scope="module")
def run() -> CheckRun:
    if not (REPO / "ontology" / "tables" / "concepts.csv").is_file():
        pytest.skip("the concept table is not there")
    return run_checker()


def test_gold_spans_point_at_their_text() -> None:
    texts = {p.name: p.read_text(encoding="utf-8").split("\n") for p in SEEDS.glob("*.txt")}
    with (GOLD / "seeds.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            line = texts[row["file"]][int(row["line"]) - 1]
            assert line[int(row["column"]) - 1 : int(row["end_column"]) - 1] == row["text"], row


def test_every_seed_is_annotated() -> None:
    annotated = {span.file for span in read_gold()}
    assert annotated == {p.name for p in SEEDS.glob("*.txt")}


def test_documents_are_detected_as_dutch(run: CheckRun) -> None:
    assert {lang for _, _, lang, _ in run.documents} == {"nl"}
    assert not run.errors


def test_precision_and_recall(run: CheckRun) -> None:
    gold = read_gold()
    lenient = score(gold, system_spans(run, strict=False))
    strict = score(gold, system_spans(run, strict=True))
    assert lenient.precision >= MIN_PRECISION, lenient
    assert lenient.recall >= MIN_RECALL, lenient
    assert strict.precision >= MIN_STRICT_PRECISION, strict
    assert strict.recall >= MIN_STRICT_RECALL, strict


def main() -> None:
    """Print the evaluation table (Markdown) and the misses, for docs/benchmarks.md."""
    check = run_checker()
    gold = read_gold()
    print("| file | gold | found | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    system = system_spans(check, strict=False)
    for name, s in per_file(gold, system).items():
        print(f"| {name} | {s.gold} | {s.system} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |")
    for label, strict in (("all (lenient)", False), ("all (strict)", True)):
        s = score(gold, system_spans(check, strict=strict))
        print(f"| **{label}** | {s.gold} | {s.system} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |")
    if "-v" in sys.argv:
        print("\nmissed gold spans:")
        for g in gold:
            if not any(_hit(s, g) for s in system):
                print(f"  {g.file}:{g.line}:{g.start} {sorted(g.concepts)}")
        print("\nwrong checker mentions:")
        texts = {p.name: p.read_text(encoding="utf-8").split("\n") for p in SEEDS.glob("*.txt")}
        for s in system:
            if not any(_hit(s, g) for g in gold):
                text = texts[s.file][s.line - 1][s.start - 1 : s.end - 1]
                print(f"  {s.file}:{s.line}:{s.start} {text!r} {sorted(s.concepts)}")


if __name__ == "__main__":
    main()
