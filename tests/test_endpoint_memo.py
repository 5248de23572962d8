"""The front's memories and its engine connections, without a running endpoint.

What is remembered per request text (parameters, the policy's verdict, the chosen media
type) must never change an answer: a remembered verdict belongs to exactly one text, so an
update or a ``SERVICE`` call is refused however many queries were let through before it,
and the memories stay within their bounds whatever clients send. The engine connections
must be kept alive (a new one per query costs the engine a thread) and a pooled one the
engine has closed must not cost the query its answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import httptools
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cxkb.sparql import policy
from cxkb.sparql.answers import Reply, RowCounter, Settings
from cxkb.sparql.front import Accepted, BadRequest, Front
from cxkb.sparql.lanes import Scheduler, _Answer, engine_request
from cxkb.sparql.library import DEFAULT_PREFIXES
from cxkb.sparql.memo import AnswerMemory, Memo

T = TypeVar("T")
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
PIECES = [
    "SELECT ?s WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    "INSERT DATA { <urn:x:s> <urn:x:p> 'x' }",
    "DROP ALL",
    "DELETE WHERE { ?s ?p ?o }",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "SERVICE SILENT ?x { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/#>",
    "BASE <http://x/#>",
    "# SERVICE in a comment",
    "'SERVICE in a string'",
    "{",
    "}",
    "LIMIT 3",
    "cx:Paper",
    "\n",
]


def front(**limits: Any) -> Front:
    """A front that is never started: no engine runs, only the request-side work is exercised."""
    return Front(Settings(**limits), Path("/nonexistent"), [])


def fresh(text: str, s: Settings) -> policy.Shape | policy.PolicyError:
    try:
        return policy.inspect(text, s.query, allowed_services=s.allowed_services, default_prefixes=DEFAULT_PREFIXES)
    except policy.PolicyError as exc:
        return exc


def same(a: object, b: object) -> bool:
    if isinstance(a, policy.PolicyError) and isinstance(b, policy.PolicyError):
        return (a.status, str(a)) == (b.status, str(b))
    if isinstance(a, Accepted):
        a = a.shape
    return a == b


# -- the memo itself


def test_memo_forgets_the_least_recently_used_first() -> None:
    memo: Memo[int] = Memo(entries=3)
    for i, key in enumerate("abc"):
        memo.put(key, i)
    assert memo.get("a") == 0  # now the most recent
    memo.put("d", 3)
    assert "b" not in memo and all(k in memo for k in "acd")
    assert len(memo) == 3


def test_memo_is_bounded_by_the_characters_it_holds() -> None:
    memo: Memo[int] = Memo(entries=1_000, chars=100, max_key=60)
    memo.put("x" * 61, 1)  # too long to remember at all
    assert len(memo) == 0
    for i in range(10):
        memo.put(str(i) * 30, i)
    assert memo.held_chars <= 100 and len(memo) == 3
    memo.put("9" * 30, 9)  # putting a key again neither grows nor shrinks it
    assert memo.held_chars == 90


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.integers()), max_size=200))
def test_memo_stays_within_its_bounds(pairs: list[tuple[str, int]]) -> None:
    memo: Memo[int] = Memo(entries=7, chars=50, max_key=20)
    for key, value in pairs:
        memo.put(key, value)
        assert len(memo) <= 7 and memo.held_chars <= 50
        if len(key) <= 20:
            assert memo.get(key) == value


# -- verdicts


def test_a_remembered_query_never_lets_an_update_or_a_service_through() -> None:
    app = front()
    assert isinstance(app._inspect(SELECT), Accepted)
    update = "INSERT DATA { <urn:x:s> <urn:x:p> 'x' }"
    service = "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } LIMIT 3"
    for _ in range(3):  # first reading and remembered readings alike
        refused = app._inspect(update)
        assert isinstance(refused, policy.PolicyError) and refused.status == 403
        refused = app._inspect(service)
        assert isinstance(refused, policy.PolicyError) and refused.status == 400
        assert isinstance(app._inspect(SELECT), Accepted)


def test_an_update_that_differs_from_a_remembered_query_by_one_character_is_refused() -> None:
    app = front()
    allowed = "SELECT * WHERE { ?s ?p ?o }"
    assert isinstance(app._inspect(allowed), Accepted)
    verdict = app._inspect("DELETE WHERE { ?s ?p ?o }")
    assert isinstance(verdict, policy.PolicyError) and verdict.status == 403


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(" ".join), min_size=1, max_size=12))
def test_remembered_verdicts_are_the_policys_verdicts(texts: list[str]) -> None:
    app = front()
    for text in texts + texts[::-1]:  # every text read first and then remembered
        verdict = app._inspect(text)
        assert same(verdict, fresh(text, app.settings)), text
        if isinstance(verdict, Accepted):
            assert verdict.sent.endswith(text)
            words = {t.text.upper() for t in policy.tokenize(text) if t.kind == "word"}
            assert "SERVICE" not in words
            assert policy.tokenize(text)[0].text.upper() not in policy.UPDATE_WORDS


def test_the_verdict_memory_is_bounded() -> None:
    app = front()
    for i in range(5_000):
        app._inspect(f"SELECT ?s WHERE {{ ?s ?p {i} }}")
    assert len(app._verdicts) <= app._verdicts.entries
    app._inspect("SELECT ?s WHERE { ?s ?p ?o } #" + "x" * 30_000)  # long texts are read every time
    assert len(app._verdicts) <= app._verdicts.entries


# -- parameters and media types


def test_parameters_are_a_fresh_dict_every_time() -> None:
    app = front()
    first = app._params("query=SELECT%20*&format=json")
    first["query"].append("DROP ALL")
    first["update"] = ["DROP ALL"]
    assert app._params("query=SELECT%20*&format=json") == {"query": ["SELECT *"], "format": ["json"]}


def test_bad_parameters_are_refused_every_time() -> None:
    app = front(max_params=3)
    for _ in range(2):
        with pytest.raises(BadRequest):
            app._params("a=1&b=2&c=3&d=4")
        with pytest.raises(BadRequest):
            app._params("query=%FF")


def test_the_media_type_follows_the_accept_header_and_the_kind() -> None:
    app = front()
    for _ in range(2):
        assert app._choose("application/sparql-results+json", "select") == "application/sparql-results+json"
        assert app._choose("text/turtle", "graph") == "text/turtle"
        assert app._choose("text/turtle", "select") is None
        assert app._choose("", "graph") == "text/turtle"


# -- engine connections


def test_keep_alive_is_read_when_the_answer_ends() -> None:
    """llhttp forgets the connection's state once the message is over: it must be asked before."""
    for head, keep in ((b"", True), (b"connection: close\r\n", False)):
        answer = _Answer(RowCounter("application/sparql-results+json", 10))
        parser = answer.parser = httptools.HttpResponseParser(answer)
        parser.feed_data(b"HTTP/1.1 200 OK\r\n" + head + b"transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        assert answer.done and answer.keep_alive is keep


async def _engine_like(closing_first: int) -> tuple[asyncio.Server, list[int]]:
    """A loopback server answering every request with a fixed chunked answer; it closes the first
    ``closing_first`` connections as soon as they are opened, like an engine dropping idle ones."""
    opened: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened.append(1)
        if len(opened) <= closing_first:
            await asyncio.sleep(0.05)
            writer.close()
            return
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, opened


def test_engine_connections_are_reused_and_a_stale_one_is_replaced() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        server, opened = await _engine_like(closing_first=0)
        engine = SimpleNamespace(connections=[], port=server.sockets[0].getsockname()[1], condemned=False)
        statuses = []
        for _ in range(5):
            status, body, over = await engine_request(engine, b"ASK {}", "application/sparql-results+json", _counter())  # type: ignore[arg-type]
            statuses.append(status)
        assert len(opened) == 1 and body == b"{}" and not over
        # The engine drops the pooled connection: the next query still gets its answer.
        stale_server, stale_opened = await _engine_like(closing_first=1)
        engine.port = stale_server.sockets[0].getsockname()[1]
        engine.connections = [await asyncio.open_connection("127.0.0.1", engine.port)]
        await asyncio.sleep(0.1)
        status, _, _ = await engine_request(engine, b"ASK {}", "application/sparql-results+json", _counter())  # type: ignore[arg-type]
        statuses.append(status)
        for s in (server, stale_server):
            s.close()
        return statuses, stale_opened

    statuses, stale_opened = _in_own_loop(scenario)
    assert statuses == [200] * 6 and len(stale_opened) == 2


def _in_own_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a loop of its own in a thread of its own (another test may leave a loop running here)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result(timeout=60)


def _counter() -> RowCounter:
    return RowCounter("application/sparql-results+json", 10)


# -- the memory budget


class FakeEngine:
    def __init__(self, rss_mib: int, lane: str = "fast") -> None:
        self.rss = rss_mib * 1024
        self.lane = lane
        self.condemned = False
        self.condemned_at = 0.0
        self.killed = False
        self.inflight = 1
        self.connections: list[object] = []

    def rss_kib(self) -> int:
        return 0 if self.killed else self.rss

    def alive(self) -> bool:
        return not self.killed

    def condemn(self) -> None:
        self.condemned = True
        self.condemned_at = -1e9  # condemned long ago

    def kill(self) -> None:
        self.killed = True


def test_over_the_endpoint_budget_the_largest_condemned_engine_is_killed() -> None:
    scheduler = Scheduler(Settings(engine_memory=150, memory=300), Path("/nonexistent"))
    fast, old, slow = FakeEngine(20), FakeEngine(140), FakeEngine(140, "slow")
    old.condemn()
    slow.condemn()
    slow.rss = 145 * 1024
    scheduler.fast.engines = {fast, old}  # type: ignore[assignment]
    scheduler.slow.engines = {slow}  # type: ignore[assignment]
    scheduler.check_memory()
    assert slow.killed and not old.killed and not fast.killed
    assert slow not in scheduler.slow.engines


def test_within_the_budgets_nothing_is_killed() -> None:
    scheduler = Scheduler(Settings(engine_memory=150, memory=10_000), Path("/nonexistent"))
    engines = {FakeEngine(20), FakeEngine(140)}
    scheduler.fast.engines = engines  # type: ignore[assignment]
    scheduler.check_memory()
    assert not any(e.killed or e.condemned for e in engines)


# -- runaway suspicion under overload


def test_patience_grows_with_the_fast_lanes_typical_time_within_half_the_limit() -> None:
    scheduler = Scheduler(Settings(timeout=10, slow_after=1), Path("/nonexistent"))
    assert scheduler.patience() == 1  # an idle or quick fast lane: slow_after
    scheduler.typical = 0.1
    assert scheduler.patience() == 1
    scheduler.typical = 0.5  # every query takes half a second: overload, not runaways
    assert scheduler.patience() == 2
    scheduler.typical = 30
    assert scheduler.patience() == 5


def test_a_query_known_fast_goes_slow_only_after_repeated_overruns() -> None:
    scheduler = Scheduler(Settings(), Path("/nonexistent"))
    scheduler.fast_queries.put("cheap", 0.0)
    for _ in range(Scheduler.STRIKES - 1):
        scheduler._found_slow("cheap", "10.0.0.1")
        assert scheduler.lane_for("cheap", "10.0.0.1") is scheduler.fast
    scheduler._found_slow("cheap", "10.0.0.1")
    assert scheduler.lane_for("cheap", "10.0.0.1") is scheduler.slow
    scheduler._found_slow("unknown", "10.0.0.2")  # never seen in time: slow at once
    assert scheduler.lane_for("unknown", "10.0.0.2") is scheduler.slow


# -- remembered answers


def test_answer_memory_is_bounded_in_bytes_and_forgets_the_oldest_first() -> None:
    memory = AnswerMemory(budget=1_600)
    memory.put("a", 200, "text/csv", b"x" * 99, {})
    memory.put("b", 200, "text/csv", b"y" * 99, {})
    assert memory.get("a") is not None  # a is now the most recent
    for i in range(20):
        memory.put(f"k{i:02}", 200, "text/csv", b"z" * 95, {})
    assert memory.held_bytes <= 1_600 and memory.get("b") is None
    memory.put("big", 200, "text/csv", b"w" * 200, {})  # over a sixteenth of the budget
    assert memory.get("big") is None
    off = AnswerMemory(budget=0)
    off.put("a", 200, "text/csv", b"x", {})
    assert len(off) == 0


@given(st.lists(st.tuples(st.text(max_size=30), st.binary(max_size=200)), max_size=60))
@settings(max_examples=examples(50), deadline=None)
def test_answer_memory_stays_within_its_budget(items: list[tuple[str, bytes]]) -> None:
    memory = AnswerMemory(budget=2_000)
    first: dict[str, bytes] = {}
    for key, body in items:
        if memory.get(key) is None:  # not held: this put decides the key's answer
            first[key] = body
        memory.put(key, 200, "text/plain", body, {"X": "1"})
        assert memory.held_bytes <= 2_000
        kept = memory.get(key)
        assert kept is None or kept[2] == first[key], "a key's answer never changes while it is held"


def test_queries_that_change_from_call_to_call_are_not_repeatable() -> None:
    s = Settings()
    assert fresh("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", s).repeatable  # type: ignore[union-attr]
    for text in (
        "SELECT (NOW() AS ?t) WHERE {}",
        "SELECT (rand() AS ?r) WHERE {}",
        "SELECT ?s WHERE { ?s ?p ?o BIND(STRUUID() AS ?u) }",
        "CONSTRUCT { ?s <urn:x:p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
    ):
        shape = fresh(text, s)
        assert isinstance(shape, policy.Shape) and not shape.repeatable, text
    allowed = Settings(allowed_services=frozenset({"http://example.org/sparql"}))
    shape = fresh("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", allowed)
    assert isinstance(shape, policy.Shape) and not shape.repeatable
    named = fresh("SELECT ?now WHERE { ?s ?p ?now }", s)  # a variable named like the function
    assert isinstance(named, policy.Shape) and named.repeatable


class _CountingScheduler:
    """Stands in for the engines: answers every query, counting how often it was asked."""

    def __init__(self, status: int = 200) -> None:
        self.calls = 0
        self.status = status

    async def run(self, sent: str, media: str, fingerprint: str, client: str) -> tuple[Reply, str]:
        self.calls += 1
        body = f"answer {self.calls}\n".encode()
        headers = {"Server-Timing": "queue;dur=1.0, query;dur=2.0", "X-Cxkb-Lane": "fast"}
        return Reply(self.status, "text/csv; charset=utf-8", body, headers), "fast"


def _answers(app: Front, text: str, times: int = 2) -> list[Reply]:
    scope = {"client": ("127.0.0.1", 1)}
    return [_in_own_loop(lambda: app._run(text, "text/csv", scope)) for _ in range(times)]


def test_a_repeated_query_is_answered_from_memory() -> None:
    app = front()
    app.scheduler = _CountingScheduler()  # type: ignore[assignment]
    first, second = _answers(app, SELECT)
    assert app.scheduler.calls == 1 and first.body == second.body == b"answer 1\n"
    assert second.headers["X-Cxkb-Lane"] == "memory" and first.headers["X-Cxkb-Lane"] == "fast"
    other = _answers(app, SELECT + " ", times=1)[0]  # another text, another answer
    assert other.body == b"answer 2\n"
    scope = {"client": ("127.0.0.1", 1)}
    as_json = _in_own_loop(lambda: app._run(SELECT, "application/sparql-results+json", scope))
    assert as_json.body == b"answer 3\n", "each result format is remembered apart"


def test_volatile_queries_errors_and_a_disabled_memory_always_reach_the_engine() -> None:
    app = front()
    app.scheduler = _CountingScheduler()  # type: ignore[assignment]
    _answers(app, "SELECT (NOW() AS ?t) WHERE {}")
    assert app.scheduler.calls == 2
    failing = front()
    failing.scheduler = _CountingScheduler(status=503)  # type: ignore[assignment]
    _answers(failing, SELECT)
    assert failing.scheduler.calls == 2
    off = front(answer_cache=0)
    off.scheduler = _CountingScheduler()  # type: ignore[assignment]
    _answers(off, SELECT)
    assert off.scheduler.calls == 2
