"""Every rule the table checks can report, in one registry.

A rule id is what a contributor searches for when a check fails, so each id has one
level, one meaning and one place where it is documented. ``Report`` refuses an id that is
not listed here (or in the checker's codes), and tests hold docs/tables.md to this table.
"""

from __future__ import annotations

from cxkb.findings import Level, Rule, register

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
    ("empty-item", _W, "an empty value between two | separators"),
    ("duplicate-item", _W, "a value listed twice in one cell"),
    ("id-syntax", _E, "an identifier is not a lower-case slug of the table's form"),
    ("duplicate-id", _E, "two rows share an identifier"),
    ("row-order", _I, "the rows are not sorted by id (`cxkb format` sorts them)"),
    # --- values
    ("bad-value", _E, "a cell holds a value outside its column's allowed set"),
    ("date-syntax", _E, "a date is neither an ISO date nor a year"),
    ("year-syntax", _E, "a year is not four digits"),
    ("year-range", _E, "a year lies before 1950 or in the future"),
    ("doi-syntax", _E, "a DOI is not of the form 10.<registrant>/<suffix>"),
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
    ("id-convention", _W, "a paper id does not follow <family name><year><first title word>"),
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
    ("ambiguous-candidates", _E, "an ambiguity entry names fewer than two existing concepts"),
    ("ambiguous-label", _I, "a label declared ambiguous, with its candidates"),
    ("ambiguous-cues", _E, "a context cue of an ambiguous label is not 'candidate: words' for one of its candidates"),
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

RULES: dict[str, Rule] = {rule_id: Rule(rule_id, level, meaning, _DOC) for rule_id, level, meaning in _TABLE}
register(RULES)


def markdown_table() -> str:
    """The rules as the Markdown table docs/tables.md shows (tests keep the two equal)."""
    lines = ["| rule | level | meaning |", "|---|---|---|"]
    for rule in RULES.values():
        level = rule.level.label if rule.level is not None else "varies"
        lines.append(f"| `{rule.id}` | {level} | {rule.meaning} |")
    return "\n".join(lines) + "\n"
