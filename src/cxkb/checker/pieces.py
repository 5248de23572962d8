"""Masking a Markdown or HTML file piece by piece, as it is read, as masking it whole would.

:func:`cxkb.checker.masking.mask_markdown` and :func:`~cxkb.checker.masking.mask_html`
take the whole document: markdown-it's token list and the HTML parser's ranges then take
ten to twenty times the document's size. The maskers here take the document in pieces
(each ending at a line break, or after a space or tab inside a long line) and hand back
``(source, masked)`` pieces that, joined, are exactly what masking the whole text gives,
holding only a stretch of the document at a time.

*Markdown.* A piece may end only where nothing of the whole-document masking reaches
across: at the start of a top-level block, of an item of a top-level list, or of a line of a
paragraph in quotes (in quotes) that carries all their marks and then a letter (parsing from
there finds the same code blocks after it), where no code span is open (after a blank line,
which no code span crosses, or where every backtick run since the last one has its pair:
:func:`_open_code`), and where no HTML comment or tag is still open. A piece may also end
inside a top-level paragraph, or the paragraph that ends the last item of a top-level list (or
of lists nested in it, or of quotes in that item, or of a list in a top-level quote), after a
space, where no code span, link, comment or tag can run across (:func:`_inside_paragraph`; a tag
or comment that has closed before it may precede it); the text after it is parsed behind a
stand-in for the line's start (:data:`_LEAD`), after the lines of the enclosing items' markers
and the quotes' marks in a list. Text after the last such place waits for more input; a document
without any (a tag left open in a long paragraph with a ``>`` further on, say) is held until one
comes. An inline comment left open holds nothing back once no ``-->`` can follow it, nor does a tag
left open once no ``>`` can (:class:`Ends`): either is plain text then, and so is a run of
backticks with no run of its width after it, and front matter with no line after it to close it.
Inside a top-level code fence or comment that has not closed yet, a piece may end at a line
start: the fence's lines are code and the comment's are hidden whatever follows (comments are
read as CommonMark renders them: :mod:`cxkb.checker.comments`), and the rest is parsed
behind the block's opening line (:func:`_inside_open_block`). An indented code block is cut
before a line with text after four spaces, which starts one again. What
is held may end inside a line: whether a block starts at a line start depends on that line
and the lines before it, never on text further on, so the places found before the last line
do not move when the rest of it comes.

*HTML.* :class:`html.parser.HTMLParser` reads incrementally already. What it has consumed
is classified (prose, inline tag, or masked), so everything before the parser's unread rest
can be handed on; the parser keeps the open elements. A piece ends where that rest starts
if it is a line start or follows a space or tab that stays in the masked text (prose, or an
inline tag turned into spaces): no URL or e-mail address runs across one, while masked
markup, a comment say, is a run of NUL characters a URL before it runs on into. Elsewhere
(before a tag not yet complete, after a malformed ``&#``, inside a ``<script>``) the piece
ends at that line's start. An unclosed comment or ``<script>`` keeps the rest of the file
unread, and so held, too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from cxkb.checker.comments import BLANK_LINE, DIRECTIVE_START, comment_left_open
from cxkb.checker.masking import (
    _TICKS,
    Paragraph,
    _apply,
    _ProseParser,
    after_blank_line,
    block_structure,
    markdown_passes,
    mask_front_matter,
    starts_prose,
    tag_reach,
    tag_within_reach,
    url_spans,
)

PIECE = 1 << 17
"""Characters a masker gathers before it looks for a place to cut."""

_FRONT_OPENING = re.compile(r"(?:---|\+\+\+)[ \t]*\n")
_OPEN_TAG = re.compile(r"</?[A-Za-z]")

Piece = tuple[str, str]


class Ends(NamedTuple):
    """What a first reading of a document finds about where its markup can still close.

    Where its last ``-->`` and its last ``>`` end (0 where it has none): past the first no comment
    can close, past the second no tag can. For each width of a run of backticks, where the last run
    of it ends: a run of backticks left open pairs only with a later run of its width. And whether a
    line after the first could close front matter (``---``, ``...`` or ``+++``).
    """

    comment: int
    tag: int
    ticks: dict[int, int] | None = None
    front: bool = True


class _Closers:
    """What may still close after a place in the text a Markdown masker looks at (the lead, then
    the buffer, ``length`` long), from the document's :class:`Ends`; anything may, when they are
    not known. ``shift`` turns a place in that text into a document offset, backwards."""

    def __init__(self, ends: Ends | None, shift: int, length: int, lead: int) -> None:
        self.ends, self.shift, self.lead = ends, shift, lead
        self.quiet = length + 1 if ends is None else ends.comment - shift  # no '-->' ends after it
        self.bare = length + 1 if ends is None else ends.tag - shift  # no '>' ends after it

    def pairs(self, start: int, end: int) -> bool:
        """Whether the run of backticks from ``start`` to ``end`` may pair with a run further on."""
        if self.ends is None or self.ends.ticks is None or start < self.lead:
            return True
        return self.ends.ticks.get(end - start, 0) > end + self.shift


class MarkdownMasker:
    """Markdown masked piece by piece; ``lang`` is the front matter's language, once known.

    ``ends`` is what a first reading of the file has found about where its markup can still close
    (:class:`Ends`). Past the last ``-->`` an inline ``<!--`` left open is text and holds nothing
    back; past the last ``>`` neither does a ``<`` left open; a run of backticks with no run of its
    width after it opens no code span, and front matter with no line to close it is none. Without
    ``ends``, each of them holds what follows (a comment: the rest of its paragraph) until it closes
    or the document ends.
    """

    def __init__(self, size: int | None = None, ends: Ends | None = None) -> None:
        self.size = size or PIECE
        self.lang: str | None = None
        self._ends = ends
        self._fed = 0  # characters fed so far: the buffer ends at this document offset
        self._buffer = ""
        self._lead = ""  # parsed before the buffer when it starts inside a paragraph's line
        self._first = True  # front matter is looked for at the very start only
        self._next_try = self.size

    def feed(self, source: str) -> Iterator[Piece]:
        """Pieces that can be masked now; ``source`` must end at a line break, a space or a tab
        (but the last)."""
        self._buffer += source
        self._fed += len(source)
        if len(self._buffer) >= self._next_try:
            yield from self._cut(final=False)

    def close(self) -> Iterator[Piece]:
        """The rest of the document."""
        yield from self._cut(final=True)

    def _cut(self, final: bool) -> Iterator[Piece]:
        if not self._buffer:
            return
        text = self._lead + self._buffer if self._lead else self._buffer
        if self._first:
            front = self._ends is None or self._ends.front  # no line closes it: there is none
            if not final and front and _FRONT_OPENING.match(text) and mask_front_matter(text)[0] is text:
                self._next_try = 2 * len(text)  # front matter may close further on
                return
            text, self.lang = mask_front_matter(text)
        blocks, tops, paragraph, html = block_structure(text)
        if final:
            piece = self._emit(len(text), text, blocks)
            del text  # a generator keeps its locals while it waits: lines may be a million characters
            yield piece
            return
        closers = self._closers(len(text))
        quiet, bare = closers.quiet, closers.bare
        tried = attempts = 0
        complete = text.rfind("\n") + 1  # what a line still incomplete starts with may yet change: "``` `"
        for cut in reversed(tops):
            if cut <= len(self._lead) or cut >= complete:
                continue
            if attempts == _FAILS:  # each attempt so far has failed, or the loop would have returned
                break
            if not _blank_before(text, cut):  # else the cut is likely to hold
                if tried == _TRIES:
                    continue
                tried += 1
            attempts += 1
            blocked, spanned, untagged, masked = markdown_passes(text[:cut], [b for b in blocks if b[0] < cut])
            still_open = _runs_on(blocked, spanned, untagged, cut, closers)
            del blocked, spanned, untagged  # before the piece is cut out, which copies it
            if still_open:
                continue
            piece = self._emit(cut, text, blocks, masked)
            text = masked = ""
            yield piece
            return
        cut, lead = _inside_paragraph(text, paragraph, len(self._lead), past_markup=True)
        passes = None
        if cut > 0:
            if text.find("<", 0, cut) < 0 or _markup_closed(text, cut, comments=cut < quiet, tags=cut < bare):
                passes = markdown_passes(text[:cut], blocks)
            if passes is None or _runs_on(*passes[:3], cut, closers):
                # a comment, tag or code span may close after the cut: cut before the first '<',
                # and the first backtick or bracket since the last blank line, instead; a code span
                # may still run across a blank line there, in an indented code block
                cut, lead = _inside_paragraph(text, paragraph, len(self._lead))
                passes = markdown_passes(text[:cut], blocks) if cut > 0 else None
                if passes is not None and _open_code(passes[1], closers):
                    cut = 0
        if cut > 0:
            masked = (passes or markdown_passes(text[:cut], blocks))[-1]
            del passes
            piece = self._emit(cut, text, blocks, masked, lead=lead)
            del text, masked
            yield piece
            return
        cut, opening, comment = _inside_open_block(text, blocks, tops, html, len(self._lead), closers)
        if cut > 0:
            inside = [(b, min(e, cut)) for b, e in blocks if b < cut]
            blocked, spanned, untagged, masked = markdown_passes(text[:cut], inside)
            # the open comment is the block cut into; nothing else may run on past the cut
            if comment:
                runs_on = (cut < bare and _open_tag(untagged)) or _open_code(spanned, closers)
            else:
                runs_on = _runs_on(blocked, spanned, untagged, cut, closers)
            if not runs_on:
                del blocked, spanned, untagged
                piece = self._emit(cut, text, blocks, masked, lead=opening)
                del text, masked
                yield piece
                return
        self._next_try = 2 * len(self._buffer)  # no place to cut yet: wait for twice as much

    def _closers(self, length: int) -> _Closers:
        """What may close after a place in the text the masker looks at, ``length`` long."""
        return _Closers(self._ends, self._fed - len(self._buffer) - len(self._lead), length, len(self._lead))

    def _emit(
        self, cut: int, text: str, blocks: list[tuple[int, int]], masked: str | None = None, lead: str = ""
    ) -> Piece:
        """The piece up to ``cut`` in ``text`` (the lead, then the buffer), masked; ``lead`` comes next."""
        if masked is None:
            masked = markdown_passes(text, blocks)[-1]
        at = cut - len(self._lead)
        piece = (self._buffer[:at], masked[len(self._lead) :] if self._lead else masked)
        self._buffer = self._buffer[at:]
        self._lead = lead
        self._first = False
        self._next_try = max(self.size, len(self._buffer) + self.size // 2)
        return piece


_TRIES = 4
"""Places to cut without a blank line before them tried, from the last, each time the masker
looks: each costs the masking passes over what it holds, and one unclosed backtick early in a
long list would fail them all."""
_FAILS = 16
"""Places to cut tried in all, from the last, each time the masker looks. Nothing known keeps
more than a few of them from holding once a blank line comes after the markup left open, but a
rule that did would make each look cost the passes over the whole buffer once per top-level
block, as a tag running over blank lines once did (docs/decisions.md). Past this many, the
masker tries a place inside a paragraph or an open block, and failing that waits until what it
holds has doubled."""


def _blank_before(text: str, cut: int) -> bool:
    """Whether the line that ends at ``cut`` (a line start) holds nothing but spaces and tabs, and a
    line comes before it; looked at backwards from the cut, not searched for from the text's start,
    which would cost the whole buffer for every top-level block the masker tries."""
    if cut < 2 or text[cut - 1] != "\n":
        return False
    start = text.rfind("\n", 0, cut - 1)
    return start >= 0 and not text[start + 1 : cut - 1].strip(" \t")


def _open_code(spanned: str, closers: _Closers) -> bool:
    """Whether a run of backticks in ``spanned`` (code blocks, comments and code spans masked) may
    pair with one after its end: a run left after the last blank line, where code spans stop, is
    one the code-span pass found no partner for (a blank line in a fence or comment is masked).
    A run with no run of its width after it in the document (``closers``) pairs with none."""
    start = after_blank_line(spanned)
    if closers.ends is None or closers.ends.ticks is None:
        return spanned.find("`", start) >= 0
    return any(closers.pairs(*run.span()) for run in _TICKS.finditer(spanned, start))


_LEAD = "a "
"""Parsed before a buffer that starts inside a line of a top-level paragraph: a line starting with
a letter continues no block but a paragraph and opens none, and the space stands for the one the
cut followed, which is all the masking passes look back at (a ``www.`` or an e-mail address)."""
_RISKY = re.compile(r"[`\[\]]")
_BRACKET = re.compile(r"[\[\]]")
_ITEM = re.compile(r" {0,3}(?:[-+*]|[0-9]{1,9}[.)]) {1,4}(?=[^ \t\n])")
_FIRST = re.compile(r"[ \t]*(\S)")
_QUOTE_MARK = re.compile(r" {0,3}> ?(?!\t)")


def _inside_paragraph(text: str, paragraph: Paragraph, lead: int, past_markup: bool = False) -> tuple[int, str]:
    """A cut after a space or tab inside ``paragraph``, the last top-level block or the last block of
    a top-level list's last item (at any depth of lists in lists) or of a list's in a top-level
    quote, and what to parse the rest behind; ``(0, "")`` if none.

    Nothing the masking passes find may run across it: no code span, which ends at a blank line
    outside code blocks at the latest, no link destination or reference definition, which ends
    with its line, and no comment or tag, which may span blank lines. Without ``past_markup`` the
    cut comes before the first ``<`` of the whole text and the first backtick or bracket since the
    last blank line. With it the cut may follow them, and only a bracket in its own line stops it.
    Either way the caller must see that the masking passes over the text before the cut leave no
    code span open (:func:`_open_code`; a blank line in an indented code block is masked), and with
    it no comment or tag either (:func:`_runs_on`): a ``<br>``, a link or a pair of backticks early
    in a long paragraph then no longer holds the rest of it. Neither way does the cut fall in a
    line's indentation, where a reference definition after it would be read as text. Then the
    space before the cut stays in the masked text, where no URL runs across it, and the text after
    it, parsed after :data:`_LEAD`, holds the same blocks as when it follows the paragraph's start.
    The text's last line may be incomplete: a cut goes into it only if it starts with a letter or
    any other character outside ASCII, so that its end cannot make it a thematic break or a
    heading's underline, after which an indented line is code (every block marker is an ASCII mark
    or digit).

    In a list item the rest is parsed behind the item's own marker and the stand-in: with the
    same marker and spaces its lines belong to the item, or leave it, as they do in the whole
    text. In a nested item the lines of the items around it come first, each as far as its
    markers and then a word and a blank line: the columns that decide which item a later line
    belongs to, or whether it is code, are then those of the whole text (markers put on one
    line would move them), and the blank line lets any list start, which an ordered one not
    numbered 1 cannot do right after a paragraph. An item whose text starts five spaces or more
    after its marker is left alone (its first line is code), and so is one with a tab there
    (:data:`_ITEM` only counts spaces) or with anything but spaces before its marker. A paragraph in
    quotes in the innermost item is parsed behind as many ``> `` after the item's markers: the
    quotes' lines and lazy lines then continue it, and the item's column stays the one that decides
    what follows the quotes. In an item of a list in a top-level quote (or of lists nested in it)
    the stand-in is made the same way from the items' lines, each as far as its markers, the quote's
    mark included, and with the quote's mark on the blank lines (then as many ``> `` as quotes in the
    innermost item hold the paragraph): the quote's lines, lazy lines and the items' columns then
    work as they do in the whole text. A paragraph in a top-level
    quote (or in quotes in it) is parsed behind as many ``> ``: its quoted and lazy lines continue it.
    """
    begin, limit, items, quotes, quoted = paragraph
    if begin < 0:
        return 0, ""
    lines: list[str] = []
    blank = ">\n" if quoted else "\n"  # a blank line inside the quote keeps its mark
    column, line, marked = 0, -1, -1  # the content column, the item line and where its markers end
    for item in items:
        base = item  # where the line's list markers are counted from: after the quote's mark, if any
        if quoted:
            if (mark := _QUOTE_MARK.match(text, item)) is None:
                return 0, ""
            base = mark.end()
        if item != line:  # a line of its own: the parent's content column in spaces, then the marker
            if not text.startswith(" " * column, base):
                return 0, ""
            if line >= 0:
                lines.append(text[line:marked] + _LEAD.strip() + "\n" + blank)
        if (marker := _ITEM.match(text, base + column)) is None:
            return 0, ""
        column, line, marked = marker.end() - base, item, marker.end()
    stand_in = ("".join(lines) + text[line:marked] if items else "") + "> " * quotes + _LEAD
    if not past_markup:
        if (tag := text.find("<", 0, limit)) >= 0:
            limit = tag
        if (risky := _RISKY.search(text, after_blank_line(text, begin + 1), limit)) is not None:
            limit = risky.start()
    last = text.rfind("\n", 0, limit) + 1
    if text.find("\n", last) < 0 and not ((first := _FIRST.match(text, last, limit)) and starts_prose(first[1])):
        limit = last
    cut = after_space(text, begin, limit)
    while cut > begin:  # each move takes the cut further back, and a line is passed at most twice
        start = text.rfind("\n", 0, cut) + 1
        if past_markup and (bracket := _BRACKET.search(text, start, cut)):
            stop = bracket.start()
        elif _FIRST.match(text, start, cut) is None:
            stop = start  # in the line's indentation, where a pattern anchored at the line start looks past it
        else:
            break
        cut = after_space(text, begin, stop)
    return (cut, stand_in) if cut > max(begin, lead) else (0, "")


_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_CODE_LINE = re.compile(r" {4}\S")
_COMMENT_LINE = re.compile(r" {0,3}<!--")


def _inside_open_block(
    text: str, blocks: list[tuple[int, int]], tops: list[int], html: int, lead: int, closers: _Closers
) -> tuple[int, str, bool]:
    """A cut at a line start inside a fenced code block, a comment or another HTML block still open
    at the end (``html``: where an HTML block that runs to the end starts), the line that opened it,
    and whether it is a comment; ``(0, "", False)`` if there is none.

    An open fence holds every line after its opening line as code, whatever comes later; an open
    comment that starts a line (an HTML block) hides every line after its opening line, whether a
    ``-->`` comes or not. So the lines before the last one (which may yet close the block) can be
    masked now, and the rest is parsed behind the opening line, which reopens the same block, so
    that it closes where it does in the whole document. So can the lines of any other HTML block,
    which ends at a blank line or at its own closing mark whatever came before, when its opening
    line is markup complete in itself (no tag, comment or code span of it runs on into the rest,
    parsed behind it), or leaves only a tag open where no ``>`` comes after the cut, or one too far
    back for a ``>`` after the cut to end it (the line is then padded: :func:`_out_of_reach`). Only a
    top-level block is cut: inside a list or a quote, whether a line continues the block depends on
    the container's markers.
    """
    if not tops:
        return 0, "", False
    begin = tops[-1]
    opened = text.find("\n", begin) + 1
    if opened == 0:
        return 0, "", False
    cut = text.rfind("\n", 0, len(text) - 1) + 1  # the last line, which may close the block, waits
    if cut <= max(opened, lead):
        return 0, "", False
    code = bool(blocks) and blocks[-1][0] == begin and blocks[-1][1] == len(text)  # code that runs to the end
    if code and _FENCE.match(text, begin):
        comment = False
    elif code and _CODE_LINE.match(text, begin) and _CODE_LINE.match(text, cut):
        return cut, "", False  # an indented code block: its line, with text after four spaces, starts one
    elif (line := _COMMENT_LINE.match(text, begin)) and text.find("-->", line.end()) < 0:
        comment = True
        # an inline comment before it may close after its start (a '-->' in code closes none)
        before = _apply(text[:begin], [b for b in blocks if b[0] < begin])
        if comment_left_open(before, inline=begin < closers.quiet):
            return 0, "", False
    elif begin == html and "<!--" not in (opening := text[begin:opened]) and "`" not in opening:
        # no comment or code span of the opening line runs on into the rest; a tag it leaves open
        # may, where a '>' comes after the cut, unless it lies too far back for that '>' to end it:
        # then the line is padded so that, parsed behind it, the rest cannot end the tag either
        if cut < closers.bare and (last := _tag_left_open(opening)) >= 0:
            if tag_within_reach(begin + last, cut + 1):
                return 0, "", False
            opening = _out_of_reach(opening, last)
        return cut, opening, False
    else:
        return 0, "", False
    return cut, text[begin:opened], comment


def _out_of_reach(line: str, last: int) -> str:
    """``line`` (ending with its line break) with spaces before the break, so that the ``<`` at
    ``last`` is too far from what follows for a tag of it to end there
    (:func:`~cxkb.checker.masking.tag_within_reach`), as it is in the whole text. A line so padded
    before comes back as it is."""
    end = len(line) - 1
    if not tag_within_reach(last, end + 2):  # a '>' right after the line break would be too far
        return line
    return line[:end] + " " * tag_reach() + line[end:]


def _tag_left_open(line: str) -> int:
    """Where the last ``<`` of ``line`` is, if no ``>`` follows it in the line; -1 otherwise."""
    last = line.rfind("<")
    return last if last >= 0 and line.find(">", last) < 0 else -1


def after_space(text: str, start: int, end: int) -> int:
    """Just after the last space or tab in ``text[start:end]``; 0 when there is none."""
    return max(text.rfind(" ", start, end), text.rfind("\t", start, end)) + 1


def open_directive(text: str, last_close: int | None = None, end: int = 0) -> bool:
    """Whether a ``cxkb-check`` directive may be open at the end of ``text``, so that the text cannot
    be handed on yet: a ``<!--`` after the last ``-->``, followed by ``cxkb-check`` or by as much of
    it as the text holds. Any other open comment may be handed on: it can never become a directive
    (:func:`cxkb.checker.comments.directives`), which ends at the first ``-->`` there is.

    ``text`` ends at document offset ``end``; ``last_close`` is where the document's last ``-->``
    ends, once a first reading has found it. When none ends after ``end``, nothing can close an
    open directive, which is then none, and the text may be handed on."""
    if last_close is not None and last_close <= end:
        return False
    return DIRECTIVE_START.search(text, text.rfind("-->") + 3 if "-->" in text else 0) is not None


def _runs_on(blocked: str, spanned: str, untagged: str, cut: int, closers: _Closers) -> bool:
    """Whether a comment, a tag or a code span of what is held, up to ``cut``, may run on past it;
    where no ``-->`` comes after it, an inline comment left open is text, and where no ``>`` does,
    a ``<`` left open is."""
    return (
        comment_left_open(blocked, inline=cut < closers.quiet)
        or (cut < closers.bare and _open_tag(untagged))
        or _open_code(spanned, closers)
    )


def _markup_closed(text: str, cut: int, comments: bool = True, tags: bool = True) -> bool:
    """Whether the last ``<!--`` before ``cut`` has a ``-->`` after it and the last ``<`` a ``>``: a
    look at the raw text, so that a paragraph of comments left open is not masked again at every
    try. It only spares the masking passes, which decide (:func:`_runs_on`). Without ``comments``
    no ``-->`` comes after ``cut``: a ``<!--`` left open is text, and only a ``<`` that may start a
    tag needs its ``>``, and only one close enough to ``cut`` for a ``>`` after it to end a tag
    within reach. Without ``tags`` no ``>`` comes after ``cut``, and no ``<`` needs one."""
    if comments:
        opener = text.rfind("<!--", 0, cut)
        if opener >= 0 and text.find("-->", opener + 4, cut) < 0:
            return False
    if not tags:
        return True
    last = text.rfind("<", 0, cut)
    return (
        text.find(">", last, cut) >= 0
        or not tag_within_reach(last, cut + 1)
        or (not comments and _OPEN_TAG.match(text, last) is None)
    )


def _open_tag(text: str) -> bool:
    """Whether the last ``<`` of ``text`` may start a tag that ends after it: one that starts a tag
    name, with no ``>`` and no blank line after it (a tag holds no ``<``, and runs over no blank
    line: :data:`~cxkb.checker.comments.BLANK_LINE`), and close enough to the end for a ``>`` after
    it to end a tag within reach (:func:`~cxkb.checker.masking.tag_within_reach`)."""
    last = text.rfind("<")
    return (
        last >= 0
        and tag_within_reach(last, len(text) + 1)
        and ">" not in text[last:]
        and _OPEN_TAG.match(text, last) is not None
        and BLANK_LINE.search(text, last) is None
    )


class HtmlMasker:
    """HTML masked piece by piece; ``lang`` is the ``<html lang>`` read so far."""

    def __init__(self) -> None:
        self._parser = _ProseParser([0])
        self._source = ""  # fed and not yet handed on; starts at document offset self._offset
        self._offset = 0
        self._fed = 0

    @property
    def lang(self) -> str | None:
        return self._parser.lang

    def feed(self, source: str) -> Iterator[Piece]:
        """Pieces that can be masked now; ``source`` must end at a line break, a space or a tab
        (but the last)."""
        parser = self._parser
        starts = parser.starts
        base = self._fed
        starts.extend(base + i + 1 for i in _newlines(source))
        self._source += source
        self._fed += len(source)
        parser.feed(source)
        line = parser.getpos()[0] - 1 - parser.first_line  # the line the unread rest starts on
        cut = parser._offset()  # everything before it has been through the parser's handlers
        at = cut - self._offset
        if min(at, cut - starts[line]) > 0 and not (self._source[at - 1] in " \t" and _shown(parser, cut - 1)):
            cut = starts[line]
        if cut > self._offset:
            yield self._emit(cut)
        del starts[:line]
        parser.first_line += line

    def close(self) -> Iterator[Piece]:
        """The rest of the document."""
        self._parser.close()
        if self._fed > self._offset:
            yield self._emit(self._fed)

    def _emit(self, cut: int) -> Piece:
        """The source up to document offset ``cut``, masked as :func:`mask_html` masks it."""
        parser, offset = self._parser, self._offset
        visible = sorted(parser.keep + parser.soft)
        hidden: list[tuple[int, int]] = []
        pos = offset
        for s, e in visible:
            if s >= cut:
                break
            if s > pos:
                hidden.append((pos - offset, s - offset))
            pos = max(pos, e)
        if pos < cut:
            hidden.append((pos - offset, cut - offset))
        source = self._source[: cut - offset]
        text = _apply(source, hidden)
        text = _apply(text, [(max(s, offset) - offset, min(e, cut) - offset) for s, e in parser.soft if s < cut], " ")
        text = _apply(text, url_spans(text))
        parser.keep = [(max(s, cut), e) for s, e in parser.keep if e > cut]
        parser.soft = [(s, e) for s, e in parser.soft if e > cut]
        self._source = self._source[cut - offset :]
        self._offset = cut
        return source, text


def _shown(parser: _ProseParser, pos: int) -> bool:
    """Whether document offset ``pos`` is kept or softened, not masked (the ranges are in order)."""
    for ranges in (parser.keep, parser.soft):
        for s, e in reversed(ranges):
            if e <= pos:
                break
            if s <= pos:
                return True
    return False


def _newlines(text: str) -> Iterator[int]:
    i = text.find("\n")
    while i >= 0:
        yield i
        i = text.find("\n", i + 1)
