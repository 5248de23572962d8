"""The ontology reference page."""

from __future__ import annotations

import html

from cxkb.book.layout import GENERATED
from cxkb.book.markup import in_lang, myst_escape, nl
from cxkb.book.site import Site


def page_ontology(site: Site) -> str:
    """The schema in ``ontology/cxkb.ttl``: metadata, classes and properties in both languages."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

    from cxkb.namespaces import BASE, CX, ONTOLOGY, PREFIXES, VANN

    g = Graph()
    g.parse(site.root / "ontology" / "cxkb.ttl", format="turtle")
    here, t = f"{GENERATED}/ontology", site.t

    def texts(subject: URIRef, prop: URIRef, lang: str) -> str:
        values = sorted(str(o) for o in g.objects(subject, prop) if isinstance(o, Literal) and o.language == lang)
        return " ".join(values)

    def plain(subject: URIRef, prop: URIRef) -> str:
        return ", ".join(sorted(str(o) for o in g.objects(subject, prop)))

    def qname(node: object) -> str:
        text = str(node)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(ns)) and len(text) > len(str(ns)):
                return f"{prefix}:{text[len(str(ns)) :]}"
        return text

    # Anchors are lower case, so a class and a property that differ only in their first
    # letter's case (cx:StudyDesign, cx:studyDesign) would share one: the property gets a suffix.
    names = {str(s)[len(str(CX)) :] for s in g.subjects() if str(s).startswith(str(CX))}
    class_names = {n.lower() for n in names if n[:1].isupper()}

    def anchor(node: object) -> str:
        name = str(node)[len(str(CX)) :]
        clash = name[:1].islower() and name.lower() in class_names
        return "cx-" + name.lower() + ("-property" if clash else "")

    def ref(node: object) -> str:
        if str(node).startswith(str(CX)):
            return f"[{myst_escape(qname(node))}](#{anchor(node)})"
        return myst_escape(qname(node))

    def bilingual_block(subject: URIRef) -> list[str]:
        out = []
        label_en, label_nl = texts(subject, RDFS.label, "en"), texts(subject, RDFS.label, "nl")
        if label_en or label_nl:
            first, second = (
                (nl(myst_escape(label_nl)), in_lang(myst_escape(label_en), "en"))
                if site.lang == "nl"
                else (
                    myst_escape(label_en),
                    nl(myst_escape(label_nl)),
                )
            )
            out += [f"**{t('Label', 'Naam')}:** {first} · {second}", ""]
        definition_en, definition_nl = texts(subject, SKOS.definition, "en"), texts(subject, SKOS.definition, "nl")
        own, other = (definition_nl, definition_en) if site.lang == "nl" else (definition_en, definition_nl)
        if own or other:
            text = myst_escape(own) if own else site.mark(myst_escape(other), site.other)
            out += [f"**{t('Definition', 'Definitie')}.** {text}", ""]
        return out

    lines = [
        f"# {t('Ontology reference', 'Ontologie')}",
        "",
        t(
            "The schema of the knowledge graph, generated from `ontology/cxkb.ttl`: the ontology's metadata, its "
            "classes and its properties, each with its label and definition. The individuals "
            "(domains, topics, questions, concepts, papers) come from the tables and are in the release files.",
            "Het schema van de kennisgraaf, gemaakt uit `ontology/cxkb.ttl`: de metadata van de ontologie, haar "
            "klassen en eigenschappen, elk met naam en definitie. De individuen (domeinen, onderwerpen, vragen, "
            "begrippen, publicaties) komen uit de tabellen en staan in de releasebestanden.",
        ),
        "",
        f"## {t('Metadata', 'Metadata')}",
        "",
        t("| Field | Value |", "| Veld | Waarde |"),
        "|---|---|",
    ]
    namespace = myst_escape(plain(ONTOLOGY, VANN.preferredNamespaceUri))
    prefix = myst_escape(plain(ONTOLOGY, VANN.preferredNamespacePrefix))

    def both(prop: URIRef) -> str:
        """The page's language first, the other one marked with its language after it."""
        own, other = ("nl", "en") if site.lang == "nl" else ("en", "nl")
        first = myst_escape(texts(ONTOLOGY, prop, own))
        return f"{first} · {in_lang(myst_escape(texts(ONTOLOGY, prop, other)), other)}"

    meta = [
        (t("Title", "Titel"), both(DCTERMS.title)),
        ("IRI", myst_escape(str(ONTOLOGY))),
        (t("Version", "Versie"), myst_escape(plain(ONTOLOGY, OWL.versionInfo))),
        (t("Version IRI", "Versie-IRI"), myst_escape(plain(ONTOLOGY, OWL.versionIRI))),
        (t("Created", "Gemaakt"), myst_escape(plain(ONTOLOGY, DCTERMS.created))),
        (t("Modified", "Gewijzigd"), myst_escape(plain(ONTOLOGY, DCTERMS.modified))),
        (t("Licence", "Licentie"), myst_escape(plain(ONTOLOGY, DCTERMS.license))),
        (t("Source", "Bron"), myst_escape(plain(ONTOLOGY, DCTERMS.source))),
        (t("Namespace", "Naamruimte"), f"{namespace} ({t('prefix', 'prefix')} {prefix})"),
    ]
    lines += [f"| {k} | {v or '–'} |" for k, v in meta]
    lines += ["", f"**{t('Description', 'Beschrijving')}.** {both(DCTERMS.description)}", ""]

    lines += [f"## {t('Downloads', 'Downloads')}", ""]
    if site.release_files:
        lines += [
            t(
                "The released knowledge graph (schema, all records and the inferred triples), in four formats, plus "
                "the asserted triples only:",
                "De uitgebrachte kennisgraaf (schema, alle records en de afgeleide triples) in vier formaten, plus "
                "alleen de vastgelegde triples:",
            ),
            "",
            t("| File | Format | Size |", "| Bestand | Formaat | Grootte |"),
            "|---|---|---|",
        ]
        formats = {
            "cxkb.ttl": "Turtle",
            "cxkb.owl": "RDF/XML (OWL)",
            "cxkb.jsonld": "JSON-LD",
            "cxkb.nt": "N-Triples",
            "cxkb-base.ttl": t(
                "Turtle, asserted triples only (no inferences)",
                "Turtle, alleen de vastgelegde triples (zonder afleidingen)",
            ),
            "cxkb-skos.ttl": t(
                "Turtle, the SKOS vocabulary alone (one concept scheme, for SKOS tools)",
                "Turtle, alleen het SKOS-vocabulaire (één begrippenschema, voor SKOS-gereedschap)",
            ),
            "cxkb-records.json": t(
                "JSON, the validated records and the derived facts (what the book and the checker read)",
                "JSON, de gecontroleerde records en de afgeleide feiten (wat het boek en de checker lezen)",
            ),
            "manifest.json": t(
                "JSON, the release manifest: source files with their hashes, tool versions, counts",
                "JSON, het releasemanifest: bronbestanden met hun hashes, versies van het gereedschap, aantallen",
            ),
        }
        for path in site.release_files:
            url = html.escape(site.site_file(f"release/{path.name}", here))
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            lines.append(
                f'| <a href="{url}" download>{html.escape(path.name)}</a> | '
                f"{myst_escape(formats.get(path.name, path.suffix))} | {size} |"
            )
    else:
        lines.append(
            t(
                "The release files have not been built yet: run `cxkb build`.",
                "De releasebestanden zijn nog niet gemaakt: voer `cxkb build` uit.",
            )
        )
    lines.append("")

    classes = sorted(s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef) and str(s).startswith(str(CX)))
    lines += [f"## {t('Classes', 'Klassen')}", ""]
    for cls in classes:
        lines += [f"({anchor(cls)})=", f"### {myst_escape(qname(cls))}", "", f"IRI: {myst_escape(str(cls))}", ""]
        lines += bilingual_block(cls)
        parents = sorted(g.objects(cls, RDFS.subClassOf), key=str)
        if parents:
            lines += [f"**{t('Subclass of', 'Subklasse van')}:** {', '.join(ref(p) for p in parents)}", ""]

    kinds = (
        (t("Object properties", "Objecteigenschappen"), OWL.ObjectProperty),
        (t("Annotation properties", "Annotatie-eigenschappen"), OWL.AnnotationProperty),
    )
    for title, kind in kinds:
        props = sorted(s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(CX)))
        if not props:
            continue
        lines += [f"## {title}", ""]
        for prop in props:
            lines += [f"({anchor(prop)})=", f"### {myst_escape(qname(prop))}", "", f"IRI: {myst_escape(str(prop))}", ""]
            lines += bilingual_block(prop)
            traits = [
                name
                for name, cls in (
                    (t("functional", "functioneel"), OWL.FunctionalProperty),
                    (t("symmetric", "symmetrisch"), OWL.SymmetricProperty),
                    (t("transitive", "transitief"), OWL.TransitiveProperty),
                )
                if (prop, RDF.type, cls) in g
            ]
            facts = [
                (t("Domain", "Domein"), ", ".join(ref(x) for x in sorted(g.objects(prop, RDFS.domain), key=str))),
                (t("Range", "Bereik"), ", ".join(ref(x) for x in sorted(g.objects(prop, RDFS.range), key=str))),
                (t("Characteristics", "Kenmerken"), ", ".join(traits)),
                (
                    t("Inverse of", "Inverse van"),
                    ", ".join(ref(x) for x in sorted(g.objects(prop, OWL.inverseOf), key=str)),
                ),
            ]
            for chain in g.objects(prop, OWL.propertyChainAxiom):
                from rdflib.collection import Collection

                steps = " ∘ ".join(ref(x) for x in Collection(g, chain))
                facts.append((t("Property chain", "Eigenschapsketen"), f"{steps} ⊑ {ref(prop)}"))
            lines += [f"**{k}:** {v}  " for k, v in facts if v]
            lines.append("")

    declared = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    reused = sorted(qname(s) for s in declared if not str(s).startswith(BASE))  # not cxkb's own terms
    lines += [
        f"## {t('Reused terms', 'Hergebruikte termen')}",
        "",
        t(
            "Terms of other vocabularies the schema declares so that OWL tools read the graph as OWL 2 DL: ",
            "Termen uit andere vocabulaires die het schema declareert, zodat OWL-gereedschap de graaf als OWL 2 DL "
            "leest: ",
        )
        + ", ".join(myst_escape(x) for x in reused)
        + ".",
        "",
    ]
    return "\n".join(lines)
