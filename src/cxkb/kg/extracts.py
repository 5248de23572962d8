"""What the build hands on besides the graph: the records, the derived facts and the manifest.

The products (store, endpoint, book, maps, checker) read the release and never the tables,
so everything they need that is not convenient to get from the graph is written here, by
the build, once: the validated records, what each paper covers (the property chains'
results, taken from the same reasoning that writes the graph), the counts per topic,
domain, question and concept, and the evidence gaps.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import TextIO

from cxkb import release
from cxkb.kg import triples
from cxkb.model import RECORD_TABLES, KnowledgeBase, encode_table
from cxkb.namespaces import BASE

Pairs = list[tuple[str, str]]
Infer = Callable[[str, Pairs], Pairs]

# A research question is an evidence gap (CONTRIBUTING.md, docs/decisions.md) when the
# literature table gives it any of these four answers:
#   thin             fewer than EVIDENCE_THRESHOLD papers;
#   no-recent        no paper published since the review that posed it (REVIEW_YEAR on);
#   no-empirical     no empirical study: every paper on it is conceptual or a review
#                    (a question without papers has no empirical study either);
#   no-causal-or-behavioural  neither an experiment nor field data: nothing that tests a
#                    cause or observes what customers actually do.
EVIDENCE_THRESHOLD = 2
# Silva et al. (2021) posed the 28 questions in July 2021: evidence "since the review"
# starts with the papers of 2021, and the gap map's newest period starts there too.
REVIEW_YEAR = 2021
# Designs that collect or analyse no new data of their own.
NON_EMPIRICAL = frozenset({"conceptual", "review"})
CAUSAL_OR_BEHAVIOURAL = frozenset({"experiment", "field-data"})
GAP_REASONS = ("thin", "no-recent", "no-empirical", "no-causal-or-behavioural")
# The gap map's columns, from argument to observation (designs not named here follow, in table order).
DESIGN_ORDER = ("conceptual", "review", "qualitative", "case", "survey", "experiment", "field-data", "physiological")
# (id, first year, last year, English, Dutch); the newest period begins with the review.
PERIODS = (
    ("before-2011", None, 2010, "before 2011", "vóór 2011"),
    ("2011-2015", 2011, 2015, "2011–2015", "2011–2015"),
    ("2016-2020", 2016, REVIEW_YEAR - 1, f"2016–{REVIEW_YEAR - 1}", f"2016–{REVIEW_YEAR - 1}"),
    ("since-review", REVIEW_YEAR, None, f"{REVIEW_YEAR} and later", f"{REVIEW_YEAR} en later"),
)
TOOLS = ("cxkb", "rdflib", "pyoxigraph", "owlready2", "pyshacl")


def _ident(term: str, kind: str) -> str:
    prefix = f"<{BASE}{kind}/"
    return term[len(prefix) : -1] if term.startswith(prefix) else ""


def derived_facts(kb: KnowledgeBase, infer: Infer, *, pairs_only: bool = False) -> dict[str, object]:
    """What each paper covers, with the counts and gaps that follow.

    ``infer`` is the build's own reasoning step (the chain rule, or HermiT's answers), so
    the topics and domains here are exactly the ``cx:coversTopic`` and ``cx:coversDomain``
    triples of the graph. With ``pairs_only`` (``infer`` answers from the pairs alone, not
    from the subject, as the chain rule does), papers with the same topics and questions
    share one answer: thousands of papers have only a few hundred combinations.
    """
    covers_topic, covers_domain = triples.T.covers_topic, triples.T.covers_domain
    paper_topics: dict[str, list[str]] = {}
    paper_domains: dict[str, list[str]] = {}
    known: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[str], list[str]]] = {}
    for p in kb.papers.values():
        found = known.get((p.topics, p.questions)) if pairs_only else None
        if found is None:
            # The chains start only from a paper's topics and questions, so those pairs are
            # all the reasoning step needs to give the same answer as for the paper's whole block.
            pairs = [(covers_topic, triples.nt_ref("topic", t)) for t in p.topics]
            pairs += [(triples.T.addresses, triples.nt_ref("question", q)) for q in p.questions]
            everything = pairs + infer(triples.nt_ref("paper", p.id), pairs)
            found = (
                sorted({_ident(o, "topic") for pr, o in everything if pr == covers_topic}),
                sorted({_ident(o, "domain") for pr, o in everything if pr == covers_domain}),
            )
            if pairs_only:
                known[(p.topics, p.questions)] = found
        paper_topics[p.id], paper_domains[p.id] = found
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
    gap_map = gap_map_facts(kb)
    reasons = gap_map["reasons"]
    return {
        "paper_topics": paper_topics,
        "paper_domains": paper_domains,
        "counts": counts,
        "evidence_threshold": EVIDENCE_THRESHOLD,
        "evidence_gaps": [q for q in kb.questions if reasons.get(q)],
        "gap_map": gap_map,
    }


def period_of(year: int) -> str:
    """The id of the gap map's period a publication year falls in."""
    for ident, first, last, _en, _nl in PERIODS:
        if (first is None or year >= first) and (last is None or year <= last):
            return ident
    raise ValueError(f"no period for {year}")


