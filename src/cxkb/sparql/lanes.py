"""Scheduling queries in a fast and a slow lane, so runaways run without starving cheap queries."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httptools
import pyoxigraph as ox

from cxkb.sparql.answers import Reply, RowCounter, Settings, text_reply
from cxkb.sparql.library import DEFAULT_PREFIXES
from cxkb.sparql.oxigraph_server import Engine

Scope = dict[str, Any]


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
        current = self._current
        engine = current.result() if current.done() else await asyncio.shield(current)
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
    STRIKES = 3  # slow runs in a row that send a query known to finish in time to the slow lane

    def __init__(self, settings: Settings, store_dir: Path) -> None:
        self.settings = settings
        # No ``--timeout-s`` for the engines: the Oxigraph server starts a thread per query
        # for it, which sleeps out the whole limit (thousands of threads at a few hundred
        # queries a second: CPU on every query and megabytes of stacks), and it does not stop
        # every query anyway. The time limit is the front's: it ends an overrunning query by
        # killing the process it runs in (``run`` below).
        self.fast = Lane("fast", settings.fast_concurrency, lambda: Engine(store_dir, lane="fast"))
        self.slow = Lane("slow", settings.slow_concurrency, lambda: Engine(store_dir, lane="slow", nice=10))
        self.slow_queries = Bounded(10_000)  # fingerprint -> when it was last found slow
        self.fast_queries = Bounded(10_000)  # fingerprint -> when it last finished in time
        self.strikes = Bounded(10_000)  # fingerprint known fast -> slow runs since its last timely one
        self.slow_clients: dict[str, deque[float]] = {}
        self.typical = 0.0  # running mean of the seconds fast-lane queries take (see ``patience``)
        self._watch: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self.fast.start()
        self.slow.start()
        await self.fast.engine()
        await self.slow.engine()
        self._watch = asyncio.ensure_future(self._watch_memory())

    WATCH_EVERY = 0.05  # seconds between two looks at the engines' memory
    GRACE = 0.25  # seconds a condemned engine keeps its other queries before it may be killed for memory

    async def _watch_memory(self) -> None:
        """Keep each engine and the whole endpoint within their memory budgets.

        A runaway can hold gigabytes (a cross join's hash tables grow by a couple of hundred
        MiB a second) long before its time is up. An engine over ``engine_memory`` takes no
        new work; at twice that it is killed. And when the front and its engines together
        pass ``memory`` (two runaways at once, each under its own budget), the largest
        condemned engine is killed once it has been condemned for ``GRACE`` seconds (the
        cheap queries it still ran have moved on by then), or the largest engine is
        condemned. Queries on a killed engine get 503 with Retry-After.
        """
        while True:
            await asyncio.sleep(self.WATCH_EVERY)
            self.check_memory()

    def check_memory(self) -> None:
        """One look at the engines' resident memory (see ``_watch_memory``)."""
        budget = self.settings.engine_memory * 1024
        sizes: list[tuple[int, Lane, Engine]] = []
        for lane in (self.fast, self.slow):
            for engine in list(lane.engines):
                rss = engine.rss_kib()
                if rss > budget and not engine.condemned:
                    lane.replace(engine)
                if rss > 2 * budget and engine.condemned:
                    self._kill(lane, engine)
                elif engine.alive():
                    sizes.append((rss, lane, engine))
        total = _own_rss_kib() + sum(rss for rss, _, _ in sizes)
        if total <= self.settings.memory * 1024 or not sizes:
            return
        now = time.monotonic()
        sizes.sort(key=lambda item: item[0], reverse=True)
        for _rss, lane, engine in sizes:
            if engine.condemned and now - engine.condemned_at >= self.GRACE:
                self._kill(lane, engine)
                return
        rss, lane, engine = sizes[0]
        if not engine.condemned and rss > budget // 4:  # a fresh engine is not what holds the memory
            lane.replace(engine)

    @staticmethod
    def _kill(lane: Lane, engine: Engine) -> None:
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

    TYPICAL_WEIGHT = 0.05  # weight of each fast-lane query in the running mean of their times
    TYPICAL_FACTOR = 4.0  # past this many times that mean (and slow_after) a fast-lane query is a suspect

    def patience(self) -> float:
        """Seconds a fast-lane query runs before it counts as a runaway suspect.

        ``slow_after``, unless the fast lane as a whole is slow: on a machine short of CPU
        (other work, more clients than the cores can serve) every query takes longer, and
        one that takes as long as the others is no runaway; condemning it would send its
        repeats to the one-place slow lane and turn overload into refusals. So a query is a
        suspect only past ``TYPICAL_FACTOR`` times the running mean of fast-lane times too,
        and at most half the time limit.
        """
        s = self.settings
        return max(s.slow_after, min(self.TYPICAL_FACTOR * self.typical, s.timeout / 2))

    def _suspect(self, client: str) -> bool:
        times = self.slow_clients.get(client)
        if not times:
            return False
        horizon = time.monotonic() - self.SUSPECT_WINDOW
        while times and times[0] < horizon:
            times.popleft()
        return len(times) >= self.SUSPECT_AFTER

    def _found_slow(self, fingerprint: str, client: str) -> None:
        """Remember that ``fingerprint`` ran slow, so its repeats go to the slow lane.

        A query known to finish in time is moved only after ``STRIKES`` slow runs with no
        timely one between them: on a machine short of CPU a cheap query can overrun once,
        and sending all its repeats to the one-place slow lane would refuse them by the
        thousand. Such a strike does not count against the client either.
        """
        if fingerprint in self.fast_queries and fingerprint not in self.slow_queries:
            strikes = self.strikes.get(fingerprint, 0.0) + 1
            if strikes < self.STRIKES:
                self.strikes.put(fingerprint, strikes)
                return
        self.strikes.pop(fingerprint, None)
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
        if lane.slots.locked():
            lane.waiting += 1
            try:
                await asyncio.wait_for(lane.slots.acquire(), s.queue_wait)
            except TimeoutError:
                return self._busy(lane, queued, time.perf_counter()), lane.name
            finally:
                lane.waiting -= 1
        else:  # a free place: taken at once, without the task and timer of a bounded wait
            await lane.slots.acquire()
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
            if not done and lane is self.fast and self.patience() > s.slow_after:
                done, _ = await asyncio.wait({task}, timeout=self.patience() - s.slow_after)
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
            # Until the time limit from the query's start (the event loop's timers may fire
            # a little early, and the patience above may have used some of it).
            remaining = s.timeout - (time.perf_counter() - started)
            while not done and remaining > 0:
                done, _ = await asyncio.wait({task}, timeout=remaining)
                remaining = s.timeout - (time.perf_counter() - started)
            if not done:
                self._found_slow(fingerprint, client)
                return self._stopped(queued, started, f"the time limit of {s.timeout:g} s"), "slow"
            reply = task.result()
            elapsed = time.perf_counter() - started
            if held is self.fast:
                self.typical += self.TYPICAL_WEIGHT * (elapsed - self.typical)
            if elapsed <= s.slow_after:
                self.fast_queries.put(fingerprint, time.monotonic())
                self.strikes.pop(fingerprint, None)
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
        self.keep_alive = False
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
        # Asked here because llhttp resets its flags once the message is over: asked after
        # ``feed_data`` returns, it says "close" for every answer and no connection is reused.
        assert self.parser is not None
        self.keep_alive = self.parser.should_keep_alive()
        self.done = True


