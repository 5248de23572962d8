"""One page per research domain."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.markup import doc_of, link, nl
from cxkb.book.site import Site, bilingual, list_table


def page_domain(site: Site, domain: str) -> str:
    kb, here = site.kb, doc_of("domain", domain)
    d = kb.domains[domain]
    per_topic = site.frames.papers_per_topic().to_dict()
    lines = [
        f"# {bilingual(d.label.en, d.label.nl)}",
        "",
        f"**Definition.** {site.linker.link(d.definition.en, here)}",
        "",
        f"**Definitie.** {nl(site.linker.link(d.definition.nl, here))}",
        "",
        f"**Sources · bronnen:** {site.sources(d.source)}",
        "",
        "## Topics · Onderwerpen",
        "",
    ]
    rows = []
    for t in site.topics_of(domain):
        top = kb.topics[t]
        questions = site.questions_of(t)
        gaps = sum(1 for q in questions if q in site.gaps)
        rows.append(
            [
                link(bilingual(top.label.en, top.label.nl), here, doc_of("topic", t)),
                str(int(per_topic.get(t, 0))),
                str(len(questions)),
                str(gaps),
                str(len(site.concepts_of(t))),
            ]
        )
    lines.append(
        list_table(["Topic · onderwerp", "Papers", "Questions", "Evidence gaps", "Concepts"], rows, caption="Topics")
    )
    lines += [
        "",
        "## Map · Kaart",
        "",
        site.map_block(here, maps.MapSpec(f"domain-{domain}", "domain", domain), f"Map of the {d.label.en}"),
        "",
    ]
    return "\n".join(lines)
