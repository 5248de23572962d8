"""The overview and map pages."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.layout import GENERATED
from cxkb.book.markup import doc_of, link
from cxkb.book.site import Site, bilingual, list_table, plural


def page_overview(site: Site) -> str:
    """The landing page's numbers and table of contents (included from ``intro.md``)."""
    kb, here = site.kb, "intro"
    per_topic = site.frames.papers_per_topic().to_dict()
    gaps = len(site.gaps)
    lines = [
        f"The book currently holds {plural(len(kb.papers), 'paper')}, {plural(len(kb.concepts), 'concept')} "
        f"and {plural(len(kb.questions), 'open research question')} "
        f"({link(plural(gaps, 'of them an evidence gap', 'of them evidence gaps'), here, f'{GENERATED}/gapmap')}) "
        f"in {plural(len(kb.domains), 'domain')} and {plural(len(kb.topics), 'topic')}.",
        "",
    ]
    rows = []
    for d in kb.domains.values():
        for t in site.topics_of(d.id):
            top = kb.topics[t]
            rows.append(
                [
                    link(bilingual(d.label.en, d.label.nl), here, doc_of("domain", d.id)),
                    link(bilingual(top.label.en, top.label.nl), here, doc_of("topic", t)),
                    str(len(site.questions_of(t))),
                    str(int(per_topic.get(t, 0))),
                ]
            )
    lines.append(
        list_table(["Domain · domein", "Topic · onderwerp", "Questions", "Papers"], rows, caption="Domains and topics")
    )
    return "\n".join(lines) + "\n"


def page_map(site: Site) -> str:
    here = f"{GENERATED}/map"
    kb = site.kb
    domain_links = ", ".join(
        link(bilingual(d.label.en, d.label.nl), here, doc_of("domain", d.id)) for d in kb.domains.values()
    )
    return "\n".join(
        [
            "# Map of CX research · Kaart van het klantbelevingsonderzoek",
            "",
            "The whole taxonomy on one map: the research domains, their topics, the open research questions "
            "about each topic and the concepts used in its research. Colours show the domain, size the number of "
            "papers in the literature table. Drag to move, scroll to zoom, click a node to open its page.",
            "",
            site.map_block(here, maps.MapSpec("all", "all"), "The whole taxonomy", height="720px"),
            "",
            f"Each domain has its own chapter and map: {domain_links}.",
            "",
        ]
    )
