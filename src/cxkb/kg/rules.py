"""Every rule the table checks can report, in one registry.

A rule id is what a contributor searches for when a check fails, so each id has one
level, one meaning and one place where it is documented. ``Report`` refuses an id that is
not listed here (or in the checker's codes). Each rule also has a Dutch meaning, for the
Dutch table contract; tests hold docs/tables.md and docs/tables.nl.md to this registry.
"""

from __future__ import annotations

from cxkb.findings import Level, Rule, register, rules_table

_E, _W, _I = Level.ERROR, Level.WARNING, Level.INFO
_DOC = "docs/tables.md#rules"

_TABLE: tuple[tuple[str, Level | None, str], ...] = (
    # --- the files and their cells
    ("missing-file", _E, "a table the knowledge base needs is not there"),
    ("empty-file", _E, "a table has no header row"),
    ("encoding", _E, "a table is not valid UTF-8"),
    ("bom", _W, "a table starts with a byte-order mark"),
    ("line-endings", _W, "a table mixes or uses non-Unix line endings"),
    ("delimiter", _E, "the header splits into columns only at `;` or a tab: saved with another delimiter"),
    ("csv-syntax", _E, "a row CSV cannot read (a quote left open on its line, text after a closing quote)"),
    ("cell-too-long", _E, "a cell over its column's length limit (or over the CSV reader's 131,072 characters)"),
    ("too-many-values", _E, "a multi-value cell with more values than its column allows (authors: 500)"),
    ("missing-column", _E, "the header lacks a column of the table's contract"),
    ("unknown-column", _E, "the header has a column the contract does not know"),
    ("duplicate-column", _E, "the header names a column twice"),
    ("column-order", _W, "the columns are not in the contract's order"),
    ("cell-count", _E, "a row has more or fewer cells than the header"),
    ("blank-row", _W, "an empty row"),
    ("required", _E, "a required cell is empty"),
    ("whitespace", _W, "a cell starts or ends with spaces, or holds a double space"),
    ("line-break", _E, "a cell holds a line break"),
    ("unsafe-character", _E, "a cell holds an invisible or control character"),
    ("formula-start", _E, "a cell starts like a spreadsheet formula (=, +, -, @)"),
    ("empty-item", _W, "an empty value in a multi-value cell: two separators in a row, or one at an end"),
    ("duplicate-item", _W, "a value listed twice in one cell"),
    ("id-syntax", _E, "an identifier is not a lower-case slug of the table's form"),
    ("duplicate-id", _E, "two rows share an identifier"),
    ("row-order", _I, "the rows are not sorted by id (`cxkb format` sorts them)"),
    # --- values
    ("bad-value", _E, "a cell holds a value outside its column's allowed set"),
    ("date-syntax", _E, "a date is neither an ISO date nor a year"),
    ("year-syntax", _E, "a year is not four digits"),
    ("year-range", _E, "a year lies before 1950 or in the future"),
    ("doi-syntax", _E, "a DOI is not of the form `10.<registrant>/<suffix>`"),
    ("doi-punctuation", _W, "a DOI ends in punctuation that is not part of it"),
    ("doi-prefix", _W, "a DOI is written with a resolver prefix (https://doi.org/, doi:)"),
    ("isbn-syntax", _E, "an ISBN is not 13 digits"),
    ("isbn-checksum", _E, "an ISBN's check digit is wrong"),
    ("url-syntax", _E, "a URL is not an http(s) address"),
    ("identifier", _E, "a paper has neither DOI, ISBN nor URL"),
    ("author-syntax", _E, "an author name holds a character names may not hold (;)"),
    ("author-format", _W, "an author is not written as 'Family, Given'"),
    ("orcid-syntax", _E, "an ORCID iD is not of the form 0000-0000-0000-000X"),
    ("orcid-checksum", _E, "an ORCID iD's check character (ISO 7064 MOD 11-2) is wrong"),
    ("issn-syntax", _E, "an ISSN is not of the form 1234-567X, or a venue has more than two"),
    ("issn-checksum", _E, "an ISSN's check digit is wrong"),
    ("source-syntax", _E, "a source is neither a DOI nor a listed practitioner source"),
    ("one-pref-label", _E, "a concept has more or fewer than one preferred label in a language"),
    # --- references between tables
    (
        "unknown-reference",
        _E,
        "a cell names a domain, topic, question, concept, source, author or venue that does not exist",
    ),
    ("self-reference", _E, "a concept is broader than or related to itself"),
    ("broader-cycle", _E, "the broader links of concepts form a cycle"),
    ("related-and-broader", _W, "two concepts are both related and broader/narrower"),
    ("orphan-concept", _W, "a concept has no broader or related concept"),
    ("empty-domain", _W, "a domain has no topics"),
    ("question-topic", _W, "a paper addresses a question whose topic is not among its topics"),
    ("too-many", _E, "a paper has more topics or questions than allowed"),
    ("id-convention", _W, "a paper id does not follow `<family name><year><first title word>`"),
    ("duplicate-doi", _E, "two papers share a DOI (compared without resolver prefix, trailing punctuation, case)"),
    ("duplicate-title", _E, "two papers have the same title"),
    ("near-duplicate-title", _W, "a title near-identical to an earlier row's (both lines are named)"),
    ("duplicate", _E, "a paper to add is already in the table"),
    (
        "incomplete-record",
        _W,
        "a field the paper's type normally has is blank (article: volume, pages; chapter, "
        "proceedings: pages; book: ISBN)",
    ),
    ("duplicate-orcid", _E, "two persons share an ORCID iD"),
    (
        "possible-duplicate-person",
        _W,
        "two persons with the same family name (diacritics aside) and compatible given names or initials",
    ),
    (
        "possible-duplicate-venue",
        _W,
        "two venues with the same name once '&'/'and', case and punctuation are normalised, or with a shared ISSN",
    ),
    # --- labels and definitions
    ("duplicate-label", _E, "one concept lists the same label twice"),
    ("label-clash", _E, "a label belongs to two concepts without an ambiguity entry"),
    ("label-overlap", _E, "an ambiguity entry's label is also an ordinary label"),
    ("ambiguous-candidates", _E, "an ambiguity entry names fewer than two existing concepts, or one without 'none: *'"),
    ("ambiguous-label", _I, "a label declared ambiguous, with its candidates"),
    (
        "ambiguous-cues",
        _E,
        "a context cue of an ambiguous label is not 'candidate: words' for one of its candidates, nor 'none: words', "
        "'@name' is given to no candidate or to several, or a list partner '~word' stands outside 'none:'",
    ),
    ("untranslated", _W, "the Dutch text is identical to the English one"),
    ("deprecated-no-replacement", _W, "a retired concept names no replacement"),
    ("replaced-by-deprecated", _E, "a concept is replaced by one that is itself retired"),
    ("replaced-not-deprecated", _E, "a concept has a replacement but is not retired"),
    # --- coverage
    ("evidence-gap", _I, "a research question has too few papers"),
    ("concept-without-papers", _W, "no paper discusses a concept, and it is not marked practice-only"),
    ("practice-only-discussed", _W, "a concept marked practice-only is discussed by papers"),
    ("practice-source", _E, "a practice-only concept names no practitioner source"),
    # --- the graph
    ("shacl", None, "the graph breaks a SHACL shape (level from the shape's severity)"),
    ("reasoner", _E, "HermiT could not run, or found the ontology inconsistent"),
)

