"""``cxkb validate``, ``build``, ``stats``, ``format``, ``add``, ``export`` and ``diff``: the tables and
the release."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cxkb.cli import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    ReportFormat,
    RootOption,
    StatsFormat,
    _input_error,
    _print_report,
    _progress,
    _release,
    _root,
    _summary,
    app,
    err,
    keep_cycle_collector_off,
    out,
)
from cxkb.findings import Level, Report
from cxkb.release import RELEASE_DIR as DEFAULT_OUT  # the build's default; cxkb.kg.build loads rdflib
from cxkb.release import Release

# Table handling, statistics and rich tables are imported by the commands that use them:
# every command module is loaded to register its commands, and `cxkb check` needs none of them.


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
    from cxkb.kg.build import BuildError, assemble

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
    from cxkb.kg.build import BuildError, build

    base = _root(root)
    keep_cycle_collector_off()
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
    from rich.table import Table

    from cxkb.stats import class_counts, topic_stats

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
    from cxkb.kg.tables import ALL_TABLES, read_table, render_table, write_table

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
