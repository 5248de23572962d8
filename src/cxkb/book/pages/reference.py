"""Standard-format references made by pyLODE: VocPub for the vocabulary, OntPub for the schema.

The book's own pages show the concepts and the schema bilingually and link them into the
rest of the book; pyLODE's pages are what vocabulary users know from other projects
(w3id.org/profile/vocpub, OntPub), so the book offers both. They are generated at book
build time from the release's ``cxkb-skos.ttl`` and the schema, as standalone HTML files
copied into the site (``html_extra_path``), and checked to load nothing from outside it.

pyLODE writes one document per graph, with its own headings in English. Each edition gets
its own pair: pyLODE renders a view of the graph that keeps the edition's language where
a text is given in both, and the Dutch pair has pyLODE's fixed wording translated
(:data:`DUTCH`), so a Dutch reader meets no English in them beyond the names of other
vocabularies' terms.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cxkb.book.layout import GENERATED
from cxkb.book.markup import replace_whole_texts
from cxkb.book.site import Site, name_order, source_name
from cxkb.iris import BASE
from cxkb.namespaces import source_iri

REFERENCE_DIR = "reference"
# Where the Dutch pair waits in the generated tree until the site assembly puts it under nl/.
DUTCH_REFERENCE = f"{GENERATED}/reference-nl"
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


def accessible(html: str, lang: str = "en") -> str:
    """``html`` with a language on its root element and readable contrast on pyLODE's badges."""
    html = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{lang}"', html, count=1)
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
    ship, so that module is provided here from the installed metadata before the import.

    One of its modules sets up the root logger at DEBUG level when imported, which made a
    quiet book build print other libraries' debug lines; the root logger is put back as it was.
    """
    if "pylode.version" not in sys.modules:
        stub = types.ModuleType("pylode.version")
        stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stub
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import pylode
    import pylode.profiles.supermodel.loader  # the module that sets up logging, imported now

    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return pylode


def in_language(g: Any, lang: str) -> Any:
    """``g`` without the other language's text wherever a text is also given in ``lang``.

    pyLODE shows every text of a field one after the other ("paperpublicatie" as a class
    name); an edition's document shows its own language, and the other one only where
    there is nothing else.
    """
    from rdflib import Literal

    fields: dict[tuple[Any, Any], set[str | None]] = {}
    for s, p, o in g:
        if isinstance(o, Literal):
            fields.setdefault((s, p), set()).add(o.language)
    for (s, p), langs in fields.items():
        if lang in langs and len(langs) > 1:
            for o in list(g.objects(s, p)):
                if isinstance(o, Literal) and o.language != lang:
                    g.remove((s, p, o))
    return g


def vocpub_view(skos_file: Path, lang: str = "en") -> Any:
    """The vocabulary as pyLODE's VocPub needs it: the release file in ``lang`` plus
    ``dcterms:title``s, since pyLODE names concepts, and the things they link to, by title."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, SKOS

    g = in_language(Graph().parse(skos_file, format="turtle"), lang)
    concepts = sorted(set(g.subjects(RDF.type, SKOS.Concept)))
    for c in concepts:
        for label in g.objects(c, SKOS.prefLabel):
            if getattr(label, "language", None) == lang:
                g.add((c, DCTERMS.title, label))
    for c in concepts:
        for _, o in list(g.predicate_objects(c)):
            if isinstance(o, URIRef) and g.value(o, DCTERMS.title) is None:
                g.add((o, DCTERMS.title, Literal(str(o))))
    # VocPub lists the concepts (the hierarchy and the sections) in the order the graph gives
    # their types, which followed the file and read as random; a reader looks them up by name,
    # so they come in the book's own order of concept names (site.name_order).
    # rdflib's memory store gives a pattern's subjects in the order they were added. The other
    # triples go in sorted, since the parsed graph's own order changes with the hash seed, and
    # pyLODE's rows of a concept and its namespace prefixes follow it: the page must be the
    # same bytes on every build.
    ordered = Graph()
    for prefix, namespace in g.namespaces():
        ordered.bind(prefix, namespace, override=True)
    # the scheme's own IRI sits in the base namespace, which pyLODE listed as rdflib's "ns1"
    ordered.bind("cxkb", BASE, override=True)
    for c in sorted(concepts, key=lambda c: name_order(str(g.value(c, DCTERMS.title) or c), str(c))):
        ordered.add((c, RDF.type, SKOS.Concept))
    for triple in sorted(g):
        ordered.add(triple)
    return ordered


