"""The quality gate: rules that span records and tables.

Cell syntax is checked while reading (``tables``, ``records``); here live the rules about
meaning: references that must resolve, labels that must not clash, hierarchies that must
not loop. The rule names follow ROBOT's report and qSKOS where a counterpart exists, so
maintainers who know those tools recognise them.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import operator
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from cxkb.findings import Report
from cxkb.kg.people import likely_duplicate_venues, likely_duplicates
from cxkb.kg.records import (
    DOI,
    MIN_YEAR,
    Concept,
    KnowledgeBase,
    Origin,
    Paper,
    doi_key,
    load,
)
from cxkb.kg.tables import SEED_ID
from cxkb.model import IN_NAMES, NAMES_NOTHING, split_cue

MAX_TOPICS_PER_PAPER = 3
MAX_QUESTIONS_PER_PAPER = 3
MIN_PAPERS_PER_QUESTION = 2
# The fields a published paper of each type normally has; a blank one is worth a look.
EXPECTED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("volume", "pages"),
    "chapter": ("pages",),
    "proceedings": ("pages",),
    "book": ("isbn",),
}


def label_key(label: str) -> str:
    """How labels are compared for clashes: Unicode-normalised, case- and space-insensitive."""
    text = unicodedata.normalize("NFKC", label).casefold()
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return " ".join(text.split())


def title_key(title: str) -> str:
    """Titles differing only in case, punctuation or spacing count as the same title."""
    if title.isascii():  # nothing to decompose and no accents to drop
        text = title.lower()
    else:
        text = unicodedata.normalize("NFKD", title).casefold()
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


T = TypeVar("T")
SIMILAR_TITLE = 92.0
"""rapidfuzz ``fuzz.ratio`` of two title keys at or above which the titles count as the same paper."""


class TitleIndex(Generic[T]):
    """Finds a near-identical title without comparing every pair of titles.

    Every title is indexed under each of its words. A new title is compared (with
    rapidfuzz, in C) only with the titles that share one of its three rarest indexed
    words: titles at 92 % similarity differ in a few characters, so they share all but a
    word or two, and rare words have short lists. Any title that differs from an indexed
    one in at most two words is found; for varied titles the work per title stays about
    the same as the table grows, where comparing with every title made an import of
    10,000 entries take five minutes.
    """

    RARE_WORDS = 3
    # A word in more titles than this is common. A title made only of common words is
    # compared with the titles that share its rarest words (two, or three while that still
    # leaves many), which bounds the work on tables of formulaic titles at the price of
    # missing a near-duplicate that differs in one of those words.
    COMMON = 100

    def __init__(self, threshold: float = SIMILAR_TITLE) -> None:
        self.threshold = threshold
        self.keys: list[str] = []
        self.owners: list[T] = []
        self.exact: dict[str, int] = {}
        # word -> the numbers of the titles holding it, ascending (titles are only added),
        # and beside it their keys, so that a rare word's titles go to rapidfuzz as they are.
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.posting_keys: dict[str, list[str]] = defaultdict(list)
        # word -> (bitmap of its title numbers, how many of its postings the bitmap holds),
        # made on first use: only common words are intersected, and only they need one.
        self.bitmaps: dict[str, tuple[int, int]] = {}
        # The rarest words of a formulaic title recur in many later titles: the titles
        # holding all of them are kept per set of words, as numbers (a machine-word array)
        # and keys, with how many titles had been added when they were listed. A later
        # lookup lists only the titles added since, so turning bits into numbers costs in
        # proportion to what is new rather than to the whole table.
        self.shared: dict[tuple[str, ...], tuple[array[int], list[str], int]] = {}

    def add(self, key: str, owner: T) -> None:
        if not key:
            return
        number = len(self.keys)
        self.keys.append(key)
        self.owners.append(owner)
        self.exact.setdefault(key, number)
        for word in set(key.split()):
            self.postings[word].append(number)
            self.posting_keys[word].append(key)

    def _bitmap(self, word: str) -> int:
        """The titles holding ``word`` as one integer, bit ``n`` for title ``n``.

        Common words are intersected for nearly every title of a formulaic table; as sets
        that took one hash probe per title of the smaller list, as integers it is one C
        loop over machine words. Titles added since the last call are set through a byte
        array, so keeping the bitmap current costs time in proportion to what was added.
        """
        numbers = self.postings[word]
        bitmap, done = self.bitmaps.get(word, (0, 0))
        if done < len(numbers):
            low = numbers[done]
            fresh = bytearray(((numbers[-1] - low) >> 3) + 1)
            for number in numbers[done:]:
                offset = number - low
                fresh[offset >> 3] |= 1 << (offset & 7)
            bitmap |= int.from_bytes(fresh, "little") << low
            self.bitmaps[word] = (bitmap, len(numbers))
        return bitmap

    def _candidates(self, key: str) -> list[tuple[Sequence[int], list[str]]]:
        """The titles to compare ``key`` with, as lists of numbers (each ascending) and keys.

        A title may be in more than one list; the best score is the same either way, and
        ``find`` breaks ties by number. Rare words' lists are passed as they are, since
        merging them into one sorted list cost more in Python than rapidfuzz spends
        scoring a title twice.
        """
        postings = self.postings
        present = sorted((len(postings[w]), w) for w in set(key.split()) if w in postings)
        if present and present[0][0] > self.COMMON and len(present) > 1:
            # Only titles holding every one of the rarest words (two, or three while two
            # still leave many) are compared.
            common = self._bitmap(present[0][1])
            size = present[0][0]
            used = 1
            for _, word in present[1 : self.RARE_WORDS]:
                if size <= self.COMMON:
                    break
                common &= self._bitmap(word)
                size = common.bit_count()
                used += 1
            return [self._shared(tuple(sorted(w for _, w in present[:used])), common)]
        return [(postings[word], self.posting_keys[word]) for _, word in present[: self.RARE_WORDS]]

    def _shared(self, words: tuple[str, ...], common: int) -> tuple[array[int], list[str]]:
        """The titles of bitmap ``common`` (those holding all of ``words``), brought up to
        date from the ones listed at an earlier lookup of the same words."""
        found = self.shared.get(words)
        numbers, keys, done = found if found is not None else (array("q"), [], 0)
        if done < len(self.keys):
            fresh = [done + n for n in _set_bits(common >> done)]
            numbers.extend(fresh)
            keys.extend(map(self.keys.__getitem__, fresh))
            self.shared[words] = (numbers, keys, len(self.keys))
        return numbers, keys

    def find(self, key: str) -> tuple[T, float] | None:
        """The first indexed title that ``key`` is near-identical to, with the similarity (0-100)."""
        if not key:
            return None
        if key in self.exact:
            return self.owners[self.exact[key]], 100.0
        from rapidfuzz import fuzz, process

        best: tuple[float, int] | None = None  # score, title number
        for numbers, keys in self._candidates(key):
            # The cutoff stays the threshold: raised to the best score so far, rapidfuzz
            # turns it into a distance and can round an equal score out.
            hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=self.threshold, processor=None)
            if hit is None:
                continue
            # Within a list the first of the best is the lowest number; across lists the
            # lowest number among equal scores wins, as in one list sorted by number.
            score, number = float(hit[1]), numbers[hit[2]]
            if best is None or score > best[0] or (score == best[0] and number < best[1]):
                best = score, number
        return None if best is None else (self.owners[best[1]], best[0])


def _set_bits(bitmap: int) -> list[int]:
    """The positions of the set bits of ``bitmap``, ascending, found without a Python loop.

    In the binary digits read from the lowest, the runs of zeros between the ones give
    the gaps; the position of the k-th one is the zeros before it plus k.
    """
    runs = f"{bitmap:b}"[::-1].split("1")
    del runs[-1]  # the zeros after the highest one (none: the text starts with a one)
    return list(map(operator.add, itertools.accumulate(map(len, runs)), itertools.count()))


def validate(kb: KnowledgeBase, report: Report | None = None, *, today: _dt.date | None = None) -> Report:
    """Run every cross-table rule, adding findings to ``report``."""
    report = report if report is not None else Report()
    validate_taxonomy(kb, report)
    validate_papers(kb, report, today=today)
    return report


def validate_taxonomy(kb: KnowledgeBase, report: Report) -> None:
    """The rules that need no paper."""
    _check_sources(kb, report)
    _check_framework(kb, report)
    _check_concepts(kb, report)
    _check_labels(kb, report)
    _check_ambiguous(kb, report)


def validate_papers(
    kb: KnowledgeBase, report: Report, *, today: _dt.date | None = None, near_titles: bool = True
) -> None:
    """The rules on papers, their authors and venues, and how well they cover the questions and concepts.

    Without ``near_titles`` the near-identical-title warnings are left to the caller: the
    build runs :func:`near_identical_titles` on its other core while this runs.
    """
    _check_people(kb, report)
    _check_papers(kb, report, (today or _dt.date.today()).year)
    _check_coverage(kb, report)
    if near_titles:
        report.extend(near_identical_titles(kb))


def load_and_validate(root: Path, *, today: _dt.date | None = None) -> tuple[KnowledgeBase, Report]:
    kb, report = load(root)
    validate(kb, report, today=today)
    return kb, report


def _ref_error(report: Report, origin: Origin, column: str, kind: str, ref: str) -> None:
    report.error(origin.file, origin.line, column, "unknown-reference", f"unknown {kind} {ref!r}")


def _check_source_refs(kb: KnowledgeBase, report: Report, origin: Origin, column: str, refs: Iterable[str]) -> None:
    for ref in refs:
        if SEED_ID.match(ref):
            if ref not in kb.sources:
                _ref_error(report, origin, column, "source", ref)
        elif not DOI.match(ref):
            report.error(
                origin.file,
                origin.line,
                column,
                "source-syntax",
                f"{ref!r} is neither a DOI nor a source id like seed:001",
            )


def _check_sources(kb: KnowledgeBase, report: Report) -> None:
    for d in kb.domains.values():
        _check_source_refs(kb, report, d.origin, "source", d.source)
    for t in kb.topics.values():
        _check_source_refs(kb, report, t.origin, "source", t.source)
    for q in kb.questions.values():
        _check_source_refs(kb, report, q.origin, "source", q.source)
        _check_source_refs(kb, report, q.origin, "summarised_in", q.summarised_in)
    for c in kb.concepts.values():
        _check_source_refs(kb, report, c.origin, "source", c.source)
    for d in kb.designs.values():
        _check_source_refs(kb, report, d.origin, "source", d.source)
    for w in kb.families.values():
        _check_source_refs(kb, report, w.origin, "source", w.source)


def _check_framework(kb: KnowledgeBase, report: Report) -> None:
    for t in kb.topics.values():
        if t.domain and t.domain not in kb.domains:
            _ref_error(report, t.origin, "domain", "domain", t.domain)
    for q in kb.questions.values():
        if q.topic and q.topic not in kb.topics:
            _ref_error(report, q.origin, "topic", "topic", q.topic)
        elif q.topic and not q.id.startswith(f"{q.topic}-"):
            report.warning(
                q.origin.file,
                q.origin.line,
                "id",
                "id-convention",
                f"question ids start with their topic id: expected '{q.topic}-q<N>'",
            )
    for table in (kb.domains, kb.topics):
        seen: dict[tuple[str, str], str] = {}
        for item in table.values():
            for lang in ("en", "nl"):
                key = (lang, label_key(getattr(item.label, lang)))
                if key[1] and key in seen:
                    report.error(
                        item.origin.file,
                        item.origin.line,
                        f"label_{lang}",
                        "duplicate-label",
                        f"label {getattr(item.label, lang)!r} is also used by {seen[key]!r}",
                    )
                seen.setdefault(key, item.id)
    for d in kb.domains.values():
        if not any(t.domain == d.id for t in kb.topics.values()):
            report.warning(d.origin.file, d.origin.line, "id", "empty-domain", f"domain {d.id!r} has no topics")


def _check_concepts(kb: KnowledgeBase, report: Report) -> None:
    concepts = kb.concepts
    linked: set[str] = set()
    for c in concepts.values():
        f, n = c.origin.file, c.origin.line
        for t in c.topics:
            if t not in kb.topics:
                _ref_error(report, c.origin, "topics", "topic", t)
        for column, refs in (("broader", c.broader), ("related", c.related), ("replaced_by", c.replaced_by)):
            for ref in refs:
                if ref == c.id:
                    report.error(f, n, column, "self-reference", f"concept {c.id!r} refers to itself")
                elif ref not in concepts:
                    _ref_error(report, c.origin, column, "concept", ref)
                else:
                    if column != "replaced_by":
                        linked.update((c.id, ref))
        for ref in set(c.related) & set(c.broader):
            report.warning(
                f,
                n,
                "related",
                "related-and-broader",
                f"{ref!r} is both broader and related; keep one (qSKOS relation clash)",
            )
        if c.replaced_by and not c.deprecated:
            report.error(f, n, "replaced_by", "replaced-not-deprecated", "replaced_by is only for deprecated concepts")
        if c.deprecated and not c.replaced_by:
            report.warning(f, n, "replaced_by", "deprecated-no-replacement", "deprecated concept names no replacement")
        for ref in c.replaced_by:
            if ref in concepts and concepts[ref].deprecated:
                report.error(f, n, "replaced_by", "replaced-by-deprecated", f"replacement {ref!r} is itself deprecated")
        if c.definition.en and c.definition.en == c.definition.nl:
            report.warning(f, n, "definition_nl", "untranslated", "Dutch definition is identical to the English one")
    for c in concepts.values():
        if c.id not in linked:
            report.warning(
                c.origin.file,
                c.origin.line,
                "broader",
                "orphan-concept",
                f"concept {c.id!r} has no broader, narrower or related concept (qSKOS orphan)",
            )
    for cycle in _broader_cycles(concepts):
        first = concepts[cycle[0]]
        report.error(
            first.origin.file,
            first.origin.line,
            "broader",
            "broader-cycle",
            "broader hierarchy loops: " + " -> ".join([*cycle, cycle[0]]),
        )


def _broader_cycles(concepts: dict[str, Concept]) -> list[list[str]]:
    """Each cycle in the broader graph once, starting at its smallest id."""
    cycles: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for parent in concepts[node].broader:
            if parent not in concepts:
                continue
            if state.get(parent) == 1:
                cyc = stack[stack.index(parent) :]
                i = cyc.index(min(cyc))
                cycles.add(tuple(cyc[i:] + cyc[:i]))
            elif parent not in state:
                visit(parent)
        stack.pop()
        state[node] = 2

    for cid in sorted(concepts):
        if cid not in state:
            visit(cid)
    return [list(c) for c in sorted(cycles)]


def _check_labels(kb: KnowledgeBase, report: Report) -> None:
    declared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for amb in kb.ambiguous.values():
        declared[(amb.lang, label_key(amb.label))].update(amb.candidates)

    users: dict[tuple[str, str], dict[str, tuple[Origin, str, str]]] = defaultdict(dict)
    for c in kb.concepts.values():
        for lang in ("en", "nl"):
            kinds: dict[str, str] = {}
            entries = [("pref", getattr(c.pref, lang))]
            entries += [("alt", lbl) for lbl in getattr(c.alt, lang)]
            entries += [("hidden", lbl) for lbl in getattr(c.hidden, lang)]
            for kind, label in entries:
                key = label_key(label)
                if not key:
                    continue
                column = {"pref": f"pref_label_{lang}", "alt": f"alt_labels_{lang}", "hidden": f"hidden_labels_{lang}"}[
                    kind
                ]
                if key in kinds:
                    report.error(
                        c.origin.file,
                        c.origin.line,
                        column,
                        "label-overlap",
                        f"{label!r} is both a {kinds[key]} and a {kind} label of this concept (SKOS S13)",
                    )
                    continue
                kinds[key] = kind
                users[(lang, key)].setdefault(c.id, (c.origin, column, label))

    for (lang, key), by_concept in sorted(users.items()):
        if len(by_concept) < 2:
            continue
        ids = sorted(by_concept)
        allowed = declared.get((lang, key), set())
        undeclared = [cid for cid in ids if cid not in allowed]
        for cid in ids:
            origin, column, label = by_concept[cid]
            others = ", ".join(o for o in ids if o != cid)
            if undeclared:
                report.error(
                    origin.file,
                    origin.line,
                    column,
                    "label-clash",
                    f"{label!r}@{lang} is also a label of {others}; declare it in "
                    "ambiguous_labels.csv or keep it on one concept",
                )
            else:
                report.info(
                    origin.file,
                    origin.line,
                    column,
                    "ambiguous-label",
                    f"{label!r}@{lang} is shared with {others} (declared ambiguous)",
                )


def _check_ambiguous(kb: KnowledgeBase, report: Report) -> None:
    seen: dict[tuple[str, str], str] = {}
    for amb in kb.ambiguous.values():
        f, n = amb.origin.file, amb.origin.line
        if len(amb.candidates) < (1 if amb.may_denote_nothing else 2):
            report.error(
                f,
                n,
                "candidates",
                "ambiguous-candidates",
                "an ambiguous label needs two or more candidate concepts, or one and the cue 'none: *'",
            )
        for cid in amb.candidates:
            if cid not in kb.concepts:
                _ref_error(report, amb.origin, "candidates", "concept", cid)
        key = (amb.lang, label_key(amb.label))
        if key in seen:
            report.error(
                f, n, "label", "duplicate-label", f"{amb.label!r}@{amb.lang} is already declared as {seen[key]!r}"
            )
        seen.setdefault(key, amb.id)
        for cue in amb.cues:
            candidate, words = split_cue(cue)
            if (candidate not in amb.candidates and candidate != NAMES_NOTHING) or not words:
                report.error(
                    f,
                    n,
                    "cues",
                    "ambiguous-cues",
                    f"{cue!r} is not 'candidate: cue words' for one of its candidates, nor 'none: cue words'",
                )
            if IN_NAMES in words and candidate == NAMES_NOTHING:
                message = f"{IN_NAMES!r} in {cue!r} names no candidate: put it after one"
                report.error(f, n, "cues", "ambiguous-cues", message)
            if candidate != NAMES_NOTHING and any(w.startswith("~") for w in words):
                message = f"a list partner ('~word') in {cue!r} only makes the label name nothing: put it after 'none:'"
                report.error(f, n, "cues", "ambiguous-cues", message)
            for word in (w for w in words if w.startswith("+")):
                other = kb.ambiguous.get(word[1:])
                if other is None or other.lang != amb.lang or other.id == amb.id:
                    report.error(
                        f,
                        n,
                        "cues",
                        "ambiguous-cues",
                        f"{word!r} in {cue!r} names no other ambiguous label of the same language",
                    )
        named = [c for c, words in map(split_cue, amb.cues) if IN_NAMES in words]
        if len(named) > 1:
            message = f"{IN_NAMES!r} is given to {len(named)} candidates; a name has one"
            report.error(f, n, "cues", "ambiguous-cues", message)
    for w in kb.families.values():
        if w.concept and w.concept not in kb.concepts:
            _ref_error(report, w.origin, "concept", "concept", w.concept)


def _check_papers(kb: KnowledgeBase, report: Report, year_now: int) -> None:
    dois: dict[str, str] = {}
    titles: dict[str, str] = {}
    for p in kb.papers.values():
        f, n = p.origin.file, p.origin.line
        if p.year and not MIN_YEAR <= p.year <= year_now:
            report.error(f, n, "year", "year-range", f"year {p.year} is outside {MIN_YEAR}-{year_now}")
        if len(p.topics) > MAX_TOPICS_PER_PAPER:
            report.error(f, n, "topics", "too-many", f"at most {MAX_TOPICS_PER_PAPER} topics per paper")
        if len(p.questions) > MAX_QUESTIONS_PER_PAPER:
            report.error(
                f, n, "questions", "too-many", f"at most {MAX_QUESTIONS_PER_PAPER} research questions per paper"
            )
        for t in p.topics:
            if t not in kb.topics:
                _ref_error(report, p.origin, "topics", "topic", t)
        for q in p.questions:
            if q not in kb.questions:
                _ref_error(report, p.origin, "questions", "research question", q)
            elif kb.questions[q].topic not in p.topics:
                report.warning(
                    f,
                    n,
                    "questions",
                    "question-topic",
                    f"question {q!r} belongs to topic {kb.questions[q].topic!r}, which is not among the paper's topics",
                )
        for cid in p.concepts:
            if cid not in kb.concepts:
                _ref_error(report, p.origin, "concepts", "concept", cid)
        for design in p.designs:
            if design not in kb.designs:
                _ref_error(report, p.origin, "designs", "study design", design)
        for author in p.author_ids:
            if author not in kb.persons:
                _ref_error(report, p.origin, "authors", "author (an id of literature/authors.csv)", author)
        if p.venue_id and p.venue_id not in kb.venues:
            _ref_error(report, p.origin, "venue", "venue (an id of literature/venues.csv)", p.venue_id)
        _check_complete(p, report)
        if p.doi:
            key = doi_key(p.doi)
            if key in dois:
                report.error(f, n, "doi", "duplicate-doi", f"DOI {p.doi} is already used by {dois[key]!r}")
            dois.setdefault(key, p.id)
        tkey = title_key(p.title)
        if tkey in titles:
            report.error(f, n, "title", "duplicate-title", f"same title as {titles[tkey]!r}")
        elif tkey:
            titles[tkey] = p.id


def near_identical_titles(kb: KnowledgeBase) -> Report:
    """A warning for each title near-identical to an earlier row's (an identical one is an error).

    Apart from the other paper rules because at scale it takes longest: the build runs it
    in a second process while the rest are checked.
    """
    report = Report()
    similar: TitleIndex[tuple[str, int]] = TitleIndex()
    for p in kb.papers.values():
        tkey = title_key(p.title)
        if not tkey or tkey in similar.exact:  # the same title again: an error of _check_papers
            continue
        near = similar.find(tkey)
        if near is not None:
            (other, line), score = near
            report.warning(
                p.origin.file,
                p.origin.line,
                "title",
                "near-duplicate-title",
                f"title is near-identical (similarity {score:.1f}) to {other!r} on line {line}; the same paper twice?",
            )
        similar.add(tkey, (p.id, p.origin.line))
    return report


def _check_complete(p: Paper, report: Report) -> None:
    """Warn about blank fields the paper's type normally has (an article's volume and pages …)."""
    for column in EXPECTED_FIELDS.get(p.type, ()):
        if not getattr(p, column):
            report.warning(
                p.origin.file,
                p.origin.line,
                column,
                "incomplete-record",
                f"{column} is blank, though a published {p.type} normally has one; fill it from the publisher's record",
            )


def _check_people(kb: KnowledgeBase, report: Report) -> None:
    """Likely duplicate persons and venues (warnings), and ORCID iDs given to two persons (errors)."""
    orcids: dict[str, str] = {}
    for person in kb.persons.values():
        if person.orcid:
            if person.orcid in orcids:
                report.error(
                    person.origin.file,
                    person.origin.line,
                    "orcid",
                    "duplicate-orcid",
                    f"ORCID iD {person.orcid} is also that of {orcids[person.orcid]!r}: one person, one row",
                )
            orcids.setdefault(person.orcid, person.id)
    for first, second in likely_duplicates(kb.persons.values()):
        report.warning(
            second.origin.file,
            second.origin.line,
            "name",
            "possible-duplicate-person",
            f"{second.name!r} may be the same person as {first.id!r} ({first.name!r}) on line "
            f"{first.origin.line}; merge the rows (one becomes a variant) or give both their ORCID iD",
        )
    for first, second, why in likely_duplicate_venues(kb.venues.values()):
        report.warning(
            second.origin.file,
            second.origin.line,
            "name",
            "possible-duplicate-venue",
            f"{second.name!r} has {why} as {first.id!r} ({first.name!r}) on line {first.origin.line}; "
            "keep one row and point the papers at it",
        )


def _check_coverage(kb: KnowledgeBase, report: Report) -> None:
    per_question: dict[str, int] = defaultdict(int)
    for p in kb.papers.values():
        for q in p.questions:
            per_question[q] += 1
    for q in kb.questions.values():
        count = per_question.get(q.id, 0)
        if count < MIN_PAPERS_PER_QUESTION and not q.evidence_gap:
            report.info(
                q.origin.file,
                q.origin.line,
                "evidence_gap",
                "evidence-gap",
                f"{count} paper(s) address {q.id!r}; add papers or explain the gap",
            )
    used = {cid for p in kb.papers.values() for cid in p.concepts}
    for c in kb.concepts.values():
        if c.id not in used and c.id not in kb.practice:
            report.warning(
                c.origin.file,
                c.origin.line,
                "id",
                "concept-without-papers",
                f"no paper in the literature table discusses {c.id!r}: tag the papers about it, or mark it as "
                "practice-only in ontology/tables/practice_only.csv with its practitioner source",
            )
    for mark in kb.practice.values():
        f, n = mark.origin.file, mark.origin.line
        if mark.id not in kb.concepts:
            _ref_error(report, mark.origin, "id", "concept", mark.id)
        elif mark.id in used:
            report.warning(
                f, n, "id", "practice-only-discussed", f"{mark.id!r} is marked practice-only, but papers discuss it"
            )
        if not any(SEED_ID.match(ref) for ref in mark.source):
            report.error(
                f, n, "source", "practice-source", "a practice-only concept needs a practitioner source (seed:…)"
            )
        _check_source_refs(kb, report, mark.origin, "source", mark.source)
