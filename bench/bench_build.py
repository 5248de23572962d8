"""Benchmark: `cxkb build` time and peak memory against the bulk-load limit.

For each size, synthetic literature tables are generated (bench/synth.py, fixed seed), the
full build runs in a fresh process (tables -> checks -> graph -> SHACL -> HermiT -> four
serialisations), and its wall time and peak resident memory are read from the kernel. The
limit beside it is pyoxigraph bulk-loading the N-Triples the build produced: the least
work any build of the same triples must do. Prints a Markdown table; ``--record`` writes
it into docs/benchmarks.md under "Knowledge-graph build".
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_root

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Knowledge-graph build"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1]
        )
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        mem = "unknown RAM"
    return f"{os.cpu_count()} cores, {cpu}, {mem}, Python {platform.python_version()}"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--no-reason", action="store_true", help="Skip the HermiT step.")
    parser.add_argument("--record", action="store_true", help="Write the table into docs/benchmarks.md.")
    args = parser.parse_args()

    rows = [
        "| papers | triples | build (s) | peak memory (MiB) | bulk-load limit (s) | build / limit |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n in args.papers:
        root = make_root(REPO, args.work / f"papers-{n}", n)
        cmd = [sys.executable, "-m", "cxkb.cli", "build", "--root", str(root), "-q"]
        if args.no_reason:
            cmd.append("--no-reason")
        wall, rss = run_measured(cmd, root)
        nt = root / "build" / "release" / "cxkb.nt"
        triples = sum(1 for _ in nt.open(encoding="utf-8"))
        limit = bulk_load_seconds(nt)
        rows.append(f"| {n:,} | {triples:,} | {wall:.1f} | {rss:,.0f} | {limit:.2f} | {wall / limit:.0f}x |")
        print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(f"\nMachine: {machine()}\n\n{table}")
    if args.record:
        record(table, "reasoning off" if args.no_reason else "reasoning on")


def record(table: str, mode: str) -> None:
    path = REPO / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = (
        f"{HEADING}\n\nMeasured with `python bench/bench_build.py --record` ({mode}) on: {machine()}.\n\n{table}\n"
    )
    if HEADING in text:
        start = text.index(HEADING)
        nxt = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
