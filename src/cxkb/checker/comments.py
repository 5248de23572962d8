"""HTML comments in Markdown, found the way CommonMark renders them.

A comment that starts a line (after at most three spaces) is an HTML block: it hides
everything up to its ``-->``, or to the end of the document when none comes. Anywhere else
``<!--`` starts inline HTML, which must close before the paragraph ends (a blank line) or
stays text. See :mod:`cxkb.checker.pieces` for how a document read in pieces keeps that.

The scan is written with ``str.find`` rather than one regular expression: a pattern that
has to look for the end of a paragraph at every ``<!--`` of a long paragraph goes over the
same text again for each one, and a line of many unclosed openers (hostile or merely
careless input) then takes time that grows with the square of its length. Here the next
``-->`` and the next blank line are each found once and kept until the scan passes them.

The checker's own directives are comments too (``<!-- cxkb-check off -->``): :class:`Suppressions`
reads them, for a document held whole and for one read in pieces alike.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator, Sequence

BLANK_LINE = re.compile(r"\n[ \t]*\n")
"""A line holding nothing but spaces and tabs: where a paragraph, and inline HTML, ends."""

OPEN, CLOSE = "<!--", "-->"


def _starts_line(text: str, at: int) -> bool:
    """Whether ``<!--`` at ``at`` opens an HTML block: at most three spaces since the line began."""
    start = at
    while start > 0 and at - start < 4 and text[start - 1] == " ":
        start -= 1
    return at - start <= 3 and (start == 0 or text[start - 1] == "\n")


def _comments(text: str) -> Iterator[tuple[int, int, bool]]:
    """Each comment hidden in ``text``: its start, its end, and whether it is a block left open."""
    at = text.find(OPEN)
    close = blank = -2  # -2: not looked for yet; -1: there is none after the last look
    while at >= 0:
        body = at + len(OPEN)
        if close == -2 or 0 <= close < body:
            close = text.find(CLOSE, body)
        if _starts_line(text, at):
            end = close + len(CLOSE) if close >= 0 else len(text)
            yield at, end, close < 0
            at = text.find(OPEN, end)
            continue
        if close >= 0:
            if blank == -2 or 0 <= blank < body:
                found = BLANK_LINE.search(text, body)
                blank = found.start() if found else -1
            if blank < 0 or blank >= close:
                yield at, close + len(CLOSE), False
                at = text.find(OPEN, close + len(CLOSE))
                continue
        at = text.find(OPEN, at + 1)


def comment_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that its comments hide."""
    return [(start, end) for start, end, _ in _comments(text)]


def comment_left_open(text: str, inline: bool = True) -> bool:
    """Whether a comment in ``text`` may yet close after its end: a block comment still open, or an
    inline ``<!--`` after the last comment with no blank line after it (then neither has any before).

    Without ``inline`` the caller knows that no ``-->`` follows the text: an inline ``<!--`` left
    open is then plain text for good (CommonMark takes inline HTML only whole), while a block
    comment left open still hides the rest of its container.
    """
    last = 0
    for _, end, left_open in _comments(text):
        if left_open:
            return True
        last = end
    if not inline:
        return False
    opener = text.rfind(OPEN, last)
    return opener >= 0 and BLANK_LINE.search(text, opener) is None


DIRECTIVE_WORD = "cxkb-check"
"""The word that makes a comment a checker directive: ``<!-- cxkb-check off -->``."""
DIRECTIVES = ("off", "on", "disable-next-line")
_DIRECTIVE = re.compile(r"<!--\s*" + re.escape(DIRECTIVE_WORD) + r"\b")


def directives(text: str) -> Iterator[tuple[int, int, str]]:
    """Each directive in ``text``: its start, its end, and what it says (between the word and ``-->``).

    A directive ends at the first ``-->`` after its word. When none comes, no later one can close
    either, so the scan stops there rather than looking for an end again from every opener.
    """
    at = 0
    while (opened := _DIRECTIVE.search(text, at)) is not None:
        close = text.find(CLOSE, opened.end())
        if close < 0:
            return
        yield opened.start(), close + len(CLOSE), text[opened.end() : close]
        at = close + len(CLOSE)


def _prefix_pattern(word: str) -> str:
    """A pattern for any prefix of ``word``, the empty one included: ``(?:c(?:x(?:k)?)?)?``."""
    pattern = ""
    for char in reversed(word):
        pattern = f"(?:{re.escape(char)}{pattern})?"
    return pattern


DIRECTIVE_START = re.compile(
    r"<!--\s*(?:" + re.escape(DIRECTIVE_WORD) + r"\b|" + _prefix_pattern(DIRECTIVE_WORD) + r"\Z)"
)
"""The start of a directive, or as much of one as a text cut anywhere after ``<!--`` holds."""


def within(regions: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` falls in one of ``regions`` (sorted, none overlapping). A document may
    switch the checker off and on thousands of times, and every match is asked about."""
    i = bisect.bisect_right(regions, (offset, math.inf)) - 1
    return i >= 0 and regions[i][0] <= offset < regions[i][1]


def advance(text: str, start: int, end: int, line: int, column: int) -> tuple[int, int]:
    """The 0-based line and column of ``text[end]``, given those of ``text[start]``.

    A document read in pieces or windows knows where each starts only by counting on from
    where the one before started.
    """
    breaks = text.count("\n", start, end)
    if not breaks:
        return line, column + end - start
    return line + breaks, end - text.rfind("\n", start, end) - 1


class Suppressions:
    """The ``cxkb-check`` directives of a document: what they switch off, and those not understood.

    A document in memory is fed whole, a file read in pieces one piece at a time, so both are
    read by one set of rules: ``off`` to ``on`` (or to the end), the line after
    ``disable-next-line``, and a message for any other word.
    """

    def __init__(self) -> None:
        self.regions: list[tuple[int, int]] = []  # in document order, so within() can bisect them
        self.off_from: int | None = None
        self.lines: set[int] = set()  # 0-based lines switched off by disable-next-line
        self.problems: list[tuple[int, str, int, int]] = []  # offset, message, 1-based line and column

    def feed(self, source: str, offset: int = 0, line: int = 0, column: int = 0) -> None:
        """The directives in a piece starting at ``offset``, on 0-based ``line`` and ``column``."""
        if OPEN not in source:
            return
        counted, at_line, at_column = 0, line, column  # where the lines were counted to, for the next one
        for start, end, said in directives(source):
            word = " ".join(said.split())
            if word == "off":
                if self.off_from is None:
                    self.off_from = offset + end
            elif word == "on":
                if self.off_from is not None:
                    self.regions.append((self.off_from, offset + start))
                    self.off_from = None
            elif word == "disable-next-line":
                at_line, at_column = advance(source, counted, end, at_line, at_column)
                counted = end
                self.lines.add(at_line + 1)
            else:
                at_line, at_column = advance(source, counted, start, at_line, at_column)
                counted = start
                message = f"unknown cxkb-check directive {word!r}: use {', '.join(DIRECTIVES)}"
                self.problems.append((offset + start, message, at_line + 1, at_column + 1))

    @property
    def active(self) -> bool:
        return bool(self.regions or self.lines) or self.off_from is not None

    def __call__(self, offset: int, line: int) -> bool:
        """Whether a match at document ``offset`` on 0-based ``line`` is switched off."""
        if self.off_from is not None and offset >= self.off_from:
            return True
        return line in self.lines or within(self.regions, offset)
