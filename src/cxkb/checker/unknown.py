"""Unknown terms: CX-sounding phrases the taxonomy lacks, and which of them look like terms.

A phrase around a cue word is a candidate (:func:`cue_phrases`).
A phrase is reported only once it recurs in the document, its first use included. Noun
phrases around *customer* and *service* that turn up once are mostly description (*customer
perspective*, *service performance*); the ones a text keeps using are what it names
(*customer feedback*, *usability testing*). Frequency is the oldest test of termhood in term
extraction, and it needs nothing but the document. Dutch writes those noun phrases as one
closed word (*klantperspectief*, *klantfeedback*), so a Dutch compound waits for its second
use too. Only an English one-word compound is reported where it stands: English joins words
with a hyphen or closes them up on purpose (*customer-centrically*).

The check streams, so the first use of each waiting phrase waits until a second use confirms
it or the document ends. The number of waiting phrases is capped, which keeps memory flat
on documents of any size.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cxkb.checker.context import (
    STOPWORDS,
    capitalised_in_prose,
    closed_up_words,
    compact,
    holds_proper_noun,
    modifies_a_noun,
    names_a_thing,
    part_of_name,
)
from cxkb.checker.nonterms import (
    CUSTOMER_HEADS,
    NOT_IN_TERMS,
    NOT_TERMS,
    OFFERING_HEADS,
    PEOPLE_AND_RELATION_HEADS,
    compound_head,
    ends_in_label,
    leads_with_a_non_term,
    names_a_record,
    runs_services,
)
from cxkb.checker.prefilter import next_word, prev_word

if TYPE_CHECKING:
    from cxkb.checker.vocab import Matcher, ScanResult


def names_no_notion(matcher: Matcher, phrase: str) -> bool:
    """A phrase that holds a cue but is no candidate term: a cue word on its own, an ordinary
    word (:data:`NOT_TERMS`, :func:`runs_services`: *service requests*, *serviceartikel*), an
    English phrase with a proper noun in it (*Service Canada*: an organisation's name), a phrase
    or compound that names a record (:data:`RECORD_HEADS`: *klantgegevens*), two English words
    closed up into a name of code (:func:`closed_up_words`: *visitorjourney*), or a closed
    compound whose head names one offering (:data:`OFFERING_HEADS`: *profielservice*), only a
    relation (:data:`RELATION_HEADS`: *klantgerelateerde*), a kind of customer
    (:data:`CUSTOMER_HEADS`: *standaardklant*) or a label, so that it names a kind of a concept
    the taxonomy has (*zaakcontactmoment*)."""
    lang = matcher.lang
    if matcher.is_bare_cue(phrase):
        return True
    key = compact(phrase)
    if key in NOT_TERMS.get(lang, ()) or runs_services(key, lang):
        return True
    if " " in key and leads_with_a_non_term(key, lang):
        return True
    if names_a_record(key, lang):
        return True
    if lang == "en" and any(closed_up_words(word, matcher.index.has_cue) for word in key.split()):
        return True
    if " " not in key and "-" in key and lang == "en" and modifies_a_noun(key):
        return True
    if " " not in key and key.rpartition("-")[2] in CUSTOMER_HEADS.get(lang, ()):
        return True  # a kind of customer after a hyphen (*Commerce-klanten*)
    if " " not in key and "-" in key:
        first, _, last = key.rpartition("-")
        if last in OFFERING_HEADS.get(lang, ()) and not matcher.index.has_cue(first):
            return True  # one offering, written with a hyphen (*historie-service*, as *profielservice*)
    if " " in key or "-" in key:
        return lang == "en" and holds_proper_noun(phrase)
    if compound_head(key, PEOPLE_AND_RELATION_HEADS.get(lang, ())):
        return True
    if ends_in_label(key, matcher.index.label_words.get(lang, frozenset())):
        return True
    head = compound_head(key, OFFERING_HEADS.get(lang, ()))
    return bool(head) and not matcher.index.has_cue(key[: -len(head)])


WAITING_LIMIT = 10_000
"""Phrases seen once that one document keeps waiting; past this, new ones are dropped."""


@dataclass(frozen=True)
class Candidate:
    """One use of an unknown-term phrase, with everything its finding needs."""

    offset: int  # in the document
    line: int
    column: int
    end_line: int
    end_column: int
    text: str  # on one line, without markup
    surface: str  # as written
    key: str  # the phrase's lemmas: all spellings and inflections of one phrase share it


def waits_for_recurrence(text: str, lang: str) -> bool:
    """Whether a phrase counts only once it recurs: an open phrase in any language, and any
    Dutch phrase, since Dutch writes as one closed word what English writes as an open phrase
    (*klantperspectief*, *customer perspective*); an English one-word compound stands alone."""
    return lang == "nl" or " " in text


class Recurrence:
    """Per document: phrases seen once (waiting) and those seen again (confirmed)."""

    def __init__(self, limit: int = WAITING_LIMIT) -> None:
        self.limit = limit
        self._waiting: dict[str, Candidate] = {}
        self._confirmed: set[str] = set()

    def admit(self, use: Candidate) -> Sequence[Candidate]:
        """The uses to report now: none on a first sighting, else the waiting first use and this one."""
        if use.key in self._confirmed:
            return (use,)
        first = self._waiting.pop(use.key, None)
        if first is None:
            if len(self._waiting) < self.limit:
                self._waiting[use.key] = use
            return ()
        if len(self._confirmed) < self.limit:
            self._confirmed.add(use.key)
        return (first, use)


class NearestConcepts:
    """The concepts whose labels look most like a phrase: the hint an unknown term carries.

    rapidfuzz's WRatio with a cut-off, so a phrase far from every label gets no hint rather
    than a bad one; answers are remembered per phrase, since the same phrases recur.
    """

    def __init__(self, labels: Sequence[tuple[str, str]], cutoff: float) -> None:
        self._labels = labels
        self._choices = [label for label, _ in labels]
        self._cutoff = cutoff
        self._known: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str, limit: int = 3) -> tuple[str, ...]:
        key = compact(text)
        hit = self._known.get(key)
        if hit is not None:
            return hit
        from rapidfuzz import fuzz, process, utils

        found = process.extract(
            key,
            self._choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=self._cutoff,
            limit=20,
        )
        ranked = sorted(found, key=lambda x: (-x[1], x[2]))
        concepts = tuple(dict.fromkeys(self._labels[i][1] for _, _, i in ranked))[:limit]
        self._known[key] = concepts
        return concepts


def cue_phrases(matcher: Matcher, text: str, result: ScanResult) -> list[tuple[int, int]]:
    """Unmatched phrases around cue words: the taxonomy's candidate new terms."""
    return cue_phrases_after(matcher, text, result)[0]


def cue_phrases_after(
    matcher: Matcher, text: str, result: ScanResult, last: int = -1
) -> tuple[list[tuple[int, int]], int]:
    """:func:`cue_phrases`, passing over cue words before ``last``, and where the last phrase ends.

    A cue word inside an earlier phrase starts none of its own. A document checked in
    windows hands that end on, since a phrase may run from one window's body into the next
    where the two meet between words joined by a hyphen or a space. ``result.matches`` must
    hold the matches around every cue word, the look-ahead's included: a phrase ends at one.
    """
    starts = [m.start for m in result.matches]
    ends = [m.end for m in result.matches]
    stop = STOPWORDS.get(matcher.lang, frozenset()) | NOT_IN_TERMS.get(matcher.lang, frozenset())

    def free(s: int, e: int) -> bool:
        i = bisect_right(starts, s) - 1
        return not (i >= 0 and ends[i] > s) and not (i + 1 < len(starts) and starts[i + 1] < e)

    phrases: list[tuple[int, int]] = []
    for s, e in result.cue_words:
        if s < last:
            continue
        first, end = s, e
        count = 1
        while count < 4:
            nxt = next_word(text, end)
            if nxt is None:
                break
            gap_is_hyphen, ns, ne = nxt
            word = text[ns:ne].lower()
            if not free(ns, ne) or word in stop:
                break
            if not (gap_is_hyphen or matcher.index.has_cue(word) or matcher.modifies(text[first:end], word)):
                break
            end, count = ne, count + 1
        while count < 4:
            prv = prev_word(text, first)
            if prv is None:
                break
            gap_is_hyphen, ps, pe = prv
            word = text[ps:pe].lower()
            if not free(ps, pe) or word in stop or not (gap_is_hyphen or matcher.index.has_cue(word)):
                break
            first, count = ps, count + 1
        last = end
        if not (
            part_of_name(text, first, end) or names_a_thing(text, first, end) or capitalised_in_prose(text, first, end)
        ):
            phrases.append((first, end))
    return phrases, last
