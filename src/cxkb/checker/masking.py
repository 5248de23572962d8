"""Masking: everything in a document that is not prose, overwritten in place.

Markdown front matter, code, URLs, HTML markup and comments are overwritten with a NUL character
(inline HTML tags with a space), keeping every line break, so that an offset in the masked text
is an offset in the file. Kept apart from reading files (:mod:`cxkb.checker.documents`), since
the masker that reads a file in pieces (:mod:`cxkb.checker.pieces`) builds on the same passes.
"""

from __future__ import annotations

import bisect
import html.parser
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

from cxkb.checker.comments import BLANK_LINE, comment_spans, directives

MASK = "\x00"
"""Fills non-prose regions; not a word character and not white space, so no match spans it."""


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def _apply(text: str, ranges: Iterable[tuple[int, int]], fill: str = MASK) -> str:
    """Overwrite ranges with ``fill``, keeping line breaks so lines and columns stay put."""
    spans = sorted((s, e) for s, e in ranges if e > s)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        s = max(s, pos)
        if e <= s:
            continue
        parts.append(text[pos:s])
        chunk = text[s:e]
        if "\n" in chunk:
            parts.append("\n".join(fill * len(piece) for piece in chunk.split("\n")))
        else:
            parts.append(fill * len(chunk))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


_URL_TAIL = re.compile(r"[^\s<>\"'`)\]]+")
_SCHEME = re.compile(r"(?:https?|ftp)\Z", re.IGNORECASE)
_WWW = re.compile(r"(?<![\w.])[wW]{3}\.[^\s<>\"'`)\]]+")
_MAILTO = re.compile(r"mailto:[^\s<>]+", re.IGNORECASE)
_MAIL_USER = re.compile(r"[\w.+-]+\Z")
_MAIL_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def url_spans(text: str) -> list[tuple[int, int]]:
    """URLs (with scheme or www.) and e-mail addresses.

    Each kind is found from a fixed string ('://', 'www.', '@'), which the regular
    expression engine finds quickly, and then extended; one pattern for all of them would
    try every alternative at every character of a long document. A URL is read once: the
    '://' found inside it are passed over.
    """
    spans = []
    i = text.find("://")
    while i >= 0:
        scheme = _SCHEME.search(text, max(0, i - 5), i)
        after = i + 1
        if scheme:
            tail = _URL_TAIL.match(text, i + 3)
            after = tail.end() if tail else i + 3  # a '://' before this would give a part of the URL
            spans.append((scheme.start(), after))
        i = text.find("://", after)
    spans += _www_spans(text)
    if "ailto:" in text or "AILTO:" in text:
        spans += [m.span() for m in _MAILTO.finditer(text)]
    for m in re.finditer("@", text):
        i = m.start()
        user = _MAIL_USER.search(text, max(0, i - 64), i)
        host = _MAIL_HOST.match(text, i + 1)
        if user and host:
            spans.append((user.start(), host.end()))
    return spans


def _www_spans(text: str) -> list[tuple[int, int]]:
    """``_WWW.finditer`` spans, tried only where a dot follows three w's.

    The pattern starts with a look-behind and a class, so the regular expression engine
    would try it at every character; dots are few, and ``str.find`` skips to them in C.
    """
    spans: list[tuple[int, int]] = []
    end = 0
    i = text.find(".", 3)
    while i >= 0:
        if i - 3 >= end and text[i - 3 : i].lower() == "www":
            m = _WWW.match(text, i - 3)
            if m is not None:
                spans.append(m.span())
                end = m.end()
        i = text.find(".", i + 1)
    return spans


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:(?:[ \t\r\f\v]|\n(?![ \t]*\n))[^<>\n]*(?:\n(?![ \t]*\n)[^<>\n]*)*)?/?>")
"""An inline tag. Like CommonMark's raw HTML it may run over a line break but never over a blank
line (:data:`~cxkb.checker.comments.BLANK_LINE`), which ends the paragraph it is in: a stray ``<b``
early in a document is no tag that hides every paragraph up to the next ``>`` (a quote's mark, say)."""
_LINK_DEST = re.compile(r"\]\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(\S.*)$", re.MULTILINE)
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*>")
_FRONT_CLOSE = r"(?:---|\.\.\.|\+\+\+)[ \t]*"
"""A line that closes front matter, without its line end."""
_FRONT = re.compile(rf"\A(---|\+\+\+)[ \t]*\n(.*?\n)??{_FRONT_CLOSE}(?:\n|\Z)", re.DOTALL)
FRONT_CLOSER = re.compile(rf"^{_FRONT_CLOSE}$", re.MULTILINE)
"""Any line that could close front matter, as :data:`_FRONT` finds the first."""
_LANG_KEY = re.compile(r"^(?:lang|language)\s*[:=]\s*[\"']?([A-Za-z]{2})", re.MULTILINE | re.IGNORECASE)


