"""``cxkb query``, ``serve`` and ``publish``: SPARQL over the release."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cxkb.cli import EXIT_FINDINGS, EXIT_USAGE, RootOption, _progress, _release, _root, app, err, out
from cxkb.release import ReleaseError


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
    from rich.table import Table

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
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, or NAME:KIND=VALUE (max:integer=3).")
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
    memory: Annotated[
        int,
        typer.Option(
            "--memory",
            help="MiB the endpoint may hold in all (front and engines): past it, the engine holding most is "
            "stopped (its queries get 503).",
            min=64,
        ),
    ] = 400,
    answer_cache: Annotated[
        int,
        typer.Option(
            "--answer-cache",
            help="MiB of answers the front remembers: the same query (same text and format) is answered "
            "from memory, except queries calling NOW(), RAND(), UUID(), STRUUID() or BNODE(). 0 turns it off.",
            min=0,
        ),
    ] = 32,
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
    from cxkb.sparql.answers import Settings
    from cxkb.sparql.front import Front
    from cxkb.sparql.httpserver import serve
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
        memory=memory,
        answer_cache=answer_cache,
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
