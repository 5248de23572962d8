"""The SPARQL endpoint against the bare Oxigraph server, and under hostile load.

Both run over the same store, loaded from the release of a synthetic literature table
(``src/cxkb/kg/synthetic.py``, built once with ``cxkb build``):

1. **Throughput.** ``oxigraph serve-read-only`` and ``cxkb serve``, both running, each asked
   one library query over and over by 1, 8 and 32 clients for a fixed time (keep-alive
   connections, SPARQL JSON), in interleaved rounds so that a shared machine's changing
   load touches both sides alike. The endpoint should reach at least 0.8 of the bare
   server's requests per second.
2. **Hostile load.** ``cxkb serve`` with 50 clients for a fixed time; each request is a
   cheap library query (85 %), a runaway query (a five-way cross join, 5 %), a malformed
   query (5 %) or an update (5 %). Cheap queries should keep a 95th percentile under 1 s;
   no request may fail other than by the intended 400 (malformed), 403 (update) and 503
   (runaway stopped, or its lane full). The resident memory of the whole process tree
   (front and engines) is sampled from /proc and should stay under 500 MB.

The clients are one asyncio loop writing prepared HTTP/1.1 requests on raw loopback
sockets, so the load generator costs little CPU next to the servers; every loop is
bounded by a deadline and a request count.

    python bench/bench_endpoint_load.py                 # 10,000 papers
    python bench/bench_endpoint_load.py --record        # and write the section in docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))  # bench/common.py

from common import add_json_option, machine, record_section, write_figures  # noqa: E402

from cxkb.sparql.library import DEFAULT_PREFIXES, NamedQuery, library  # noqa: E402
from cxkb.sparql.oxigraph_server import load_store, oxigraph_binary  # noqa: E402

HEADING = "## SPARQL endpoint: throughput and hostile load"
THROUGHPUT_QUERIES = ("term-lookup", "concepts-per-topic", "papers-per-domain")
CHEAP = THROUGHPUT_QUERIES
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
MALFORMED = ("SELEC ?x WHERE { ?x ?y ?z }", "SELECT * WHERE { ?s ?p }", '" } ; DROP ALL ; #')
UPDATES = ("INSERT DATA { <urn:x:s> <urn:x:p> 'x' }", "DROP ALL", "BASE <http://x/#> DELETE WHERE { ?s ?p ?o }")
MIX = (("cheap", 85), ("runaway", 5), ("malformed", 5), ("update", 5))
ACCEPT = "application/sparql-results+json"
MAX_REQUESTS = 200_000  # per run, whatever the duration


# ---------------------------------------------------------------------------------------
# A small keep-alive HTTP/1.1 client on raw sockets
# ---------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    lane: str = ""
    body: bytes = b""


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def send(self, request: bytes, timeout: float) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(request)
        try:
            return await asyncio.wait_for(self._read(self.reader), timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            return 0, {}, b""

    async def _read(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await reader.read()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body


def get_request(path: str, accept: str = ACCEPT) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n\r\n".encode("latin-1")


def post_request(path: str, body: str, content_type: str) -> bytes:
    data = body.encode("utf-8")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {ACCEPT}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode("latin-1") + data


async def _hammer(port: int, request: bytes, clients: int, seconds: float) -> tuple[int, int, list[float]]:
    """``clients`` connections sending ``request`` until the deadline: (answers, errors, latencies in s)."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        conn = Connection(port)
        while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
            start = time.perf_counter()
            status, _, _ = await conn.send(request, 60)
            if status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1
        await conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return len(latencies), errors, latencies


# ---------------------------------------------------------------------------------------
# Processes and memory
# ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], startup: float = 300.0) -> None:
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)


