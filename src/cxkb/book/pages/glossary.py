"""The bilingual glossary."""

from __future__ import annotations

from cxkb.book.layout import CONFUSABLE, GENERATED
from cxkb.book.markup import doc_of, link, myst_escape, nl
from cxkb.book.site import Site, list_table


def page_glossary(site: Site) -> str:
    """A Sphinx glossary: every concept under all its English and Dutch names.

    Sphinx treats glossary terms case-insensitively and warns about duplicates, so each
    name appears once: ambiguous words get an entry of their own that points to every
    concept they may mean, and a name shared by the two languages is listed once.
    """
    kb, here = site.kb, f"{GENERATED}/glossary"
    used: set[str] = set()
    entries: list[tuple[str, list[str], list[str]]] = []  # (sort key, terms, definition lines)

    for amb in sorted(kb.ambiguous.values(), key=lambda a: a.label.lower()):
        key = " ".join(amb.label.split()).lower()
        if key in used:
            continue
        used.add(key)
        meanings = ", ".join(site.concept_link(cid, here) for cid in amb.candidates)
        lang = "Dutch" if amb.lang == "nl" else "English"
        body = [
            f"*Ambiguous {lang} word · meerduidig woord.* It may mean: {meanings}.",
            "",
            f"{myst_escape(amb.note.en)} {nl(myst_escape(amb.note.nl))}",
        ]
        entries.append((key, [myst_escape(amb.label)], body))

    for c in kb.concepts.values():
        terms = []
        for label in (c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl):
            key = " ".join(label.split()).lower()
            if key and key not in used:
                used.add(key)
                terms.append(myst_escape(label))
        if not terms:
            continue
        body = [f"{site.linker.link(c.definition.en, here, skip=[c.id])}", ""]
        body += [f"{nl(site.linker.link(c.definition.nl, here, skip=[c.id]))}", ""]
        synonyms = [*c.alt.en, *c.alt.nl]
        names = f"English: {myst_escape(c.pref.en)}; Nederlands: {nl(myst_escape(c.pref.nl))}"
        if synonyms:
            names += f"; synonyms · synoniemen: {'; '.join(myst_escape(s) for s in synonyms)}"
        body += [names + ".", ""]
        if c.scope_note.en or c.scope_note.nl:
            notes = " ".join(
                x
                for x in (
                    site.linker.link(c.scope_note.en, here, skip=[c.id]),
                    nl(site.linker.link(c.scope_note.nl, here, skip=[c.id])),
                )
                if x
            )
            body += [f"**Not to be confused with · niet te verwarren met:** {notes}", ""]
        if c.deprecated:
            body += [f"**Retired.** Use {', '.join(site.concept_link(r, here) for r in c.replaced_by) or '–'}.", ""]
        body += [f"Sources · bronnen: {site.sources(c.source)}.", ""]
        body += [f"{link('Concept page · begrippagina', here, doc_of('concept', c.id))}"]
        entries.append((c.pref.en.lower(), terms, body))

    lines = [
        "# Glossary · Woordenlijst",
        "",
        "Every concept of the taxonomy, under its English and Dutch preferred labels and all its synonyms, with its "
        "definitions in both languages and its sources. The book's search finds a concept by any of these names.",
        "",
    ]
    present = [cid for cid in CONFUSABLE if cid in kb.concepts]
    if len(present) >= 2:
        lines += [
            "## Often confused · Vaak verward",
            "",
            "Four terms sound alike but mean different things:",
            "",
            list_table(
                ["Concept", "Definition", "Not to be confused with"],
                [
                    [
                        site.concept_link(cid, here),
                        site.linker.link(kb.concepts[cid].definition.en, here, skip=[cid]),
                        site.linker.link(kb.concepts[cid].scope_note.en, here, skip=[cid]) or "–",
                    ]
                    for cid in present
                ],
                caption="Customer experience and its neighbours",
            ),
            "",
            "## All terms · Alle termen",
            "",
        ]
    lines.append("````{glossary}")
    for _key, terms, body in sorted(entries, key=lambda e: (e[0], e[1])):
        lines += terms
        lines += [f"  {b}" if b else "" for b in body]
        lines.append("")
    lines.append("````")
    lines.append("")
    return "\n".join(lines)
