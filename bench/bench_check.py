"""Throughput of ``cxkb check`` matching against ``grep -Fiwo -f labels.txt``, on the same text.

The corpus is the five Dutch seed articles repeated, interleaved with generated CX prose
in Dutch and English (fixed seed): sentences of everyday words with taxonomy labels in
all their forms (preferred, synonyms, misspellings, plurals, Dutch inflections, closed and
hyphenated compounds) at a density close to the seeds'. grep gets the same label list
the checker uses (every label of every concept in both languages); it matches spellings
only, while the checker also lemmatises, so this compares a strictly larger job against
grep's plain one.

Usage::

    python bench/bench_check.py                       # ~50 MB corpus, 3 rounds, print a table
    python bench/bench_check.py --mb 10 --rounds 1    # quicker
    python bench/bench_check.py --write-docs          # also update docs/benchmarks.md

Measured, each round, on the same files:

- ``grep``: ``grep -Fiwo -f labels.txt FILES`` (output to a file, so grep cannot stop early);
- ``match``: the matcher alone (read, lowercase, prefilter, lemmatise candidates, trie walk);
- ``match (no prefilter)``: the same, tokenising and looking up every word;
- ``check``: the whole library check (masking, language detection, classification,
  unknown terms with fuzzy suggestions, findings), what ``cxkb check`` does before printing;
- ``cxkb check CLI``: the command end to end in a fresh process, JSON output to a file.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import add_json_option, machine, record_section, write_figures

from cxkb.checker.config import CheckConfig
from cxkb.checker.engine import Checker
from cxkb.checker.inflect import forms
from cxkb.checker.vocab import Kind, VocabIndex
from cxkb.release import ReleaseError, open_release

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("CXKB_SEEDS", REPO.parent / "shared" / "seeds"))
DOCS = REPO / "docs" / "benchmarks.md"
HEADING = "## Vocabulary checker: throughput"
SEED = 20240628
FILE_MB = 1.0


def _words(text: str) -> list[str]:
    return text.split()


NL_WORDS = _words(
    "de het een en van in op met voor naar dat die door ook maar als bij nog wel niet meer veel heel "
    "organisatie organisaties team medewerkers proces processen aandacht vraag inzicht markt product "
    "bedrijf sector gemeente overheid data kanaal kanalen ontwerp aanpak resultaat resultaten strategie "
    "onderzoek praktijk wetenschap model methode kwaliteit waarde groei kosten tijd moment momenten "
    "verbeteren meten begrijpen ontwikkelen leveren bieden zien maken helpen werken leren sturen "
    "belangrijk nieuw goed sterk digitaal fysiek sociaal persoonlijk duidelijk snel samen vaak steeds"
)
EN_WORDS = _words(
    "the a an and of to in for with on by that this is are was be as at from it not but also more "
    "organisation company team staff process processes attention question insight market product "
    "business sector government data channel channels design approach result results strategy research "
    "practice science model method quality value growth costs time moment moments improve measure "
    "understand develop deliver offer see make help work learn steer important new good strong digital "
    "physical social personal clear fast together often always"
)


def label_forms(index: VocabIndex, lang: str) -> list[str]:
    """Labels as they occur in running text: all kinds, the last word also in its regular inflections."""
    out = []
    for e in index.entries:
        if e.kind is Kind.AMBIGUOUS:
            continue
        label = e.label
        out.append(label)
        parts = label.split(" ")
        last = parts[-1]
        if last.isalpha() and last.islower():
            for form in sorted(forms(last, e.lang))[:3]:
                out.append(" ".join([*parts[:-1], form]))
    return sorted(set(out))


def generated_paragraph(rng: random.Random, lang: str, labels: list[str], words: list[str]) -> str:
    """A paragraph of plausible prose: one label in about every fifteen words."""
    sentences = []
    for _ in range(rng.randint(3, 7)):
        n = rng.randint(10, 22)
        tokens = [rng.choice(words) for _ in range(n)]
        for _ in range(max(1, n // 15)):
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(labels))
        sentence = " ".join(tokens)
        sentences.append(sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "?", "!"]))
    return " ".join(sentences)


def build_corpus(index: VocabIndex, target: Path, megabytes: float) -> list[Path]:
    """Files of about 1 MB: seeds and generated Dutch or English prose, alternating."""
    rng = random.Random(SEED)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocab = {lang: label_forms(index, lang) for lang in ("nl", "en")}
    vocabulary = {"nl": NL_WORDS, "en": EN_WORDS}
    target.mkdir(parents=True, exist_ok=True)
    files = []
    total = 0
    n = 0
    while total < megabytes * 1_000_000:
        lang = "en" if n % 4 == 3 else "nl"
        parts: list[str] = []
        size = 0
        while size < FILE_MB * 1_000_000:
            if lang == "nl" and rng.random() < 0.5:
                chunk = rng.choice(seeds)
            else:
                chunk = generated_paragraph(rng, lang, vocab[lang], vocabulary[lang]) + "\n\n"
            parts.append(chunk)
            size += len(chunk.encode("utf-8"))
        path = target / f"doc{n:04d}.txt"
        path.write_text("".join(parts), encoding="utf-8")
        files.append(path)
        total += size
        n += 1
    return files


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median CPU time and median wall time of ``rounds`` runs.

    CPU time is what the table reports: on a shared machine it does not depend on what
    else is running; wall time is printed alongside.
    """
    cpu, wall = [], []
    for _ in range(rounds):
        c, w = _cpu(), time.perf_counter()
        fn()
        cpu.append(_cpu() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def grep_version() -> str:
    return subprocess.run(["grep", "--version"], capture_output=True, text=True).stdout.splitlines()[0]


Row = tuple[str, float, float, str]


def run(megabytes: float, rounds: int, workdir: Path) -> tuple[list[Row], float, dict[str, str]]:
    try:
        index = open_release(REPO).vocabulary()
    except ReleaseError as exc:
        sys.exit(f"bench_check: {exc}")
    files = build_corpus(index, workdir / "corpus", megabytes)
    size = sum(p.stat().st_size for p in files)
    labels = workdir / "labels.txt"
    labels.write_text("\n".join(sorted({e.label for e in index.entries})) + "\n", encoding="utf-8")

    grep_out = workdir / "grep.out"

    def grep(locale: str | None = None) -> Callable[[], None]:
        env = dict(os.environ, LC_ALL=locale) if locale else None

        def go() -> None:
            with grep_out.open("wb") as out:
                cmd = ["grep", "-Fiwo", "-f", str(labels), *map(str, files)]
                subprocess.run(cmd, stdout=out, check=False, env=env)

        return go

    def match(prefilter: bool, engine: str | None) -> Callable[[], None]:
        def go() -> None:
            matchers = {lang: index.matcher(lang) for lang in ("nl", "en")}
            count = 0
            for i, p in enumerate(files):
                text = p.read_text(encoding="utf-8")
                matcher = matchers["en" if i % 4 == 3 else "nl"]
                count += len(matcher.scan(text, prefilter=prefilter, engine=engine).matches)
            results["matches"] = count

        return go

    def check() -> None:
        checker = Checker(index, CheckConfig())
        found = checker.check_paths(files)
        results["findings"] = len(found.findings)

    def cli() -> None:
        with (workdir / "check.json").open("wb") as out:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cxkb.cli",
                    "check",
                    "--root",
                    str(REPO),
                    "--format",
                    "json",
                    str(workdir / "corpus"),
                ],
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=False,
            )

    results: dict[str, int] = {}
    rows: list[Row] = []
    engines = index.prefilter.engines
    runs: list[tuple[str, Callable[[], None], str]] = [
        ("grep -Fiwo -f labels.txt", grep(), "spellings only, UTF-8 locale"),
        ("grep, LC_ALL=C", grep("C"), "bytes: no case folding beyond ASCII"),
    ]
    for engine in engines:
        runs.append((f"cxkb matcher ({engine})", match(True, engine), "prefilter + lemmas"))
    runs += [
        ("cxkb matcher, no prefilter", match(False, None), "every word looked up"),
        ("cxkb check (library)", check, "masking, classification, unknown terms"),
        ("cxkb check (CLI, JSON)", cli, "new process, output written"),
    ]
    for name, fn, note in runs:
        cpu, wall = timed(fn, rounds)
        rows.append((name, cpu, wall, note))
    grep()()
    grep_hits = sum(1 for _ in grep_out.open("rb"))
    info = {"machine": machine(), "grep": grep_version()}
    distinct = len({e.label for e in index.entries})
    info["corpus"] = (
        f"{size / 1e6:.1f} MB in {len(files)} files; {len(index.entries)} labels of "
        f"{len(index.concepts)} concepts ({distinct} distinct spellings in labels.txt)"
    )
    info["counts"] = (
        f"grep printed {grep_hits:,} matches; the matcher found {results.get('matches', 0):,} label "
        f"matches; the check reported {results.get('findings', 0):,} findings"
    )
    return rows, size, info


