"""The release's records and derived facts as pandas tables, for notebooks, maps and analyses.

Notebooks do not parse CSV: they take these frames, which come from the release, so the
book shows exactly what the graph holds. What a paper covers (the property chains) and the
counts are the build's results, read here, never worked out again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from cxkb.model import KnowledgeBase


@dataclass
class Frames:
    kb: KnowledgeBase
    derived: dict[str, Any] = field(repr=False)

    @classmethod
    def load(cls, root: Path) -> Frames:
        """The frames of the current release under ``root`` (``ReleaseError`` if there is none)."""
        from cxkb.release import open_release

        return open_release(root).frames

    @cached_property
    def topics(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"topic": t.id, "domain": t.domain, "label_en": t.label.en, "label_nl": t.label.nl}
                for t in self.kb.topics.values()
            ],
            columns=["topic", "domain", "label_en", "label_nl"],
        )

    @cached_property
    def domains(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"domain": d.id, "label_en": d.label.en, "label_nl": d.label.nl} for d in self.kb.domains.values()],
            columns=["domain", "label_en", "label_nl"],
        )

    @cached_property
    def papers(self) -> pd.DataFrame:
        rows = [
            {
                "paper": p.id,
                "year": p.year,
                "title": p.title,
                "venue": p.venue,
                "doi": p.doi,
                "first_author": p.authors[0].partition(",")[0] if p.authors else "",
            }
            for p in self.kb.papers.values()
        ]
        return pd.DataFrame(rows, columns=["paper", "year", "title", "venue", "doi", "first_author"])

    def _links(self, attr: str, column: str) -> pd.DataFrame:
        rows = [{"paper": p.id, column: x} for p in self.kb.papers.values() for x in getattr(p, attr)]
        return pd.DataFrame(rows, columns=["paper", column])

    def _derived_links(self, key: str, column: str) -> pd.DataFrame:
        rows = [{"paper": p, column: x} for p, xs in sorted(self.derived[key].items()) for x in xs]
        return pd.DataFrame(rows, columns=["paper", column])

    @cached_property
    def paper_topics(self) -> pd.DataFrame:
        """The topics each paper covers (cx:coversTopic: asserted, or through its questions)."""
        return self._derived_links("paper_topics", "topic")

    @cached_property
    def paper_domains(self) -> pd.DataFrame:
        """The domains each paper covers (cx:coversDomain)."""
        return self._derived_links("paper_domains", "domain")

    @cached_property
    def paper_questions(self) -> pd.DataFrame:
        return self._links("questions", "question")

    @cached_property
    def paper_concepts(self) -> pd.DataFrame:
        return self._links("concepts", "concept")

    @cached_property
    def paper_keywords(self) -> pd.DataFrame:
        return self._links("keywords", "keyword")

    @cached_property
    def questions(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "question": q.id,
                    "topic": q.topic,
                    "text_en": q.text.en,
                    "text_nl": q.text.nl,
                    "evidence_gap": q.evidence_gap,
                }
                for q in self.kb.questions.values()
            ],
            columns=["question", "topic", "text_en", "text_nl", "evidence_gap"],
        )

    @cached_property
    def concepts(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"concept": c.id, "label_en": c.pref.en, "label_nl": c.pref.nl, "topics": "|".join(c.topics)}
                for c in self.kb.concepts.values()
            ],
            columns=["concept", "label_en", "label_nl", "topics"],
        )

    def _counts(self, kind: str, index: pd.Series) -> pd.Series:
        counts = self.derived["counts"][kind]
        return pd.Series([counts.get(x, 0) for x in index], index=pd.Index(index, name=kind), name="paper")

    def papers_per_topic(self) -> pd.Series:
        return self._counts("topic", self.topics["topic"])

    def papers_per_domain(self) -> pd.Series:
        return self._counts("domain", self.domains["domain"])

    def papers_per_question(self) -> pd.Series:
        return self._counts("question", self.questions["question"])

    def papers_per_concept(self) -> pd.Series:
        return self._counts("concept", self.concepts["concept"])

    def evidence_gaps(self) -> list[str]:
        """The research questions the build counts as evidence gaps (the one definition:
        ``cxkb.kg.extracts``, any of the four answers of :meth:`gap_reasons`)."""
        return list(self.derived["evidence_gaps"])

    @property
    def gap_map(self) -> dict[str, Any]:
        """The build's evidence-gap map: papers per question by design and by period, and the answers."""
        return self.derived["gap_map"]

    def gap_reasons(self) -> dict[str, list[str]]:
        """Why each gap is one: ``thin``, ``no-recent``, ``no-empirical``, ``no-causal-or-behavioural``."""
        return {q: list(r) for q, r in self.gap_map["reasons"].items()}

    def period_labels(self) -> list[str]:
        """The gap map's periods, oldest first, in English (the newest starts with the review)."""
        return [p["label_en"] for p in self.gap_map["periods"]]

    def per_year_domain(self) -> pd.DataFrame:
        merged = self.paper_domains.merge(self.papers[["paper", "year"]], on="paper")
        table = merged.pivot_table(index="year", columns="domain", values="paper", aggfunc="nunique", fill_value=0)
        return table.reindex(columns=list(self.domains["domain"]), fill_value=0).sort_index()

    def question_period_matrix(self) -> pd.DataFrame:
        """Research questions by publication period: where the evidence is thin, and since when."""
        periods = self.gap_map["periods"]
        rows = {
            q: [len(self.gap_map["by_period"].get(q, {}).get(p["id"], [])) for p in periods]
            for q in self.questions["question"]
        }
        return pd.DataFrame.from_dict(rows, orient="index", columns=[p["label_en"] for p in periods]).rename_axis(
            "question"
        )

    def domain_topic_matrix(self) -> pd.DataFrame:
        """Papers per (domain covered, topic covered): the off-diagonal blocks are cross-domain work."""
        pairs = self.paper_domains.merge(self.paper_topics, on="paper")
        table = pairs.pivot_table(index="domain", columns="topic", values="paper", aggfunc="nunique", fill_value=0)
        return table.reindex(index=list(self.domains["domain"]), columns=list(self.topics["topic"]), fill_value=0)