def mask_text(text: str) -> str:
    """Plain text: only URLs, e-mail addresses and checker directives are not prose."""
    text = _apply(text, ((start, end) for start, end, _ in directives(text)))
    return _apply(text, url_spans(text))


def mask_markdown(source: str) -> tuple[str, str | None]:
    """Markdown: mask front matter, code blocks and spans, URLs, comments; soften HTML tags."""
    text, lang = mask_front_matter(source)
    return markdown_passes(text, block_structure(text)[0])[-1], lang


def mask_front_matter(source: str) -> tuple[str, str | None]:
    """The text with its front matter (YAML or TOML) masked, and the language it declares."""
    front = _FRONT.match(source)
    if not front:
        return source, None
    found = _LANG_KEY.search(front.group(2) or "")
    return _apply(source, [front.span()]), found.group(1).lower() if found else None


def markdown_passes(text: str, blocks: list[tuple[int, int]]) -> tuple[str, str, str, str]:
    """The masking passes after front matter, given the code blocks' spans.

    Returns the text after the code blocks are masked, after the comments and code spans are
    too, before tags are softened, and at the end: reading a document in pieces
    (:mod:`cxkb.checker.pieces`) checks the first three to see whether a comment, a code span
    or a tag runs on past a piece's end.
    """
    text = blocked = _apply(text, blocks)
    text = _apply(text, comment_spans(text))
    text = spanned = _apply(text, _code_spans(text))
    hidden = [m.span() for m in _AUTOLINK.finditer(text)]
    hidden += [m.span(1) for m in _LINK_DEST.finditer(text)]
    hidden += [m.span(1) for m in _REF_DEF.finditer(text)]
    hidden += url_spans(text)
    text = untagged = _apply(text, hidden)
    return blocked, spanned, untagged, _apply(text, _tag_spans(text), " ")


def _tag_spans(text: str) -> Iterator[tuple[int, int]]:
    """The inline tags of ``text``, each at most :data:`_LONG_TAG` characters long, as in HTML: a
    ``<`` whose tag would end later is text. A paragraph of prose after a stray ``<b`` is then not
    hidden by a ``>`` at its end, and a file read in pieces needs to hold no more than that reach
    to know whether a ``<`` starts a tag (:func:`tag_within_reach`).

    A tag holds no ``<``, so after one that is too long the search goes on past its ``<`` and still
    reads each character about once."""
    pos = 0
    while (m := _TAG.search(text, pos)) is not None:
        if tag_within_reach(m.start(), m.end()):
            yield m.span()
            pos = m.end()
        else:
            pos = m.start() + 1


def tag_within_reach(start: int, end: int) -> bool:
    """Whether a tag from ``start`` to ``end`` (past its ``>``) is short enough to be one."""
    return end - start <= tag_reach()


def tag_reach() -> int:
    """The most characters a tag may take, its ``<`` and ``>`` included."""
    return _LONG_TAG


Paragraph = tuple[int, int, tuple[int, ...], int, bool]
"""Where a paragraph starts and ends, where each list item it sits in starts (outermost first), how
many quotes inside the innermost item hold it, and whether its list is in a top-level quote."""
NO_PARAGRAPH: Paragraph = (-1, -1, (), 0, False)


