"""Plain-text, Markdown and HTML files read piece by piece, so checking one never holds it whole.

:func:`cxkb.checker.documents.read_document` reads a file into memory, decodes it and
masks it: three copies of the text, four bytes a character as soon as one emoji is in it,
and for Markdown and HTML the parsers' token lists on top. :class:`StreamedFile` reads it
twice instead, in pieces that end at a line break:

1. to refuse what cannot be checked, with the same message and precedence as
   ``read_document`` (size, emptiness, NUL bytes, UTF-8, line length), and to detect the
   language from the same first 100,000 masked characters (for Markdown and HTML the
   start is masked by the kind's masker, :mod:`cxkb.checker.pieces`);
2. to hand the masked pieces to the checker, keeping track of the ``cxkb-check``
   directives on the way.

A directive comment may span lines, so a piece never ends inside an open ``<!--``; URLs
and e-mail addresses never span one, so masking a piece masks what masking the whole
text would. A Word document's paragraphs are taken one by one from its archive
(:mod:`cxkb.checker.docx_text`) and joined by line breaks.

In pass 2 a piece may also end after a space or tab inside a long line, so that a line of
a million characters is not held whole more often than it must be (four bytes a character
once it holds an emoji, and in several copies on its way to the matcher). In plain text
such a space is never masked (a piece never ends inside an open directive), URLs and e-mail
addresses hold no white space, and the look-behinds that find them treat a space and a
piece's start alike, so the cut masks as a line break does. The Markdown and HTML maskers
take pieces ending anywhere after a space and decide themselves where their own pieces end
(:mod:`cxkb.checker.pieces`). Pass 1 keeps whole lines: it must see each line's length, and
it holds one piece at a time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from cxkb.checker.comments import Suppressions, advance
from cxkb.checker.documents import (
    MAX_DOCX_PART_SIZE,
    MAX_FILE_SIZE,
    MAX_LINE,
    InputError,
    _read_bytes,
    _too_big,
    choose_language,
    line_too_long,
)
from cxkb.checker.masking import _TICKS, FRONT_CLOSER, mask_text
from cxkb.checker.pieces import Ends, HtmlMasker, MarkdownMasker, after_space, open_directive

STREAMED = ("text", "markdown", "html", "docx")
"""The kinds :class:`StreamedFile` reads: every kind the checker knows."""

_WHITE = re.compile(r"[ \t]")
_SAMPLE = 100_000  # characters language detection reads (as detect_language's default)
_READ = 1 << 17
"""Bytes per read: a piece is about this many characters, up to four bytes each once decoded."""


class TextMasker:
    """Plain text: a piece is masked once no directive comment is open in it, or once no ``-->``
    is left to close one (``ends``: as for :class:`MarkdownMasker`)."""

    lang: str | None = None

    def __init__(self, ends: Ends | None = None) -> None:
        self._pending = ""
        self._last_close = None if ends is None else ends.comment
        self._fed = 0

    def feed(self, source: str) -> Iterator[tuple[str, str]]:
        self._pending += source
        self._fed += len(source)
        if open_directive(self._pending, self._last_close, self._fed):
            return  # a directive may close further on
        yield self._pending, mask_text(self._pending)
        self._pending = ""

    def close(self) -> Iterator[tuple[str, str]]:
        if self._pending:
            yield self._pending, mask_text(self._pending)


Masker = TextMasker | MarkdownMasker | HtmlMasker


def masker_for(kind: str, ends: Ends | None = None) -> Masker:
    if kind == "markdown":
        return MarkdownMasker(ends=ends)
    if kind == "html":
        return HtmlMasker()
    return TextMasker(ends)


class StreamedFile:
    """A document file, checked (pass 1) when opened and read in masked pieces (pass 2) after."""

    def __init__(
        self,
        path: Path,
        name: str | None = None,
        *,
        kind: str = "text",
        lang: str | None = None,
        max_line: int = MAX_LINE,
        max_size: int = MAX_FILE_SIZE,
        max_part: int = MAX_DOCX_PART_SIZE,
    ) -> None:
        if kind not in STREAMED:
            raise ValueError(f"no reader for {kind} files")
        self.path = path
        self.name = name or path.as_posix()
        self.kind = kind
        self.max_size = max_size
        self.max_part = max_part
        self.bom = False
        self.has_dotted_capital = False  # U+0130 lower-cases to two characters (see Matcher.scan)
        self.ends: Ends | None = None  # where markup can still close, once pass 1 has read the file
        self._last_html_tag = -1  # where the last <html> tag may start (its lang is the document's)
        sample = self._validate_docx(max_line) if kind == "docx" else self._validate(max_line)
        declared = None
        if kind in ("markdown", "html"):
            sample, declared = self._survey()
        self.lang, self.lang_origin = choose_language(sample, lang, declared, self.kind)
        self.suppressed = Suppressions()

    @property
    def fixable(self) -> bool:
        """Only plain-text formats can be rewritten in place (not .docx)."""
        return self.kind != "docx"

    # -- pass 1 ---------------------------------------------------------------------------

    def _validate(self, max_line: int) -> str:
        """Refuse the file as ``read_document`` would; return the masked start for language detection."""
        tally = _Tally(self.name, max_line, self.kind)
        nonblank_raw = False
        utf8: InputError | None = None
        head = b""
        for raw, offset in self._raw_pieces():
            if len(head) < 8192:
                head += raw[: 8192 - len(head)]
            if self.kind == "html" and b"<html" in raw.lower():
                self._last_html_tag = offset + raw.lower().rfind(b"<html")
            nonblank_raw = nonblank_raw or bool(raw.strip())
            if utf8 is not None:
                continue
            try:
                source = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                at = offset + exc.start
                utf8 = InputError(
                    self.name,
                    f"not valid UTF-8 (byte {at}): save the file as UTF-8",
                    tally.line + raw[: exc.start].count(b"\n") + 1,
                )
                continue
            if offset == 0 and source.startswith("\ufeff"):
                self.bom = True
                source = source[1:]
            tally.add(source)
        if not nonblank_raw:
            raise InputError(self.name, "empty file: nothing to check")
        if b"\x00" in head:
            raise InputError(self.name, "binary file (it contains NUL bytes): not a text document")
        if utf8 is not None:
            raise utf8
        return self._settle(tally)

    def _validate_docx(self, max_line: int) -> str:
        """:meth:`_validate` for a Word document: its paragraphs are its lines."""
        fd = _open(self.path, self.name, self.max_size)
        with os.fdopen(fd, "rb") as fh:  # read_document refuses white space before it opens the zip
            while chunk := fh.read(_READ):
                if chunk.strip():
                    break
            else:
                raise InputError(self.name, "empty file: nothing to check")
        tally = _Tally(self.name, max_line, self.kind)
        for source, _ in self._docx_pieces():
            tally.add(source)
        return self._settle(tally)

    def _settle(self, tally: _Tally) -> str:
        """The checks that need the whole text, in read_document's order; the masked start."""
        self.ends = tally.ends()
        self.has_dotted_capital = tally.dotted
        if not tally.nonblank:
            raise InputError(self.name, "empty file: nothing to check")
        if tally.too_long is not None:
            raise tally.too_long
        if tally.dotted and self.kind not in ("markdown", "html"):  # their masker decides (see _survey)
            self.has_dotted_capital = self._dotted_where_shown()
        start = "".join(tally.sample)
        cut = start.find("-->", _SAMPLE)  # mask as the whole text would: directives end to end
        start = start[: len(start) if cut < 0 else cut + 3]
        return mask_text(start)[:_SAMPLE]

    def _survey(self) -> tuple[str, str | None]:
        """The masked start and the declared language of a Markdown or HTML file.

        The kind's masker runs over as much of the file as these need: the first 100,000
        masked characters; for HTML up to its last ``<html`` tag, whose ``lang`` counts; and
        to the end if the file holds U+0130, which matters only where it is not masked.
        """
        masker = masker_for(self.kind, self.ends)
        sample: list[str] = []
        sampled = 0
        dotted = self.has_dotted_capital
        self.has_dotted_capital = False
        pieces = self._decoded()
        for source, at in pieces:
            for _, masked in masker.feed(source):
                if sampled < _SAMPLE:
                    sample.append(masked)
                    sampled += len(masked)
                self.has_dotted_capital = self.has_dotted_capital or "\u0130" in masked
            if sampled >= _SAMPLE and at + len(source.encode("utf-8")) > self._last_html_tag and not dotted:
                pieces.close()
                break
        else:
            for _, masked in masker.close():
                sample.append(masked)
                self.has_dotted_capital = self.has_dotted_capital or "\u0130" in masked
        return "".join(sample)[:_SAMPLE], masker.lang

    def _dotted_where_shown(self) -> bool:
        """Whether U+0130 is in the text where masking leaves it (not in a directive, say): read once
        more, only for the rare file that holds it at all, so that pass 1 holds nothing back."""
        masker = masker_for(self.kind, self.ends)
        for source, _ in self._decoded(inside=True):
            if any("\u0130" in masked for _, masked in masker.feed(source)):
                return True
        return any("\u0130" in masked for _, masked in masker.close())

    def _decoded(self, inside: bool = False) -> Iterator[tuple[str, int]]:
        """Decoded pieces and the byte offset of each, without the byte-order mark.

        With ``inside``, a piece of a long line may end after a space or tab (see the module's
        docstring).
        """
        if self.kind == "docx":
            yield from self._docx_pieces(inside)
            return
        for raw, at in self._raw_pieces(inside):
            try:
                source = raw.decode("utf-8")
            except UnicodeDecodeError:  # the file changed since it was validated
                raise InputError(self.name, "changed while it was checked: not checked") from None
            if at == 0 and self.bom:
                source = source[1:]
            yield source, at

    def _docx_pieces(self, inside: bool = False) -> Iterator[tuple[str, int]]:
        """A Word document's paragraphs joined by line breaks, in pieces ending at one (but the last).

        With ``inside``, a paragraph longer than two reads is handed on in pieces ending after
        a space or tab, as a long line of a text file is.
        """
        from cxkb.checker.docx_text import docx_paragraphs

        fd = _open(self.path, self.name, self.max_size)
        with os.fdopen(fd, "rb") as fh:
            held: list[str] = []
            size = 0
            for paragraph in docx_paragraphs(fh, self.name, max_part=self.max_part, max_chars=self.max_size):
                if size >= _READ:  # another paragraph follows: the held ones end with a line break
                    yield "\n".join(held) + "\n", 0
                    held, size = [], 0
                if inside and len(paragraph) > 2 * _READ:
                    if held:
                        yield "\n".join(held) + "\n", 0
                    last = ""
                    for piece in _after_spaces(paragraph):  # all but the last piece go now
                        if last:
                            yield last, 0
                        last = piece
                    paragraph, held, size = last, [], 0
                held.append(paragraph)
                size += len(paragraph) + 1
            if held:
                yield "\n".join(held), 0

    def _raw_pieces(self, inside: bool = False) -> Iterator[tuple[bytes, int]]:
        """The file's bytes in pieces ending at a line break, or with ``inside`` at a space or tab
        where a whole read holds no line break (none of those bytes is ever inside a character)."""
        fd = _open(self.path, self.name, self.max_size)
        try:
            total = 0
            rest = b""
            while True:
                try:
                    chunk = os.read(fd, _READ)
                except OSError as exc:
                    raise InputError(self.name, f"cannot read: {exc.strerror or exc}") from None
                if not chunk:
                    break
                total += len(chunk)
                if total > self.max_size:
                    raise InputError(self.name, _too_big(total, self.max_size, grew=True))
                data = rest + chunk
                cut = data.rfind(b"\n") + 1
                if not cut and inside:
                    cut = max(data.rfind(b" "), data.rfind(b"\t")) + 1
                if cut:
                    yield data[:cut], total - len(data)
                    rest = data[cut:]
                else:
                    rest = data
            if rest:
                yield rest, total - len(rest)
        finally:
            os.close(fd)

    # -- pass 2 ---------------------------------------------------------------------------

    def pieces(self) -> Iterator[tuple[str, str]]:
        """(source, masked text) pieces in order; directives are recorded as they pass."""
        masker = masker_for(self.kind, self.ends)
        pending_s = pending_t = ""
        offset = line = column = 0
        for source, _ in self._decoded(inside=True):
            for piece in masker.feed(source):
                pending_s, pending_t = pending_s + piece[0], pending_t + piece[1]
                if open_directive(pending_s, None if self.ends is None else self.ends.comment, offset + len(pending_s)):
                    continue  # a directive may close further on
                self.suppressed.feed(pending_s, offset, line, column)
                yield from _slices(pending_s, pending_t)
                offset += len(pending_s)
                line, column = advance(pending_s, 0, len(pending_s), line, column)
                pending_s = pending_t = ""
        for piece in masker.close():
            pending_s, pending_t = pending_s + piece[0], pending_t + piece[1]
        if pending_s:
            self.suppressed.feed(pending_s, offset, line, column)
            yield from _slices(pending_s, pending_t)


