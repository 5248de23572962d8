"""The evidence-gap map: research questions against study designs (or periods), in the style of 3ie's maps.

Everything the map shows comes from the build's ``gap_map`` facts (papers per question by
design and by period, and the four gap answers); this module only lays them out. The page
has three parts: the computed answers in plain words, the interactive map (drawn by
``gapmap.js`` from a JSON block, with ``textContent`` only, in the page's language), and the
same numbers as real tables for screen readers and for readers without JavaScript. Each
edition's page is in its own language.
"""

from __future__ import annotations

import html

from cxkb.book import maps
from cxkb.book.evidence import definition, reason_text
from cxkb.book.layout import GENERATED
from cxkb.book.markup import doc_of, link, myst_escape, natural_key, rel_html
from cxkb.book.site import Site, longest_run, plural

HERE = f"{GENERATED}/gapmap"
BIBLIOGRAPHY = "bibliography"
# The three answers the page states above the map (the fourth reason, "thin", is rare and
# shown with the others in each question's reasons).
ANSWERS = (
    ("no-recent", "No paper since the review", "Geen publicatie sinds de review"),
    ("no-empirical", "Only conceptual work: no empirical study", "Alleen conceptueel werk: geen empirisch onderzoek"),
    ("no-causal-or-behavioural", "No experiment and no field data", "Geen experiment en geen veldgegevens"),
)


def ordered_questions(site: Site) -> list[str]:
    """Questions grouped by domain and topic, in the tables' order, Q1 before Q2."""
    out = []
    for d in site.kb.domains:
        for t in site.topics_of(d):
            out += site.questions_of(t)
    return out + sorted((q for q in site.kb.questions if q not in out), key=natural_key)


def _short_authors(authors: tuple[str, ...]) -> str:
    names = [a.partition(",")[0].strip() for a in authors]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


