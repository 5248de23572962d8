"""``cxkb add`` on big and awkward imports: field limits before decoding, duplicates by index, ids that stay valid."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, edit, examples
from cxkb.bibliography import from_bibtex, from_ris
from cxkb.findings import Level
from cxkb.kg import validate as validate_module
from cxkb.kg.contribute import add_papers, id_suffix, make_id
from cxkb.kg.records import doi_key
from cxkb.kg.tables import PAPER_ID
from cxkb.kg.validate import TitleIndex, load_and_validate, title_key

PAPERS = "literature/papers.csv"
COMMON = {
    "topics": "customer-emotions",
    "keywords": "customer experience",
    "note": "An entry.",
    "note_nl": "Een item.",
    "designs": "survey",
    "type": "article",
}


def entry(
    key: str, title: str, *, author: str = "Smith, Jane", year: str = "2020", doi: str = "", extra: str = ""
) -> str:
    fields = f"  author = {{{author}}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = {{{year}}},\n"
    if doi:
        fields += f"  doi = {{{doi}}},\n"
    return f"@article{{{key},\n{fields}{extra}}}\n"


def candidates(text: str) -> list[dict[str, str]]:
    return [c | COMMON for c in from_bibtex(text, "in.bib")]


# -- field limits --------------------------------------------------------------------------------


def test_a_10_mb_title_is_refused_in_under_a_second(mini_root: Path) -> None:
    text = entry("big", 'Customer {\\"u}ber experience ' * 350_000)
    assert len(text) > 10_000_000
    started = time.perf_counter()
    rows = from_bibtex(text, "big.bib")
    assert time.perf_counter() - started < 1.0
    assert "title" not in rows[0] and "_problems" in rows[0]
    before = (mini_root / PAPERS).read_bytes()
    result = add_papers(mini_root, [rows[0] | COMMON])
    found = [(f.column, f.rule) for f in result.report.findings if f.level is Level.ERROR]
    assert found == [("title", "cell-too-long")]
    assert "entry 'big'" in result.refused[0] and "its field 'title' alone is 10," in result.refused[0]
    assert (mini_root / PAPERS).read_bytes() == before
    long_title = from_bibtex(entry("long", "Customer experience " * 60), "t.bib")  # 1,200 characters: parsed
    result = add_papers(mini_root, [long_title[0] | COMMON], dry_run=True)
    assert "title is 1,200 characters, over the limit of 1,000" in result.refused[0]


def test_too_many_authors_are_refused_in_bibtex_and_ris(mini_root: Path) -> None:
    names = " and ".join(f"Family{i}, Given" for i in range(501))
    rows = candidates(entry("many", "A fine title", author=names))
    result = add_papers(mini_root, rows, dry_run=True)
    assert [(f.column, f.rule) for f in result.report.findings] == [("authors", "too-many-values")]
    ris = "".join(f"AU  - Family{i}, Given\n" for i in range(501))
    record = f"TY  - JOUR\n{ris}TI  - A fine title\nPY  - 2020\nJO  - J\nER  - \n"
    rows = [c | COMMON for c in from_ris(record, "in.ris")]
    result = add_papers(mini_root, rows, dry_run=True)
    assert [(f.column, f.rule) for f in result.report.findings] == [("authors", "too-many-values")]
    names = " and ".join(f"Family{i}, Given" for i in range(500))
    fine = candidates(entry("ok", "A fine title", author=names, doi="10.1234/ok"))
    assert add_papers(mini_root, fine, dry_run=True).added


def test_an_unused_huge_abstract_is_dropped_unread(mini_root: Path) -> None:
    abstract = "  abstract = {" + 'Sch{\\"o}ne service. ' * 40_000 + "},\n"  # 800 kB
    started = time.perf_counter()
    rows = candidates(entry("abs", "Service with a long abstract", doi="10.1234/abs", extra=abstract))
    assert time.perf_counter() - started < 3.0
    assert rows[0]["title"] == "Service with a long abstract" and "abstract" not in rows[0]
    assert add_papers(mini_root, rows, dry_run=True).added == ["smith2020service"]


def test_flag_input_is_held_to_the_same_limits(mini_root: Path) -> None:
    cand = {"doi": "10.1234/x", "title": "T" * 1001, "authors": "A, B", "year": "2020", "venue": "V"} | COMMON
    result = add_papers(mini_root, [cand], dry_run=True)
    assert [(f.column, f.rule) for f in result.report.findings] == [("title", "cell-too-long")]


# -- duplicates ----------------------------------------------------------------------------------

NEAR_A = "Understanding customer experience throughout the customer journey in retail banking"
NEAR_B = "Understanding customer experiences throughout the customer journey in retail banking"


def test_near_identical_titles_within_one_import_are_refused(mini_root: Path) -> None:
    from rapidfuzz import fuzz

    assert 95 < fuzz.ratio(title_key(NEAR_A), title_key(NEAR_B)) < 100
    text = entry("a", NEAR_A, doi="10.1234/a") + entry("b", NEAR_B, doi="10.1234/b", author="Jones, Al")
    result = add_papers(mini_root, candidates(text), dry_run=True)
    assert result.added == []
    assert len(result.refused) == 1 and "entry 'b'" in result.refused[0]
    score = fuzz.ratio(title_key(NEAR_A), title_key(NEAR_B))
    assert f"near-identical (similarity {score:.1f}) to in.bib: entry 'a', earlier in the input" in result.refused[0]
    only_first = add_papers(mini_root, candidates(entry("a", NEAR_A, doi="10.1234/a")))
    assert only_first.added == ["smith2020understanding"]
    again = add_papers(mini_root, candidates(entry("b", NEAR_B, doi="10.1234/b", author="Jones, Al")))
    assert "near-identical" in again.refused[0] and "smith2020understanding" in again.refused[0]


@pytest.mark.parametrize(
    "written",
    [
        "10.1509/jm.15.0420.",
        "https://doi.org/10.1509/JM.15.0420",
        "doi:10.1509/jm.15.0420;",
        "DX.DOI.ORG/10.1509/jm.15.0420",
    ],
)
def test_dois_are_compared_without_prefix_punctuation_or_case(mini_root: Path, written: str) -> None:
    cand = {"doi": written, "title": "Something else entirely", "authors": "X, Y", "year": "2016", "venue": "V"}
    result = add_papers(mini_root, [cand | COMMON], dry_run=True)
    assert "already in the table as 'lemon2016understanding'" in result.refused[0]


def test_doi_key() -> None:
    assert doi_key(" https://www.doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O. ") == (
        "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o"
    )
    assert doi_key("10.1000/abc)") == "10.1000/abc"  # a bracket the DOI never opened
    assert doi_key("10.1000/a(b)") == "10.1000/a(b)"


def _synthetic(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "du", "ba", "ze"]
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(4000)})
    common = ["customer", "experience", "service", "journey", "value", "design"]
    parts = []
    for i in range(count):
        title = " ".join(rng.sample(common, 3) + rng.sample(words, 5))
        parts.append(entry(f"e{i}", title, author=f"Author{i}, A", doi=f"10.9999/t.{i}"))
    return "\n".join(parts)


def test_duplicate_checks_grow_about_linearly(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Count the titles compared: an import four times larger compares about four times as many, not sixteen."""
    from rapidfuzz import process

    compared = [0]
    original = process.extractOne

    def counting(query: str, choices: list[str], **kwargs: object) -> object:
        compared[0] += len(choices)
        return original(query, choices, **kwargs)

    monkeypatch.setattr(process, "extractOne", counting)
    totals = {}
    for count in (500, 2000):
        compared[0] = 0
        started = time.perf_counter()
        result = add_papers(mini_root, candidates(_synthetic(count)), dry_run=True)
        elapsed = time.perf_counter() - started
        assert len(result.added) == count, result.refused[:3]
        totals[count] = compared[0]
    assert totals[2000] < 6 * max(totals[500], 1)
    assert elapsed < 30


