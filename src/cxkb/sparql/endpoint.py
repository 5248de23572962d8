"""A read-only SPARQL 1.1 Protocol endpoint over the knowledge graph.

Queries run in worker processes, not in the server's threads: a runaway query (a cross
join, an unbounded property path) cannot be interrupted inside pyoxigraph, but its process
can be killed when the time limit passes and replaced, so the endpoint keeps answering.
The workers share one on-disk copy of the store, opened read-only, which also makes the
endpoint unable to change the data whatever it is sent.

Routes: ``/`` (a page that lists and runs the library's queries), ``/sparql`` (the
protocol: GET, POST form, POST ``application/sparql-query``), ``/queries`` (the library as
JSON) and ``/queries/NAME?param=value`` (a library query with its parameters bound).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from cxkb.sparql import results as fmt
from cxkb.sparql.library import (
    NamedQuery,
    QueryError,
    QuerySyntaxError,
    ReadOnlyError,
    describe,
    is_update,
    run,
)
from cxkb.sparql.store import copy_store
from cxkb.sparql.webpage import PAGE_CSS, PAGE_JS, render_page

SELECT_TYPES = (fmt.SPARQL_JSON, fmt.SPARQL_XML, fmt.CSV_TYPE, fmt.TSV_TYPE)
GRAPH_TYPES = (fmt.TURTLE, fmt.JSON_LD, fmt.N_TRIPLES)
ALIASES = {
    "application/json": {"select": fmt.SPARQL_JSON, "graph": fmt.JSON_LD},
    "application/xml": {"select": fmt.SPARQL_XML},
    "text/xml": {"select": fmt.SPARQL_XML},
    "application/x-turtle": {"graph": fmt.TURTLE},
    "text/plain": {"graph": fmt.N_TRIPLES},
}
# Short names for a ``format`` (or ``output``) parameter, for links and clients that cannot
# set headers; each stands for an Accept header covering both result families.
FORMAT_NAMES = {
    "json": f"{fmt.SPARQL_JSON}, {fmt.JSON_LD}",
    "xml": fmt.SPARQL_XML,
    "csv": fmt.CSV_TYPE,
    "tsv": fmt.TSV_TYPE,
    "turtle": fmt.TURTLE,
    "ttl": fmt.TURTLE,
    "json-ld": fmt.JSON_LD,
    "jsonld": fmt.JSON_LD,
    "nt": fmt.N_TRIPLES,
    "ntriples": fmt.N_TRIPLES,
}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Cxkb-Truncated, X-Cxkb-Max-Rows, Server-Timing, Retry-After",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}
PAGE_SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
READ_ONLY = "this endpoint is read-only: SPARQL Update requests are refused"


@dataclass(frozen=True)
class Limits:
    """What one request may cost: wall time per query, rows (or triples), workers, body size.

    ``queue_wait`` is how long a request may wait for a free worker. It is longer than the
    query time limit on purpose: under a burst of clients, requests queue and are answered
    a little later rather than turned away, and only a queue that does not move at all
    (every worker stuck for that long) sheds load with ``503`` and ``Retry-After``.
    """

    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    max_body: int = 1_000_000
    queue_wait: float = 60.0


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def _timed(reply: Reply, queued: float, started: float) -> Reply:
    """Add ``Server-Timing: queue;dur=…, query;dur=…`` (milliseconds) to a worker's reply."""
    now = time.perf_counter()
    queue_ms, query_ms = (started - queued) * 1000, (now - started) * 1000
    reply.headers["Server-Timing"] = f"queue;dur={queue_ms:.1f}, query;dur={query_ms:.1f}"
    return reply


# ---------------------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (ties keep their order)."""
    ranges = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges if q > 0]


def choose_type(accept: str, kind: str) -> str | None:
    """The media type to answer with for a result of ``kind``, or ``None`` if none is acceptable."""
    family = "graph" if kind == "graph" else "select"
    offered = GRAPH_TYPES if family == "graph" else SELECT_TYPES
    if not accept.strip():
        return offered[0]
    for media, _ in parse_accept(accept):
        if media in ("*/*", "*"):
            return offered[0]
        if media.endswith("/*"):
            match = next((o for o in offered if o.startswith(media[:-1])), None)
            if match:
                return match
        if media in offered:
            return media
        alias = ALIASES.get(media, {}).get(family)
        if alias:
            return alias
    return None


def serialise(result: fmt.Result, media: str) -> bytes:
    writers: dict[str, Callable[[fmt.Result], str]] = {
        fmt.SPARQL_JSON: fmt.to_json,
        fmt.SPARQL_XML: fmt.to_xml,
        fmt.CSV_TYPE: fmt.to_csv,
        fmt.TSV_TYPE: fmt.to_tsv,
        fmt.TURTLE: lambda r: fmt.to_rdf(r, "turtle"),
        fmt.JSON_LD: lambda r: fmt.to_rdf(r, "json-ld"),
        fmt.N_TRIPLES: lambda r: fmt.to_rdf(r, "nt"),
    }
    return writers[media](result).encode("utf-8")