# The same meanings in Dutch, for docs/tables.nl.md (tests require one for every rule).
MEANINGS_NL: dict[str, str] = {
    # --- de bestanden en hun cellen
    "missing-file": "een tabel die de kennisbank nodig heeft, ontbreekt",
    "empty-file": "een tabel heeft geen kopregel",
    "encoding": "een tabel is niet in geldig UTF-8 gecodeerd",
    "bom": "een tabel begint met een byte-order mark (BOM)",
    "line-endings": "een tabel heeft geen Unix-regeleinden, of gebruikt verschillende soorten door elkaar",
    "delimiter": "de kopregel valt alleen bij `;` of een tab in kolommen uiteen: het bestand is met een ander "
    "scheidingsteken opgeslagen",
    "csv-syntax": "een rij die niet als CSV te lezen is (een aanhalingsteken dat op zijn regel niet wordt gesloten, "
    "tekst na een sluitend aanhalingsteken)",
    "cell-too-long": "een cel is langer dan de lengtegrens van haar kolom (of dan de 131.072 tekens van de CSV-lezer)",
    "too-many-values": "een cel met meerdere waarden bevat er meer dan haar kolom toestaat (auteurs: 500)",
    "missing-column": "in de kopregel ontbreekt een kolom uit het contract van de tabel",
    "unknown-column": "de kopregel bevat een kolom die het contract niet kent",
    "duplicate-column": "de kopregel noemt een kolom twee keer",
    "column-order": "de kolommen staan niet in de volgorde van het contract",
    "cell-count": "een rij heeft meer of minder cellen dan de kopregel",
    "blank-row": "een lege rij",
    "required": "een verplichte cel is leeg",
    "whitespace": "een cel begint of eindigt met spaties, of bevat een dubbele spatie",
    "line-break": "een cel bevat een regelovergang",
    "unsafe-character": "een cel bevat een onzichtbaar teken of een stuurteken",
    "formula-start": "een cel begint als een spreadsheetformule (=, +, -, @)",
    "empty-item": "een lege waarde tussen twee verticale strepen",
    "duplicate-item": "een waarde staat twee keer in dezelfde cel",
    "id-syntax": "een identificator is geen slug in kleine letters van de vorm die de tabel voorschrijft",
    "duplicate-id": "twee rijen hebben dezelfde identificator",
    "row-order": "de rijen staan niet op id gesorteerd (`cxkb format` sorteert ze)",
    # --- waarden
    "bad-value": "een cel bevat een waarde die haar kolom niet toestaat",
    "date-syntax": "een datum is geen ISO-datum en ook geen jaartal",
    "year-syntax": "een jaartal bestaat niet uit vier cijfers",
    "year-range": "een jaartal ligt vóór 1950 of in de toekomst",
    "doi-syntax": "een DOI heeft niet de vorm `10.<registrant>/<suffix>`",
    "doi-punctuation": "een DOI eindigt op een leesteken dat er niet bij hoort",
    "doi-prefix": "een DOI is geschreven met het voorvoegsel van een resolver (https://doi.org/, doi:)",
    "isbn-syntax": "een ISBN bestaat niet uit 13 cijfers",
    "isbn-checksum": "het controlecijfer van een ISBN klopt niet",
    "url-syntax": "een URL is geen http(s)-adres",
    "identifier": "een publicatie heeft geen DOI, geen ISBN en geen URL",
    "author-syntax": "een auteursnaam bevat een teken dat niet in een naam mag staan (;)",
    "author-format": "een auteursnaam staat niet in de vorm 'Family, Given' (achternaam, voornamen)",
    "orcid-syntax": "een ORCID iD heeft niet de vorm 0000-0000-0000-000X",
    "orcid-checksum": "het controleteken van een ORCID iD (ISO 7064 MOD 11-2) klopt niet",
    "issn-syntax": "een ISSN heeft niet de vorm 1234-567X, of een publicatiekanaal heeft er meer dan twee",
    "issn-checksum": "het controlecijfer van een ISSN klopt niet",
    "source-syntax": "een bron is geen DOI en ook geen praktijkbron uit de bronnentabel",
    "one-pref-label": "een begrip heeft in een taal meer of minder dan één voorkeurslabel",
    # --- verwijzingen tussen tabellen
    "unknown-reference": "een cel noemt een domein, onderwerp, onderzoeksvraag, begrip, bron, auteur of "
    "publicatiekanaal dat niet bestaat",
    "self-reference": "een begrip is breder dan of verwant aan zichzelf",
    "broader-cycle": "de verwijzingen naar bredere begrippen vormen een cyclus",
    "related-and-broader": "twee begrippen zijn zowel verwant als breder/smaller",
    "orphan-concept": "een begrip heeft geen breder of verwant begrip",
    "empty-domain": "een domein heeft geen onderwerpen",
    "question-topic": "een publicatie gaat in op een onderzoeksvraag waarvan het onderwerp niet tot haar "
    "onderwerpen behoort",
    "too-many": "een publicatie heeft meer onderwerpen of onderzoeksvragen dan toegestaan",
    "id-convention": "de id van een publicatie volgt het patroon `<achternaam><jaar><eerste titelwoord>` niet",
    "duplicate-doi": "twee publicaties hebben dezelfde DOI (vergeleken zonder resolvervoorvoegsel en leestekens aan "
    "het eind, en ongeacht hoofdletters)",
    "duplicate-title": "twee publicaties hebben dezelfde titel",
    "near-duplicate-title": "een titel is vrijwel gelijk aan die van een eerdere rij (beide regels worden genoemd)",
    "duplicate": "een publicatie die je wilt toevoegen, staat al in de tabel",
    "incomplete-record": "een veld dat het type publicatie normaal heeft, is leeg (artikel: jaargang, pagina's; "
    "hoofdstuk, congresbijdrage: pagina's; boek: ISBN)",
    "duplicate-orcid": "twee personen hebben dezelfde ORCID iD",
    "possible-duplicate-person": "twee personen met dezelfde achternaam (los van accenten) en voornamen of "
    "initialen die met elkaar te verenigen zijn",
    "possible-duplicate-venue": "twee publicatiekanalen met dezelfde naam zodra '&'/'and', hoofdletters en "
    "leestekens gelijkgetrokken zijn, of met een gemeenschappelijk ISSN",
    # --- labels en definities
    "duplicate-label": "één begrip noemt hetzelfde label twee keer",
    "label-clash": "een label hoort bij twee begrippen zonder dat het als meerduidig is vastgelegd",
    "label-overlap": "een als meerduidig vastgelegd label is ook een gewoon label",
    "ambiguous-candidates": "een meerduidig label noemt minder dan twee bestaande begrippen als kandidaat, of één "
    "zonder 'none: *'",
    "ambiguous-label": "een als meerduidig vastgelegd label, met zijn kandidaten",
    "ambiguous-cues": "een contextaanwijzing bij een meerduidig label heeft niet de vorm 'kandidaat: woorden' "
    "voor een van zijn kandidaten, en ook niet 'none: woorden', '@name' staat bij geen of bij meer dan "
    "één kandidaat, of een opsommingspartner '~woord' staat buiten 'none:'",
    "untranslated": "de Nederlandse tekst is gelijk aan de Engelse",
    "deprecated-no-replacement": "een uitgefaseerd begrip noemt geen vervanger",
    "replaced-by-deprecated": "een begrip wordt vervangen door een begrip dat zelf is uitgefaseerd",
    "replaced-not-deprecated": "een begrip heeft een vervanger maar is niet uitgefaseerd",
    # --- dekking
    "evidence-gap": "een onderzoeksvraag heeft te weinig publicaties",
    "concept-without-papers": "geen enkele publicatie gaat over een begrip, en het is niet als praktijkbegrip "
    "aangemerkt",
    "practice-only-discussed": "publicaties gaan over een begrip dat als praktijkbegrip is aangemerkt",
    "practice-source": "een praktijkbegrip noemt geen praktijkbron",
    # --- de graaf
    "shacl": "de graaf voldoet niet aan een SHACL-shape (het niveau volgt uit de sh:severity van de shape)",
    "reasoner": "HermiT kon niet draaien, of vond de ontologie inconsistent",
}

RULES: dict[str, Rule] = {rule_id: Rule(rule_id, level, meaning, _DOC) for rule_id, level, meaning in _TABLE}
register(RULES)


_HEADER = {"en": "| rule | level | meaning |", "nl": "| regel | niveau | betekenis |"}


def markdown_table(lang: str = "en") -> str:
    """The rules as the Markdown table of docs/tables.md, or with ``lang="nl"`` of
    docs/tables.nl.md (tests keep each document equal to it)."""
    return rules_table(RULES, MEANINGS_NL, _HEADER, lang)
