"""What the book says about evidence: a paper's study designs, and why a question is a gap.

The build decides which questions are evidence gaps and why (``derived["gap_map"]``); the
pages only put those answers into words, in English and Dutch, so every page that names a
gap names the same gaps for the same reasons.
"""

from __future__ import annotations

from cxkb.book.markup import in_lang, myst_escape
from cxkb.model import KnowledgeBase, Paper

# reason id -> (English, Dutch); the definitions are in cxkb.kg.extracts and docs/decisions.md.
REASONS = {
    "thin": ("fewer than {threshold} papers", "minder dan {threshold} publicaties"),
    "no-recent": ("no paper since the review ({year} on)", "geen publicatie sinds de review (vanaf {year})"),
    "no-empirical": (
        "no empirical study (only conceptual work or reviews)",
        "geen empirisch onderzoek (alleen conceptueel werk of literatuurstudies)",
    ),
    "no-causal-or-behavioural": (
        "no experiment and no field or behavioural data",
        "geen experiment en geen veld- of gedragsgegevens",
    ),
}
DEFINITION_EN = (
    "A research question is an evidence gap when the literature table has fewer than {threshold} papers on it, "
    "no paper on it published since the review that posed it ({year} on), no empirical study of it, or neither an "
    "experiment nor field or behavioural data on it."
)
DEFINITION_NL = (
    "Een onderzoeksvraag is een kennishiaat als de literatuurtabel er minder dan {threshold} publicaties over heeft, "
    "geen publicatie van na de review die de vraag stelde (vanaf {year}), geen empirisch onderzoek, of geen "
    "experiment en geen veld- of gedragsgegevens."
)


def reason_text(reason: str, derived: dict, lang: str = "en") -> str:
    """One reason in plain words (not escaped: the caller escapes for its format)."""
    en, nl_ = REASONS.get(reason, (reason, reason))
    text = en if lang == "en" else nl_
    return text.format(threshold=derived.get("evidence_threshold", 2), year=derived["gap_map"]["review_year"])


def definition(derived: dict, lang: str = "en") -> str:
    template = DEFINITION_EN if lang == "en" else DEFINITION_NL
    return template.format(threshold=derived.get("evidence_threshold", 2), year=derived["gap_map"]["review_year"])


def gap_reasons_myst(qid: str, derived: dict, lang: str = "en") -> str:
    """Why ``qid`` is a gap, as escaped MyST in ``lang`` ("" when it is not one)."""
    reasons = derived["gap_map"]["reasons"].get(qid, [])
    if not reasons:
        return ""
    text = "; ".join(reason_text(r, derived, lang) for r in reasons)
    return myst_escape(text[0].upper() + text[1:] + ".")


def design_labels(kb: KnowledgeBase, p: Paper, lang: str = "en") -> list[str]:
    """A paper's study designs as labels, in the paper's order (plain text)."""
    out = []
    for d in p.designs:
        design = kb.designs.get(d)
        out.append((design.label.en if lang == "en" else design.label.nl) if design else d)
    return out


def design_cell(kb: KnowledgeBase, p: Paper, lang: str = "en") -> str:
    """A paper's study designs for a MyST table cell, in ``lang`` (the other language when a label lacks it)."""
    parts = []
    for d in p.designs:
        design = kb.designs.get(d)
        if design is None:
            parts.append(myst_escape(d))
            continue
        own, other = (design.label.nl, design.label.en) if lang == "nl" else (design.label.en, design.label.nl)
        parts.append(myst_escape(own) if own else in_lang(myst_escape(other), "en" if lang == "nl" else "nl"))
    return "; ".join(parts) or "–"
