"""Benchmark: every library query on synthetic literature of 10,000 and 100,000 papers.

The taxonomy is the real one; only the papers are synthetic (src/cxkb/kg/synthetic.py, fixed seed,
distributions taken from the real literature table). The graph is the release that
``cxkb build`` makes of them, inferred triples included, so the queries run on exactly
what users load.

Each query runs with its example parameters (optional ones left out, the heaviest case)
on pyoxigraph, timed two ways: the engine alone (iterating every solution) and
``cxkb.query.run`` (which also converts the terms to rdflib's). rdflib's own SPARQL
engine runs the same text on the 10,000-paper graph, capped in time. Finally the
endpoint is measured by bench/bench_endpoint_load.py.

    python bench/bench_queries.py            # print the tables
    python bench/bench_queries.py --record   # and write them to docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from common import add_json_option, machine, record_section, write_figures  # noqa: E402

from cxkb.kg.synthetic import SEED, synthetic_release  # noqa: E402
from cxkb.sparql.library import NamedQuery, library, run  # noqa: E402

HEADING = "## SPARQL queries"
TARGET_MS = 50.0


# ---------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------
# Synthetic literature
# ---------------------------------------------------------------------------------------


def synthetic_store(n: int, folder: Path) -> tuple[ox.Store, bytes]:
    """A store (and its N-Triples) of ``n`` synthetic papers, from the release ``cxkb build`` made."""
    root = synthetic_release(n, folder, log=lambda line: print(f"  {line}", file=sys.stderr))
    data = (root / "build" / "release" / "cxkb.nt").read_bytes()
    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    return store, data


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    rows: int
    engine_ms: float
    engine_best_ms: float
    run_ms: float
    rdflib_ms: float | None = None
    rdflib_rows: int | None = None
    rdflib_capped: bool = False


def params_for(q: NamedQuery) -> dict[str, str]:
    return {p.name: p.example or p.default or "" for p in q.params if not p.optional}


def timed_ms(func: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and best of ``repeat`` runs after one warm-up, in milliseconds."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def engine_run(store: ox.Store, text: str) -> int:
    """Evaluate and serialise the answer as SPARQL JSON inside pyoxigraph (as an endpoint would)."""
    answer = store.query(text)
    return len(answer.serialize(format=ox.QueryResultsFormat.JSON))


def count_rows(store: ox.Store, text: str) -> int:
    return sum(1 for _ in store.query(text))


class _Overrun(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Overrun


def rdflib_ms(graph: Graph, text: str, repeat: int, cap: float) -> tuple[float | None, int | None, bool]:
    """Median of rdflib runs; stops (and says so) when one run exceeds ``cap`` seconds."""
    old = signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    rows = None
    try:
        for _ in range(repeat):
            signal.setitimer(signal.ITIMER_REAL, cap)
            start = time.perf_counter()
            try:
                rows = len(list(graph.query(text)))
            except _Overrun:
                return None, None, True
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append((time.perf_counter() - start) * 1000)
            if sum(times) > cap * 1000:
                break
    finally:
        signal.signal(signal.SIGALRM, old)
    return statistics.median(times), rows, False


def time_queries(store: ox.Store, queries: list[NamedQuery], repeat: int) -> list[Timing]:
    out = []
    for q in queries:
        text = q.bind(params_for(q))
        rows = count_rows(store, text)
        engine, best = timed_ms(lambda text=text: engine_run(store, text), repeat)
        full, _ = timed_ms(lambda q=q: run(store, q, params_for(q)), repeat)
        out.append(Timing(q.name, rows, engine, best, full))
    return out


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def report(
    host: str,
    source: str,
    sizes: dict[int, tuple[int, float, list[Timing]]],
    rdflib_cap: float,
    repeat: dict[int, int],
) -> str:
    names = [t.name for t in next(iter(sizes.values()))[2]]
    smallest = min(sizes)
    with_rdflib = any(t.rdflib_ms is not None or t.rdflib_capped for t in sizes[smallest][2])
    lines = [
        HEADING,
        "",
        f"Machine: {host}.",
        "",
        f"Synthetic papers over {source} (`src/cxkb/kg/synthetic.py`, seed {SEED}, built with `cxkb build`), "
        "with as many topics, "
        "questions, concepts, authors and keywords per paper, and years, as the real literature table has. "
        "Each query runs with its example parameters and optional ones left out. Times in milliseconds: "
        "*engine* is pyoxigraph evaluating the query and writing the answer as SPARQL JSON inside the engine "
        "(as an endpoint would), median and best run; *run()* is the median of `cxkb.query.run`, which also "
        "turns every value into an rdflib term; *rdflib* is the median of rdflib's own SPARQL engine on the "
        f"same triples (a run over {rdflib_cap:g} s is stopped).",
        "",
    ]
    for n, (triples, load_s, _) in sizes.items():
        lines.append(f"- {n:,} papers: {triples:,} triples, generated and loaded in {load_s:.0f} s; {repeat[n]} runs.")
    lines.append("")
    header, rule = "| query |", "|---|"
    for n in sizes:
        k = f"{n // 1000}k"
        header += f" rows {k} | engine {k} | best {k} | run() {k} |"
        rule += "--:|--:|--:|--:|"
        if n == smallest and with_rdflib:
            header += f" rdflib {k} |"
            rule += "--:|"
    lines += [header, rule]
    for i, name in enumerate(names):
        row = f"| `{name}` |"
        for n in sizes:
            t = sizes[n][2][i]
            row += f" {t.rows:,} | {_ms(t.engine_ms)} | {_ms(t.engine_best_ms)} | {_ms(t.run_ms)} |"
            if n == smallest and with_rdflib:
                cell = f"> {rdflib_cap * 1000:.0f}" if t.rdflib_capped else _ms(t.rdflib_ms)
                if t.rdflib_rows is not None and t.rdflib_rows != t.rows:
                    cell += f" ({t.rdflib_rows:,} rows)"
                row += f" {cell} |"
        lines.append(row)
    slow = [t.name for t in sizes[smallest][2] if t.engine_ms >= TARGET_MS]
    lines += [
        "",
        f"Target: every query under {TARGET_MS:g} ms (engine median) at {smallest:,} papers: "
        + ("met." if not slow else f"missed by {', '.join(f'`{x}`' for x in slow)}."),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15, help="Runs per query at the smallest size.")
    parser.add_argument("--rdflib-cap", type=float, default=15.0, help="Seconds one rdflib run may take.")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--record", action="store_true", help="Write the results into docs/benchmarks.md.")
    add_json_option(parser)
    args = parser.parse_args()

    host = machine()
    source = "the real taxonomy"
    work = REPO / "build" / "bench-queries"
    queries = library(REPO)
    sizes: dict[int, tuple[int, float, list[Timing]]] = {}
    repeat: dict[int, int] = {}
    smallest = min(args.sizes)
    for n in sorted(args.sizes):
        print(f"generating {n:,} papers over {source} ...", file=sys.stderr)
        start = time.perf_counter()
        store, data = synthetic_store(n, work)
        load_s = time.perf_counter() - start
        repeat[n] = args.repeat if n == smallest else max(3, args.repeat // 3)
        print(f"  {len(store):,} triples in {load_s:.1f} s; timing {len(queries)} queries", file=sys.stderr)
        timings = time_queries(store, queries, repeat[n])
        if n == smallest and not args.no_rdflib:
            print("  rdflib: parsing the same triples", file=sys.stderr)
            graph = Graph()
            graph.parse(data=data, format="nt")
            for t, q in zip(timings, queries, strict=True):
                print(f"  rdflib: {q.name}", file=sys.stderr)
                t.rdflib_ms, t.rdflib_rows, t.rdflib_capped = rdflib_ms(
                    graph, q.bind(params_for(q)), 3, args.rdflib_cap
                )
            del graph
        sizes[n] = (len(store), load_s, timings)
        del store, data
    write_figures(
        args.json,
        {
            "slowest_engine_ms": {str(n): max(t.engine_ms for t in timings) for n, (_, _, timings) in sizes.items()},
        },
    )
    text = report(host, source, sizes, args.rdflib_cap, repeat)
    print(text)
    if args.record:
        record_section(HEADING, text.removeprefix(HEADING).strip())
        print("written to docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
