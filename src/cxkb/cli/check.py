"""``cxkb check``: the vocabulary checker on documents."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cxkb.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, RootOption, _release, _root, app, err
from cxkb.findings import Level


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
    from cxkb.checker.engine import Checker, Usage
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
    usage = Usage() if report else None  # the report counts uses as they come; it keeps none
    run = checker.check_paths(paths or [], include=include, exclude=exclude or (), details=False, usage=usage)
    if fix:
        fixed = fix_files(run.findings, run.files)
        for name, why in fixed.skipped.items():
            err.print(f"{name}: not fixed: {why}", markup=False)
        err.print(f"fixed {fixed.total} synonym(s) in {len(fixed.changed)} file(s)", markup=False)
        if fixed.changed:
            usage = Usage() if report else None
            run = checker.check_paths(paths or [], include=include, exclude=exclude or (), details=False, usage=usage)
    summary = usage.summary(index, len(run.documents), len(run.errors)) if usage is not None else None
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
