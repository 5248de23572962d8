"""Checking a document window by window, so memory does not grow with its length.

A long document has tens of thousands of label matches, but a report lists at most
``max-findings`` of them per file; building a match, a mention and a finding object for
each, and holding the text several times over (as read, masked, lower-cased, padded),
took more time and memory than the matching itself. Here the text is cut into windows and
each window is matched on its own; findings go to a :class:`FindingSink` that keeps, per
level, only as many as the cap can show and counts the rest.

Cutting must not change a single match, so a window is three parts:

- *prefix*: text before the body, read by the look-backs (is this a sentence start?): the
  body's last line, or as much of it as a cut inside a line keeps;
- *body*: the text whose matches and cue words this window reports;
- *look-ahead*: text after the body. A match starting in the body must end in it, and
  what the checker reads around a match must be there too.

A window is cut at a line start where it can. A label spans at most ``depth`` words with at
most one line break between two of them, and word-family gaps, cue phrases and context cues
never cross a line break at all, so ``depth + 1`` more lines are look-ahead enough; so are
the characters and words a cut inside a line keeps (below), whichever ends first, so that a
few long lines do not make one window hold them all.

A line longer than two windows (a whole HTML page on one line, text pasted without breaks) is
cut inside, so that memory stays flat whatever the document: a window then holds about its
body's matches and no more. The cut is at a word after a space that follows a punctuation
mark or masked markup (*service. The*, *(CX) (CX)*), as the masked text, which is what is
matched, has it. A label and a cue phrase join only words with spaces or a hyphen between
them, so none runs across the cut. A two-part form may (*customer (CX) shoes*); it is found in
the window where it starts, which matches labels into its look-ahead to see whether the form
clashes with one. Where no such word comes within two windows (a list of terms with only
spaces between them), the cut is at any word after a space, and what crosses it is carried
over (below). Prefix and look-ahead hold at least :data:`MARGIN` characters and :data:`WORDS`
whole words on each side of the cut: more than any test reads around a match (a few words, or
300 characters for the line of a phrase) and more than a two-part form spans, so such a cut
changes nothing either. Only runs of spaces or words (masked markup counts as one) thousands
of characters long could reach past it.

A run without white space (dotted host names, slugs, tags pasted on one line) has no such
word: there the cut is right after a mark or a hyphen, at a letter or digit, where no white space
lies within the margin on either side (*klantreis.|klantreis*, *klantreis-|klantreis*). No label
or phrase joins words across the mark, as across a mark and a space; across a hyphen both may, and
are carried over (below). A look-ahead may end, and a prefix start, at such places too. A line with
no place to cut at all (one long word) stays one body, and the next window starts after it.

A match from one body that runs into the next is carried over: the next window starts
matching after it and still sees it when deciding whether a gapped form or a cue phrase
clashes with a label (it starts matching after the last *label*: the whole scan looks for
two-part forms only once every label is found). An unknown-term phrase
(:func:`cxkb.checker.unknown.cue_phrases_after`) ends at a match, so the cue phrases of a window are found
among all its matches, look-ahead included, and the last match before its body. A cue word
inside a phrase found from an earlier cue word starts no phrase of its own, so where the last
phrase ended is handed from window to window.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cxkb.checker.abbreviations import Abbreviations
from cxkb.checker.comments import advance
from cxkb.checker.masking import line_starts
from cxkb.checker.prefilter import HYPHENS
from cxkb.checker.vocab import Match, Matcher, ScanResult
from cxkb.findings import Level

WINDOW = 1 << 17
"""Characters per window body (before rounding to a line start): large enough that the
per-window overhead is negligible, small enough that a window's copies (masked, lower-cased,
padded) stay a few MB whatever the document's length."""

MARGIN = 2048
"""Characters kept on each side of a cut inside a line: several times the widest look-around
(300 characters, :data:`cxkb.checker.context._LINE_REACH`)."""

WORDS = 24
"""Whole words kept on each side of a cut inside a line, whatever their length: more than a
label's, a two-part form's or a cue phrase's words and the word or two read around them."""

