"""What checking one document keeps between its windows, and the verdict on one match.

The engine reads a document window by window (:mod:`cxkb.checker.stream`); what it must
remember from one window to the next (the names used per concept, the document's sense of its
ambiguous labels, the unknown-term phrases waiting to recur, the cautious uses held to the end)
lives here, apart from the rules that decide what a match means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from cxkb.checker.documents import Document
from cxkb.checker.reader import StreamedFile
from cxkb.checker.report import Usage
from cxkb.checker.results import CheckFinding, DocumentResult, Mention, UnknownTerm
from cxkb.checker.sense import DocumentSense
from cxkb.checker.stream import FindingSink, Window
from cxkb.checker.unknown import Recurrence
from cxkb.checker.vocab import AmbiguousEntry, Entry, Match, compact
from cxkb.findings import Level

_MAX_HELD = 4096
"""Cautious uses one document may hold to read again at its end (the engine's ``_settle``): the
bound keeps a long stream's memory flat; later ones are read as they stand, as before."""


class Held(NamedTuple):
    """A cautious use that nothing had given a sense when it was read, kept to be read again."""

    match: Match
    offset: int
    line: int
    column: int
    end_line: int
    end_column: int
    surface: str
    found: AmbiguousEntry


@dataclass(frozen=True)
class Verdict:
    """What one match means: its finding code and concepts, the entry that decided, and the message.

    Kept per (entries, text, language) by the engine, since a document repeats its labels."""

    code: str
    concepts: tuple[str, ...]
    entry: Entry
    message: str
    preferred: str
    exact: bool


class DocumentState:
    """What checking one document keeps between its windows."""

    def __init__(
        self,
        doc: Document | StreamedFile,
        result: DocumentResult,
        sink: FindingSink,
        details: bool,
        level: Callable[[str], Level | None],
        usage: Usage | None = None,
    ) -> None:
        self.doc, self.result, self.sink = doc, result, sink
        self.details = details or usage is not None
        # where mentions and unknown terms go: the result's lists, or a report's running tally
        self.mention: Callable[[Mention], None] = usage.mention if usage else result.mentions.append
        self.unknown: Callable[[UnknownTerm], None] = usage.unknown if usage else result.unknown.append
        self.suppressed = doc.suppressed
        self._levels: dict[str, Level | None] = {}
        self._level = level
        # concept -> compact label -> [uses, label as first used, offset, finding at the first use]
        self.named: dict[str, dict[str, list[object]]] = {}
        self.recurrence = Recurrence()  # unknown-term phrases seen once, and those seen again
        self.phrase_end = -1  # where the last unknown-term phrase so far ends (document offset)
        self.sense = DocumentSense()  # what the document has made its ambiguous labels mean
        self.held: list[Held] = []  # cautious uses read before the document gave them a sense

    def hold(self, w: Window, m: Match, found: AmbiguousEntry) -> None:
        if len(self.held) < _MAX_HELD:
            line, col = w.position(m.start)
            end_line, end_col = w.position(m.end)
            surface = w.source[m.start : m.end]
            self.held.append(Held(m, w.offset + m.start, line, col, end_line, end_col, surface, found))

    def level(self, code: str) -> Level | None:
        if code not in self._levels:
            self._levels[code] = self._level(code)
        return self._levels[code]

    def use(self, verdict: Verdict, w: Window, m: Match) -> None:
        """One more use of a concept by a name; its first use is where an inconsistency is shown."""
        uses = self.named.setdefault(verdict.concepts[0], {})
        label = verdict.entry.label
        key = compact(label)
        hit = uses.get(key)
        if hit is not None:
            hit[0] += 1  # type: ignore[operator]
            return
        line, col = w.position(m.start)
        end_line, end_col = w.position(m.end)
        finding = CheckFinding(
            self.doc.name,
            line,
            col,
            end_line,
            end_col,
            Level.INFO,
            "inconsistent",
            "",
            w.source[m.start : m.end],
            self.doc.lang,
            verdict.concepts,
            verdict.preferred,
            None,
            verdict.entry.kind.value,
            verdict.exact,
            w.offset + m.start,
        )
        uses[key] = [1, label, w.offset + m.start, finding]
