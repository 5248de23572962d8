"""Counts that tell a maintainer how the knowledge base is growing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cxkb.kg.records import KnowledgeBase


@dataclass(frozen=True)
class TopicStats:
    topic: str
    domain: str
    label: str
    papers: int
    questions: int
    concepts: int


def class_counts(kb: KnowledgeBase) -> dict[str, int]:
    authors = {a for p in kb.papers.values() for a in p.authors}
    counts = kb.counts()
    counts["authors"] = len(authors)
    return counts


def topic_stats(kb: KnowledgeBase) -> list[TopicStats]:
    papers = Counter(t for p in kb.papers.values() for t in p.topics)
    questions = Counter(q.topic for q in kb.questions.values())
    concepts = Counter(t for c in kb.concepts.values() for t in c.topics)
    return [
        TopicStats(t.id, t.domain, t.label.en, papers[t.id], questions[t.id], concepts[t.id])
        for t in sorted(kb.topics.values(), key=lambda t: (t.domain, t.id))
    ]
