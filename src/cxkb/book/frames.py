"""The records as pandas tables, for the book's notebooks, the maps and analyses.

Notebooks should not parse CSV themselves: they take these frames, which come from the
validated records, so the book shows exactly what the graph holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from cxkb.kg.records import KnowledgeBase
from cxkb.kg.validate import load_and_validate

PERIODS = (
    (0, 1999, "before 2000"),
    (2000, 2009, "2000-2009"),
    (2010, 2014, "2010-2014"),
    (2015, 2019, "2015-2019"),
    (2020, 9999, "2020 and later"),
)


def period(year: int) -> str:
    return next(label for lo, hi, label in PERIODS if lo <= year <= hi)


@dataclass
class Frames:
    kb: KnowledgeBase

    @classmethod
    def load(cls, root: Path) -> Frames:
        kb, report = load_and_validate(root)
        if report.has_errors:
            raise ValueError(f"the tables under {root} have errors; run `cxkb validate`")
        return cls(kb)

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

    @cached_property
    def paper_topics(self) -> pd.DataFrame:
        """Asserted topics plus the topics of the questions a paper addresses (the property chain)."""
        asserted = self._links("topics", "topic")
        via_q = self._links("questions", "question").merge(self.questions[["question", "topic"]], on="question")
        both = pd.concat([asserted, via_q[["paper", "topic"]]]).drop_duplicates()
        return both.sort_values(["paper", "topic"]).reset_index(drop=True)

    @cached_property
    def paper_domains(self) -> pd.DataFrame:
        pd_ = self.paper_topics.merge(self.topics[["topic", "domain"]], on="topic")[["paper", "domain"]]
        return pd_.drop_duplicates().sort_values(["paper", "domain"]).reset_index(drop=True)

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

    def papers_per_topic(self) -> pd.Series:
        counts = self.paper_topics.groupby("topic")["paper"].nunique()
        return counts.reindex(self.topics["topic"], fill_value=0)

    def papers_per_question(self) -> pd.Series:
        counts = self.paper_questions.groupby("question")["paper"].nunique()
        return counts.reindex(self.questions["question"], fill_value=0)

    def papers_per_concept(self) -> pd.Series:
        counts = self.paper_concepts.groupby("concept")["paper"].nunique()
        return counts.reindex(self.concepts["concept"], fill_value=0)

    def per_year_domain(self) -> pd.DataFrame:
        merged = self.paper_domains.merge(self.papers[["paper", "year"]], on="paper")
        table = merged.pivot_table(index="year", columns="domain", values="paper", aggfunc="nunique", fill_value=0)
        return table.reindex(columns=list(self.domains["domain"]), fill_value=0).sort_index()

    def question_period_matrix(self) -> pd.DataFrame:
        """Research questions by publication period: where the evidence is thin, and since when."""
        merged = self.paper_questions.merge(self.papers[["paper", "year"]], on="paper")
        merged["period"] = merged["year"].map(period)
        table = merged.pivot_table(index="question", columns="period", values="paper", aggfunc="nunique", fill_value=0)
        return table.reindex(index=list(self.questions["question"]), columns=[p[2] for p in PERIODS], fill_value=0)

    def domain_topic_matrix(self) -> pd.DataFrame:
        """Papers per (domain covered, topic covered): the off-diagonal blocks are cross-domain work."""
        pairs = self.paper_domains.merge(self.paper_topics, on="paper")
        table = pairs.pivot_table(index="domain", columns="topic", values="paper", aggfunc="nunique", fill_value=0)
        return table.reindex(index=list(self.domains["domain"]), columns=list(self.topics["topic"]), fill_value=0)
