"""A small bilingual taxonomy for the vocabulary-checker tests.

It extends the ``mini`` fixture with concepts that exercise every finding: multi-word
labels that overlap, Dutch compounds, abbreviations, a misspelling, a retired concept
with a replacement and a declared ambiguous label.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import built, make_root
from cxkb.findings import Report
from cxkb.kg.tables import AMBIGUOUS, CONCEPTS, read_table, write_table

SOURCE = "10.1509/jm.15.0420"

EXTRA_CONCEPTS: list[dict[str, str]] = [
    {
        "id": "customer-journey",
        "pref_label_en": "customer journey",
        "pref_label_nl": "klantreis",
        "alt_labels_en": "CJ",
        "alt_labels_nl": "customer journey|klantenreis",
        "hidden_labels_nl": "klantenrijs",
    },
    {
        "id": "touchpoint",
        "pref_label_en": "touchpoint",
        "pref_label_nl": "contactmoment",
        "alt_labels_en": "touch point|contact point",
        "alt_labels_nl": "touchpoint",
    },
    {
        "id": "persona",
        "pref_label_en": "persona",
        "pref_label_nl": "persona",
        "alt_labels_en": "customer persona",
        "alt_labels_nl": "klantpersona",
    },
    {
        "id": "moment-of-truth",
        "pref_label_en": "moment of truth",
        "pref_label_nl": "moment van de waarheid",
        "alt_labels_en": "MOT",
        "alt_labels_nl": "waarheidsmoment",
    },
    {
        "id": "customer-experience-management",
        "pref_label_en": "customer experience management",
        "pref_label_nl": "klantbelevingsmanagement",
        "alt_labels_en": "CEM",
        "alt_labels_nl": "CEM",
    },
    {
        "id": "experience-management",
        "pref_label_en": "experience management",
        "pref_label_nl": "belevingsmanagement",
    },
    {
        "id": "customer-satisfaction",
        "pref_label_en": "customer satisfaction",
        "pref_label_nl": "klanttevredenheid",
        "alt_labels_en": "CSAT",
        "alt_labels_nl": "CSAT",
    },
    {
        "id": "satisfaction-index",
        "pref_label_en": "satisfaction index",
        "pref_label_nl": "tevredenheidsindex",
        "deprecated": "true",
        "replaced_by": "customer-satisfaction",
    },
    {
        "id": "service-blueprint",
        "pref_label_en": "service blueprint",
        "pref_label_nl": "service blueprint",
        "alt_labels_nl": "serviceblauwdruk",
    },
]

EXTRA_AMBIGUOUS: list[dict[str, str]] = [
    {
        "id": "journey-en",
        "label": "journey",
        "lang": "en",
        "candidates": "customer-journey|experience-management",
        "note_en": "Say which journey you mean.",
        "note_nl": "Zeg welke reis je bedoelt.",
    },
]


def _complete(row: dict[str, str]) -> dict[str, str]:
    full = {
        "definition_en": f"Test definition of {row['pref_label_en']}.",
        "definition_nl": f"Testdefinitie van {row['pref_label_nl']}.",
        "topics": "customer-emotions",
        "source": SOURCE,
    }
    full.update(row)
    return full


_TEMPLATE: list[Path] = []


def make_check_root(tmp_path: Path) -> Path:
    """A repository-shaped folder whose concept table has all the checker's cases, with a
    release built from it (once per session, then copied: a copy stays current because the
    manifest names its sources by relative path and hash)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="cxkb-check-"))
        _TEMPLATE.append(built(_check_tables(base)))
    root = tmp_path / "kb"
    shutil.copytree(_TEMPLATE[0], root)
    return root


def _check_tables(tmp_path: Path) -> Path:
    root = make_root(tmp_path)
    report = Report()
    concepts = [r.cells for r in read_table(root, CONCEPTS, report)]
    ambiguous = [r.cells for r in read_table(root, AMBIGUOUS, report)]
    assert not report.has_errors, report.findings
    write_table(root, CONCEPTS, concepts + [_complete(r) for r in EXTRA_CONCEPTS])
    write_table(root, AMBIGUOUS, ambiguous + EXTRA_AMBIGUOUS)
    return root
