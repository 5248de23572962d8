"""The endpoint's front: an ASGI app under uvicorn that holds the policy, in front of Oxigraph.

``cxkb serve`` runs this app in uvicorn (httptools parser, uvloop) and the query engine as
``oxigraph serve-read-only`` processes on loopback ports (``cxkb.sparql.oxigraph_server``).
The front is the only part that faces clients and the only part that talks to the engine:

* it parses HTTP strictly (llhttp refuses signed, negative or non-decimal lengths, two
  lengths, and a length with ``Transfer-Encoding``), bounds headers, bodies, parameters and
  the time a client may take to send them, and closes idle connections;
* it reads every query as SPARQL tokens (``cxkb.sparql.policy``) and refuses updates,
  ``SERVICE`` (unless the endpoint is listed with ``--allow-service``) and texts too big or
  too deep for the engine's parser, before the engine sees them;
* it schedules queries in two lanes. The fast lane runs on one engine process with several
  queries at once. A query still running after ``slow_after`` seconds is a runaway
  suspect: its process is condemned (new queries go to a fresh process, started in well
  under a second), the process keeps running it at low CPU priority while it holds one of
  the few slow-lane slots, and its fingerprint (the query's tokens with literals and
  variable names blanked) is remembered, so the next time the same query goes straight
  to the slow lane's own engine, which runs at low priority. Unknown queries from a client
  that sent several slow ones go there too. Cheap queries thus keep the fast lane and most
  of the CPU while runaways run on what is left; the time limit ends a query by killing
  the process it runs in, once nothing else runs there;
* it caps answers at ``max_rows`` rows by counting them in the engine's output as it
  streams in, and stops reading (so the engine stops writing) once the cap is passed.

Routes and answers are those of the earlier endpoint: ``/`` (the library page),
``/sparql`` (the protocol), ``/queries`` and ``/queries/NAME?param=value``, CORS on every
answer, ``Retry-After`` on every ``503``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import signal
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import httptools
import pyoxigraph as ox
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cxkb.sparql import policy
from cxkb.sparql.endpoint import (
    CORS,
    FORMAT_NAMES,
    GRAPH_TYPES,
    PAGE_SECURITY,
    PREFLIGHT,
    READ_ONLY,
    SELECT_TYPES,
    choose_type,
)
from cxkb.sparql.library import DEFAULT_PREFIXES, NamedQuery, QueryError, describe
from cxkb.sparql.oxigraph_server import Engine
from cxkb.sparql.webpage import PAGE_CSS, PAGE_JS, render_page

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger("cxkb.endpoint")


@dataclass(frozen=True)
class Settings:
    """Every limit of the endpoint; ``cxkb serve --help`` documents each one."""

    timeout: float = 10.0  # seconds a query may run in all
    slow_after: float = 1.0  # seconds after which a running query moves to the slow lane
    max_rows: int = 10_000
    fast_concurrency: int = 8  # queries at once in the fast lane
    slow_concurrency: int = 1  # queries at once in the slow lane
    slow_queue: int = 16  # requests that may wait for the slow lane
    queue_wait: float = 30.0  # seconds a request may wait for a slot in its lane
    max_body: int = 1_000_000
    max_header_bytes: int = 65_536  # request line plus headers (a GET query is in the request line)
    max_params: int = 50
    header_timeout: float = 10.0  # from the first byte of a request (or the connection) to its last header
    body_timeout: float = 10.0  # to receive the whole body once the headers are in
    idle_timeout: float = 5.0  # a kept-alive connection with no new request is closed
    max_connections: int = 1_000
    engine_memory: int = 150  # MiB of resident memory an engine process may use
    query: policy.Limits = field(default_factory=policy.Limits)
    allowed_services: frozenset[str] = frozenset()

    @property
    def retry_after(self) -> str:
        return str(max(1, round(self.timeout)))


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), dict(headers))


# ---------------------------------------------------------------------------------------
# Counting and capping rows in the engine's output
# ---------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]]', re.DOTALL)
_CSV_TOKEN = re.compile(rb'"(?:[^"]|"")*"|\n')


def _nth(data: bytes | bytearray, pattern: bytes, n: int) -> int:
    """Offset of the ``n``-th (1-based) occurrence of ``pattern``, or -1."""
    pos = -1
    for _ in range(n):
        pos = data.find(pattern, pos + 1)
        if pos < 0:
            return -1
    return pos


def _json_cut(data: bytes, rows: int) -> int | None:
    """Where the ``rows``-th binding of a SPARQL JSON answer ends, if there are more than ``rows``."""
    start = data.find(b'"bindings":[')
    if start < 0:
        return None
    depth = 0
    seen = 0
    for match in _JSON_TOKEN.finditer(data, start + len(b'"bindings":[')):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            if depth == 0:
                return None  # the end of the bindings array
            depth -= 1
            if depth == 0:
                seen += 1
                if seen == rows:
                    rest = data[match.end() : match.end() + 2]
                    return match.end() if rest.startswith(b",") else None
    return None


def _csv_cut(data: bytes, lines: int) -> int | None:
    """Where the ``lines``-th record of CSV ends (newlines inside quoted fields skipped), if more follow."""
    seen = 0
    for match in _CSV_TOKEN.finditer(data):
        if match.group() == b"\n":
            seen += 1
            if seen == lines:
                return match.end() if match.end() < len(data) else None
    return None


class RowCounter:
    """Counts rows in a streamed answer of one media type, cheaply, and cuts it at the cap.

    TSV and N-Triples hold one row per line and SPARQL XML one ``<result>`` per row (none
    can appear inside a value, which is escaped), so counting is exact. In SPARQL JSON
    bindings are separated by ``},{`` and in CSV rows end in a newline, but a value may
    also contain them; the count is then an upper bound, and only when it passes the cap
    is the answer scanned properly.
    """

    def __init__(self, media: str, cap: int) -> None:
        self.media = media
        self.cap = cap
        self.marker, self.head = {
            "application/sparql-results+json": (b"},{", 1),  # separators: rows - 1
            "application/sparql-results+xml": (b"<result>", 0),
            "text/csv": (b"\n", -1),  # the header line
            "text/tab-separated-values": (b"\n", -1),
            "application/n-triples": (b"\n", 0),
        }.get(media, (b"", 0))
        self.count = 0
        self._scanned = 0

    def feed(self, buffer: bytearray) -> bool:
        """Update the count with what ``buffer`` gained; ``True`` once it surely holds more than the cap."""
        if not self.marker:
            return False
        begin = max(0, self._scanned - len(self.marker) + 1)
        self.count += buffer.count(self.marker, begin)
        self._scanned = len(buffer)
        if self.count + self.head <= self.cap:
            return False
        return self.cut(bytes(buffer)) is not None

    def cut(self, data: bytes) -> bytes | None:
        """``data`` cut after ``cap`` rows, or ``None`` when it holds no more than that."""
        cap = self.cap
        if self.media == "application/sparql-results+json":
            end = _json_cut(data, cap)
            return None if end is None else data[:end] + b"]}}"
        if self.media == "application/sparql-results+xml":
            pos = _nth(data, b"<result>", cap + 1)
            return None if pos < 0 else data[:pos] + b"</results></sparql>"
        if self.media == "text/csv":
            end = _csv_cut(data, cap + 1)
            return None if end is None else data[:end]
        lines = cap + (1 if self.media == "text/tab-separated-values" else 0)
        pos = _nth(data, b"\n", lines)
        return None if pos < 0 or pos + 1 >= len(data) else data[: pos + 1]


# ---------------------------------------------------------------------------------------
# Lanes and engines
# ---------------------------------------------------------------------------------------


class Lane:
    """Engine processes of one kind, with a bound on the queries running and waiting there."""

    def __init__(self, name: str, concurrency: int, new_engine: Callable[[], Engine]) -> None:
        self.name = name
        self.slots = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency
        self.waiting = 0
        self._new_engine = new_engine
        self._current: asyncio.Task[Engine] | None = None
        self.engines: set[Engine] = set()

    def start(self) -> None:
        self._current = asyncio.ensure_future(self._start())

    async def _start(self) -> Engine:
        engine = self._new_engine()
        self.engines.add(engine)
        await engine.start()
        return engine

    async def engine(self) -> Engine:
        """The engine new queries go to (waiting while a replacement starts)."""
        assert self._current is not None
        engine = await asyncio.shield(self._current)
        if not engine.alive() and not engine.condemned:  # died on its own: replace it
            self.replace(engine)
            engine = await asyncio.shield(self._current)
        return engine

    def replace(self, engine: Engine) -> None:
        """Condemn ``engine``: new queries go to a fresh process, and it dies once idle."""
        if engine.condemned:
            return
        engine.condemn()
        if self._current is not None and self._current.done() and self._current.result() is engine:
            self.start()
        self.release(engine)

    def release(self, engine: Engine) -> None:
        """Kill a condemned engine once nothing runs on it."""
        if engine.condemned and engine.inflight <= 0:
            engine.kill()
            self.engines.discard(engine)

    def close(self) -> None:
        if self._current is not None and not self._current.done():
            self._current.cancel()
        for engine in list(self.engines):
            engine.kill()
        self.engines.clear()


class Bounded(OrderedDict[str, float]):
    """An insertion-ordered map that forgets its oldest entries beyond ``size``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: float) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class Scheduler:
    """Sends each query to a lane, runs it on that lane's engine, and enforces the time limits."""

    SUSPECT_AFTER = 3  # slow queries from one client address ...
    SUSPECT_WINDOW = 300.0  # ... within this many seconds make its unknown queries go slow

    def __init__(self, settings: Settings, store_dir: Path) -> None:
        self.settings = settings
        engine_timeout = max(1, round(settings.timeout + 1))
        self.fast = Lane(
            "fast", settings.fast_concurrency, lambda: Engine(store_dir, lane="fast", engine_timeout=engine_timeout)
        )
        self.slow = Lane(
            "slow",
            settings.slow_concurrency,
            lambda: Engine(store_dir, lane="slow", nice=10, engine_timeout=engine_timeout),
        )
        self.slow_queries = Bounded(10_000)  # fingerprint -> when it was last found slow
        self.fast_queries = Bounded(10_000)  # fingerprint -> when it last finished in time
        self.slow_clients: dict[str, deque[float]] = {}
        self._watch: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self.fast.start()
        self.slow.start()
        await self.fast.engine()
        await self.slow.engine()
        self._watch = asyncio.ensure_future(self._watch_memory())

    async def _watch_memory(self) -> None:
        """Every 0.1 s: an engine over its memory budget takes no new work; at twice the budget it is killed.

        A runaway can hold gigabytes (a cross join's hash tables) long before its time is
        up. Its queries then get 503 with Retry-After; the fast lane's cheap queries have
        moved to a fresh engine at the first mark and are not in it any more by the second.
        """
        budget = self.settings.engine_memory * 1024
        while True:
            await asyncio.sleep(0.1)
            for lane in (self.fast, self.slow):
                for engine in list(lane.engines):
                    rss = engine.rss_kib()
                    if rss > budget and not engine.condemned:
                        lane.replace(engine)
                    if rss > 2 * budget and engine.condemned:
                        engine.kill()
                        lane.engines.discard(engine)

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        self.fast.close()
        self.slow.close()

    def pids(self) -> list[int]:
        return [e.pid for lane in (self.fast, self.slow) for e in lane.engines if e.pid is not None]

    # -- what is known about queries and clients

    def _suspect(self, client: str) -> bool:
        times = self.slow_clients.get(client)
        if not times:
            return False
        horizon = time.monotonic() - self.SUSPECT_WINDOW
        while times and times[0] < horizon:
            times.popleft()
        return len(times) >= self.SUSPECT_AFTER

    def _found_slow(self, fingerprint: str, client: str) -> None:
        self.slow_queries.put(fingerprint, time.monotonic())
        self.fast_queries.pop(fingerprint, None)
        if len(self.slow_clients) > 10_000:
            self.slow_clients.clear()
        self.slow_clients.setdefault(client, deque(maxlen=self.SUSPECT_AFTER * 4)).append(time.monotonic())

    def lane_for(self, fingerprint: str, client: str) -> Lane:
        if fingerprint in self.slow_queries:
            return self.slow
        if fingerprint not in self.fast_queries and self._suspect(client):
            return self.slow
        return self.fast

    # -- running

    async def run(self, text: str, media: str, fingerprint: str, client: str) -> tuple[Reply, str]:
        """Run ``text`` asking the engine for ``media``; the reply and the lane it ended in."""
        s = self.settings
        lane = self.lane_for(fingerprint, client)
        queued = time.perf_counter()
        if lane is self.slow and lane.waiting >= s.slow_queue:
            return self._busy(lane, queued, queued), lane.name
        lane.waiting += 1
        try:
            await asyncio.wait_for(lane.slots.acquire(), s.queue_wait)
        except TimeoutError:
            return self._busy(lane, queued, time.perf_counter()), lane.name
        finally:
            lane.waiting -= 1
        held: Lane | None = lane
        started = time.perf_counter()
        engine: Engine | None = None
        task: asyncio.Task[Reply] | None = None
        try:
            engine = await lane.engine()
            engine.inflight += 1
            task = asyncio.ensure_future(self._fetch(engine, text, media))
            first = s.slow_after if lane is self.fast else s.timeout
            done, _ = await asyncio.wait({task}, timeout=first)
            if not done and lane is self.fast:
                # A runaway suspect: the fast lane gets a fresh engine; this one keeps the
                # query, at low priority, if a slow-lane slot is free.
                self._found_slow(fingerprint, client)
                self.fast.slots.release()
                held = None
                self.fast.replace(engine)
                if self.slow.slots.locked():
                    return self._stopped(queued, started, "the slow lane is full"), "slow"
                await self.slow.slots.acquire()
                held = self.slow
                done, _ = await asyncio.wait({task}, timeout=max(0.0, s.timeout - s.slow_after))
            if not done:
                self._found_slow(fingerprint, client)
                return self._stopped(queued, started, f"the time limit of {s.timeout:g} s"), "slow"
            reply = task.result()
            elapsed = time.perf_counter() - started
            if elapsed <= s.slow_after:
                self.fast_queries.put(fingerprint, time.monotonic())
                if lane is self.slow and elapsed <= s.slow_after / 4:
                    self.slow_queries.pop(fingerprint, None)  # cheap after all
            return _timed(reply, queued, started, lane.name if held is lane else "slow"), (
                lane.name if held is lane else "slow"
            )
        finally:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                if engine is not None and not engine.condemned:
                    (self.fast if engine.lane == "fast" else self.slow).replace(engine)
            if engine is not None:
                engine.inflight -= 1
                (self.fast if engine.lane == "fast" else self.slow).release(engine)
            if held is not None:
                held.slots.release()

    def _busy(self, lane: Lane, queued: float, now: float) -> Reply:
        reply = text_reply(
            HTTPStatus.SERVICE_UNAVAILABLE,
            f"all {lane.concurrency} places of the {lane.name} lane are busy; try again in a moment",
            **{"Retry-After": self.settings.retry_after},
        )
        return _timed(reply, queued, now, lane.name)

    def _stopped(self, queued: float, started: float, why: str) -> Reply:
        reply = text_reply(
            HTTPStatus.SERVICE_UNAVAILABLE,
            f"the query was stopped: {why}; add LIMIT or narrow the patterns",
            **{"Retry-After": self.settings.retry_after},
        )
        return _timed(reply, queued, started, "slow")

    async def _fetch(self, engine: Engine, text: str, media: str) -> Reply:
        """Ask the engine; cap the answer at ``max_rows`` while it streams in."""
        counter = RowCounter(media, self.settings.max_rows)
        try:
            status, body, truncated = await engine_request(engine, text.encode("utf-8"), media, counter)
        except (OSError, EOFError, httptools.HttpParserError):
            if not engine.alive():
                return text_reply(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "the query engine stopped and is being restarted; try again",
                    **{"Retry-After": "1"},
                )
            return text_reply(HTTPStatus.BAD_GATEWAY, "the query engine failed")
        if status != 200:
            return Reply(status, "text/plain; charset=utf-8", body)
        headers = {"X-Cxkb-Max-Rows": str(self.settings.max_rows)}
        if truncated:
            body = counter.cut(body) or body
            headers["X-Cxkb-Truncated"] = "true"
        return Reply(200, _content_type(media), body, headers)


