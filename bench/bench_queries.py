"""Benchmark: every library query on synthetic literature of 10,000 and 100,000 papers.

The taxonomy (domains, topics, questions, concepts, ambiguous labels) is the real one when
the tables exist, else the test fixture's; only the papers are synthetic, drawn with a
fixed seed from skewed distributions like a real literature's: a few popular topics,
concepts and venues, prolific and occasional authors, more papers in recent years. Papers
become triples through the same ``cxkb.graph`` mapping as real ones, and the two property
chains are materialised as HermiT would (the reasoner itself is measured by the build
benchmark).

Each query runs with its example parameters (optional ones left out, the heaviest case)
on pyoxigraph, timed two ways: the engine alone (iterating every solution) and
``cxkb.query.run`` (which also converts the terms to rdflib's). rdflib's own SPARQL
engine runs the same text on the 10,000-paper graph, capped in time. Finally the
endpoint's throughput is measured with concurrent loopback clients.

    python bench/bench_queries.py            # print the tables
    python bench/bench_queries.py --record   # and write them to docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import Graph

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from common import machine, record_section  # noqa: E402

from cxkb import graph as graphmod  # noqa: E402
from cxkb.query import NamedQuery, library, run  # noqa: E402
from cxkb.records import KnowledgeBase, Paper, load  # noqa: E402
from cxkb.results import nt_string  # noqa: E402
from cxkb.server import Limits, create_server, serve_in_thread  # noqa: E402
from cxkb.tables import ALL_TABLES  # noqa: E402

HEADING = "## SPARQL queries"
SEED = 20211101
TARGET_MS = 50.0
CX = str(graphmod.CX)
DCT = "http://purl.org/dc/terms/"
BIBO = str(graphmod.BIBO)
PRISM = str(graphmod.PRISM)
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# ---------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------
# Synthetic literature
# ---------------------------------------------------------------------------------------

SYLLABLES = ["van", "der", "berg", "ma", "ri", "ko", "la", "ne", "so", "ta", "mi", "ru", "el", "an", "de", "vo"]
WORDS = [
    *("customer", "experience", "journey", "touchpoint", "service", "emotion", "satisfaction", "loyalty"),
    *("design", "value", "co-creation", "engagement", "digital", "technology", "self-service", "retail"),
    *("brand", "omnichannel", "memory", "moment", "employee", "frontline", "measurement", "context"),
    *("online", "platform", "robot", "chatbot", "personalisation", "quality", "trust", "effort", "feedback"),
]


def taxonomy() -> tuple[KnowledgeBase, str]:
    """The real taxonomy when its tables load cleanly, else the mini fixture's."""
    real = all((REPO / s.path).is_file() for s in ALL_TABLES if s.name != "ambiguous_labels")
    if real:
        kb, report = load(REPO)
        if not report.has_errors:
            return kb, "the real taxonomy"
    kb, _ = load(REPO / "tests" / "fixtures" / "mini")
    return kb, "the test fixture's taxonomy"


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


@dataclass(frozen=True)
class Profile:
    """How many topics, questions, concepts, authors and keywords a paper has, and when it appeared.

    Drawn from the real literature table when it has enough papers (each synthetic paper
    copies the counts of a randomly chosen real one), else from fixed weights.
    """

    counts: list[tuple[int, int, int, int, int]]
    years: list[int]
    topic_weight: dict[str, float]
    concept_weight: dict[str, float]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Profile:
        papers = list(kb.papers.values())
        topics = {t: 1.0 for t in kb.topics}
        concepts = {c: 1.0 for c in kb.concepts}
        if len(papers) < 20:
            rng = random.Random(SEED)
            counts = [
                (
                    rng.choices((1, 2, 3), (40, 55, 5))[0],
                    rng.choices((0, 1, 2, 3), (7, 50, 38, 5))[0],
                    _poisson(rng, 2.6),
                    rng.choices(range(1, 9), (5, 27, 32, 18, 8, 5, 3, 2))[0],
                    rng.randint(4, 6),
                )
                for _ in range(200)
            ]
            years = [max(1970, 2025 - int(rng.expovariate(1 / 8))) for _ in range(200)]
            return cls(counts, years, topics, concepts)
        for p in papers:  # popularity from use, smoothed so unused entries still occur
            for t in p.topics:
                topics[t] = topics.get(t, 1.0) + 1
            for c in p.concepts:
                concepts[c] = concepts.get(c, 1.0) + 1
        counts = [(len(p.topics), len(p.questions), len(p.concepts), len(p.authors), len(p.keywords)) for p in papers]
        return cls(counts, [p.year for p in papers], topics, concepts)