_HYPHENS = "".join(map(re.escape, sorted(HYPHENS)))
_MARK = rf"[^\w\s{_HYPHENS}'\u2019]"
"""A mark that is neither part of a word nor a hyphen: no label or phrase joins words across it."""
_CUT = re.compile(rf"{_MARK}[ \t]+(?=\S)")
"""Where a long line may be cut: the end of this match, a word after spaces after a mark that is
neither part of a word nor a hyphen (see the module's docstring)."""
_PLAIN_CUT = re.compile(r"[ \t](?=\S)")
"""Where a long line may be cut when it has no mark within two windows: a word after a space. Its
last space, not the run: ``[ \t]+`` would be tried from every space of a long run and read the
rest of the run from each, and masked markup (a tag left open for a whole paragraph, say) makes
runs of spaces as long as a line."""
_SPLIT = re.compile(rf"(?:{_MARK}|[{_HYPHENS}])(?=[^\W_])")
"""Where a run without white space may be cut, a look-ahead end and a prefix start (see
:func:`_tight_cut` and :func:`_after`): the end of this match, a letter or digit right after a
mark or a hyphen (*klantreis.|klantreis*, *klantreis-|klantreis*)."""
_SPACE = re.compile(r"\s")
_WORD_START = re.compile(r"(?<=[ \t])\S")
"""Where the prefix of a window cut inside a line starts: a word after a space or tab, so
that look-backs which read a word or skip spaces stop inside the prefix."""
_WORD = re.compile(r"\S+")


@dataclass
class Window:
    """A stretch of a document: ``source`` and masked ``text`` of the same length.

    ``offset`` is the document offset of the window's first character, ``line`` its 0-based
    line and ``column`` its 0-based column (0 unless the window starts inside a long line).
    ``start:end`` is the body.
    """

    offset: int
    line: int
    source: str
    text: str
    start: int
    end: int
    last: bool
    column: int = 0

    def __post_init__(self) -> None:
        self._starts = line_starts(self.source)

    def position(self, local: int) -> tuple[int, int]:
        """1-based line and column of a window offset (as :meth:`Document.position` gives)."""
        i = bisect.bisect_right(self._starts, local) - 1
        return self.line + i + 1, local - self._starts[i] + 1 + (self.column if i == 0 else 0)

    def line_of(self, local: int) -> int:
        """0-based document line of a window offset."""
        return self.line + bisect.bisect_right(self._starts, local) - 1


def pieces_of(source: str, text: str, size: int = WINDOW) -> Iterator[tuple[str, str]]:
    """An in-memory document as pieces of about ``size`` characters, each ending at a line end."""
    pos, n = 0, len(source)
    while pos < n:
        cut = source.find("\n", min(pos + size, n))
        end = n if cut < 0 else cut + 1
        yield source[pos:end], text[pos:end]
        pos = end


def _line_cut(src: str, body: int, limit: int, ahead: int, margin: int, words: int) -> tuple[int, int]:
    """A body end at a line start after ``body``, at most ``limit``, and its look-ahead's end.

    The last line start in reach whose look-ahead :func:`_look_ahead` finds in ``src``;
    (-1, -1) when there is none yet.
    """
    p = min(limit, len(src))
    for _ in range(ahead + 2):  # the look-ahead of the (ahead + 1)-th line start from the end is there
        p = src.rfind("\n", body, p)
        if p < 0:
            break
        stop = _look_ahead(src, p + 1, ahead, margin, words)
        if stop >= 0:
            return p + 1, stop
    return -1, -1


def _look_ahead(src: str, cut: int, ahead: int, margin: int, words: int) -> int:
    """Where the look-ahead after a cut at a line start ends; -1 when ``src`` does not reach it.

    ``ahead`` whole lines, or :func:`_after`'s characters and words, whichever ends first:
    either holds every match that starts before the cut and what is read around it.
    """
    p = cut - 1
    for _ in range(ahead):
        p = src.find("\n", p + 1)
        if p < 0:
            break
    chars = _after(src, cut, margin, words)
    if p < 0:
        return chars
    return p + 1 if chars < 0 else min(p + 1, chars)