class _Answer:
    """httptools callbacks collecting one engine answer (status, body, end)."""

    def __init__(self, counter: RowCounter) -> None:
        self.counter = counter
        self.body = bytearray()
        self.done = False
        self.over = False
        self.status = 0
        self.parser: httptools.HttpResponseParser | None = None

    def on_headers_complete(self) -> None:
        assert self.parser is not None
        self.status = self.parser.get_status_code()

    def on_body(self, chunk: bytes) -> None:
        self.body += chunk
        if self.status != 200:
            self.over = self.over or len(self.body) > 65_536
        elif not self.over:
            self.over = self.counter.feed(self.body)

    def on_message_complete(self) -> None:
        self.done = True


async def engine_request(engine: Engine, query: bytes, media: str, counter: RowCounter) -> tuple[int, bytes, bool]:
    """POST a query to the engine on a kept-alive loopback connection; read its answer with llhttp.

    A connection is reused only after an answer was read to its end; one abandoned in
    the middle (the row cap was passed, or the query was cancelled) is closed, which also
    tells the engine to stop writing.
    """
    pool = engine.connections
    reader, writer = pool.pop() if pool else await asyncio.open_connection("127.0.0.1", engine.port)
    head = (
        f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: {media}\r\nContent-Length: {len(query)}\r\n\r\n"
    ).encode("latin-1")
    answer = _Answer(counter)
    parser = answer.parser = httptools.HttpResponseParser(answer)
    reusable = False
    try:
        writer.write(head + query)
        while not answer.done and not answer.over:
            data = await reader.read(262_144)
            if not data:
                raise EOFError("the engine closed the connection")
            parser.feed_data(data)
        reusable = answer.done and not answer.over and parser.should_keep_alive()
        return answer.status, bytes(answer.body), answer.over
    finally:
        if reusable and not engine.condemned and len(pool) < 64:
            pool.append((reader, writer))
        else:
            writer.close()


