"""How the taxonomy's abbreviations are written in a document: in their own capitals.

An all-capital label (*CX*, *NPS*, *SST*) is matched only where a document writes it in capitals,
so *ex* is not EX. The matcher folds case to find a label, which makes *CEs* (customer engineers)
and *CES* (the customer effort score) one key; the capitals decide between them, since the *s*
after capitals makes a plural of the letters before it.
"""

from __future__ import annotations

import re
from functools import cache

from cxkb.checker.prefilter import TOKEN

_ENDING = re.compile(r"(?:['\u2019]s?|s)\Z")


def is_abbreviation(label: str) -> bool:
    """All-capital labels (CX, NPS, SST) are matched only in capitals, so 'ex' is not EX."""
    letters = [c for c in label if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def bare(abbreviation: str) -> str:
    """An abbreviation without its possessive or plural ending ("NPS's", "CSRs" -> "NPS", "CSR")."""
    return _ENDING.sub("", abbreviation)


def _capitals_ok(token: str) -> bool:
    """In capitals but for a plural *s* or a possessive: the test left when a spelling variant
    splits or joins the label's words, so they cannot be compared one by one."""
    letters = [c for c in bare(token) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@cache  # one per abbreviation label, a few dozen
def _label_words(label: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(label))


def in_capitals(tokens: list[str], label: str) -> bool:
    """Whether the words match an abbreviation as written, or as its plural or possessive (*NPS*,
    *NPSs*, *NPS's*). Folded, *CEs* (customer engineers) and *CES* are one word; but the *s* of *CEs*
    makes a plural of *CE*, so it is not the customer effort score."""
    words = _label_words(label)
    if len(words) != len(tokens):  # a variant split or joined otherwise: capitals only
        return all(_capitals_ok(t) for t in tokens)
    for token, word in zip(tokens, words, strict=True):
        core = bare(token)
        if token != word and (core == token or core != word):
            return False
    return True
