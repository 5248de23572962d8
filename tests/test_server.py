"""The SPARQL endpoint over HTTP, with a real client (SPARQLWrapper) and raw requests.

The endpoint is ``cxkb serve`` itself, started as its own process on a free loopback port
(its front and its Oxigraph engines). Answers are compared with the same query run
directly on a store in this process, and counts with the tables.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from typer.testing import CliRunner

from conftest import REPO, built, make_root
from cxkb.cli import app
from cxkb.sparql.endpoint import choose_type, parse_accept
from cxkb.sparql.library import NamedQuery, Parameter, library, run
from cxkb.sparql.publish import PublishError, publish, target_url
from cxkb.sparql.store import open_store
from cxkb.sparql.webpage import render_page
from endpoint_support import serve

TIMEOUT = 2.0
MAX_ROWS = 40
LIBRARY = library(REPO)
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
PAPERS = "SELECT ?id WHERE { ?p a cx:Paper ; dcterms:identifier ?id } ORDER BY ?id"


@dataclass
class Endpoint:
    url: str
    store: ox.Store
    root: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    folder = tmp_path_factory.mktemp("endpoint")
    root = make_root(folder)
    shutil.copytree(REPO / "queries", root / "queries")  # the library the page and /queries serve
    store = open_store(built(root), reasoning=False)
    served = serve(root, folder / "serve.log", "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "-q")
    try:
        yield Endpoint(served.url, store, root)
    finally:
        assert served.stop() == 0


def fetch(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get(endpoint: Endpoint, query: str, accept: str = "", **extra: str) -> tuple[int, dict[str, str], bytes]:
    params = urlencode({"query": query, **extra})
    return fetch(f"{endpoint.sparql}?{params}", headers={"Accept": accept} if accept else {})


def local(endpoint: Endpoint, query: str) -> list[tuple[Any, ...]]:
    return run(endpoint.store, query).tuples()


def n_papers(endpoint: Endpoint) -> int:
    with (endpoint.root / "literature/papers.csv").open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


# ---------------------------------------------------------------------------------------
# The protocol
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept,media",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("", "application/sparql-results+json"),
        ("text/html, application/xml;q=0.9, */*;q=0.8", "application/sparql-results+xml"),
    ],
)
def test_get_select_in_each_format(endpoint: Endpoint, accept: str, media: str) -> None:
    status, headers, body = get(endpoint, PAPERS, accept)
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == media
    if media == "text/csv":  # CSV results are plain text, not terms
        ids = [row["id"] for row in csv.DictReader(io.StringIO(body.decode(), newline=""))]
    else:
        fmt = {
            "application/sparql-results+json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML,
            "text/tab-separated-values": ox.QueryResultsFormat.TSV,
        }[media]
        ids = [s["id"].value for s in ox.parse_query_results(body, fmt)]
    assert ids == [r[0] for r in local(endpoint, PAPERS)]
    assert len(ids) == n_papers(endpoint)


@pytest.mark.parametrize(
    "accept,media", [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json")]
)
def test_construct_as_turtle_and_json_ld(endpoint: Endpoint, accept: str, media: str) -> None:
    query = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cx:Paper ; dcterms:title ?t }"
    status, headers, body = get(endpoint, query, accept)
    assert status == 200, body
    assert headers["content-type"].split(";")[0] == media
    graph = Graph().parse(data=body.decode(), format="turtle" if media == "text/turtle" else "json-ld")
    assert len(graph) == n_papers(endpoint)


def test_ask(endpoint: Endpoint) -> None:
    status, _, body = get(endpoint, "ASK { ?p a cx:Paper }", "application/sparql-results+json")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


def test_post_form_and_direct(endpoint: Endpoint) -> None:
    want = [r[0] for r in local(endpoint, PAPERS)]
    form = urlencode({"query": PAPERS}).encode()
    for data, ctype in ((form, "application/x-www-form-urlencoded"), (PAPERS.encode(), "application/sparql-query")):
        status, _, body = fetch(
            endpoint.sparql, data=data, headers={"Content-Type": ctype, "Accept": "application/sparql-results+json"}
        )
        assert status == 200, body
        assert [b["id"]["value"] for b in json.loads(body)["results"]["bindings"]] == want


def test_malformed_query_is_400_with_position(endpoint: Endpoint) -> None:
    status, headers, body = get(endpoint, "SELECT ?x\nWHERE { ?x }")
    assert status == 400
    text = body.decode()
    assert "line 2, column" in text and "expected" in text
    assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "how",
    ["query-param", "update-form", "update-body", "sparqlwrapper"],
)
def test_updates_are_refused(endpoint: Endpoint, how: str) -> None:
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> 'x' }"
    before = local(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    if how == "query-param":
        status = get(endpoint, update)[0]
    elif how == "update-form":
        status = fetch(
            endpoint.sparql,
            data=urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
    elif how == "update-body":
        status = fetch(endpoint.sparql, data=update.encode(), headers={"Content-Type": "application/sparql-update"})[0]
    else:
        client = SPARQLWrapper(endpoint.sparql)
        client.setMethod(POST)
        client.setQuery(update)
        with pytest.raises(Exception) as info:
            client.query()
        status = getattr(info.value, "code", None) or 403
        assert "403" in str(info.value) or "read-only" in str(info.value)
    assert 400 <= status < 500 and status == 403
    assert local(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before
    count = json.loads(get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2])
    assert int(count["results"]["bindings"][0]["n"]["value"]) == before[0][0]


def test_cors(endpoint: Endpoint) -> None:
    _, headers, _ = get(endpoint, "ASK {}")
    assert headers["access-control-allow-origin"] == "*"
    status, headers, _ = fetch(
        endpoint.sparql,
        method="OPTIONS",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()


def test_runaway_query_is_stopped_and_the_endpoint_recovers(endpoint: Endpoint) -> None:
    start = time.monotonic()
    status, headers, body = get(endpoint, CROSS_JOIN)
    elapsed = time.monotonic() - start
    assert status == 503 and "time limit" in body.decode()
    assert elapsed < TIMEOUT + 3
    timing = dict(part.strip().split(";dur=") for part in headers["server-timing"].split(","))
    assert TIMEOUT * 1000 <= float(timing["query"]) < (TIMEOUT + 2) * 1000, timing
    # Both workers answer again (the killed one is replaced), also when asked at once.
    answers: list[int] = []

    def ask() -> None:
        answers.append(get(endpoint, PAPERS)[0])

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert answers == [200] * 4


def test_two_runaway_queries_at_once_do_not_block_later_ones(endpoint: Endpoint) -> None:
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(get(endpoint, CROSS_JOIN)[0])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [503, 503]
    deadline = time.monotonic() + 20
    status = 0
    while time.monotonic() < deadline and status != 200:
        status = get(endpoint, "ASK {}")[0]
    assert status == 200


def test_row_cap(endpoint: Endpoint) -> None:
    total = local(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0]
    assert total > MAX_ROWS
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert headers["x-cxkb-truncated"] == "true" and headers["x-cxkb-max-rows"] == str(MAX_ROWS)
    status, headers, body = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert status == 200 and len(body.decode().strip().splitlines()) == MAX_ROWS
    _, headers, _ = get(endpoint, PAPERS)
    assert "x-cxkb-truncated" not in headers


def test_not_acceptable_unsupported_and_too_large(endpoint: Endpoint) -> None:
    assert get(endpoint, PAPERS, "image/png")[0] == 406
    assert fetch(endpoint.sparql, data=b"query=x", headers={"Content-Type": "text/plain"})[0] == 415
    parts = urlsplit(endpoint.sparql)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("POST", parts.path)
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(2_000_000))
    conn.endheaders()  # the body is never sent: the size alone must be refused
    assert conn.getresponse().status == 413
    conn.close()
    assert fetch(endpoint.sparql)[0] == 400
    assert fetch(endpoint.url + "nowhere")[0] == 404


# ---------------------------------------------------------------------------------------
# A real client
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_sparqlwrapper_json(endpoint: Endpoint, method: str) -> None:
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery(PAPERS)
    client.setReturnFormat(JSON)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method == POST:
        client.setMethod(POST)
    data = client.queryAndConvert()
    assert [b["id"]["value"] for b in data["results"]["bindings"]] == [r[0] for r in local(endpoint, PAPERS)]


def test_sparqlwrapper_other_formats(endpoint: Endpoint) -> None:
    want = [r[0] for r in local(endpoint, PAPERS)]
    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery(PAPERS)
    client.setReturnFormat(XML)
    doc = client.queryAndConvert()
    assert [n.firstChild.data for n in doc.getElementsByTagName("literal")] == want
    for fmt in (CSV, TSV):
        client.setReturnFormat(fmt)
        text = client.queryAndConvert().decode()
        lines = text.strip().splitlines()
        assert len(lines) == len(want) + 1
    client.setQuery("CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cx:Paper ; dcterms:title ?t }")
    for fmt, parser in ((TURTLE, "turtle"), (JSONLD, "json-ld")):
        client.setReturnFormat(fmt)
        answer = client.queryAndConvert()
        graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format=parser)
        assert len(graph) == len(want)


def test_sparqlwrapper_reports_a_bad_query(endpoint: Endpoint) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(endpoint.sparql)
    client.setQuery("SELECT ?x WHERE { ?x")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        client.query()


# ---------------------------------------------------------------------------------------
# The library over HTTP and the page
# ---------------------------------------------------------------------------------------


def test_library_routes(endpoint: Endpoint) -> None:
    status, _, body = fetch(endpoint.url + "queries")
    assert status == 200
    assert [q["name"] for q in json.loads(body)] == [q.name for q in LIBRARY]
    query = next(q for q in LIBRARY if q.name == "papers-for-topic")
    status, _, body = fetch(endpoint.url + "queries/papers-for-topic?topic=customer-emotions&format=json")
    assert status == 200
    got = [b["paper"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert got == [r[0] for r in run(endpoint.store, query, {"topic": "customer-emotions"}).tuples()]
    assert fetch(endpoint.url + "queries/papers-for-topic?topic=" + quote('x" }'))[0] == 400
    assert fetch(endpoint.url + "queries/papers-for-topic")[0] == 400
    assert fetch(endpoint.url + "queries/no-such-query")[0] == 404


def test_page_lists_the_library_escaped(endpoint: Endpoint) -> None:
    from html import escape

    status, headers, body = fetch(endpoint.url)
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    for q in LIBRARY:
        assert escape(q.title["en"]) in page and escape(q.title["nl"]) in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no external resources"
    for asset in ("page.js", "page.css"):
        assert f'"{asset}"' in page
        status, _, script = fetch(endpoint.url + asset)
        assert status == 200 and script
    assert "default-src 'none'" in headers["content-security-policy"]


def test_page_escapes_hostile_library_text() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    query = NamedQuery(
        "evil",
        "SELECT * WHERE { ?s ?p $x }\n# </pre><script>bad()</script>",
        {"en": evil, "nl": evil},
        {"en": evil, "nl": evil},
        (Parameter("x", "text", evil, example='"><img src=x onerror=alert(1)>'),),
    )
    page = render_page([query], 10, 100)
    assert "<script>alert" not in page and "<script>bad" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    assert page.count("<script") == 1  # only the page's own script tag


# ---------------------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------------------


def test_accept_parsing_and_choice() -> None:
    assert parse_accept("text/csv;q=0.5, application/sparql-results+json") == [
        ("application/sparql-results+json", 1.0),
        ("text/csv", 0.5),
    ]
    assert parse_accept("text/csv;q=0") == []
    assert choose_type("text/csv;q=0.5, text/tab-separated-values", "select") == "text/tab-separated-values"
    assert choose_type("application/json", "select") == "application/sparql-results+json"
    assert choose_type("application/json", "graph") == "application/ld+json"
    assert choose_type("text/*", "graph") == "text/turtle"
    assert choose_type("image/png", "select") is None
    assert choose_type("", "ask") == "application/sparql-results+json"


# ---------------------------------------------------------------------------------------
# Publishing to a Graph Store
# ---------------------------------------------------------------------------------------


@dataclass
class GraphStore:
    """A minimal SPARQL 1.1 Graph Store: remembers each PUT, answers with a chosen status."""

    url: str
    puts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 201


@pytest.fixture
def graph_store() -> Iterator[GraphStore]:
    state = GraphStore("")

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            parts = urlsplit(self.path)
            state.puts.append(
                {
                    "path": parts.path,
                    "query": parts.query,
                    "graph": parse_qs(parts.query).get("graph", [None])[0],
                    "type": self.headers["Content-Type"],
                    "auth": self.headers.get("Authorization"),
                    "body": body,
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/ds/data"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _triples(data: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(data, fmt)}


def test_publish_named_graph_as_turtle(graph_store: GraphStore, mini_root: Path) -> None:
    store = open_store(built(mini_root), reasoning=False)
    graph = "https://w3id.org/cxkb/graph?v=1&x=y"
    done = publish(store, graph_store.url, graph=graph, user="me", password="secret")
    assert done.status == 201
    put = graph_store.puts[-1]
    assert put["path"] == "/ds/data" and put["graph"] == graph
    assert put["type"].startswith("text/turtle")
    assert put["auth"].startswith("Basic ")
    assert _triples(put["body"], ox.RdfFormat.TURTLE) == {q.triple for q in store}


def test_publish_default_graph_as_ntriples(graph_store: GraphStore, mini_root: Path) -> None:
    store = open_store(built(mini_root), reasoning=False)
    publish(store, graph_store.url, fmt="ntriples")
    put = graph_store.puts[-1]
    assert put["query"] == "default" and put["type"] == "application/n-triples"
    assert _triples(put["body"], ox.RdfFormat.N_TRIPLES) == {q.triple for q in store}


def test_publish_errors(graph_store: GraphStore, mini_root: Path) -> None:
    store = open_store(built(mini_root), reasoning=False)
    graph_store.status = 500
    with pytest.raises(PublishError, match="500"):
        publish(store, graph_store.url)
    with pytest.raises(PublishError, match="not an http"):
        target_url("ftp://example.org/data", None)
    with pytest.raises(PublishError, match="absolute IRI"):
        target_url("http://example.org/data", "not an iri")
    with pytest.raises(PublishError, match="cannot reach"):
        publish(store, "http://127.0.0.1:9/data", timeout=5)


def test_publish_command(graph_store: GraphStore, mini_root: Path) -> None:
    built(mini_root)
    runner = CliRunner()
    args = ["publish", "--graph-store", graph_store.url, "--graph", "https://example.org/g", "--no-reason", "-q"]
    result = runner.invoke(app, [*args, "--root", str(mini_root)])
    assert result.exit_code == 0, result.output
    want = Graph().parse(
        data=open_store(built(mini_root), reasoning=False).dump(
            format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
        ),
        format="nt",
    )
    sent = Graph().parse(data=graph_store.puts[-1]["body"], format="turtle")
    assert isomorphic(sent, want)
    graph_store.status = 403
    assert runner.invoke(app, [*args, "--root", str(mini_root)]).exit_code == 1
    bad = ["publish", "--graph-store", "nonsense", "--root", str(mini_root), "--no-reason"]
    assert runner.invoke(app, bad).exit_code == 2


# ---------------------------------------------------------------------------------------
# The page in a browser (skipped where no headless Chromium is installed)
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_page_runs_queries_in_a_browser(endpoint: Endpoint, chromium) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    foreign: list[str] = []
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(endpoint.url) else foreign.append(r.url))
        page.goto(endpoint.url)
        section = page.locator("#q-papers-for-topic")
        section.locator("input[name=topic]").fill("customer-emotions")
        section.locator("button[type=submit]").click()
        section.locator(".out table").wait_for(timeout=15_000)
        cells = section.locator(".out tbody tr td:first-child").all_text_contents()
        query = next(q for q in LIBRARY if q.name == "papers-for-topic")
        assert cells == [r[0] for r in run(endpoint.store, query, {"topic": "customer-emotions"}).tuples()]
        section.locator("input[name=topic]").fill('x" }')
        section.locator("button[type=submit]").click()
        section.locator(".out .error").wait_for(timeout=15_000)
        assert "400" in section.locator(".out .error").text_content()
        free = page.locator("section.free")
        free.locator("textarea").fill(PAPERS)
        free.locator("button[type=submit]").click()
        free.locator(".out table").wait_for(timeout=15_000)
        assert free.locator(".out tbody tr").count() == n_papers(endpoint)
    finally:
        context.close()
    # The one 400 is the bad parameter sent on purpose; anything else (script errors, CSP) fails.
    assert [m for m in problems if "status of 400" not in m] == [] and foreign == []


def test_busy_lane_sheds_load_with_retry_after(mini_root: Path, tmp_path: Path) -> None:
    """With the one place of the fast lane taken and a short queue wait, a request is turned away politely."""
    args = ("--timeout", "3", "--slow-after", "3", "--concurrency", "1", "--queue-wait", "0.3", "-q")
    shutil.copytree(REPO / "queries", mini_root / "queries")
    built(mini_root)
    served = serve(mini_root, tmp_path / "serve.log", *args)
    try:
        stuck = threading.Thread(target=lambda: fetch(f"{served.sparql}?{urlencode({'query': CROSS_JOIN})}"))
        stuck.start()
        time.sleep(0.5)
        status, headers, body = fetch(f"{served.sparql}?{urlencode({'query': PAPERS})}")
        stuck.join(30)
    finally:
        assert served.stop() == 0
    assert status == 503 and "busy" in body.decode()
    assert headers["retry-after"] == "3"
    assert "queue;dur=" in headers["server-timing"]
