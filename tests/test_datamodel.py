"""The data-model section of the README and the book page are the generator's output.

Like the rule tables (tests/test_architecture.py), the section is generated from the
shapes, the schema and the prefixes; editing those without regenerating fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from conftest import REPO, built
from cxkb.book.pages.datamodel import (
    HIERARCHY_QUERIES,
    README_END,
    README_START,
    data_model_markdown,
    readme_section,
    with_readme_section,
)
from cxkb.namespaces import PREFIXES
from cxkb.release import open_release
from cxkb.sparql.library import run


def test_readme_section_is_the_generated_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count(README_START) == 1 and readme.count(README_END) == 1
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    assert readme[start:end] == readme_section(REPO), "run `python scripts/update_golden.py`"
    assert with_readme_section(readme, REPO) == readme


def test_the_section_follows_the_shapes(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "ontology").mkdir(parents=True)
    for name in ("cxkb.ttl", "shapes.ttl"):
        shutil.copy(REPO / "ontology" / name, root / "ontology" / name)
    before = data_model_markdown(root)
    shapes = root / "ontology" / "shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    shapes.write_text(text.replace("sh:minCount 1 ; sh:maxCount 3 ;", "sh:minCount 2 ; sh:maxCount 3 ;"), "utf-8")
    after = data_model_markdown(root)
    assert "| `cx:coversTopic` | `→ cx:Topic` | 1..3 | yes |" in before
    assert "| `cx:coversTopic` | `→ cx:Topic` | 2..3 | yes |" in after


def test_every_class_prefix_and_chain_is_shown() -> None:
    text = data_model_markdown(REPO)
    for cls in ("cx:Paper", "cx:Concept", "cx:Topic", "cx:ResearchDomain", "cx:ResearchQuestion", "cx:AmbiguousLabel"):
        assert f"## {cls}\n" in text, cls
    for prefix, ns in PREFIXES.items():
        assert f"| `{prefix}:` | `{ns}` |" in text
    assert "`cx:coversDomain` from the chain `cx:coversTopic ∘ cx:inDomain`" in text
    assert "<registrant>" not in text, "angle brackets in rule messages are escaped"


def test_hierarchy_examples_answer_on_the_release() -> None:
    release = open_release(built(REPO))
    store: ox.Store = release.store()
    for _, _, query in HIERARCHY_QUERIES:
        assert len(run(store, query)) > 0, query


def test_the_dutch_page_has_the_same_model_in_dutch() -> None:
    from rdflib import Graph, Literal

    english, dutch = data_model_markdown(REPO), data_model_markdown(REPO, lang="nl")
    assert len(english.splitlines()) == len(dutch.splitlines()), "one line for one line"
    assert "| eigenschap | waarde | kardinaliteit | verplicht | regel |" in dutch
    assert "`cx:coversDomain` uit de keten `cx:coversTopic ∘ cx:inDomain`" in dutch
    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    messages = [o for o in shapes.objects(None, None) if isinstance(o, Literal) and o.language in ("en", "nl")]
    assert {o.language for o in messages} == {"en", "nl"}
    for message in messages:
        shown = str(message).replace("<", "&lt;").replace(">", "&gt;")
        page = dutch if message.language == "nl" else english
        other = english if message.language == "nl" else dutch
        assert shown in page and shown not in other, str(message)
    for word in (" yes |", " no |", "constrained properties", "Inferred triples", "Going up"):
        assert word not in dutch, word


def test_every_shape_message_is_given_in_both_languages() -> None:
    from rdflib import Graph
    from rdflib.namespace import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    holders = set(shapes.subjects(sh.message, None))
    assert holders
    for holder in holders:
        langs = sorted(o.language for o in shapes.objects(holder, sh.message))  # type: ignore[attr-defined]
        assert langs == ["en", "nl"], holder
