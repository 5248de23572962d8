"""The vocabulary checker: what each label found in a document means, as findings.

A match on its own says only "these words are a label". Whether that is fine depends on
the label (preferred, synonym, misspelling), its concept (current, retired, one of several
meanings), the document's language and the rest of the document (is the concept named
consistently?). This module makes that judgement once, so every output format, the fixer
and the usage report say the same thing. Severities come from :mod:`cxkb.checkconfig`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from cxkb.checker.config import CheckConfig
from cxkb.checker.context import glosses, part_of_name, verb_form
from cxkb.checker.discover import discover
from cxkb.checker.documents import Document, InputError, kind_of
from cxkb.checker.prefilter import sentence_start
from cxkb.checker.reader import StreamedFile
from cxkb.checker.report import Summary, Usage, summarise
from cxkb.checker.results import CheckFinding, CheckRun, DocumentResult, Mention, UnknownTerm
from cxkb.checker.sense import GLOSSED, Use
from cxkb.checker.state import DocumentState, Verdict
from cxkb.checker.stream import WINDOW, FindingSink, Window, pieces_of, scan_document
from cxkb.checker.unknown import (
    Candidate,
    NearestConcepts,
    cue_phrases_after,
    names_no_notion,
    waits_for_recurrence,
)
from cxkb.checker.vocab import AmbiguousEntry, Entry, Kind, Match, Matcher, ScanResult, VocabIndex, compact
from cxkb.findings import Level
from cxkb.model import IN_NAMES

__all__ = [
    "CheckFinding",
    "CheckRun",
    "Checker",
    "DocumentResult",
    "Mention",
    "Summary",
    "UnknownTerm",
    "Usage",
    "summarise",
]

LANGUAGE_NAMES = {"en": "English", "nl": "Dutch"}
_KIND_ORDER = {
    Kind.PREF: 0,
    Kind.ALT: 1,
    Kind.HIDDEN: 2,
    Kind.FAMILY: 3,
    Kind.NARROWER: 4,
    Kind.AMBIGUOUS: 5,
    Kind.NONE: 6,
}
_NAMELESS = frozenset({"related-form", "narrower-term"})  # findings that do not name a concept by a label
_IN_A_NAME = IN_NAMES  # the "cue" that decided a label standing inside a capitalised name
_DECIDED_BY = {_IN_A_NAME: "the name it stands in", GLOSSED: "the short form the document defined"}
"""The "cues" that are no word of the sentence, and how a message names what decided."""


class Checker:
    """Checks documents against one vocabulary index with one configuration."""

    def __init__(self, index: VocabIndex, config: CheckConfig) -> None:
        self.index = index
        self.config = config
        self._matchers: dict[str, Matcher] = {}
        allow = set(config.allow)
        self.allow_concepts = {a for a in allow if a in index.concepts}
        self.allow_terms = {compact(a) for a in allow if a not in index.concepts}
        self._verdicts: dict[tuple[tuple[Entry, ...], str, str], Verdict] = {}
        self._plain: dict[tuple[str, str], bool] = {}  # (lang, phrase) -> too short or a bare cue word
        self.window = WINDOW  # characters per window (the tests make it small)
        self.nearest = NearestConcepts(index.labels(), config.fuzzy_cutoff)

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
        details: bool = True,
        usage: Usage | None = None,
    ) -> CheckRun:
        """Check every file under ``paths``; unreadable files become input errors, not crashes.

        ``details=False`` leaves out the mentions and unknown terms, which only the usage
        report reads, so a long document costs no object per match. A ``usage`` tally counts
        them instead of keeping them, which is all the report needs.
        """
        found = discover(
            paths,
            include=tuple(include) if include else self.config.include,
            exclude=(*self.config.ignore, *exclude),
            cwd=cwd,
        )
        run = CheckRun(errors=list(found.errors))
        config = self.config
        for path, name in found.files:
            try:
                doc = StreamedFile(  # read piece by piece, never whole
                    path,
                    name,
                    kind=kind_of(path),
                    lang=config.language,
                    max_line=config.max_line_length,
                    max_size=config.max_file_size,
                    max_part=config.max_docx_part_size,
                )
                result = self.check_document(doc, details=details, usage=usage)
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

    def check_document(
        self, doc: Document | StreamedFile, *, details: bool = True, usage: Usage | None = None
    ) -> DocumentResult:
        """Findings of one document; ``details`` also lists every mention and unknown term (for reports).

        The document is matched window by window (:mod:`cxkb.checker.stream`): only the
        findings the per-file cap can list are built, the others are counted.
        """
        matcher = self.matcher(doc.lang)
        result = DocumentResult(doc)
        sink = FindingSink(self.config.max_findings)
        state = DocumentState(doc, result, sink, details, self.config.level, usage)
        if isinstance(doc, StreamedFile):
            pieces = doc.pieces()
            gapped_ok = not doc.has_dotted_capital
        else:
            pieces = pieces_of(doc.source, doc.text, self.window)
            gapped_ok = "\u0130" not in doc.text  # as Matcher.scan: lower-casing keeps the length
        for w, scan, context in scan_document(matcher, pieces, gapped_ok, self.window):
            self._matches(state, w, scan)
            self._unknown_terms(state, w, matcher, context)
            # let this window's matches go before the next one is matched, not after: a window of
            # short labels holds a match per word of its body, and two of them would be held
            del w, scan, context
        self._settle(state)
        self._inconsistent(state)
        for offset, message, line, col in doc.suppressed.problems:
            level = state.level("directive")
            if level is not None and sink.wants(level, offset, "directive"):
                found = CheckFinding(doc.name, line, col, line, col + 4, level, "directive", message, "<!--", doc.lang)
                sink.add(level, offset, "directive", dataclasses.replace(found, offset=offset))
        result.findings = self._capped(doc, sink)
        result.findings.sort(key=CheckFinding.sort_key)
        return result

    def _matches(self, state: DocumentState, w: Window, scan: ScanResult) -> None:
        """Label matches of one window: mentions (if asked), first uses per concept, findings."""
        doc, lang, details = state.doc, state.doc.lang, state.details
        suppressed = state.suppressed if state.suppressed.active else None
        eager = bool(self.allow_terms or self.allow_concepts)  # allow-lists see the resolved meaning
        before: tuple[Match, Verdict, AmbiguousEntry | None] | None = None  # the last match, for a gloss
        for m in scan.matches:
            s, e = m.start, m.end
            if m.entries[0].kind is Kind.NONE and all(x.kind is Kind.NONE for x in m.entries):
                continue  # a phrase that holds a label and names nothing (word_families.csv kind none)
            if suppressed is not None and suppressed(w.offset + s, w.line_of(s)):
                continue
            verdict = self.classify(m, lang)
            code = verdict.code
            resolved = code != "ambiguous"
            found = None if resolved else self.index.ambiguous_entry(m.entries)
            if found is not None and found[2] is not None and before is not None:
                self._gloss(state, w.text, before, m, found)
            if found is not None and self._names_nothing(state, w.text, m, found):
                if found[2] is not None and found[2].cautious and state.sense.left_open(found[1], w.text, m.start):
                    state.hold(w, m, found)
                before = None
                continue
            before = (m, verdict, found)
            state.sense.speaks_of(self.index.following.counts(verdict.concepts, found, lang, m.text))
            if not resolved and (details or eager or self.index.eager(m.entries, found)):
                verdict, resolved = self._in_context(state, w.text, m, verdict, lang, found), True
                code = verdict.code
                before = (m, verdict, found)
            if details:
                line, col = w.position(s)
                end_line, end_col = w.position(e)
                state.mention(Mention(doc.name, line, col, end_line, end_col, w.source[s:e], code, verdict.concepts))
            if eager and self._allowed(m, verdict):
                continue
            if code != "ambiguous" and code not in _NAMELESS:
                state.use(verdict, w, m)
            elif code == "related-form" and verdict.entry.kind is Kind.FAMILY:
                state.sense.note_related(verdict.concepts[0])
            level = state.level(code)
            if level is None or not state.sink.wants(level, w.offset + s, code):
                continue
            if not resolved:
                verdict = self._in_context(state, w.text, m, verdict, lang, found)
            replacement = self._replacement(doc, w, m, verdict)
            surface = w.source[s:e]  # as written, markup included
            state.sink.add(
                level, w.offset + s, code, self._finding(state, w, s, e, level, verdict, surface, replacement)
            )

    def _gloss(
        self,
        state: DocumentState,
        text: str,
        before: tuple[Match, Verdict, AmbiguousEntry | None],
        m: Match,
        found: AmbiguousEntry,
    ) -> None:
        """An ambiguous label given in brackets right after a phrase that ends in it (*an AI agent
        (agent)*) is the document's short form of that phrase: it names the phrase's concept from here
        on, as a defined abbreviation does (:meth:`DocumentSense.gloss`). The phrase is read here if
        it was left unread, which for a label that neither follows the document nor is cautious
        changes nothing else."""
        prior, verdict, prior_found = before
        if not glosses(text, prior.end, prior.text, m.start, m.text):
            return
        if len(verdict.concepts) > 1:  # left unread: no finding was wanted there
            verdict = self._in_context(state, text, prior, verdict, state.doc.lang, prior_found)
        cues = found[2]
        if len(verdict.concepts) == 1 and cues is not None and any(c == verdict.concepts[0] for c, _ in cues.cues):
            state.sense.gloss(found[1], verdict.concepts[0])

    def _finding(
        self,
        state: DocumentState,
        w: Window,
        start: int,
        end: int,
        level: Level,
        verdict: Verdict,
        surface: str,
        replacement: str | None,
        code: str = "",
        message: str = "",
    ) -> CheckFinding:
        line, col = w.position(start)
        end_line, end_col = w.position(end)
        return CheckFinding(
            state.doc.name,
            line,
            col,
            end_line,
            end_col,
            level,
            code or verdict.code,
            message or verdict.message,
            surface,
            state.doc.lang,
            verdict.concepts,
            verdict.preferred,
            replacement,
            verdict.entry.kind.value,
            verdict.exact,
            w.offset + start,
        )

    def _capped(self, doc: Document | StreamedFile, sink: FindingSink) -> list[CheckFinding]:
        """At most ``max-findings`` findings, the most serious first, and one line for the rest.

        The summary takes the level of the most serious finding it stands for, so the exit
        code is the same as if every finding had been listed.
        """
        listed, over = sink.result()
        if over is None or self.config.level("too-many-findings") is None:
            return listed
        level, total, dropped, first = over
        spelled = ", ".join(f"{dropped[lvl]:,} {lvl.label}" for lvl in sorted(dropped, reverse=True))
        message = (
            f"{total:,} findings in this file, over the limit of {self.config.max_findings:,} (max-findings); "
            f"{sum(dropped.values()):,} more not listed ({spelled}), the first of them here"
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
        return [*listed, summary]

    def _allowed(self, m: Match, verdict: Verdict) -> bool:
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

    def classify(self, m: Match, lang: str) -> Verdict:
        """The one code a match gets, with its message (most serious applicable meaning first)."""
        key = (m.entries, m.text, lang)
        hit = self._verdicts.get(key)
        if hit is None:
            hit = self._verdicts[key] = self._classify(m, lang)
        return hit

    def _classify(self, m: Match, lang: str) -> Verdict:
        shown = " ".join(m.text.split())  # on one line, whatever breaks or markup it spans
        named = [e for e in m.entries if e.kind is not Kind.NONE]  # a label beats a none form
        same = [e for e in named if e.lang == lang]
        pool = same or named
        text = compact(m.text)
        concepts = tuple(dict.fromkeys(c for e in pool for c in e.concepts))
        exact_entries = [e for e in pool if compact(e.label) == text]
        entry = min(exact_entries or pool, key=lambda e: (_KIND_ORDER[e.kind], e.label))
        exact = bool(exact_entries)
        if any(e.kind is Kind.AMBIGUOUS for e in pool) or len(concepts) > 1:
            meanings = ", ".join(self._named(c, lang) for c in concepts)
            return Verdict(
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
            return Verdict(
                "related-form",
                concepts,
                entry,
                f"'{shown}' speaks of {self._named(cid, lang)} without naming it",
                preferred,
                exact,
            )
        if entry.kind is Kind.NARROWER:
            return Verdict(
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
            return Verdict("deprecated", concepts, entry, message, preferred, exact)
        if not same:
            their = LANGUAGE_NAMES.get(entry.lang, entry.lang)
            ours = LANGUAGE_NAMES.get(lang, lang)
            return Verdict(
                "wrong-language",
                concepts,
                entry,
                f"'{shown}' is {'an' if their[:1] in 'AEIOU' else 'a'} {their} label of {cid}; "
                f"in {ours} text use '{preferred}'",
                preferred,
                exact,
            )
        if entry.kind is Kind.PREF:
            return Verdict("preferred", concepts, entry, f"'{shown}' is the preferred label of {cid}", preferred, exact)
        if entry.kind is Kind.ALT:
            return Verdict(
                "non-preferred",
                concepts,
                entry,
                f"'{shown}' is a synonym of '{preferred}' ({cid}): use '{preferred}'",
                preferred,
                exact,
            )
        return Verdict(
            "misspelling",
            concepts,
            entry,
            f"'{shown}' is a misspelling of '{preferred}' ({cid})",
            preferred,
            exact,
        )

    def _names_nothing(self, state: DocumentState, text: str, m: Match, found: AmbiguousEntry) -> bool:
        """An ambiguous label that here is know-how, part of a name or a verb, or that the document
        has made name nothing (:class:`DocumentSense`): not a mention at all.

        A capitalised run that the label starts, at the start of a sentence or line, is not
        taken for a name: a name puts the bare word after what qualifies it (*Work Experience
        programs*), while a heading or a metric's name in title case may start with it
        (*Engagement Volume*).
        """
        entry, key, cues = found
        if verb_form(m.text, entry.label, entry.lang):
            return True
        if cues is None:
            return False
        if _in_name(text, m):  # a name names nothing, unless the label names its product (``@name``)
            nothing = cues.after_nothing_word(text, m.start, m.end) or cues.before_nothing_word(text, m.end)
            return nothing or not cues.in_names
        return state.sense.names_nothing(Use(key, cues, text, m.start, m.end), state.named)

    def _in_context(
        self, state: DocumentState, text: str, m: Match, verdict: Verdict, lang: str, found: AmbiguousEntry | None
    ) -> Verdict:
        """An ambiguous label whose context cues point to one candidate names that one.

        The finding stays ``ambiguous`` (the writer should still say which is meant); the
        message names the likely meaning, the cue that decided it and the other meanings. A
        label that names nothing without a cue is, once one speaks, a ``related-form``.
        """
        if found is None or found[2] is None:
            return verdict
        entry, key, cues = found
        if cues.in_names and _in_name(text, m):
            chosen, cue = cues.in_names, _IN_A_NAME
        elif cues.cautious:
            chosen, cue = state.sense.reading(Use(key, cues, text, m.start, m.end), state.named) or ("", "")
        else:
            chosen, cue = state.sense.follow(key, cues, *cues.resolve(text, m.start, m.end))
        if not chosen or chosen not in verdict.concepts:
            return verdict
        shown = " ".join(m.text.split())
        named = self._named(chosen, lang)
        decided_by = _DECIDED_BY.get(cue)  # a name or a short form, not a cue word
        if cues.cautious:
            why = decided_by or (f"the context: '{cue}'" if cue else "the document has spoken of it before")
            message = _speaks_of(shown, named, why)
            code = "related-form"
        else:
            others = ", ".join(self._named(c, lang) for c in verdict.concepts if c != chosen)
            if decided_by:
                why = f"{decided_by} points to"
            else:
                why = f"the context ('{cue}') points to" if cue else "here most likely"
            message = f"'{shown}' may mean several concepts; {why} {named}; it may also mean {others}"
            code = "ambiguous"
        return Verdict(code, (chosen,), entry, message, self.index.preferred(chosen, lang), verdict.exact)

    def _settle(self, state: DocumentState) -> None:
        """Cautious uses read before the document gave their label a sense: where the whole document
        names one candidate at least twice by its own labels or its family's phrases, and more than any
        other, they name it.

        A page on proactive calls speaks of *representative dialing* and *representative
        notifications* before it first says *service representatives*; a reader who has read on
        takes the first ones as the staff too. Only names and related forms count here, not the
        label's uses that cues decided: a post on a Slack bot whose cues once or twice made it a chatbot
        (*answers questions*) has not said so, and on dev counting those as well found 22 more
        spans and 11 more wrong mentions (:meth:`DocumentSense.spoken_sense`).
        """
        doc, lang = state.doc, state.doc.lang
        eager = bool(self.allow_terms or self.allow_concepts)
        settled = False
        for held in state.held:
            entry, key, cues = held.found
            chosen = state.sense.spoken_sense(key, cues, state.named, cued_too=False) if cues is not None else ""
            verdict = self.classify(held.match, lang)
            if not chosen or chosen not in verdict.concepts:
                continue
            shown = " ".join(held.match.text.split())
            message = _speaks_of(shown, self._named(chosen, lang), "the document speaks of it elsewhere")
            preferred = self.index.preferred(chosen, lang)
            verdict = Verdict("related-form", (chosen,), entry, message, preferred, verdict.exact)
            where = (doc.name, held.line, held.column, held.end_line, held.end_column)
            if state.details:
                state.mention(Mention(*where, held.surface, verdict.code, verdict.concepts))
                settled = True
            if eager and self._allowed(held.match, verdict):
                continue
            level = state.level(verdict.code)
            if level is not None and state.sink.wants(level, held.offset, verdict.code):
                found = CheckFinding(
                    *where, level, verdict.code, message, held.surface, lang, verdict.concepts, verdict.preferred,
                    None, entry.kind.value, verdict.exact, held.offset,
                )  # fmt: skip
                state.sink.add(level, held.offset, verdict.code, found)
        if settled:  # the settled mentions go back to their place in document order
            state.result.mentions.sort(key=lambda m: (m.line, m.column))
        state.held.clear()

    def _replacement(self, doc: Document | StreamedFile, w: Window, m: Match, verdict: Verdict) -> str | None:
        """The fix for an exact synonym in the document's own language, or None if unsure."""
        if verdict.code != "non-preferred" or not verdict.exact or not doc.fixable:
            return None
        if verdict.entry.lang != doc.lang or len(verdict.concepts) != 1 or not verdict.preferred:
            return None
        if "\n" in m.text or w.source[m.start : m.end] != m.text:
            return None
        return keep_initial_capital(verdict.preferred, m.text, sentence_start(w.text, m.start))

    # -- document-level findings ----------------------------------------------------------

    def _inconsistent(self, state: DocumentState) -> None:
        """A concept named in more than one way: a finding at the first use of each other name."""
        lang = state.doc.lang
        level = state.level("inconsistent")
        for cid, uses in sorted(state.named.items()):
            if len(uses) < 2:
                continue
            pref = compact(self.index.preferred(cid, lang))
            ranked = sorted(uses, key=lambda k: (-uses[k][0], k != pref, k))
            names = ", ".join(f"'{uses[k][1]}' ({uses[k][0]}×)" for k in ranked)
            message = (
                f"{cid} is named in {len(uses)} ways in this document: {names}; "
                f"keep to one (preferred: '{self.index.preferred(cid, lang)}')"
            )
            for key in ranked[1:]:
                _, _, offset, finding = uses[key]
                if level is not None and state.sink.wants(level, offset, "inconsistent"):
                    state.sink.add(
                        level, offset, "inconsistent", dataclasses.replace(finding, level=level, message=message)
                    )

    def _unknown_terms(self, state: DocumentState, w: Window, matcher: Matcher, scan: ScanResult) -> None:
        """Unmatched CX-sounding phrases: findings, and (with ``details``) the report's unknown terms.

        Phrases wait for a second use before they count, English one-word compounds excepted
        (:mod:`cxkb.checker.unknown`).
        """
        doc, details = state.doc, state.details
        if not details and state.level("unknown-term") is None:
            return
        suppressed = state.suppressed if state.suppressed.active else None
        allow = self.allow_terms
        phrases, last = cue_phrases_after(matcher, w.text, scan, state.phrase_end - w.offset)
        state.phrase_end = last + w.offset
        for s, e in phrases:
            if suppressed is not None and suppressed(w.offset + s, w.line_of(s)):
                continue
            text = " ".join(w.text[s:e].split())  # the phrase without markup or line breaks
            plain = self._plain.get((doc.lang, text))
            if plain is None:  # the same phrases recur: lemmatising them once is enough
                letters = sum(ch.isalpha() for ch in text)
                plain = self._plain[doc.lang, text] = letters < 4 or names_no_notion(matcher, text)
            if plain or compact(text) in allow:
                continue
            waits = waits_for_recurrence(text, doc.lang)
            key = matcher.phrase_key(text) if details or allow or waits else ""
            if key and key in allow:
                continue
            line, col = w.position(s)
            end_line, end_col = w.position(e)
            use = Candidate(w.offset + s, line, col, end_line, end_col, text, w.source[s:e], key)
            for c in state.recurrence.admit(use) if waits else (use,):
                self._unknown_term(state, c)

    def _unknown_term(self, state: DocumentState, c: Candidate) -> None:
        doc = state.doc
        level = state.level("unknown-term")
        wanted = level is not None and state.sink.wants(level, c.offset, "unknown-term")
        if not (state.details or wanted):
            return
        nearest = self.nearest(c.text)
        if state.details:
            state.unknown(UnknownTerm(doc.name, c.line, c.column, c.text, c.key, nearest))
        if not wanted:
            return
        assert level is not None
        hint = ("nearest: " + ", ".join(self._named(n, doc.lang) for n in nearest)) if nearest else "no close concept"
        message = f"'{c.text}' sounds like CX vocabulary but is not in the taxonomy; {hint}"
        found = CheckFinding(
            doc.name,
            c.line,
            c.column,
            c.end_line,
            c.end_column,
            level,
            "unknown-term",
            message,
            c.surface,
            doc.lang,
            nearest,
            offset=c.offset,
        )
        state.sink.add(level, c.offset, "unknown-term", found)


def _speaks_of(shown: str, named: str, why: str) -> str:
    """The message of a cautious label that here names a concept (a ``related-form`` finding)."""
    return f"'{shown}' speaks of {named} here ({why}); on its own it names no concept"


def _in_name(text: str, m: Match) -> bool:
    """Whether the match stands inside a capitalised name, not merely at the start of a sentence."""
    return part_of_name(text, m.start, m.end) and not sentence_start(text, m.start)


# -- helpers used by the fixer and the formats ----------------------------------------------------


def keep_initial_capital(replacement: str, original: str, initial: bool) -> str:
    """Carry a sentence-initial capital over to the replacement; otherwise use it as written."""
    if initial and original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
