"""The release as SKOS: what SKOS tools need, checked with real consumers (skosify, pyLODE).

Skosmos, VocBench, Annif and pyLODE read a vocabulary as asserted: explicit skos:Concept
types, one scheme per file, top concepts from both sides, skos:narrower beside
skos:broader. The SKOS file ``cxkb-skos.ttl`` holds the concept scheme alone; the full
graph keeps both schemes, each with its own explicit typing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from html import escape as html_escape
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from conftest import REPO, built
from cxkb.kg import skos, triples
from cxkb.kg.graph import to_graph
from cxkb.kg.records import load
from cxkb.namespaces import CONCEPT_SCHEME, CX, FRAMEWORK_SCHEME
from cxkb.release import open_release


@pytest.fixture(scope="module")
def release_dir() -> Path:
    return open_release(built(REPO)).directory


@pytest.fixture(scope="module")
def full(release_dir: Path) -> Graph:
    return Graph().parse(release_dir / "cxkb.nt", format="nt")


@pytest.fixture(scope="module")
def vocabulary(release_dir: Path) -> Graph:
    return Graph().parse(release_dir / skos.SKOS_FILE, format="turtle")


def test_every_concept_is_typed_skos_concept_explicitly(full: Graph) -> None:
    for cls in (CX.Concept, CX.Topic, CX.ResearchDomain):
        members = set(full.subjects(RDF.type, cls))
        assert members
        assert all((m, RDF.type, SKOS.Concept) in full for m in members), cls
    assert set(full.subjects(RDF.type, SKOS.ConceptScheme)) == {CONCEPT_SCHEME, FRAMEWORK_SCHEME}


def test_narrower_mirrors_broader_and_top_concepts_both_ways(full: Graph) -> None:
    broader = set(full.subject_objects(SKOS.broader))
    narrower = {(o, s) for s, o in full.subject_objects(SKOS.narrower)}
    assert broader and broader == narrower
    for scheme in (CONCEPT_SCHEME, FRAMEWORK_SCHEME):
        tops = set(full.objects(scheme, SKOS.hasTopConcept))
        assert tops and tops == set(full.subjects(SKOS.topConceptOf, scheme))
        assert all(not set(full.objects(t, SKOS.broader)) for t in tops)


def test_narrower_transitive_paths_find_descendants(release_dir: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(release_dir / "cxkb.nt"), format=ox.RdfFormat.N_TRIPLES)
    down = "SELECT (COUNT(*) AS ?n) WHERE { ?top skos:narrower+ ?c }"
    up = "SELECT (COUNT(*) AS ?n) WHERE { ?c skos:broader+ ?top }"
    prefixes = {"skos": str(SKOS)}
    count_down = int(next(iter(store.query(down, prefixes=prefixes)))["n"].value)
    count_up = int(next(iter(store.query(up, prefixes=prefixes)))["n"].value)
    assert count_down == count_up > 0


def test_at_most_one_pref_label_per_language(full: Graph) -> None:
    seen: dict[tuple[URIRef, str], int] = {}
    for s, label in full.subject_objects(SKOS.prefLabel):
        assert isinstance(label, Literal) and label.language
        seen[(s, label.language)] = seen.get((s, label.language), 0) + 1
    assert seen and max(seen.values()) == 1


def test_streaming_pairs_state_the_inverse_links_like_the_reference() -> None:
    kb, _ = load(REPO)
    reference = to_graph(kb)
    pairs = triples.taxonomy_pairs(kb)
    lines = [f"{s} {p} {o} .\n" for s, ps in pairs.items() for p, o in ps]
    streamed = Graph().parse(data="".join(lines), format="nt")
    for prop in (SKOS.narrower, SKOS.hasTopConcept, SKOS.broader):
        assert set(streamed.triples((None, prop, None))) == set(reference.triples((None, prop, None))), prop
    assert set(streamed.subjects(RDF.type, SKOS.Concept)) == set(reference.subjects(RDF.type, SKOS.Concept))


def test_skos_file_holds_one_scheme_and_every_concept(vocabulary: Graph, full: Graph, release_dir: Path) -> None:
    assert set(vocabulary.subjects(RDF.type, SKOS.ConceptScheme)) == {CONCEPT_SCHEME}
    concepts = set(full.subjects(RDF.type, CX.Concept))
    assert set(vocabulary.subjects(RDF.type, SKOS.Concept)) == concepts
    assert all((c, SKOS.inScheme, CONCEPT_SCHEME) in vocabulary for c in concepts)
    assert not set(vocabulary.subjects(SKOS.inScheme, FRAMEWORK_SCHEME))
    version = open_release(built(REPO)).version
    assert version and (CONCEPT_SCHEME, OWL.versionInfo, Literal(version)) in vocabulary
    assert str(vocabulary.value(CONCEPT_SCHEME, DCTERMS.modified)) == version


def test_skos_file_is_byte_stable(tmp_path: Path, release_dir: Path) -> None:
    from cxkb.kg.build import schema_triples

    kb = open_release(built(REPO)).records
    publisher = [(p, o) for s, p, o in schema_triples(REPO) if s == f"<{skos.CONTRIBUTORS}>"]
    again = skos.write_vocabulary(tmp_path, kb, open_release(built(REPO)).version, publisher)
    assert again.read_bytes() == (release_dir / skos.SKOS_FILE).read_bytes()


def test_publisher_is_named_in_both_languages(release_dir: Path) -> None:
    vocabulary = Graph().parse(release_dir / skos.SKOS_FILE)
    names = set(vocabulary.objects(skos.CONTRIBUTORS, FOAF.name))
    assert {n.language for n in names} == {"en", "nl"}  # as the schema names it
    assert (skos.CONTRIBUTORS, RDF.type, FOAF.Organization) in vocabulary


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _skosify(path: Path) -> tuple[Graph, list[str]]:
    import skosify

    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        out = skosify.skosify(str(path))
    finally:
        root.removeHandler(handler)
    return out, [r.getMessage() for r in handler.records]


def test_skosify_keeps_every_concept_without_warnings(vocabulary: Graph, release_dir: Path) -> None:
    out, warnings = _skosify(release_dir / skos.SKOS_FILE)
    assert warnings == []
    assert set(out.subjects(RDF.type, SKOS.Concept)) == set(vocabulary.subjects(RDF.type, SKOS.Concept))
    assert len(set(out.subjects(RDF.type, SKOS.Concept))) > 50


def test_skosify_on_the_full_graph_names_the_two_schemes(release_dir: Path) -> None:
    """Why the SKOS file exists: the whole graph has two schemes, which skosify reports."""
    _, warnings = _skosify(release_dir / "cxkb.ttl")
    assert any("Multiple concept schemes" in w for w in warnings)


def test_pylode_vocpub_lists_every_concept_offline(vocabulary: Graph, release_dir: Path) -> None:
    from cxkb.book.pages.reference import external_loads, vocabulary_html

    html = vocabulary_html(release_dir / skos.SKOS_FILE)
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        ident = str(concept).rsplit("/", 1)[-1]
        assert f'id="concept_{ident}"' in html, ident
    assert external_loads(html) == []


def test_pylode_vocpub_page_is_the_same_bytes_whatever_the_hash_seed(release_dir: Path) -> None:
    """The book's generated files are byte-stable: the vocabulary page must not follow the order
    in which a process's hash seed happens to lay out the parsed graph."""
    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from cxkb.book.pages.reference import vocabulary_html\n"
        "for lang in ('en', 'nl'):\n"
        "    html = vocabulary_html(Path(sys.argv[1]), lang)\n"
        "    print(lang, hashlib.sha256(html.encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", script, str(release_dir / skos.SKOS_FILE)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        digests.add(run.stdout)
    assert len(digests) == 1, digests


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pylode_vocpub_lists_concepts_in_alphabetical_order(release_dir: Path, lang: str) -> None:
    """Every list of the concept hierarchy (the top level and each concept's narrower ones) runs
    in the order of the names in the page's language, case aside, as the book's concept index."""
    from html.parser import HTMLParser

    from cxkb.book.pages.reference import vocabulary_html

    class Lists(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.open, self.text = False, [], None
            self.lists: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if ("id", "concept-hierarchy") in attrs:
                self.inside = True
            elif self.inside and tag == "ul":
                self.open.append([])
            elif self.inside and tag == "a" and self.open:
                self.text = ""

        def handle_data(self, data: str) -> None:
            if self.text is not None:
                self.text += data

        def handle_endtag(self, tag: str) -> None:
            if self.inside and tag == "a" and self.text is not None:
                self.open[-1].append(self.text)
                self.text = None
            elif self.inside and tag == "ul":
                self.lists.append(self.open.pop())
                self.inside = bool(self.open)

    parser = Lists()
    parser.feed(vocabulary_html(release_dir / skos.SKOS_FILE, lang))
    assert len(parser.lists) > 3 and max(len(names) for names in parser.lists) > 30
    for names in parser.lists:
        assert names == sorted(names, key=str.lower), names[:8]


def _sections(html: str) -> dict[str, str]:
    """Each concept's section of a VocPub page, by concept id."""
    parts = html.split('<div class="entity">')[1:]
    return {re.search(r'id="concept_([^"]+)"', part).group(1): part for part in parts}  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pylode_vocpub_shows_every_value_of_a_concept(vocabulary: Graph, release_dir: Path, lang: str) -> None:
    """pyLODE's own sections kept the last value of each field and left related concepts out, so
    *peak-end rule* showed one of its seven labels and no relation. Every alternative label in the
    page's language, every related, broader and narrower concept and every source is there."""
    from cxkb.book.pages.reference import vocabulary_html

    seed_names = {str(iri): f"Seed article {str(iri)[-3:]}" for iri in set(vocabulary.objects(None, DCTERMS.source))}
    seed_names = {k: v for k, v in seed_names.items() if "/source/seed-" in k}
    sections = _sections(vocabulary_html(release_dir / skos.SKOS_FILE, lang, seed_names))
    assert len(sections) == len(set(vocabulary.subjects(RDF.type, SKOS.Concept)))
    shown = 0
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        section = sections[str(concept).rsplit("/", 1)[-1]]
        labels = list(vocabulary.objects(concept, SKOS.altLabel))
        labels = [x for x in labels if x.language == lang] or labels
        for label in labels:
            assert f"<span>{html_escape(str(label), quote=False)}</span>" in section, (concept, label)
        for relation in (SKOS.related, SKOS.broader, SKOS.narrower):
            for other in vocabulary.objects(concept, relation):
                assert f'href="#concept_{str(other).rsplit("/", 1)[-1]}"' in section, (concept, relation, other)
        for source in vocabulary.objects(concept, DCTERMS.source):
            if str(source) in seed_names:
                assert f"<span>{seed_names[str(source)]}</span>" in section and str(source) not in section
            else:
                assert f'href="{source}"' in section, (concept, source)
        shown += len(labels)
    assert shown > 2 * len(sections)


def test_the_vocabulary_page_names_sources_as_the_book_does(tmp_path: Path) -> None:
    """A source the taxonomy cites is named on the vocabulary page as on the concept pages: a paper
    of the table by its title, linked to its DOI; a practitioners' article by title and author."""
    from cxkb.book import site as book_site
    from cxkb.book.pages.reference import reference_files

    release = open_release(built(REPO))
    files = sorted(release.directory.iterdir())
    page = reference_files(book_site.Site(REPO, release.records, release.frames, release_files=files))
    html = page["generated/extra/reference/vocabulary.html"].decode()
    section = _sections(html)["peak-end-rule"]
    kahneman = release.records.papers["kahneman1993when"]
    seed = release.records.sources["seed:002"]
    assert f'<a href="https://doi.org/{kahneman.doi}">{html_escape(kahneman.title, quote=False)}</a>' in section
    assert f"<span>{html_escape(seed.title, quote=False)} ({seed.author}, {seed.outlet})</span>" in section
    concepts = html.split('id="concepts"', 1)[1].split('id="namespaces"', 1)[0]
    assert "w3id.org/cxkb/source/" not in concepts
    # every namespace the page lists has a prefix of the project's, none one rdflib made up
    prefixes = re.findall(r'<dt id="([^"]+)"', html.split('id="namespaces"', 1)[1])
    assert "cxkb" in prefixes and not any(re.fullmatch(r"ns\d+", p) for p in prefixes), prefixes


def test_importing_pylode_leaves_the_root_logger_alone() -> None:
    """A quiet book build printed other libraries' debug lines: a pyLODE module sets up logging on import.

    A fresh interpreter, since pyLODE does so only the first time it is imported.
    """
    code = (
        "import logging; from cxkb.book.pages.reference import _pylode; _pylode(); "
        "r = logging.getLogger(); print(r.level, len(r.handlers))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(logging.WARNING), "0"]


def test_pylode_ontpub_documents_the_classes_offline() -> None:
    from cxkb.book.pages.reference import external_loads, ontology_html

    html = ontology_html(REPO / "ontology" / "cxkb.ttl")
    for name in ("Paper", "Concept", "Topic", "ResearchDomain", "ResearchQuestion"):
        assert f'id="{name.lower()}"' in html.lower(), name
    assert external_loads(html) == []


def test_pylode_ontpub_is_the_same_whatever_the_hash_seed() -> None:
    """pyLODE's embedded JSON-LD follows rdflib's iteration order: with seeds 1 and 2 it came out
    in two orders, and every book build rewrote the page."""
    code = (
        "import hashlib, sys; from pathlib import Path; from cxkb.book.pages.reference import ontology_html; "
        "print(hashlib.sha256(ontology_html(Path(sys.argv[1])).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", code, str(REPO / "ontology" / "cxkb.ttl")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_stable_json_ld_sorts_nodes_and_values_but_not_lists() -> None:
    from cxkb.book.pages.reference import stable_json_ld

    def page(nodes: str) -> str:
        return f'<p>x</p><script id="s" type="application/ld+json">\n{nodes}\n\t</script><p>y</p>'

    a = {"@id": "a", "name": [{"@value": "x"}, {"@value": "y"}], "steps": {"@list": ["2", "1"]}}
    b = {"@id": "b"}
    swapped = {**a, "name": [{"@value": "y"}, {"@value": "x"}]}
    first = stable_json_ld(page(json.dumps([a, b], indent=2)))
    assert first == stable_json_ld(page(json.dumps([b, swapped], indent=2)))
    assert first.startswith('<p>x</p><script id="s" type="application/ld+json">\n[\n  {\n    "@id": "a"')
    assert first.endswith("]\n\t</script><p>y</p>")
    body = json.loads(first.split('type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert body[0]["steps"] == {"@list": ["2", "1"]} and body[1] == b


def test_the_dutch_pylode_pages_are_dutch(vocabulary: Graph, release_dir: Path) -> None:
    """The Dutch edition's pair: Dutch data, pyLODE's wording translated, the way back and across."""
    import re

    from cxkb.book.pages.reference import DUTCH, external_loads, ontology_html, vocabulary_html

    english_words = {en for en, nl in DUTCH.items() if en != nl}
    for html in (
        vocabulary_html(release_dir / skos.SKOS_FILE, "nl"),
        ontology_html(REPO / "ontology" / "cxkb.ttl", "nl"),
    ):
        assert '<html lang="nl"' in html and external_loads(html) == []
        nodes = {" ".join(t.split()) for t in re.findall(r">([^<>]+)<", html)}
        tooltips = set(re.findall(r'title="([^"]*)"', html))
        left = sorted(w for w in english_words if w in nodes or any(t.startswith(w) for t in tooltips))
        assert not left, left
        assert 'class="cxkb-lang-switch" href="../../reference/' in html and 'hreflang="en"' in html
    dutch = vocabulary_html(release_dir / skos.SKOS_FILE, "nl")
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        ident = str(concept).rsplit("/", 1)[-1]
        assert f'id="concept_{ident}"' in dutch, ident
        dutch_label = next(x for x in vocabulary.objects(concept, SKOS.prefLabel) if x.language == "nl")
        assert html_escape(str(dutch_label), quote=False) in dutch, ident
    schema = ontology_html(REPO / "ontology" / "cxkb.ttl", "nl")
    assert "<h3>publicatie" in schema.lower() and "paperpublicatie" not in schema
    assert re.search(r"<h3>bron\s*<sup", schema) and re.search(r'<a href="#source">source</a>', schema)


def test_in_language_keeps_the_other_language_only_where_it_is_alone() -> None:
    from rdflib import Literal, URIRef

    from cxkb.book.pages.reference import in_language

    g = Graph()
    a, b, p = URIRef("http://x/a"), URIRef("http://x/b"), SKOS.prefLabel
    g.add((a, p, Literal("paper", lang="en")))
    g.add((a, p, Literal("publicatie", lang="nl")))
    g.add((b, p, Literal("only English", lang="en")))
    in_language(g, "nl")
    assert set(g.objects(a, p)) == {Literal("publicatie", lang="nl")}
    assert set(g.objects(b, p)) == {Literal("only English", lang="en")}


def test_in_dutch_translates_whole_texts_only() -> None:
    from cxkb.book.pages.reference import in_dutch

    page = (
        "<html><head><title>Concepts</title></head><body><h2>Concepts</h2><p>Concepts of service</p>"
        '<sup title="OWL Object Property">op</sup>'
        '<a title="An account of the resource. Defined in DCMI Metadata Terms">Description</a>'
        '<a title="None. Defined in None">x</a></body></html>'
    )
    out = in_dutch(page)
    assert "<h2>Begrippen</h2>" in out and "<p>Concepts of service</p>" in out
    assert "<title>Concepts</title>" in out, "the head is left alone"
    assert 'title="OWL-objecteigenschap"' in out and ">Beschrijving<" in out
    assert 'title="Een beschrijving van de bron. Gedefinieerd in DCMI Metadata Terms"' in out
    assert "None" not in out


def test_external_loads_are_found_and_stripped() -> None:
    from cxkb.book.pages.reference import external_loads, offline

    page = (
        '<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
        "<style>@import url(https://cdn.example/y.css); p{background:url('https://e/x.png')}</style>"
    )
    assert len(external_loads(page)) == 4
    assert external_loads(offline(page)) == []
