"""How the words of a label may be joined in running text, and which labels a join allows.

A label's words match across white space or a hyphen. Some joins say more than that: an
apostrophe after a plural's s, a dash that sets off a clause, a plural that is a subject
rather than the first noun of a compound. Each of these lets through only the labels that are
written the same way; the rules are here so that the matcher's loop reads as one walk.
"""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

from cxkb.checker.prefilter import HYPHENS

NEXT = re.compile(
    r"((?:(?<=[sS])['’](?=[ \t\r\u00a0\n]))?"  # a plural's possessive apostrophe
    r"[ \t\r\u00a0]*+(?:\n[ \t\r\u00a0]*+)?|[-\u2010\u2011\u2013]|[ \t\u00a0]++[-\u2013\u2014][ \t\u00a0]++|\u2014)"
    r"([^\W_]+(?:['’][^\W_]+)*)"
)
"""The next word after a word, and the gap before it: white space (one line break at most), one
hyphen, or a dash between spaces or an em dash (which :class:`Join` then holds to labels that
have one). The runs of white space are possessive (``*+``): written as two runs around an
optional line break that could share the spaces, a long run of spaces before a word that is no
word took time quadratic in its length (35 s for 60,000 spaces after *customer*)."""

_POSSESSIVE = re.compile(r"[sS]['’]\s")
_SPACED_DASH = re.compile(r"\s[-\u2013\u2014]\s")
_DASHES = frozenset("-\u2013\u2014")
_PLURAL = re.compile(r"[^\W\d_]*[^\W\d_sS][sS]")  # *customers*; not *business*, not *user's*
_HEAD_FIRST = frozenset({"of", "for", "to", "in", "on", "at", "with", "from", "by", "and"})


class _Labelled(Protocol):
    label: str


E = TypeVar("E", bound=_Labelled)


def takes_plural(label: str, first: str) -> bool:
    """Whether a label may start with the plural ``first``.

    In an English compound the first noun stays singular (*customer service*), so a plural
    followed by a space is mostly a subject and its verb: *what customers care about*, *users
    experience delays*, *customers service their accounts*. A label that starts with that very
    plural, a hyphenated one (*user-first*, written apart in *put users first*) and one whose
    first word is its head (*points of contact*) take it.
    """
    words = label.split()
    return words[0].lower() == first.lower() or "-" in words[0] or (len(words) > 1 and words[1].lower() in _HEAD_FIRST)


class Join:
    """What the gaps of one run of words have held so far, from its first word on."""

    __slots__ = ("dashed", "english", "first", "hyphen_only", "possessive")

    def __init__(self, first: str, lang: str) -> None:
        self.first = first
        self.english = lang == "en"
        self.hyphen_only = True
        # A plural's possessive apostrophe: *customers' service perceptions* are no customer
        # service, while a label that spells one (*designed around users' needs*) matches.
        self.possessive = False
        # A dash between spaces, or an em dash, mostly ends a clause; product names have one
        # (*Customer Insights - Journeys*, also written *Customer Insights—Journeys*).
        self.dashed = False

    def add(self, gap: str) -> None:
        if gap not in HYPHENS:
            self.hyphen_only = False
            self.possessive = self.possessive or gap[:1] in "'’"
            self.dashed = self.dashed or gap.strip() in _DASHES

    def allows(self, ok: tuple[E, ...]) -> tuple[E, ...]:
        """The entries whose labels are written the way the run of words is joined."""
        if ok and self.possessive:
            ok = tuple(e for e in ok if _POSSESSIVE.search(e.label))
        if ok and self.dashed:
            ok = tuple(e for e in ok if _SPACED_DASH.search(e.label))
        if ok and self.english and not self.hyphen_only and _PLURAL.fullmatch(self.first):
            ok = tuple(e for e in ok if takes_plural(e.label, self.first))
        return ok
