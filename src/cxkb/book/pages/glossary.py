"""The glossary, with an A–Z bar."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from cxkb.book.layout import CONFUSABLE, GENERATED
from cxkb.book.markup import doc_of, link, myst_escape
from cxkb.book.site import Site, list_table, word_key
from cxkb.model import AmbiguousLabel


def _letter(key: str) -> str:
    """The A–Z section of a sort key: its first letter without accents, ``#`` for anything else."""
    first = unicodedata.normalize("NFKD", key[:1])[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def page_glossary(site: Site) -> str:
    """A Sphinx glossary: every concept under all its English and Dutch names, by letter.

    Sphinx treats glossary terms case-insensitively and warns about duplicates, so each
    name appears once: ambiguous words get an entry of their own that points to every
    concept they may mean, and a name shared by the two languages is listed once. An entry
    holds the definition in the page's language and a link to the concept's page, which has
    the rest (the other language, sources, papers): the glossary stays short.
    """
    kb, here, t = site.kb, f"{GENERATED}/glossary", site.t
    used: set[str] = set()
    entries: list[tuple[str, list[str], list[str]]] = []  # (sort key, terms, definition lines)

    # One entry per word. A word both languages use (*journey*, *experience*) has a note for
    # each: the entry gives every meaning once and both notes, the page's language first.
    words: dict[str, list[AmbiguousLabel]] = {}
    for amb in sorted(kb.ambiguous.values(), key=lambda a: (a.label.lower(), a.lang != site.lang)):
        words.setdefault(word_key(amb.label), []).append(amb)
    for key, ambs in words.items():
        used.add(key)
        candidates = dict.fromkeys(cid for amb in ambs for cid in amb.candidates)
        meanings = ", ".join(site.concept_link(cid, here) for cid in candidates)
        if any(amb.may_denote_nothing for amb in ambs):
            meanings += t(", or no concept at all", ", of helemaal geen begrip")
        body = [f"*{t('Ambiguous word', 'Meerduidig woord')}.* {t('It may mean', 'Het kan betekenen')}: {meanings}."]
        for amb in ambs:
            which = site.in_text(amb.lang)
            which = f"*{which[:1].upper()}{which[1:]}:* " if len(ambs) > 1 else ""
            body += ["", which + site.linked(amb.note, here)]
        entries.append((key, [myst_escape(ambs[0].label)], body))

    for c in kb.concepts.values():
        own, other = (c.pref.nl, c.pref.en) if site.lang == "nl" else (c.pref.en, c.pref.nl)
        own_alt, other_alt = (c.alt.nl, c.alt.en) if site.lang == "nl" else (c.alt.en, c.alt.nl)
        terms = []
        for label in (own, other, *own_alt, *other_alt):
            key = word_key(label)
            if key and key not in used:
                used.add(key)
                terms.append(myst_escape(label))
        if not terms:
            continue
        body = [site.linked(c.definition, here, skip=[c.id]), ""]
        if c.deprecated:
            replaced = ", ".join(site.concept_link(r, here) for r in c.replaced_by) or "–"
            body += [f"**{t('Retired', 'Vervallen')}.** {t('Use', 'Gebruik')} {replaced}.", ""]
        body += [
            link(t("Concept page", "Begrippagina") + f": {myst_escape(own or other)}", here, doc_of("concept", c.id))
        ]
        entries.append(((own or other).lower(), terms, body))

    lines = [
        f"# {t('Glossary', 'Woordenlijst')}",
        "",
        t(
            "Every concept of the taxonomy under its English and Dutch preferred labels and all its synonyms, with "
            "its definition and a link to its page. The search box finds a concept by any of these names.",
            "Alle begrippen van de taxonomie onder hun Nederlandse en Engelse voorkeursterm en al hun synoniemen, met "
            "de definitie en een link naar de pagina van het begrip. Het zoekvak vindt een begrip onder elk van deze "
            "namen.",
        ),
        "",
    ]
    present = [cid for cid in CONFUSABLE if cid in kb.concepts]
    if len(present) >= 2:
        lines += [
            f"## {t('Often confused', 'Vaak verward')}",
            "",
            list_table(
                [
                    t("Concept", "Begrip"),
                    t("Definition", "Definitie"),
                    t("Not to be confused with", "Niet verwarren met"),
                ],
                [
                    [
                        site.concept_link(cid, here),
                        site.linked(kb.concepts[cid].definition, here, skip=[cid]),
                        site.linked(kb.concepts[cid].scope_note, here, skip=[cid]) or "–",
                    ]
                    for cid in present
                ],
                caption=t("Customer experience and its neighbours", "Klantbeleving en verwante begrippen"),
            ),
            "",
        ]
    by_letter: dict[str, list[tuple[str, list[str], list[str]]]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: (e[0], e[1])):
        by_letter[_letter(entry[0])].append(entry)
    letters = sorted(by_letter, key=lambda x: (x == "#", x))
    bar = " ".join(f'<a href="#glossary-{x.lower() if x != "#" else "other"}">{x}</a>' for x in letters)
    lines += [f"## {t('All terms', 'Alle termen')}", ""]
    lines += [f'<nav class="cxkb-az" aria-label="{t("Terms by letter", "Termen per letter")}">{bar}</nav>', ""]
    for letter in letters:
        anchor = letter.lower() if letter != "#" else "other"
        lines += [f"(glossary-{anchor})=", f"### {letter if letter != '#' else '0–9'}", "", "````{glossary}"]
        for _key, terms, body in by_letter[letter]:
            lines += terms
            lines += [f"  {b}" if b else "" for b in body]
            lines.append("")
        lines += ["````", ""]
    return "\n".join(lines)
