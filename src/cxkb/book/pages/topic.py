"""One page per topic: its questions, concepts and papers."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.evidence import design_cell, gap_reasons_myst
from cxkb.book.layout import GENERATED
from cxkb.book.markup import cite, doc_of, link, myst_escape
from cxkb.book.site import Site, list_table
from cxkb.model import Paper


def _paper_row(site: Site, p: Paper, here: str, topic: str) -> list[str]:
    questions = ", ".join(
        link(site.question_label(q, topic), here, doc_of("question", q)) for q in p.questions if q in site.kb.questions
    )
    return [
        cite([p.id], textual=True),
        str(p.year),
        site.paper_title(p),
        design_cell(site.kb, p, site.lang),
        questions or "–",
        site.summary(p),
    ]


def page_topic(site: Site, topic: str) -> str:
    kb, here, t = site.kb, doc_of("topic", topic), site.t
    top = kb.topics[topic]
    d = kb.domains.get(top.domain)
    lines = [f"# {site.title(top.label)}", ""]
    if d is not None:
        lines += [t("A topic of the ", "Een onderwerp van het ") + f"{site.record_link('domain', d.id, here)}.", ""]
    lines += [
        f"**{t('Definition', 'Definitie')}.** {site.linked(top.definition, here)}",
        "",
        f"**{t('Sources', 'Bronnen')}:** {site.sources(top.source)}",
        "",
        f"## {t('Open research questions', 'Open onderzoeksvragen')}",
        "",
    ]
    for qid in site.questions_of(topic):
        q = kb.questions[qid]
        papers = site.question_papers.get(qid, [])
        lines += [
            f"**{link(site.question_label(qid), here, doc_of('question', qid))}.** {site.linked(q.text, here)}",
            "",
        ]
        if papers:
            lines += [f"{t('Papers addressing it', 'Publicaties hierover')}: {cite(papers)}.", ""]
        if qid in site.gaps:
            reason = f" {site.mark(myst_escape(q.evidence_gap), 'en')}" if q.evidence_gap else ""
            found = (
                ""
                if papers
                else t(" No paper in the table addresses it yet.", " Nog geen publicatie in de tabel gaat erover.")
            )
            why = gap_reasons_myst(qid, site.frames.derived, site.lang)
            gap = link(t("Evidence gap", "Kennishiaat"), here, f"{GENERATED}/gapmap")
            lines += [f"**{gap}.**{found} {why}{reason}", ""]
    lines += [f"## {t('Concepts', 'Begrippen')}", ""]
    concepts = site.concepts_of(topic)
    if concepts:
        for cid in concepts:
            c = kb.concepts[cid]
            n = len(site.concept_papers.get(cid, []))
            retired = t(" (retired)", " (vervallen)") if c.deprecated else ""
            count = t(f"{n} paper" if n == 1 else f"{n} papers", f"{n} publicatie" if n == 1 else f"{n} publicaties")
            lines.append(f"- {site.concept_link(cid, here)}{retired}: {count}")
    else:
        lines.append(t("No concept is linked to this topic yet.", "Nog geen begrip is aan dit onderwerp gekoppeld."))
    papers = site.topic_papers.get(topic, [])
    lines += ["", f"## {t('Papers', 'Publicaties')} ({len(papers)})", ""]
    if papers:
        lines += [
            t(
                "Papers that cover this topic, directly or through a research question they address; newest first.",
                "Publicaties over dit onderwerp, direct of via een onderzoeksvraag die ze behandelen; nieuwste eerst.",
            ),
            "",
            list_table(
                [
                    t("Reference", "Verwijzing"),
                    t("Year", "Jaar"),
                    t("Title", "Titel"),
                    t("Design", "Opzet"),
                    t("Questions", "Vragen"),
                    t("Summary", "Samenvatting"),
                ],
                [_paper_row(site, kb.papers[p], here, topic) for p in papers],
                caption=t("Papers on this topic", "Publicaties over dit onderwerp"),
                css_class="cxkb-papers",
                widths=(16, 6, 32, 12, 10, 24),
            ),
        ]
    else:
        lines.append(
            t("No paper in the literature table covers this topic yet.", "Nog geen publicatie gaat over dit onderwerp.")
        )
    caption = t(f"Map of {top.label.en}", f"Kaart van {top.label.nl or top.label.en}")
    lines += [
        "",
        f"## {t('Concept map', 'Begrippenkaart')}",
        "",
        site.map_block(here, maps.MapSpec(f"topic-{topic}", "topic", topic), caption, height="480px"),
        "",
    ]
    return "\n".join(lines)