def synthetic_papers(kb: KnowledgeBase, n: int, rng: random.Random) -> list[Paper]:
    profile = Profile.of(kb)
    topics = sorted(kb.topics)
    topic_w = [profile.topic_weight.get(t, 1.0) for t in topics]
    questions_of = {t: sorted(q.id for q in kb.questions.values() if q.topic == t) for t in topics}
    all_questions = sorted(kb.questions)
    concepts = sorted(kb.concepts)
    concept_w = [profile.concept_weight.get(c, 1.0) for c in concepts]
    concepts_of = {t: [c for c in concepts if t in kb.concepts[c].topics] for t in topics}
    real_families = sorted({a.partition(",")[0].strip() for p in kb.papers.values() for a in p.authors})
    n_people = max(50, int(n * 1.2))
    families = [
        rng.choice(real_families)
        if real_families and rng.random() < 0.3
        else "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(n_people)
    ]
    people = [f"{families[i]}, {chr(65 + rng.randrange(26))}. {chr(65 + rng.randrange(26))}." for i in range(n_people)]
    people_cum = list(itertools.accumulate(zipf_weights(n_people, 0.9)))  # cumulative: choices() is then O(log n)
    real_venues = sorted({p.venue for p in kb.papers.values()})
    venues = real_venues + [
        f"Journal of {rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}" for i in range(300)
    ]
    venue_cum = list(itertools.accumulate(zipf_weights(len(venues))))
    keywords = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(2000)]
    papers = []
    for i in range(n):
        n_t, n_q, n_c, n_a, n_k = rng.choice(profile.counts)
        chosen_topics = list(dict.fromkeys(rng.choices(topics, topic_w, k=max(1, n_t))))
        qs: list[str] = []
        for _ in range(n_q):
            pool = questions_of[rng.choice(chosen_topics)] if rng.random() < 0.8 else all_questions
            if pool:
                qs.append(rng.choice(pool))
        cs: list[str] = []
        for _ in range(min(n_c, len(concepts))):
            pool = concepts_of[rng.choice(chosen_topics)]
            cs.append(rng.choice(pool) if pool and rng.random() < 0.7 else rng.choices(concepts, concept_w)[0])
        authors = list(dict.fromkeys(rng.choices(people, cum_weights=people_cum, k=max(1, n_a))))
        year = max(1970, min(2025, rng.choice(profile.years) + rng.randint(-2, 2)))
        title_words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
        first_page = rng.randint(1, 900)
        papers.append(
            Paper(
                id=f"synth{i:06d}",
                doi=f"10.5555/synth.{i}",
                isbn="",
                url="",
                type=rng.choices(("article", "chapter", "proceedings", "book", "report"), (80, 8, 8, 2, 2))[0],
                title=" ".join(title_words).capitalize(),
                authors=tuple(authors),
                year=year,
                venue=rng.choices(venues, cum_weights=venue_cum)[0],
                volume=str(rng.randint(1, 60)),
                issue=str(rng.randint(1, 12)),
                pages=f"{first_page}-{first_page + rng.randint(5, 30)}",
                topics=tuple(chosen_topics),
                questions=tuple(dict.fromkeys(qs)),
                concepts=tuple(dict.fromkeys(cs)),
                keywords=tuple(dict.fromkeys(rng.choice(keywords) for _ in range(max(1, n_k)))),
                note="A synthetic paper for benchmarking.",
            )
        )
    return papers


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def paper_ntriples(p: Paper) -> list[str]:
    """A paper's triples as N-Triples lines, written directly for speed.

    This mirrors ``cxkb.graph``'s mapping of a paper; ``check_mapping`` holds it to the
    real mapping on a sample before any number is taken, so the benchmark cannot drift
    from what the build produces.
    """
    node = f"<{graphmod.iri('paper', p.id)}>"
    lit = nt_string

    def t(pred: str, obj: str) -> str:
        return f"{node} <{pred}> {obj} ."

    out = [
        t(RDF_TYPE, f"<{OWL}NamedIndividual>"),
        t(RDF_TYPE, f"<{CX}Paper>"),
        t(f"{DCT}identifier", lit(p.id)),
        t(f"{DCT}title", lit(p.title)),
        t(f"{CX}authors", lit(graphmod.AUTHOR_SEPARATOR.join(p.authors))),
        t(f"{PRISM}publicationName", lit(p.venue)),
        t(f"{DCT}issued", f"{lit(str(p.year))}^^<{XSD}gYear>"),
    ]
    if p.type in graphmod.PAPER_CLASSES:
        out.append(t(RDF_TYPE, f"<{graphmod.PAPER_CLASSES[p.type]}>"))
    if p.doi:
        out += [t(f"{BIBO}doi", lit(p.doi)), t(f"{RDFS}seeAlso", f"<{graphmod.doi_iri(p.doi)}>")]
    for author in p.authors:
        person = f"<{graphmod.person_iri(author)}>"
        out += [
            t(f"{DCT}creator", person),
            f"{person} <{RDF_TYPE}> <{OWL}NamedIndividual> .",
            f"{person} <{RDF_TYPE}> <{FOAF}Person> .",
            f"{person} <{FOAF}name> {lit(author)} .",
            f"{person} <{FOAF}familyName> {lit(author.partition(',')[0].strip())} .",
        ]
    for prop, value in (("volume", p.volume), ("issue", p.issue), ("pages", p.pages)):
        if value:
            out.append(t(f"{BIBO}{prop}", lit(value)))
    out += [t(f"{CX}coversTopic", f"<{graphmod.iri('topic', x)}>") for x in p.topics]
    out += [t(f"{CX}addressesQuestion", f"<{graphmod.iri('question', x)}>") for x in p.questions]
    out += [t(f"{CX}discussesConcept", f"<{graphmod.iri('concept', x)}>") for x in p.concepts]
    out += [t(f"{PRISM}keyword", lit(k)) for k in p.keywords]
    if p.note:
        out.append(t(f"{RDFS}comment", f"{lit(p.note)}@en"))
    return out