_NAV_STYLE = (
    "<style>/* cxkb: the way back to the book and to the other edition */"
    ".cxkb-ref-nav{font:14px/1.6 sans-serif;padding:.3em .5em;margin:0 0 .8em;background:#f3f4f6;color:#222}"
    ".cxkb-ref-nav a{color:#1d4ed8;margin-right:1.2em;text-decoration:underline}"
    ".cxkb-ref-nav-phone{display:none}"
    # pyLODE turns its banner a quarter around its middle, so a longer (Dutch) banner sat over
    # the field names; set sideways from its own corner it keeps to the margin in any language.
    "#pylode{top:1em;left:.6em;writing-mode:vertical-rl;transform:rotate(180deg)}"
    # On a phone pyLODE's fixed contents column covered the page and its rotated banner
    # widened it: both join the flow, and long IRIs break, so nothing scrolls sideways.
    "@media (max-width:700px){body{padding:1em}#content{width:auto}"
    ".cxkb-ref-nav-phone{display:block}#toc .cxkb-ref-nav{display:none}"
    "#toc{position:static;width:auto;height:auto;margin:0 0 1em}"
    "#pylode{position:static;transform:none;writing-mode:horizontal-tb;margin:0 0 1em}"
    ".entity,table.entity{width:auto}.entity th{width:auto}"
    # a concept's rows stack, field name over values, so a definition is not squeezed
    # into a column beside a 250 px one and broken in mid-word
    ".entity table,.entity tbody,.entity tr,.entity td{display:block;width:auto!important}"
    ".entity tr{margin:0 0 .6em}.entity td{padding:0 .2em}"
    "code,a,dd,td,h1,h2,h3{overflow-wrap:anywhere}}</style>"
)


def with_navigation(html: str, name: str, lang: str) -> str:
    """``html`` with a bar above pyLODE's page: back to the book's page about it, and the
    same document in the other edition (the Dutch pair sits under nl/, beside the book's
    Dutch pages), in the manner of the book's own language switch."""
    if lang == "nl":
        back = ("../generated/vocabulary.html", "Terug naar het boek")
        switch = (f"../../{REFERENCE_DIR}/{name}", "en", "English")
    else:
        back = ("../generated/vocabulary.html", "Back to the book")
        switch = (f"../nl/{REFERENCE_DIR}/{name}", "nl", "Nederlands")
    links = (
        f'<a href="{back[0]}">{back[1]}</a>'
        f'<a class="{{switch_class}}" href="{switch[0]}" hreflang="{switch[1]}" lang="{switch[1]}">{switch[2]}</a>'
    )
    bar = f'<nav class="cxkb-ref-nav">{links.format(switch_class="cxkb-lang-switch")}</nav>'
    # The same links at the top of the page for a phone, where the contents column (and the
    # bar in it) comes after the page; hidden on wider screens, so one switch shows at a time.
    phone_links = links.format(switch_class="cxkb-lang-switch-phone")
    phone_bar = f'<nav class="cxkb-ref-nav cxkb-ref-nav-phone">{phone_links}</nav>'
    # pyLODE sets no viewport, so a phone laid the page out 980 px wide and shrank it.
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    html = html.replace("</head>", ("" if 'name="viewport"' in html else viewport) + _NAV_STYLE + "</head>", 1)
    html = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + phone_bar, html, count=1)
    # At the top of pyLODE's contents column (fixed on the right), clear of its vertical banner.
    if '<div id="toc">' in html:
        return html.replace('<div id="toc">', '<div id="toc">' + bar, 1)
    return html.replace(phone_bar, bar, 1)


_JSON_LD = re.compile(r'(<script\b[^>]*type="application/ld\+json"[^>]*>)(.*?)(</script>)', re.S)


