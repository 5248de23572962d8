"""The ``cxkb`` command: a thin layer over the library.

Exit codes follow the linters' convention: 0 all well, 1 the sources have findings at or
above the failing level, 2 a usage or input error (bad option, missing file, missing Java).
Progress goes to standard error so standard output stays machine-readable.
"""

from __future__ import annotations

import gc
import inspect
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cxkb import __version__
from cxkb.findings import Level, Report
from cxkb.release import Release, ReleaseError, open_release

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


class _Process:
    """Whether the command runs as the whole process (``run``), not inside a caller such as a test."""

    ends_with_command = False


def keep_cycle_collector_off() -> None:
    """For a command whose process ends with it: leave Python's cycle collector off from
    here on. Switched back on after a build, it would first walk every object the build
    made (a twentieth of a second at ten thousand papers) only for the process to exit."""
    if _Process.ends_with_command:
        gc.disable()


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"cxkb {__version__}")
        raise typer.Exit(EXIT_OK)


# The commands register themselves on ``app`` when their modules are imported.
from cxkb.cli import book, check, sparql, tables  # noqa: E402, F401


def _flowing(doc: str) -> str:
    """A docstring whose paragraphs flow: each paragraph's line breaks become spaces.

    Typer prints the paragraphs after a command's first line with their line breaks, so text
    wrapped for the source at 90 characters came out ragged in a narrower terminal (a break
    mid-sentence, then the rest of the line wrapped again). A paragraph that opens with a
    ``\\b`` line keeps its breaks, as Click's convention for verbatim blocks has it.
    """
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


for _command in app.registered_commands:
    if _command.help is None and _command.callback is not None and _command.callback.__doc__:
        _command.help = _flowing(_command.callback.__doc__)


def run() -> None:
    """Console-script entry point."""
    _Process.ends_with_command = True
    try:
        app()
    finally:
        # The process ends here. Python's last cycle collection at exit would walk every
        # record and cache a command made (a tenth of a second after a build of ten
        # thousand papers) for cycles that exit frees anyway; frozen objects are left out.
        gc.freeze()
