"""One term, one name: the taxonomy's texts and the book's prose use the preferred labels."""

from __future__ import annotations

import pytest

from cxkb.book.terms import check_terms, texts
from cxkb.release import open_release


@pytest.fixture(scope="module")
def release(repo_root):  # type: ignore[no-untyped-def]
    from conftest import built

    return open_release(built(repo_root))


def test_taxonomy_texts_and_book_prose_use_preferred_terms(release, repo_root) -> None:  # type: ignore[no-untyped-def]
    problems = check_terms(release, repo_root)
    assert not problems, "\n".join(str(p) for p in problems)


def test_the_check_covers_questions_topics_and_both_landing_pages(release, repo_root) -> None:  # type: ignore[no-untyped-def]
    where = {w for w, _lang, _text in texts(release, repo_root)}
    assert "question design-q2" in where and "topic self-service-technology label" in where
    assert {"book/intro.md", "book/nl/intro.md"} <= where


def test_a_synonym_fails_the_check(release, repo_root, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    root = tmp_path / "repo"
    (root / "book" / "nl").mkdir(parents=True)
    shutil.copy(repo_root / "book" / "terms-allowlist.csv", root / "book" / "terms-allowlist.csv")
    (root / "book" / "intro.md").write_text("# Intro\n\nEvery contactpunt counts.\n", encoding="utf-8")
    (root / "book" / "nl" / "intro.md").write_text("# Intro\n\nElk contactpunt telt.\n", encoding="utf-8")
    problems = [p for p in check_terms(release, root) if p.where.endswith(".md")]
    assert any(p.text.lower() == "contactpunt" and p.preferred == "touchpoint" for p in problems), problems


def test_corrected_questions_keep_the_source_wording(release) -> None:  # type: ignore[no-untyped-def]
    q = release.records.questions["co-creation-q1"]
    assert "toenemend " in q.text.nl and "toenemenemd" in q.text_nl_source
    for q in release.records.questions.values():
        assert q.text.nl.rstrip().endswith("?"), q.id
