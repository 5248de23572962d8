"""What the checker says about each match: every finding code, severities, allow lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_support import make_check_root
from cxkb.checker.config import CheckConfig, ConfigError, load_config
from cxkb.checker.documents import read_document
from cxkb.checker.engine import Checker, Usage, keep_initial_capital, sentence_start, summarise
from cxkb.checker.vocab import VocabIndex
from cxkb.findings import Level
from cxkb.kg.records import load


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> VocabIndex:
    kb, _ = load(make_check_root(tmp_path_factory.mktemp("findings")))
    return VocabIndex(kb)


def check(index: VocabIndex, tmp_path: Path, text: str, *, name: str = "doc.md", **config: object):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    settings = CheckConfig(**config)  # type: ignore[arg-type]
    return Checker(index, settings).check_document(read_document(path, name, lang=settings.language))


def codes(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.text) for f in result.findings]


def test_preferred_is_info(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "De klantreis is lang.\n", language="nl")
    (f,) = result.findings
    assert (f.code, f.level, f.concepts, f.line, f.column, f.end_column) == (
        "preferred",
        Level.INFO,
        ("customer-journey",),
        1,
        4,
        13,
    )


def test_non_preferred_names_the_preferred_label(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "De customer journey is lang.\n", language="nl")
    (f,) = result.findings
    assert f.code == "non-preferred" and f.level is Level.WARNING
    assert "use 'klantreis'" in f.message and f.replacement == "klantreis"


def test_misspelling(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "De klantenrijs is lang.\n", language="nl")
    (f,) = result.findings
    assert (f.code, f.level, f.replacement) == ("misspelling", Level.WARNING, None)
    assert "misspelling of 'klantreis'" in f.message


def test_deprecated_names_the_replacement(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "De tevredenheidsindex daalt.\n", language="nl")
    (f,) = result.findings
    assert (f.code, f.level) == ("deprecated", Level.ERROR)
    assert "'klanttevredenheid' (customer-satisfaction)" in f.message and f.replacement is None


def test_ambiguous_lists_every_candidate(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "De beleving telt.\n", language="nl")
    (f,) = result.findings
    assert f.code == "ambiguous" and f.level is Level.WARNING and f.replacement is None
    assert set(f.concepts) == {"customer-experience", "peak-end-rule"}
    assert "customer-experience" in f.message and "peak-end-rule" in f.message


def test_wrong_language(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "We drew the klantreis first.\n", language="en")
    (f,) = result.findings
    assert (f.code, f.level) == ("wrong-language", Level.INFO)
    assert "Dutch label" in f.message and "use 'customer journey'" in f.message


def test_label_of_both_languages_counts_in_the_document_language(index: VocabIndex, tmp_path: Path) -> None:
    en = check(index, tmp_path, "The customer journey.\n", language="en")
    nl = check(index, tmp_path, "De customer journey.\n", language="nl")
    assert codes(en) == [("preferred", "customer journey")]
    assert codes(nl) == [("non-preferred", "customer journey")]


def test_inconsistent_naming(index: VocabIndex, tmp_path: Path) -> None:
    text = "De klantreis. Nog een klantreis. Dan de customer journey en klantreizen.\n"
    result = check(index, tmp_path, text, language="nl")
    inconsistent = [f for f in result.findings if f.code == "inconsistent"]
    assert len(inconsistent) == 1
    f = inconsistent[0]
    assert f.text == "customer journey" and "'klantreis' (3×)" in f.message and "'customer journey' (1×)" in f.message


def test_unknown_terms_suggest_nearest_concepts(index: VocabIndex, tmp_path: Path) -> None:
    text = "De klanttevredenheidsscore en klantcontacten tellen: elke klanttevredenheidsscore, elk klantcontact.\n"
    result = check(index, tmp_path, text, language="nl")
    unknown = [f for f in result.findings if f.code == "unknown-term"]
    score = "klanttevredenheidsscore"
    assert [f.text for f in unknown] == [score, "klantcontacten", score, "klantcontact"]
    assert unknown[0].concepts[0] == "customer-satisfaction"
    assert "nearest: 'klanttevredenheid' (customer-satisfaction)" in unknown[0].message
    assert sorted(u.key for u in result.unknown) == ["klantcontact"] * 2 + ["klanttevredenheidsscore"] * 2


def test_bare_cue_words_are_not_unknown_terms(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "Klanten en customers willen service.\n", language="nl")
    assert [f for f in result.findings if f.code == "unknown-term"] == []


def test_severities_are_configurable(index: VocabIndex, tmp_path: Path) -> None:
    severity = {"preferred": None, "non-preferred": Level.ERROR}
    result = check(index, tmp_path, "De klantreis en de customer journey.\n", language="nl", severity=severity)
    assert [(f.code, f.level) for f in result.findings if f.code != "inconsistent"] == [("non-preferred", Level.ERROR)]
    # a switched-off code still counts as a mention for reports and evaluation
    assert [m.code for m in result.mentions] == ["preferred", "non-preferred"]


def test_allow_list_by_term_and_by_concept(index: VocabIndex, tmp_path: Path) -> None:
    text = "De customer journey en het CX-team. Touchpoints.\n"
    result = check(index, tmp_path, text, language="nl", allow=("Customer Journey", "touchpoint"))
    assert [f.text for f in result.findings] == ["CX"]
    result = check(index, tmp_path, text, language="nl", allow=("customer-experience",))
    assert "CX" not in [f.text for f in result.findings]


def test_suppressed_lines_have_no_findings(index: VocabIndex, tmp_path: Path) -> None:
    text = "<!-- cxkb-check disable-next-line -->\nDe customer journey.\nDe customer journey.\n"
    result = check(index, tmp_path, text, language="nl")
    assert [(f.code, f.line) for f in result.findings] == [("non-preferred", 3)]
    text = "<!-- cxkb-check off -->\nDe customer journey.\n<!-- cxkb-check on -->\nDe klantreis.\n"
    result = check(index, tmp_path, text, language="nl")
    assert [(f.code, f.line) for f in result.findings] == [("preferred", 4)]


def test_bad_directive_is_a_finding(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "<!-- cxkb-check of -->\nTekst.\n", language="nl")
    assert [(f.code, f.line, f.column) for f in result.findings] == [("directive", 1, 1)]


def test_replacement_only_for_exact_same_language_synonyms(index: VocabIndex, tmp_path: Path) -> None:
    text = "Customer journey eerst. De customer journeys, CX en de touch point.\n"
    result = check(index, tmp_path, text, language="nl")
    fixes = {f.text: f.replacement for f in result.findings if f.code in ("non-preferred", "wrong-language")}
    assert fixes == {
        "Customer journey": "Klantreis",  # sentence-initial capital kept
        "customer journeys": None,  # inflected: not exact
        "CX": None,  # an English synonym in Dutch text
        "touch point": None,
    }


def test_summary_counts_concepts_and_unknown_terms(index: VocabIndex, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("De klantreis, klantreizen. Klantcontacten, een klantcontact.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("De klantreis en een klantcontact en de beleving.\n", encoding="utf-8")
    run = Checker(index, CheckConfig(language="nl")).check_paths([tmp_path], cwd=tmp_path)
    summary = summarise(run, index)
    used = {u["concept"]: (u["count"], u["files"]) for u in summary.used}
    assert used == {"customer-journey": (3, ["a.md", "b.txt"])}
    assert "satisfaction-index" not in [u["concept"] for u in summary.unused]  # retired concepts are not "unused"
    assert "touchpoint" in [u["concept"] for u in summary.unused]
    assert [(u["key"], u["count"]) for u in summary.unknown] == [("klantcontact", 2)]


def test_a_running_tally_reports_what_kept_mentions_report(index: VocabIndex, tmp_path: Path) -> None:
    # The command line counts uses as they come instead of keeping one object per match;
    # the report must not change, down to the spelling shown for an unknown term (the most
    # used one, and on a tie the one used first).
    a_text = "De klantcontacten en de klantreis. CX en de klantbeleving. Elk klantcontact telt.\n"
    (tmp_path / "a.md").write_text(a_text, encoding="utf-8")
    b_text = "Een klantcontact, de klantreizen en de customer journey. De klantcontacten.\n"
    (tmp_path / "b.txt").write_text(b_text, encoding="utf-8")
    checker = Checker(index, CheckConfig(language="nl"))
    kept = checker.check_paths([tmp_path], cwd=tmp_path)
    usage = Usage()
    counted = checker.check_paths([tmp_path], cwd=tmp_path, details=False, usage=usage)
    assert kept.mentions and kept.unknown
    assert counted.mentions == [] and counted.unknown == []
    assert counted.findings == kept.findings
    tally = usage.summary(index, len(counted.documents), len(counted.errors))
    assert tally.to_dict() == summarise(kept, index).to_dict()
    assert [(u["term"], u["count"], u["files"]) for u in tally.unknown] == [("klantcontacten", 4, ["a.md", "b.txt"])]


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("CX is", 0, True),
        ("Zo. CX is", 4, True),
        ("de CX is", 3, False),
        ("# CX", 2, True),
        ("- CX", 2, True),
        ("een zin\nCX loopt door", 8, False),
        ("een zin.\nCX begint", 9, True),
        ("alinea\n\nCX begint", 8, True),
        ('Hij zei: "CX', 10, False),
        ('Zo. "CX', 5, True),
    ],
)
def test_sentence_start(text: str, offset: int, expected: bool) -> None:
    assert sentence_start(text, offset) is expected


def test_keep_initial_capital() -> None:
    assert keep_initial_capital("klantreis", "Customer journey", True) == "Klantreis"
    assert keep_initial_capital("klantreis", "Customer Journey", False) == "klantreis"
    assert keep_initial_capital("klantreis", "customer journey", True) == "klantreis"


# -- configuration ----------------------------------------------------------------------------


def test_config_from_own_file(tmp_path: Path) -> None:
    (tmp_path / ".cxkb-check.toml").write_text(
        'language = "nl"\nfail-level = "error"\nignore = ["drafts/"]\nallow = ["CX"]\nextra-cues = ["nps"]\n'
        '[severity]\npreferred = "off"\nwrong-language = "warning"\n',
        encoding="utf-8",
    )
    sub = tmp_path / "docs"
    sub.mkdir()
    config = load_config(cwd=sub)
    assert config.language == "nl" and config.fail_level is Level.ERROR
    assert config.ignore == ("drafts/",) and config.allow == ("CX",) and "nps" in config.cues
    assert config.level("preferred") is None and config.level("wrong-language") is Level.WARNING
    assert config.level("deprecated") is Level.ERROR


def test_config_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cxkb.check]\nlanguage = "en"\n', encoding="utf-8"
    )
    assert load_config(cwd=tmp_path).language == "en"


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(cwd=tmp_path) == CheckConfig()


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('language = "de"\n', 1, "language must be"),
        ('\n\ncolour = "red"\n', 3, "unknown setting 'colour'"),
        ('[severity]\n\nloudness = "error"\n', 3, "unknown finding code"),
        ('[severity]\npreferred = "loud"\n', 2, "must be error, warning, info or off"),
        ('fail-level = "panic"\n', 1, "fail-level"),
        ("ignore = 3\n", 1, "list of strings"),
        ("fuzzy-cutoff = 120\n", 1, "0 to 100"),
        ('language = "nl\n', 1, "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_line(tmp_path: Path, content: str, line: int, words: str) -> None:
    path = tmp_path / "check.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == line and words in info.value.message
    assert info.value.format().startswith(f"{path.as_posix()}:{line}: ")


def test_a_match_across_inline_markup_keeps_the_source_text(index: VocabIndex, tmp_path: Path) -> None:
    result = check(index, tmp_path, "<p>The customer <b>journey</b> and more.</p>\n", name="doc.html", language="en")
    (f,) = [f for f in result.findings if f.code == "preferred"]
    assert f.text == "customer <b>journey" and (f.column, f.end_column) == (8, 27)
    assert "'customer journey' is the preferred label" in f.message
    assert f.replacement is None
