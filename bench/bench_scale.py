"""Benchmark: everything that must stay fast as the literature grows, in one run, against its targets.

Runs each benchmark in its own process, one after the other so they do not compete for
the machine, each recording its own section of docs/benchmarks.md (with ``--record``):

- bench_build.py: ``cxkb build`` at 1,000, 10,000 and 100,000 synthetic papers, time and
  peak memory, beside pyoxigraph bulk-loading the same triples;
- bench_queries.py: every library query at 10,000 and 100,000 papers (pyoxigraph, with
  rdflib's engine beside it at 10,000);
- bench_endpoint_load.py: the endpoint's throughput against the bare Oxigraph server, and 50
  clients for 30 s against ``cxkb serve``, with malformed queries, updates and runaway queries
  among them;
- bench_book.py: the book's clean and incremental builds on the real tables and on
  10,000 papers;
- bench_check.py: the vocabulary checker's throughput beside ``grep -Fiwo``.

Then it prints one table of the key figures against the targets, and records it under
"Scale summary". ``--quick`` runs small sizes to try the script out (nothing recorded).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import machine, record_section

BENCH = Path(__file__).resolve().parent
HEADING = "## Scale summary"


def run_script(name: str, args: list[str], figures: Path, record: bool) -> dict:  # type: ignore[type-arg]
    cmd = [sys.executable, str(BENCH / name), *args, "--json", str(figures)]
    if record:
        cmd.append("--record")
    print(f"== {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    began = time.monotonic()
    done = subprocess.run(cmd, cwd=BENCH, stdout=subprocess.DEVNULL, check=False)
    print(f"   {name}: exit {done.returncode} after {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    if not figures.is_file():
        raise SystemExit(f"{name} wrote no figures (exit {done.returncode})")
    if done.returncode != 0:
        print(f"   {name} reported a failure (exit {done.returncode}); its figures are summarised", file=sys.stderr)
    return json.loads(figures.read_text(encoding="utf-8"))


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def summary(sizes: list[int], build: dict, queries: dict, load: dict, book: dict, check: dict) -> str:  # type: ignore[type-arg]
    rows = ["| what | measured | target | |", "|---|---:|---|---|"]
    for n in sizes:
        b = build[str(n)]
        ratio = b["seconds"] / b["limit_seconds"]
        rebuild = b.get("rebuild_seconds", b["seconds"]) / b["limit_seconds"]
        rows.append(
            f"| `cxkb build`, {n:,} papers, first build | {b['seconds']:.1f} s, {ratio:.1f}x the bulk-load "
            f"limit, {b['peak_mib']:,.0f} MiB peak | "
            + ("within 3x of the limit | " + verdict(ratio <= 3) if n == 10_000 else "")
            + ("under 1 GB peak memory | " + verdict(b["peak_mib"] < 1024) if n == max(sizes) else "")
            + (" | " if n not in (10_000, max(sizes)) else "")
            + " |"
        )
        rows.append(
            f"| `cxkb build`, {n:,} papers, rebuild after editing a paper | "
            f"{b.get('rebuild_seconds', b['seconds']):.1f} s, {rebuild:.1f}x the bulk-load limit | "
            + ("within 3x of the limit | " + verdict(rebuild <= 3) if n == 10_000 else " | ")
            + " |"
        )
    for n, ms in sorted(queries["slowest_engine_ms"].items(), key=lambda kv: int(kv[0])):
        target = "every query under 50 ms | " + verdict(ms < 50) if int(n) == 10_000 else " | "
        rows.append(f"| slowest library query, {int(n):,} papers | {ms:.1f} ms | {target} |")
    against_bare = load["lowest_ratio"]
    rows.append(
        f"| endpoint throughput against the bare Oxigraph server (lowest ratio) | {against_bare:.2f}x | "
        f"at least 0.8x | {verdict(against_bare >= 0.8)} |"
    )
    rows.append(
        f"| endpoint, {load['clients']} clients for {load['seconds']:.0f} s | {load['requests']:,} requests, "
        f"{load['broken']} broken, {load['busy']} turned away busy, {load['peak_mib']:,.0f} MiB peak | "
        f"no 5xx but 503 for stopped runaways, updates refused | {verdict(load['broken'] == 0 and load['busy'] == 0)} |"
    )
    sized = sorted(int(k) for k in book if k.isdigit())
    for key, what in (("real", "real tables"), *((str(n), f"{n:,} papers") for n in sized)):
        x = book[key]
        rows.append(
            f"| book, {what} | clean {x['clean_seconds']:.0f} s, unchanged {x['unchanged_seconds']:.0f} s, "
            f"one row edited {x['one_row_seconds']:.0f} s; {x['pages']:.0f} pages, {x['site_mib']:.1f} MiB, "
            f"heaviest page {x['heaviest_page_kib']:,.0f} KiB | | |"
        )
    speeds = check["mb_per_s"]
    grep = next(v for k, v in speeds.items() if k.startswith("grep -Fiwo"))
    matcher = next(v for k, v in speeds.items() if k.startswith("cxkb matcher (automaton)"))
    rows.append(
        f"| checker matcher (lemmatising) | {matcher:.1f} MB/s, {matcher / grep:.1f}x `grep -Fiwo` | "
        f"at least grep's throughput | {verdict(matcher >= grep)} |"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="Write every section and the summary.")
    parser.add_argument("--quick", action="store_true", help="Small sizes, to try the script out.")
    parser.add_argument(
        "--summary-only", action="store_true", help="Summarise the figures of the last run again, running nothing."
    )
    args = parser.parse_args()
    record = args.record and not args.quick
    sizes = [200, 1_000] if args.quick else [1_000, 10_000, 100_000]
    if args.summary_only:
        sizes = sorted(int(k) for k in json.loads((BENCH.parent / "build/bench-scale/build.json").read_text()))
    query_sizes = [1_000] if args.quick else [10_000, 100_000]
    book_papers = [] if args.quick else ["10000"]
    out = BENCH.parent / "build" / "bench-scale"  # the figures stay, for --summary-only
    host = machine()

    def step(name: str, script_args: list[str], key: str) -> dict:  # type: ignore[type-arg]
        figures = out / f"{key}.json"
        if args.summary_only:
            return json.loads(figures.read_text(encoding="utf-8"))
        figures.unlink(missing_ok=True)
        return run_script(name, script_args, figures, record)

    build = step("bench_build.py", ["--papers", *map(str, sizes)], "build")
    queries = step(
        "bench_queries.py",
        ["--sizes", *map(str, query_sizes), *(["--no-rdflib", "--repeat", "3"] if args.quick else [])],
        "queries",
    )
    quick_load = ["--papers", "1000", "--clients", "10", "--seconds", "5"]
    load = step("bench_endpoint_load.py", quick_load if args.quick else [], "load")
    book = step("bench_book.py", ["--papers", *book_papers], "book")
    check = step("bench_check.py", ["--mb", "2", "--rounds", "1"] if args.quick else [], "check")
    table = summary(sizes, build, queries, load, book, check)
    body = (
        f"Measured with `python bench/bench_scale.py --record` on: {host}. Each line comes from the "
        "section of that benchmark below.\n\n"
        + table
        + "\n\nOn a shared virtual machine the speed drifts from one run to the next (even the "
        "bulk-load limit), so times in seconds compare only within one run; the build is judged by its "
        "ratio to the limit, measured in the same rounds."
    )
    print(body)
    if record:
        record_section(HEADING, body)


if __name__ == "__main__":
    main()
