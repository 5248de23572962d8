"""What a check finds: findings, concept mentions, unknown terms, per document and per run.

These records are the checker's output contract. The output formats, the fixer, the usage
report and the library API read them; only the engine makes them, so they live apart from it
and can be imported without the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cxkb.checker.documents import Document, InputError
from cxkb.checker.reader import StreamedFile
from cxkb.findings import Level
from cxkb.iris import iri_text


@lru_cache(maxsize=4096)
def concept_iri(concept: str) -> str:
    """The concept's IRI as in the graph (cached: the same few concepts recur)."""
    return iri_text("concept", concept)


@dataclass(frozen=True)
class CheckFinding:
    """One finding in one document. Lines and columns are 1-based; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    level: Level
    code: str
    message: str
    text: str
    lang: str
    concepts: tuple[str, ...] = ()
    preferred: str = ""
    replacement: str | None = None
    label_kind: str = ""
    exact: bool = True
    offset: int = 0

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.line, self.column, -self.level, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "level": self.level.label,
            "code": self.code,
            "message": self.message,
            "text": self.text,
            "lang": self.lang,
            "concepts": list(self.concepts),
            "concept_iris": [concept_iri(c) for c in self.concepts],
            "preferred": self.preferred,
            "replacement": self.replacement,
            "label_kind": self.label_kind,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class Mention:
    """A concept mention, whatever its severity: the raw material of reports and evaluation."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    code: str
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class UnknownTerm:
    path: str
    line: int
    column: int
    text: str
    key: str
    nearest: tuple[str, ...]


@dataclass
class DocumentResult:
    document: Document | StreamedFile
    findings: list[CheckFinding] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    unknown: list[UnknownTerm] = field(default_factory=list)


@dataclass
class CheckRun:
    """The outcome of checking a set of paths."""

    findings: list[CheckFinding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    unknown: list[UnknownTerm] = field(default_factory=list)
    documents: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, kind, lang, origin
    files: dict[str, Path] = field(default_factory=dict)  # shown name -> path, for --fix

    def counts(self) -> dict[str, int]:
        return {lvl.label: sum(1 for f in self.findings if f.level is lvl) for lvl in reversed(Level)}

    def failing(self, level: Level) -> list[CheckFinding]:
        return [f for f in self.findings if f.level >= level]
