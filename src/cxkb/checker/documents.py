"""Reading prose documents for the vocabulary checker, keeping every character's place.

A finding is only useful if it points at the exact line and column, so the checker never
works on extracted or re-flowed text. Instead, everything that is not prose (Markdown
front matter, code, URLs, HTML markup and comments) is *masked* (:mod:`cxkb.checker.masking`):
overwritten in place, with line breaks kept, so an offset in the masked text is an offset in the
file. Code, URLs and comments are masked with a NUL character, which no label can cross; inline
HTML tags with a space, so ``<b>customer</b> journey`` still reads as a phrase. This module
reads files whole, refuses what cannot be checked, and picks a document's language.

Word documents (.docx) have no lines; there a "line" is a paragraph (table cells count as
paragraphs, in document order) and the column is the character within it.
"""

from __future__ import annotations

import bisect
import errno
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cxkb.checker.comments import Suppressions
from cxkb.checker.context import STOPWORDS
from cxkb.checker.masking import line_starts, mask_html, mask_markdown, mask_text
from cxkb.checker.vocab import TOKEN
from cxkb.findings import LocatedError

KINDS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
}
MAX_LINE = 1_000_000
"""Longer lines are not prose (minified files, data dumps); such files are refused."""
MAX_FILE_SIZE = 10_000_000
"""Bytes a document may have (and characters the text of a .docx may have). Prose is far
smaller; the limit keeps one stray dump or device from taking the memory of the run."""
MAX_DOCX_PART_SIZE = 50_000_000
"""Bytes a .docx part may unpack to. A few kilobytes of zip can unpack to gigabytes, so the
size in the zip's directory is checked before a part is read, and the read stops there."""
_CHUNK = 1 << 20
_FILE_TYPES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class InputError(LocatedError):
    """A file that cannot be checked at all. ``line`` is 0 when no line is to blame."""


@dataclass
class Document:
    """A document's text with non-prose masked, its language and its suppressed regions."""

    path: Path
    name: str
    kind: str
    source: str
    text: str
    lang: str
    lang_origin: str
    bom: bool = False
    suppressed: Suppressions = field(default_factory=Suppressions)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self._line_starts:
            self._line_starts = line_starts(self.source)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def is_suppressed(self, offset: int) -> bool:
        return self.suppressed(offset, self.position(offset)[0] - 1)

    @property
    def fixable(self) -> bool:
        """Only plain-text formats can be rewritten in place."""
        return self.kind in ("markdown", "text", "html")


# -- reading ------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), "text")


