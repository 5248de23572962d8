"""``cxkb book``: generate and build the Jupyter Book."""

from __future__ import annotations

from typing import Annotated

import typer

from cxkb.cli import EXIT_FINDINGS, EXIT_USAGE, ReportFormat, RootOption, _print_report, _root, app, err
from cxkb.findings import Level


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
    from cxkb.kg.build import BuildError

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