class _Tally:
    """What pass 1 learns from the decoded text, piece by piece, as read_document learns it whole."""

    def __init__(self, name: str, max_line: int, kind: str) -> None:
        self.name, self.max_line, self.kind = name, max_line, kind
        self.nonblank = False
        self.too_long: InputError | None = None
        self.line = 0
        self.sample: list[str] = []
        self._sampled = 0
        self.dotted = False  # U+0130 anywhere in the text; whether masking leaves it is decided after
        self.chars = 0
        self.last_close = 0  # where the last '-->' ends (pieces end at a line break: none is cut in two)
        self.last_gt = 0  # where the last '>' ends
        # Markdown only: where the last run of backticks of each width ends, and whether a line after
        # the first could close front matter (see pieces.Ends)
        self.ticks: dict[int, int] | None = {} if kind == "markdown" else None
        self.front = False

    def ends(self) -> Ends:
        """Where the markup of the text added so far can still close, for pass 2's masker."""
        return Ends(self.last_close, self.last_gt, self.ticks, self.front)

    def add(self, source: str) -> None:
        self.nonblank = self.nonblank or bool(source.strip())
        self.dotted = self.dotted or "\u0130" in source
        if (close := source.rfind("-->")) >= 0:
            self.last_close = self.chars + close + 3
        if (gt := source.rfind(">")) >= 0:
            self.last_gt = self.chars + gt + 1
        if self.ticks is not None:
            if "`" in source:
                for run in _TICKS.finditer(source):
                    self.ticks[run.end() - run.start()] = self.chars + run.end()
            if not self.front:
                self.front = FRONT_CLOSER.search(source, 0 if self.chars else source.find("\n") + 1) is not None
        self.chars += len(source)
        if self.too_long is None:
            self.too_long = line_too_long(source, self.name, self.max_line, self.line)
        self.line += source.count("\n")
        if self._sampled < _SAMPLE:
            self.sample.append(source)
            self._sampled += len(source)


