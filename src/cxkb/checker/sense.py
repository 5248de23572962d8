"""What an ambiguous label means where it stands: its context cues and the document's sense so far.

The cues are data (the ``cues`` column of ambiguous_labels.csv); this module reads them and
weighs them in a sentence. :class:`DocumentSense` remembers, for one document read in order,
what its earlier uses have made a label mean, as a reader does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, cast

from cxkb.checker.context import compact, fold
from cxkb.checker.inflect import forms
from cxkb.checker.prefilter import TOKEN, next_word, prev_word
from cxkb.model import IN_NAMES, NAMES_NOTHING, AmbiguousLabel, split_cue

if TYPE_CHECKING:
    from cxkb.checker.vocab import AmbiguousEntry

_JOINERS = frozenset({"and", "or", "of", "en"})  # may stand between a none: cue and its label (Dutch en, of)
_CUE_BEFORE, _CUE_AFTER = 5, 3  # how many words around an ambiguous label its cues are looked for
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_HEAD = re.compile(r"[^\W_]+$")  # a phrase's last word
WATCHED_LABEL = "label:"  # a document's tally key for a label's uses, beside concept ids (DocumentSense.follow)
GLOSSED = "(short form)"  # the "cue" of a use that a short form the document defined decided (DocumentSense.gloss)


_LIST_ITEMS = 4  # how many items of a list around a label are looked at, on each side
_LIST_TOKEN = re.compile(r"[^\W_][\w'\u2019-]*|[^\w\s]")


def _list_items(text: str, at: int, step: int) -> list[str]:
    """The words next to the separators of the list that ``at`` stands in, folded, each the one
    closest to ``at`` of its item: going on from ``at`` (``step`` 1) or back from it (-1), within
    its sentence. Items are set off by a comma, *and*, *or* or *&* (Dutch *en*, *of*); any other
    mark ends the list. One word of each item is enough: the nouns that make a list know-how
    (*skills*, *kennis*) stand alone, or as the head that ends an item before the label."""

    def separator(token: str) -> bool:
        return token in (",", "&") or fold(token) in _JOINERS

    window = text[max(0, at - 160) : at] if step < 0 else text[at : at + 160]
    tokens = _LIST_TOKEN.findall(window)[::step]
    items: list[str] = []
    i = 0
    while len(items) < _LIST_ITEMS and i < len(tokens) and separator(tokens[i]):
        i += 1
        if i < len(tokens) and separator(tokens[i]):
            i += 1  # a comma and a joiner together (*, and*)
        if i >= len(tokens) or not tokens[i][0].isalnum():
            break
        items.append(fold(tokens[i]))
        while i < len(tokens) and tokens[i][0].isalnum() and not separator(tokens[i]):
            i += 1  # the rest of the item
    return items


@dataclass(frozen=True)
class ContextCues:
    """Cue words that decide between the candidates of an ambiguous label (ambiguous_labels.csv ``cues``).

    Each value reads ``candidate: word word …``. A cue is looked for among the few words
    before and after the label in its sentence; ``word*`` is a prefix, ``*word`` a suffix,
    ``^word`` must come right before the label, and a lone ``*`` makes that candidate the
    answer when no cue speaks; ``+label-id`` lets that candidate take a use no cue speaks for
    once the document has used that other ambiguous label more than it has named the default
    (:meth:`DocumentSense.follow`); ``@name`` makes that candidate the answer inside a capitalised
    name (*Bot Framework*, *Proactive Engagement*), where a label otherwise names nothing (the
    name of a product or a feature that is the concept, not an agency's or a programme's name).
    A candidate wins when it has more cues present than any other.
    The candidate ``none`` (:data:`cxkb.model.NAMES_NOTHING`) lists the words after which the
    label names no concept (see :meth:`after_nothing_word`), ``~word`` there a noun that makes it
    name none when the two stand in one list (:meth:`after_nothing_word`: *skills, experience and
    capability*), and ``word^`` a word right after which it names none (:meth:`before_nothing_word`);
    ``none: *`` makes naming nothing the answer when no cue speaks (:attr:`cautious`).
    """

    cues: tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]
    default: str = ""
    nothing: frozenset[str] = frozenset()  # words right before the label that make it name no concept
    nothing_next: frozenset[str] = frozenset()  # words right after it that do (``none: users^``)
    follows: tuple[tuple[str, str], ...] = ()  # (candidate, id of the label whose uses give it: ``+id``)
    in_names: str = ""  # the candidate the label names inside a capitalised name (``@name``), if any
    partners: frozenset[str] = frozenset()  # nouns that do in one list with it (``none: ~skills``)

    @classmethod
    def parse(cls, values: Iterable[str]) -> ContextCues:
        cues: list[tuple[str, tuple[tuple[str, str, bool], ...]]] = []
        default = ""
        nothing: set[str] = set()
        nothing_next: set[str] = set()
        partners: set[str] = set()
        follows: list[tuple[str, str]] = []
        in_names = ""
        for value in values:
            candidate, spec = split_cue(value)
            if candidate == NAMES_NOTHING:
                for raw in spec:
                    if raw == "*":
                        default = NAMES_NOTHING
                    elif raw.endswith("^") and not raw.startswith("^"):
                        nothing_next.add(fold(raw[:-1]))
                    elif raw.startswith("~"):
                        partners.add(fold(raw[1:]))
                    else:
                        nothing.add(fold(raw.lstrip("^")))
                continue
            words: list[tuple[str, str, bool]] = []
            for raw in spec:
                if raw == "*":
                    default = candidate
                    continue
                if raw.startswith("+"):
                    follows.append((candidate, raw[1:]))
                    continue
                if raw == IN_NAMES:
                    in_names = candidate
                    continue
                adjacent = raw.startswith("^")
                word = fold(raw.lstrip("^"))
                mode = "prefix" if word.endswith("*") else "suffix" if word.startswith("*") else "word"
                words.append((word.strip("*"), mode, adjacent))
            cues.append((candidate, tuple(words)))
        return cls(
            tuple(cues),
            default,
            frozenset(nothing),
            frozenset(nothing_next),
            tuple(follows),
            in_names,
            frozenset(partners),
        )

    @property
    def cautious(self) -> bool:
        """Whether the label names nothing unless a cue speaks (``none: *``): an everyday word
        (Dutch *interactie*) that is a concept only when the sentence says who takes part.

        Such a label reads its cues in the whole sentence rather than in a few words around
        it, since a cue is then its only way to a concept: Dutch prose about municipalities
        puts the parties well away from the noun (*Klantgegevens worden alleen vastgelegd als
        dat vanwege het karakter van de interactie nodig is*).
        """
        return self.default == NAMES_NOTHING

    def after_nothing_word(self, text: str, start: int, end: int) -> bool:
        """Whether the word right before ``start`` is one of the ``none:`` cues: *gain experience*, *veel
        ervaring* (know-how). A cue joined to the label by *and*, *or* or *of* (Dutch *en*, *of*) counts
        too: *skills and experience* and *years of experience* are know-how as *years experience* is.
        So does a ``~`` noun anywhere in the list the label stands in, on either side (*expertise,
        resources and experience*, *experience and capability*): a list puts like beside like, and
        what stands beside skills and capability is what a team knows, not what anyone lived through.
        A capitalised run (*Work Experience programs*) names nothing either, but that is
        :func:`part_of_name`'s to say."""
        before = prev_word(text, start)
        if before is not None and not before[0] and fold(text[before[1] : before[2]]) in _JOINERS:
            before = prev_word(text, before[1])  # the cue is the word before the joiner
        if before is not None and not before[0]:
            word = fold(text[before[1] : before[2]])
            if word in self.nothing or word in self.partners:
                return True
        return bool(self.partners) and any(
            item in self.partners for item in (*_list_items(text, start, -1), *_list_items(text, end, 1))
        )

    def before_nothing_word(self, text: str, end: int) -> bool:
        """Whether the word right after the label, in the same phrase, is one of the ``none:``
        cues written ``word^``: the adjective in *a representative sample* or *representative
        users*, which no cue before the label can tell from the noun."""
        after = next_word(text, end)
        return after is not None and not after[0] and fold(text[after[1] : after[2]]) in self.nothing_next

    def resolve(self, text: str, start: int, end: int) -> tuple[str, str]:
        """The candidate the context speaks for, and the cue that decided ("" and "" if none)."""
        before = _SENTENCE_END.split(text[max(0, start - 160) : start])[-1]
        after = _SENTENCE_END.split(text[end : end + 120])[0]
        left = [fold(w) for w in TOKEN.findall(before)]
        right = [fold(w) for w in TOKEN.findall(after)]
        if not self.cautious:
            left, right = left[-_CUE_BEFORE:], right[:_CUE_AFTER]
        scores: dict[str, tuple[int, str]] = {}
        for candidate, words in self.cues:
            hits = []
            for word, mode, adjacent in words:
                pool = left[-1:] if adjacent else left + right
                if any(_cue_hit(w, word, mode) for w in pool):
                    hits.append(word)
            if hits:
                scores[candidate] = (len(hits), hits[0])
        if scores:
            ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])
            if len(ranked) == 1 or ranked[0][1][0] > ranked[1][1][0]:
                return ranked[0][0], ranked[0][1][1]
            return "", ""
        return (self.default, "") if self.default and not self.cautious else ("", "")


