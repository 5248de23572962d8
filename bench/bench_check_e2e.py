"""``cxkb check`` end to end, from process start to exit, against ``grep -Fiwo -f labels.txt``.

What a user waits for is the whole command: Python's start-up and imports, opening the
release and its vocabulary index, reading the file, checking it and writing the JSON
report. This script times exactly that, in a fresh process per round, on one text of about
5 MB, and grep over the same text with every label of the taxonomy (grep matches
spellings only; the checker also lemmatises, resolves and reports, so it does more).

The text is the five Dutch seed articles and ten held-out texts (English and Dutch),
repeated; it stays within the checker's default file-size limit (10 MB).

Usage::

    python bench/bench_check_e2e.py                 # 5 MB, 5 rounds, print a table
    python bench/bench_check_e2e.py --write-docs    # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, record_section

from cxkb.release import open_release

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("CXKB_SEEDS", REPO.parent / "shared" / "seeds"))
HELDOUT = REPO / "tests" / "heldout"
HEADING = "## Vocabulary checker: end to end"
BENCH_TEXTS = (
    "en-cross-channel.txt",
    "en-journey-mapping.txt",
    "en-service-metrics.txt",
    "en-ux-vs-cx.txt",
    "nl-contactformulier.txt",
    "nl-klachtenformulier.txt",
    "nl-kto-vervolg.txt",
    "nl-ondernemers.txt",
    "nl-profielservice-verkenning.txt",
    "nl-profielservice.txt",
)
ASCII_GREP = "grep -Fiwo -f labels-ascii.txt"
BYTE_GREP = "LC_ALL=C grep -Fiwo -f labels.txt"


def corpus(target: Path, megabytes: float) -> Path:
    """One text of about ``megabytes`` MB: seed articles and ten held-out texts, repeated in order.

    The list is fixed rather than read from the dev split, so the text stays the same when
    the split changes: grep's speed in a UTF-8 locale depends on the text far more than the
    checker's does, and the rounds recorded in docs/benchmarks.md must stay comparable.
    """
    parts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    parts += [(HELDOUT / "texts" / name).read_text(encoding="utf-8") for name in BENCH_TEXTS]
    if not parts:
        sys.exit(f"no seed articles at {SEEDS} (set CXKB_SEEDS)")
    out, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        chunk = parts[i % len(parts)] + "\n\n"
        out.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    path = target / "text.txt"
    path.write_text("".join(out), encoding="utf-8")
    return path


def run_once(cmd: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one fresh process.

    GNU time reports the peak of the command itself; the rusage of a child forked from
    this Python process would count the copy of the parent it starts as.
    """
    peak_file = out.with_suffix(".peak")
    # An installed cxkb has its bytecode cached; where the environment forbids writing it
    # (PYTHONDONTWRITEBYTECODE), every run would compile the package's source again (about
    # 0.1 s), which a user does not pay.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    with out.open("wb") as fh:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", str(peak_file), *cmd],
            stdout=fh,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=env,
        )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed with status {done.returncode}")
    return wall, int(peak_file.read_text().split()[-1]) / 1024


def measure(cmds: dict[str, tuple[list[str], Path]], rounds: int) -> dict[str, tuple[float, float, float]]:
    """Median and fastest wall time and largest peak of each command, the commands taking turns.

    On a shared machine the load changes from second to second; running the commands in
    turn, round after round, lets a busy spell slow all of them rather than one.
    """
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    peaks: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(rounds):
        for name, (cmd, out) in cmds.items():
            wall, peak = run_once(cmd, out)
            walls[name].append(wall)
            peaks[name].append(peak)
    return {name: (statistics.median(walls[name]), min(walls[name]), max(peaks[name])) for name in cmds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    release = open_release(REPO)
    index = release.vocabulary()  # also leaves the index in build/cache, as any earlier run would
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        text = corpus(work, args.mb)
        labels = work / "labels.txt"
        every = sorted({e.label for e in index.entries})
        labels.write_text("\n".join(every) + "\n", encoding="utf-8")
        # GNU grep -i in a UTF-8 locale drops to a much slower matcher as soon as one pattern
        # holds a non-ASCII letter (co-creëren), and, with about 800 patterns, even without one;
        # the ASCII row shows which of the two it is, the C-locale row grep's byte-wise fast path.
        ascii_labels = work / "labels-ascii.txt"
        ascii_labels.write_text("\n".join(x for x in every if x.isascii()) + "\n", encoding="utf-8")
        cxkb = [str(Path(sys.executable).parent / "cxkb"), "check", str(text), "--format", "json", "--root", str(REPO)]
        grep = ["grep", "-Fiwo", "-f", str(labels), str(text)]
        run_once(cxkb, work / "check.json")  # a first run may build the index cache; not timed
        rows = measure(
            {
                "grep -Fiwo -f labels.txt": (grep, work / "grep.out"),
                ASCII_GREP: (["grep", "-Fiwo", "-f", str(ascii_labels), str(text)], work / "grep-ascii.out"),
                # in the C locale grep reads bytes: its fast path, but -i folds ASCII letters only
                BYTE_GREP: (["env", "LC_ALL=C", "grep", "-Fiwo", "-f", str(labels), str(text)], work / "grep-c.out"),
                "cxkb check --format json": (cxkb, work / "check.json"),
            },
            args.rounds,
        )
        size_mb = text.stat().st_size / 1_000_000
    base = rows["grep -Fiwo -f labels.txt"][0]
    fast = rows[BYTE_GREP][0]
    lines = [
        f"Measured on: {machine()}. One text of {size_mb:.1f} MB (seed articles and ten held-out texts,",
        f"repeated); {args.rounds} fresh processes each, taking turns, wall time from start to exit (median, fastest)",
        "and the largest peak resident memory. Ratio: grep's median time / the command's (1x = as fast as grep);",
        "the last column takes grep in the C locale (bytes; its fast path) as 1x.",
        "",
        "| command | median s | fastest s | peak MB | MB/s | ratio to grep | ratio to C-locale grep |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (median, fastest, peak) in rows.items():
        lines.append(
            f"| {name} | {median:.2f} | {fastest:.2f} | {peak:.0f} | {size_mb / median:.1f} | {base / median:.2f}x "
            f"| {fast / median:.2f}x |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write_docs:
        record_section(HEADING, table)


if __name__ == "__main__":
    main()
