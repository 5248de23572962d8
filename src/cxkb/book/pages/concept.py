"""One page per concept, and the concept index."""

from __future__ import annotations

from collections.abc import Iterable

from cxkb.book import maps
from cxkb.book.evidence import design_cell
from cxkb.book.layout import GENERATED
from cxkb.book.markup import cite, doc_of, link, myst_escape, nl
from cxkb.book.site import Site, bilingual, list_table
from cxkb.model import Concept


def _labels_table(c: Concept) -> str:
    def cell(values: Iterable[str]) -> str:
        return "; ".join(myst_escape(v) for v in values) or "–"

    rows = [
        ("Preferred label · voorkeursterm", cell([c.pref.en]), cell([c.pref.nl])),
        ("Synonyms · synoniemen", cell(c.alt.en), cell(c.alt.nl)),
    ]
    lines = ["| Label | English | Nederlands |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {nl(d) if d != '–' else d} |" for a, b, d in rows]
    return "\n".join(lines)


def page_concept(site: Site, cid: str) -> str:
    kb, here = site.kb, doc_of("concept", cid)
    c = kb.concepts[cid]
    lines = [f"# {site.concept_title(c)}", ""]
    if c.deprecated:
        use = ", ".join(site.concept_link(r, here) for r in c.replaced_by) or "–"
        lines += ["```{admonition} Retired concept · Vervallen begrip", ":class: warning", ""]
        lines += [f"Use instead: {use}.", "```", ""]
    lines += [_labels_table(c), ""]
    lines += [f"**Definition.** {site.linker.link(c.definition.en, here, skip=[cid])}", ""]
    lines += [f"**Definitie.** {nl(site.linker.link(c.definition.nl, here, skip=[cid]))}", ""]
    if c.scope_note.en or c.scope_note.nl:
        lines += ["```{admonition} Not to be confused with · Niet te verwarren met", ":class: tip", ""]
        if c.scope_note.en:
            lines += [site.linker.link(c.scope_note.en, here, skip=[cid]), ""]
        if c.scope_note.nl:
            lines += [nl(site.linker.link(c.scope_note.nl, here, skip=[cid])), ""]
        lines += ["```", ""]
    facts = [
        (
            "Topics · onderwerpen",
            [
                link(bilingual(kb.topics[t].label.en, kb.topics[t].label.nl), here, doc_of("topic", t))
                for t in c.topics
                if t in kb.topics
            ],
        ),
        ("Broader · breder", [site.concept_link(b, here) for b in c.broader]),
        ("Narrower · smaller", [site.concept_link(n, here) for n in site.narrower.get(cid, [])]),
        ("Related · verwant", [site.concept_link(r, here) for r in site.related.get(cid, [])]),
    ]
    for name, values in facts:
        if values:
            lines += [f"**{name}:** {', '.join(values)}", ""]
    for amb in kb.ambiguous.values():
        if cid in amb.candidates:
            others = [site.concept_link(o, here) for o in amb.candidates if o != cid]
            word = myst_escape(amb.label)
            word = nl(word) if amb.lang == "nl" else word
            language = "Dutch" if amb.lang == "nl" else "English"
            lines += [
                f"**Ambiguous word · meerduidig woord:** the {language} word *{word}* may also mean "
                f"{', '.join(others)}. "
                f"{myst_escape(amb.note.en)} {nl(myst_escape(amb.note.nl))}",
                "",
            ]
    hidden = list(dict.fromkeys([*c.hidden.en, *c.hidden.nl]))
    if hidden:
        lines += [f"**Also found when searching for:** {'; '.join(myst_escape(h) for h in hidden)}", ""]
    lines += [f"**Sources · bronnen:** {site.sources(c.source)}", ""]
    lines += [f"See also the {link('glossary', here, f'{GENERATED}/glossary')}.", ""]
    if not c.deprecated:
        caption = f"{c.pref.en} and its neighbours · {c.pref.nl} en omgeving"
        spec = maps.MapSpec(f"concept-{cid}", "concept", cid)
        lines += ["## Concept map · Begrippenkaart", "", site.map_block(here, spec, caption, height="420px"), ""]
    papers = site.concept_papers.get(cid, [])
    lines += [f"## Papers · Publicaties ({len(papers)})", ""]
    if papers:
        lines.append(
            list_table(
                ["Reference", "Year", "Title", "Design · opzet"],
                [
                    [
                        cite([p], textual=True),
                        str(kb.papers[p].year),
                        myst_escape(kb.papers[p].title),
                        design_cell(kb, kb.papers[p]),
                    ]
                    for p in papers
                ],
                caption="Papers discussing this concept",
                css_class="cxkb-papers",
                widths=(22, 7, 54, 17),
            )
        )
    else:
        lines.append("No paper in the literature table discusses this concept yet.")
    lines.append("")
    return "\n".join(lines)


def page_concept_index(site: Site) -> str:
    here = doc_of("concept", "index")
    kb = site.kb
    rows = []
    for c in sorted(kb.concepts.values(), key=lambda c: c.pref.en.lower()):
        topics = ", ".join(myst_escape(kb.topics[t].label.en) for t in c.topics if t in kb.topics)
        rows.append(
            [
                link(myst_escape(c.pref.en), here, doc_of("concept", c.id)) + (" (retired)" if c.deprecated else ""),
                nl(myst_escape(c.pref.nl)),
                topics,
                str(len(site.concept_papers.get(c.id, []))),
            ]
        )
    return "\n".join(
        [
            "# Concepts A–Z · Begrippen A–Z",
            "",
            "Every concept of the taxonomy with its English and Dutch preferred label. Each has a page with its "
            "synonyms, definitions in both languages, sources, related concepts and the papers that discuss it. "
            f"The {link('glossary', here, f'{GENERATED}/glossary')} lists the same concepts under all their names.",
            "",
            list_table(
                ["English", "Nederlands", "Topics", "Papers"], rows, caption="All concepts", css_class="cxkb-papers"
            ),
            "",
        ]
    )
