"""Benchmark: `cxkb build` time and peak memory against the bulk-load limit.

For each size, synthetic literature tables are generated (src/cxkb/kg/synthetic.py, fixed seed) and
`cxkb build` runs in a fresh process twice per round: a first build without build/ (as on
a fresh clone: HermiT and pySHACL check schema and taxonomy), and a rebuild after one paper
row was edited (their remembered results are reused). Wall time and peak resident memory
come from the kernel (the peak of the largest process: the build, its second writer,
pySHACL's process or HermiT's JVM). The limit beside them is pyoxigraph bulk-loading the
N-Triples the build produced: the least work any build of the same triples must do. The
three are measured in turn, each round, and the medians reported. One more build, timed
by its progress messages, shows where the time goes. Prints Markdown tables; ``--record``
writes them into docs/benchmarks.md under "Knowledge-graph build", keeping the notes (from
the first "###" heading on) that follow them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DOCS, REPO, add_json_option, machine, record_section, write_figures

from cxkb.kg.synthetic import make_root

HEADING = "## Knowledge-graph build"


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def bulk_load_seconds(nt: Path) -> float:
    code = (
        "import pyoxigraph as ox, sys, time; s = ox.Store(); t = time.perf_counter(); "
        "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(nt)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


STEPS_CODE = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from cxkb.kg.build import build
marks = [("starting Python and importing cxkb", time.perf_counter() - start)]
last = [time.perf_counter(), None]
def progress(message):
    now = time.perf_counter()
    if last[1] is not None:
        marks.append((last[1], now - last[0]))
    last[0], last[1] = now, message
build(Path(sys.argv[1]), reasoning=sys.argv[2] == "1", progress=progress)
progress(None)
print(json.dumps(marks))
"""


def step_times(root: Path, reasoning: bool) -> list[tuple[str, float]]:
    """Seconds per build step, from the progress messages of a build in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", STEPS_CODE, str(root), "1" if reasoning else "0"],
        check=True,
        capture_output=True,
        text=True,
    )
    return [(str(name), float(sec)) for name, sec in json.loads(out.stdout.strip().splitlines()[-1])]


def edit_one_paper(root: Path) -> None:
    """A contributor's change: one paper's title gains or loses a word (the taxonomy stays)."""
    path = root / "literature" / "papers.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    title = rows[0].index("title")
    word = " revisited"
    text = rows[1][title]
    rows[1][title] = text[: -len(word)] if text.endswith(word) else text + word
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure; the median is reported.")
    parser.add_argument("--no-reason", action="store_true", help="Skip the HermiT step.")
    parser.add_argument("--record", action="store_true", help="Write the table into docs/benchmarks.md.")
    add_json_option(parser)
    args = parser.parse_args()
    figures: dict[str, dict[str, float]] = {}

    rows = [
        "| papers | triples | first build (s) | peak memory (MiB) | rebuild (s) | bulk-load limit (s) "
        "| first build / limit | rebuild / limit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    steps: dict[int, list[tuple[str, float]]] = {}
    where = machine()
    for n in args.papers:
        root = make_root(REPO, args.work / f"papers-{n}", n)
        cmd = [sys.executable, "-m", "cxkb.cli", "build", "--root", str(root), "-q"]
        if args.no_reason:
            cmd.append("--no-reason")
        nt = root / "build" / "release" / "cxkb.nt"
        first, rebuild, limits, peaks = [], [], [], []
        for _ in range(args.repeat):
            # Interleaved, so that a slow spell of the machine touches all three alike.
            shutil.rmtree(root / "build", ignore_errors=True)
            wall, rss = run_measured(cmd, root)
            first.append(wall)
            peaks.append(rss)
            edit_one_paper(root)
            wall, rss = run_measured(cmd, root)
            rebuild.append(wall)
            peaks.append(rss)
            limits.append(bulk_load_seconds(nt))
        triples = sum(1 for _ in nt.open(encoding="utf-8"))
        cold, warm, limit, rss = median(first), median(rebuild), median(limits), max(peaks)
        rows.append(
            f"| {n:,} | {triples:,} | {cold:.1f} | {rss:,.0f} | {warm:.1f} | {limit:.2f} "
            f"| {cold / limit:.1f}x | {warm / limit:.1f}x |"
        )
        print(rows[-1], flush=True)
        figures[str(n)] = {
            "triples": triples,
            "seconds": cold,
            "rebuild_seconds": warm,
            "peak_mib": rss,
            "limit_seconds": limit,
        }
        steps[n] = step_times(root, not args.no_reason)
    table = "\n".join(rows)
    names = list(dict.fromkeys(name for marks in steps.values() for name, _ in marks))
    step_rows = [
        "| step | " + " | ".join(f"{n:,} papers (s)" for n in steps) + " |",
        "|---|" + "---:|" * len(steps),
    ]
    for name in names:
        cells = [next((f"{sec:.2f}" for nm, sec in steps[n] if nm == name), "–") for n in steps]
        step_rows.append(f"| {name} | " + " | ".join(cells) + " |")
    table += (
        f"\n\nEach figure is the median of {args.repeat} runs; peak memory is the largest seen. A *first "
        "build* starts without build/ (no release, no remembered HermiT or pySHACL results), as on a "
        "fresh clone; a *rebuild* follows an edit to one paper row, so the schema and taxonomy checks "
        "are reused.\n\nWhere the time goes (one more rebuild per size, steps as the build reports them; "
        "steps overlap with HermiT and pySHACL where they run):\n\n"
    )
    table += "\n".join(step_rows)
    print(f"\nMachine: {where}\n\n{table}")
    if args.record:
        record(table, "reasoning off" if args.no_reason else "reasoning on", where)
    write_figures(args.json, figures)


def record(table: str, mode: str, where: str) -> None:
    """Replace the section's measurements; notes from its first "###" heading on are kept."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    notes = ""
    if HEADING in text:
        start = text.index(HEADING)
        end = text.find("\n## ", start + len(HEADING))
        section = text[start : end if end != -1 else len(text)]
        if "\n### " in section:
            notes = section[section.index("\n### ") :].strip("\n")
    body = f"Measured with `python bench/bench_build.py --record` ({mode}) on: {where}.\n\n{table}\n"
    record_section(HEADING, body + ("\n" + notes + "\n" if notes else ""))


if __name__ == "__main__":
    main()