def _after(src: str, cut: int, margin: int, words: int) -> int:
    """The end of a look-ahead from ``cut`` with ``margin`` characters and ``words`` whole words.

    Inside a run without white space more than twice ``margin`` long, each letter or digit
    after a mark or a hyphen (:data:`_SPLIT`) that lies ``margin`` characters from either end of
    the run starts a word too, so that a look-ahead into a line of words joined by dots or
    hyphens does not hold all of it. What is read around a match stays within the margin there
    as anywhere (the module's docstring). -1 when ``src`` does not reach that far yet.
    """
    found = 0
    for m in _WORD.finditer(src, cut):
        start, end = m.span()
        for split in _run_splits(src, start, end, margin):
            found += 1
            if found >= words and split >= cut + margin:
                return split
        found += 1
        if found >= words and end >= cut + margin:
            return end if end < len(src) else -1  # a word at the very end may go on
    return -1


def _before(src: str, floor: int, cut: int, margin: int, words: int) -> int:
    """The start of a prefix before ``cut`` with ``margin`` characters and ``words`` whole words.

    A word start after a space, or ``floor`` (the line start, or the oldest text kept) when
    there is none far enough back. Looks back no further than it needs to.
    """
    reach = 2 * margin
    while True:
        lo = max(floor, cut - reach)
        starts = [m.start() for m in _WORD_START.finditer(src, lo, cut)]
        starts += _tight_starts(src, lo, cut, margin)
        starts.sort()
        j = min(bisect.bisect_right(starts, cut - margin), len(starts) - words + 1) - 1
        if j >= 0:
            return starts[j]
        if lo == floor:
            return floor
        reach *= 2


def _run_splits(src: str, start: int, end: int, margin: int) -> Iterator[int]:
    """Where the run without white space ``src[start:end]`` splits into words (see :func:`_after`):
    nowhere unless it is more than twice ``margin`` long, and never within ``margin`` of its ends."""
    if end - start > 2 * margin:
        for t in _SPLIT.finditer(src, start + margin - 1, end - margin):
            yield t.end()


def _tight_starts(src: str, lo: int, hi: int, margin: int) -> list[int]:
    """The word starts :func:`_after` adds inside runs without white space, between ``lo`` and ``hi``
    (a run is only seen as far as it lies between them)."""
    return [split for m in _WORD.finditer(src, lo, hi) for split in _run_splits(src, *m.span(), margin)]


def _tight_cut(src: str, pos: int, margin: int, until: int | None = None) -> int:
    """The first place from ``pos`` where a run without white space may be cut: a letter or digit
    right after a mark or a hyphen, with no white space within ``margin`` characters on either side.

    After a mark, as after a mark and a space, no label or unknown-term phrase runs across the
    cut: each joins words with spaces or a hyphen only. A word-family form may cross marks that
    do not end a sentence, and a label or a phrase may cross a hyphen; :func:`scan_document`
    carries what crosses into the next window (the module's docstring).
    -1 if there is none (yet), or none before ``until``.
    """
    until = len(src) if until is None else until
    while (t := _SPLIT.search(src, pos, until)) is not None:
        cut = t.end()
        if cut + margin > len(src):
            return -1
        space = _SPACE.search(src, max(0, cut - margin), cut + margin)
        if space is None:
            return cut
        pos = space.end() + margin - 1  # the first mark whose cut lies ``margin`` past that space
    return -1