def read_document(
    path: Path,
    name: str | None = None,
    *,
    lang: str | None = None,
    max_line: int = MAX_LINE,
    max_size: int = MAX_FILE_SIZE,
    max_part: int = MAX_DOCX_PART_SIZE,
) -> Document:
    """Read, mask and classify one file; raise :class:`InputError` if it cannot be checked.

    Only regular files are read, and never more than ``max_size`` bytes of them: a named
    pipe would block the run for ever, a link to ``/dev/zero`` would fill the memory.
    """
    shown = name or path.as_posix()
    kind = kind_of(path)
    raw = _read_bytes(path, shown, max_size)
    if not raw.strip():
        raise InputError(shown, "empty file: nothing to check")
    if kind == "docx":
        from cxkb.checker.docx_text import docx_paragraphs  # it builds on this module

        source = "\n".join(docx_paragraphs(io.BytesIO(raw), shown, max_part=max_part, max_chars=max_size))
        bom = False
    else:
        if b"\x00" in raw[:8192]:
            raise InputError(shown, "binary file (it contains NUL bytes): not a text document")
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(shown, f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8", line) from None
        bom = source.startswith("\ufeff")
        if bom:
            source = source[1:]
    if not source.strip():
        raise InputError(shown, "empty file: nothing to check")
    _check_line_lengths(source, shown, max_line)
    doc = parse_document(source, shown, kind, lang=lang, path=path)
    doc.bom = bom
    return doc


def parse_document(
    source: str,
    name: str,
    kind: str = "text",
    *,
    lang: str | None = None,
    path: Path | None = None,
) -> Document:
    """Mask and classify text that is already in memory (``kind``: markdown, html, text, docx)."""
    front_lang = None
    if kind == "markdown":
        text, front_lang = mask_markdown(source)
    elif kind == "html":
        text, front_lang = mask_html(source)
    else:
        text = mask_text(source)
    doc = Document(path or Path(name), name, kind, source, text, "en", "default")
    doc.suppressed.feed(source)
    doc.lang, doc.lang_origin = choose_language(text, lang, front_lang, kind)
    return doc


def _refuse_type(mode: int, shown: str) -> None:
    for test, what in _FILE_TYPES:
        if test(mode):
            raise InputError(shown, f"{what}, not a regular file: only regular files are read")
    if not stat.S_ISREG(mode):
        raise InputError(shown, "not a regular file: only regular files are read")


def _read_bytes(path: Path, shown: str, max_size: int = MAX_FILE_SIZE) -> bytes:
    """The file's bytes, refusing anything that is not a regular file or is over ``max_size``.

    The type is checked before opening (``os.stat`` follows links, so a link to a device is
    refused too) and again on the open descriptor, in case the path changed in between;
    ``O_NONBLOCK`` keeps even that race from blocking on a pipe. The read stops one chunk
    past the limit, so a file that grows while it is read cannot exhaust the memory either.
    """
    try:
        _refuse_type(os.stat(path).st_mode, shown)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except PermissionError:
        raise InputError(shown, "permission denied: the file cannot be read") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(shown, "symlink loop: the link points back to itself") from None
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        _refuse_type(info.st_mode, shown)
        if info.st_size > max_size:
            raise InputError(shown, _too_big(info.st_size, max_size))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_size:
                raise InputError(shown, _too_big(total, max_size, grew=True))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _too_big(size: int, limit: int, *, grew: bool = False) -> str:
    what = f"more than {limit:,} bytes read (the file grew)" if grew else f"file is {size:,} bytes"
    return f"{what}, over the limit of {limit:,} bytes (max-file-size): not checked"


def line_too_long(text: str, shown: str, max_line: int, first_line: int = 0) -> InputError | None:
    """The error for the first line over ``max_line`` characters in ``text`` (whole lines,
    the first of them numbered ``first_line + 1``), if any."""
    start, n, length = 0, first_line + 1, len(text)
    while start <= length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        if end - start > max_line:
            return InputError(
                shown,
                f"line is {end - start:,} characters long (limit {max_line:,}): not a prose document",
                n,
            )
        start = end + 1
        n += 1
    return None


def _check_line_lengths(text: str, shown: str, max_line: int) -> None:
    error = line_too_long(text, shown, max_line)
    if error is not None:
        raise error


# -- directives and language -----------------------------------------------------------------


def detect_language(text: str, sample: int = 100_000) -> str | None:
    """'nl' or 'en' by counting function words in the first part of the text; None if unsure."""
    counts = {lang: 0 for lang in STOPWORDS}
    for m in TOKEN.finditer(text, 0, min(len(text), sample)):
        word = m.group().lower()
        for lang, words in STOPWORDS.items():
            if word in words:
                counts[lang] += 1
    best = max(sorted(counts), key=lambda lang: counts[lang])
    return best if counts[best] > 0 and list(counts.values()).count(counts[best]) == 1 else None


def choose_language(text: str, override: str | None, declared: str | None, kind: str) -> tuple[str, str]:
    """The document language and where it came from (shown in JSON output)."""
    if override:
        return override, "config"
    if declared in STOPWORDS:
        return declared, "html lang" if kind == "html" else "front matter"
    found = detect_language(text)
    if found:
        return found, "detected"
    return "en", "default"
