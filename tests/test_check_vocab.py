"""Finding labels in text: case, inflection, compounds, longest match, overlaps, speed path."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_support import make_check_root
from cxkb.checker.capitals import is_abbreviation
from cxkb.checker.inflect import forms
from cxkb.checker.unknown import cue_phrases
from cxkb.checker.vocab import Kind, Matcher, VocabIndex, compact, fold
from cxkb.kg.records import load


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> VocabIndex:
    kb, report = load(make_check_root(tmp_path_factory.mktemp("vocab")))
    assert not report.has_errors
    return VocabIndex(kb)


def found(index: VocabIndex, text: str, lang: str = "nl") -> list[tuple[str, tuple[str, ...]]]:
    """(matched text, concepts) for every match, in text order."""
    result = index.matcher(lang).scan(text)
    return [(m.text, tuple(dict.fromkeys(c for e in m.entries for c in e.concepts))) for m in result.matches]


def test_normalisation() -> None:
    assert fold("Ｃｘ") == "cx"  # NFKC
    assert fold("KPI’s") == "kpi's"
    assert compact("Peak\u2010end   Rule") == "peak-end rule"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Klantbeleving", "customer-experience"),
        ("KLANTBELEVING", "customer-experience"),
        ("klantreizen", "customer-journey"),
        ("Klantreizen", "customer-journey"),
        ("contactmomenten", "touchpoint"),
        ("touchpoints", "touchpoint"),
        ("persona's", "persona"),
        ("personas", "persona"),
        ("klanttevredenheid", "customer-satisfaction"),
        ("momenten van de waarheid", "moment-of-truth"),
    ],
)
def test_case_and_inflection_nl(index: VocabIndex, text: str, expected: str) -> None:
    assert found(index, f"Wij bespreken {text} vandaag.") == [(text, (expected,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer journeys", "customer-journey"),
        ("Customer Journeys", "customer-journey"),
        ("touch points", "touchpoint"),
        ("personas", "persona"),
        ("moments of truth", "moment-of-truth"),
        ("service blueprints", "service-blueprint"),
    ],
)
def test_inflection_en(index: VocabIndex, text: str, expected: str) -> None:
    assert found(index, f"We mapped the {text} here.", "en") == [(text, (expected,))]


def test_hyphen_space_and_closed_variants(index: VocabIndex) -> None:
    assert [t for t, _ in found(index, "de piek-eindregel, de piek eindregel en de piekeindregel")] == [
        "piek-eindregel",
        "piek eindregel",
        "piekeindregel",
    ]
    # a closed compound label also matches when hyphenated, but not as two loose words
    assert found(index, "de klant-reis") == [("klant-reis", ("customer-journey",))]
    assert found(index, "de klant reist veel") == []


def test_hyphenated_compound_part(index: VocabIndex) -> None:
    assert found(index, "het CX-vakgebied groeit") == [("CX", ("customer-experience",))]


def test_abbreviations_need_capitals(index: VocabIndex) -> None:
    assert found(index, "CX and CSAT", "en") == [("CX", ("customer-experience",)), ("CSAT", ("customer-satisfaction",))]
    assert found(index, "my ex said cx is a mot of csat", "en") == []
    assert found(index, "two CSATs", "en") == [("CSATs", ("customer-satisfaction",))]


def test_longest_match_wins(index: VocabIndex) -> None:
    assert found(index, "customer experience management matters", "en") == [
        ("customer experience management", ("customer-experience-management",))
    ]


def test_varied_words_after_a_first_word_are_remembered_once_each(index: VocabIndex) -> None:
    # A long text of ever new words must not fill the step cache with one entry per word
    # after every label's first word: a word no label continues with is remembered once.
    matcher = Matcher(index, "en")
    words = [f"zq{i}x" for i in range(300)]
    result = matcher.scan(" ".join(f"the customer {w} and customer experience {w}." for w in words))
    assert set(words) <= matcher._dead
    assert not any(word in matcher._dead for _, word in matcher._steps)  # only the label's own steps
    assert [m.text for m in result.matches] == ["customer experience"] * len(words)


def test_overlaps_are_leftmost_then_longest(index: VocabIndex) -> None:
    # 'customer experience' starts first, so 'experience management' cannot take 'experience'
    text = "customer experience experience management"
    assert found(index, text, "en") == [
        ("customer experience", ("customer-experience",)),
        ("experience management", ("experience-management",)),
    ]
    result = index.matcher("en").scan(text)
    assert [(m.start, m.end) for m in result.matches] == [(0, 19), (20, 41)]


def test_matches_do_not_cross_punctuation_or_paragraphs(index: VocabIndex) -> None:
    assert found(index, "the customer. Experience counts", "en") == []
    assert found(index, "the customer\n\nexperience counts", "en") == []
    assert found(index, "the customer\nexperience counts", "en") == [("customer\nexperience", ("customer-experience",))]


def test_ambiguous_label_entries(index: VocabIndex) -> None:
    result = index.matcher("nl").scan("De beleving telt.")
    (match,) = result.matches
    assert any(e.kind is Kind.AMBIGUOUS for e in match.entries)
    assert set(match.entries[0].concepts) == {"customer-experience", "peak-end-rule"}


def test_deterministic_across_runs(index: VocabIndex) -> None:
    text = "CX, klantreizen en touchpoints; customer experience management en de beleving. " * 20
    first = index.matcher("nl").scan(text).matches
    again = VocabIndex(index.kb).matcher("nl").scan(text).matches
    assert first == again


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_prefilter_gives_the_same_result_as_a_full_scan(index: VocabIndex, lang: str) -> None:
    seeds = Path(__file__).parent / "gold" / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    texts.append(
        "Klant-reis, klant’s, klantreizen; _klantreis_ CSAT's touchpoints x'y'z CX-vak d’klantbeleving "
        "§klantreis €CX piekeindregel co-creatie «klantreis» (CX) a’CX"
    )
    matcher = index.matcher(lang)
    assert "regex" in index.prefilter.engines
    for text in texts:
        full = matcher.scan(text, prefilter=False)
        assert full.matches
        for engine in index.prefilter.engines:
            quick = matcher.scan(text, engine=engine)
            assert quick.matches == full.matches, engine
            assert quick.cue_words == full.cue_words, engine


def test_unmatched_cue_words_are_collected(index: VocabIndex) -> None:
    matcher = index.matcher("nl")
    text = "De klantgerelateerde KPI's en de medewerkersbeleving."
    result = matcher.scan(text)
    phrases = [text[s:e] for s, e in cue_phrases(matcher, text, result)]
    assert phrases == ["klantgerelateerde", "medewerkersbeleving"]


def test_english_cue_phrases_take_a_modifier(index: VocabIndex) -> None:
    matcher = index.matcher("en")
    text = "A customer centric culture and customer-led design."
    result = matcher.scan(text)
    assert [text[s:e] for s, e in cue_phrases(matcher, text, result)] == ["customer centric", "customer-led design"]


def test_a_customer_base_is_no_term(index: VocabIndex) -> None:
    """A market, in every held-out text that names one; the phrase stops before *base*."""
    matcher = index.matcher("en")
    text = "Our customer base grows. A customer insight team serves the customer base."
    result = matcher.scan(text)
    assert [text[s:e] for s, e in cue_phrases(matcher, text, result)] == ["customer", "customer insight", "customer"]


def test_inflected_forms() -> None:
    assert {"klantreizen", "klantreis'", "klantreisen"} & forms("klantreis", "nl") == {"klantreizen", "klantreisen"}
    assert "waarheden" in forms("waarheid", "nl")
    assert "maten" in forms("maat", "nl")
    assert "bussen" in forms("bus", "nl")
    assert "persona's" in forms("persona", "nl")
    assert "centra" in forms("centrum", "nl") and "klantcontactcentra" in forms("klantcontactcentrum", "nl")
    assert {"journeys", "analyses", "personae"} <= forms("journey", "en") | forms("analysis", "en") | forms(
        "persona", "en"
    )
    assert "companies" in forms("company", "en")
    assert forms("x", "en") == frozenset()


def test_abbreviation_rule() -> None:
    assert is_abbreviation("CX") and is_abbreviation("KPI") and not is_abbreviation("Cx")
    assert not is_abbreviation("customer experience") and not is_abbreviation("X")
