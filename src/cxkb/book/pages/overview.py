"""The overview and map pages."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.layout import GENERATED
from cxkb.book.markup import link
from cxkb.book.site import Site, list_table, plural


def page_overview(site: Site) -> str:
    """The landing page's numbers and table of contents (included from ``intro.md``)."""
    kb, here, t = site.kb, "intro", site.t
    per_topic = site.frames.papers_per_topic().to_dict()
    gaps = len(site.gaps)
    gapmap = f"{GENERATED}/gapmap"
    lines = [
        t(
            f"The book currently holds {plural(len(kb.papers), 'paper')}, {plural(len(kb.concepts), 'concept')} "
            f"and {plural(len(kb.questions), 'open research question')} "
            f"({link(plural(gaps, 'of them an evidence gap', 'of them evidence gaps'), here, gapmap)}) "
            f"in {plural(len(kb.domains), 'domain')} and {plural(len(kb.topics), 'topic')}.",
            f"Het boek bevat nu {plural(len(kb.papers), 'publicatie', 'publicaties')}, "
            f"{plural(len(kb.concepts), 'begrip', 'begrippen')} en "
            f"{plural(len(kb.questions), 'open onderzoeksvraag', 'open onderzoeksvragen')} "
            f"(waarvan {link(plural(gaps, 'kennishiaat', 'kennishiaten'), here, gapmap)}) "
            f"in {plural(len(kb.domains), 'domein', 'domeinen')} en "
            f"{plural(len(kb.topics), 'onderwerp', 'onderwerpen')}.",
        ),
        "",
    ]
    rows = []
    for d in kb.domains.values():
        for tid in site.topics_of(d.id):
            rows.append(
                [
                    site.record_link("domain", d.id, here),
                    site.record_link("topic", tid, here),
                    str(len(site.questions_of(tid))),
                    str(int(per_topic.get(tid, 0))),
                ]
            )
    header = [t("Domain", "Domein"), t("Topic", "Onderwerp"), t("Questions", "Vragen"), t("Papers", "Publicaties")]
    lines.append(list_table(header, rows, caption=t("Domains and topics", "Domeinen en onderwerpen")))
    return "\n".join(lines) + "\n"


def page_map(site: Site) -> str:
    here, t = f"{GENERATED}/map", site.t
    kb = site.kb
    domain_links = ", ".join(site.record_link("domain", d, here) for d in kb.domains)
    return "\n".join(
        [
            f"# {t('Map of CX research', 'Kaart van het klantbelevingsonderzoek')}",
            "",
            t(
                "The whole taxonomy on one map: the research domains, their topics, the open research questions "
                "about each topic and the concepts used in its research. Colours show the domain, size the number of "
                "papers in the literature table. Drag to move, scroll to zoom, click a node to open its page.",
                "De hele taxonomie op één kaart: de onderzoeksdomeinen, hun onderwerpen, de open onderzoeksvragen per "
                "onderwerp en de begrippen uit het onderzoek. De kleur toont het domein, de grootte het aantal "
                "publicaties. Sleep om te verschuiven, scroll om te zoomen, klik op een knoop om de pagina te openen.",
            ),
            "",
            site.map_block(
                here, maps.MapSpec("all", "all"), t("The whole taxonomy", "De hele taxonomie"), height="720px"
            ),
            "",
            t("Each domain has its own chapter and map: ", "Elk domein heeft een eigen hoofdstuk en kaart: ")
            + f"{domain_links}.",
            "",
        ]
    )
