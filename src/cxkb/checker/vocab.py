"""The checker's vocabulary: every label of the taxonomy, ready to be found in running text.

The index is built from the same records as the graph, so the checker never disagrees with
the taxonomy. Labels are matched as token sequences in a trie (leftmost-longest, the same
result on every run), not as regular expressions, because a label is data: it belongs to a
concept, has a kind (preferred, alternative, hidden) and a language, and the checker needs
all three to say something useful about a hit.

Text and labels are compared on keys, not spellings: Unicode NFKC, case folding and one
apostrophe, with hyphen, space and closed spellings of compounds treated alike. Each text
word also gets lemma keys (simplemma, whose dictionaries ship in the wheel) and each label
word its regular inflections (:mod:`cxkb.inflect`), so *klantreizen*, *touchpoints* and
*persona's* find *klantreis*, *touchpoint* and *persona*.

Matching is fast because most words cannot start a label: :mod:`cxkb.prefilter` picks
the candidate words (those beginning with a stem of a first label word, or holding a cue
word of unknown-term detection), and only those are lemmatised and walked through the
trie. The rule is part of the definition of a match, so the quick path and a word-by-word
scan give the same result (the tests check this).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from cxkb.checker import lemmas
from cxkb.checker.capitals import in_capitals, is_abbreviation
from cxkb.checker.context import (
    DEFAULT_CUES,
    GAP,
    Gapped,
    closed,
    compact,
    ends_in_name,
    english_word_classes,
    fold,
    place_gapped,
)
from cxkb.checker.inflect import forms as inflected_forms
from cxkb.checker.joins import NEXT, Join
from cxkb.checker.prefilter import TOKEN, Prefilter, trie_pattern
from cxkb.checker.sense import ContextCues, Following
from cxkb.model import LANGS, KnowledgeBase

_ARTICLES = frozenset({"the", "a", "an", "de", "het", "een"})
_CACHE_LIMIT = 500_000  # distinct words remembered per matcher
_PLAIN = "\x01"  # trie key of the precomputed entries of a node whose entries need no check
_END = ""  # trie key under which a node keeps the labels that end there (no word key is empty)


class Kind(StrEnum):
    """What a label is to its concept (SKOS label kinds, plus declared ambiguous labels)."""

    PREF = "pref"
    ALT = "alt"
    HIDDEN = "hidden"
    FAMILY = "family"  # a derived word or a survey question's wording (word_families.csv)
    NARROWER = "narrower"  # a narrower term the taxonomy does not model: points to its concept
    NONE = "none"  # a phrase that holds a label but names nothing (customer focus group): outmatches the label
    AMBIGUOUS = "ambiguous"


_FAMILY_KIND = {"narrower": Kind.NARROWER, "none": Kind.NONE}  # word_families.csv kind -> entry kind


class Variant(StrEnum):
    """How a trie path was spelled from its label."""

    BASE = "base"  # the label's own words (hyphens and spaces alike)
    JOINED = "joined"  # parts written closed: peak-end rule -> peakend rule, customer service -> customerservice
    SPLIT = "split"  # a closed compound split at a word boundary: klantreis -> klant-reis (hyphen only)


@dataclass(frozen=True, slots=True)
class Entry:
    """One label of one concept in one language (or a declared ambiguous label)."""

    concept: str
    label: str
    kind: Kind
    lang: str
    candidates: tuple[str, ...] = ()
    abbreviation: bool = False

    @property
    def concepts(self) -> tuple[str, ...]:
        return self.candidates if self.kind is Kind.AMBIGUOUS else (self.concept,)


class _First(NamedTuple):
    """What a word leads to from the trie root (see :meth:`Matcher._first`)."""

    nodes: tuple[dict[str, Any], ...]
    here: tuple[Entry, ...]
    ends_here: bool


AmbiguousEntry = tuple[Entry, tuple[str, str], ContextCues | None]
"""A match's ambiguous label: its entry, the key its cues and document sense go by, and its cues."""


class Match(NamedTuple):
    """A label found in text: character offsets into the text and every entry it may be.

    A named tuple rather than a dataclass: a large document has hundreds of thousands.
    """

    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]


@dataclass
class ScanResult:
    """Matches in text order, and the unmatched words that contain a cue."""

    matches: list[Match] = field(default_factory=list)
    cue_words: list[tuple[int, int]] = field(default_factory=list)


