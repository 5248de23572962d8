"""The vocabulary checker: what each label found in a document means, as findings.

A match on its own says only "these words are a label". Whether that is fine depends on
the label (preferred, synonym, misspelling), its concept (current, retired, one of several
meanings), the document's language and the rest of the document (is the concept named
consistently?). This module makes that judgement once, so every output format, the fixer
and the usage report say the same thing. Severities come from :mod:`cxkb.checkconfig`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cxkb.checker.config import CheckConfig
from cxkb.checker.discover import discover
from cxkb.checker.documents import Document, InputError, read_document
from cxkb.checker.vocab import Entry, Kind, Match, Matcher, ScanResult, VocabIndex, compact
from cxkb.findings import Level

LANGUAGE_NAMES = {"en": "English", "nl": "Dutch"}
_KIND_ORDER = {Kind.PREF: 0, Kind.ALT: 1, Kind.HIDDEN: 2, Kind.FAMILY: 3, Kind.NARROWER: 4, Kind.AMBIGUOUS: 5}
_NAMELESS = frozenset({"related-form", "narrower-term"})  # findings that do not name a concept by a label


@lru_cache(maxsize=4096)
def concept_iri(concept: str) -> str:
    """The concept's IRI as in the graph (cached: the same few concepts recur)."""
    from cxkb.namespaces import iri

    return str(iri("concept", concept))


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
    document: Document
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


@dataclass(frozen=True)
class _Verdict:
    code: str
    concepts: tuple[str, ...]
    entry: Entry
    message: str
    preferred: str
    exact: bool


