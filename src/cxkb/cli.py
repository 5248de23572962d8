"""The ``cxkb`` command: a thin layer over the library.

Exit codes follow the linters' convention: 0 all well, 1 the sources have findings at or
above the failing level, 2 a usage or input error (bad option, missing file, missing Java).
Progress goes to standard error so standard output stays machine-readable.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cxkb import __version__
from cxkb.findings import Level, Report
from cxkb.kg.build import DEFAULT_OUT, BuildError, assemble, build
from cxkb.kg.tables import ALL_TABLES, read_table, write_table
from cxkb.release import Release, ReleaseError, open_release
from cxkb.stats import class_counts, topic_stats

app = typer.Typer(
    name="cxkb",
    help="The open customer-experience knowledge base: build, check and query it.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    tsv = "tsv"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder upwards holding ontology/cxkb.ttl."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "cxkb.ttl").is_file():
            return folder
    raise typer.BadParameter(f"no cxkb sources (ontology/cxkb.ttl) in {here} or its parents; pass --root")


RootOption = Annotated[
    Path | None, typer.Option("--root", help="Repository root (default: found upwards from the current folder).")
]


def _root(root: Path | None) -> Path:
    if root is None:
        return find_root()
    if not (root / "ontology" / "cxkb.ttl").is_file():
        err.print(f"[red]error:[/red] {root} holds no ontology/cxkb.ttl")
        raise typer.Exit(EXIT_USAGE)
    return root.resolve()


def _release(base: Path) -> Release:
    """The current release, or exit 2 with the one message every command gives: build first."""
    try:
        return open_release(base)
    except ReleaseError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None


def _print_report(report: Report, fmt: ReportFormat, min_level: Level) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(report.to_json(min_level) + "\n")
    elif fmt is ReportFormat.tsv:
        sys.stdout.write(report.to_tsv(min_level))
    else:
        style = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "cyan"}
        for f in report.at_least(min_level):
            out.print(f.format(), style=style[f.level], markup=False)


def _summary(report: Report) -> str:
    c = report.counts()
    return f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info"


def _input_error(report: Report) -> bool:
    """Findings that mean the input could not be read at all (exit 2, not 1)."""
    return any(f.rule in ("missing-file", "encoding") for f in report.findings)


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    def show(step: str) -> None:
        if not quiet:
            err.print(f"[dim]…[/dim] {step}")

    return show


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"cxkb {__version__}")
        raise typer.Exit(EXIT_OK)


@app.command("validate")
def validate_cmd(
    root: RootOption = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    level: Annotated[str, typer.Option("--level", help="Show findings at or above: error, warning, info.")] = "warning",
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 on findings at or above: error, warning, info.")
    ] = "error",
    shapes: Annotated[bool, typer.Option("--shacl/--no-shacl", help="Also validate the graph with SHACL.")] = True,
) -> None:
    """Check every table (and the graph built from them) and report all problems at once."""
    try:
        min_level, fail_level = Level.parse(level), Level.parse(fail_on)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    base = _root(root)
    report: Report
    try:
        _kb, report, _g = assemble(base) if shapes else _tables_only(base)
    except BuildError as exc:
        report = exc.report
    _print_report(report, fmt, min_level)
    if fmt is ReportFormat.text:
        err.print(_summary(report))
    if _input_error(report):
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if report.at_least(fail_level) else EXIT_OK)


def _tables_only(base: Path):  # type: ignore[no-untyped-def]
    from cxkb.kg.validate import load_and_validate

    kb, report = load_and_validate(base)
    return kb, report, None


@app.command("build")
def build_cmd(
    root: RootOption = None,
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help=f"Release folder (default: {DEFAULT_OUT}).")
    ] = None,
    reasoning: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Run the HermiT reasoner (needs Java).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages.")] = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="How to print findings.")] = ReportFormat.text,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse HermiT's and pySHACL's results from an earlier build when schema, taxonomy and "
            "shapes are unchanged (kept in build/cache).",
        ),
    ] = True,
) -> None:
    """Build the knowledge graph and write the release files (Turtle, OWL, JSON-LD, N-Triples)."""
    base = _root(root)
    try:
        result = build(base, output, reasoning=reasoning, progress=_progress(quiet), cache=cache)
    except BuildError as exc:
        _print_report(exc.report, fmt, Level.WARNING)
        err.print(f"[red]build failed:[/red] {exc} ({_summary(exc.report)}); nothing was written")
        code = (
            EXIT_USAGE
            if _input_error(exc.report) or any(f.rule == "reasoner" for f in exc.report.findings)
            else EXIT_FINDINGS
        )
        raise typer.Exit(code) from None
    _print_report(result.report, fmt, Level.WARNING)
    counts = result.kb.counts()
    err.print(
        f"[green]built[/green] {result.triples} triples "
        f"({counts['papers']} papers, {counts['concepts']} concepts, {counts['questions']} questions; "
        f"{result.inferred} inferred) -> {result.files[0].parent}"
    )
    err.print(_summary(result.report))
    for path in result.files:
        err.print(f"  {path}")


@app.command("stats")
def stats_cmd(
    root: RootOption = None,
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="Output format.")] = StatsFormat.table,
) -> None:
    """Counts per class and per topic, from the release (run `cxkb build` first)."""
    _print_stats(_release(_root(root)), fmt)


def _print_stats(release: Release, fmt: StatsFormat) -> None:
    counts = class_counts(release)
    topics = topic_stats(release)
    if fmt is StatsFormat.json:
        data = {"classes": counts, "topics": [t.__dict__ for t in topics]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is StatsFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["kind", "id", "domain", "label", "count", "questions", "concepts"])
        for name, n in counts.items():
            w.writerow(["class", name, "", "", n, "", ""])
        for t in topics:
            w.writerow(["topic", t.topic, t.domain, t.label, t.papers, t.questions, t.concepts])
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title="Records")
    table.add_column("class")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    out.print(table)
    per_topic = Table(title="Per topic")
    for col in ("domain", "topic", "papers", "questions", "concepts"):
        per_topic.add_column(col, justify="right" if col in ("papers", "questions", "concepts") else "left")
    for t in topics:
        per_topic.add_row(t.domain, t.label, str(t.papers), str(t.questions), str(t.concepts))
    out.print(per_topic)


@app.command("format")
def format_cmd(
    root: RootOption = None,
    check: Annotated[bool, typer.Option("--check", help="Only report tables that are not in canonical form.")] = False,
) -> None:
    """Rewrite every table in canonical form (column order, rows sorted by id, quoting)."""
    from cxkb.kg.tables import render_table

    base = _root(root)
    changed = []
    for spec in ALL_TABLES:
        path = base / spec.path
        if not path.exists():
            continue
        report = Report()
        rows = read_table(base, spec, report)
        if report.has_errors:
            _print_report(report, ReportFormat.text, Level.ERROR)
            err.print(f"[red]error:[/red] {spec.path} has errors; fix them before formatting")
            raise typer.Exit(EXIT_FINDINGS)
        cells = [r.cells for r in rows]
        if render_table(spec, cells) != path.read_text(encoding="utf-8"):
            changed.append(spec.path)
            if not check:
                write_table(base, spec, cells)
    for name in changed:
        err.print(f"{'would reformat' if check else 'reformatted'} {name}")
    raise typer.Exit(EXIT_FINDINGS if check and changed else EXIT_OK)


class BibFormat(StrEnum):
    bibtex = "bibtex"
    ris = "ris"
    csljson = "csljson"
    csv = "csv"


@app.command("add")
def add_cmd(
    doi: Annotated[str | None, typer.Argument(help="DOI to look up in Crossref.")] = None,
    bibtex: Annotated[Path | None, typer.Option("--bibtex", help="Add the entries of a BibTeX file.")] = None,
    ris: Annotated[Path | None, typer.Option("--ris", help="Add the records of a RIS file.")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", "-t", help="Topic id (1 to 3).")] = None,
    question: Annotated[list[str] | None, typer.Option("--question", "-q", help="Research question id.")] = None,
    concept: Annotated[list[str] | None, typer.Option("--concept", "-c", help="Concept id.")] = None,
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", "-k", help="Keyword (adds to imported ones).")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="One sentence, in your words, on the contribution.")
    ] = None,
    note_nl: Annotated[
        str | None, typer.Option("--note-nl", help="The same sentence in Dutch (required, like --note).")
    ] = None,
    design: Annotated[
        list[str] | None,
        typer.Option("--design", "-d", help="Study design id (ontology/tables/designs.csv), one or more."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title (without Crossref or a file).")] = None,
    author: Annotated[list[str] | None, typer.Option("--author", "-a", help="'Family, Given', in order.")] = None,
    year: Annotated[str | None, typer.Option("--year")] = None,
    venue: Annotated[str | None, typer.Option("--venue")] = None,
    volume: Annotated[str | None, typer.Option("--volume")] = None,
    issue: Annotated[str | None, typer.Option("--issue")] = None,
    pages: Annotated[str | None, typer.Option("--pages")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="article, book, chapter, proceedings or report.")] = None,
    isbn: Annotated[str | None, typer.Option("--isbn")] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not contact Crossref; use the flags only.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check, but do not write the table.")] = False,
    root: RootOption = None,
) -> None:
    """Add papers to literature/papers.csv from a DOI, a BibTeX/RIS export or flags, after the full checks."""
    from cxkb.bibliography import ImportError_, from_bibtex, from_crossref, from_ris
    from cxkb.kg.contribute import NotFoundError, OfflineError, add_papers, fetch_crossref

    base = _root(root)
    if sum(x is not None for x in (doi, bibtex, ris)) > 1:
        raise typer.BadParameter("give one of DOI, --bibtex or --ris")
    candidates: list[dict[str, str]]
    try:
        if bibtex is not None:
            candidates = from_bibtex(_read_input(bibtex), str(bibtex))
        elif ris is not None:
            candidates = from_ris(_read_input(ris), str(ris))
        elif doi is not None and not offline:
            err.print(f"[dim]…[/dim] looking up {doi} in Crossref")
            candidates = [from_crossref(fetch_crossref(doi)) | {"_entry": f"DOI {doi}"}]
        else:
            candidates = [{"doi": doi or "", "_entry": "new paper"}]
    except (ImportError_, NotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except OfflineError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not candidates:
        err.print("[red]error:[/red] the file holds no entries")
        raise typer.Exit(EXIT_USAGE)
    flags = {
        "title": title,
        "year": year,
        "venue": venue,
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "type": kind,
        "isbn": isbn,
        "url": url,
        "note": note,
        "note_nl": note_nl,
    }
    lists = {"authors": author, "topics": topic, "questions": question, "concepts": concept, "designs": design}
    for cand in candidates:
        for key, value in flags.items():
            if value is not None:
                cand[key] = value
        for key, values in lists.items():
            if values:
                cand[key] = "|".join(values)
        if keyword:
            cand["keywords"] = "|".join(dict.fromkeys([*filter(None, cand.get("keywords", "").split("|")), *keyword]))
        cand.setdefault("type", "article")
    result = add_papers(base, candidates, dry_run=dry_run)
    _print_report(result.report, ReportFormat.text, Level.WARNING)
    if result.report.has_errors:
        err.print(f"[red]not added:[/red] {_summary(result.report)}; the table is unchanged")
        raise typer.Exit(EXIT_FINDINGS)
    verb = "would add" if dry_run else "added"
    for pid in result.added:
        err.print(f"{verb} {pid}")


def _read_input(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        err.print(f"[red]error:[/red] {path}: no such file")
    except UnicodeDecodeError as exc:
        err.print(f"[red]error:[/red] {path}: not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        err.print(f"[red]error:[/red] {path}: {exc.strerror}")
    raise typer.Exit(EXIT_USAGE)


@app.command("export")
def export_cmd(
    fmt: Annotated[BibFormat, typer.Option("--format", "-f", help="Reference-manager format.")] = BibFormat.bibtex,
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")] = None,
    root: RootOption = None,
) -> None:
    """Export the literature for reference managers (BibTeX, RIS, CSL-JSON) or as CSV, from the release."""
    from cxkb.bibliography import EXPORTERS

    kb = _release(_root(root)).records
    text = EXPORTERS[fmt.value](kb)
    if output is None:
        sys.stdout.write(text)
    else:
        from cxkb.atomic import atomic_write_text

        atomic_write_text(output, text)
        err.print(f"wrote {len(kb.papers)} entries to {output}")


@app.command("diff")
def diff_cmd(
    base_rev: Annotated[str, typer.Argument(metavar="BASE", help="Git revision to compare with, e.g. origin/main.")],
    root: RootOption = None,
) -> None:
    """Markdown summary of what the working tree adds, removes or reclassifies since BASE."""
    from cxkb.kg.diff import DiffError, load_revision, summarise
    from cxkb.kg.records import load

    base = _root(root)
    try:
        old = load_revision(base, base_rev)
    except DiffError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    new, _ = load(base)
    sys.stdout.write(summarise(old, new, base_rev))


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class VocabExportFormat(StrEnum):
    vale = "vale"
    textlint = "textlint"


@app.command("check")
def check_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check.", show_default=False)] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include", help="Check files in folders matching this glob (repeatable; default: md, txt, html, docx)."
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip files matching this glob (repeatable).")
    ] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    report: Annotated[
        bool, typer.Option("--report", help="Also list concepts used and unused, and unknown terms.")
    ] = False,
    fail_level: Annotated[
        str | None,
        typer.Option("--fail-level", help="Exit 1 on findings at or above: error, warning (default), info."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the documents: nl or en (default: detect).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file (default: nearest .cxkb-check.toml or pyproject.toml)."),
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Replace exact synonyms by the preferred label, in place.")
    ] = False,
    export: Annotated[
        VocabExportFormat | None,
        typer.Option("--export", help="Write the vocabulary as Vale or textlint rules to --out."),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for --export.")] = None,
    max_file_size: Annotated[
        str | None,
        typer.Option(
            "--max-file-size",
            metavar="SIZE",
            help="Refuse files (and .docx text) larger than this, e.g. 10MB (default 10MB).",
        ),
    ] = None,
    max_docx_part_size: Annotated[
        str | None,
        typer.Option(
            "--max-docx-part-size",
            metavar="SIZE",
            help="Refuse a .docx whose parts unpack to more than this (default 50MB).",
        ),
    ] = None,
    max_findings: Annotated[
        int | None,
        typer.Option("--max-findings", min=1, help="List at most this many findings per file (default 1000)."),
    ] = None,
    root: RootOption = None,
) -> None:
    """Check documents (.md, .txt, .html, .docx) against the taxonomy's vocabulary.

    Limits: only regular files are read (named pipes, devices and sockets are refused, also
    behind a symbolic link); a file over --max-file-size, or a .docx whose parts unpack to
    more than --max-docx-part-size, is refused. Each refusal is an input error naming the
    file and the reason; the other files are still checked, and the exit code is 2. A file
    with more findings than --max-findings lists the most serious ones and one
    too-many-findings line for the rest. The same limits can be set in .cxkb-check.toml
    (max-file-size, max-docx-part-size, max-findings).
    """
    from cxkb.checker.config import ConfigError, load_config
    from cxkb.checker.engine import Checker, summarise
    from cxkb.checker.export import EXPORTERS
    from cxkb.checker.fix import fix_files
    from cxkb.checker.formats import format_github, format_json, format_sarif, format_summary, format_text

    try:
        settings = load_config(config)
    except ConfigError as exc:
        err.print(f"error: {exc.format()}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    try:
        level = Level.parse(fail_level) if fail_level is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fail-level") from None
    if lang is not None and lang not in ("nl", "en"):
        raise typer.BadParameter(f"unknown language {lang!r}: use nl or en", param_hint="--lang")
    from cxkb.checker.config import parse_size

    sizes: dict[str, int | None] = {}
    for option, given in (("--max-file-size", max_file_size), ("--max-docx-part-size", max_docx_part_size)):
        try:
            sizes[option] = parse_size(given) if given is not None else None
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint=option) from None
    settings = settings.with_overrides(
        fail_level=level,
        language=lang,
        max_file_size=sizes["--max-file-size"],
        max_docx_part_size=sizes["--max-docx-part-size"],
        max_findings=max_findings,
    )
    if export is not None and out_dir is None:
        raise typer.BadParameter("--export needs --out DIR", param_hint="--out")
    if export is None and not paths:
        raise typer.BadParameter("give at least one file or folder to check", param_hint="PATH")

    base = _root(root if root is not None else settings.root)
    index = _release(base).vocabulary(cues=settings.cues)

    if export is not None:
        assert out_dir is not None
        for path in EXPORTERS[export.value](index, out_dir):
            err.print(f"wrote {path}", markup=False)
        raise typer.Exit(EXIT_OK)

    checker = Checker(index, settings)
    run = checker.check_paths(paths or [], include=include, exclude=exclude or ())
    if fix:
        fixed = fix_files(run.findings, run.files)
        for name, why in fixed.skipped.items():
            err.print(f"{name}: not fixed: {why}", markup=False)
        err.print(f"fixed {fixed.total} synonym(s) in {len(fixed.changed)} file(s)", markup=False)
        if fixed.changed:
            run = checker.check_paths(paths or [], include=include, exclude=exclude or ())
    summary = summarise(run, index) if report else None
    if fmt is CheckFormat.json:
        sys.stdout.write(format_json(run, summary))
    elif fmt is CheckFormat.sarif:
        sys.stdout.write(format_sarif(run, summary))
    else:
        sys.stdout.write(format_github(run) if fmt is CheckFormat.github else format_text(run))
        if summary is not None:
            sys.stdout.write("\n" + format_summary(summary))
    for e in run.errors:
        err.print(f"error: {e.format()}", markup=False)
    counts = run.counts()
    err.print(
        f"{len(run.documents)} file(s) checked: {counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['info']} info; {len(run.errors)} input error(s)",
        markup=False,
    )
    if run.errors:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if run.failing(settings.fail_level) else EXIT_OK)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"
    md = "md"


def _parse_params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            err.print(f"[red]error:[/red] --param {pair!r}: write NAME=VALUE")
            raise typer.Exit(EXIT_USAGE)
        params[name.strip()] = value
    return params


def _query_failure(exc: Exception) -> typer.Exit:
    """Print a query error and pick the exit code: 2 for what the user asked, 1 for evaluation."""
    from cxkb.sparql.library import EvaluationError, QuerySyntaxError

    if isinstance(exc, QuerySyntaxError):
        err.print(f"[red]SPARQL syntax error:[/red] {exc}", markup=True, highlight=False)
        err.print(exc.excerpt(), markup=False)
        return typer.Exit(EXIT_USAGE)
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(EXIT_FINDINGS if isinstance(exc, EvaluationError) else EXIT_USAGE)


def _open_store(base: Path, reasoning: bool, quiet: bool):  # type: ignore[no-untyped-def]
    """The release's graph in a store for the query-like commands."""
    if not reasoning and not quiet:
        err.print(
            "[yellow]note:[/yellow] without reasoning the graph lacks cx:coversDomain and the topics papers cover "
            "through their questions; queries by domain find nothing"
        )
    return _release(base).store(reasoning=reasoning)


