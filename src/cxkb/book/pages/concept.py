"""One page per concept, and the concept index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from cxkb.book import maps
from cxkb.book.evidence import design_cell
from cxkb.book.layout import GENERATED
from cxkb.book.markup import cite, doc_of, in_lang, link, myst_escape
from cxkb.book.site import Site, list_table, word_key
from cxkb.model import Concept


def _labels_table(site: Site, c: Concept) -> str:
    def cell(values: Iterable[str], lang: str) -> str:
        text = "; ".join(myst_escape(v) for v in values)
        return site.mark(text, lang) if text else "–"

    rows = [
        (site.t("Preferred label", "Voorkeursterm"), cell([c.pref.en], "en"), cell([c.pref.nl], "nl")),
        (site.t("Synonyms", "Synoniemen"), cell(c.alt.en, "en"), cell(c.alt.nl, "nl")),
    ]
    header = (site.t("Label", "Term"), site.t("English", "Engels"), site.t("Dutch", "Nederlands"))
    # a class of its own, so that on a phone the table fits and breaks long Dutch compounds
    # rather than scrolling its Dutch column out of view (cxkb.css)
    return list_table(header, rows, caption="", css_class="cxkb-labels", widths=(22, 39, 39))


PAPER_WIDTHS = (20, 7, 36, 13, 24)


def paper_header(site: Site) -> list[str]:
    """The header of a paper table (see :func:`paper_rows`)."""
    t = site.t
    return [
        t("Reference", "Verwijzing"),
        t("Year", "Jaar"),
        t("Title", "Titel"),
        t("Design", "Opzet"),
        t("Summary", "Samenvatting"),
    ]


def paper_rows(site: Site, papers: Iterable[str], here: str, *, sources: Iterable[str] = ()) -> list[list[str]]:
    """Rows of a paper table: reference, year, title (linked to the DOI), study designs, summary (folded)."""
    kb, cited = site.kb, set(sources)
    rows = []
    for pid in papers:
        p = kb.papers[pid]
        role = f" ({site.t('source of the definition', 'bron van de definitie')})" if pid in cited else ""
        rows.append(
            [
                cite([pid], textual=True) + role,
                str(p.year),
                site.paper_title(p),
                design_cell(kb, p, site.lang),
                site.summary(p),
            ]
        )
    return rows


def page_concept(site: Site, cid: str) -> str:
    kb, here, t = site.kb, doc_of("concept", cid), site.t
    c = kb.concepts[cid]
    lines = [f"# {site.concept_title(c)}", ""]
    if c.deprecated:
        use = ", ".join(site.concept_link(r, here) for r in c.replaced_by) or "–"
        lines += [f"```{{admonition}} {t('Retired concept', 'Vervallen begrip')}", ":class: warning", ""]
        lines += [f"{t('Use instead', 'Gebruik in plaats daarvan')}: {use}.", "```", ""]
    lines += [_labels_table(site, c), ""]
    own, other = (c.definition.nl, c.definition.en) if site.lang == "nl" else (c.definition.en, c.definition.nl)
    lines += [f"**{t('Definition', 'Definitie')}.** {site.linked(c.definition, here, skip=[cid])}", ""]
    if own and other:
        word = t("In Dutch", "In het Engels")
        lines += [f"*{word}:* {site.mark(site.linker.link(other, here, skip=[cid]), site.other)}", ""]
    if site.text(c.scope_note):
        lines += [f"```{{admonition}} {t('Not to be confused with', 'Niet te verwarren met')}", ":class: tip", ""]
        lines += [site.linked(c.scope_note, here, skip=[cid]), "", "```", ""]
    facts = [
        (t("Topics", "Onderwerpen"), [site.record_link("topic", x, here) for x in c.topics if x in kb.topics]),
        (t("Broader", "Breder"), [site.concept_link(b, here) for b in c.broader]),
        (t("Narrower", "Smaller"), [site.concept_link(n, here) for n in site.narrower.get(cid, [])]),
        (t("Related", "Verwant"), [site.concept_link(r, here) for r in site.related.get(cid, [])]),
    ]
    for name, values in facts:
        if values:
            lines += [f"**{name}:** {', '.join(values)}", ""]
    mine = [amb for amb in kb.ambiguous.values() if cid in amb.candidates]
    # Dutch writers use *journey* and *experience* too, in a sense of their own: a word with a
    # note for each language says which one it is about, or the two read as a repetition.
    twice = {k for k, n in Counter(word_key(amb.label) for amb in mine).items() if n > 1}
    for amb in mine:
        which = f" ({site.in_text(amb.lang)})" if word_key(amb.label) in twice else ""
        others = [site.concept_link(o, here) for o in amb.candidates if o != cid]
        if amb.may_denote_nothing:
            others.append(t("no concept at all", "helemaal geen begrip"))
        word = site.mark(myst_escape(amb.label), amb.lang if amb.lang in ("en", "nl") else "en")
        lines += [
            f"**{t('Ambiguous word', 'Meerduidig woord')}:** "
            + t(
                f"*{word}*{which} may also mean ",
                f"*{word}*{which} kan ook betekenen: ",
            )
            + f"{', '.join(others)}. {site.linked(amb.note, here)}",
            "",
        ]
    hidden = list(dict.fromkeys([*c.hidden.en, *c.hidden.nl]))
    if hidden:
        found = t("Also found when searching for", "Ook gevonden bij zoeken op")
        lines += [f"**{found}:** {'; '.join(myst_escape(h) for h in hidden)}", ""]
    lines += [f"**{t('Sources', 'Bronnen')}:** {site.sources(c.source)}", ""]
    if not c.deprecated:
        caption = t(f"{c.pref.en or c.pref.nl} and its neighbours", f"{c.pref.nl or c.pref.en} en omgeving")
        spec = maps.MapSpec(f"concept-{cid}", "concept", cid)
        heading = t("Concept map", "Begrippenkaart")
        lines += [f"## {heading}", "", site.map_block(here, spec, caption, height="420px"), ""]

    questions = sorted(
        {q for pid in site.concept_papers.get(cid, []) for q in kb.papers[pid].questions if q in kb.questions}
        | {i for k, i in site.mentions.get(cid, []) if k == "question"}
    )
    lines += [f"## {t('Research questions', 'Onderzoeksvragen')} ({len(questions)})", ""]
    if questions:
        lines += [
            t(
                "Open research questions that name this concept or are addressed by papers discussing it:",
                "Open onderzoeksvragen die dit begrip noemen of waarover publicaties over dit begrip gaan:",
            ),
            "",
        ]
        lines += [f"- {site.record_link('question', q, here)}" for q in questions]
    else:
        lines.append(
            t("No research question relates to this concept yet.", "Nog geen onderzoeksvraag gaat over dit begrip.")
        )
    lines.append("")

    backlinks = [(k, i) for k, i in site.mentions.get(cid, []) if k != "question"]
    if backlinks:
        heading = t("Pages that link here", "Pagina's die hiernaar verwijzen")
        lines += [f"## {heading}", ""]
        lines += [f"- {site.record_link(k, i, here)}" for k, i in backlinks]
        lines.append("")

    sources = site.source_papers.get(cid, [])
    papers = site.sort_papers({*site.concept_papers.get(cid, []), *sources})
    lines += [f"## {t('Papers', 'Publicaties')} ({len(papers)})", ""]
    if papers:
        lines.append(
            list_table(
                paper_header(site),
                paper_rows(site, papers, here, sources=sources),
                caption=t("Papers on this concept", "Publicaties over dit begrip"),
                css_class="cxkb-papers",
                widths=PAPER_WIDTHS,
            )
        )
    else:
        lines.append(
            t(
                "No paper in the literature table discusses this concept yet.",
                "Nog geen publicatie in de literatuurtabel gaat over dit begrip.",
            )
        )
    lines += [
        "",
        t("See also the ", "Zie ook de ") + link(t("glossary", "woordenlijst"), here, f"{GENERATED}/glossary") + ".",
        "",
    ]
    return "\n".join(lines)


def page_concept_index(site: Site) -> str:
    here, t = doc_of("concept", "index"), site.t
    kb = site.kb
    rows = []
    first, second = ("nl", "en") if site.lang == "nl" else ("en", "nl")
    for c in (kb.concepts[cid] for cid in site.concept_order(kb.concepts)):
        topics = ", ".join(myst_escape(site.text(kb.topics[x].label)) for x in c.topics if x in kb.topics)
        label_1, label_2 = getattr(c.pref, first), getattr(c.pref, second)
        rows.append(
            [
                link(myst_escape(label_1 or label_2), here, doc_of("concept", c.id))
                + (t(" (retired)", " (vervallen)") if c.deprecated else ""),
                in_lang(myst_escape(label_2), second) if label_2 else "–",
                topics,
                str(len(site.concept_papers.get(c.id, []))),
            ]
        )
    header = [t("English", "Nederlands"), t("Dutch", "Engels"), t("Topics", "Onderwerpen"), t("Papers", "Publicaties")]
    return "\n".join(
        [
            f"# {t('Concepts A–Z', 'Begrippen A–Z')}",
            "",
            t(
                "Every concept of the taxonomy with its English and Dutch preferred label. Each has a page with its "
                "synonyms, definitions in both languages, sources, related concepts and the papers that discuss it. "
                f"The {link('glossary', here, f'{GENERATED}/glossary')} lists the same concepts under all their names.",
                "Alle begrippen van de taxonomie met hun Nederlandse en Engelse voorkeursterm. Elk begrip heeft een "
                "pagina met synoniemen, definities in beide talen, bronnen, verwante begrippen en de publicaties die "
                f"erover gaan. De {link('woordenlijst', here, f'{GENERATED}/glossary')} noemt dezelfde begrippen onder "
                "al hun namen.",
            ),
            "",
            list_table(header, rows, caption=t("All concepts", "Alle begrippen"), css_class="cxkb-papers"),
            "",
        ]
    )