def _after_spaces(text: str) -> Iterator[str]:
    """``text`` in pieces of about :data:`_READ` characters, each but the last ending after a space or tab."""
    pos = 0
    while len(text) - pos > 2 * _READ:
        cut = after_space(text, pos, pos + _READ)
        if cut <= pos:  # no white space in reach: the next after it
            found = _WHITE.search(text, pos + _READ)
            if found is None:
                break
            cut = found.end()
        yield text[pos:cut]
        pos = cut
    yield text[pos:]


def _slices(source: str, text: str) -> Iterator[tuple[str, str]]:
    """A masked piece handed on in slices of at most about :data:`_READ` characters.

    The windows copy what they are given into their buffer, and a Markdown piece may hold
    lines of a million characters: given whole, it would be held twice.
    """
    if len(source) <= 2 * _READ:
        yield source, text
        return
    for i in range(0, len(source), _READ):
        yield source[i : i + _READ], text[i : i + _READ]


def _open(path: Path, shown: str, max_size: int) -> int:
    """An open descriptor of a regular file of at most ``max_size`` bytes (see ``_read_bytes``)."""
    from cxkb.checker import documents

    try:
        documents._refuse_type(os.stat(path).st_mode, shown)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except InputError:
        raise
    except OSError:
        _read_bytes(path, shown, max_size)  # the same refusal as read_document gives
        raise  # pragma: no cover - _read_bytes raised
    try:
        info = os.fstat(fd)
        documents._refuse_type(info.st_mode, shown)
        if info.st_size > max_size:
            raise InputError(shown, _too_big(info.st_size, max_size))
    except BaseException:
        os.close(fd)
        raise
    return fd