def gap_map_facts(kb: KnowledgeBase) -> dict[str, object]:
    """The evidence-gap map: per question the papers by study design and by period, and the gaps.

    The book draws the map and states the gaps from these facts alone, so the landing page,
    the gap map and the question pages cannot count gaps in different ways. Paper lists are
    newest first, then by id (the book's order).
    """
    order = [d for d in DESIGN_ORDER if d in kb.designs] + [d for d in kb.designs if d not in DESIGN_ORDER]
    by_design: dict[str, dict[str, list[str]]] = {q: {} for q in kb.questions}
    by_period: dict[str, dict[str, list[str]]] = {q: {} for q in kb.questions}
    for p in sorted(kb.papers.values(), key=lambda p: (-p.year, p.id)):
        for q in dict.fromkeys(p.questions):
            if q not in by_design:
                continue
            for d in dict.fromkeys(p.designs):
                by_design[q].setdefault(d, []).append(p.id)
            by_period[q].setdefault(period_of(p.year), []).append(p.id)

    def designs_of(q: str) -> set[str]:
        return set(by_design[q])

    answers = {
        "thin": [q for q in kb.questions if len({x for xs in by_period[q].values() for x in xs}) < EVIDENCE_THRESHOLD],
        "no-recent": [q for q in kb.questions if not by_period[q].get("since-review")],
        "no-empirical": [q for q in kb.questions if not designs_of(q) - NON_EMPIRICAL],
        "no-causal-or-behavioural": [q for q in kb.questions if not designs_of(q) & CAUSAL_OR_BEHAVIOURAL],
    }
    reasons = {q: [r for r in GAP_REASONS if q in answers[r]] for q in kb.questions}
    return {
        "review_year": REVIEW_YEAR,
        "designs": order,
        "non_empirical": sorted(NON_EMPIRICAL),
        "causal_or_behavioural": sorted(CAUSAL_OR_BEHAVIOURAL),
        "periods": [
            {"id": i, "from": first, "to": last, "label_en": en, "label_nl": nl_} for i, first, last, en, nl_ in PERIODS
        ],
        "by_design": {q: {d: v[d] for d in order if d in v} for q, v in by_design.items()},
        "by_period": {q: {i: v[i] for i, *_ in PERIODS if i in v} for q, v in by_period.items()},
        "answers": answers,
        "reasons": {q: r for q, r in reasons.items() if r},
    }


