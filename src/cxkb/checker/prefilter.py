"""Which words of a text can start a label: the rule that lets the matcher skip the rest.

Looking up every word of a long document costs a Python call per word; most words are
not CX vocabulary. A word is a *candidate* when

- it starts the text or follows a word separator (:data:`WORD_START`) and begins with a
  stem of a first label word, or is a short first label word (CX, NPS, co-, reis) with at
  most a plural ending (:data:`ENDINGS`) and a separator or the end of the text after it; or
- it contains a cue (klant, customer, beleving …) anywhere, for unknown-term detection.

The rule is part of what a match is, so every way of finding candidates gives the same
words: a word-by-word scan (the reference), one compiled regular expression, or an
Aho-Corasick automaton (pyahocorasick, C) when that package is installed, which is the
fastest. The tests compare all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
TOKEN = re.compile(TOKEN_PATTERN)

WORD_START = " \t\n\r\f\v\u00a0\u2007\u202f\u2009\x00()[]{}<>\"'‘’‚“”„«»‹›-‐‑–—/\\|:;,.!?*_~+=&#@%…•·`"
"""Separators: a word starts after one of these (or at the start of the text), and a short
first label word must be followed by one (or the end of the text)."""

ENDINGS = ("", "s", "e", "en", "es", "'s", "’s")
"""What may follow a short first label word (two letters or more) in the same word."""

HYPHENS = frozenset("-\u2010\u2011\u2013")
"""Hyphens that join the words of a label (or of a compound written apart)."""

_CLASS = "[" + "".join(re.escape(c) for c in WORD_START) + "]"
_STARTS_WORD = frozenset(WORD_START)
_ANCHORED, _SHORT, _CUE = 1, 2, 0

try:  # the C automaton is optional; the regular expression gives the same result
    import ahocorasick as _ahocorasick
except ImportError:  # pragma: no cover - depends on the environment
    _ahocorasick = None


def trie_pattern(strings: set[str]) -> str:
    """One regular expression for a set of literal strings, factored as a trie (fast in re)."""
    trie: dict[str, Any] = {}
    for s in strings:
        node = trie
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}
    return "(?:" + _trie_regex(trie) + ")"


def _trie_regex(node: dict[str, Any]) -> str:
    parts = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in node else body


def minimal_substrings(strings: set[str]) -> set[str]:
    """Drop strings that contain a shorter one: for a substring test the short one suffices."""
    keep: list[str] = []
    for s in sorted(strings, key=lambda x: (len(x), x)):
        if not any(k in s for k in keep):
            keep.append(s)
    return set(keep)


def minimal_prefixes(strings: set[str]) -> set[str]:
    """Drop strings that start with a shorter one: for a word-start test the short one suffices."""
    keep: list[str] = []
    for s in sorted(strings, key=lambda x: (len(x), x)):
        if not any(s.startswith(k) for k in keep):
            keep.append(s)
    return set(keep)


def token_start(text: str, p: int) -> int:
    """The start of the word containing position ``p`` (mirrors :data:`TOKEN`)."""
    s = p
    while s > 0:
        ch = text[s - 1]
        inner_apostrophe = ch in "'’" and s >= 2 and text[s - 2].isalnum() and text[s].isalnum()
        if not (ch.isalnum() or inner_apostrophe):
            break
        s -= 1
    return s


class Prefilter:
    """Finds candidate words; ``stems`` and ``short`` start labels, ``cues`` may be anywhere."""

    def __init__(self, stems: set[str], short: set[str], cues: set[str]) -> None:
        cues = minimal_substrings({c for c in cues if c})
        stems = {s for s in minimal_prefixes({s for s in stems if s}) if not any(c in s for c in cues)}
        # short words: not those a stem or cue covers, nor a short word plus an ending
        short = {s for s in short if s and not any(c in s for c in cues) and not any(s.startswith(t) for t in stems)}
        short = {s for s in short if not any(s == k + x for k in short for x in ENDINGS[1:] if len(k) > 1)}
        self.stems, self.cues = stems, cues
        self.short = {s for s in short if len(s) > 1}
        self.single = {s for s in short if len(s) == 1}
        starts = []
        if stems or cues:
            starts.append(trie_pattern(stems | cues))
        after = rf"(?={_CLASS}|\Z)"
        if self.short:
            endings = "|".join(re.escape(x) for x in ENDINGS[1:])
            starts.append(trie_pattern(self.short) + f"(?:{endings})?" + after)
        if self.single:
            starts.append(trie_pattern(self.single) + after)
        begin = "(?:" + "|".join(starts) + ")" if starts else r"(?!x)x"
        cue = trie_pattern(cues) if cues else r"(?!x)x"
        # the reference test of one word, at its place in the text
        self._check_source = rf"(?:(?<={_CLASS})|\A){begin}|{cue}"
        # one pass over a text padded with separators: a candidate word is taken whole
        self._scan_source = rf"{_CLASS}(?={begin})(?P<w>{TOKEN_PATTERN})|{cue}"
        self._automaton = self._build_automaton() if _ahocorasick is not None else None

    def _build_automaton(self) -> Any:
        automaton = _ahocorasick.Automaton()
        # values: (kind, how far back from the key's last character the word or cue starts)
        for sep in WORD_START:
            for s in self.stems:
                automaton.add_word(sep + s, (_ANCHORED, len(s)))
        for after in WORD_START:
            for s in self.short:
                for x in ENDINGS:
                    automaton.add_word(s + x + after, (_SHORT, len(s + x) + 1))
            for s in self.single:  # one letter: also the separator before, or every word ending in it hits
                for sep in WORD_START:
                    automaton.add_word(sep + s + after, (_SHORT, len(s) + 1))
        for s in self.cues:
            automaton.add_word(s, (_CUE, len(s)))
        if len(automaton) == 0:
            return None
        automaton.make_automaton()
        return automaton

    # The expressions are compiled when first used: the automaton answers the common case,
    # and a cached index (see cxkb.checker.vocab.cached_index) then loads without compiling them.
    @cached_property
    def _check(self) -> re.Pattern[str]:
        return re.compile(self._check_source)

    @cached_property
    def _scan(self) -> re.Pattern[str]:
        return re.compile(self._scan_source)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_check", "_scan")}

    @property
    def engines(self) -> tuple[str, ...]:
        return ("automaton", "regex") if self._automaton is not None else ("regex",)

    def is_candidate(self, word: str) -> bool:
        """Whether a lower-case word, on its own, is a candidate."""
        return self._check.search(word) is not None

    def full(self, text: str, lowered: str | None) -> Iterator[tuple[int, int]]:
        """Every word, tested one by one (the reference; also for texts whose case changes length).

        The test sees the character after the word too, which decides whether a short
        word stands alone.
        """
        check = self._check.search
        n = len(text)
        for m in TOKEN.finditer(text):
            s, e = m.span()
            end = min(e + 1, n)
            hit = check(lowered, s, end) if lowered is not None else check(text[s:end].lower())
            if hit is not None:
                yield s, e

    def quick(self, text: str, lowered: str, engine: str | None = None) -> Iterator[tuple[int, int]]:
        """Candidate words, in order, without looking at the others."""
        padded = "\n" + lowered + "\n"
        if (engine or self.engines[0]) == "automaton" and self._automaton is not None:
            return self._by_automaton(text, padded)
        return self._by_regex(text, padded)

    def _by_regex(self, text: str, padded: str) -> Iterator[tuple[int, int]]:
        last_end = -1
        token_match = TOKEN.match
        for hit in self._scan.finditer(padded):
            s = hit.start("w") - 1  # offsets in ``padded`` are one more than in ``text``
            if s >= 0:
                if s > 0 and text[s - 1] in "'’" and s >= 2 and text[s - 2].isalnum():
                    s = token_start(text, s)
                    e = token_match(text, s).end()  # type: ignore[union-attr]
                else:
                    e = hit.end("w") - 1
            else:
                p = hit.start() - 1
                if p < last_end:
                    continue
                s = token_start(text, p)
                e = token_match(text, s).end()  # type: ignore[union-attr]
            if s < last_end:
                continue
            last_end = e
            yield s, e

    def _by_automaton(self, text: str, padded: str) -> Iterator[tuple[int, int]]:
        last_end = -1
        token_match = TOKEN.match
        starts_word = _STARTS_WORD
        for end, (kind, n) in self._automaton.iter(padded):  # type: ignore[union-attr]
            p = end - n  # start of the word or cue in ``text`` (``padded`` has one more character in front)
            if p < last_end:
                continue
            if kind == _CUE:
                s = token_start(text, p)
            else:
                if kind == _SHORT and p > 0 and text[p - 1] not in starts_word:
                    continue
                s = p
                if s >= 2 and text[s - 1] in "'’" and text[s - 2].isalnum():
                    s = token_start(text, s)
            m = token_match(text, s)
            if m is None or s < last_end:  # pragma: no cover - a key ends in a word character
                continue
            last_end = m.end()
            yield s, last_end


def next_word(text: str, end: int) -> tuple[bool, int, int] | None:
    """The word after ``end`` if only spaces or one hyphen separate them."""
    if end < len(text) and text[end] in HYPHENS:
        m = TOKEN.match(text, end + 1)
        return (True, m.start(), m.end()) if m else None
    p = end
    while p < len(text) and text[p] in " \t\u00a0":
        p += 1
    if p == end:
        return None
    m = TOKEN.match(text, p)
    return (False, m.start(), m.end()) if m else None


def prev_word(text: str, start: int) -> tuple[bool, int, int] | None:
    """The word before ``start`` if only spaces or one hyphen separate them."""
    if start >= 2 and text[start - 1] in HYPHENS and text[start - 2].isalnum():
        s = token_start(text, start - 2)
        return True, s, start - 1
    p = start
    while p > 0 and text[p - 1] in " \t\u00a0":
        p -= 1
    if p == start or p == 0 or not text[p - 1].isalnum():
        return None
    return False, token_start(text, p - 1), p


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