def _content_type(media: str) -> str:
    return media if media.endswith("json") else f"{media}; charset=utf-8"


# ---------------------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    text: str
    accept: str
    max_rows: int


def execute(store: ox.Store, job: Job) -> Reply:
    """Run one query and serialise its answer; every failure becomes a status and a message."""
    try:
        result = run(store, job.text, max_rows=job.max_rows)
    except ReadOnlyError:
        return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY)
    except QuerySyntaxError as exc:
        return text_reply(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error at {exc}\n{exc.excerpt()}")
    except QueryError as exc:
        return text_reply(HTTPStatus.BAD_REQUEST, str(exc))
    except Exception as exc:  # the engine's own failures: report, never crash the worker
        return text_reply(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}")
    media = choose_type(job.accept, result.kind)
    if media is None:
        offered = GRAPH_TYPES if result.kind == "graph" else SELECT_TYPES
        return text_reply(HTTPStatus.NOT_ACCEPTABLE, f"this result can be sent as: {', '.join(offered)}")
    headers = {"X-Cxkb-Max-Rows": str(job.max_rows)}
    if result.truncated:
        headers["X-Cxkb-Truncated"] = "true"
    return Reply(HTTPStatus.OK, _content_type(media), serialise(result, media), headers)


def _worker_main(store_dir: str, conn: Connection) -> None:
    """Body of a worker process: answer jobs from the pipe until told to stop."""
    store = ox.Store.read_only(store_dir)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(execute(store, job))


class _Worker:
    """One query process. ``kill`` and ``stop`` may race (a request thread replacing a
    worker that overran while the server shuts down), so both take a lock and the second
    caller finds the work done."""

    def __init__(self, ctx: Any, store_dir: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(store_dir, child), daemon=True, name="cxkb-query")
        self.process.start()
        child.close()
        self._ending = threading.Lock()
        self._ended = False

    def wait_ready(self, timeout: float) -> bool:
        try:
            return bool(self.conn.poll(timeout)) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        with self._ending:
            if self._ended:
                return
            self._ended = True
            self.process.kill()
            self.process.join(5)
            self.conn.close()

    def stop(self) -> None:
        with self._ending:
            if self._ended:
                return
            self._ended = True
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)
            self.conn.close()


class WorkerPool:
    """A fixed number of query processes; a process that overruns its time is killed and replaced."""

    def __init__(self, store_dir: Path, size: int, *, startup: float = 120.0) -> None:
        if size < 1:
            raise ValueError("the endpoint needs at least one worker")
        self._ctx = mp.get_context("spawn")  # no fork: the server has threads by the time it replaces one
        self._store_dir = str(store_dir)
        self._startup = startup
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        self.size = size
        workers = [self._start() for _ in range(size)]
        for w in workers:
            if not w.wait_ready(startup):
                self.close()
                raise RuntimeError("a query worker did not start")
            self._idle.put(w)

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self._store_dir)
        with self._lock:
            self._live.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._live.discard(worker)
            if self._closed:
                return
        threading.Thread(target=self._replace, daemon=True, name="cxkb-respawn").start()

    def _replace(self) -> None:
        worker = self._start()
        if worker.wait_ready(self._startup) and not self._closed:
            self._idle.put(worker)
        else:
            worker.kill()
            with self._lock:
                self._live.discard(worker)

    def execute(self, job: Job, timeout: float, queue_wait: float | None = None) -> Reply:
        """Run ``job`` on an idle worker, waiting at most ``queue_wait`` for one and ``timeout`` for the answer.

        Every answer says, in a standard ``Server-Timing`` header, how long the request
        queued and how long the query ran, so clients (and the load benchmark) can tell a
        slow queue from a slow query.
        """
        queued = time.perf_counter()
        try:
            worker = self._idle.get(timeout=timeout if queue_wait is None else queue_wait)
        except queue.Empty:
            busy = text_reply(
                HTTPStatus.SERVICE_UNAVAILABLE, f"all {self.size} query workers are busy; try again in a moment"
            )
            busy.headers["Retry-After"] = str(max(1, round(timeout)))
            return _timed(busy, queued, time.perf_counter())
        started = time.perf_counter()
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return _timed(reply, queued, started)
        except (EOFError, OSError):
            self._discard(worker)
            return _timed(
                text_reply(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker stopped unexpectedly"), queued, started
            )
        self._discard(worker)
        stopped = text_reply(
            HTTPStatus.SERVICE_UNAVAILABLE,
            f"the query was stopped after the time limit of {timeout:g} s; add LIMIT or narrow the patterns",
        )
        return _timed(stopped, queued, started)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._live)
            self._live.clear()
        for w in workers:
            w.stop()


# ---------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------


