"""The scans that find comments, directives and code spans give what their specifications give.

Each scan is written for time that grows with the input, not with its square, so it is held
here to a plain statement of what it finds: a regular expression, or a search from every
mark over all the text after it. Those are too slow for a hostile document, and exactly
right on the short ones generated here.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cxkb.checker import comments
from cxkb.checker.documents import parse_document
from cxkb.checker.masking import _code_spans
from cxkb.checker.reader import StreamedFile

COMMENT_SPEC = re.compile(
    r"(?<![^\n]) {0,3}(?P<block><!--.*?(?:(?P<closed>-->)|\Z))|<!--(?:(?!\n[ \t]*\n).)*?-->", re.DOTALL
)
"""CommonMark's comments: from a line start (at most three spaces in) an HTML block up to its
``-->`` or the end; elsewhere inline HTML, which must close before a blank line."""
DIRECTIVE_SPEC = re.compile(r"<!--\s*cxkb-check\b(.*?)-->", re.DOTALL)
BLANK = re.compile(r"\n[ \t]*\n")

PARTS = ["<!--", "-->", "<!-->", "<!---->", "\n", "\n\n", "\n \n", "\n\t\n", " ", "    ", "a", "-", ">", "<", "!"]
TICKS = ["`", "``", "```", "\n", "\n\n", "\n \n", " ", "a", "x`y"]
DIRECTIVE_PARTS = ["<!--", "-->", " cxkb-check", "cxkb-checks", " off ", "on", "\n", " ", "a", "-"]


def _texts(parts: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(parts), max_size=24).map("".join)


def _spec_comments(text: str) -> tuple[list[tuple[int, int]], bool]:
    """The comment spans and whether one may yet close, as the specification reads them."""
    spans, last, left_open = [], 0, False
    for m in COMMENT_SPEC.finditer(text):
        spans.append(m.span("block") if m.group("block") else m.span())
        last = m.end()
        left_open = left_open or bool(m.group("block") and m.group("closed") is None)
    opener = text.rfind("<!--", last)
    return spans, left_open or (opener >= 0 and BLANK.search(text, opener) is None)


@settings(max_examples=examples(500), deadline=None)
@given(text=_texts(PARTS))
def test_comments_are_found_as_commonmark_reads_them(text: str) -> None:
    spans, left_open = _spec_comments(text)
    assert comments.comment_spans(text) == spans
    assert comments.comment_left_open(text) == left_open


def _spec_code_spans(text: str) -> list[tuple[int, int]]:
    """Each run of backticks, paired with the next run of its width before a blank line."""
    runs = [m.span() for m in re.finditer(r"`+", text)]
    spans, i = [], 0
    while i < len(runs):
        close = None
        for j in range(i + 1, len(runs)):
            if BLANK.search(text, runs[i][1], runs[j][0]):
                break
            if runs[j][1] - runs[j][0] == runs[i][1] - runs[i][0]:
                close = j
                break
        if close is None:
            i += 1
        else:
            spans.append((runs[i][0], runs[close][1]))
            i = close + 1
    return spans


@settings(max_examples=examples(500), deadline=None)
@given(text=_texts(TICKS))
def test_code_spans_pair_as_a_search_from_each_run_pairs_them(text: str) -> None:
    assert _code_spans(text) == _spec_code_spans(text)


@settings(max_examples=examples(300), deadline=None)
@given(text=_texts(DIRECTIVE_PARTS))
def test_directives_are_found_as_the_pattern_finds_them(text: str) -> None:
    want = [(m.start(), m.end(), m.group(1)) for m in DIRECTIVE_SPEC.finditer(text)]
    assert list(comments.directives(text)) == want


@given(text=st.text(alphabet="<!- cxkbhe", max_size=20))
def test_a_directive_start_is_seen_in_any_text_cut_after_its_opener(text: str) -> None:
    """Cut anywhere, a text ending in what may become a directive is seen as one that may."""
    full = "<!-- cxkb-check off -->"
    for cut in range(len(full) + 1):
        piece = text + full[:cut]
        assert comments.DIRECTIVE_START.search(piece) is not None or "<!--" not in full[:cut]


@given(steps=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=12), offset=st.integers(-1, 120))
def test_within_finds_the_region_an_offset_falls_in(steps: list[tuple[int, int]], offset: int) -> None:
    """Regions in order, none overlapping, as the directives switch the checker off and on; some empty."""
    spans, at = [], 0
    for gap, length in steps:
        spans.append((at + gap, at + gap + length))
        at += gap + length
    assert comments.within(spans, offset) == any(s <= offset < e for s, e in spans)


def test_directives_in_a_file_read_in_pieces_are_placed_as_in_the_whole(tmp_path: Path) -> None:
    """Line numbers are counted on from one directive to the next, not from the piece's start."""
    lines = []
    for i in range(3000):
        lines.append(f"De klantreis {i}.")
        if i % 7 == 0:
            lines.append("<!-- cxkb-check disable-next-line --> en <!-- cxkb-check bogus -->")
        if i % 11 == 0:
            lines.append("Een <!-- cxkb-check off --> uit <!-- cxkb-check on --> aan")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    streamed = StreamedFile(path, path.name, kind="markdown")
    assert "".join(p[0] for p in streamed.pieces()) == text
    whole = parse_document(text, "doc.md", "markdown").suppressed  # fed the whole text at once
    problems = streamed.suppressed.problems
    assert problems == whole.problems
    assert [(line, column) for *_, line, column in problems] == [
        (text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)) for offset, *_ in problems
    ]
    assert (streamed.suppressed.regions, streamed.suppressed.lines) == (whole.regions, whole.lines)
    for offset in range(0, len(text), 97):
        line = text.count("\n", 0, offset)
        assert streamed.suppressed(offset, line) == whole(offset, line), offset
    assert len(problems) == 429 and len(whole.regions) == 273 and len(whole.lines) == 429
