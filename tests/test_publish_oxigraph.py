"""Publishing into a real triple store: an Oxigraph server started here, not a mock.

``cxkb publish`` PUTs the release into the server's Graph Store endpoint; then every
library query, bound as ``cxkb`` binds it, runs on the server's SPARQL endpoint and must
give the same rows as the embedded store (compared as sets, terms normalised, since a
server may order rows without ORDER BY differently and write numbers canonically).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, built, make_root
from cxkb.cli import app
from cxkb.sparql.library import library, run
from cxkb.sparql.store import open_store

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
LIBRARY = library(REPO)
NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "decimal", "double", "float", "long", "int")}
pytestmark = pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="needs the oxigraph server (pip install oxigraph)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph did not start: {process.stderr.read()!r}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_root(tmp_path_factory.mktemp("publish"))
    shutil.copytree(REPO / "queries", root / "queries")
    return built(root)


def _remote(url: str, text: str) -> set[tuple[object, ...]]:
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        url + "/query",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.loads(response.read())
    variables = data["head"]["vars"]
    return {tuple(_norm_json(b.get(v)) for v in variables) for b in data["results"]["bindings"]}


def _norm_json(term: dict[str, str] | None) -> object:
    if term is None:
        return None
    if term["type"] == "uri":
        return ("iri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)
    return _literal(term["value"], term.get("xml:lang", ""), term.get("datatype", ""))


def _literal(value: str, lang: str, datatype: str) -> object:
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            return ("number", value)
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = ""
    return ("literal", value, lang.lower(), datatype)


def _norm_local(term: object) -> object:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    return _literal(str(term), term.language or "", str(term.datatype or ""))


def test_publish_then_every_library_query_answers_alike(server: str, root: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["publish", "--graph-store", server + "/store", "-q", "--root", str(root)])
    assert result.exit_code == 0, result.output
    store = open_store(root)
    assert _remote(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == {(("number", Decimal(len(store))),)}
    compared = 0
    for query in LIBRARY:
        required = {p.name: p.example for p in query.params if not p.optional}
        examples = {p.name: p.example or p.default for p in query.params if p.example or p.default}
        for params in (required, examples):
            text = query.bind(params)
            local = {tuple(_norm_local(t) for t in row) for row in run(store, query, params).rows}
            assert _remote(server, text) == local, (query.name, params)
            compared += bool(local)
    assert compared >= len(LIBRARY), "most comparisons must have rows, or they prove little"


def test_publishing_again_replaces_the_graph(server: str, root: Path) -> None:
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["publish", "--graph-store", server + "/store", "-q", "--root", str(root)])
        assert result.exit_code == 0, result.output
    assert _remote(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == {
        (("number", Decimal(len(open_store(root)))),)
    }