def _print_library(base: Path, fmt: QueryFormat) -> None:
    from cxkb.sparql.library import describe, library

    queries = library(base)
    if fmt is QueryFormat.json:
        sys.stdout.write(json.dumps([describe(q) for q in queries], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="Query library")
    for col in ("name", "title", "titel", "parameters"):
        table.add_column(col, overflow="fold")
    from rich.text import Text

    for q in queries:
        params = ", ".join(f"{p.name}{'?' if p.optional else ''} ({p.kind})" for p in q.params)
        table.add_row(Text(q.name), Text(q.title.get("en", "")), Text(q.title.get("nl", "")), Text(params))
    out.print(table)


@app.command("query")
def query_cmd(
    ref: Annotated[
        str | None, typer.Argument(metavar="[NAME|FILE]", help="A library query name or a .rq file.")
    ] = None,
    sparql: Annotated[str | None, typer.Option("--sparql", help="SPARQL text to run instead.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Parameter as NAME=VALUE (repeatable).")
    ] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    list_queries: Annotated[bool, typer.Option("--list", help="List the library's queries and exit.")] = False,
    reasoning: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Include HermiT's inferences (needs Java).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages.")] = False,
    root: RootOption = None,
) -> None:
    """Run a SPARQL query from the library, a file or the command line on the knowledge graph."""
    import pyoxigraph as ox

    from cxkb.sparql.library import NamedQuery, QueryError, find_query, format_result, run
    from cxkb.sparql.results import to_table

    base = _root(root)
    if list_queries:
        _print_library(base, fmt)
        return
    if (ref is None) == (sparql is None):
        err.print("[red]error:[/red] give a query NAME or FILE, or --sparql TEXT (see --list)")
        raise typer.Exit(EXIT_USAGE)
    params = _parse_params(param)
    try:
        query = find_query(base, ref) if ref is not None else NamedQuery("", sparql or "")
        run(ox.Store(), query, params)  # parameters and syntax, checked before the graph is built
    except QueryError as exc:
        raise _query_failure(exc) from None
    store = _open_store(base, reasoning, quiet)
    try:
        result = run(store, query, params)
    except QueryError as exc:
        raise _query_failure(exc) from None
    if fmt is QueryFormat.table:
        out.print(to_table(result, query.title.get("en")))
    else:
        sys.stdout.write(format_result(result, fmt.value))


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a query may run in all; then it is stopped with 503.", min=0.1)
    ] = 10.0,
    slow_after: Annotated[
        float,
        typer.Option(
            "--slow-after",
            help="Seconds after which a running query counts as slow: it leaves the fast lane, and the same "
            "query (literals aside) goes to the slow lane from then on.",
            min=0.05,
        ),
    ] = 1.0,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Most rows (or triples) per answer.", min=1)] = 10_000,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Queries that may run at once in the fast lane.", min=1, max=256)
    ] = 8,
    slow_concurrency: Annotated[
        int, typer.Option("--slow-concurrency", help="Queries that may run at once in the slow lane.", min=1, max=64)
    ] = 1,
    slow_queue: Annotated[
        int,
        typer.Option("--slow-queue", help="Requests that may wait for the slow lane; more get 503.", min=0),
    ] = 16,
    queue_wait: Annotated[
        float,
        typer.Option("--queue-wait", help="Seconds a request may wait for a place in its lane; then 503.", min=0.1),
    ] = 30.0,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body in bytes (413).", min=1)
    ] = 1_000_000,
    max_header_bytes: Annotated[
        int,
        typer.Option("--max-header-bytes", help="Largest request line plus headers in bytes (431).", min=1024),
    ] = 65_536,
    max_params: Annotated[
        int, typer.Option("--max-params", help="Most URL or form parameters per request (400).", min=1)
    ] = 50,
    max_query_chars: Annotated[
        int, typer.Option("--max-query-chars", help="Longest query text in characters (400).", min=100)
    ] = 100_000,
    max_tokens: Annotated[
        int, typer.Option("--max-tokens", help="Most SPARQL tokens per query (400).", min=10, max=20_000)
    ] = 5_000,
    max_depth: Annotated[
        int,
        typer.Option("--max-depth", help="Deepest nesting of { }, ( ) and [ ] in a query (400).", min=2, max=1_000),
    ] = 64,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout", help="Seconds a client has to send a request line and headers (408).", min=0.1
        ),
    ] = 10.0,
    body_timeout: Annotated[
        float, typer.Option("--body-timeout", help="Seconds a client has to send the body (408).", min=0.1)
    ] = 10.0,
    idle_timeout: Annotated[
        float, typer.Option("--idle-timeout", help="Seconds a kept-alive connection may stay idle.", min=1)
    ] = 5.0,
    max_connections: Annotated[
        int, typer.Option("--max-connections", help="Open connections at most; more get 503.", min=1)
    ] = 1_000,
    engine_memory: Annotated[
        int,
        typer.Option(
            "--engine-memory",
            help="MiB an engine process may hold: past it, it takes no new queries; past twice it, it is killed (503).",
            min=32,
        ),
    ] = 150,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-service",
            help="An endpoint IRI that SERVICE may call (repeatable). By default SERVICE is refused with 400.",
        ),
    ] = None,
    reasoning: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Include HermiT's inferences (needs Java).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or request log.")] = False,
    root: RootOption = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a page that runs the query library.

    Queries run on the Oxigraph server (read-only, on loopback ports); in front of it an
    ASGI app under uvicorn holds the limits below. Ctrl-C or SIGTERM stops both.
    """
    import shutil
    import tempfile

    from cxkb.sparql import policy
    from cxkb.sparql.front import Front, Settings, serve
    from cxkb.sparql.library import LibraryError, library
    from cxkb.sparql.oxigraph_server import EngineError, prepare_store

    base = _root(root)
    try:
        queries = library(base)
    except LibraryError as exc:
        raise _query_failure(exc) from None
    settings = Settings(
        timeout=timeout,
        slow_after=min(slow_after, timeout),
        max_rows=max_rows,
        fast_concurrency=concurrency,
        slow_concurrency=slow_concurrency,
        slow_queue=slow_queue,
        queue_wait=queue_wait,
        max_body=max_body,
        max_header_bytes=max_header_bytes,
        max_params=max_params,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        idle_timeout=idle_timeout,
        max_connections=max_connections,
        engine_memory=engine_memory,
        query=policy.Limits(max_chars=max_query_chars, max_tokens=max_tokens, max_depth=max_depth),
        allowed_services=frozenset(allow_service or ()),
    )
    folder = Path(tempfile.mkdtemp(prefix="cxkb-endpoint-"))
    try:
        if not reasoning and not quiet:
            err.print("[yellow]note:[/yellow] without reasoning the graph lacks cx:coversDomain; see cxkb query --help")
        try:
            prepare_store(base, folder / "store", reasoning=reasoning, progress=_progress(quiet))
        except ReleaseError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        except EngineError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EXIT_USAGE) from None

        def ready(app: Front, bound: int) -> None:
            url = f"http://{host}:{bound}/"
            err.print(f"[green]serving[/green] {url} (SPARQL at {url}sparql); Ctrl-C stops", highlight=False)

        serve(settings, folder / "store", queries, host=host, port=port, access_log=not quiet, on_ready=ready)
        err.print("stopped")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class PublishFormat(StrEnum):
    turtle = "turtle"
    ntriples = "ntriples"


@app.command("publish")
def publish_cmd(
    graph_store: Annotated[
        str, typer.Option("--graph-store", help="Graph Store Protocol URL, e.g. http://host:3030/cxkb/data.")
    ],
    graph: Annotated[
        str | None, typer.Option("--graph", help="Named graph IRI to replace (default: the default graph).")
    ] = None,
    fmt: Annotated[PublishFormat, typer.Option("--format", "-f", help="What to send.")] = PublishFormat.turtle,
    user: Annotated[
        str | None,
        typer.Option("--user", help="User for HTTP basic auth; the password is read from CXKB_GRAPH_STORE_PASSWORD."),
    ] = None,
    reasoning: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Include HermiT's inferences (needs Java).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages.")] = False,
    root: RootOption = None,
) -> None:
    """Replace a graph in a triple store with the knowledge graph (SPARQL 1.1 Graph Store HTTP Protocol, PUT)."""
    import os

    from cxkb.sparql.publish import PublishError, publish, target_url

    try:
        target_url(graph_store, graph)
    except PublishError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    store = _open_store(_root(root), reasoning, quiet)
    try:
        password = os.environ.get("CXKB_GRAPH_STORE_PASSWORD")
        done = publish(store, graph_store, graph=graph, fmt=fmt.value, user=user, password=password)
    except PublishError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_FINDINGS) from None
    err.print(f"[green]published[/green] {done.triples} triples ({done.size} bytes) to {done.url} ({done.status})")


@app.command("book")
def book_cmd(
    clean: Annotated[
        bool, typer.Option("--clean", help="Start from scratch: no previous output, notebook cache or pages.")
    ] = False,
    serve: Annotated[bool, typer.Option("--serve", help="Serve the built site on 127.0.0.1 afterwards.")] = False,
    port: Annotated[int, typer.Option("--port", help="TCP port for --serve.", min=0, max=65535)] = 8000,
    strict: Annotated[
        bool, typer.Option("--strict/--no-strict", help="Fail on any Sphinx warning (broken link, bad citation).")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages.")] = False,
    root: RootOption = None,
) -> None:
    """Build the Jupyter Book (pages, maps, notebooks) into book/_build/html; optionally serve it."""
    from cxkb.book.build import build_book, make_server
    from cxkb.book.layout import BookError

    base = _root(root)

    def log(line: str) -> None:  # Jupyter Book's own output, shown as it comes (never as Rich markup)
        if not quiet:
            err.print(line, markup=False, highlight=False)

    try:
        index = build_book(base, clean=clean, strict=strict, log=log)
    except BuildError as exc:
        _print_report(exc.report, ReportFormat.text, Level.WARNING)
        err.print(f"[red]book not built:[/red] the knowledge graph failed: {exc}")
        raise typer.Exit(EXIT_FINDINGS) from None
    except BookError as exc:
        err.print("[red]book not built:[/red] jupyter-book reported errors (the end of its output follows)")
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(EXIT_FINDINGS) from None
    except (ImportError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc} (is jupyter-book installed?)")
        raise typer.Exit(EXIT_USAGE) from None
    err.print(f"[green]built[/green] {index}")
    if not serve:
        return
    try:
        server = make_server(index.parent, port=port, quiet=quiet)
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None
    host, bound = server.server_address[:2]
    err.print(f"[green]serving[/green] http://{host}:{bound}/ ; Ctrl-C stops")
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("stopped")


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