def test_title_index_finds_what_a_full_comparison_finds() -> None:
    from rapidfuzz import fuzz

    rng = random.Random(3)
    base = [title_key(f"customer journey {rng.random():.6f} design of service number {i}") for i in range(300)]
    index: TitleIndex[int] = TitleIndex()
    for i, key in enumerate(base):
        index.add(key, i)
    for key in base[:50]:
        edited = key.replace("journey", "journeys", 1)
        best = max(fuzz.ratio(edited, other) for other in base)
        hit = index.find(edited)
        assert (hit is not None) == (best >= validate_module.SIMILAR_TITLE)
        if hit is not None:
            assert hit[1] == pytest.approx(best)


def test_validate_warns_on_near_identical_titles_in_the_table(mini_root: Path) -> None:
    edit(
        mini_root / PAPERS,
        "Understanding Customer Experience Throughout the Customer Journey",
        "When More Pain Is Preferred to Less: Adding a Better Ending",
    )
    _, report = load_and_validate(mini_root)
    near = [f for f in report.findings if f.rule == "near-duplicate-title"]
    assert len(near) == 1 and near[0].level is Level.WARNING
    assert near[0].row == 3 and "'kahneman1993when' on line 2" in near[0].message


def test_the_real_tables_have_no_near_duplicate_titles_and_no_errors() -> None:
    _, report = load_and_validate(REPO)
    assert not report.has_errors, [f.format() for f in report.findings if f.level is Level.ERROR]
    assert not [f for f in report.findings if f.rule == "near-duplicate-title"]


# -- ids -----------------------------------------------------------------------------------------


def test_id_suffixes_run_past_z() -> None:
    assert [id_suffix(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
        "zz",
        "aaa",
    ]


@settings(max_examples=examples(200), derandomize=True, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_id_suffixes_are_letters_and_distinct(a: int, b: int) -> None:
    assert id_suffix(a).isalpha() and id_suffix(a).islower()
    assert (id_suffix(a) == id_suffix(b)) == (a == b)


@settings(max_examples=examples(100), derandomize=True, deadline=None)
@given(
    family=st.text(max_size=30),
    title=st.text(max_size=60),
    year=st.text(alphabet="0123456789", max_size=4),
    clash=st.integers(min_value=0, max_value=80),
)
def test_make_id_is_always_a_valid_new_id(family: str, title: str, year: str, clash: int) -> None:
    cells = {"authors": f"{family}, Given", "title": title, "year": year}
    taken: set[str] = set()
    for _ in range(clash + 1):
        new = make_id(cells, taken)
        assert PAPER_ID.match(new), new
        assert new not in taken
        taken.add(new)


def test_thirty_papers_with_one_base_id_are_all_added(mini_root: Path) -> None:
    text = "".join(
        entry(f"e{i}", f"Customer {w} of service {i}", doi=f"10.1234/s{i}")
        for i, w in enumerate(random.Random(1).sample(range(10**6), 30))
    )
    result = add_papers(mini_root, candidates(text))
    assert len(result.added) == 30 and not result.report.has_errors, result.report.findings[:3]
    assert {"smith2020customer", "smith2020customerz", "smith2020customeraa", "smith2020customerad"} <= set(
        result.added
    )