def tree(pid: int) -> list[int]:
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            kids = [int(k) for k in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            continue
        found += kids
        frontier += kids
    return found


def tree_rss_kib(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) summed over ``pid`` and its descendants, and how many processes."""
    total = count = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    count += 1
        except OSError:
            continue
    return total, count


class MemoryProbe:
    """Samples a process tree's resident memory every ``interval`` seconds and keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kib = self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            kib, count = tree_rss_kib(self.pid)
            self.peak_kib = max(self.peak_kib, kib)
            self.peak_processes = max(self.peak_processes, count)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def start_cxkb(root: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "cxkb.cli", "serve", "--root", str(root), "--port", str(port), "-q", *extra]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wait_http(f"http://127.0.0.1:{port}/queries", proc)
    return proc


def start_oxigraph(store: Path, port: int, timeout: int) -> subprocess.Popen[bytes]:
    command = [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*command, "--timeout-s", str(timeout)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc)
    return proc


# ---------------------------------------------------------------------------------------
# The two parts
# ---------------------------------------------------------------------------------------


@dataclass
class Throughput:
    """One query at one client count: the medians over the interleaved rounds."""

    query: str
    clients: int
    bare_rps: float
    cxkb_rps: float
    bare_p50: float
    cxkb_p50: float
    bare_errors: int
    cxkb_errors: int
    ratio: float  # median of the rounds' cxkb/bare ratios (each round measures both, back to back)


def with_prefixes(text: str) -> str:
    """The library query as the bare server needs it (it knows no predefined prefixes)."""
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(DEFAULT_PREFIXES.items()))
    return head + text


def params_for(q: NamedQuery) -> dict[str, str]:
    return {p.name: p.example or p.default or "" for p in q.params if p.example or p.default or not p.optional}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def throughput(
    root: Path,
    store: Path,
    queries: dict[str, NamedQuery],
    clients: list[int],
    seconds: float,
    rounds: int,
    serve_args: tuple[str, ...] = (),
) -> list[Throughput]:
    """Both servers up at once, measured in alternating order, ``rounds`` times per query and client count.

    The machine is shared, so its load drifts; measuring the two sides back to back in each
    round, in alternating order, and taking medians keeps that drift out of the ratio.
    """
    rows: list[Throughput] = []
    bare_port, cxkb_port = free_port(), free_port()
    bare = start_oxigraph(store, bare_port, 10)
    try:
        ours = start_cxkb(root, cxkb_port, *serve_args)
    except BaseException:
        stop(bare)
        raise
    try:
        for name in THROUGHPUT_QUERIES:
            q = queries[name]
            text = q.bind(params_for(q))
            requests = {
                "bare": (bare_port, get_request("/query?" + urlencode({"query": with_prefixes(text)}))),
                "cxkb": (cxkb_port, get_request("/sparql?" + urlencode({"query": text}))),
            }
            for port, request in requests.values():
                asyncio.run(_hammer(port, request, 2, 1.0))  # warm caches and connections
            for n in clients:
                runs: dict[str, list[tuple[int, int, list[float]]]] = {"bare": [], "cxkb": []}
                for number in range(rounds):
                    order = ("bare", "cxkb") if number % 2 == 0 else ("cxkb", "bare")
                    for side in order:
                        print(f"  {name} {n} client(s) round {number + 1}: {side}", file=sys.stderr)
                        runs[side].append(asyncio.run(_hammer(*requests[side], n, seconds)))
                ratios = [c[0] / b[0] for b, c in zip(runs["bare"], runs["cxkb"], strict=True) if b[0]]
                rows.append(
                    Throughput(
                        name,
                        n,
                        median([r[0] / seconds for r in runs["bare"]]),
                        median([r[0] / seconds for r in runs["cxkb"]]),
                        median([percentile(r[2], 0.5) * 1000 for r in runs["bare"]]),
                        median([percentile(r[2], 0.5) * 1000 for r in runs["cxkb"]]),
                        sum(r[1] for r in runs["bare"]),
                        sum(r[1] for r in runs["cxkb"]),
                        median(ratios),
                    )
                )
    finally:
        stop(ours)
        stop(bare)
    return rows


@dataclass
class Hostile:
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    peak_kib: int = 0
    processes: int = 0
    after_ok: bool = False

    def of(self, kind: str) -> list[Sample]:
        return [s for s in self.samples if s.kind == kind]


def classify(sample: Sample) -> str:
    if sample.status == 503:
        return "503 stopped" if b"stopped" in sample.body else "503 busy"
    return str(sample.status) if sample.status else "no answer"


def broken(sample: Sample) -> bool:
    """Whether the answer breaks the rules: only the intended statuses are allowed for each kind."""
    allowed = {"cheap": {200}, "runaway": {503}, "malformed": {400}, "update": {403}}[sample.kind]
    return sample.status not in allowed