def gap_map_data(site: Site) -> dict[str, object]:
    """The JSON the map is drawn from: labels in both languages, cells as paper ids, papers once."""
    kb, facts = site.kb, site.frames.gap_map
    used: set[str] = set()
    questions = []
    for qid in ordered_questions(site):
        q = kb.questions[qid]
        by_design = facts["by_design"].get(qid, {})
        by_period = facts["by_period"].get(qid, {})
        used.update(p for ps in by_design.values() for p in ps)
        used.update(p for ps in by_period.values() for p in ps)
        questions.append(
            {
                "id": qid,
                "topic": q.topic,
                "label": site.question_label(qid),
                "en": q.text.en,
                "nl": q.text.nl,
                "url": maps.safe_url(rel_html(HERE, doc_of("question", qid))),
                "gap": facts["reasons"].get(qid, []),
                "design": by_design,
                "period": by_period,
            }
        )
    period_of = {p: per for q in facts["by_period"].values() for per, ps in q.items() for p in ps}
    papers = {
        pid: {
            "authors": _short_authors(kb.papers[pid].authors),
            "year": kb.papers[pid].year,
            "title": kb.papers[pid].title,
            "doi": kb.papers[pid].doi,
            "period": period_of.get(pid, ""),
        }
        for pid in sorted(used)
        if pid in kb.papers
    }
    return {
        "designs": [
            {
                "id": d,
                "en": kb.designs[d].label.en,
                "nl": kb.designs[d].label.nl,
                "def_en": kb.designs[d].definition.en,
                "def_nl": kb.designs[d].definition.nl,
            }
            for d in facts["designs"]
        ],
        "periods": [{"id": p["id"], "en": p["label_en"], "nl": p["label_nl"]} for p in facts["periods"]],
        "domains": [
            {"id": d.id, "en": d.label.en, "nl": d.label.nl, "colour": maps.DOMAIN_COLOURS.get(d.id, maps.OTHER_COLOUR)}
            for d in kb.domains.values()
        ],
        "topics": [{"id": t.id, "domain": t.domain, "en": t.label.en, "nl": t.label.nl} for t in kb.topics.values()],
        "questions": questions,
        "papers": papers,
        "reasons": {
            r: {"en": reason_text(r, site.frames.derived, "en"), "nl": reason_text(r, site.frames.derived, "nl")}
            for r in facts["answers"]
        },
        "bibliography": rel_html(HERE, BIBLIOGRAPHY),
    }


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(site: Site, data: dict, columns: list[dict], key: str, caption: str) -> str:
    """One real <table>: questions (rows) by designs or periods (columns), counts in the cells."""
    lang = site.lang
    head = "".join(f'<th scope="col">{_esc(c[lang] or c["en"])}</th>' for c in columns)
    rows = []
    for q in data["questions"]:
        cells = "".join(f"<td>{len(q[key].get(c['id'], []))}</td>" for c in columns)
        rows.append(f'<tr><th scope="row">{_esc(q["label"])} {_esc(q[lang] or q["en"])}</th>{cells}</tr>')
    return (
        f'<table class="cxkb-gapmap-table"><caption>{_esc(caption)}</caption>'
        f'<thead><tr><th scope="col">{site.t("Research question", "Onderzoeksvraag")}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def gap_map_fragment(site: Site) -> str:
    """The map's HTML: an empty container for gapmap.js, the data as inert JSON, the tables."""
    data = gap_map_data(site)
    t = site.t
    by_design = _table(
        site,
        data,
        data["designs"],
        "design",
        t("Papers per research question and study design", "Publicaties per onderzoeksvraag en onderzoeksopzet"),
    )
    by_period = _table(
        site,
        data,
        data["periods"],
        "period",
        t("Papers per research question and period", "Publicaties per onderzoeksvraag en periode"),
    )
    return (
        '<div class="cxkb-gapmap" id="gapmap" data-cxkb-gapmap="gapmap-data" '
        f'aria-label="{t("Evidence-gap map", "Kaart van kennishiaten")}" role="region">'
        '<p class="cxkb-gapmap-nojs">'
        + t(
            "The interactive map needs JavaScript; the tables below hold the same numbers.",
            "De interactieve kaart heeft JavaScript nodig; de tabellen hieronder bevatten dezelfde getallen.",
        )
        + "</p></div>"
        f'<details class="cxkb-gapmap-data"><summary>{t("The map as tables", "De kaart als tabellen")}</summary>'
        f"{by_design}{by_period}</details>"
        f'<script type="application/json" id="gapmap-data">{maps.safe_json(data)}</script>'
    )


def _answer(site: Site, reason: str, title: str) -> list[str]:
    kb, facts, t = site.kb, site.frames.gap_map, site.t
    found = [q for q in ordered_questions(site) if q in facts["answers"].get(reason, [])]
    head = f"**{myst_escape(title)}** ({len(found)})"
    if not found:
        return [f"- {head}: {t('none', 'geen')}."]
    lines = [f"- {head}:", ""]
    for q in found:
        question = kb.questions[q]
        n = len({p for ps in facts["by_design"].get(q, {}).values() for p in ps})
        topic = site.text(kb.topics[question.topic].label) if question.topic in kb.topics else question.topic
        papers = plural(n, "paper") if site.lang == "en" else plural(n, "publicatie", "publicaties")
        lines.append(
            f"  - {link(myst_escape(topic) + ' ' + site.question_label(q), HERE, doc_of('question', q))} "
            f"({papers}): {myst_escape(site.text(question.text))}"
        )
    return [*lines, ""]


def page_gapmap(site: Site) -> str:
    facts = site.frames.gap_map
    derived = site.frames.derived
    year = facts["review_year"]
    gaps = site.frames.evidence_gaps()
    empty = sum(1 for q in site.kb.questions for d in facts["designs"] if not facts["by_design"].get(q, {}).get(d))
    cells = len(site.kb.questions) * len(facts["designs"])
    fragment = gap_map_fragment(site)
    fence = "`" * max(3, longest_run(fragment, "`") + 1)
    t, n = site.t, len(site.kb.questions)
    if site.lang == "nl":
        verdict = "is **1** onderzoeksvraag" if len(gaps) == 1 else f"zijn **{len(gaps)}** onderzoeksvragen"
        answer = (
            f"{myst_escape(definition(derived, 'nl'))} Volgens die definitie {verdict} een kennishiaat; "
            f"{empty} van de {cells} cellen van de kaart (vraag × opzet) zijn leeg."
        )
    else:
        answer = (
            f"{myst_escape(definition(derived, 'en'))} By that definition "
            f"**{plural(len(gaps), 'research question is an evidence gap', 'research questions are evidence gaps')}**; "
            f"{empty} of the {cells} cells of the map (question × design) are empty."
        )
    lines = [
        # The map needs the width: without the in-page contents (two entries) all nine design
        # columns fit beside the question at a desktop width, instead of two hiding off the side.
        "---",
        "html_theme.sidebar_secondary.remove: true",
        "---",
        f"# {t('Evidence-gap map', 'Kaart van kennishiaten')}",
        "",
        t(
            f"Which of the {n} open research questions of Silva et al. ({year}) has the literature "
            "answered, and with what kind of study? Each row is a research question, each column a study design (or "
            "a period); a bubble grows with the number of papers, and an empty cell is a gap.",
            f"Welke van de {n} open onderzoeksvragen van Silva et al. ({year}) heeft de literatuur beantwoord, en "
            "met wat voor onderzoek? Elke rij is een onderzoeksvraag, elke kolom een onderzoeksopzet (of een "
            "periode); een bel groeit met het aantal publicaties, een lege cel is een hiaat.",
        ),
        "",
        f"## {t('The answer', 'Het antwoord')}",
        "",
        answer,
        "",
    ]
    for reason, en, nl_ in ANSWERS:
        title = t(f"{en} ({year} on)", f"{nl_} (vanaf {year})") if reason == "no-recent" else t(en, nl_)
        lines += _answer(site, reason, title)
    lines += [
        "",
        f"## {t('The map', 'De kaart')}",
        "",
        t(
            "Choose a view, filter by domain or period, and click a cell for its papers, with links to the DOI and "
            "to the entry in the bibliography.",
            "Kies een weergave, filter op domein of periode en klik op een cel voor de publicaties, met links naar "
            "de DOI en naar de literatuurlijst.",
        ),
        "",
        f"{fence}{{raw}} html",
        fragment,
        fence,
        "",
        t("The study designs", "De onderzoeksopzetten") + ":",
        "",
    ]
    for d in facts["designs"]:
        design = site.kb.designs[d]
        lines.append(f"- **{myst_escape(site.text(design.label))}**: {myst_escape(site.text(design.definition))}")
    lines.append("")
    return "\n".join(lines)
