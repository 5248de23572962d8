"""Property tests: any text can be checked, and every reported span is exactly where it says."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_support import EXTRA_CONCEPTS
from conftest import examples
from cxkb.checker.config import CheckConfig
from cxkb.checker.documents import parse_document
from cxkb.checker.engine import Checker
from cxkb.checker.masking import MASK, mask_html, mask_markdown
from cxkb.checker.vocab import VocabIndex
from cxkb.kg.records import load

LABEL_WORDS = sorted(
    {
        word
        for row in EXTRA_CONCEPTS
        for key in ("pref_label_en", "pref_label_nl", "alt_labels_en", "alt_labels_nl", "hidden_labels_nl")
        for label in row.get(key, "").split("|")
        for word in label.split()
        if word
    }
    | {"klantreizen", "touchpoints", "Klantbeleving", "CX-vakgebied", "beleving", "klantcontact", "customers"}
)
PIECES = st.one_of(
    st.sampled_from(LABEL_WORDS),
    st.sampled_from([" ", " ", "\n", "\n\n", "-", ". ", ", ", "'", "’", "`", "```\n", "<!-- ", " -->", "<b>", "</p>"]),
    st.sampled_from(["<!-- cxkb-check off -->", "<!-- cxkb-check on -->", "<!-- cxkb-check disable-next-line -->"]),
    st.sampled_from(["https://x.nl/klantreis", "# ", "---\n", "lang: nl\n", "&amp;", "_", "ß", "İ", "\r\n", "\t"]),
    st.sampled_from(["§", "€", "«", "»", "…", "•", "\u00a0", "\x00", "d’", "a'", "co", "CX", "EX", "piek"]),
    st.text(max_size=6),
)
PROSE = st.lists(PIECES, max_size=60).map("".join)


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    from check_support import make_check_root

    kb, _ = load(make_check_root(tmp_path_factory.mktemp("property")))
    return Checker(VocabIndex(kb), CheckConfig())


def _offset(source: str, line: int, column: int) -> int:
    lines = source.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=PROSE, kind=st.sampled_from(["markdown", "text", "html"]), lang=st.sampled_from([None, "nl", "en"]))
def test_any_text_can_be_checked_and_spans_are_exact(checker: Checker, text: str, kind: str, lang: str | None) -> None:
    doc = parse_document(text, "doc", kind, lang=lang)
    result = checker.check_document(doc)
    for f in result.findings:
        start = _offset(text, f.line, f.column)
        end = _offset(text, f.end_line, f.end_column)
        assert text[start:end] == f.text, f
        assert start == f.offset
    for m in result.mentions:
        assert text[_offset(text, m.line, m.column) : _offset(text, m.end_line, m.end_column)] == m.text


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=PROSE, lang=st.sampled_from(["nl", "en"]))
def test_prefilter_never_changes_the_result(checker: Checker, text: str, lang: str) -> None:
    matcher = checker.matcher(lang)
    full = matcher.scan(text, prefilter=False)
    for engine in checker.index.prefilter.engines:
        quick = matcher.scan(text, engine=engine)
        assert quick.matches == full.matches, engine
        assert quick.cue_words == full.cue_words, engine


@settings(max_examples=examples(300), deadline=None)
@given(text=PROSE)
def test_masking_keeps_every_offset(text: str) -> None:
    for masked, _ in (mask_markdown(text), mask_html(text)):
        assert len(masked) == len(text)
        for original, kept in zip(text, masked, strict=True):
            assert kept == original or (kept in (MASK, " ") and original != "\n")


GAP_WORDS = ["klant", "klanten", "centraal", "voorop", "de", "xklant", "klantx", "centraalx", "wij"]
GAP_TEXT = st.lists(
    st.one_of(st.sampled_from(GAP_WORDS), st.sampled_from([" ", "  ", ", ", ". ", "-", "\n", "; ", "’", " - "])),
    max_size=40,
).map("".join)


def _gapped_oracle(text: str, first: set[str], second: set[str]) -> list[tuple[int, int]]:
    """Word by word: a first-part word, then a second-part word at most four words on, in one sentence.

    Either word may carry a possessive 's (*customer’s*); otherwise words are tokens as the
    checker reads them, so an apostrophe between letters makes one word.
    """
    import re

    from cxkb.checker.prefilter import TOKEN

    words = [(m.start(), m.end(), re.sub(r"['\u2019]s\Z", "", m.group())) for m in TOKEN.finditer(text)]
    found: list[tuple[int, int]] = []
    last = -1
    for i, (start, _, word) in enumerate(words):
        if start < last or word not in first:
            continue
        for j in range(i + 1, min(i + 6, len(words))):
            between = text[words[j - 1][1] : words[j][0]]
            if not between or re.search(r"[\w.!?;:\n]", between):
                break
            if words[j][2] in second:
                found.append((start, words[j][1]))
                last = words[j][1]
                break
    return found


@settings(max_examples=examples(300), deadline=None)
@given(GAP_TEXT)
def test_gapped_forms_match_as_a_word_by_word_reading_does(text: str) -> None:
    """The one-pattern scan of a two-part form finds what a reading word by word finds."""
    from cxkb.checker.context import Gapped
    from cxkb.checker.vocab import Entry, Kind

    entry = Entry("customer-centricity", "klant/klanten ... centraal/voorop", Kind.FAMILY, "nl")
    gapped = Gapped.parse("klant/klanten ... centraal/voorop", entry)
    assert list(gapped.finditer(text)) == _gapped_oracle(text, {"klant", "klanten"}, {"centraal", "voorop"})


def test_gapped_form_limits() -> None:
    from cxkb.checker.context import Gapped
    from cxkb.checker.vocab import Entry, Kind

    gapped = Gapped.parse("klant ... centraal", Entry("customer-centricity", "klant ... centraal", Kind.FAMILY, "nl"))
    assert list(gapped.finditer("de klant a b c d centraal")) == [(3, 25)]  # four words between
    assert list(gapped.finditer("de klant a b c d e centraal")) == []  # five are too many
    assert list(gapped.finditer("de klant. centraal")) == []  # another sentence
    assert list(gapped.finditer("xklant klant centraal")) == [(7, 21)]  # whole words only
