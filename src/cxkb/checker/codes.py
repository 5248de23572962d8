"""Every finding code of the vocabulary checker, in one registry.

The codes are what teams configure (``severity`` in .cxkb-check.toml), what SARIF lists
as rules and what the README documents; tests hold the README's table to this one. Each
code also has a Dutch meaning, for Dutch documentation.
"""

from __future__ import annotations

from cxkb.findings import Level, Rule, register, rules_table

_DOC = "README.md#checking-the-cx-vocabulary-of-documents"

_TABLE: tuple[tuple[str, Level, str], ...] = (
    ("preferred", Level.INFO, "a preferred label of a concept"),
    ("non-preferred", Level.WARNING, "a synonym (alternative label): the message names the preferred label"),
    ("misspelling", Level.WARNING, "a known misspelling (hidden label) of a concept"),
    ("deprecated", Level.ERROR, "a label of a retired concept, with its replacement"),
    (
        "ambiguous",
        Level.WARNING,
        "a word that may mean several concepts: all candidates are listed, or the one its context points to",
    ),
    (
        "related-form",
        Level.INFO,
        "a word of a concept's family (satisfied, tevreden) or its survey question, or an everyday word its context "
        "ties to the concept (interactie), not one of its labels",
    ),
    ("narrower-term", Level.INFO, "a narrower term the taxonomy does not list: consider the broader concept"),
    ("wrong-language", Level.INFO, "a label of the other language than the document's"),
    ("inconsistent", Level.INFO, "one concept named in several ways in one document"),
    (
        "unknown-term",
        Level.INFO,
        "a CX-sounding phrase used twice or more (an English one-word compound once), not in the taxonomy",
    ),
    ("directive", Level.WARNING, "a malformed cxkb-check comment"),
    (
        "too-many-findings",
        Level.INFO,
        "more findings in one file than max-findings: the rest are counted, at the level of the most serious",
    ),
)

# The same meanings in Dutch (tests require one for every code).
MEANINGS_NL: dict[str, str] = {
    "preferred": "een voorkeurslabel van een begrip",
    "non-preferred": "een synoniem (alternatief label): de melding noemt het voorkeurslabel",
    "misspelling": "een bekende spelfout (verborgen label) van een begrip",
    "deprecated": "een label van een uitgefaseerd begrip, met zijn vervanger",
    "ambiguous": "een woord dat voor meerdere begrippen kan staan: alle kandidaten worden genoemd, of de kandidaat "
    "waar de context op wijst",
    "related-form": "een woord uit de woordfamilie van een begrip (satisfied, tevreden) of uit zijn vaste "
    "enquêtevraag, of een alledaags woord dat de context aan het begrip verbindt (interactie), maar geen van "
    "zijn labels",
    "narrower-term": "een smallere term die de taxonomie niet opneemt: overweeg het bredere begrip",
    "wrong-language": "een label in de andere taal dan die van het document",
    "inconsistent": "één begrip dat in één document op verschillende manieren wordt genoemd",
    "unknown-term": "een woord of woordgroep die vaker dan eens voorkomt (een Engels samengesteld woord al de "
    "eerste keer), dat naar CX klinkt maar niet in de taxonomie staat",
    "directive": "een cxkb-check-commentaar dat niet goed is opgebouwd",
    "too-many-findings": "meer bevindingen in één bestand dan max-findings: de rest wordt geteld, op het niveau van "
    "de ernstigste",
}

CODES: dict[str, Rule] = {code: Rule(code, level, meaning, _DOC) for code, level, meaning in _TABLE}
register(CODES)


_HEADER = {"en": "| code | default level | meaning |", "nl": "| code | standaardniveau | betekenis |"}


def markdown_table(lang: str = "en") -> str:
    """The codes as the README's table shows them (tests keep the two equal), or in Dutch
    with ``lang="nl"``."""
    return rules_table(CODES, MEANINGS_NL, _HEADER, lang)