def _sorted_values(value: Any) -> Any:
    """A JSON-LD value with every list sorted, except ``@list`` values, whose order is meant."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _sorted_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_values(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def stable_json_ld(html: str) -> str:
    """The page with its embedded JSON-LD in one order.

    pyLODE writes the nodes and values of the JSON-LD in the order rdflib iterates the graph,
    which changes with Python's hash seed, so the same schema gave one of two pages at random and
    every book build rewrote them. Node lists and value lists are sets in JSON-LD, so sorting
    them changes nothing they say; the layout (two-space indent) stays pyLODE's.
    """

    def sort(m: re.Match[str]) -> str:
        body = m.group(2)
        lead, trail = body[: len(body) - len(body.lstrip())], body[len(body.rstrip()) :]
        return m.group(1) + lead + json.dumps(_sorted_values(json.loads(body)), indent=2) + trail + m.group(3)

    return _JSON_LD.sub(sort, html)


def _finished(html: str, name: str, lang: str) -> str:
    html = stable_json_ld(without_dead_fragments(offline(html)))
    return with_navigation(accessible(in_dutch(html) if lang == "nl" else html, lang), name, lang)


# The rows of a concept's section, in this order, with the name and tooltip of the one row
# pyLODE has no name for. pyLODE's own sections keep one value per field (the last it meets)
# and leave related concepts and scope notes out, so a concept with seven alternative labels,
# three sources and four related concepts showed one label and one source and no relation.
# Hidden labels stay out: SKOS keeps them for search, not for display.
CONCEPT_ROWS: tuple[tuple[str, tuple[str, str] | None], ...] = (
    ("http://www.w3.org/2004/02/skos/core#definition", None),
    ("http://www.w3.org/2004/02/skos/core#scopeNote", None),
    ("http://www.w3.org/2004/02/skos/core#altLabel", None),
    ("http://www.w3.org/2004/02/skos/core#broader", None),
    ("http://www.w3.org/2004/02/skos/core#narrower", None),
    (
        "http://www.w3.org/2004/02/skos/core#related",
        ("Related Concept", "Relates a concept to a concept with which there is an associative semantic relationship"),
    ),
    ("http://purl.org/dc/terms/source", None),
)


def _vocpub_class(source_names: Mapping[str, str]) -> type:
    """pyLODE's VocPub with concept sections that show every value of a field, and the
    vocabulary's own sources (which have no page a reader could follow) by their names."""
    from dominate.tags import a, br, code, div, h2, h3, span, strong, table, td, tr
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, SKOS

    class VocPub(_pylode().VocPub):  # type: ignore[misc,name-defined]
        def _make_main_sections(self) -> None:
            concepts = list(dict.fromkeys(self.ont.subjects(RDF.type, SKOS.Concept)))
            known = set(concepts)
            with self.content:
                section = div(h2("Concepts"), id="concepts")
                for iri in concepts:
                    rows = table()
                    rows.add(tr(td(strong("IRI"), style="width:250px;"), td(code(str(iri)))))
                    for field, name in CONCEPT_ROWS:
                        values = sorted(self.ont.objects(iri, URIRef(field)), key=self._order)
                        if not values:
                            continue
                        cell = td()
                        for n, value in enumerate(values):
                            if n:
                                cell.add(br())
                            cell.add(self._value(value, known))
                        rows.add(tr(td(self._field(URIRef(field), name)), cell))
                    title = h3(str(self.ont.value(iri, DCTERMS.title)), id=self._anchor(iri))
                    section.add(div(title, rows, _class="entity"))

        def _anchor(self, iri: Any) -> str:
            # a concept's section id, which the links of its broader, narrower and related concepts name
            return str(self.ont.namespace_manager.qname(iri)).replace(":", "_")

        def _field(self, field: Any, name: tuple[str, str] | None) -> Any:
            # pyLODE's name and description of the field, from the vocabularies it ships
            known = self.props_labeled.get(field) or {}
            title, tooltip = name or (str(known["title"]).title(), str(known["description"]).rstrip("."))
            return a(title, href=str(field), title=tooltip)

        def _order(self, value: Any) -> tuple[str, str]:
            if isinstance(value, Literal):
                return name_order(str(value), str(value))
            name = source_names.get(str(value)) or self.ont.value(value, DCTERMS.title) or value
            return name_order(str(name), str(value))

        def _value(self, value: Any, known: set[Any]) -> Any:
            # A concept links to its section and a DOI to the paper. The vocabulary's own
            # sources (practitioners' articles) have IRIs that lead nowhere: shown by name.
            if isinstance(value, Literal):
                return span(str(value))
            if value in known:
                return a(str(self.ont.value(value, DCTERMS.title)), href="#" + self._anchor(value))
            name = source_names.get(str(value), str(value))
            return a(name, href=str(value)) if str(value).startswith("https://doi.org/") else span(name)

    return VocPub