def _timed(reply: Reply, queued: float, started: float, lane: str) -> Reply:
    """``Server-Timing: queue;dur=…, query;dur=…`` (milliseconds) and the lane, for clients and benchmarks."""
    queue_ms, query_ms = (started - queued) * 1000, (time.perf_counter() - started) * 1000
    reply.headers["Server-Timing"] = f"queue;dur={queue_ms:.1f}, query;dur={query_ms:.1f}"
    reply.headers["X-Cxkb-Lane"] = lane
    return reply


def _content_type(media: str) -> str:
    return media if media.endswith("json") else f"{media}; charset=utf-8"


def _graph_as(data: bytes, media: str) -> bytes:
    """N-Triples from the engine as Turtle (with the usual prefixes) or JSON-LD."""
    if media == "application/n-triples":
        return data
    fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.JSON_LD
    triples = list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    prefixes = DEFAULT_PREFIXES if fmt is ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


# ---------------------------------------------------------------------------------------
# The ASGI app
# ---------------------------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, reply: Reply, close: bool = False) -> None:
        super().__init__(reply.body.decode("utf-8", "replace"))
        self.reply = reply
        self.close = close


class Front:
    """The ASGI application: routes, request checks and the protocol; queries go to the scheduler."""

    def __init__(self, settings: Settings, store_dir: Path, queries: list[NamedQuery]) -> None:
        self.settings = settings
        self.queries = {q.name: q for q in queries}
        self.page = render_page(queries, settings.timeout, settings.max_rows).encode("utf-8")
        self.listing = json.dumps([describe(q) for q in queries], ensure_ascii=False, indent=1).encode("utf-8")
        self.scheduler = Scheduler(settings, store_dir)
        self._verdicts: dict[str, policy.Shape | policy.PolicyError] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            reply, head = await self._handle(scope, receive)
            close = False
        except BadRequest as exc:
            reply, head, close = exc.reply, False, exc.close
        await _send(send, reply, head=head, close=close)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.scheduler.start()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    await self.scheduler.close()
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.scheduler.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[Reply, bool]:
        method = scope["method"]
        path = scope["path"]
        headers = _headers(scope)
        params = self._params(scope["query_string"].decode("latin-1"))
        if method == "OPTIONS":
            return Reply(HTTPStatus.NO_CONTENT, "", b"", dict(PREFLIGHT)), False
        if method in ("GET", "HEAD"):
            if method == "HEAD" and path not in ("/", "/index.html"):
                return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"), True
            return await self._get(path, params, headers, scope), method == "HEAD"
        if method != "POST":
            return text_reply(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST", Allow="GET, POST, OPTIONS"), False
        if path != "/sparql":
            return text_reply(HTTPStatus.NOT_FOUND, "POST queries to /sparql"), False
        body = await self._body(headers, receive)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text_reply(HTTPStatus.BAD_REQUEST, "the form is not UTF-8"), False
            for key, values in self._params(text).items():
                params.setdefault(key, []).extend(values)
            return await self._protocol(params, headers, scope), False
        if media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return text_reply(HTTPStatus.BAD_REQUEST, "the query is not UTF-8"), False
            if "query" in params:
                return text_reply(HTTPStatus.BAD_REQUEST, "give the query in the body or in the URL, not both"), False
            return await self._protocol({**params, "query": [text]}, headers, scope), False
        if media == "application/sparql-update":
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY), False
        wanted = "send application/x-www-form-urlencoded (query=...) or application/sparql-query"
        return text_reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, wanted), False

    def _params(self, text: str) -> dict[str, list[str]]:
        """Query-string or form parameters, at most ``max_params`` of them, percent-escapes in UTF-8."""
        try:
            return parse_qs(text, keep_blank_values=True, max_num_fields=self.settings.max_params, errors="strict")
        except ValueError as exc:  # too many fields, or percent-escapes that are not UTF-8
            raise BadRequest(text_reply(HTTPStatus.BAD_REQUEST, f"bad parameters: {exc}")) from None

    async def _body(self, headers: _Headers, receive: Receive) -> bytes:
        """The request body, after checking its framing; ``BadRequest`` (closing the connection) when wrong."""
        s = self.settings
        lengths = headers.getall("content-length")
        if headers.getall("transfer-encoding"):
            if lengths:
                raise BadRequest(text_reply(400, "Content-Length together with Transfer-Encoding"), close=True)
            raise BadRequest(text_reply(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length"), close=True)
        if not lengths:
            raise BadRequest(text_reply(HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length"), close=True)
        if len(lengths) > 1 or not lengths[0].isascii() or not lengths[0].isdigit():
            raise BadRequest(text_reply(400, "bad Content-Length"), close=True)
        size = int(lengths[0])
        if size > s.max_body:
            raise BadRequest(
                text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"requests are limited to {s.max_body} bytes"),
                close=True,
            )
        body = bytearray()
        deadline = time.monotonic() + s.body_timeout
        more = True
        while more:
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, remaining))
            except TimeoutError:
                raise BadRequest(
                    text_reply(HTTPStatus.REQUEST_TIMEOUT, f"the body did not arrive within {s.body_timeout:g} s"),
                    close=True,
                ) from None
            if message["type"] == "http.disconnect":
                raise BadRequest(text_reply(400, "the client went away"), close=True)
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > s.max_body:
                raise BadRequest(text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large"), close=True)
        return bytes(body)

    async def _get(self, path: str, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        if path in ("/", "/index.html"):
            return Reply(HTTPStatus.OK, "text/html; charset=utf-8", self.page, dict(PAGE_SECURITY))
        if path == "/page.js":
            return Reply(HTTPStatus.OK, "text/javascript; charset=utf-8", PAGE_JS.encode(), dict(PAGE_SECURITY))
        if path == "/page.css":
            return Reply(HTTPStatus.OK, "text/css; charset=utf-8", PAGE_CSS.encode(), dict(PAGE_SECURITY))
        if path == "/sparql":
            return await self._protocol(params, headers, scope)
        if path == "/queries":
            return Reply(HTTPStatus.OK, "application/json", self.listing)
        if path.startswith("/queries/"):
            return await self._named(unquote(path[len("/queries/") :]), params, headers, scope)
        return text_reply(HTTPStatus.NOT_FOUND, f"no such page: {path}; the endpoint is at /sparql")

    def _accept(self, params: dict[str, list[str]], headers: Any) -> str:
        """The Accept header, unless a ``format``/``output`` parameter names a known format."""
        for key in ("format", "output"):
            for name in params.get(key, []):
                if name.lower() in FORMAT_NAMES:
                    return FORMAT_NAMES[name.lower()]
        return ", ".join(headers.getall("accept"))

    async def _protocol(self, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        if "update" in params:
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return text_reply(
                HTTPStatus.BAD_REQUEST, "this endpoint has one default graph; drop default-graph-uri/named-graph-uri"
            )
        texts = params.get("query", [])
        if len(texts) != 1 or not texts[0].strip():
            return text_reply(HTTPStatus.BAD_REQUEST, "give exactly one query, e.g. /sparql?query=SELECT...")
        return await self._run(texts[0], self._accept(params, headers), scope)

    async def _named(self, name: str, params: dict[str, list[str]], headers: Any, scope: Scope) -> Reply:
        query = self.queries.get(name)
        if query is None:
            return text_reply(HTTPStatus.NOT_FOUND, f"no library query named {name!r}; see /queries")
        values = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}
        try:
            text = query.bind(values)
        except QueryError as exc:
            return text_reply(HTTPStatus.BAD_REQUEST, str(exc))
        return await self._run(text, self._accept(params, headers), scope)

    def _inspect(self, text: str) -> policy.Shape | policy.PolicyError:
        """The policy's verdict on ``text``, remembered for the texts seen most recently.

        Clients repeat the same texts (the library's queries above all); reading them once
        saves the tokenizer's fraction of a millisecond on every later request.
        """
        verdict = self._verdicts.get(text)
        if verdict is None:
            s = self.settings
            try:
                verdict = policy.inspect(
                    text, s.query, allowed_services=s.allowed_services, default_prefixes=DEFAULT_PREFIXES
                )
            except policy.PolicyError as exc:
                verdict = exc
            if len(text) <= 20_000:
                self._verdicts[text] = verdict
                if len(self._verdicts) > 2_000:
                    self._verdicts.pop(next(iter(self._verdicts)))
        return verdict

    async def _run(self, text: str, accept: str, scope: Scope) -> Reply:
        shape = self._inspect(text)
        if isinstance(shape, policy.PolicyError):
            return text_reply(shape.status, str(shape))
        media = choose_type(accept, shape.kind)
        if media is None:
            offered = GRAPH_TYPES if shape.kind == "graph" else SELECT_TYPES
            return text_reply(HTTPStatus.NOT_ACCEPTABLE, f"this result can be sent as: {', '.join(offered)}")
        engine_media = "application/n-triples" if shape.kind == "graph" else media
        sent, added = policy.with_prefixes(text, shape, DEFAULT_PREFIXES)
        client = (scope.get("client") or ("?", 0))[0]
        reply, _lane = await self.scheduler.run(sent, engine_media, shape.fingerprint, client)
        if reply.status == 400:
            message = policy.syntax_message(reply.body.decode("utf-8", "replace"), text, added)
            return Reply(400, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), reply.headers)
        if reply.status == 200 and engine_media != media:
            reply.body = await asyncio.to_thread(_graph_as, reply.body, media)
            reply.content_type = _content_type(media)
        return reply


class _Headers(dict[str, list[str]]):
    def get(self, name: str, default: str = "") -> str:  # type: ignore[override]
        values = super().get(name)
        return values[0] if values else default

    def getall(self, name: str) -> list[str]:
        return super().get(name) or []


def _headers(scope: Scope) -> _Headers:
    headers = _Headers()
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return headers


async def _send(send: Send, reply: Reply, *, head: bool = False, close: bool = False) -> None:
    headers: dict[str, str] = {**CORS, "Vary": "Accept", **reply.headers}
    if reply.content_type:
        headers["Content-Type"] = reply.content_type
    headers["Content-Length"] = str(len(reply.body))
    if close:
        headers["Connection"] = "close"
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": int(reply.status), "headers": raw})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


# ---------------------------------------------------------------------------------------
# The HTTP layer: uvicorn's httptools protocol with header limits and timeouts
# ---------------------------------------------------------------------------------------

DEFAULT_HEADERS = [("server", "cxkb"), ("x-content-type-options", "nosniff")]


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol plus what it leaves out: a header deadline and size limit.

    uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but a connection
    that never sends a complete request head (slowloris) would stay open. Here a timer
    runs from the connection's start, and from the first byte of each later request, to
    the end of the head; the head may be at most ``max_header_bytes`` long; and beyond
    ``max_connections`` open connections a new one is answered 503 with Retry-After.
    """

    settings: Settings = Settings()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None
        if len(self.connections) > self.settings.max_connections:
            self._refuse(503, "too many connections; try again in a moment", retry=True)
            return
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.settings.header_timeout, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self._refuse(408, f"the request head did not arrive within {self.settings.header_timeout:g} s")

    def _refuse(self, status: int, message: str, *, retry: bool = False) -> None:
        body = (message + "\n").encode("utf-8")
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines += [f"{k}: {v}" for k, v in DEFAULT_HEADERS]
        lines += [f"{k}: {v}" for k, v in CORS.items()]
        if retry:
            lines.append(f"Retry-After: {self.settings.retry_after}")
        lines += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}", "Connection: close"]
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._arm()
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end + 4
            if self._head_bytes > self.settings.max_header_bytes:
                limit = self.settings.max_header_bytes
                self._refuse(431, f"the request line and headers are limited to {limit} bytes")
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._in_head = True
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_config(app: Front, host: str, port: int, *, access_log: bool) -> uvicorn.Config:
    """uvicorn with the guarded protocol, uvloop, no version in ``Server`` and ``nosniff`` on every answer."""
    protocol = type("Guarded", (GuardedProtocol,), {"settings": app.settings})
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        loop="uvloop",
        lifespan="on",
        server_header=False,
        headers=list(DEFAULT_HEADERS),
        timeout_keep_alive=max(1, round(app.settings.idle_timeout)),
        timeout_graceful_shutdown=3,
        backlog=1024,
        access_log=access_log,
        log_level="info" if access_log else "warning",
    )


def serve(
    settings: Settings,
    store_dir: Path,
    queries: list[NamedQuery],
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    access_log: bool = False,
    on_ready: Callable[[Front, int], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; the engines are killed on the way out, whatever happens."""
    app = Front(settings, store_dir, queries)
    server = uvicorn.Server(uvicorn_config(app, host, port, access_log=access_log))
    if on_ready is not None:
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets=sockets)
            if server.started:
                bound = port
                for listener in server.servers:
                    for sock in listener.sockets:
                        bound = sock.getsockname()[1]
                on_ready(app, bound)

        server.startup = startup  # type: ignore[method-assign]
    # uvicorn catches SIGINT and SIGTERM to shut down gracefully and raises them again
    # once it has; with these handlers that second delivery is a no-op, so the caller's
    # clean-up (the engines, the store folder) runs and the exit status is 0.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        app.scheduler.fast.close()
        app.scheduler.slow.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stopped(_signum: int, _frame: object) -> None:
    return None


def settings_summary(settings: Settings) -> Mapping[str, object]:
    """The limits as plain data (for the log line at start-up and for tests)."""
    return {k: getattr(settings, k) for k in settings.__dataclass_fields__}