def check_mapping(papers: list[Paper]) -> None:
    """Stop if ``paper_ntriples`` and ``cxkb.graph`` disagree on any sampled paper."""
    g = Graph()
    for p in papers:
        graphmod._add_paper(g, p)
    ours = "\n".join(line for p in papers for line in paper_ntriples(p)).encode()
    theirs = {q.triple for q in ox.parse(g.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)}
    if {q.triple for q in ox.parse(ours, ox.RdfFormat.N_TRIPLES)} != theirs:
        raise SystemExit("bench_queries.paper_ntriples no longer matches cxkb.graph's mapping of papers")


def synthetic_store(kb: KnowledgeBase, n: int) -> tuple[ox.Store, bytes]:
    """A store (and its N-Triples) of the schema, the taxonomy and ``n`` synthetic papers, reasoned."""
    rng = random.Random(SEED + n)
    papers = synthetic_papers(kb, n, rng)
    check_mapping(papers[:200])
    base = KnowledgeBase(kb.domains, kb.topics, kb.questions, kb.sources, kb.concepts, kb.ambiguous, {})
    lines = [graphmod.to_graph(base, REPO).serialize(format="nt", encoding="utf-8").decode()]
    topic_domain = {t.id: t.domain for t in kb.topics.values()}
    question_topic = {q.id: q.topic for q in kb.questions.values()}
    for p in papers:
        lines += paper_ntriples(p)
        # What HermiT adds: the topics of addressed questions, and the domains of all topics.
        node = graphmod.iri("paper", p.id)
        covered = set(p.topics) | {question_topic[q] for q in p.questions}
        lines += [f"<{node}> <{CX}coversTopic> <{graphmod.iri('topic', t)}> ." for t in sorted(covered)]
        domains = sorted({topic_domain[t] for t in covered})
        lines += [f"<{node}> <{CX}coversDomain> <{graphmod.iri('domain', d)}> ." for d in domains]
    data = ("\n".join(lines) + "\n").encode()
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
# Endpoint throughput
# ---------------------------------------------------------------------------------------