def vocabulary_html(skos_file: Path, lang: str = "en", source_names: Mapping[str, str] | None = None) -> str:
    """pyLODE's VocPub page of ``cxkb-skos.ttl`` in ``lang``, self-contained; ``source_names``
    gives a source IRI the name to show for it."""
    page = _vocpub_class(source_names or {})(ontology=vocpub_view(skos_file, lang))
    return _finished(page.make_html(), VOCABULARY_HTML, lang)


def ontology_html(schema_file: Path, lang: str = "en") -> str:
    """pyLODE's OntPub page of the schema in ``lang``, self-contained."""
    from rdflib import Graph

    view = in_language(Graph().parse(schema_file, format="turtle"), lang)
    return _finished(_pylode().OntPub(ontology=view).make_html(), ONTOLOGY_HTML, lang)


# pyLODE's fixed wording (headings, field names, the names and descriptions of the standard
# terms it explains in tooltips) and its Dutch in the Dutch edition's pair. A text node or a
# tooltip is translated only when it is one of these as a whole, so no data is touched.
DUTCH: dict[str, str] = {
    "Table of Contents": "Inhoud",
    "Metadata": "Metadata",
    "Concept Hierarchy": "Begrippenhiërarchie",
    "Concepts Hierarchy": "Begrippenhiërarchie",
    "Concepts": "Begrippen",
    "Collections": "Collecties",
    "Namespaces": "Naamruimten",
    "Legend": "Legenda",
    "Classes": "Klassen",
    "Object Properties": "Objecteigenschappen",
    "Datatype Properties": "Datatype-eigenschappen",
    "Annotation Properties": "Annotatie-eigenschappen",
    "Functional Properties": "Functionele eigenschappen",
    "Named Individuals": "Benoemde individuen",
    "IRI": "IRI",
    "Source": "Bron",
    "Preferred Label": "Voorkeurslabel",
    "Alternative Label": "Alternatief label",
    "Definition": "Definitie",
    "Has Broader": "Breder begrip",
    "Has Narrower": "Smaller begrip",
    "Related Concept": "Verwant begrip",
    "Scope Note": "Toelichting",
    "Title": "Titel",
    "Label": "Label",
    "Description": "Beschrijving",
    "Publisher": "Uitgever",
    "Creator": "Maker",
    "Date Created": "Gemaakt op",
    "Date Modified": "Gewijzigd op",
    "License": "Licentie",
    "Rights": "Rechten",
    "Version Iri": "Versie-IRI",
    "Version Info": "Versie",
    "Preferred Namespace Prefix": "Voorkeursprefix",
    "Preferred Namespace Uri": "Voorkeursnaamruimte",
    "Domain": "Domein",
    "Range": "Bereik",
    "Sub Class Of": "Subklasse van",
    "Super Class Of": "Superklasse van",
    "In Domain Of": "In het domein van",
    "In Range Of": "In het bereik van",
    "made by": "gemaakt door",
    "with the": "volgens het",
    "profile": "profiel",
    # the classes of other vocabularies that the schema uses, by pyLODE's names for them
    "Concept": "Begrip",
    "Concept Scheme": "Begrippenschema",
    "Person": "Persoon",
    "Organization": "Organisatie",
    "Expression": "Expressie",
    "Journal Article": "Tijdschriftartikel",
    "Book": "Boek",
    "Book Chapter": "Boekhoofdstuk",
    "Book Series": "Boekenreeks",
    "Conference Paper": "Congresbijdrage",
    "Report": "Rapport",
    "Journal": "Tijdschrift",
    "Academic Proceedings": "Congresbundel",
    # the properties of other vocabularies that the schema reuses, by pyLODE's names for them
    # ("source" and "concept" are also namespace prefixes on the page: see HEADINGS_ONLY)
    "alt label": "alternatief label",
    "pref label": "voorkeurslabel",
    "hidden label": "verborgen label",
    "broader": "breder",
    "narrower": "smaller",
    "related": "verwant",
    "in scheme": "in schema",
    "top concept of": "topbegrip van",
    "has top concept": "heeft topbegrip",
    "scope note": "toelichting",
    "definition": "definitie",
    "literal form": "letterlijke vorm",
    "creator": "maker",
    "publisher": "uitgever",
    "created": "gemaakt op",
    "modified": "gewijzigd op",
    "issued": "verschenen",
    "date": "datum",
    "title": "titel",
    "description": "beschrijving",
    "identifier": "identificatie",
    "language": "taal",
    "license": "licentie",
    "rights": "rechten",
    "is part of": "is deel van",
    "keyword": "trefwoord",
    "name": "naam",
    "family name": "achternaam",
    "note": "notitie",
    "deprecated": "uitgefaseerd",
    "same as": "zelfde als",
    "volume": "jaargang",
    "issue": "nummer",
    "pages": "pagina's",
    "publication name": "naam van de publicatie",
    "preferred namespace prefix": "voorkeursprefix",
    "preferred namespace uri": "voorkeursnaamruimte",
    # tooltips
    "OWL/RDFS Class": "OWL/RDFS-klasse",
    "OWL Object Property": "OWL-objecteigenschap",
    "OWL Datatype Property": "OWL-datatype-eigenschap",
    "OWL Annotation Property": "OWL-annotatie-eigenschap",
    "OWL Functional Property": "Functionele OWL-eigenschap",
    "OWL Inverse Functional Property": "Invers functionele OWL-eigenschap",
    "A related resource from which the described resource is derived": (
        "Een bron waaruit de beschreven bron is afgeleid"
    ),
    "A statement or formal explanation of the meaning of a concept": (
        "Een uitspraak of formele uitleg van de betekenis van een begrip"
    ),
    "An alternative lexical label for a resource": "Een ander woordlabel voor een bron",
    "Relates a concept to a concept that is more general in meaning": (
        "Verbindt een begrip met een begrip van algemenere betekenis"
    ),
    "Relates a concept to a concept that is more specific in meaning": (
        "Verbindt een begrip met een begrip van specifiekere betekenis"
    ),
    "Relates a concept to a concept with which there is an associative semantic relationship": (
        "Verbindt een begrip met een begrip waarmee het inhoudelijk samenhangt"
    ),
    "A note that helps to clarify the meaning and/or the use of a concept": (
        "Een notitie die de betekenis of het gebruik van een begrip verheldert"
    ),
    "A domain of the subject property": "Een domein van de eigenschap",
    "A range of the subject property": "Een bereik van de eigenschap",
    "The subject is a subclass of a class": "Het onderwerp is een subklasse van een klasse",
    "Inverse of RDFS' subClassOf": "Omgekeerde van rdfs:subClassOf",
    "Inverse of rdfs:domain": "Omgekeerde van rdfs:domain",
    "Inverse of rdfs:range": "Omgekeerde van rdfs:range",
    "An account of the resource": "Een beschrijving van de bron",
    "A name given to the resource": "Een naam die de bron gekregen heeft",
    "A legal document giving official permission to do something with the resource": (
        "Een juridisch document dat officieel toestemming geeft iets met de bron te doen"
    ),
    "An entity responsible for making the resource": "Wie verantwoordelijk is voor het maken van de bron",
    "An entity responsible for making the resource available": (
        "Wie verantwoordelijk is voor het beschikbaar stellen van de bron"
    ),
    "Date of creation of the resource": "Datum waarop de bron gemaakt is",
    "Date on which the resource was changed": "Datum waarop de bron gewijzigd is",
    "Information about rights held in and over the resource": "Informatie over de rechten op de bron",
    "The property that identifies the version IRI of an ontology": (
        "De eigenschap die de versie-IRI van een ontologie aangeeft"
    ),
    "The annotation property that provides version information for an ontology or another OWL construct": (
        "De annotatie-eigenschap met versie-informatie over een ontologie of een ander OWL-onderdeel"
    ),
}
# Names that are also namespace prefixes on the page, translated only as a term's heading.
HEADINGS_ONLY: dict[str, str] = {"source": "bron", "concept": "begrip"}
_HEADING = re.compile(r"(<h3>\s*)(" + "|".join(HEADINGS_ONLY) + r")(\s*<)")
_TOOLTIP = re.compile(r'\btitle="([^"]*)"')
_DEFINED_IN = ". Defined in "