class Checker:
    """Checks documents against one vocabulary index with one configuration."""

    def __init__(self, index: VocabIndex, config: CheckConfig) -> None:
        self.index = index
        self.config = config
        self._matchers: dict[str, Matcher] = {}
        allow = set(config.allow)
        self.allow_concepts = {a for a in allow if a in index.concepts}
        self.allow_terms = {compact(a) for a in allow if a not in index.concepts}
        self._nearest: dict[str, tuple[str, ...]] = {}
        self._verdicts: dict[tuple[tuple[Entry, ...], str, str], _Verdict] = {}
        self._labels = index.labels()

    def matcher(self, lang: str) -> Matcher:
        if lang not in self._matchers:
            self._matchers[lang] = self.index.matcher(lang)
        return self._matchers[lang]

    # -- paths ----------------------------------------------------------------------------

    def check_paths(
        self,
        paths: Sequence[Path],
        *,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        cwd: Path | None = None,
    ) -> CheckRun:
        """Check every file under ``paths``; unreadable files become input errors, not crashes."""
        found = discover(
            paths,
            include=tuple(include) if include else self.config.include,
            exclude=(*self.config.ignore, *exclude),
            cwd=cwd,
        )
        run = CheckRun(errors=list(found.errors))
        for path, name in found.files:
            try:
                doc = read_document(
                    path,
                    name,
                    lang=self.config.language,
                    max_line=self.config.max_line_length,
                    max_size=self.config.max_file_size,
                    max_part=self.config.max_docx_part_size,
                )
                result = self.check_document(doc)
            except InputError as exc:
                run.errors.append(exc)
                continue
            except MemoryError:  # the limits should prevent it; if not, one file must not end the run
                run.errors.append(InputError(name, "too large to check in the memory available: not checked"))
                continue
            run.findings.extend(result.findings)
            run.mentions.extend(result.mentions)
            run.unknown.extend(result.unknown)
            run.documents.append((doc.name, doc.kind, doc.lang, doc.lang_origin))
            run.files[doc.name] = path
        run.findings.sort(key=CheckFinding.sort_key)
        return run

    # -- one document ---------------------------------------------------------------------

    def check_document(self, doc: Document) -> DocumentResult:
        matcher = self.matcher(doc.lang)
        scan = matcher.scan(doc.text)
        result = DocumentResult(doc)
        named: dict[str, list[tuple[str, int, Match]]] = defaultdict(list)
        for m in scan.matches:
            if doc.is_suppressed(m.start):
                continue
            verdict = self.classify(m, doc.lang)
            if verdict.code == "ambiguous":
                verdict = self._in_context(doc.text, m, verdict, doc.lang)
            line, col = doc.position(m.start)
            end_line, end_col = doc.position(m.end)
            surface = doc.source[m.start : m.end]  # as written, markup included
            result.mentions.append(
                Mention(doc.name, line, col, end_line, end_col, surface, verdict.code, verdict.concepts)
            )
            if self._allowed(m, verdict):
                continue
            if verdict.code != "ambiguous" and verdict.code not in _NAMELESS:
                named[verdict.concepts[0]].append((verdict.entry.label, m.start, m))
            replacement = self._replacement(doc, m, verdict)
            self._emit(result, doc, m.start, m.end, verdict.code, verdict.message, surface, verdict, replacement)
        self._inconsistent(result, doc, named)
        self._unknown_terms(result, doc, matcher, scan)
        for offset, message in doc.directive_problems:
            self._emit(result, doc, offset, offset + 4, "directive", message, "<!--", None, None)
        result.findings = self._capped(doc, result.findings)
        result.findings.sort(key=CheckFinding.sort_key)
        return result

    def _capped(self, doc: Document, findings: list[CheckFinding]) -> list[CheckFinding]:
        """At most ``max-findings`` findings, the most serious first, and one line for the rest.

        The summary takes the level of the most serious finding it stands for, so the exit
        code is the same as if every finding had been listed.
        """
        limit = self.config.max_findings
        if len(findings) <= limit:
            return findings
        ranked = sorted(findings, key=lambda f: (-f.level, f.line, f.column, f.code))
        kept, dropped = ranked[:limit], ranked[limit:]
        if self.config.level("too-many-findings") is None:
            return kept
        counts = Counter(f.level for f in dropped)
        level = max(counts)
        first = min(dropped, key=lambda f: (f.line, f.column))
        spelled = ", ".join(f"{counts[lvl]:,} {lvl.label}" for lvl in sorted(counts, reverse=True))
        message = (
            f"{len(findings):,} findings in this file, over the limit of {limit:,} (max-findings); "
            f"{len(dropped):,} more not listed ({spelled}), the first of them here"
        )
        summary = CheckFinding(
            doc.name,
            first.line,
            first.column,
            first.end_line,
            first.end_column,
            level,
            "too-many-findings",
            message,
            first.text,
            doc.lang,
            offset=first.offset,
        )
        return [*kept, summary]

    def _emit(
        self,
        result: DocumentResult,
        doc: Document,
        start: int,
        end: int,
        code: str,
        message: str,
        text: str,
        verdict: _Verdict | None,
        replacement: str | None,
        nearest: tuple[str, ...] = (),
    ) -> None:
        """Record a finding at its configured level; ``nearest`` names candidates when no label matched."""
        level = self.config.level(code)
        if level is None:
            return
        line, col = doc.position(start)
        end_line, end_col = doc.position(end)
        result.findings.append(
            CheckFinding(
                doc.name,
                line,
                col,
                end_line,
                end_col,
                level,
                code,
                message,
                text,
                doc.lang,
                verdict.concepts if verdict else nearest,
                verdict.preferred if verdict else "",
                replacement,
                verdict.entry.kind.value if verdict else "",
                verdict.exact if verdict else True,
                start,
            )
        )

    def _allowed(self, m: Match, verdict: _Verdict) -> bool:
        if not self.allow_terms and not self.allow_concepts:
            return False
        if compact(m.text) in self.allow_terms or compact(verdict.entry.label) in self.allow_terms:
            return True
        return bool(verdict.concepts) and all(c in self.allow_concepts for c in verdict.concepts)

    # -- classification -------------------------------------------------------------------

    def _label(self, concept: str, lang: str) -> str:
        return self.index.preferred(concept, lang) or self.index.preferred(concept, "en") or concept

    def _named(self, concept: str, lang: str) -> str:
        return f"'{self._label(concept, lang)}' ({concept})"

    def classify(self, m: Match, lang: str) -> _Verdict:
        """The one code a match gets, with its message (most serious applicable meaning first)."""
        key = (m.entries, m.text, lang)
        hit = self._verdicts.get(key)
        if hit is None:
            hit = self._verdicts[key] = self._classify(m, lang)
        return hit

    def _classify(self, m: Match, lang: str) -> _Verdict:
        shown = " ".join(m.text.split())  # on one line, whatever breaks or markup it spans
        same = [e for e in m.entries if e.lang == lang]
        pool = same or list(m.entries)
        text = compact(m.text)
        concepts = tuple(dict.fromkeys(c for e in pool for c in e.concepts))
        exact_entries = [e for e in pool if compact(e.label) == text]
        entry = min(exact_entries or pool, key=lambda e: (_KIND_ORDER[e.kind], e.label))
        exact = bool(exact_entries)
        if any(e.kind is Kind.AMBIGUOUS for e in pool) or len(concepts) > 1:
            meanings = ", ".join(self._named(c, lang) for c in concepts)
            return _Verdict(
                "ambiguous",
                concepts,
                entry,
                f"'{shown}' may mean several concepts: {meanings}; say which one",
                "",
                exact,
            )
        cid = concepts[0]
        concept = self.index.concepts.get(cid)
        preferred = self.index.preferred(cid, lang)
        if entry.kind is Kind.FAMILY:
            return _Verdict(
                "related-form",
                concepts,
                entry,
                f"'{shown}' speaks of {self._named(cid, lang)} without naming it",
                preferred,
                exact,
            )
        if entry.kind is Kind.NARROWER:
            return _Verdict(
                "narrower-term",
                concepts,
                entry,
                f"'{shown}' is a narrower term the taxonomy does not list: consider {self._named(cid, lang)}",
                preferred,
                exact,
            )
        if concept is not None and concept.deprecated:
            if concept.replaced_by:
                use = " or ".join(self._named(r, lang) for r in concept.replaced_by)
                message = f"'{shown}' names the retired concept {cid}: use {use}"
            else:
                message = f"'{shown}' names the retired concept {cid}, which has no replacement"
            return _Verdict("deprecated", concepts, entry, message, preferred, exact)
        if not same:
            their = LANGUAGE_NAMES.get(entry.lang, entry.lang)
            ours = LANGUAGE_NAMES.get(lang, lang)
            return _Verdict(
                "wrong-language",
                concepts,
                entry,
                f"'{shown}' is {'an' if their[:1] in 'AEIOU' else 'a'} {their} label of {cid}; "
                f"in {ours} text use '{preferred}'",
                preferred,
                exact,
            )
        if entry.kind is Kind.PREF:
            return _Verdict(
                "preferred", concepts, entry, f"'{shown}' is the preferred label of {cid}", preferred, exact
            )
        if entry.kind is Kind.ALT:
            return _Verdict(
                "non-preferred",
                concepts,
                entry,
                f"'{shown}' is a synonym of '{preferred}' ({cid}): use '{preferred}'",
                preferred,
                exact,
            )
        return _Verdict(
            "misspelling",
            concepts,
            entry,
            f"'{shown}' is a misspelling of '{preferred}' ({cid})",
            preferred,
            exact,
        )

    def _in_context(self, text: str, m: Match, verdict: _Verdict, lang: str) -> _Verdict:
        """An ambiguous label whose context cues point to one candidate names that one.

        The finding stays ``ambiguous`` (the writer should still say which is meant); the
        message names the likely meaning, the cue that decided it and the other meanings.
        """
        entry = next((e for e in m.entries if e.kind is Kind.AMBIGUOUS), None)
        cues = self.index.cues_of.get((entry.lang, compact(entry.label))) if entry is not None else None
        if entry is None or cues is None:
            return verdict
        chosen, cue = cues.resolve(text, m.start, m.end)
        if not chosen or chosen not in verdict.concepts:
            return verdict
        shown = " ".join(m.text.split())
        others = ", ".join(self._named(c, lang) for c in verdict.concepts if c != chosen)
        why = f"the context ('{cue}') points to" if cue else "here most likely"
        message = f"'{shown}' may mean several concepts; {why} {self._named(chosen, lang)}; it may also mean {others}"
        return _Verdict("ambiguous", (chosen,), entry, message, self.index.preferred(chosen, lang), verdict.exact)

    def _replacement(self, doc: Document, m: Match, verdict: _Verdict) -> str | None:
        """The fix for an exact synonym in the document's own language, or None if unsure."""
        if verdict.code != "non-preferred" or not verdict.exact or not doc.fixable:
            return None
        if verdict.entry.lang != doc.lang or len(verdict.concepts) != 1 or not verdict.preferred:
            return None
        if "\n" in m.text or doc.source[m.start : m.end] != m.text:
            return None
        return keep_initial_capital(verdict.preferred, m.text, sentence_start(doc.text, m.start))

    # -- document-level findings ----------------------------------------------------------

    def _inconsistent(
        self, result: DocumentResult, doc: Document, named: dict[str, list[tuple[str, int, Match]]]
    ) -> None:
        for cid, uses in sorted(named.items()):
            counts = Counter(compact(label) for label, _, _ in uses)
            if len(counts) < 2:
                continue
            pref = compact(self.index.preferred(cid, doc.lang))
            ranked = sorted(counts, key=lambda k: (-counts[k], k != pref, k))
            first: dict[str, tuple[str, Match]] = {}
            for label, _, m in uses:
                first.setdefault(compact(label), (label, m))
            names = ", ".join(f"'{first[k][0]}' ({counts[k]}×)" for k in ranked)
            for key in ranked[1:]:
                _, m = first[key]
                message = (
                    f"{cid} is named in {len(counts)} ways in this document: {names}; "
                    f"keep to one (preferred: '{self.index.preferred(cid, doc.lang)}')"
                )
                verdict = self.classify(m, doc.lang)
                surface = doc.source[m.start : m.end]
                self._emit(result, doc, m.start, m.end, "inconsistent", message, surface, verdict, None)

    def _unknown_terms(self, result: DocumentResult, doc: Document, matcher: Matcher, scan: ScanResult) -> None:
        for s, e in matcher.cue_phrases(doc.text, scan):
            if doc.is_suppressed(s):
                continue
            text = " ".join(doc.text[s:e].split())  # the phrase without markup or line breaks
            key = matcher.phrase_key(text)
            letters = sum(ch.isalpha() for ch in text)
            if letters < 4 or matcher.is_bare_cue(text) or compact(text) in self.allow_terms or key in self.allow_terms:
                continue
            nearest = self.nearest(text)
            line, col = doc.position(s)
            surface = doc.source[s:e]
            result.unknown.append(UnknownTerm(doc.name, line, col, text, key, nearest))
            hint = (
                ("nearest: " + ", ".join(self._named(c, doc.lang) for c in nearest)) if nearest else "no close concept"
            )
            message = f"'{text}' sounds like CX vocabulary but is not in the taxonomy; {hint}"
            self._emit(result, doc, s, e, "unknown-term", message, surface, None, None, nearest)

    def nearest(self, text: str, limit: int = 3) -> tuple[str, ...]:
        """Concepts whose labels look most like ``text`` (rapidfuzz, with a cut-off)."""
        key = compact(text)
        hit = self._nearest.get(key)
        if hit is not None:
            return hit
        from rapidfuzz import fuzz, process, utils

        choices = [label for label, _ in self._labels]
        found = process.extract(
            key,
            choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=self.config.fuzzy_cutoff,
            limit=20,
        )
        ranked = sorted(found, key=lambda x: (-x[1], x[2]))
        concepts = tuple(dict.fromkeys(self._labels[i][1] for _, _, i in ranked))[:limit]
        self._nearest[key] = concepts
        return concepts


