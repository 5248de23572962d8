"""Security and load-review probes replayed against the real endpoint (``cxkb serve``).

Each probe from the review is sent as the attacker sent it (raw sockets where the HTTP
framing is the attack), its answer is checked, and then the endpoint must still answer a
normal query within 100 ms and its engine processes must be the ones it started with (no
probe crashed one). For SSRF a listener on 127.0.0.1 must receive nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from conftest import REPO, make_root
from endpoint_support import Served, alive, children, serve

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
NORMAL = "SELECT ?id WHERE { ?p a cx:Paper ; dcterms:identifier ?id } ORDER BY ?id LIMIT 3"
TIMEOUT = 3


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_root(tmp_path_factory.mktemp("security"))
    shutil.copytree(REPO / "queries", root / "queries")
    return root


@pytest.fixture(scope="module")
def endpoint(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    args = (
        "--timeout",
        str(TIMEOUT),
        "--slow-after",
        "0.5",
        "--header-timeout",
        "1",
        "--body-timeout",
        "1",
        "--idle-timeout",
        "1",
        "-q",
    )
    served = serve(root, tmp_path_factory.mktemp("security-log") / "serve.log", *args)
    try:
        yield served
    finally:
        assert served.stop() == 0


@pytest.fixture
def healthy(endpoint: Served) -> Iterator[None]:
    """After the probe: a normal query answers 200 within 100 ms (best of three), and both engines run."""
    yield
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        status, _, body = request(endpoint, "GET", "/sparql?" + urlencode({"query": NORMAL}))
        elapsed = time.perf_counter() - start
        assert status == 200, body
        assert len(json.loads(body)["results"]["bindings"]) == 3  # the mini tables have three papers
        best = min(best, elapsed)
    assert best < 0.1, f"a normal query took {best * 1000:.0f} ms after the probe"
    assert len([pid for pid in endpoint.engines() if alive(pid)]) >= 2


def request(
    endpoint: Served, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def query(endpoint: Served, text: str) -> tuple[int, dict[str, str], bytes]:
    return request(endpoint, "GET", "/sparql?" + urlencode({"query": text}))


def raw(endpoint: Served, data: bytes, *, wait: float = 5.0, then: bytes = b"") -> bytes:
    """Send raw bytes (and optionally more after), read until the server closes or ``wait`` passes."""
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=wait) as sock:
        sock.sendall(data)
        if then:
            with contextlib.suppress(OSError):  # the server may have answered and closed already
                sock.sendall(then)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def status_line(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def header_block(answer: bytes) -> str:
    return answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()


# ---------------------------------------------------------------------------------------
# 1, 2: SERVICE (SSRF, self-federation)
# ---------------------------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(65536) or b"(connected)")
                    conn.sendall(b"HTTP/1.1 500 No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self._stop = True
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def service_probes(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"# a comment\nSELECT * WHERE {{ ?s ?p 'x' . SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ {{ SERVICE <{url}> {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.usefixtures("healthy")
def test_service_is_refused_and_nothing_is_sent(endpoint: Served, listener: Listener) -> None:
    for text in service_probes(listener.port):
        for status, _, body in (
            query(endpoint, text),
            request(endpoint, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
            request(
                endpoint,
                "POST",
                "/sparql",
                urlencode({"query": text}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
        ):
            assert status == 400, (text, body)
            message = body.decode()
            assert "SERVICE" in message or "unexpected character" in message, message
    time.sleep(0.5)
    assert listener.received == []


@pytest.mark.usefixtures("healthy")
def test_service_inside_strings_iris_and_comments_is_not_a_keyword(endpoint: Served) -> None:
    texts = [
        "SELECT ?s WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/>' } LIMIT 1",
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://127.0.0.1:9/> { }",
        "SELECT ?s WHERE { ?s <http://example.org/SERVICE#x> ?o } LIMIT 1",
    ]
    for text in texts:
        status, _, body = query(endpoint, text)
        assert status == 200, body


@pytest.mark.usefixtures("healthy")
def test_self_federation_is_refused_at_once(endpoint: Served) -> None:
    text = "SELECT * WHERE { ?s ?p ?o }"
    for _ in range(16):
        text = f"SELECT * WHERE {{ SERVICE <{endpoint.sparql}> {{ {text} }} }}"
    start = time.perf_counter()
    status, _, body = query(endpoint, text)
    assert status == 400 and b"SERVICE" in body
    assert time.perf_counter() - start < 1.0


def test_allow_service_opens_only_the_listed_endpoint(root: Path, tmp_path: Path, listener: Listener) -> None:
    other = Listener()
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    served = serve(root, tmp_path / "serve.log", "--allow-service", allowed, "-q")
    try:
        status, _, body = query(served, f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
        assert status != 200 or body  # the listener's 500 makes the query fail; what matters is below
        refused = query(served, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{other.port}/sparql> {{ ?s ?p ?o }} }}")
        assert refused[0] == 400 and allowed in refused[2].decode()
        deadline = time.monotonic() + 5
        while not listener.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert served.stop() == 0
        other.close()
    assert listener.received and b"POST /sparql" in listener.received[0]
    assert other.received == []


# ---------------------------------------------------------------------------------------
# 3, 5: request framing
# ---------------------------------------------------------------------------------------

HEAD = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
BODY = b"ASK { ?s ?p ?o }"  # 16 bytes


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: -1\r\n",
        b"Content-Length: +16\r\n",
        b"Content-Length: 1_6\r\n",
        b"Content-Length: 0x10\r\n",
        b"Content-Length: 16\r\nContent-Length: 17\r\n",
        b"Content-Length: 16\r\nContent-Length: 16\r\n",
        b"Content-Length: 16, 16\r\n",
        b"Content-Length: 16\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 16\r\n",
    ],
    ids=["negative", "signed", "underscore", "hex", "conflicting", "repeated", "list", "cl-then-te", "te-then-cl"],
)
@pytest.mark.usefixtures("healthy")
def test_bad_content_length_is_400(endpoint: Served, framing: bytes) -> None:
    answer = raw(endpoint, HEAD + framing + b"\r\n" + BODY)
    assert status_line(answer) == 400, answer[:300]
    assert "x-content-type-options: nosniff" in header_block(answer)


@pytest.mark.usefixtures("healthy")
def test_negative_length_with_a_streamed_body_is_not_read(endpoint: Served) -> None:
    start = time.perf_counter()
    answer = raw(endpoint, HEAD + b"Content-Length: -1\r\n\r\n", then=b"x" * 5_000_000)
    assert status_line(answer) == 400
    assert time.perf_counter() - start < 5


@pytest.mark.usefixtures("healthy")
def test_chunked_body_without_length_is_refused(endpoint: Served) -> None:
    chunk = b"x" * 60_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40)) + b"0\r\n\r\n"
    answer = raw(endpoint, HEAD + b"Transfer-Encoding: chunked\r\n\r\n", then=body)
    assert status_line(answer) == 411


@pytest.mark.usefixtures("healthy")
def test_oversized_body_and_too_many_parameters(endpoint: Served) -> None:
    answer = raw(endpoint, HEAD + b"Content-Length: 2000000\r\n\r\n")
    assert status_line(answer) == 413
    status, _, _ = request(endpoint, "GET", "/sparql?" + "&".join(f"p{i}=1" for i in range(200)))
    assert status == 400
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
    status, _, _ = request(endpoint, "POST", "/sparql", huge.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400
    answer = raw(endpoint, b"GET /sparql?query=" + b"x" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_line(answer) == 431


# ---------------------------------------------------------------------------------------
# 4: queries that would crash the engine
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 10_000) + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 10_000) + ") }",
        "SELECT * WHERE { ?s " + "/".join(["<http://x/p>"] * 10_000) + " ?o }",
        # '<' read as less-than by the engine, as an IRI by a grammar tokenizer: brackets hidden in an "IRI"
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<" + "(" * 5000 + "1" + ")" * 5000 + ">0) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<" + "+1" * 10_000 + ">0) }",
        "SELECT * WHERE { ?s ?p " + "[ <http://x/p> " * 200 + "1" + " ]" * 200 + " }",
    ],
    ids=["braces", "parens", "unions", "plus-chain", "path-chain", "iri-parens", "iri-chain", "bnode-lists"],
)
@pytest.mark.usefixtures("healthy")
def test_deep_or_long_queries_are_refused_before_the_engine(endpoint: Served, text: str) -> None:
    engines = set(endpoint.engines())
    status, _, body = request(endpoint, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400, body[:300]
    assert b"nests" in body or b"tokens" in body or b"longer than" in body
    assert set(endpoint.engines()) == engines


@pytest.mark.usefixtures("healthy")
def test_a_query_just_inside_the_limits_runs(endpoint: Served) -> None:
    text = "SELECT * WHERE " + "{" * 60 + "?s ?p ?o" + "}" * 60 + " LIMIT 1"
    assert query(endpoint, text)[0] == 200
    text = "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 500) + " } LIMIT 1"
    assert query(endpoint, text)[0] == 200


# ---------------------------------------------------------------------------------------
# 6: idle connections and slow clients
# ---------------------------------------------------------------------------------------


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True, data
            data += chunk
    except TimeoutError:
        return False, data


@pytest.mark.usefixtures("healthy")
def test_idle_and_slow_connections_are_closed(endpoint: Served) -> None:
    # A connection that never sends anything.
    with socket.create_connection(("127.0.0.1", endpoint.port)) as sock:
        closed, _ = closed_within(sock, 4)
        assert closed
    # A slowloris: headers a byte at a time, never finished.
    with socket.create_connection(("127.0.0.1", endpoint.port)) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /queries HTTP/1.1\r\n")
        data = b""
        closed = False
        for byte in b"X-Slow: " + b"a" * 40:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - start > 4:
                break
        if not closed:
            closed, data = closed_within(sock, 4)
        assert closed and time.monotonic() - start < 6
    # A kept-alive connection after an answer.
    with socket.create_connection(("127.0.0.1", endpoint.port)) as sock:
        sock.sendall(b"GET /queries HTTP/1.1\r\nHost: x\r\n\r\n")
        closed, data = closed_within(sock, 4)
        assert closed and status_line(data) == 200
    # A body that never comes.
    answer = raw(endpoint, HEAD + b"Content-Length: 16\r\n\r\nASK", wait=5)
    assert status_line(answer) == 408


# ---------------------------------------------------------------------------------------
# 7, 8: runaways, 503, headers, updates
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("healthy")
def test_runaway_moves_to_the_slow_lane_and_cheap_queries_keep_their_speed(endpoint: Served) -> None:
    results: list[tuple[int, dict[str, str], bytes]] = []
    runaway = threading.Thread(target=lambda: results.append(query(endpoint, CROSS_JOIN + " # first")))
    runaway.start()
    time.sleep(1.0)  # past --slow-after: the runaway has left the fast lane
    cheap = []
    for i in range(10):
        start = time.perf_counter()
        # a different text each time, so that the engine answers (not the answer memory)
        status, headers, _ = query(endpoint, f"{NORMAL} # cheap {i}")
        cheap.append(time.perf_counter() - start)
        assert status == 200 and headers["x-cxkb-lane"] == "fast"
    runaway.join(30)
    status, headers, body = results[0]
    assert status == 503 and "time limit" in body.decode()
    assert headers["retry-after"] == str(TIMEOUT)
    assert sorted(cheap)[len(cheap) // 2] < 0.1, cheap
    # The same query again (other variable names, other literals) goes straight to the slow lane.
    again = CROSS_JOIN.replace("?a", "?zz") + " # second"
    status, headers, _ = query(endpoint, again)
    assert status == 503 and headers["x-cxkb-lane"] == "slow" and "retry-after" in headers


@pytest.mark.usefixtures("healthy")
def test_a_repeated_query_comes_from_memory_and_a_volatile_one_never(endpoint: Served) -> None:
    text = f"{NORMAL} # remembered"
    first, second = query(endpoint, text), query(endpoint, text)
    assert first[0] == second[0] == 200 and first[2] == second[2]
    # (an engine answers first: the fast lane, or the slow one after this client's runaways)
    assert first[1]["x-cxkb-lane"] in ("fast", "slow") and second[1]["x-cxkb-lane"] == "memory"
    volatile = "SELECT (STRUUID() AS ?u) WHERE {}"
    answers = [query(endpoint, volatile) for _ in range(2)]
    assert "memory" not in [a[1]["x-cxkb-lane"] for a in answers] and answers[0][2] != answers[1][2]


@pytest.mark.usefixtures("healthy")
def test_every_answer_has_nosniff_and_no_version(endpoint: Served) -> None:
    answers = [
        request(endpoint, "GET", "/"),
        request(endpoint, "GET", "/queries"),
        request(endpoint, "GET", "/nowhere"),
        request(endpoint, "OPTIONS", "/sparql"),
        query(endpoint, NORMAL),
        query(endpoint, "SELECT ?x WHERE { ?x"),
        request(endpoint, "GET", "/queries/papers-for-topic"),
    ]
    for status, headers, _ in answers:
        assert headers["x-content-type-options"] == "nosniff", status
        assert headers["server"] == "cxkb", headers["server"]
    answer = raw(endpoint, b"NONSENSE\r\n\r\n")
    assert status_line(answer) == 400
    block = header_block(answer)
    assert "x-content-type-options: nosniff" in block and "server: cxkb\r\n" in block + "\r\n"
    assert "python" not in block and "uvicorn" not in block


@pytest.mark.parametrize(
    "text",
    [
        "BASE <http://x/#> INSERT DATA { <a> <b> <c> }",
        "PREFIX ex: <http://example.org/#> # comment\nDELETE WHERE { ?s ?p ?o }",
        "BASE <http://x/#>\nPREFIX a: <http://a/#> LOAD <http://127.0.0.1:9/data.ttl>",
        "  drop ALL",
        "WITH <http://x/#> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
@pytest.mark.usefixtures("healthy")
def test_updates_are_refused_by_their_form(endpoint: Served, text: str) -> None:
    for status, _, body in (
        query(endpoint, text),
        request(endpoint, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
        request(endpoint, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-update"}),
        request(
            endpoint,
            "POST",
            "/sparql",
            urlencode({"update": text}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ):
        assert status == 403, body


@pytest.mark.usefixtures("healthy")
def test_named_query_parameters_cannot_inject(endpoint: Served) -> None:
    term = quote("x' } SERVICE <http://127.0.0.1:9/> {")
    status, _, _ = request(endpoint, "GET", f"/queries/term-lookup?term={term}")
    assert status == 200  # bound as one string literal: nothing to refuse, nothing sent


# ---------------------------------------------------------------------------------------
# Stopping: no orphans
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_its_engines(root: Path, tmp_path: Path, sig: signal.Signals) -> None:
    served = serve(root, tmp_path / "serve.log", "-q")
    engines = served.engines()
    assert len(engines) == 2 and all(alive(pid) for pid in engines)
    assert served.stop(sig) == 0
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in engines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in engines)


def test_engines_die_with_a_killed_front(root: Path, tmp_path: Path) -> None:
    served = serve(root, tmp_path / "serve.log", "-q")
    engines = children(served.process.pid)
    served.process.kill()
    served.process.wait(10)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in engines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engines and not any(alive(pid) for pid in engines)