async def _hostile(port: int, queries: dict[str, NamedQuery], clients: int, seconds: float) -> list[Sample]:
    rng = random.Random(20211018)
    kinds = [k for k, w in MIX for _ in range(w)]
    cheap = [get_request("/sparql?" + urlencode({"query": queries[n].bind(params_for(queries[n]))})) for n in CHEAP]
    samples: list[Sample] = []
    deadline = time.perf_counter() + seconds

    def next_request(r: random.Random) -> tuple[str, bytes]:
        kind = r.choice(kinds)
        if kind == "cheap":
            return kind, r.choice(cheap)
        if kind == "runaway":
            return kind, get_request("/sparql?" + urlencode({"query": RUNAWAY}))
        if kind == "malformed":
            return kind, post_request("/sparql", r.choice(MALFORMED), "application/sparql-query")
        update = r.choice(UPDATES)
        if r.random() < 0.5:
            return kind, post_request("/sparql", update, "application/sparql-update")
        return kind, post_request("/sparql", urlencode({"update": update}), "application/x-www-form-urlencoded")

    async def client(number: int) -> None:
        r = random.Random(rng.random() + number)
        conn = Connection(port)
        while time.perf_counter() < deadline and len(samples) < MAX_REQUESTS:
            kind, request = next_request(r)
            start = time.perf_counter()
            status, headers, body = await conn.send(request, 120)
            ms = (time.perf_counter() - start) * 1000
            samples.append(Sample(kind, status, ms, headers.get("x-cxkb-lane", ""), body[:200]))
        await conn.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return samples