def dumps(data: object) -> bytes:
    """Stable JSON: sorted keys, one item a line, so two builds are byte-identical."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


_COMPACT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _compact(value: object) -> str:
    # One encoder for every line: ``json.dumps`` with options builds a new one per call,
    # which at ten thousand papers cost more than the encoding itself.
    return _COMPACT.encode(value)


# The C function the encoder above applies to each string: called directly for the keys of
# the derived facts (paper ids), it spares the encoder's set-up on tens of thousands of calls.
_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _entries(mapping: dict[str, object]) -> Iterator[str]:
    """The ``"key": value`` lines of one of the derived facts, sorted by key.

    Thousands of papers share a few hundred lists of topics or domains: each distinct list
    of strings is encoded once (only strings: 1, 1.0 and True are equal keys, not equal JSON).
    """
    encoded: dict[tuple[str, ...], str] = {}
    for key, value in sorted(mapping.items()):
        name = _string(key) if type(key) is str else _compact(key)
        if type(value) is not list or not all(type(item) is str for item in value):
            yield f"{name}: {_compact(value)}"
            continue
        items = tuple(value)
        text = encoded.get(items)
        if text is None:
            text = encoded[items] = _compact(value)
        yield f"{name}: {text}"


def write_records(staging: Path, kb: KnowledgeBase, infer: Infer, *, pairs_only: bool = False) -> None:
    """The records and derived facts as one JSON document with one record (or one paper's
    derived facts) a line: byte-stable, readable as a diff, and written by the C encoder
    (an indented dump goes through Python's slower one, seconds at ten thousand papers).
    ``pairs_only`` as for ``derived_facts``."""
    derived = derived_facts(kb, infer, pairs_only=pairs_only)
    with (staging / release.RECORDS_FILE).open("w", encoding="utf-8", newline="\n") as fh:
        fh.write('{\n"derived": {\n')
        keys = sorted(derived)
        for i, key in enumerate(keys):
            value = derived[key]
            fh.write(f"{_compact(key)}: ")
            if isinstance(value, dict) and value:
                _write_lines(fh, "{", _entries(value), "}")
            else:
                fh.write(_compact(value))
            fh.write(",\n" if i < len(keys) - 1 else "\n")
        fh.write('},\n"records": {\n')
        tables = sorted(RECORD_TABLES)
        for i, table in enumerate(tables):
            fh.write(f"{_compact(table)}: ")
            _write_lines(fh, "[", map(_compact, encode_table(kb, table)), "]")
            fh.write(",\n" if i < len(tables) - 1 else "\n")
        fh.write("}\n}\n")


def _write_lines(fh: TextIO, opening: str, lines: Iterable[str], closing: str) -> None:
    """``opening``, the lines one a line with a comma after all but the last, and ``closing``
    (both on one line, ``[]``, when there are none). Written a thousand lines at a time: joining a
    table of 100,000 papers whole held its text twice, beside the records, at the build's peak."""
    remaining = iter(lines)
    batches = iter(lambda: list(itertools.islice(remaining, 1000)), [])
    first = next(batches, None)
    if first is None:
        fh.write(opening + closing)
        return
    fh.write(opening + "\n" + ",\n".join(first))
    for batch in batches:
        fh.write(",\n" + ",\n".join(batch))
    fh.write("\n" + closing)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def file_hashes(staging: Path) -> dict[str, str]:
    """The SHA-256 of every file in ``staging`` but the manifest, by name.

    Apart from ``write_manifest`` so that the build can hash the finished files while
    HermiT still runs on the other core.
    """
    files = [p for p in staging.iterdir() if p.is_file() and p.name != release.MANIFEST_FILE]
    # hashlib lets go of the interpreter lock while it hashes, so two threads hash two
    # files at once: the largest first, each thread taking the next file when done.
    files.sort(key=lambda p: p.stat().st_size, reverse=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        digests = dict(zip(files, pool.map(_file_hash, files), strict=True))
    return {p.name: digests[p] for p in sorted(files)}


def _file_hash(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_manifest(
    staging: Path,
    root: Path,
    kb: KnowledgeBase,
    *,
    triples_count: int,
    inferred: int,
    reasoning: bool,
    files: dict[str, str] | None = None,
) -> None:
    """The release's contract: which sources it was built from (with hashes), by which
    tools, what it contains, and the hash of every file, so a reader can tell whether it
    is current and whole. ``files`` are the hashes from ``file_hashes`` when they were
    taken already."""
    if files is None:
        files = file_hashes(staging)
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