# -- helpers used by the fixer and the formats ----------------------------------------------------


def sentence_start(text: str, offset: int) -> bool:
    """Whether a sentence (or paragraph, heading, list item) starts at ``offset``."""
    i = offset
    while i > 0 and text[i - 1] in " \t\u00a0\"'“‘(«\x00":
        i -= 1
    if i == 0 or text[i - 1] in ".!?":
        return True
    if text[i - 1] == "\n":  # the word starts a line: is it a new paragraph or sentence?
        j = i - 1
        while j > 0 and text[j - 1] in " \t\r\x00":
            j -= 1
        return j == 0 or text[j - 1] in "\n.!?:"
    line_begin = text.rfind("\n", 0, i) + 1
    # a heading, quote or list marker (#, >, -, *, 1.) before the word starts a block
    return i - line_begin <= 8 and text[line_begin:i].strip(" \t#>*+-0123456789.)\x00") == ""


def keep_initial_capital(replacement: str, original: str, initial: bool) -> str:
    """Carry a sentence-initial capital over to the replacement; otherwise use it as written."""
    if initial and original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# -- usage report ---------------------------------------------------------------------------


@dataclass
class Summary:
    """Which concepts a set of documents uses, which it never uses, and what seems missing."""

    used: list[dict[str, object]]
    unused: list[dict[str, object]]
    unknown: list[dict[str, object]]
    files: int
    errors: int

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "input_errors": self.errors,
            "concepts_used": self.used,
            "concepts_unused": self.unused,
            "unknown_terms": self.unknown,
        }