def hostile(root: Path, queries: dict[str, NamedQuery], clients: int, seconds: float, timeout: float) -> Hostile:
    port = free_port()
    proc = start_cxkb(root, port, "--timeout", f"{timeout:g}")
    result = Hostile()
    try:
        with MemoryProbe(proc.pid) as probe:
            start = time.perf_counter()
            result.samples = asyncio.run(_hostile(port, queries, clients, seconds))
            result.seconds = time.perf_counter() - start
        result.peak_kib, result.processes = probe.peak_kib, probe.peak_processes
        check = get_request("/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
        result.after_ok = asyncio.run(_hammer(port, check, 1, 0.2))[0] > 0
    finally:
        stop(proc)
    return result


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(
    host: str,
    papers: int,
    triples: int,
    rows: list[Throughput],
    load: Hostile,
    seconds: float,
    rounds: int,
    timeout: float,
) -> tuple[str, dict[str, object]]:
    worst = min(r.ratio for r in rows)
    lines = [
        f"Machine: {host}.",
        "",
        f"`python bench/bench_endpoint_load.py`: {papers:,} synthetic papers (`src/cxkb/kg/synthetic.py`, {triples:,} "
        "triples), loaded with `oxigraph load`; the bare server is `oxigraph serve-read-only` on that store, "
        "the endpoint is `cxkb serve` (uvicorn front, Oxigraph engines) on the same release. Clients are "
        "keep-alive connections on loopback. Both servers run at once; for each query and client count there "
        f"are {rounds} rounds, each measuring the bare server and the endpoint back to back (in alternating "
        f"order) for {seconds:g} s apiece, asking one library query (its example parameters) again and again "
        "for SPARQL JSON. The figures are medians over the rounds; the ratio is the median of the rounds' ratios.",
        "",
        "| query | clients | bare req/s | cxkb req/s | ratio | bare median ms | cxkb median ms | errors bare/cxkb |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| `{r.query}` | {r.clients} | {r.bare_rps:,.0f} | {r.cxkb_rps:,.0f} | {r.ratio:.2f} | "
            f"{r.bare_p50:.1f} | {r.cxkb_p50:.1f} | {r.bare_errors}/{r.cxkb_errors} |"
        )
    lines += ["", f"Lowest ratio: {worst:.2f} (target at least 0.80: {'met' if worst >= 0.8 else 'missed'})."]
    cheap = [s.ms for s in load.of("cheap") if s.status == 200]
    p95 = percentile(cheap, 0.95)
    bad = [s for s in load.samples if broken(s)]
    mib = load.peak_kib / 1024
    lines += [
        "",
        f"**Hostile load**: {len(load.samples):,} requests from 50 clients in {load.seconds:.1f} s; each request "
        "is a cheap library query (the three above, 85 %), a runaway (a five-way cross join, 5 %), a malformed "
        f"query (5 %) or an update (5 %); `--timeout {timeout:g}`, other limits at their defaults.",
        "",
        "| requests | count | statuses | lanes | median ms | 95th pct ms | 99th pct ms | max ms |",
        "|---|--:|---|---|--:|--:|--:|--:|",
    ]
    for kind, _ in MIX:
        samples = load.of(kind)
        ms = [s.ms for s in samples]
        statuses = Counter(classify(s) for s in samples)
        lanes = Counter(s.lane or "-" for s in samples)
        lines.append(
            f"| {kind} | {len(samples):,} | {', '.join(f'{k}: {v:,}' for k, v in sorted(statuses.items()))} | "
            f"{', '.join(f'{k}: {v:,}' for k, v in sorted(lanes.items()))} | {percentile(ms, 0.5):.0f} | "
            f"{percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | {max(ms, default=0):.0f} |"
        )
    lines += [
        "",
        f"- Cheap queries: 95th percentile {p95:.0f} ms (target under 1,000 ms: {'met' if p95 < 1000 else 'missed'}).",
        f"- Requests answered other than intended (cheap not 200, runaway not 503, malformed not 400, "
        f"update not 403): {len(bad)} (target 0: {'met' if not bad else 'missed'}).",
        f"- Peak resident memory of `cxkb serve` and its engines (summed over the process tree, sampled every "
        f"0.2 s): {mib:,.0f} MiB in up to {load.processes} processes (target under 500 MB: "
        f"{'met' if mib * 1.048576 < 500 else 'missed'}).",
        f"- After the load the endpoint answered a query: {'yes' if load.after_ok else 'no'}.",
    ]
    figures = {
        "lowest_ratio": round(worst, 3),
        "cheap_p95_ms": round(p95, 1),
        "broken": len(bad),
        "peak_mib": round(mib, 1),
        "requests": len(load.samples),
        # for bench/bench_scale.py's summary line
        "clients": 50,
        "seconds": round(load.seconds, 1),
        "busy": sum(1 for s in load.of("cheap") if s.status == 503),
    }
    return "\n".join(lines), figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=3.0, help="Duration of each throughput run.")
    parser.add_argument("--rounds", type=int, default=5, help="Interleaved rounds per query and client count.")
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=5.0, help="cxkb serve --timeout during the hostile load.")
    parser.add_argument(
        "--answer-cache",
        type=int,
        default=None,
        help="cxkb serve --answer-cache MiB in the throughput runs (default: the endpoint's own; 0: answers "
        "are never remembered, so every request reaches an engine, as on the bare server).",
    )
    parser.add_argument("--record", action="store_true", help="Write the results into docs/benchmarks.md.")
    add_json_option(parser)
    args = parser.parse_args()

    from cxkb.kg.synthetic import synthetic_release

    host = machine()
    root = synthetic_release(args.papers, REPO / "build" / "bench-endpoint", log=lambda s: print(s, file=sys.stderr))
    if not (root / "queries").is_dir():  # cxkb serve offers the library of the root it serves
        shutil.copytree(REPO / "queries", root / "queries")
    queries = {q.name: q for q in library(REPO)}
    release = root / "build" / "release" / "cxkb.nt"
    triples = sum(1 for _ in release.open("rb"))
    with tempfile.TemporaryDirectory(prefix="cxkb-bench-") as folder:
        store = Path(folder) / "store"
        load_store([release], store)
        print("throughput ...", file=sys.stderr)
        serve_args = () if args.answer_cache is None else ("--answer-cache", str(args.answer_cache))
        rows = throughput(root, store, queries, args.clients, args.seconds, args.rounds, serve_args)
    print("hostile load ...", file=sys.stderr)
    load = hostile(root, queries, args.load_clients, args.load_seconds, args.timeout)
    text, figures = report(host, args.papers, triples, rows, load, args.seconds, args.rounds, args.timeout)
    memory = "the default" if args.answer_cache is None else f"`--answer-cache {args.answer_cache}`"
    text = text.replace("\n\n", f"\n\nThroughput runs with the endpoint's answer memory at {memory}.\n\n", 1)
    print(text)
    if args.record:
        record_section(HEADING, text)
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