NOTES = """\
What the rows mean. grep matches spellings only; the matcher also checks word boundaries,
treats spaced, hyphenated and closed spellings alike, enforces capitals for abbreviations
and lemmatises the candidate words, so it finds inflected forms and compounds that grep
misses (compare the counts above). "automaton" is the prefilter with pyahocorasick
installed; without it the compiled regular expression gives the same matches ("regex").
The library check adds masking, classification, the consistency pass, unknown-term
detection with fuzzy suggestions and one finding per match; the CLI row adds starting a
process (about 1.5 s, mostly loading the lemmatiser's dictionaries) and writing every
finding as JSON. Most of the cost is per candidate word and per finding, so prose with
fewer CX terms is checked faster: plain Dutch text without CX terms goes through the whole
library check at about 11 MB/s on the same machine.
"""


def table(rows: list[Row], size: float) -> str:
    grep_speed = size / rows[0][1] / 1e6
    lines = [
        "| run | CPU s | MB/s (CPU) | vs grep | wall s | what it does |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, cpu, wall, note in rows:
        speed = size / cpu / 1e6
        lines.append(f"| {name} | {cpu:.2f} | {speed:.1f} | {speed / grep_speed:.2f}× | {wall:.2f} | {note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per measurement; the median is kept")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    parser.add_argument("--write-docs", action="store_true", help=f"update '{HEADING[3:]}' in docs/benchmarks.md")
    parser.add_argument("--record", action="store_true", help="the same as --write-docs")
    add_json_option(parser)
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="cxkb-bench-"))
    try:
        rows, size, info = run(args.mb, args.rounds, workdir)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    result = table(rows, size)
    print(result)
    for key, value in info.items():
        print(f"{key}: {value}")
    speeds = {name: size / cpu / 1e6 for name, cpu, _, _ in rows}
    write_figures(args.json, {"mb_per_s": speeds})
    if args.write_docs or args.record:
        machine_lines = "\n".join(f"- {k}: {info[k]}" for k in ("machine", "grep", "corpus", "counts"))
        body = (
            f"Measured with `python bench/bench_check.py --mb {args.mb:g} --rounds {args.rounds}`: median CPU "
            "time (user + system) of the rounds, all runs on one core, one after the other, on the same "
            "files; MB/s is corpus size over CPU time.\n\n"
            f"{result}\n\nMachine and corpus:\n\n{machine_lines}\n\n{NOTES}"
        )
        record_section(HEADING, body, DOCS)
        print(f"updated {DOCS}")


if __name__ == "__main__":
    main()
