"""The usage report: which concepts a set of documents uses, which it never uses, and what seems missing.

It is built from the mentions and unknown terms of a run, which the checker hands over only
when asked, since a long document has one per match: either kept in lists (``details``, for
the library) or counted as they come (a :class:`Usage`, for the command line).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxkb.checker.results import CheckRun, Mention, UnknownTerm
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


class Usage:
    """A running tally of mentions and unknown terms, fed as the checker finds them.

    The report needs counts, file sets and one spelling per unknown term, not every use, so
    the command line hands a tally to the checker instead of keeping an object per match:
    a report on a long document then costs memory by the number of distinct concepts and
    terms, not by the number of uses.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.files: dict[str, set[str]] = defaultdict(set)
        # unknown-term key -> (uses per spelling, in order of first use; files; nearest of the first use)
        self.terms: dict[str, tuple[Counter[str], set[str], tuple[str, ...]]] = {}

    def mention(self, m: Mention) -> None:
        if m.code == "ambiguous":  # no single concept to count it for
            return
        for c in m.concepts:
            self.counts[c] += 1
            self.files[c].add(m.path)

    def unknown(self, u: UnknownTerm) -> None:
        entry = self.terms.get(u.key)
        if entry is None:
            entry = self.terms[u.key] = (Counter(), set(), u.nearest)
        entry[0][u.text] += 1
        entry[1].add(u.path)

    def summary(self, index: VocabIndex, files: int, errors: int) -> Summary:
        counts = self.counts
        used = [
            {
                "concept": c,
                "pref_en": index.preferred(c, "en"),
                "pref_nl": index.preferred(c, "nl"),
                "count": n,
                "files": sorted(self.files[c]),
            }
            for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        ]
        unused = [
            {"concept": c.id, "pref_en": c.pref.en, "pref_nl": c.pref.nl}
            for c in sorted(index.concepts.values(), key=lambda c: c.id)
            if c.id not in counts and not c.deprecated
        ]
        unknown = [
            {
                "term": spellings.most_common(1)[0][0],  # ties go to the spelling used first
                "key": key,
                "count": spellings.total(),
                "files": sorted(paths),
                "nearest": list(nearest),
            }
            for key, (spellings, paths, nearest) in self.terms.items()
        ]
        unknown.sort(key=lambda x: (-int(x["count"]), str(x["key"])))  # type: ignore[call-overload]
        return Summary(used, unused, unknown, files, errors)


def summarise(run: CheckRun, index: VocabIndex) -> Summary:
    """The report on a run that kept its mentions and unknown terms (the library's way)."""
    usage = Usage()
    for m in run.mentions:
        usage.mention(m)
    for u in run.unknown:
        usage.unknown(u)
    return usage.summary(index, len(run.documents), len(run.errors))
