"""Abbreviations a document defines for a label, and their later uses.

Practice texts define their own short forms: "Customer Service Representative (CSR)",
"customer service (CS)". The taxonomy cannot list them (CSR is also corporate social
responsibility), but the document says what it means, so from the definition on, the short
form names the label's concept. A definition is a label match followed by an abbreviation
in brackets whose letters are the initials of the label's words; a use is the abbreviation
(or its plural) as a whole word, in the same capitals, from the definition's bracket on and
outside any label match. The bracket counts: it is where the writer names the short form.

The other way round, a document may define one of the taxonomy's abbreviations as something
else: in "Office of Customer Experience (OCE)", *OCE* is an office, not online customer
experience. From such a definition on, the abbreviation names nothing in that document. A
name spelt out without brackets does the same: after "the National Park Service", *NPS* is
the park service, not the Net Promoter Score. Such a name is a run of capitalised words (small
words between them allowed) that holds no label and is no label written apart, so a heading
such as "Customer Experience Strategy" does not take *CES* from the customer effort score, nor
"Klanten Contact Centrum" *KCC* from the contact centre.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from cxkb.checker.capitals import bare
from cxkb.checker.context import closed, in_address, suspended_part
from cxkb.checker.prefilter import TOKEN
from cxkb.checker.vocab import Entry, Kind, Match

_DEFINITION = re.compile(r"[ \t\u00a0]?\(([A-Z][A-Z0-9]{1,7})s?\)")
_WORD_SPLIT = re.compile(r"[\s\-\u2010\u2011/]+")
_USABLE = frozenset({Kind.PREF, Kind.ALT, Kind.FAMILY, Kind.NARROWER})
_SMALL_WORDS = frozenset(
    {"of", "the", "for", "and", "on", "in", "to", "at", "by", "a", "an"}
    | {"van", "de", "het", "der", "des", "voor", "en", "op", "te"}
)
"""Words an abbreviation usually skips ('Office of Customer Experience' -> 'OCE')."""
_REACH = 200  # characters looked at before a bracket for the words an abbreviation spells
_SMALL = "|".join(sorted(_SMALL_WORDS, key=len, reverse=True))


@cache  # one per taxonomy abbreviation, a few dozen at most
def _name_spelling(abbreviation: str) -> re.Pattern[str]:
    """Capitalised names whose initials spell ``abbreviation`` ('National Park Service' for NPS).

    One word per letter, each starting with that capital, small words between them allowed,
    and no capitalised word right after: 'National Park Service Agency' is another name. The
    pattern starts with the first capital itself, so the regular-expression engine can skip
    ahead to it; the check that no word runs into it from the left comes right after.
    """
    gap = rf"[ \t]+(?:(?:{_SMALL})[ \t]+)*"
    first, rest = abbreviation[0], abbreviation[1:]
    words = [rf"{first}(?<![\w-]{first})[^\W_]*", *(rf"{letter}[^\W_]*" for letter in rest)]
    return re.compile(gap.join(words) + r"(?![\w-])(?![ \t]+[A-Z])")


def spelled_before(text: str, bracket: int, abbreviation: str) -> bool:
    """Whether the words before ``bracket`` spell ``abbreviation`` by their initials, small words skipped."""
    letters: list[str] = []
    for word in reversed(TOKEN.findall(text, max(0, bracket - _REACH), bracket)):
        if word.casefold() in _SMALL_WORDS:
            if not letters:
                return False  # 'the (OCE)': no phrase ends right before the bracket
            continue
        letters.append(word[0].upper())
        if len(letters) == len(abbreviation):
            return "".join(reversed(letters)) == abbreviation
    return False


def initials(label_text: str) -> str:
    """The upper-case first letters of a phrase's words ('Customer Service Representative' -> 'CSR')."""
    return "".join(w[0] for w in _WORD_SPLIT.split(label_text) if w).upper()


