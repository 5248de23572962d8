"""Quality findings: what is wrong with the sources, and where.

Every check in cxkb reports through :class:`Report` so that a maintainer sees all problems
of a run at once, each naming file, row, column and rule, in three tiers like ROBOT's
report profile (error / warning / info).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import IntEnum


class Level(IntEnum):
    """Severity tiers; ordered so that ``>=`` means 'at least as serious'."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def label_nl(self) -> str:
        """The level's name in the Dutch documentation."""
        return _LABELS_NL[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {text!r}: use error, warning or info") from None


_LABELS_NL = {Level.INFO: "info", Level.WARNING: "waarschuwing", Level.ERROR: "fout"}
VARIES = {"en": "varies", "nl": "wisselt"}  # a rule whose level the finding's source sets


def level_label(level: Level | None, lang: str = "en") -> str:
    """A rule's level as a documentation table in ``lang`` (en, nl) names it."""
    if lang not in VARIES:
        raise ValueError(f"unknown language {lang!r}: use en or nl")
    if level is None:
        return VARIES[lang]
    return level.label_nl if lang == "nl" else level.label


def rules_table(rules: dict[str, Rule], meanings_nl: dict[str, str], header: dict[str, str], lang: str) -> str:
    """A registry (rules or checker codes) as the Markdown table its documentation shows in
    ``lang``; ``header`` gives the header row per language."""
    if lang not in header:
        raise ValueError(f"unknown language {lang!r}: use en or nl")
    lines = [header[lang], "|---|---|---|"]
    for rule in rules.values():
        meaning = meanings_nl[rule.id] if lang == "nl" else rule.meaning
        lines.append(f"| `{rule.id}` | {level_label(rule.level, lang)} | {meaning} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Rule:
    """A rule or finding code: its id, its level (``None`` when the source of the finding
    sets it, as SHACL shapes do), a one-line meaning and the page that documents it."""

    id: str
    level: Level | None
    meaning: str
    doc: str


_REGISTERED: dict[str, Rule] = {}


def register(rules: dict[str, Rule]) -> None:
    """Make rule ids known to every :class:`Report`; an id may be registered only once."""
    for rule_id, rule in rules.items():
        known = _REGISTERED.get(rule_id)
        if known is not None and known is not rule:
            raise ValueError(f"rule id {rule_id!r} is registered twice")
        _REGISTERED[rule_id] = rule


def registered() -> dict[str, Rule]:
    return dict(_REGISTERED)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place. ``row`` is the 1-based line in the file (the header is 1)."""

    file: str
    row: int
    column: str
    level: Level
    rule: str
    message: str

    def format(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.level.label}: {self.message} ({self.rule})"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["level"] = self.level.label
        return data


@dataclass
class Report:
    """All findings of one run."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, file: str, row: int, column: str, level: Level, rule: str, message: str) -> None:
        """Record a finding. The rule must be registered, and at its registered level: a
        typo in a rule id, or a level that differs from the documentation, fails loudly."""
        known = _REGISTERED.get(rule)
        if known is None:
            raise KeyError(f"unregistered rule id {rule!r}: add it to cxkb.kg.rules or cxkb.checker.codes")
        if known.level is not None and known.level is not level:
            raise ValueError(f"rule {rule!r} is registered as {known.level.label}, reported as {level.label}")
        self.findings.append(Finding(file, row, column, level, rule, message))

    def error(self, file: str, row: int, column: str, rule: str, message: str) -> None:
        self.add(file, row, column, Level.ERROR, rule, message)

    def warning(self, file: str, row: int, column: str, rule: str, message: str) -> None:
        self.add(file, row, column, Level.WARNING, rule, message)

    def info(self, file: str, row: int, column: str, rule: str, message: str) -> None:
        self.add(file, row, column, Level.INFO, rule, message)

    def extend(self, other: Report) -> None:
        self.findings.extend(other.findings)

    def at_least(self, level: Level) -> list[Finding]:
        return [f for f in self.sorted() if f.level >= level]

    @property
    def has_errors(self) -> bool:
        return any(f.level is Level.ERROR for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {lvl.label: sum(1 for f in self.findings if f.level is lvl) for lvl in reversed(Level)}

    def sorted(self) -> list[Finding]:
        return sorted(set(self.findings), key=lambda f: (f.file, f.row, f.column, -f.level, f.rule, f.message))

    def to_json(self, min_level: Level = Level.INFO) -> str:
        return json.dumps(
            {"counts": self.counts(), "findings": [f.to_dict() for f in self.at_least(min_level)]},
            ensure_ascii=False,
            indent=2,
        )

    def to_tsv(self, min_level: Level = Level.INFO) -> str:
        lines = ["level\trule\tfile\trow\tcolumn\tmessage"]
        for f in self.at_least(min_level):
            msg = f.message.replace("\t", " ").replace("\n", " ")
            lines.append(f"{f.level.label}\t{f.rule}\t{f.file}\t{f.row}\t{f.column}\t{msg}")
        return "\n".join(lines) + "\n"


class LocatedError(Exception):
    """An input that cannot be used, with the file (and line, when one is to blame) to fix."""

    def __init__(self, path: str, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
