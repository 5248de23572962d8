"""The usage report: which concepts a set of documents uses, which it never uses, and what seems missing.

It reads the mentions and unknown terms of a run, which the checker lists only when asked
(``details``), since a long document has one per match.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxkb.checker.engine import CheckRun, UnknownTerm
    from cxkb.checker.vocab import VocabIndex


@dataclass
class Summary:
    """Which concepts a set of documents uses, which it never uses, and what seems missing."""

    used: list[dict[str, object]]
    unused: list[dict[str, object]]
    unknown: list[dict[str, object]]
    files: int
    errors: int

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "input_errors": self.errors,
            "concepts_used": self.used,
            "concepts_unused": self.unused,
            "unknown_terms": self.unknown,
        }


def summarise(run: CheckRun, index: VocabIndex) -> Summary:
    counts: Counter[str] = Counter()
    files: dict[str, set[str]] = defaultdict(set)
    ambiguous: Counter[str] = Counter()
    for m in run.mentions:
        if m.code == "ambiguous":
            ambiguous[m.text.casefold()] += 1
            continue
        for c in m.concepts:
            counts[c] += 1
            files[c].add(m.path)
    used = [
        {
            "concept": c,
            "pref_en": index.preferred(c, "en"),
            "pref_nl": index.preferred(c, "nl"),
            "count": n,
            "files": sorted(files[c]),
        }
        for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]
    unused = [
        {"concept": c.id, "pref_en": c.pref.en, "pref_nl": c.pref.nl}
        for c in sorted(index.concepts.values(), key=lambda c: c.id)
        if c.id not in counts and not c.deprecated
    ]
    by_key: dict[str, list[UnknownTerm]] = defaultdict(list)
    for u in run.unknown:
        by_key[u.key].append(u)
    unknown = []
    for key, uses in by_key.items():
        surface = Counter(u.text for u in uses).most_common(1)[0][0] if uses else key
        unknown.append(
            {
                "term": surface,
                "key": key,
                "count": len(uses),
                "files": sorted({u.path for u in uses}),
                "nearest": list(uses[0].nearest),
            }
        )
    unknown.sort(key=lambda x: (-int(x["count"]), str(x["key"])))  # type: ignore[call-overload]
    return Summary(used, unused, unknown, len(run.documents), len(run.errors))
