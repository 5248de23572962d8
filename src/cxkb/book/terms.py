"""One term, one name: the taxonomy's own texts and the book's prose in the preferred labels.

The vocabulary checker (:mod:`cxkb.checker`) reads the topic labels and definitions, the
domain definitions, the research questions and the landing pages in each language; a
synonym, a known misspelling, a retired label or one concept named in several ways fails
the book build, unless the term is on the allow-list ``book/terms-allowlist.csv`` (term,
language, reason): wording that must stay as the framework's source gives it, and
abbreviations of a preferred label.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cxkb.release import Release

ALLOWLIST = "book/terms-allowlist.csv"
FAILING = frozenset({"non-preferred", "misspelling", "deprecated", "inconsistent"})
PROSE = {"en": ("book/intro.md",), "nl": ("book/nl/intro.md",)}


@dataclass(frozen=True)
class TermProblem:
    where: str
    lang: str
    code: str
    text: str
    preferred: str

    def __str__(self) -> str:
        return f"{self.where} ({self.lang}): {self.code} {self.text!r}, use {self.preferred!r}"


def allowed(root: Path) -> set[tuple[str, str]]:
    path = root / ALLOWLIST
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as f:
        return {(row["term"].strip().lower(), row["lang"].strip()) for row in csv.DictReader(f)}


def texts(release: Release, root: Path) -> list[tuple[str, str, str]]:
    """(where, language, text) for every text the rule covers."""
    kb = release.records
    out: list[tuple[str, str, str]] = []
    for t in kb.topics.values():
        for lang in ("en", "nl"):
            out.append((f"topic {t.id} label", lang, getattr(t.label, lang)))
            out.append((f"topic {t.id} definition", lang, getattr(t.definition, lang)))
    for d in kb.domains.values():
        for lang in ("en", "nl"):
            out.append((f"domain {d.id} definition", lang, getattr(d.definition, lang)))
    for q in kb.questions.values():
        for lang in ("en", "nl"):
            out.append((f"question {q.id}", lang, getattr(q.text, lang)))
    for lang, paths in PROSE.items():
        for name in paths:
            path = root / name
            if path.is_file():
                out.append((name, lang, path.read_text(encoding="utf-8")))
    return [x for x in out if x[2].strip()]


def check_terms(release: Release, root: Path) -> list[TermProblem]:
    """Every non-preferred or inconsistent term in the covered texts, minus the allow-list."""
    from cxkb.checker.config import CheckConfig
    from cxkb.checker.documents import parse_document
    from cxkb.checker.engine import Checker

    allow = allowed(root)
    checkers = {lang: Checker(release.vocabulary(), CheckConfig().with_overrides(language=lang)) for lang in PROSE}
    problems = []
    for where, lang, text in texts(release, root):
        kind = "markdown" if where.endswith(".md") else "text"
        result = checkers[lang].check_document(parse_document(text, where, kind, lang=lang))
        for f in result.findings:
            if f.code in FAILING and (f.text.lower(), lang) not in allow:
                problems.append(TermProblem(where, lang, f.code, f.text, f.preferred or ""))
    return problems