@dataclass(frozen=True)
class Following:
    """What a document's mentions are counted for on behalf of the labels that follow the
    document (``+label-id`` cues, :meth:`DocumentSense.follow`): the default concepts of those
    labels, and the labels their cues name (as ``label:<id>``)."""

    concepts: frozenset[str] = frozenset()
    labels: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (language, compact label) -> tally key
    # (language, following label or one of its inflected forms): the candidate it follows another
    # label for, and that label's tally key
    heads: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)
    _seen: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, cues_of: Mapping[tuple[str, str], ContextCues], ambiguous: Iterable[AmbiguousLabel]) -> Following:
        followed = {key: c for key, c in cues_of.items() if c.follows}
        named = {label_id for c in followed.values() for _, label_id in c.follows}
        return cls(
            frozenset(c.default for c in followed.values() if c.default),
            {(a.lang, compact(a.label)): WATCHED_LABEL + a.id for a in ambiguous if a.id in named},
            {
                (lang, form): tuple((cid, WATCHED_LABEL + label_id) for cid, label_id in c.follows)
                for (lang, label), c in followed.items()
                for form in (label, *forms(label, lang))
            },
        )

    def counts(
        self, concepts: tuple[str, ...], found: AmbiguousEntry | None, lang: str = "", text: str = ""
    ) -> tuple[str, ...]:
        """What one mention counts for: the watched concepts among those it may name and, for a
        watched ambiguous label (``found``: its entry, key and cues), that label; nothing for a
        following label's own uses.

        A phrase ``text`` that names the candidate by the following label's own word (*voice
        agents*, *virtual agent*: the bot called an agent) counts as a use of the label followed:
        the page has renamed its bot an agent as surely as by *AI agent*. Not in a product's name,
        written with a capital (*Power Virtual Agents*), whose pages hand customers to staff agents.
        """
        if not self.concepts:
            return ()
        hit = self._seen.get(concepts)
        if hit is None:
            hit = self._seen[concepts] = tuple(c for c in concepts if c in self.concepts)
        if found is None:
            if self.heads and text and (head := _HEAD.search(text)) is not None and head.group().islower():
                for cid, key in self.heads.get((lang, head.group()), ()):
                    if cid in concepts:
                        hit = (*hit, key)
            return hit
        if found[2] is not None and found[2].follows:
            return ()
        label = self.labels.get(found[1])
        return (*hit, label) if label else hit