class _Stale(Exception):
    """A kept-alive connection the engine had closed before the request was sent on it."""


async def engine_request(engine: Engine, query: bytes, media: str, counter: RowCounter) -> tuple[int, bytes, bool]:
    """POST a query to the engine on a kept-alive loopback connection; read its answer with llhttp.

    Connections are reused: a new TCP connection for every query costs the engine a
    thread and the front a connect, about as much as a cheap query itself. One the engine
    closed while it sat in the pool fails before any answer arrives; the query is then
    sent on the next one (queries do not change the store, so sending again is safe).
    """
    pool = engine.connections
    while pool:
        reader, writer = pool.pop()
        try:
            return await _exchange(engine, reader, writer, query, media, counter, reused=True)
        except _Stale:
            continue
    reader, writer = await asyncio.open_connection("127.0.0.1", engine.port)
    return await _exchange(engine, reader, writer, query, media, counter, reused=False)


async def _exchange(
    engine: Engine,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    query: bytes,
    media: str,
    counter: RowCounter,
    *,
    reused: bool,
) -> tuple[int, bytes, bool]:
    """One request and its answer on one connection.

    The connection goes back to the pool only after an answer was read to its end; one
    abandoned in the middle (the row cap was passed, or the query was cancelled) is
    closed, which also tells the engine to stop writing.
    """
    head = (
        f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: {media}\r\nContent-Length: {len(query)}\r\n\r\n"
    ).encode("latin-1")
    answer = _Answer(counter)
    parser = answer.parser = httptools.HttpResponseParser(answer)
    reusable = False
    received = False
    try:
        writer.write(head + query)
        while not answer.done and not answer.over:
            try:
                data = await reader.read(262_144)
            except ConnectionError:
                if reused and not received:
                    raise _Stale from None
                raise
            if not data:
                if reused and not received:
                    raise _Stale
                raise EOFError("the engine closed the connection")
            received = True
            parser.feed_data(data)
        reusable = answer.done and not answer.over and answer.keep_alive
        return answer.status, bytes(answer.body), answer.over
    finally:
        if reusable and not engine.condemned and len(engine.connections) < 64:
            engine.connections.append((reader, writer))
        else:
            writer.close()


def _own_rss_kib() -> int:
    """Resident memory of this process (the front) in KiB."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


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