def words(text: str) -> list[str]:
    """The folded words of a label, in order."""
    return [m.group() for m in TOKEN.finditer(fold(text))]


_LEMMATISER = lemmas.Lemmatiser()


def _spelled_none_first(entries: tuple[Entry, ...], tokens: list[str]) -> tuple[Entry, ...]:
    """The none forms alone, where the text spells one and reaches the labels beside it only
    through a lemma: *Customer Centre*, a product, is spelled so, while *customer-centred* comes
    to the same words only as the lemma of its participle. Otherwise a label beats a none form."""
    said = [fold(t) for t in tokens]
    spelled = [e for e in entries if words(e.label) == said]
    if spelled and all(e.kind is Kind.NONE for e in spelled):
        return tuple(spelled)
    return entries


def _derived_in_none(inner: tuple[Entry, ...], outer: tuple[Entry, ...]) -> bool:
    """A derived word inside a two-part phrase that names nothing (*satisfy … needs*) gives way to it,
    so the phrase, not the word, decides: the word alone would read as satisfaction."""
    return outer[0].kind is Kind.NONE and all(e.kind is Kind.FAMILY for e in inner)


class VocabIndex:
    """All labels of a knowledge base, and what is needed to find them in text."""

    def __init__(self, kb: KnowledgeBase, *, cues: Iterable[str] = DEFAULT_CUES) -> None:
        self.kb = kb
        self.concepts = kb.concepts
        self.entries: list[Entry] = []
        self.ambiguous: dict[tuple[str, str], tuple[str, ...]] = {}
        self.cues_of: dict[tuple[str, str], ContextCues] = {}
        self.gapped: dict[str, list[Gapped]] = {}
        self._root: dict[str, Any] = {}
        self._forms: dict[str, set[str]] = {}
        self.depth = 1
        self.cues = tuple(sorted({fold(c) for c in cues if c.strip()}))
        self._collect()
        for entry in self.entries:
            self._insert(entry)
        _precompute(self._root)
        stems, short = self._stems()
        self.prefilter = Prefilter(stems, short, set(self.cues))
        self._cue_re = re.compile(trie_pattern(self.prefilter.cues) if self.prefilter.cues else r"(?!x)x")
        self.closed_labels = frozenset(closed(e.label) for e in self.entries if e.kind is not Kind.NONE)
        self.following = Following.of(self.cues_of, self.kb.ambiguous.values())  # ``+label-id`` cues
        # A Dutch closed compound whose head is a one-word label of one concept, in any of its forms,
        # names a kind of that concept, which the taxonomy has: no unknown term (see unknown.names_no_notion).
        # An ambiguous head does not count: *overheidsbeleving* is a notion of its own. Only Dutch
        # writes such compounds closed, so the other languages need no set (and the cache holds none).
        self.label_words = {
            "nl": frozenset(
                form
                for e in self.entries
                if e.lang == "nl" and e.kind not in (Kind.NONE, Kind.AMBIGUOUS)
                if (w := compact(e.label)).isalpha()
                for form in (w, *inflected_forms(w, "nl"))
            )
        }

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the records: the index is all the checker needs (see :mod:`cxkb.checker.cache`)."""
        return {k: v for k, v in self.__dict__.items() if k != "kb"}

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, *, cues: Iterable[str] = DEFAULT_CUES) -> VocabIndex:
        return cls(kb, cues=cues)

    def ambiguous_entry(self, entries: tuple[Entry, ...]) -> AmbiguousEntry | None:
        """The ambiguous label among a match's entries, the key its cues and document sense go by,
        and its cues (None if it has none); None if the match holds no ambiguous label."""
        entry = next((e for e in entries if e.kind is Kind.AMBIGUOUS), None)
        if entry is None:
            return None
        key = (entry.lang, compact(entry.label))
        return entry, key, self.cues_of.get(key)

    def cautious(self, entries: tuple[Entry, ...]) -> bool:
        """Whether a match of these entries is a label that names nothing unless a cue speaks
        (:attr:`ContextCues.cautious`): what it means, and whether it is a match at all, is the context's."""
        return all(
            e.kind is Kind.AMBIGUOUS and getattr(self.cues_of.get((e.lang, compact(e.label))), "cautious", False)
            for e in entries
        )

    def eager(self, entries: tuple[Entry, ...], found: AmbiguousEntry | None) -> bool:
        """Whether a match's meaning must be settled where it stands even when no finding is
        wanted: a cautious label, and a label that follows the document (:class:`Following`;
        ``found``: the match's :meth:`ambiguous_entry`), so that what later uses mean never
        depends on the output asked for."""
        return self.cautious(entries) or (found is not None and found[2] is not None and bool(found[2].follows))

    # -- building -------------------------------------------------------------------------

    def _collect(self) -> None:
        for c in self.concepts.values():
            for lang in LANGS:
                pref = getattr(c.pref, lang)
                if pref:
                    self.entries.append(Entry(c.id, pref, Kind.PREF, lang, abbreviation=is_abbreviation(pref)))
                for label in c.alt.by_lang()[lang]:
                    self.entries.append(Entry(c.id, label, Kind.ALT, lang, abbreviation=is_abbreviation(label)))
                for label in c.hidden.by_lang()[lang]:
                    self.entries.append(Entry(c.id, label, Kind.HIDDEN, lang, abbreviation=is_abbreviation(label)))
        for w in self.kb.families.values():
            concept = self.concepts.get(w.concept)
            if concept is None or concept.deprecated or w.lang not in LANGS:
                continue
            kind = _FAMILY_KIND.get(w.kind, Kind.FAMILY)
            for form in w.forms:
                if GAP in form:
                    self.gapped.setdefault(w.lang, []).append(Gapped.parse(form, Entry(w.concept, form, kind, w.lang)))
                else:
                    self.entries.append(Entry(w.concept, form, kind, w.lang, abbreviation=is_abbreviation(form)))
        for a in self.kb.ambiguous.values():
            if a.label and a.lang in LANGS:
                self.ambiguous[(a.lang, compact(a.label))] = a.candidates
                if a.cues:
                    self.cues_of[(a.lang, compact(a.label))] = ContextCues.parse(a.cues)
                self.entries.append(
                    Entry(
                        "",
                        a.label,
                        Kind.AMBIGUOUS,
                        a.lang,
                        candidates=a.candidates,
                        abbreviation=is_abbreviation(a.label),
                    )
                )

    def _variants(self, entry: Entry) -> list[tuple[list[str], Variant]]:
        """The word sequences under which a label is filed (a leading article is not part of a term)."""
        label = fold(entry.label)
        first = label.split(maxsplit=1)
        if len(first) == 2 and first[0] in _ARTICLES:
            label = first[1]
        base = [m.group() for m in TOKEN.finditer(label)]
        if not base:
            return []
        out = [(base, Variant.BASE)]
        joined = [m.group() for m in re.finditer(r"[^\s]+", label)]
        joined = ["".join(TOKEN.findall(part)) for part in joined]
        joined = [w for w in joined if w]
        if joined != base:
            out.append((joined, Variant.JOINED))
        if 2 <= len(base) <= 3 and all(w.isalpha() for w in base):
            out.append((["".join(base)], Variant.JOINED))  # Dutch writes English compounds closed
        if len(base) == 1 and entry.lang == "nl":
            split = self._split_compound(base[0], entry.lang)
            if split:
                out.append((split, Variant.SPLIT))
        return out

    def _split_compound(self, word: str, lang: str) -> list[str] | None:
        """klantreis -> [klant, reis] when both parts are dictionary words (for klant-reis)."""
        if len(word) < 7 or not word.isalpha():
            return None
        for i in range(3, len(word) - 2):
            head, tail = word[:i], word[i:]
            if _LEMMATISER.known(head, lang) and _LEMMATISER.known(tail, lang):
                return [head, tail]
        return None

    def _insert(self, entry: Entry) -> None:
        # Words in capitals are abbreviations: their "lemma" is a chance homograph
        # (simplemma reads 'AI' as a form of 'be', so 'service AI' matched 'services is').
        capitals = {fold(t) for t in TOKEN.findall(entry.label) if t.isupper()}
        for seq, variant in self._variants(entry):
            paths = [seq]
            lemmas = [w if w in capitals else _LEMMATISER.lemma(w, entry.lang) for w in seq]
            if lemmas != seq:
                paths.append(lemmas)
            for path in paths:
                node = self._root
                for w in path:
                    node = node.setdefault(w, {})
                bucket: list[tuple[Entry, Variant]] = node.setdefault(_END, [])
                if (entry, variant) not in bucket:
                    bucket.append((entry, variant))
                self.depth = max(self.depth, len(path))
            for w in seq:
                for form in inflected_forms(w, entry.lang):
                    self._forms.setdefault(form, set()).add(w)

    def _stems(self) -> tuple[set[str], set[str]]:
        """Word beginnings of first label words and of their inflected forms.

        A text word can start a match only if it begins with one of these (the rule that
        lets the matcher skip most words). Long words give their first letters, all but the
        last three (at least four); words of up to four letters (CX, NPS, co-, reis) are kept
        whole, with their inflected forms, since as beginnings they would make almost every
        word a candidate.
        """
        by_base: dict[str, list[str]] = {}
        for form, bases in self._forms.items():
            for base in bases:
                by_base.setdefault(base, []).append(form)
        stems: set[str] = set()
        short: set[str] = set()
        for key in self._root:
            head = re.split(r"[^\w]", key, maxsplit=1)[0]
            if not head:
                continue
            if len(head) <= 4:  # short words match whole, with their inflected forms
                short.add(head)
                short.update(f for f in by_base.get(key, ()) if f.isalpha())
                continue
            for variant in (key, *by_base.get(key, ())):
                v = re.split(r"[^\w]", variant, maxsplit=1)[0]
                stems.add(v[: max(4, len(v) - 3)])
        return stems, short

    # -- queries --------------------------------------------------------------------------

    def matcher(self, lang: str) -> Matcher:
        return Matcher(self, lang)

    def preferred(self, concept: str, lang: str) -> str:
        c = self.concepts.get(concept)
        return getattr(c.pref, lang) if c is not None else ""

    def labels(self) -> list[tuple[str, str]]:
        """(label, concept id) for every label of a concept, for fuzzy suggestions."""
        return sorted({(e.label, e.concept) for e in self.entries if e.kind not in (Kind.AMBIGUOUS, Kind.NONE)})

    def is_candidate(self, lowered_word: str) -> bool:
        """Whether a word may start a label or holds a cue (the prefilter rule)."""
        return self.prefilter.is_candidate(lowered_word)

    def has_cue(self, lowered_word: str) -> bool:
        return self._cue_re.search(lowered_word) is not None