@dataclass
class Throughput:
    clients: int
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float


def _client(urls: list[str], offset: int, stop: float, latencies: list[float], errors: list[int]) -> None:
    """Request the URLs in turn until ``stop``; list.append is atomic, so no lock is needed."""
    i = offset
    while time.monotonic() < stop:
        url = urls[i % len(urls)]
        i += 1
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            errors.append(1)
        latencies.append((time.perf_counter() - start) * 1000)


def throughput(
    store: ox.Store, queries: list[NamedQuery], clients: list[int], seconds: float, workers: int
) -> list[Throughput]:
    """Requests per second with ``c`` concurrent clients looping over the library for ``seconds``."""
    server = create_server(store, queries, host="127.0.0.1", port=0, limits=Limits(timeout=30, workers=workers))
    serve_in_thread(server)
    urls = [f"{server.url}queries/{q.name}?{urlencode(params_for(q))}&format=json" for q in queries]
    results = []
    try:
        for c in clients:
            latencies: list[float] = []
            errors: list[int] = []
            start = time.monotonic()
            threads = [
                threading.Thread(target=_client, args=(urls, k, start + seconds, latencies, errors)) for k in range(c)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - start
            latencies.sort()
            p50 = latencies[len(latencies) // 2] if latencies else 0.0
            p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0.0
            results.append(Throughput(c, len(latencies), wall, len(errors), p50, p95))
    finally:
        server.shutdown()
        server.server_close()
    return results


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def report(
    host: str,
    source: str,
    sizes: dict[int, tuple[int, float, list[Timing]]],
    loads: list[Throughput],
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
        f"Synthetic papers over {source} (`bench/bench_queries.py`, seed {SEED}), with as many topics, "
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
    if loads:
        lines += [
            "",
            f"Endpoint throughput: `cxkb serve` on loopback with {smallest:,} papers, each client requesting the "
            "library queries in turn (JSON results) for a fixed time:",
            "",
            "| clients | requests | requests/s | median ms | 95th pct ms | errors |",
            "|--:|--:|--:|--:|--:|--:|",
        ]
        for x in loads:
            rate = x.requests / x.seconds
            lines.append(f"| {x.clients} | {x.requests} | {rate:.0f} | {x.p50_ms:.1f} | {x.p95_ms:.1f} | {x.errors} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15, help="Runs per query at the smallest size.")
    parser.add_argument("--rdflib-cap", type=float, default=15.0, help="Seconds one rdflib run may take.")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=5.0, help="Duration of each throughput run.")
    parser.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    parser.add_argument("--record", action="store_true", help="Write the results into docs/benchmarks.md.")
    args = parser.parse_args()

    host = machine()
    kb, source = taxonomy()
    queries = library(REPO)
    sizes: dict[int, tuple[int, float, list[Timing]]] = {}
    repeat: dict[int, int] = {}
    loads: list[Throughput] = []
    smallest = min(args.sizes)
    for n in sorted(args.sizes):
        print(f"generating {n:,} papers over {source} ...", file=sys.stderr)
        start = time.perf_counter()
        store, data = synthetic_store(kb, n)
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
        if n == smallest and args.clients:
            print(f"  endpoint throughput with {args.clients} clients", file=sys.stderr)
            loads = throughput(store, queries, args.clients, args.seconds, args.workers)
        sizes[n] = (len(store), load_s, timings)
        del store, data
    text = report(host, source, sizes, loads, args.rdflib_cap, repeat)
    print(text)
    if args.record:
        record_section(HEADING, text.removeprefix(HEADING).strip())
        print("written to docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