class Abbreviations:
    """The abbreviations one document has defined so far, fed its matches in text order."""

    def __init__(self, labels: frozenset[str] = frozenset()) -> None:
        """``labels``: every label written as one word (:func:`cxkb.checker.context.closed`), so that a
        label spelt as a name ('Klanten Contact Centrum', for *KCC*) takes nothing away."""
        self._known: dict[str, tuple[int, tuple[Entry, ...]]] = {}  # abbreviation -> (where uses may start, entries)
        self._uses: re.Pattern[str] | None = None
        self._other: dict[str, int] = {}  # taxonomy abbreviation -> where the document defined it as something else
        self._spelled: dict[str, int] = {}  # abbreviation a name in the document spells -> where it ends
        self._labels = labels
        # the last label matched in earlier windows, in document offsets, and whether only white
        # space follows it to the end of its window's body: the label a bracket at the start of
        # the next window comes after, which the whole-text scan sees as the match before it
        self._last: Match | None = None
        self._last_blank = False

    def finish(self, text: str, offset: int, matches: list[Match], start: int = 0, end: int = -1) -> None:
        """The last step of every scan, windowed or whole: what the document itself says.

        Its own abbreviations are added first, then labels inside a web or e-mail address
        are dropped (*NPS.gov* names no score), and so are the first parts of Dutch compounds
        that share a head naming a record (*Contactmomenten- en Klantenregister*). Both scans
        call this one method so that the windowed scan keeps giving what the whole-text scan gives.
        """
        self.add_uses(text, offset, matches, start, end)
        matches[:] = [
            m for m in matches if not (in_address(text, m.start, m.end) or suspended_part(text, m.start, m.end))
        ]

    def add_uses(self, text: str, offset: int, matches: list[Match], start: int = 0, end: int = -1) -> None:
        """Record the definitions among ``matches`` in ``text[start:end]``, then insert the uses there.

        ``offset`` is the document offset of ``text[0]``; ``matches`` are in text order and
        are extended in place, staying in order. A label that names several concepts, or a
        misspelling, defines nothing.
        """
        end = len(text) if end < 0 else end
        body = [m for m in matches if start <= m.start < end]  # as scanned, before any is dropped
        self._drop_redefined(text, offset, matches, start, end)
        self._remember_last(text, offset, body[-1] if body else None, start, end)
        for m in matches:
            if not start <= m.start < end:
                continue
            d = _DEFINITION.match(text, m.end)
            if d is None or d.group(1) in self._known or initials(m.text) != d.group(1):
                continue
            if len(_concepts(m)) == 1 and all(e.kind in _USABLE for e in m.entries):
                self._known[d.group(1)] = (offset + d.start(1), m.entries)  # the bracket itself is a use
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

    def _drop_redefined(self, text: str, offset: int, matches: list[Match], start: int, end: int) -> None:
        """Drop the taxonomy's abbreviations that this document has defined as something else.

        A taxonomy abbreviation in brackets after words that spell it ("Office of Customer
        Experience (OCE)") is the document's own definition, unless those words are a label of
        the abbreviation's concept ("Customer Effort Score (CES)"). So is a name spelt out
        earlier without brackets ("the National Park Service", then "NPS").
        """
        found = [i for i, m in enumerate(matches) if start <= m.start < end and _is_abbreviation(m)]
        if not found:
            return
        self._names(text, offset, matches, found, start, end)
        for i in found:
            m = matches[i]
            before = matches[i - 1] if i > 0 else self._carried(text, offset)
            if (key := bare(m.text)) not in self._other:
                spelled = self._spelled.get(key)
                bracket = m.start - 1
                if spelled is not None and spelled <= offset + m.start:
                    self._other[key] = spelled
                elif (
                    bracket >= 0
                    and text[bracket] == "("
                    and text.startswith(")", m.end)
                    and not (before is not None and _names_same(before, m) and not text[before.end : bracket].strip())
                    and spelled_before(text, bracket, key)
                ):
                    self._other[key] = offset + m.start
        if self._other:
            dropped = {
                i for i in found if offset + matches[i].start >= self._other.get(bare(matches[i].text), offset + end)
            }
            if dropped:
                matches[:] = [m for i, m in enumerate(matches) if i not in dropped]

    def _carried(self, text: str, offset: int) -> Match | None:
        """The label before this window's first match, in this window's offsets, as the whole scan has it.

        A label that ended before this window's text begins is given as ending at its start
        when only white space followed it there, which is all :meth:`_drop_redefined` asks of it.
        """
        last = self._last
        if last is None:
            return None
        if last.end >= offset:
            return Match(last.start - offset, last.end - offset, last.text, last.entries)
        return Match(0, 0, last.text, last.entries) if self._last_blank else None

    def _remember_last(self, text: str, offset: int, last: Match | None, start: int, end: int) -> None:
        """Keep the window's last label, and whether only white space follows it to the body's end."""
        if last is not None:
            self._last = Match(offset + last.start, offset + last.end, last.text, last.entries)
            self._last_blank = not text[last.end : end].strip()
        else:
            self._last_blank = self._last_blank and not text[start:end].strip()

    def _names(self, text: str, offset: int, matches: list[Match], found: list[int], start: int, end: int) -> None:
        """Record the taxonomy abbreviations that names in ``text[start:end]`` spell, when they hold no label.

        Only the abbreviations this window uses are looked for, one small pattern each: a name
        counts when it comes before a use in the same window (about 128,000 characters), which
        is the whole of most documents.
        """
        used = {bare(matches[i].text) for i in found}  # the abbreviations among the window's matches
        starts: list[int] | None = None
        for abbreviation in sorted(used - self._other.keys() - self._spelled.keys()):
            if not (abbreviation.isupper() and 2 <= len(abbreviation) <= 8):
                continue
            for run in _name_spelling(abbreviation).finditer(text, start, end):
                if starts is None:
                    starts = [m.start for m in matches]
                i = bisect_right(starts, run.end() - 1)  # the matches that start before the name ends
                if (i > 0 and matches[i - 1].end > run.start()) or closed(run.group()) in self._labels:
                    continue  # a label inside, across or as the name: it names a concept, not something else
                self._spelled[abbreviation] = offset + run.end()
                break


def _concepts(m: Match) -> set[str]:
    """Every concept a match's entries name; a label shared by two concepts gives both."""
    return {c for e in m.entries for c in e.concepts}


def _is_abbreviation(m: Match) -> bool:
    """Whether every reading of a match is a taxonomy abbreviation, so a redefinition can override it."""
    return all(e.abbreviation for e in m.entries)


def _names_same(a: Match, b: Match) -> bool:
    return bool(_concepts(a) & _concepts(b))