class EndpointServer(ThreadingHTTPServer):
    """The HTTP server: holds the worker pool, the library and the limits."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: with more clients connecting at once the
    # kernel drops their connection attempts, which then wait out TCP's retransmission
    # back-off (1, 3, 7, 15 ... s) or are reset, before a handler thread ever sees them.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        pool: WorkerPool,
        queries: list[NamedQuery],
        limits: Limits,
        cleanup: Callable[[], None],
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.pool = pool
        self.queries = {q.name: q for q in queries}
        self.limits = limits
        self.page = render_page(queries, limits.timeout, limits.max_rows).encode("utf-8")
        self.listing = json.dumps([describe(q) for q in queries], ensure_ascii=False, indent=1).encode("utf-8")
        self.log = log
        self._cleanup = cleanup
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self._cleanup()


class Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
    server_version = "cxkb"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    # -- responses

    def _send(self, reply: Reply, *, head: bool = False) -> None:
        self.send_response(reply.status)
        headers = {**CORS, "Content-Type": reply.content_type, "Vary": "Accept", **reply.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)

    def _error(self, status: int, message: str) -> None:
        self._send(text_reply(status, message))

    # -- methods

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        for name, value in {**CORS, **PREFLIGHT}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        if path in ("/", "/index.html"):
            self._send(Reply(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page, dict(PAGE_SECURITY)))
        elif path == "/page.js":
            self._send(Reply(HTTPStatus.OK, "text/javascript; charset=utf-8", PAGE_JS.encode(), dict(PAGE_SECURITY)))
        elif path == "/page.css":
            self._send(Reply(HTTPStatus.OK, "text/css; charset=utf-8", PAGE_CSS.encode(), dict(PAGE_SECURITY)))
        elif path == "/sparql":
            self._protocol(params)
        elif path == "/queries":
            self._send(Reply(HTTPStatus.OK, "application/json", self.server.listing))
        elif path.startswith("/queries/"):
            self._named(unquote(path[len("/queries/") :]), params)
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}; the endpoint is at /sparql")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
            return
        body = self._body()
        if body is None:
            return
        params = parse_qs(url.query, keep_blank_values=True)
        media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                self._error(HTTPStatus.BAD_REQUEST, "the form is not UTF-8")
                return
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            self._protocol(params)
        elif media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                self._error(HTTPStatus.BAD_REQUEST, "the query is not UTF-8")
                return
            if "query" in params:
                self._error(HTTPStatus.BAD_REQUEST, "give the query either in the body or in the URL, not both")
                return
            self._protocol({**params, "query": [text]})
        elif media == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, READ_ONLY)
        else:
            self._error(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "send application/x-www-form-urlencoded (query=...) or application/sparql-query",
            )

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path in ("/", "/index.html"):
            self._send(Reply(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page), head=True)
        else:
            self._send(text_reply(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"), head=True)

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length")
            return None
        try:
            size = int(length)
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
            return None
        if size > self.server.limits.max_body:
            self.close_connection = True
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"requests are limited to {self.server.limits.max_body} bytes"
            )
            return None
        return self.rfile.read(size)

    # -- queries

    def _accept(self, params: dict[str, list[str]]) -> str:
        """The Accept header, unless a ``format``/``output`` parameter names a known format."""
        for key in ("format", "output"):
            for name in params.get(key, []):
                if name.lower() in FORMAT_NAMES:
                    return FORMAT_NAMES[name.lower()]
        return self.headers.get("Accept", "")

    def _protocol(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, READ_ONLY)
            return
        if "default-graph-uri" in params or "named-graph-uri" in params:
            self._error(
                HTTPStatus.BAD_REQUEST, "this endpoint has one default graph; drop default-graph-uri/named-graph-uri"
            )
            return
        texts = params.get("query", [])
        if len(texts) != 1 or not texts[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query, e.g. /sparql?query=SELECT...")
            return
        if is_update(texts[0]):
            self._error(HTTPStatus.FORBIDDEN, READ_ONLY)
            return
        self._run(texts[0], self._accept(params))

    def _named(self, name: str, params: dict[str, list[str]]) -> None:
        query = self.server.queries.get(name)
        if query is None:
            self._error(HTTPStatus.NOT_FOUND, f"no library query named {name!r}; see /queries")
            return
        values = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}
        try:
            text = query.bind(values)
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        self._run(text, self._accept(params))

    def _run(self, text: str, accept: str) -> None:
        limits = self.server.limits
        self._send(self.server.pool.execute(Job(text, accept, limits.max_rows), limits.timeout, limits.queue_wait))


def create_server(
    store: ox.Store,
    queries: list[NamedQuery],
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    log: Callable[[str], None] | None = None,
) -> EndpointServer:
    """Copy ``store`` to a private folder, start the workers and bind the socket (not yet serving)."""
    limits = limits or Limits()
    folder = Path(tempfile.mkdtemp(prefix="cxkb-endpoint-"))
    pool: WorkerPool | None = None

    def cleanup() -> None:
        if pool is not None:
            pool.close()
        shutil.rmtree(folder, ignore_errors=True)

    try:
        disk = copy_store(store, folder / "store")
        del disk  # closes the writable handle; the workers open the folder read-only
        pool = WorkerPool(folder / "store", limits.workers)
        return EndpointServer((host, port), pool, queries, limits, cleanup, log)
    except BaseException:
        cleanup()
        raise


def serve_in_thread(server: EndpointServer) -> threading.Thread:
    """Serve in a daemon thread (for tests and benchmarks); stop with ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread
