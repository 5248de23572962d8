"""One page per research question and the papers that address it."""

from __future__ import annotations

from cxkb.book.evidence import gap_reasons_myst
from cxkb.book.layout import GENERATED
from cxkb.book.markup import doc_of, link, myst_escape
from cxkb.book.pages.concept import PAPER_WIDTHS, paper_header, paper_rows
from cxkb.book.site import Site, list_table


def page_question(site: Site, qid: str) -> str:
    kb, here, t = site.kb, doc_of("question", qid), site.t
    q = kb.questions[qid]
    top = kb.topics.get(q.topic)
    papers = site.question_papers.get(qid, [])
    # The question itself is the title: it is what readers search for and recognise.
    lines = [f"# {myst_escape(site.text(q.text))}", ""]
    other = q.text.en if site.lang == "nl" else q.text.nl
    if other:
        word = t("In Dutch", "In het Engels")
        lines += [f"*{word}:* {site.mark(site.linker.link(other, here), site.other)}", ""]
    lines += [f"**{t('Question', 'Vraag')}:** {site.linked(q.text, here)}", ""]
    if top is not None:
        lines += [
            f"**{t('Topic', 'Onderwerp')}:** {site.record_link('topic', top.id, here)} ({site.question_label(qid)})",
            "",
        ]
    if q.text_nl_source:
        wording = t("Dutch wording in the source", "Formulering in de bron")
        lines += [f"**{wording}:** {site.mark(myst_escape(q.text_nl_source), 'nl')}", ""]
    lines += [f"**{t('Sources', 'Bronnen')}:** {site.sources((*q.source, *q.summarised_in))}", ""]
    lines += [f"## {t('Evidence', 'Onderbouwing')}", ""]
    if qid in site.gaps:
        body = gap_reasons_myst(qid, site.frames.derived, site.lang)
        if q.evidence_gap:
            body += f" {site.mark(myst_escape(q.evidence_gap), 'en')}"
        gapmap = link(t("evidence-gap map", "kaart van de kennishiaten"), here, f"{GENERATED}/gapmap")
        body += " " + t(f"See the {gapmap}.", f"Zie de {gapmap}.")
        lines += [f"```{{admonition}} {t('Evidence gap', 'Kennishiaat')}", ":class: warning", "", body, "```", ""]
    if papers:
        caption = t("Papers addressing this question", "Publicaties over deze vraag")
        rows = paper_rows(site, papers, here)
        lines += [
            list_table(paper_header(site), rows, caption=caption, css_class="cxkb-papers", widths=PAPER_WIDTHS),
            "",
        ]
    concepts = site.concept_order(
        {c for pid in papers for c in kb.papers[pid].concepts if c in kb.concepts}
        | {c for c, refs in site.mentions.items() if ("question", qid) in refs}
    )
    if concepts:
        lines += ["", f"## {t('Concepts', 'Begrippen')}", ""]
        lines += [f"- {site.concept_link(c, here)}" for c in concepts]
    lines.append("")
    return "\n".join(lines)
