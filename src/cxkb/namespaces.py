"""The namespaces and IRIs of the knowledge graph, in one place.

Every product mints or reads the same IRIs: the build writes them, the queries, the book
and the endpoint link to them. Keeping the scheme here means it is decided once.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from cxkb.iris import BASE, iri_text
from cxkb.ntriples import IRI_ENCODED, IRI_FORBIDDEN

CX = Namespace(BASE + "ontology#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY = URIRef(BASE + "ontology")
CONCEPT_SCHEME = URIRef(BASE + "concepts")
FRAMEWORK_SCHEME = URIRef(BASE + "framework")

# The prefixes the release files declare and every query may use without declaring them.
PREFIXES = {
    "cx": CX,
    "skos": SKOS,
    "skosxl": SKOSXL,
    "dcterms": DCTERMS,
    "bibo": BIBO,
    "fabio": FABIO,
    "prism": PRISM,
    "foaf": FOAF,
    "schema": SCHEMA,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "vann": VANN,
    "domain": Namespace(BASE + "domain/"),
    "topic": Namespace(BASE + "topic/"),
    "question": Namespace(BASE + "question/"),
    "concept": Namespace(BASE + "concept/"),
    "paper": Namespace(BASE + "paper/"),
    "person": Namespace(BASE + "person/"),
    "venue": Namespace(BASE + "venue/"),
    "source": Namespace(BASE + "source/"),
    "label": Namespace(BASE + "label/"),
    "design": Namespace(BASE + "design/"),
}

PAPER_CLASSES = {
    "article": FABIO.JournalArticle,
    "book": FABIO.Book,
    "chapter": FABIO.BookChapter,
    "proceedings": FABIO.ConferencePaper,
    "report": FABIO.Report,
}
PAPER_TYPES = {v: k for k, v in PAPER_CLASSES.items()}
VENUE_CLASSES = {
    "journal": FABIO.Journal,
    "book": FABIO.Book,
    "proceedings": FABIO.AcademicProceedings,
    "series": FABIO.BookSeries,
}
VENUE_TYPES = {v: k for k, v in VENUE_CLASSES.items()}
ORCID_BASE = "https://orcid.org/"
AUTHOR_SEPARATOR = "; "


def iri(kind: str, ident: str) -> URIRef:
    """The IRI of a record. Seed ids (``seed:001``) become ``source/seed-001``."""
    return URIRef(iri_text(kind, ident))


def ident_of(node: URIRef) -> str:
    tail = str(node).rsplit("/", 1)[-1]
    return tail.replace("seed-", "seed:", 1) if tail.startswith("seed-") else tail


def doi_iri(doi: str) -> URIRef:
    return URIRef("https://doi.org/" + doi.translate(IRI_FORBIDDEN))


def source_iri(ref: str) -> URIRef:
    return iri("source", ref) if ref.startswith("seed:") else doi_iri(ref)


def source_ref(node: URIRef) -> str:
    text = str(node)
    if text.startswith("https://doi.org/"):
        return IRI_ENCODED.sub(lambda m: chr(int(m.group(1), 16)), text[len("https://doi.org/") :])
    return ident_of(node)


def family_name(author: str) -> str:
    """The family name of a 'Family, Given' spelling."""
    return author.partition(",")[0].strip()


def new_graph(cls: type[Graph] = Graph) -> Graph:
    g = cls()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def text_in(graph: Graph, subject: Node, prop: Node, lang: str) -> str | None:
    """The ``prop`` text of ``subject`` in ``lang``, else an untagged one, else the first by sort.

    A graph may give one text per language (the shapes' messages do); rdflib's ``value``
    would return whichever it meets first, so a finding's wording could change language
    between runs.
    """
    values = [o for o in graph.objects(subject, prop) if isinstance(o, Literal)]
    for wanted in (lang, None):
        found = sorted(str(o) for o in values if o.language == wanted)
        if found:
            return found[0]
    return min((str(o) for o in values), default=None)