def windows(
    pieces: Iterator[tuple[str, str]], depth: int, size: int = WINDOW, margin: int = MARGIN, words: int = WORDS
) -> Iterator[Window]:
    """Windows over a stream of pieces, which may end anywhere.

    The text read is kept in one buffer that is cut down only when more is read: a window is
    a slice of it, so a line of a million characters is not copied again for every window.
    """
    ahead = depth + 1
    buf_s = buf_t = ""  # text read and not yet left behind
    base = 0  # where the current window starts in the buffer
    body = 0  # where its body starts in the buffer
    offset = line = column = 0  # where the current window starts in the document
    done = False
    while True:
        want = size
        while True:
            parts_s: list[str] = []
            parts_t: list[str] = []
            n = len(buf_s) - body
            while not done and n < want:
                piece = next(pieces, None)
                if piece is None:
                    done = True
                    break
                parts_s.append(piece[0])
                parts_t.append(piece[1])
                n += len(piece[0])
            if parts_s:  # the text left behind goes now, not at every window
                buf_s, buf_t = "".join([buf_s[base:], *parts_s]), "".join([buf_t[base:], *parts_t])
                body -= base
                base = 0
            rest = len(buf_s) - body
            if done and rest <= 2 * size:  # the rest of the document in one window
                end = stop = len(buf_s)
                break
            end, stop = _line_cut(buf_t, body, body + 2 * size, ahead, margin, words)
            if end > body:
                break
            if rest >= 2 * size:  # no line ends in reach: cut inside a line
                # on the masked text, which is what is matched: after a mark and a space, or else
                # inside a long run without white space after a mark or a hyphen, whichever comes
                # first; after any space if neither comes within two windows
                spaced = _CUT.search(buf_t, body + size)
                spaced_end = spaced.end() if spaced else -1
                tight = _tight_cut(buf_t, body + size, margin, spaced_end if spaced else None)
                cut = tight if tight >= 0 else spaced_end  # a tight cut is only looked for before it
                if not 0 <= cut <= body + 2 * size and (
                    plain := _PLAIN_CUT.search(buf_t, body + size, cut if cut >= 0 else len(buf_t))
                ):
                    cut = plain.end()  # words with no mark between them for two windows
                if cut >= 0 and (stop := _after(buf_t, cut, margin, words)) >= 0:
                    end = cut
                    break
                # nowhere to cut inside the line: the body ends with it, not with the document
                line_end = buf_t.find("\n", body + 2 * size)
                if line_end >= 0 and (stop := _look_ahead(buf_t, line_end + 1, ahead, margin, words)) >= 0:
                    end = line_end + 1
                    break
            if done:  # one long word, or words all the way to the end: nothing to cut at
                end = stop = len(buf_s)
                break
            want *= 2
        last = done and end == len(buf_s)
        yield Window(offset, line, buf_s[base:stop], buf_t[base:stop], body - base, end - base, last, column)
        if last:
            return
        keep = _before(buf_t, max(base, buf_t.rfind("\n", base, end - 1) + 1), end, margin, words)  # next prefix
        line, column = advance(buf_s, base, keep, line, column)
        offset += keep - base
        base, body = keep, end


def scan_window(
    matcher: Matcher, window: Window, carried: Match | None, covered: int, gapped_ok: bool
) -> tuple[ScanResult, ScanResult, int]:
    """Matches and cue words starting in the window's body, as a scan of the whole text finds them;
    the same cue words with the matches that bound their phrases; and where the body's last label
    ends (-1 if it has none), after which the matching goes on.

    ``carried`` is the previous body's last match (window offsets) when it ends inside this
    window, ``covered`` where the matching may begin: after the last label, not after a two-part
    word-family form, which the whole scan looks for once every label is found and whose words
    may hold cue words. ``gapped_ok`` is the whole document's answer to whether word-family gaps
    are looked for (not when lower-casing changes its length). The second result's matches are
    ``carried`` and every match from the body's start on, the look-ahead's included: a phrase from
    a cue word at the body's edge may run over a hyphen or a space into either, and ends at a match.
    """
    text = window.text
    lowered = text.lower()
    prefilter = matcher.index.prefilter
    if len(lowered) == len(text):
        starts: Any = prefilter.quick(text, lowered)
    else:
        starts = prefilter.full(text, None)
    start, end = window.start, window.end
    # labels are matched into the look-ahead too: a two-part form from the body may reach there
    result = matcher._process(text, starts, max(covered, start))
    reach = max((m.end for m in result.matches if m.start < end), default=-1)
    if carried is not None:
        result.matches.insert(0, carried)
    gapped = matcher.index.gapped.get(matcher.lang)
    if gapped and gapped_ok and len(lowered) == len(text):
        matcher._add_gapped(text, lowered, result, gapped)
    matches = result.matches
    result.cue_words = [c for c in result.cue_words if start <= c[0] < end]
    result.matches = [m for m in matches if start <= m.start < end]
    around = [m for m in matches if m.start >= start]
    if carried is not None:
        around.insert(0, carried)
    return result, ScanResult(around, result.cue_words), reach


