"""Abbreviations a document defines for a label, and their later uses.

Practice texts define their own short forms: "Customer Service Representative (CSR)",
"customer service (CS)". The taxonomy cannot list them (CSR is also corporate social
responsibility), but the document says what it means, so from the definition on, the short
form names the label's concept. A definition is a label match followed by an abbreviation
in brackets whose letters are the initials of the label's words; a use is the abbreviation
(or its plural) as a whole word, in the same capitals, after the definition and outside
any label match.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from cxkb.checker.vocab import Entry, Kind, Match

_DEFINITION = re.compile(r"[ \t\u00a0]?\(([A-Z][A-Z0-9]{1,7})s?\)")
_WORD_SPLIT = re.compile(r"[\s\-\u2010\u2011/]+")
_USABLE = frozenset({Kind.PREF, Kind.ALT, Kind.FAMILY, Kind.NARROWER})


def initials(label_text: str) -> str:
    """The upper-case first letters of a phrase's words ('Customer Service Representative' -> 'CSR')."""
    return "".join(w[0] for w in _WORD_SPLIT.split(label_text) if w).upper()


class Abbreviations:
    """The abbreviations one document has defined so far, fed its matches in text order."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, tuple[Entry, ...]]] = {}  # abbreviation -> (defined before, entries)
        self._uses: re.Pattern[str] | None = None

    def add_uses(self, text: str, offset: int, matches: list[Match], start: int = 0, end: int = -1) -> None:
        """Record the definitions among ``matches`` in ``text[start:end]``, then insert the uses there.

        ``offset`` is the document offset of ``text[0]``; ``matches`` are in text order and
        are extended in place, staying in order. A label that names several concepts, or a
        misspelling, defines nothing.
        """
        end = len(text) if end < 0 else end
        for m in matches:
            if not start <= m.start < end:
                continue
            d = _DEFINITION.match(text, m.end)
            if d is None or d.group(1) in self._known or initials(m.text) != d.group(1):
                continue
            if len({c for e in m.entries for c in e.concepts}) == 1 and all(e.kind in _USABLE for e in m.entries):
                self._known[d.group(1)] = (offset + d.end(), m.entries)
                self._uses = None
        if not self._known:
            return
        if self._uses is None:
            names = "|".join(re.escape(a) for a in sorted(self._known, key=lambda a: (-len(a), a)))
            self._uses = re.compile(rf"(?<![\w\-])({names})s?(?![\w\-])")
        starts = [m.start for m in matches]
        for u in self._uses.finditer(text, start, end):
            defined, entries = self._known[u.group(1)]
            s, e = u.span()
            if offset + s < defined:
                continue
            i = bisect_right(starts, s)
            if (i > 0 and matches[i - 1].end > s) or (i < len(matches) and matches[i].start < e):
                continue
            matches.insert(i, Match(s, e, u.group(), entries))
            starts.insert(i, s)
