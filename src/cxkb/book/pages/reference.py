"""Standard-format references made by pyLODE: VocPub for the vocabulary, OntPub for the schema.

The book's own pages show the concepts and the schema bilingually and link them into the
rest of the book; pyLODE's pages are what vocabulary users know from other projects
(w3id.org/profile/vocpub, OntPub), so the book offers both. They are generated at book
build time from the release's ``cxkb-skos.ttl`` and the schema, as standalone HTML files
copied into the site (``html_extra_path``), and checked to load nothing from outside it.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import types
from pathlib import Path
from typing import Any

from cxkb.book.layout import GENERATED
from cxkb.book.site import Site

REFERENCE_DIR = "reference"
VOCABULARY_HTML = "vocabulary.html"
ONTOLOGY_HTML = "ontology.html"
SKOS_FILE = "cxkb-skos.ttl"

# Anything that would make a browser fetch from another site: scripts and style sheets by
# URL, CSS imports and url() references. pyLODE 3.4 inlines its CSS, so normally none match.
_EXTERNAL = (
    re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I),
    re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>", re.I),
    re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//[^;]*;", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.I),
)


def offline(html: str) -> str:
    """``html`` without references that load scripts, styles or images from other sites."""
    for pattern in _EXTERNAL:
        html = pattern.sub("", html)
    return html


_ID = re.compile(r"""\bid=["']([^"']+)["']""")
_FRAGMENT_LINK = re.compile(r"""<a\b[^>]*\bhref=["']#([^"']*)["'][^>]*>(.*?)</a>""", re.S)


def without_dead_fragments(html: str) -> str:
    """``html`` with links to fragments that no element carries turned into plain text.

    pyLODE links every object IRI to a fragment of the page, also when the object (a
    source's DOI, say) has no section of its own; such a link leads nowhere.
    """
    ids = set(_ID.findall(html))
    return _FRAGMENT_LINK.sub(lambda m: m.group(0) if m.group(1) in ids else f"<span>{m.group(2)}</span>", html)


_READABLE = (
    "<style>/* cxkb: pyLODE's badges and footer with enough contrast */"
    '[class^="sup-"],[class*=" sup-"]{color:#000!important;background:#fff!important}'
    "#pylode,#pylode p,#pylode span{color:#222!important}</style>"
)


def accessible(html: str) -> str:
    """``html`` with a language on its root element and readable contrast on pyLODE's badges."""
    html = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', html, count=1)
    return html.replace("</head>", _READABLE + "</head>", 1)


def external_loads(html: str) -> list[str]:
    """What in ``html`` would still load from another site (empty when the page is self-contained)."""
    found = []
    for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html, re.I):
        if re.search(r"\b(?:src|href)=[\"']?(?:https?:)?//", tag, re.I) and not re.search(
            r"\brel=[\"']?(?:canonical|alternate)", tag, re.I
        ):
            found.append(tag)
    found += re.findall(r"@import[^;]*;|url\(\s*[\"']?(?:https?:)?//[^)]*\)", html, re.I)
    return found


def _pylode() -> Any:
    """The pylode package. Its 3.4 wheel reads its version from a pyproject.toml it does not
    ship, so that module is provided here from the installed metadata before the import."""
    if "pylode.version" not in sys.modules:
        stub = types.ModuleType("pylode.version")
        stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stub
    import logging

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    import pylode

    return pylode


def vocpub_view(skos_file: Path) -> Any:
    """The vocabulary as pyLODE's VocPub needs it: the release file plus English
    ``dcterms:title``s, since pyLODE names concepts, and the things they link to, by title."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, SKOS

    g = Graph().parse(skos_file, format="turtle")
    concepts = sorted(set(g.subjects(RDF.type, SKOS.Concept)))
    for c in concepts:
        for label in g.objects(c, SKOS.prefLabel):
            if getattr(label, "language", None) == "en":
                g.add((c, DCTERMS.title, label))
    for c in concepts:
        for _, o in list(g.predicate_objects(c)):
            if isinstance(o, URIRef) and g.value(o, DCTERMS.title) is None:
                g.add((o, DCTERMS.title, Literal(str(o))))
    return g


def vocabulary_html(skos_file: Path) -> str:
    """pyLODE's VocPub page of ``cxkb-skos.ttl``, self-contained."""
    return accessible(without_dead_fragments(offline(_pylode().VocPub(ontology=vocpub_view(skos_file)).make_html())))


def ontology_html(schema_file: Path) -> str:
    """pyLODE's OntPub page of the schema, self-contained."""
    return accessible(without_dead_fragments(offline(_pylode().OntPub(ontology=str(schema_file)).make_html())))


def reference_files(site: Site) -> dict[str, bytes]:
    """The pyLODE pages, keyed by their path under ``book/``."""
    skos_file = next((p for p in site.release_files if p.name == SKOS_FILE), None)
    out = {
        f"{GENERATED}/extra/{REFERENCE_DIR}/{ONTOLOGY_HTML}": ontology_html(site.root / "ontology" / "cxkb.ttl").encode(
            "utf-8"
        )
    }
    if skos_file is not None:
        out[f"{GENERATED}/extra/{REFERENCE_DIR}/{VOCABULARY_HTML}"] = vocabulary_html(skos_file).encode("utf-8")
    return out


def page_vocabulary(site: Site) -> str:
    """The book page that introduces and links the pyLODE references (standalone pages, so
    they keep pyLODE's own layout and do not inherit the book's theme)."""
    count = len(site.kb.concepts)
    # pyLODE writes English pages, so the site holds them once, beside the English edition;
    # the Dutch edition (under nl/) links up to them.
    up = "../../" if site.lang == "nl" else "../"
    vocabulary = f"{up}{REFERENCE_DIR}/{VOCABULARY_HTML}"
    ontology = f"{up}{REFERENCE_DIR}/{ONTOLOGY_HTML}"
    lines = [
        "# Vocabulary reference · Vocabulaire",
        "",
        f"The {count} CX concepts as one SKOS concept scheme, in the layout of the "
        "[VocPub profile](https://w3id.org/profile/vocpub), made by pyLODE from the release file "
        "`cxkb-skos.ttl`: the file to load into Skosmos, VocBench, Annif or any other SKOS tool. "
        "The schema has the same kind of page (pyLODE's OntPub); the book's own "
        "[ontology page](ontology.md) shows it bilingually with links into the book.",
        "",
        f'- <a href="{vocabulary}">Vocabulary reference (VocPub)</a>',
        f'- <a href="{ontology}">Ontology reference (OntPub)</a>',
        "",
        "De begrippen als één SKOS-begrippenschema, opgemaakt door pyLODE volgens het VocPub-profiel, "
        "en het schema in de opmaak van OntPub.",
        "",
    ]
    return "\n".join(lines)