def block_structure(text: str) -> tuple[list[tuple[int, int]], list[int], Paragraph, int]:
    """Fenced and indented code blocks, found by markdown-it (CommonMark) line maps.

    Also returns the offsets where top-level blocks, the items of top-level lists, the blocks
    of top-level quotes and the lines of paragraphs in quotes that carry all their marks start:
    parsing from one of them on finds the same code blocks after it, which is what lets a long
    document be parsed in pieces; and where the last top-level block starts and ends if it is
    a paragraph, or the last block of the last item of a top-level list (or of a list nested
    in such items only, or of quotes in the innermost item), of the last item of a list in a
    top-level quote (or of quotes in that item), or of a top-level quote (or quotes in it) is,
    with where each item it is in starts, the number of those quotes and whether the list is in a
    quote (none for a top-level paragraph; :data:`NO_PARAGRAPH` for neither); and where the last
    top-level block starts if it is an HTML block that runs to the end of the text (else -1).
    Only the block structure is parsed (inline parsing would cost as much again,
    and more memory). Carriage returns become spaces so markdown-it counts the lines
    :func:`line_starts` counts, and NUL (masked front matter) spaces too.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    # normalize only turns carriage returns and NUL into what the translation below already
    # has, and it copies the text every time: a buffer may hold lines of a million characters
    parser.disable(["inline", "normalize"])
    starts = line_starts(text)
    spans: list[tuple[int, int]] = []
    tops: list[int] = []
    paragraph = NO_PARAGRAPH
    html = -1
    opened: list[tuple[str, int]] = []  # the blocks open around the token, outermost first
    if MASK in text or "\r" in text:
        text = text.translate(_NOT_FOR_MARKDOWN_IT)
    container = inner = ""  # the open top-level block and, in a quote, its open block
    for token in parser.parse(text):
        if token.map is None:
            continue
        first, last = token.map
        begin = starts[first] if first < len(starts) else len(text)
        end = starts[last] if last < len(starts) else len(text)
        del opened[token.level :]  # closing tokens carry no line map: the level tells what closed
        if token.nesting == 1:
            opened.append((token.type, begin))
        if token.level == 0 and token.nesting >= 0:
            tops.append(begin)
            paragraph = (begin, end, (), 0, False) if token.type == "paragraph_open" else NO_PARAGRAPH
            html = begin if token.type == "html_block" and end == len(text) else -1
            container = token.type
        elif token.level == 1 and token.type == "list_item_open":  # an item's own marker sets its blocks
            tops.append(begin)
            paragraph = NO_PARAGRAPH
        elif token.level >= 2 and token.nesting >= 0 and token.type != "inline" and container.endswith("list_open"):
            paragraph = NO_PARAGRAPH
            around = opened[: token.level]
            lists = around  # the lists and items around the quotes that hold the token, if any
            while lists[-1][0] == "blockquote_open":
                lists = lists[:-1]
            quotes = len(around) - len(lists)
            if token.type == "paragraph_open" and all(kind.endswith(("list_open", "item_open")) for kind, _ in lists):
                paragraph = (begin, end, tuple(at for kind, at in lists if kind == "list_item_open"), quotes, False)
        elif container == "blockquote_open" and token.nesting >= 0 and token.level <= 2:
            # a block in a top-level quote, or an item of a list there, that starts on a line with
            # its own '>' first is parsed as it is when the text before that line is cut off
            inner = token.type if token.level == 1 else inner
            if text.startswith(">", begin) and (token.level == 1 or inner.endswith("list_open")):
                tops.append(begin)
        if container == "blockquote_open" and token.level >= 1 and token.nesting >= 0 and token.type != "inline":
            paragraph = NO_PARAGRAPH
            if token.type == "paragraph_open" and (
                in_list := _LIST_IN_QUOTE.fullmatch(" ".join(kind for kind, _ in opened[: token.level]))
            ):
                # the paragraph of an item of a list in a top-level quote (or of lists nested in it),
                # or of quotes in that item
                items = tuple(at for kind, at in opened[: token.level] if kind == "list_item_open")
                paragraph = (begin, end, items, in_list[1].count("blockquote_open"), True)
            elif token.type == "paragraph_open" and _quotes_only(opened[: token.level]):
                # a paragraph in a top-level quote (or quotes in it): lazy lines continue it too
                paragraph = (begin, end, (), token.level, False)
        if token.type == "paragraph_open" and token.level >= 1 and _quotes_only(opened[: token.level]):
            # so is a line of a paragraph in a quote (or in quotes in quotes) that has all their
            # '>' and then a letter (no block marker): it starts the same paragraph; with fewer
            # '>' it would be a lazy line, after which one with more starts a new quote
            marks = re.compile(rf"(?:> ?){{{token.level}}}")
            quoted = (marks.match(text, starts[i]) for i in range(first + 1, last))
            tops += [q.start() for q in quoted if q and starts_prose(text[q.end() : q.end() + 1])]
        if token.type in ("fence", "code_block"):
            spans.append((begin, end))
    return spans, tops, paragraph, html


_LIST_IN_QUOTE = re.compile("blockquote_open(?: (?:bullet|ordered)_list_open list_item_open)+((?: blockquote_open)*)")


def _quotes_only(around: list[tuple[str, int]]) -> bool:
    return all(kind == "blockquote_open" for kind, _ in around)


def starts_prose(char: str) -> bool:
    """Whether a line starting with ``char`` is prose whatever follows: no block starts with it."""
    return char.isalpha() or not char.isascii()


_NOT_FOR_MARKDOWN_IT = str.maketrans({MASK: " ", "\r": " "})
_TICKS = re.compile(r"`+")


def after_blank_line(text: str, end: int | None = None) -> int:
    """Where the last blank line before ``end`` ends (0 if there is none): no code span crosses one."""
    return max((m.end() for m in BLANK_LINE.finditer(text, 0, len(text) if end is None else end)), default=0)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Inline code: a run of backticks up to the next run of the same length in its paragraph
    (CommonMark). Each run's partner is looked up, not searched for: a search from every unpaired
    run over all the runs after it takes time that grows with the square of a paragraph's length."""
    runs = [m.span() for m in _TICKS.finditer(text)]
    if len(runs) < 2:
        return []
    blanks = [m.start() for m in BLANK_LINE.finditer(text)]
    paragraph = [bisect.bisect_left(blanks, start) for start, _ in runs]  # no blank line overlaps a run
    partner = [0] * len(runs)
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        width = runs[i][1] - runs[i][0]
        partner[i] = last.get(width, -1)
        last[width] = i
    spans = []
    i = 0
    while i < len(runs):
        close = partner[i]
        if close < 0 or paragraph[close] != paragraph[i]:
            i += 1
            continue
        spans.append((runs[i][0], runs[close][1]))
        i = close + 1
    return spans