class Use(NamedTuple):
    """One use of an ambiguous label: the label (language, compact label), its cues, and where
    it stands in the text being read."""

    key: tuple[str, str]
    cues: ContextCues
    text: str
    start: int
    end: int


Named = Mapping[str, Mapping[str, list[object]]]
"""The checker's tally of names per concept so far: concept -> name -> its count of uses first."""

_SENSE_SET = 2
"""Uses after a ``none:`` cue that make it the document's sense: one may be a contrast (*employee
engagement rose, and so did engagement on social media*)."""


class DocumentSense:
    """What one document has made its ambiguous labels mean so far, read in document order.

    A text about employee engagement says *employee engagement* a few times and then just
    *engagement*, which on its own would go to the label's default candidate (customer
    engagement; seed:081). A label the document has qualified as naming nothing (``none:`` cues) at least
    twice, and more often than it has named the default concept, keeps that sense in the
    document's bare uses that have no cue of their own, as a reader takes it from what came before.
    """

    def __init__(self) -> None:
        self.spoken: dict[str, int] = {}  # watched concepts and labels (``follow``): their mentions so far
        self._nothing: dict[tuple[str, str], int] = {}
        self._cued: dict[tuple[str, str], dict[str, int]] = {}  # cautious labels: cue-decided uses per candidate
        self._related: dict[str, int] = {}  # concepts spoken of by a related form (a family's phrase)
        self._glossed: dict[tuple[str, str], str] = {}  # labels the document gave as short forms: their concept
        self._last: tuple[tuple[str, str], str, int, tuple[str, str] | None] | None = None

    def gloss(self, key: tuple[str, str], concept: str) -> None:
        """The label ``key`` was given in brackets as the short form of a phrase naming ``concept``
        (*an AI agent (agent)*): from here on its uses that no cue decides name that concept."""
        self._glossed[key] = concept

    def note_related(self, concept: str) -> None:
        """One more use of a related form of ``concept`` (*service representatives*)."""
        self._related[concept] = self._related.get(concept, 0) + 1

    def note_nothing(self, key: tuple[str, str]) -> None:
        """One more use of the label ``key`` (language, label) after a ``none:`` cue."""
        self._nothing[key] = self._nothing.get(key, 0) + 1

    def names_nothing(self, use: Use, named: Named) -> bool:
        """Whether this use names no concept: after a ``none:`` cue (which the document
        remembers), as a cautious label that neither a cue nor the document gives a sense
        (:meth:`reading`), or as a bare use the document has made name nothing (:meth:`means_nothing`)."""
        if use.cues.after_nothing_word(use.text, use.start, use.end):
            self.note_nothing(use.key)
            return True
        if use.cues.before_nothing_word(use.text, use.end):
            return True  # another word class (*a representative sample*), not a sense for the document to keep
        if use.cues.cautious:
            return self.reading(use, named) is None
        return self.means_nothing(use, named.get(use.cues.default, {}))

    def means_nothing(self, use: Use, named: Mapping[str, list[object]]) -> bool:
        """Whether this bare use names nothing in this document; ``named``: the default concept's names
        so far, each with its count of uses first (the checker's tally of names per concept)."""
        cues = use.cues
        nothing = self._nothing.get(use.key, 0)
        if not cues.default or nothing < _SENSE_SET:
            return False
        if nothing <= _times_named(named):
            return False
        return cues.resolve(use.text, use.start, use.end) == (cues.default, "")

    def reading(self, use: Use, named: Named) -> tuple[str, str] | None:
        """What one use of a cautious label (:attr:`ContextCues.cautious`) names: the candidate and
        the cue that decided (``""`` when the document did), or None when it names nothing.

        A cue in the sentence speaks first, then a short form the document defined for the label
        (:meth:`gloss`). Without either, the use takes the candidate the document has spoken of at
        least twice so far, by one of its labels, a phrase of its word family or this label with a
        cue, as a reader of a text on customer interactions takes its next bare *interactie*. The
        family's phrases count because some pages name the concept by nothing else: Microsoft's say
        *service representatives*, then *representatives* (on dev, counting them found 59 spans and
        made 3 wrong mentions). The engine asks twice about one use (whether it names anything, then
        what): the second answer is the first, and the use counts once.
        """
        last = self._last
        if last is not None and last[0] == use.key and last[1] is use.text and last[2] == use.start:
            return last[3]
        answer: tuple[str, str] | None = None
        chosen, cue = use.cues.resolve(use.text, use.start, use.end)
        if chosen:
            cued = self._cued.setdefault(use.key, {})
            cued[chosen] = cued.get(chosen, 0) + 1
            answer = (chosen, cue)
        elif use.key in self._glossed:
            answer = (self._glossed[use.key], GLOSSED)
        else:
            spoken = self.spoken_sense(use.key, use.cues, named)
            answer = (spoken, "") if spoken else None
        self._last = (use.key, use.text, use.start, answer)
        return answer

    def spoken_sense(self, key: tuple[str, str], cues: ContextCues, named: Named, *, cued_too: bool = True) -> str:
        """The candidate of a cautious label that the document has spoken of at least twice so far,
        and more than of any other, or "": by its labels or its family's phrases, or (``cued_too``) by this
        label with a cue."""
        cued = self._cued.get(key, {}) if cued_too else {}
        spoken = {
            cid: cued.get(cid, 0) + _times_named(named.get(cid, {})) + self._related.get(cid, 0)
            for cid, _ in cues.cues
            if cid != NAMES_NOTHING
        }
        ranked = sorted(spoken.values(), reverse=True)
        if ranked and ranked[0] >= _SENSE_SET and (len(ranked) == 1 or ranked[0] > ranked[1]):
            return max(spoken, key=lambda cid: spoken[cid])
        return ""

    def left_open(self, key: tuple[str, str], text: str, start: int) -> bool:
        """Whether the cautious use at ``start`` was just read as naming nothing for want of a cue
        or a sense so far (:meth:`reading`), rather than for a ``none:`` cue, a verb form or a name:
        what comes later in the document may still give it one (the engine's second pass)."""
        last = self._last
        return last is not None and last[0] == key and last[1] is text and last[2] == start and last[3] is None

    def speaks_of(self, watched: Iterable[str]) -> None:
        """One more mention of each watched concept or label (``label:<id>``, :class:`Following`)."""
        for key in watched:
            self.spoken[key] = self.spoken.get(key, 0) + 1

    def follow(self, key: tuple[str, str], cues: ContextCues, chosen: str, cue: str) -> tuple[str, str]:
        """What a use of a label with a default names, given its cues' answer (``chosen``, ``cue``)
        and, where no cue speaks, the document so far.

        Microsoft's contact-centre pages now call their bots *AI agents* and their staff
        *representatives*, and once a page has said *AI agent* a few times its bare *agent* is the
        bot; a page on staff, or an older one on bots that hand customers to a *live agent*, names
        no AI agent. A candidate given as ``+label-id`` wins when the document has used that label
        at least twice so far and more often than it has named the default concept.

        A use a cue gave that candidate (*the Copilot agent*) counts as a use of that label too, but
        only once the page has named the default concept twice by its other labels: a page whose
        staff are *representatives* has renamed its agents, while on an older page, which calls its
        staff agents and nothing else, an *agent* beside a *bot* is still the person the bot hands
        the customer to. On dev, counting such uses on every page found 35 spans and lost 61; with the
        condition it finds 17 and loses 2.
        """
        if cue and cues.follows and self.spoken.get(cues.default, 0) >= _SENSE_SET:
            for candidate, label_id in cues.follows:
                if candidate == chosen:
                    self.spoken[WATCHED_LABEL + label_id] = self.spoken.get(WATCHED_LABEL + label_id, 0) + 1
        if not cue and key in self._glossed:
            return self._glossed[key], GLOSSED
        if cue or not cues.follows:
            return chosen, cue
        named_default = self.spoken.get(chosen, 0)
        for candidate, label_id in cues.follows:
            uses = self.spoken.get(WATCHED_LABEL + label_id, 0)
            if uses >= _SENSE_SET and uses > named_default:
                return candidate, ""
        return chosen, cue


def _times_named(names: Mapping[str, list[object]]) -> int:
    """How often a document has named one concept so far, over all its names (``named[concept]``)."""
    return sum(cast(int, uses[0]) for uses in names.values())


def _cue_hit(token: str, cue: str, mode: str) -> bool:
    if mode == "prefix":
        return token.startswith(cue)
    if mode == "suffix":
        return token.endswith(cue)
    return token == cue
