"""Checking a document window by window, so memory does not grow with its length.

A long document has tens of thousands of label matches, but a report lists at most
``max-findings`` of them per file; building a match, a mention and a finding object for
each, and holding the text several times over (as read, masked, lower-cased, padded),
took more time and memory than the matching itself. Here the text is cut into windows at
line starts and each window is matched on its own; findings go to a :class:`FindingSink`
that keeps, per level, only as many as the cap can show and counts the rest.

Cutting must not change a single match, so a window is three parts:

- *prefix*: the line before the body, read by the look-backs (is this a sentence start?);
- *body*: the lines whose matches and cue words this window reports;
- *look-ahead*: ``depth + 1`` more lines. A label spans at most ``depth`` words with at
  most one line break between two of them, so a match starting in the body ends in the
  look-ahead at the latest; word-family gaps, cue phrases and context cues never cross a
  line break at all.

A match from one body that runs into the next is carried over: the next window starts
matching after it and still sees it when deciding whether a gapped form or a cue phrase
clashes with a label.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cxkb.checker.abbreviations import Abbreviations
from cxkb.checker.documents import line_starts
from cxkb.checker.vocab import Match, Matcher, ScanResult
from cxkb.findings import Level

WINDOW = 1 << 17
"""Characters per window body (before rounding to a line start): large enough that the
per-window overhead is negligible, small enough that a window's copies (masked, lower-cased,
padded) stay a few MB whatever the document's length."""


@dataclass
class Window:
    """A stretch of a document: ``source`` and masked ``text`` of the same length.

    ``offset`` is the document offset of the window's first character and ``line`` its
    0-based line; the window starts at a line start. ``start:end`` is the body.
    """

    offset: int
    line: int
    source: str
    text: str
    start: int
    end: int
    last: bool

    def __post_init__(self) -> None:
        self._starts = line_starts(self.source)

    def position(self, local: int) -> tuple[int, int]:
        """1-based line and column of a window offset (as :meth:`Document.position` gives)."""
        i = bisect.bisect_right(self._starts, local) - 1
        return self.line + i + 1, local - self._starts[i] + 1

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


def windows(pieces: Iterator[tuple[str, str]], depth: int, size: int = WINDOW) -> Iterator[Window]:
    """Windows over a stream of pieces (each ending at a line end, but the last)."""
    ahead = depth + 1
    carry_s, carry_t = "", ""
    prefix = 0  # length of the prefix line at the start of carry
    offset = line = 0
    done = False
    while True:
        want = size
        parts_s, parts_t = [carry_s], [carry_t]
        n = len(carry_s)
        body_end = -1
        while True:
            while not done and n - prefix < want:
                piece = next(pieces, None)
                if piece is None:
                    done = True
                    break
                parts_s.append(piece[0])
                parts_t.append(piece[1])
                n += len(piece[0])
            src = "".join(parts_s) if len(parts_s) > 1 else parts_s[0]
            done = done or not src.endswith("\n")  # only the last piece may end without a line break
            if done:
                body_end = len(src)
                break
            p = len(src) - 1  # the final line break
            for _ in range(ahead):
                p = src.rfind("\n", prefix, p)
                if p < 0:
                    break
            if p >= prefix:
                body_end = p + 1
                break
            want *= 2  # too few lines for a look-ahead: read more
            parts_s, parts_t = [src], ["".join(parts_t)]
        txt = "".join(parts_t) if len(parts_t) > 1 else parts_t[0]
        yield Window(offset, line, src, txt, prefix, body_end, done)
        if done:
            return
        keep = src.rfind("\n", 0, body_end - 1) + 1  # the body's last line becomes the next prefix
        carry_s, carry_t = src[keep:], txt[keep:]
        prefix = body_end - keep
        line += src.count("\n", 0, keep)
        offset += keep


def scan_window(matcher: Matcher, window: Window, carried: Match | None, covered: int, gapped_ok: bool) -> ScanResult:
    """Matches and cue words starting in the window's body, as a scan of the whole text finds them.

    ``carried`` is the previous body's last match (window offsets) when it reaches into this
    window, ``covered`` where the matching may begin. ``gapped_ok`` is the whole document's
    answer to whether word-family gaps are looked for (not when lower-casing changes its length).
    """
    text = window.text
    lowered = text.lower()
    prefilter = matcher.index.prefilter
    if len(lowered) == len(text):
        starts: Any = prefilter.quick(text, lowered)
    else:
        starts = prefilter.full(text, None)
    start, end = window.start, window.end
    result = matcher._process(text, starts, max(covered, start), end)
    if carried is not None:
        result.matches.insert(0, carried)
    gapped = matcher.index.gapped.get(matcher.lang)
    if gapped and gapped_ok and len(lowered) == len(text):
        matcher._add_gapped(text, lowered, result, gapped)
    result.matches = [m for m in result.matches if start <= m.start < end]
    result.cue_words = [c for c in result.cue_words if c[0] >= start]
    return result


def scan_document(
    matcher: Matcher, pieces: Iterator[tuple[str, str]], gapped_ok: bool, size: int = WINDOW
) -> Iterator[tuple[Window, ScanResult, ScanResult]]:
    """Each window with its matches and cue words, and the matches that bound its cue phrases.

    Offsets are the window's; together the windows give what :meth:`Matcher.scan` gives
    for the whole text. The third item adds the match carried over from the previous
    window, which a cue phrase at the start of this one must not run into.
    """
    carried: Match | None = None  # the last match so far, in document offsets
    abbreviations = Abbreviations(matcher.index.closed_labels)
    for w in windows(pieces, matcher.index.depth, size):
        local = None
        if carried is not None and carried.end > w.offset + w.start:
            local = Match(carried.start - w.offset, carried.end - w.offset, carried.text, carried.entries)
        scan = scan_window(matcher, w, local, local.end if local is not None else -1, gapped_ok)
        abbreviations.finish(w.text, w.offset, scan.matches, w.start, w.end)
        yield w, scan, ScanResult([local, *scan.matches], scan.cue_words) if local is not None else scan
        if scan.matches:
            last = scan.matches[-1]
            carried = Match(last.start + w.offset, last.end + w.offset, last.text, last.entries)


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