_SKIP_ELEMENTS = frozenset({"script", "style", "code", "pre", "template", "noscript", "textarea", "kbd", "samp"})
_INLINE_ELEMENTS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s", "small", "span", "strong"}
    | {"sub", "sup", "time", "u", "var", "wbr", "font", "ins", "del"}
)


_COMMENT_CLOSE: re.Pattern[str] = getattr(html.parser, "commentclose", re.compile(r"--!?>"))
"""How the standard library's parser finds a comment's end (it differs between Python versions)."""
_CLOSE_BEGUN = re.compile(r"-(?:-[\s!]*)?\Z")
_LONG_COMMENT = 1 << 12  # an open comment or script held longer is passed over as it comes; its start is parsed by then
_START_TAG_END: re.Pattern[str] | None = getattr(html.parser, "locatestarttagend_tolerant", None)
_LONG_TAG = 1 << 16
"""Characters a start tag may take before its end: the standard library's pattern for a start tag
takes a hundred times the memory of what it reads (500 MB for a ``<b`` followed by 5 MB of words),
so a ``<`` whose tag has not ended within this many characters is read as text. Markdown's inline
tags keep the same reach (:func:`_tag_spans`)."""


class _ProseParser(HTMLParser):
    """Collects the offsets of prose text, skipping code-like elements.

    A comment that never closes hides the rest, as in a browser (some Pythons' parser gives it back
    as text at ``close()``), so a long open comment is passed over as it is fed (:meth:`_skip_comment`).
    """

    def __init__(self, starts: list[int]) -> None:
        super().__init__(convert_charrefs=False)
        self.starts = starts
        self.keep: list[tuple[int, int]] = []
        self.soft: list[tuple[int, int]] = []
        self.skip = 0
        self.lang: str | None = None
        self.first_line = 0  # the line of starts[0], 0-based (a parser fed in pieces drops old lines)
        self._comment: str | None = None  # inside a long open comment: its end so far, which may begin a close

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1 - self.first_line] + col

    def feed(self, data: str) -> None:
        """Parse ``data`` as far as it can be parsed now.

        The standard library's parser stops at a malformed ``&#`` when a ``;`` comes anywhere
        later, and leaves the rest for the next call: fed the whole file, it would take that rest
        as text at ``close()``, tags and all, while fed in pieces it goes on with the next piece.
        Feeding nothing until it stops moving makes both go on at once, so masking does not
        depend on where the file was cut.
        """
        while True:
            if self._comment is not None:
                data = self._skip_comment(data)
                if self._comment is not None:
                    return
            super().feed(data)
            while self.rawdata:
                left = len(self.rawdata)
                super().feed("")
                if len(self.rawdata) >= left:
                    break
            rest = self.rawdata
            if len(rest) > _LONG_COMMENT and self.cdata_elem is not None:
                self._pass_script()
                return
            if len(rest) <= _LONG_COMMENT or not rest.startswith("<!--") or self.cdata_elem is not None:
                return
            self.rawdata = ""  # the parser waits for this comment's end: skip it as it comes instead
            self._comment = ""
            self._pass(rest[:4])
            data = rest[4:]

    def check_for_whole_start_tag(self, i: int) -> int:
        """Where the start tag at ``i`` ends, as the standard library finds it, but reading no further
        than :data:`_LONG_TAG` characters: a tag that has not ended by then is none, and its ``<``
        is text. Within that reach the answer does not depend on how much of the file has come
        (the library waits, -1, where more input could change it), so a file read in pieces is
        parsed as the whole file is."""
        rawdata = self.rawdata
        if _START_TAG_END is None or len(rawdata) - i <= _LONG_TAG:
            return super().check_for_whole_start_tag(i)
        found = _START_TAG_END.match(rawdata, i, i + _LONG_TAG)
        end = found.end() if found else i
        if end - i >= _LONG_TAG:
            return i + 1
        following = rawdata[end]
        if following == ">":
            return end + 1
        if rawdata.startswith("/>", end):
            return end + 2
        if following.isascii() and (following.isalpha() or following in "=/"):
            return i + 1  # the library would wait for more; no more will end it within reach
        return end if end > i else i + 1

    def _pass_script(self) -> None:
        """Inside a ``<script>`` or ``<style>`` whose end tag has not come, hand what has come on as
        its (hidden) text, all but what a ``</script>`` could start with: the standard library keeps
        it all until that end tag, which may never come."""
        rawdata = self.rawdata
        keep = rawdata.rfind("<")
        if keep < 0:
            keep = len(rawdata)
        if keep > 0:
            self.handle_data(rawdata[:keep])
            self.updatepos(0, keep)
            self.rawdata = rawdata[keep:]

    def close(self) -> None:
        if self._comment is not None or (self.rawdata.startswith("<!--") and self.cdata_elem is None):
            self.rawdata, self._comment = "", None  # a comment left open hides the rest
        super().close()

    def _skip_comment(self, data: str) -> str:
        """What follows the open comment's end in ``data``; all of it while the comment stays open."""
        text = self._comment + data
        end = _COMMENT_CLOSE.search(text)
        if end is not None:
            self._comment = None
            self._pass(text[: end.end()])
            return text[end.end() :]
        begun = _CLOSE_BEGUN.search(text)  # a close cut in two: keep its start for the next piece
        keep = begun.start() if begun is not None else len(text)
        self._pass(text[:keep])
        self._comment = text[keep:]
        return ""

    def _pass(self, text: str) -> None:
        """Move the parser's position over ``text``, as consuming it would."""
        lines = text.count("\n")
        if lines:
            self.lineno += lines
            self.offset = len(text) - text.rfind("\n") - 1
        else:
            self.offset += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            for key, value in attrs:
                if key == "lang" and value:
                    self.lang = value[:2].lower()
        if tag in _SKIP_ELEMENTS:
            self.skip += 1
        elif tag in _INLINE_ELEMENTS:
            text = self.get_starttag_text() or ""
            start = self._offset()
            self.soft.append((start, start + len(text)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INLINE_ELEMENTS:
            text = self.get_starttag_text() or ""
            start = self._offset()
            self.soft.append((start, start + len(text)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_ELEMENTS:
            self.skip = max(0, self.skip - 1)
        elif tag in _INLINE_ELEMENTS:
            start = self._offset()
            self.soft.append((start, start + len(tag) + 3))

    def handle_data(self, data: str) -> None:
        if not self.skip and data:
            start = self._offset()
            self.keep.append((start, start + len(data)))


def mask_html(source: str) -> tuple[str, str | None]:
    """HTML: keep text content outside code-like elements; inline tags become spaces."""
    parser = _ProseParser(line_starts(source))
    parser.feed(source)
    parser.close()
    visible = sorted(parser.keep + parser.soft)
    hidden = []
    pos = 0
    for s, e in visible:
        if s > pos:
            hidden.append((pos, s))
        pos = max(pos, e)
    hidden.append((pos, len(source)))
    text = _apply(source, hidden)
    text = _apply(text, parser.soft, " ")
    text = _apply(text, url_spans(text))
    return text, parser.lang
