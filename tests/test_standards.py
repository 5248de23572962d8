"""Licences, citation, versions and permanent identifiers, held to the release.

The version date is written once, in ontology/cxkb.ttl; the manifest, the SKOS file and
CITATION.cff must repeat it, or a citation would point at a release that does not exist.
Every IRI the release mints must resolve through the proposed w3id rules.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL

from conftest import REPO, built
from cxkb.kg.skos import SKOS_FILE
from cxkb.namespaces import BASE, CONCEPT_SCHEME
from cxkb.release import open_release, schema_version

CFFCONVERT = shutil.which("cffconvert") or str(Path(sys.executable).with_name("cffconvert"))
HTACCESS = REPO / "w3id" / ".htaccess"


def test_citation_file_is_valid_cff() -> None:
    if not Path(CFFCONVERT).exists():
        pytest.fail("cffconvert is missing: pip install -e '.[test]'")
    done = subprocess.run(
        [CFFCONVERT, "--validate", "--infile", str(REPO / "CITATION.cff")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout


def test_cffconvert_rejects_a_broken_citation(tmp_path: Path) -> None:
    """The check above can fail: a citation without authors is refused."""
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    broken = tmp_path / "CITATION.cff"
    broken.write_text(re.sub(r"(?ms)^authors:\n(  - .*?\n)+", "", text, count=1), encoding="utf-8")
    assert "authors:" not in broken.read_text(encoding="utf-8").split("references:")[0]
    done = subprocess.run([CFFCONVERT, "--validate", "--infile", str(broken)], capture_output=True, check=False)
    assert done.returncode != 0


def test_versions_agree_everywhere() -> None:
    version = schema_version(REPO)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", version)
    release = open_release(built(REPO))
    assert release.version == version
    vocabulary = Graph().parse(release.path(SKOS_FILE), format="turtle")
    assert (CONCEPT_SCHEME, OWL.versionInfo, Literal(version)) in vocabulary
    assert str(vocabulary.value(CONCEPT_SCHEME, DCTERMS.modified)) == version
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == version
    assert str(citation["date-released"]) == version


def test_licences_are_declared_and_present() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert sorted(project["license-files"]) == ["LICENSE", "LICENSE-DATA"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (REPO / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in data and "CC-BY-4.0" in data
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert sorted(citation["license"]) == ["CC-BY-4.0", "MIT"]


# ---------------------------------------------------------------------------------------
# w3id rules
# ---------------------------------------------------------------------------------------


def rewrite_rules(text: str) -> list[tuple[str, str, str]]:
    """(Accept condition or "", pattern, target) of every redirecting RewriteRule."""
    rules, accept = [], ""
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "RewriteCond" and words[1] == "%{HTTP_ACCEPT}":
            accept = words[2].replace("\\", "")
        elif words[0] == "RewriteRule":
            if "R=303" in line:
                rules.append((accept, words[1], words[2]))
            accept = ""
    return rules


def minted_paths(graph_file: Path) -> set[str]:
    """Every distinct kind of IRI under the base, with one example each (the path after the base)."""
    examples: dict[str, str] = {}
    for iri in re.findall(r"<(" + re.escape(BASE) + r"[^>]*)>", graph_file.read_text(encoding="utf-8")):
        path = iri[len(BASE) :].split("#", 1)[0]
        kind = re.sub(r"/[^/]+$", "/*", path) if "/" in path else path
        examples.setdefault(kind, path)
    return set(examples.values())


def test_every_minted_iri_has_a_rule() -> None:
    rules = rewrite_rules(HTACCESS.read_text(encoding="utf-8"))
    paths = minted_paths(open_release(built(REPO)).path("cxkb.nt"))
    kinds = {p.split("/", 1)[0] for p in paths}
    assert {"ontology", "concepts", "concept", "topic", "domain", "question", "paper", "person", "source"} <= kinds
    for path in sorted(paths):
        for accept in ("", "text/turtle", "application/ld+json"):
            targets = [t for a, pattern, t in rules if a == accept and re.match(pattern, path)]
            assert targets, f"no rule for {path!r} (Accept {accept or 'HTML'})"
            if accept:
                assert targets[0].endswith((".ttl", ".jsonld")), (path, targets[0])
            else:
                assert targets[0].endswith((".html", "/", ".json")), (path, targets[0])


def test_html_rules_point_at_generated_pages() -> None:
    """The book pages the rules name are the ones `cxkb book` writes."""
    from cxkb.book.markup import doc_of

    rules = rewrite_rules(HTACCESS.read_text(encoding="utf-8"))
    for kind, ident in (("concept", "touchpoint"), ("topic", "design"), ("domain", "customer")):
        path = f"{kind}/{ident}"
        pattern, target = next((p, t) for a, p, t in rules if not a and re.match(p, path))
        page = re.sub(pattern, re.sub(r"\$(\d)", r"\\\1", target), path).replace("%{ENV:CXKB}/", "")
        assert page == doc_of(kind, ident) + ".html"


def test_rule_parser_sees_conditions() -> None:
    text = "RewriteCond %{HTTP_ACCEPT} text/turtle\nRewriteRule ^a$ x.ttl [R=303,L]\nRewriteRule ^a$ a.html [R=303,L]\n"
    assert rewrite_rules(text) == [("text/turtle", "^a$", "x.ttl"), ("", "^a$", "a.html")]