class Matcher:
    """Finds labels in texts of one language; keeps a cache of word keys between texts."""

    def __init__(self, index: VocabIndex, lang: str) -> None:
        self.index = index
        self.lang = lang
        self.other = next((x for x in LANGS if x != lang), lang)
        self._keys: dict[str, tuple[str, ...]] = {}
        self._first_nodes: dict[str, _First] = {}
        self._cue_words: dict[str, bool] = {}
        self._phrases: dict[str, str] = {}
        self._steps: dict[tuple[int, str], tuple[Any, ...]] = {}  # see _step
        # Words that continue no label past its first word, whatever came before (see _step).
        self._inner = _inner_keys(index._root)
        self._dead: set[str] = set()

    def keys(self, token: str) -> tuple[str, ...]:
        """Every key a text word may match a label word by: spelling, inflection, lemma."""
        hit = self._keys.get(token)
        if hit is not None:
            return hit
        if len(self._keys) > _CACHE_LIMIT:  # unusual texts (random data) must not exhaust memory
            self._keys.clear()
            self._first_nodes.clear()
            self._cue_words.clear()
            self._phrases.clear()
            self._steps.clear()
            self._dead.clear()
        w = fold(token)
        out = [w]
        forms = self.index._forms
        out.extend(sorted(forms.get(w, ())))
        out.append(_LEMMATISER.lemma(w, self.lang))
        if not _LEMMATISER.known(w, self.lang):
            out.append(_LEMMATISER.lemma(w, self.other))
        result = tuple(dict.fromkeys(out))
        self._keys[token] = result
        return result

    # -- scanning -------------------------------------------------------------------------

    def scan(self, text: str, *, prefilter: bool = True, engine: str | None = None) -> ScanResult:
        """All label matches (leftmost-longest, non-overlapping) and unmatched cue words.

        ``prefilter=False`` tests every word (the reference the quick path is checked
        against); ``engine`` picks the quick path's engine ('automaton' or 'regex').
        """
        lowered = text.lower()
        same_length = len(lowered) == len(text)
        if prefilter and same_length:
            starts: Iterable[tuple[int, int]] = self.index.prefilter.quick(text, lowered, engine)
        else:
            starts = self.index.prefilter.full(text, lowered if same_length else None)
        result = self._process(text, starts)
        gapped = self.index.gapped.get(self.lang)
        if gapped and same_length:
            self._add_gapped(text, lowered, result, gapped)
        from cxkb.checker.abbreviations import Abbreviations  # it builds on this module

        Abbreviations(self.index.closed_labels).finish(text, 0, result.matches)
        return result

    def _add_gapped(self, text: str, lowered: str, result: ScanResult, gapped: list[Gapped]) -> None:
        """Word-family forms in two parts, where no label was found (labels come first).

        A label that names nothing unless its sentence says so (Dutch *interactie*) is the
        exception: a form around it (*interactie met de overheid*) takes its place."""
        found: list[Match] = []
        for g in gapped:
            found.extend(Match(s, e, text[s:e], (g.entry,)) for s, e in g.finditer(lowered))
        if not found:
            return
        found.sort()
        dutch = self.lang == "nl"
        place_gapped(
            result.matches,
            found,
            lambda x, m: self.index.cautious(x.entries) or _derived_in_none(x.entries, m.entries),
            lambda m: dutch and ends_in_name(text, m.start, m.end),
        )

    def _first(self, token: str) -> _First:
        """Where a word leads from the trie root: nodes, single-word entries, and whether that is all.

        Cached per spelling, since most words recur; a word that is a whole label and
        starts no longer one (most hits) then needs no trie walk at all.
        """
        hit = self._first_nodes.get(token)
        if hit is None:
            root = self.index._root
            nodes: list[dict[str, Any]] = []
            for key in self.keys(token):
                child = root.get(key)
                if child is not None and all(child is not x for x in nodes):
                    nodes.append(child)
            here: tuple[Entry, ...] = ()
            for node in nodes:
                if _END in node:
                    here = _accepted(node, [token], True)
                    if here:
                        break
            ends_here = all(len(node) == (_END in node) + (_PLAIN in node) for node in nodes)
            hit = _First(tuple(nodes), here, ends_here)
            self._first_nodes[token] = hit
        return hit

    def _has_cue(self, token: str) -> bool:
        hit = self._cue_words.get(token)
        if hit is None:
            hit = self.index._cue_re.search(token.lower()) is not None
            self._cue_words[token] = hit
        return hit

    def _process(self, text: str, starts: Iterable[tuple[int, int]], covered: int = -1, stop: int = -1) -> ScanResult:
        """Matches from the candidate words at ``covered`` or after, up to ``stop`` (if not -1)."""
        result = ScanResult()
        matches, cue_words = result.matches, result.cue_words
        cached = self._first_nodes.get
        has_cue = self._has_cue
        new_match = tuple.__new__
        stop = len(text) + 1 if stop < 0 else stop
        for s, e in starts:
            if s < covered:
                continue
            if s >= stop:
                break
            token = text[s:e]
            first = cached(token) or self._first(token)
            if first.nodes and not first.ends_here:
                found = self._walk(text, e, token, first)
                if found is not None:
                    end, entries = found
                    matches.append(new_match(Match, (s, end, text[s:end] if end != e else token, entries)))
                    covered = end
                    continue
            elif first.here:  # a whole label that no longer label continues
                matches.append(new_match(Match, (s, e, token, first.here)))
                covered = e
                continue
            if has_cue(token):
                cue_words.append((s, e))
        return result

    def _walk(self, text: str, pos: int, first_token: str, first: _First) -> tuple[int, tuple[Entry, ...]] | None:
        """Follow the trie from the first word's nodes; the longest complete label wins."""
        best: tuple[int, tuple[Entry, ...]] | None = (pos, first.here) if first.here else None
        states = first.nodes
        tokens = [first_token]
        join = Join(first_token, self.lang)
        depth = self.index.depth
        steps, dead = self._steps, self._dead
        while len(tokens) < depth:
            m = NEXT.match(text, pos)
            if m is None:
                break
            gap, token = m.groups()
            if token in dead:
                break
            step = steps.get((id(states), token))
            if step is None or step[0] is not states:
                step = self._step(states, token)
            _, states, ends, leaf = step
            if not states:
                break
            join.add(gap)
            tokens.append(token)
            pos = m.end()
            for node in ends:
                ok = join.allows(_accepted(node, tokens, join.hyphen_only))
                if len(ok) > 1:
                    ok = _spelled_none_first(ok, tokens)
                if ok and token[-2:].lower() == "ed":  # a participle: "a service designed for them"
                    ok = tuple(e for e in ok if e.label[-2:].lower() == "ed")
                if ok:
                    best = (pos, ok)
                    break
            if leaf:
                break
        return best

    def _step(self, states: tuple[dict[str, Any], ...], token: str) -> tuple[Any, ...]:
        """Where ``token`` leads from ``states``: the nodes, those where labels end, and whether that is all.

        Remembered per state tuple (checked by identity, as ids are reused) and word, since
        the same words follow the same first words again and again.
        """
        keys = self.keys(token)
        if self._inner.isdisjoint(keys):
            # Most words after a label's first word continue none: remembering that per
            # word, not per state and word, keeps this cache as small as the text's vocabulary.
            self._dead.add(token)
            return states, (), (), True
        nxt: list[dict[str, Any]] = []
        for node in states:
            for key in keys:
                child = node.get(key)
                if child is not None and all(child is not x for x in nxt):
                    nxt.append(child)
        found = tuple(nxt)
        leaf = all(len(node) == (_END in node) + (_PLAIN in node) for node in found)
        step = (states, found, tuple(node for node in found if _END in node), leaf)
        if len(self._steps) > _CACHE_LIMIT:
            self._steps.clear()
        self._steps[id(states), token] = step
        return step

    # -- unknown terms --------------------------------------------------------------------

    def modifies(self, phrase: str, word: str) -> bool:
        """English noun-noun phrases: 'customer centric', 'service encounter'.

        A term is a noun phrase, so the next word must be able to be a noun (or be unknown to
        the lexicon, like 'centric') and must not be an adverb ('service usually'); '-s' forms
        that can be verbs are taken as verbs after a singular noun ('customer takes', 'service
        helps'), never as plural nouns.
        """
        if not (
            self.lang == "en"
            and " " not in phrase
            and not phrase.lower().endswith("s")
            and word.isalpha()
            and len(word) > 2
        ):
            return False
        words = english_word_classes()
        if word in words.verbs and (word not in words.nouns or (word.endswith("s") and not word.endswith("ss"))):
            return False
        if word in words.adverbs:  # 'service usually', 'customer first identified'
            return False
        return word in words.nouns or word not in words.known

    def phrase_key(self, phrase: str) -> str:
        """One key for all spellings and inflections of an unknown phrase (its lemmas)."""
        hit = self._phrases.get(phrase)
        if hit is None:
            hit = " ".join(_LEMMATISER.base(fold(m.group()), self.lang) for m in TOKEN.finditer(phrase))
            self._phrases[phrase] = hit
        return hit

    def is_bare_cue(self, phrase: str) -> bool:
        """A cue word on its own ('klanten', 'customers') is not a term worth reporting."""
        found = TOKEN.findall(phrase)
        if len(found) != 1:
            return False
        cues = self.index.cues
        keys = (*self.keys(found[0]), _LEMMATISER.base(fold(found[0]), self.lang))
        return any(k in cues for k in keys)


