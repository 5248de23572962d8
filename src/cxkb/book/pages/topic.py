"""One page per topic: its questions, concepts and papers."""

from __future__ import annotations

from cxkb.book import maps
from cxkb.book.evidence import design_cell, gap_reasons_myst
from cxkb.book.markup import cite, doc_of, link, myst_escape, nl
from cxkb.book.site import Site, bilingual, list_table, plural
from cxkb.model import Paper


def _paper_row(site: Site, p: Paper, here: str, topic: str) -> list[str]:
    questions = ", ".join(
        link(site.question_label(q, topic), here, doc_of("question", q)) for q in p.questions if q in site.kb.questions
    )
    return [
        cite([p.id], textual=True),
        str(p.year),
        myst_escape(p.title),
        design_cell(site.kb, p),
        questions,
        site.linker.link(p.note, here),
    ]


def page_topic(site: Site, topic: str) -> str:
    kb, here = site.kb, doc_of("topic", topic)
    t = kb.topics[topic]
    d = kb.domains.get(t.domain)
    lines = [f"# {bilingual(t.label.en, t.label.nl)}", ""]
    if d is not None:
        lines += [f"A topic of the {link(bilingual(d.label.en, d.label.nl), here, doc_of('domain', d.id))}.", ""]
    lines += [
        f"**Definition.** {site.linker.link(t.definition.en, here)}",
        "",
        f"**Definitie.** {nl(site.linker.link(t.definition.nl, here))}",
        "",
        f"**Sources · bronnen:** {site.sources(t.source)}",
        "",
        "## Open research questions · Open onderzoeksvragen",
        "",
    ]
    for qid in site.questions_of(topic):
        q = kb.questions[qid]
        papers = site.question_papers.get(qid, [])
        lines += [
            f"**{link(site.question_label(qid), here, doc_of('question', qid))}.** {site.linker.link(q.text.en, here)}",
            "",
            f"{nl(site.linker.link(q.text.nl, here))}",
            "",
        ]
        if papers:
            lines += [f"Papers addressing it: {cite(papers)}.", ""]
        if qid in site.gaps:
            reason = f" {myst_escape(q.evidence_gap)}" if q.evidence_gap else ""
            found = "" if papers else " No paper in the table addresses it yet."
            why = gap_reasons_myst(qid, site.frames.derived)
            lines += [f"**Evidence gap · kennishiaat.**{found} {why}{reason}", ""]
    lines += ["## Concepts · Begrippen", ""]
    concepts = site.concepts_of(topic)
    if concepts:
        for cid in concepts:
            c = kb.concepts[cid]
            n = len(site.concept_papers.get(cid, []))
            retired = " (retired)" if c.deprecated else ""
            lines.append(f"- {site.concept_link(cid, here)}{retired}: {plural(n, 'paper')}")
    else:
        lines.append("No concept is linked to this topic yet.")
    papers = site.topic_papers.get(topic, [])
    lines += ["", f"## Papers · Publicaties ({len(papers)})", ""]
    if papers:
        lines += [
            "Papers that cover this topic, directly or through a research question they address; newest first.",
            "",
            list_table(
                ["Reference", "Year", "Title", "Design · opzet", "Questions", "Contribution"],
                [_paper_row(site, kb.papers[p], here, topic) for p in papers],
                caption="Papers on this topic",
                css_class="cxkb-papers",
                widths=(15, 6, 28, 11, 9, 31),
            ),
        ]
    else:
        lines.append("No paper in the literature table covers this topic yet.")
    lines += [
        "",
        "## Concept map · Begrippenkaart",
        "",
        site.map_block(here, maps.MapSpec(f"topic-{topic}", "topic", topic), f"Map of {t.label.en}", height="480px"),
        "",
    ]
    return "\n".join(lines)
