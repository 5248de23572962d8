"""The repository's own tables: complete, clean and as the taxonomy promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxkb.findings import Level
from cxkb.kg import graph as graphmod
from cxkb.kg.build import assemble
from cxkb.kg.validate import load_and_validate

TOPICS_BY_DOMAIN = {
    "customer": {"customer-emotions", "employee-emotions", "context", "experience-measurement"},
    "organisation": {"management", "design", "co-creation", "engagement"},
    "technology": {"self-service-technology", "emerging-technology", "online-cx"},
}
QUESTIONS_PER_TOPIC = {
    "customer-emotions": 2,
    "employee-emotions": 2,
    "context": 2,
    "experience-measurement": 2,
    "management": 3,
    "design": 2,
    "co-creation": 3,
    "engagement": 2,
    "self-service-technology": 3,
    "emerging-technology": 4,
    "online-cx": 3,
}
REQUIRED_CONCEPTS = {
    "customer-journey",
    "touchpoint",
    "moment-of-truth",
    "peak-end-rule",
    "service-blueprint",
    "customer-journey-map",
    "persona",
    "employee-experience",
    "emotional-contagion",
    "value-co-creation",
    "value-co-destruction",
    "self-service-technology",
    "chatbot",
    "omnichannel",
    "uncanny-valley",
    "experience-economy",
    "transformation-economy",
    "time-well-saved",
    "time-well-invested",
    "customer-service-experience",
    "customer-experience",
    "customer-experience-management",
    "customer-centricity",
    "customer-friendliness",
    "service-concept",
    "service-system",
    "service-encounter",
    "net-promoter-score",
    "customer-effort-score",
}


@pytest.fixture(scope="module")
def real(repo_root: Path):  # type: ignore[no-untyped-def]
    return load_and_validate(repo_root)


def test_tables_have_no_errors(real) -> None:  # type: ignore[no-untyped-def]
    _kb, report = real
    errors = report.at_least(Level.ERROR)
    assert not errors, "\n".join(f.format() for f in errors)


def test_framework_matches_silva_2021(real) -> None:  # type: ignore[no-untyped-def]
    kb, _ = real
    assert set(kb.domains) == set(TOPICS_BY_DOMAIN)
    for domain, topics in TOPICS_BY_DOMAIN.items():
        assert {t.id for t in kb.topics.values() if t.domain == domain} == topics
    per_topic = {t: sum(q.topic == t for q in kb.questions.values()) for t in kb.topics}
    assert per_topic == QUESTIONS_PER_TOPIC
    assert len(kb.questions) == 28
    for q in kb.questions.values():
        assert q.text.nl and q.text.en and "10.1108/JSTP-08-2020-0193" in q.source and "seed:001" in q.summarised_in


def test_concepts_are_bilingual_and_sourced(real) -> None:  # type: ignore[no-untyped-def]
    kb, _ = real
    assert len(kb.concepts) >= 60
    assert set(kb.concepts) >= REQUIRED_CONCEPTS
    for c in kb.concepts.values():
        assert c.pref.en and c.pref.nl and c.definition.en and c.definition.nl and c.source and c.topics, c.id
    assert sum(bool(c.alt.en or c.alt.nl) for c in kb.concepts.values()) >= 50
    assert any(c.hidden.en or c.hidden.nl for c in kb.concepts.values())
    distinctions = ("customer-service-experience", "customer-experience", "customer-experience-management")
    assert all(kb.concepts[c].scope_note.en and kb.concepts[c].scope_note.nl for c in distinctions)


def test_ambiguous_labels_declared(real) -> None:  # type: ignore[no-untyped-def]
    kb, _ = real
    words = {(a.label.casefold(), a.lang) for a in kb.ambiguous.values()}
    assert {("beleving", "nl"), ("experience", "en"), ("klantervaring", "nl")} <= words
    assert all(len(a.candidates) >= (1 if a.may_denote_nothing else 2) for a in kb.ambiguous.values())
    assert ("interactie", "nl") in {(a.label, a.lang) for a in kb.ambiguous.values() if a.may_denote_nothing}


def test_literature_has_verified_rows(real) -> None:  # type: ignore[no-untyped-def]
    kb, _ = real
    assert len(kb.papers) >= 40
    assert "10.1108/JSTP-08-2020-0193" in {p.doi for p in kb.papers.values()}
    for p in kb.papers.values():
        assert 1 <= len(p.topics) <= 3 and len(p.questions) <= 3 and p.note and p.keywords, p.id


def test_real_graph_conforms_and_round_trips(repo_root: Path) -> None:
    kb, report, graph = assemble(repo_root)
    assert not report.has_errors
    assert graphmod.canonical(graphmod.from_graph(graph)) == graphmod.canonical(kb)


def test_literature_coverage_thresholds(real) -> None:  # type: ignore[no-untyped-def]
    """At least 250 papers, 12 per topic, and 2 per research question unless the gap is explained."""
    kb, _ = real
    assert len(kb.papers) >= 250
    per_topic = {t: sum(t in p.topics for p in kb.papers.values()) for t in kb.topics}
    thin = {t: n for t, n in per_topic.items() if n < 12}
    assert not thin, f"topics with fewer than 12 papers: {thin}"
    per_question = {q: sum(q in p.questions for p in kb.papers.values()) for q in kb.questions}
    unexplained = {q: n for q, n in per_question.items() if n < 2 and not kb.questions[q].evidence_gap}
    assert not unexplained, f"questions with fewer than 2 papers and no evidence-gap note: {unexplained}"


def test_every_paper_has_an_identifier_and_a_note_of_its_own(real) -> None:  # type: ignore[no-untyped-def]
    kb, _ = real
    for p in kb.papers.values():
        assert p.doi or p.isbn or p.url, p.id
        assert len(p.note.split()) <= 60, f"{p.id}: the note should be one sentence"
        assert p.note.casefold() != p.title.casefold(), p.id
    notes = [p.note for p in kb.papers.values()]
    assert len(set(notes)) == len(notes), "two papers share a note"