def _precompute(node: dict[str, Any]) -> None:
    """Store each node's entries under :data:`_PLAIN` when no word can make one fail."""
    for key, child in list(node.items()):
        if key in (_END, _PLAIN):
            continue
        payload = child.get(_END)
        if payload and all(v is not Variant.SPLIT and not e.abbreviation for e, v in payload):
            child[_PLAIN] = tuple(dict.fromkeys(e for e, _ in payload))
        _precompute(child)


def _inner_keys(root: dict[str, Any]) -> frozenset[str]:
    """Every word key below the trie's first level: the words that can continue a label."""
    found: set[str] = set()
    todo = [child for key, child in root.items() if key not in (_END, _PLAIN)]
    while todo:
        for key, child in todo.pop().items():
            if key not in (_END, _PLAIN):
                found.add(key)
                todo.append(child)
    return frozenset(found)


def _accepted(node: dict[str, Any], tokens: list[str], hyphen_only: bool) -> tuple[Entry, ...]:
    """The entries of a trie node that the matched words satisfy (hyphen-only variants, capitals);
    nodes whose entries need no check carry the answer precomputed under :data:`_PLAIN`."""
    plain = node.get(_PLAIN)
    if plain is not None:
        return plain  # type: ignore[no-any-return]
    return tuple(
        dict.fromkeys(
            entry
            for entry, variant in node[_END]
            if (variant is not Variant.SPLIT or hyphen_only)
            and (not entry.abbreviation or in_capitals(tokens, entry.label))
        )
    )