def summarise(run: CheckRun, index: VocabIndex) -> Summary:
    counts: Counter[str] = Counter()
    files: dict[str, set[str]] = defaultdict(set)
    ambiguous: Counter[str] = Counter()
    for m in run.mentions:
        if m.code == "ambiguous":
            ambiguous[m.text.casefold()] += 1
            continue
        for c in m.concepts:
            counts[c] += 1
            files[c].add(m.path)
    used = [
        {
            "concept": c,
            "pref_en": index.preferred(c, "en"),
            "pref_nl": index.preferred(c, "nl"),
            "count": n,
            "files": sorted(files[c]),
        }
        for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]
    unused = [
        {"concept": c.id, "pref_en": c.pref.en, "pref_nl": c.pref.nl}
        for c in sorted(index.concepts.values(), key=lambda c: c.id)
        if c.id not in counts and not c.deprecated
    ]
    by_key: dict[str, list[UnknownTerm]] = defaultdict(list)
    for u in run.unknown:
        by_key[u.key].append(u)
    unknown = []
    for key, uses in by_key.items():
        surface = Counter(u.text for u in uses).most_common(1)[0][0] if uses else key
        unknown.append(
            {
                "term": surface,
                "key": key,
                "count": len(uses),
                "files": sorted({u.path for u in uses}),
                "nearest": list(uses[0].nearest),
            }
        )
    unknown.sort(key=lambda x: (-int(x["count"]), str(x["key"])))  # type: ignore[call-overload]
    return Summary(used, unused, unknown, len(run.documents), len(run.errors))