def _tooltip(text: str) -> str:
    """A tooltip in Dutch: pyLODE writes "<description>. Defined in <vocabulary>"."""
    head, sep, where = text.partition(_DEFINED_IN)
    head = head.rstrip(".")
    if head == "None":  # pyLODE's tooltip for a term it has no description of
        return ""
    dutch = DUTCH.get(head)
    if dutch is None:
        return text
    return f"{dutch}. Gedefinieerd in {where}" if sep else dutch + ("." if text.endswith(".") else "")


def in_dutch(html: str) -> str:
    """``html`` with pyLODE's fixed wording in Dutch (text nodes and tooltips that are one of :data:`DUTCH`)."""
    head, body = html.split("<body", 1) if "<body" in html else ("", html)

    body = replace_whole_texts(body, DUTCH)
    body = _HEADING.sub(lambda m: m.group(1) + HEADINGS_ONLY[m.group(2)] + m.group(3), body)
    body = _TOOLTIP.sub(lambda m: f'title="{_tooltip(m.group(1))}"' if _tooltip(m.group(1)) else "", body)
    return head + ("<body" if head else "") + body


def _source_names(site: Site) -> dict[str, str]:
    """What the vocabulary page calls the concepts' sources: a paper of the table by its title
    (linked to its DOI there), a practitioners' source by its title, author, outlet and date."""
    names = {str(source_iri(ref)): source_name(s) for ref, s in site.kb.sources.items()}
    for concept in site.kb.concepts.values():
        for ref in concept.source:
            pid = site.cited_paper(ref)
            if pid is not None:
                names[str(source_iri(ref))] = site.kb.papers[pid].title
    return names


