"""Typed parameters behave the same through ``cxkb query`` and the endpoint's /queries/ route.

Both hand the raw ``name[:kind]=value`` pairs to ``NamedQuery.bind``, so a number arrives as
a number (from the header's kind or from ``:integer``) whichever way a query is asked.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, built, make_root
from cxkb.cli import app
from endpoint_support import serve

runner = CliRunner()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = make_root(tmp_path_factory.mktemp("typing"))
    shutil.copytree(REPO / "queries", root / "queries")
    built(root)
    served = serve(root, root / "serve.log", "--reason", "-q")
    try:
        yield root, served.url
    finally:
        assert served.stop() == 0


def _cli(root: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["query", *args, "-f", "json", "-q", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results"]["bindings"]


def _http(url: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


@pytest.mark.parametrize(
    ("name", "cli", "query"),
    [
        ("most-discussed-concepts", ["limit=2"], "limit=2"),
        ("most-discussed-concepts", ["limit:integer=1"], "limit:integer=1"),
        ("evidence-gaps", ["max_papers=1"], "max_papers=1"),
        ("evidence-gaps", ["max_papers:integer=1"], "max_papers:integer=1"),
    ],
)
def test_cli_and_endpoint_agree(served: tuple[Path, str], name: str, cli: list[str], query: str) -> None:
    root, url = served
    args = [name]
    for pair in cli:
        args += ["-p", pair]
    by_cli = _cli(root, *args)
    by_http = _http(f"{url}queries/{name}?{query}&format=json")
    assert by_cli == by_http
    everything = _cli(root, name, "-p", "limit=1000") if name.startswith("most") else _cli(root, name)
    assert 0 < len(by_cli) < len(everything)


def test_adhoc_typed_parameter_on_the_command_line(served: tuple[Path, str]) -> None:
    root, _ = served
    text = "SELECT ?t (COUNT(?p) AS ?n) WHERE { ?p cx:coversTopic ?t } GROUP BY ?t HAVING (COUNT(?p) >= $min)"
    typed = _cli(root, "--sparql", text, "-p", "min:integer=1")
    assert typed and all(int(b["n"]["value"]) >= 1 for b in typed)
    assert _cli(root, "--sparql", text, "-p", "min=1") == [], "untyped, the value is text"
    bad = runner.invoke(app, ["query", "--sparql", text, "-p", "min:integer=x", "--root", str(root)])
    assert bad.exit_code == 2 and "not an integer" in bad.output
