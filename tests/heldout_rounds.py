"""The held-out test rounds, each scored again with the checker of its own time, and pooled.

A test split is scored once, with the change of its time, and then joins dev; the next change
is scored on the next split. The pooled figures of docs/benchmarks.md sum those single scores.
They need no stored reports: every round is a commit that made it the test split, and that
commit holds both the round's gold and the checker that scored it. This script checks each
such commit out into a temporary worktree, lets that commit's ``tests/test_check_heldout.py``
score its test split, and sums the counts. It prints one row per round and the pooled row.

Run from a clone with its history: ``python tests/heldout_rounds.py`` (a few seconds per round;
each commit's answer is kept in ``build/heldout-rounds/``, since a commit never changes).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "build" / "heldout-rounds"
# Round 67, the first round the pooled figures of docs/benchmarks.md count.
FIRST_POOLED = "94ea31d"
KINDS = ("lenient", "strict", "spans", "unknown terms")
_ROW = re.compile(
    r"^\| \*\*all \((?P<kind>[a-z ]+)\)\*\* \| (?P<gold>\d+) \| (?P<found>\d+) \| (?P<p>[\d.]+) \| (?P<r>[\d.]+) \|"
)
_TEXTS = re.compile(r"^split: test \((?P<n>\d+) texts\)", re.M)


@dataclass(frozen=True)
class Counts:
    """One score as counts, so that rounds can be summed (precision and recall cannot)."""

    gold: int  # gold spans (for unknown terms: the rows a reviewer would add)
    system: int  # the checker's mentions (or unknown-term findings)
    correct: int  # mentions that hit a gold span
    found: int  # gold spans hit by a mention

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.gold + other.gold, self.system + other.system, self.correct + other.correct, self.found + other.found
        )

    def figures(self) -> str:
        p = f"{self.correct / self.system:.3f}" if self.system else "n/a"
        r = f"{self.found / self.gold:.3f}" if self.gold else "n/a"
        return f"{p} / {r}"


@dataclass(frozen=True)
class Round:
    commit: str
    texts: int
    scores: dict[str, Counts]


def parse_report(report: str) -> tuple[int, dict[str, Counts]]:
    """Texts and counts of one ``--split test`` report.

    Reports give precision and recall to three decimals beside the two totals; below 1,000
    mentions or gold spans that gives each count back exactly, and a larger round is refused
    rather than rounded.
    """
    texts = _TEXTS.search(report)
    if texts is None:
        raise ValueError("not a report of the test split: no 'split: test (N texts)' line")
    scores: dict[str, Counts] = {}
    for line in report.splitlines():
        m = _ROW.match(line)
        if m is None:
            continue
        gold, found = int(m["gold"]), int(m["found"])
        if max(gold, found) >= 1000:
            raise ValueError(f"{m['kind']}: {max(gold, found)} is too many to recover counts from three decimals")
        scores[m["kind"]] = Counts(gold, found, round(float(m["p"]) * found), round(float(m["r"]) * gold))
    missing = [k for k in KINDS if k not in scores]
    if missing:
        raise ValueError(f"report has no 'all' row for {', '.join(missing)}")
    return int(texts["n"]), scores


def round_commits(first: str = FIRST_POOLED) -> list[str]:
    """Commits, oldest first, that changed the split from ``first`` on: each made a new test round."""
    out = subprocess.run(
        ["git", "-C", str(REPO), "log", "--reverse", "--format=%H", f"{first}^..HEAD", "--", "tests/heldout/SPLIT.tsv"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def score_commit(commit: str) -> str:
    """The report of ``commit``'s checker on ``commit``'s test split (kept per commit)."""
    cached = CACHE / f"{commit}.md"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="cxkb-round-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit], capture_output=True, check=True
        )
        try:
            env = {
                **os.environ,
                "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree / 'tests'}",
                "PYTHONDONTWRITEBYTECODE": "1",
                "CXKB_SEEDS": os.environ.get("CXKB_SEEDS", str(REPO.parent / "shared" / "seeds")),
            }
            run = subprocess.run(
                [sys.executable, "tests/test_check_heldout.py", "--split", "test"],
                cwd=tree,
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    if run.returncode != 0:
        raise RuntimeError(f"{commit[:12]}: scoring failed:\n{run.stderr[-2000:]}")
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp_file = cached.with_suffix(".tmp")
    tmp_file.write_text(run.stdout, encoding="utf-8")
    tmp_file.replace(cached)
    return run.stdout


def pooled(rounds: list[Round]) -> dict[str, Counts]:
    total = dict.fromkeys(KINDS, Counts(0, 0, 0, 0))
    for r in rounds:
        total = {k: total[k] + r.scores[k] for k in KINDS}
    return total


def table(rounds: list[Round]) -> str:
    """Markdown: one row per round, then the pooled row."""
    lines = [
        "| round commit | texts | gold | lenient P / R | strict P / R | unknown-term P (findings) |",
        "|---|---:|---:|---|---|---|",
    ]

    def row(name: str, texts: int, s: dict[str, Counts]) -> str:
        u = s["unknown terms"]
        unknown = f"{u.correct / u.system:.2f} ({u.correct} of {u.system})" if u.system else "none (0)"
        lenient, strict = s["lenient"], s["strict"]
        return f"| {name} | {texts} | {lenient.gold} | {lenient.figures()} | {strict.figures()} | {unknown} |"

    lines += [row(r.commit[:7], r.texts, r.scores) for r in rounds]
    lines.append(row("**pooled**", sum(r.texts for r in rounds), pooled(rounds)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--first", default=FIRST_POOLED, help="the commit of the first round to pool (default: round 67)"
    )
    args = parser.parse_args(argv)
    rounds = []
    for commit in round_commits(args.first):
        texts, scores = parse_report(score_commit(commit))
        rounds.append(Round(commit, texts, scores))
        print(f"scored {commit[:7]} ({texts} texts)", file=sys.stderr)
    print(table(rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