def reference_files(site: Site) -> dict[str, bytes]:
    """The pyLODE pages of both editions, keyed by their path under ``book/`` (the Dutch
    pair under :data:`DUTCH_REFERENCE`, from where the site assembly moves it under nl/)."""
    skos_file = next((p for p in site.release_files if p.name == SKOS_FILE), None)
    schema = site.root / "ontology" / "cxkb.ttl"
    out: dict[str, bytes] = {}
    names = _source_names(site)
    for lang, folder in (("en", f"{GENERATED}/extra/{REFERENCE_DIR}"), ("nl", DUTCH_REFERENCE)):
        out[f"{folder}/{ONTOLOGY_HTML}"] = ontology_html(schema, lang).encode("utf-8")
        if skos_file is not None:
            out[f"{folder}/{VOCABULARY_HTML}"] = vocabulary_html(skos_file, lang, names).encode("utf-8")
    return out


def page_vocabulary(site: Site) -> str:
    """The book page that introduces and links the pyLODE references (standalone pages, so
    they keep pyLODE's own layout and do not inherit the book's theme)."""
    count, t = len(site.kb.concepts), site.t
    # Each edition's pair sits in reference/ beside its generated/ folder.
    vocabulary = f"../{REFERENCE_DIR}/{VOCABULARY_HTML}"
    ontology = f"../{REFERENCE_DIR}/{ONTOLOGY_HTML}"
    lines = [
        f"# {t('Vocabulary reference', 'Vocabulaire')}",
        "",
        t(
            f"The {count} CX concepts as one SKOS concept scheme, in the layout of the "
            "[VocPub profile](https://w3id.org/profile/vocpub), made by pyLODE from the release file "
            "`cxkb-skos.ttl`: the file to load into Skosmos, VocBench, Annif or any other SKOS tool. "
            "The schema has the same kind of page (pyLODE's OntPub); the book's own "
            "[ontology page](ontology.md) shows it with links into the book.",
            f"De {count} CX-begrippen als één SKOS-begrippenschema, opgemaakt volgens het "
            "[VocPub-profiel](https://w3id.org/profile/vocpub) door pyLODE uit het releasebestand "
            "`cxkb-skos.ttl`: het bestand dat u in Skosmos, VocBench, Annif of ander SKOS-gereedschap laadt. "
            "Het schema heeft een pagina van dezelfde soort (OntPub van pyLODE); de eigen "
            "[ontologiepagina](ontology.md) van het boek toont het met verwijzingen naar de rest van het boek.",
        ),
        "",
        f'- <a href="{vocabulary}">{t("Vocabulary reference (VocPub)", "Vocabulaire (VocPub)")}</a>',
        f'- <a href="{ontology}">{t("Ontology reference (OntPub)", "Ontologie (OntPub)")}</a>',
        "",
    ]
    return "\n".join(lines)
