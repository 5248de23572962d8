"""One page per research domain."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.markup import doc_of
from cxkb.book.site import Site, list_table


def page_domain(site: Site, domain: str) -> str:
    kb, here, t = site.kb, doc_of("domain", domain), site.t
    d = kb.domains[domain]
    per_topic = site.frames.papers_per_topic().to_dict()
    lines = [
        f"# {site.title(d.label)}",
        "",
        f"**{t('Definition', 'Definitie')}.** {site.linked(d.definition, here)}",
        "",
        f"**{t('Sources', 'Bronnen')}:** {site.sources(d.source)}",
        "",
        f"## {t('Topics', 'Onderwerpen')}",
        "",
    ]
    rows = []
    for tid in site.topics_of(domain):
        questions = site.questions_of(tid)
        gaps = sum(1 for q in questions if q in site.gaps)
        rows.append(
            [
                site.record_link("topic", tid, here),
                str(int(per_topic.get(tid, 0))),
                str(len(questions)),
                str(gaps),
                str(len(site.concepts_of(tid))),
            ]
        )
    header = [
        t("Topic", "Onderwerp"),
        t("Papers", "Publicaties"),
        t("Questions", "Vragen"),
        t("Evidence gaps", "Kennishiaten"),
        t("Concepts", "Begrippen"),
    ]
    lines.append(list_table(header, rows, caption=t("Topics", "Onderwerpen")))
    caption = t(f"Map of the {d.label.en}", f"Kaart van het {d.label.nl or d.label.en}")
    lines += [
        "",
        f"## {t('Map', 'Kaart')}",
        "",
        site.map_block(here, maps.MapSpec(f"domain-{domain}", "domain", domain), caption),
        "",
    ]
    return "\n".join(lines)
