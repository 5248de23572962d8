"""What the build hands on besides the graph: the records, the derived facts and the manifest.

The products (store, endpoint, book, maps, checker) read the release and never the tables,
so everything they need that is not convenient to get from the graph is written here, by
the build, once: the validated records, what each paper covers (the property chains'
results, taken from the same reasoning that writes the graph), the counts per topic,
domain, question and concept, and the evidence gaps.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from cxkb import release
from cxkb.kg import triples
from cxkb.model import KnowledgeBase, encode_records
from cxkb.namespaces import BASE

Pairs = list[tuple[str, str]]
Infer = Callable[[str, Pairs], Pairs]

# Fewer papers than this on a research question makes it an evidence gap (CONTRIBUTING.md).
EVIDENCE_THRESHOLD = 2
TOOLS = ("cxkb", "rdflib", "pyoxigraph", "owlready2", "pyshacl")


def _ident(term: str, kind: str) -> str:
    prefix = f"<{BASE}{kind}/"
    return term[len(prefix) : -1] if term.startswith(prefix) else ""


def derived_facts(kb: KnowledgeBase, infer: Infer) -> dict[str, object]:
    """What each paper covers, with the counts and gaps that follow.

    ``infer`` is the build's own reasoning step (the chain rule, or HermiT's answers), so
    the topics and domains here are exactly the ``cx:coversTopic`` and ``cx:coversDomain``
    triples of the graph.
    """
    covers_topic, covers_domain = triples.T.covers_topic, triples.T.covers_domain
    paper_topics: dict[str, list[str]] = {}
    paper_domains: dict[str, list[str]] = {}
    for p in kb.papers.values():
        # The chains start only from a paper's topics and questions, so those pairs are all
        # the reasoning step needs to give the same answer as for the paper's whole block.
        pairs = [(covers_topic, triples.nt_ref("topic", t)) for t in p.topics]
        pairs += [(triples.T.addresses, triples.nt_ref("question", q)) for q in p.questions]
        everything = pairs + infer(triples.nt_ref("paper", p.id), pairs)
        paper_topics[p.id] = sorted({_ident(o, "topic") for pr, o in everything if pr == covers_topic})
        paper_domains[p.id] = sorted({_ident(o, "domain") for pr, o in everything if pr == covers_domain})
    per_topic = Counter(t for ts in paper_topics.values() for t in ts)
    per_domain = Counter(d for ds in paper_domains.values() for d in ds)
    per_question = Counter(q for p in kb.papers.values() for q in set(p.questions))
    per_concept = Counter(c for p in kb.papers.values() for c in set(p.concepts))
    counts = {
        "topic": {t: per_topic[t] for t in kb.topics},
        "domain": {d: per_domain[d] for d in kb.domains},
        "question": {q: per_question[q] for q in kb.questions},
        "concept": {c: per_concept[c] for c in kb.concepts},
    }
    gaps = [q for q in kb.questions if per_question[q] < EVIDENCE_THRESHOLD]
    return {
        "paper_topics": paper_topics,
        "paper_domains": paper_domains,
        "counts": counts,
        "evidence_threshold": EVIDENCE_THRESHOLD,
        "evidence_gaps": gaps,
    }


def dumps(data: object) -> bytes:
    """Stable JSON: sorted keys, one item a line, so two builds are byte-identical."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_records(staging: Path, kb: KnowledgeBase, infer: Infer) -> None:
    """The records and derived facts as one JSON document with one record (or one paper's
    derived facts) a line: byte-stable, readable as a diff, and written by the C encoder
    (an indented dump goes through Python's slower one, seconds at ten thousand papers)."""
    records = encode_records(kb)
    derived = derived_facts(kb, infer)
    with (staging / release.RECORDS_FILE).open("w", encoding="utf-8", newline="\n") as fh:
        fh.write('{\n"derived": {\n')
        keys = sorted(derived)
        for i, key in enumerate(keys):
            value = derived[key]
            fh.write(f"{_compact(key)}: ")
            if isinstance(value, dict) and value:
                items = sorted(value.items())
                fh.write("{\n" + ",\n".join(f"{_compact(k)}: {_compact(v)}" for k, v in items) + "\n}")
            else:
                fh.write(_compact(value))
            fh.write(",\n" if i < len(keys) - 1 else "\n")
        fh.write('},\n"records": {\n')
        tables = sorted(records)
        for i, table in enumerate(tables):
            rows = records[table]
            body = ",\n".join(_compact(r) for r in rows)  # type: ignore[union-attr]
            fh.write(f"{_compact(table)}: [\n{body}\n]" if body else f"{_compact(table)}: []")
            fh.write(",\n" if i < len(tables) - 1 else "\n")
        fh.write("}\n}\n")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def write_manifest(
    staging: Path, root: Path, kb: KnowledgeBase, *, triples_count: int, inferred: int, reasoning: bool
) -> None:
    """The release's contract: which sources it was built from (with hashes), by which
    tools, what it contains, and the hash of every file, so a reader can tell whether it
    is current and whole."""
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(staging.iterdir())
        if p.is_file() and p.name != release.MANIFEST_FILE
    }
    manifest = {
        "format": release.MANIFEST_FORMAT,
        "version": release.schema_version(root),
        "sources": release.source_hashes(root),
        "tools": {name: _version(name) for name in TOOLS},
        "counts": {
            **{k.replace(" ", "_"): v for k, v in kb.counts().items()},
            "triples": triples_count,
            "inferred": inferred,
        },
        "files": files,
        "reasoned": reasoning,
    }
    (staging / release.MANIFEST_FILE).write_bytes(dumps(manifest))
