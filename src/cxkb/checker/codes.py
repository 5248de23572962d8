"""Every finding code of the vocabulary checker, in one registry.

The codes are what teams configure (``severity`` in .cxkb-check.toml), what SARIF lists
as rules and what the README documents; tests hold the README's table to this one.
"""

from __future__ import annotations

from cxkb.findings import Level, Rule, register

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
        "a word of a concept's family (satisfied, tevreden) or its survey question, not one of its labels",
    ),
    ("narrower-term", Level.INFO, "a narrower term the taxonomy does not list: consider the broader concept"),
    ("wrong-language", Level.INFO, "a label of the other language than the document's"),
    ("inconsistent", Level.INFO, "one concept named in several ways in one document"),
    ("unknown-term", Level.INFO, "a CX-sounding phrase not in the taxonomy, with the nearest concepts"),
    ("directive", Level.WARNING, "a malformed cxkb-check comment"),
    (
        "too-many-findings",
        Level.INFO,
        "more findings in one file than max-findings: the rest are counted, at the level of the most serious",
    ),
)

CODES: dict[str, Rule] = {code: Rule(code, level, meaning, _DOC) for code, level, meaning in _TABLE}
register(CODES)


def markdown_table() -> str:
    """The codes as the README's table shows them (tests keep the two equal)."""
    lines = ["| code | default level | meaning |", "|---|---|---|"]
    lines += [f"| `{c.id}` | {c.level.label if c.level else 'varies'} | {c.meaning} |" for c in CODES.values()]
    return "\n".join(lines) + "\n"
