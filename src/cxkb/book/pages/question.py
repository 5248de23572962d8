"""One page per research question and the papers that address it."""

from __future__ import annotations

from cxkb.book.evidence import design_cell, gap_reasons_myst
from cxkb.book.markup import cite, doc_of, link, myst_escape, nl
from cxkb.book.site import Site, bilingual, list_table


def page_question(site: Site, qid: str) -> str:
    kb, here = site.kb, doc_of("question", qid)
    q = kb.questions[qid]
    t = kb.topics.get(q.topic)
    papers = site.question_papers.get(qid, [])
    topic_title = bilingual(t.label.en, t.label.nl) if t is not None else myst_escape(q.topic)
    lines = [f"# {site.question_label(qid)} · {topic_title}", ""]
    lines += [f"**Question.** {site.linker.link(q.text.en, here)}", ""]
    lines += [f"**Vraag.** {nl(site.linker.link(q.text.nl, here))}", ""]
    if t is not None:
        lines += [f"**Topic · onderwerp:** {link(bilingual(t.label.en, t.label.nl), here, doc_of('topic', t.id))}", ""]
    lines += [f"**Sources · bronnen:** {site.sources((*q.source, *q.summarised_in))}", ""]
    lines += ["## Evidence · Onderbouwing", ""]
    if qid in site.gaps:
        body = gap_reasons_myst(qid, site.frames.derived)
        if q.evidence_gap:
            body += f" {myst_escape(q.evidence_gap)}"
        lines += ["```{admonition} Evidence gap · Kennishiaat", ":class: warning", "", body, "```", ""]
    if papers:
        rows = [
            [
                cite([p.id], textual=True),
                str(p.year),
                myst_escape(p.title),
                design_cell(kb, p),
                site.linker.link(p.note, here),
            ]
            for p in (kb.papers[pid] for pid in papers)
        ]
        header = ["Reference", "Year", "Title", "Design · opzet", "Contribution"]
        caption = "Papers addressing this question"
        lines += [list_table(header, rows, caption=caption, css_class="cxkb-papers", widths=(17, 6, 32, 12, 33)), ""]
    concepts = sorted({c for pid in papers for c in kb.papers[pid].concepts if c in kb.concepts})
    if concepts:
        lines += ["", "## Concepts in these papers · Begrippen in deze publicaties", ""]
        lines += [f"- {site.concept_link(c, here)}" for c in concepts]
    lines.append("")
    return "\n".join(lines)
