"""Counts that tell a maintainer how the knowledge base is growing, read from the release."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cxkb.release import Release


@dataclass(frozen=True)
class TopicStats:
    topic: str
    domain: str
    label: str
    papers: int
    questions: int
    concepts: int


def class_counts(release: Release) -> dict[str, int]:
    kb = release.records
    counts = kb.counts()
    # People, not spellings (a release written before authors.csv existed has only names).
    counts["authors"] = len({a for p in kb.papers.values() for a in (p.author_ids or p.authors)})
    return counts


def topic_stats(release: Release) -> list[TopicStats]:
    """Per topic: the papers that cover it (as the graph says, inferred coverage included),
    its research questions and the concepts filed under it."""
    kb = release.records
    papers = release.derived["counts"]["topic"]
    questions = Counter(q.topic for q in kb.questions.values())
    concepts = Counter(t for c in kb.concepts.values() for t in c.topics)
    return [
        TopicStats(t.id, t.domain, t.label.en, papers.get(t.id, 0), questions[t.id], concepts[t.id])
        for t in sorted(kb.topics.values(), key=lambda t: (t.domain, t.id))
    ]