def scan_document(
    matcher: Matcher, pieces: Iterator[tuple[str, str]], gapped_ok: bool, size: int = WINDOW
) -> Iterator[tuple[Window, ScanResult, ScanResult]]:
    """Each window with its matches and cue words, and the matches that bound its cue phrases.

    Offsets are the window's; together the windows give what :meth:`Matcher.scan` gives
    for the whole text. The third item adds the match carried over from the previous
    window, which a cue phrase at the start of this one must not run into, and the
    look-ahead's matches, which one at its end must not run into (see :func:`scan_window`).
    """
    carried: Match | None = None  # the last match so far, in document offsets
    covered = -1  # where the last label so far ends, in document offsets
    abbreviations = Abbreviations(matcher.index.closed_labels)
    for w in windows(pieces, matcher.index.depth, size):
        local = None
        if carried is not None and carried.end > w.offset:
            local = Match(carried.start - w.offset, carried.end - w.offset, carried.text, carried.entries)
        scan, around, reach = scan_window(matcher, w, local, covered - w.offset, gapped_ok)
        if reach >= 0:
            covered = reach + w.offset
        if scan.matches:
            # before the document's own abbreviations and addresses are applied, as the whole
            # scan goes on matching after a label even when it is dropped as part of an address
            last = scan.matches[-1]
            carried = Match(last.start + w.offset, last.end + w.offset, last.text, last.entries)
        abbreviations.finish(w.text, w.offset, scan.matches, w.start, w.end)
        yield w, scan, around
        del w, scan, around, local  # not held while the next window is matched (see Checker.check_document)


class FindingSink:
    """What the per-file findings cap needs, and no more.

    Findings are listed most serious first, then in document order, at most ``limit`` of
    them, plus one summary for the rest. So per level only the first ``limit + 1`` (in
    order of offset and code) can be listed or lead the summary; later ones are counted.
    Findings arrive mostly in document order, so a level's buffer is trimmed now and then
    and everything past its last kept key is only counted, never built.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: dict[Level, int] = {}
        self._kept: dict[Level, list[tuple[int, str, int, Any]]] = {}
        self._bound: dict[Level, tuple[int, str, int]] = {}  # everything after this is only counted
        self._last: dict[Level, tuple[int, str, int]] = {}  # the largest key kept
        self._seq = 0

    def wants(self, level: Level, offset: int, code: str) -> bool:
        """Count a finding; True when it may still be listed (then :meth:`add` it)."""
        self.counts[level] = self.counts.get(level, 0) + 1
        key = (offset, code, self._seq)
        bound = self._bound.get(level)
        if bound is not None and key >= bound:
            return False
        kept = self._kept.get(level)
        # limit + 1 kept ones that all come first: this one can be neither listed nor lead the summary
        return kept is None or len(kept) <= self.limit or key < self._last[level]

    def add(self, level: Level, offset: int, code: str, item: Any) -> None:
        self._seq += 1
        kept = self._kept.setdefault(level, [])
        kept.append((offset, code, self._seq, item))
        last = self._last.get(level)
        if last is None or kept[-1][:3] > last:
            self._last[level] = kept[-1][:3]
        if len(kept) > 2 * (self.limit + 1):
            self._trim(level)

    def _trim(self, level: Level) -> None:
        kept = self._kept[level]
        kept.sort(key=lambda k: k[:3])
        del kept[self.limit + 1 :]
        self._bound[level] = self._last[level] = kept[-1][:3]

    def result(self) -> tuple[list[Any], tuple[Level, int, dict[Level, int], Any] | None]:
        """The listed items, and (level, total, dropped per level, first dropped item) or None."""
        for level in self._kept:
            self._trim(level)
        total = sum(self.counts.values())
        if total <= self.limit:
            return [k[3] for level in self._kept for k in self._kept[level]], None
        listed: list[Any] = []
        dropped: dict[Level, int] = {}
        first: tuple[int, int, str, int, Any] | None = None
        for level in sorted(self._kept, reverse=True):
            kept = self._kept[level]
            take = min(len(kept), self.limit - len(listed))
            listed.extend(k[3] for k in kept[:take])
            if self.counts[level] > take:
                dropped[level] = self.counts[level] - take
                offset, code, seq, item = kept[take]
                key = (offset, -level, code, seq, item)
                if first is None or key[:4] < first[:4]:
                    first = key
        assert first is not None
        return listed, (max(dropped), total, dropped, first[4])
