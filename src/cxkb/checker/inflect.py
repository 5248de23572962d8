"""Inflected forms of label words, generated from the label side.

A lemmatiser maps text words back to dictionary forms, but it only knows the words in its
dictionary: Dutch closed compounds such as *klantreizen* or English jargon such as
*touchpoints* are unknown to it and come back unchanged. Labels are few and known in
advance, so cxkb also runs the regular plural and inflection rules forwards, from each
label word to the forms it can take in running text. Irregular forms are left to the
lemmatiser; forms that never occur cost nothing but a dictionary entry.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiouy")
_LONG_VOWELS = ("aa", "ee", "oo", "uu")
_DIPHTHONGS = ("ei", "ij", "ui", "ou", "au", "oe", "ie", "eu")


def forms(word: str, lang: str) -> frozenset[str]:
    """Plausible inflected forms of a (casefolded) word, the word itself excluded."""
    if len(word) < 2 or not word.isalpha():
        return frozenset()
    made = _dutch(word) if lang == "nl" else _english(word)
    made.discard(word)
    return frozenset(made)


def _dutch(w: str) -> set[str]:
    """Dutch plurals, genitives and the adjective -e ending."""
    out = {w + "s", w + "en", w + "'s", w + "e"}
    last = w[-1]
    if last in _VOWELS and last != "e":
        out.add(w + "'s")
    if last == "e":
        out.update((w + "n", w + "s"))
    if w.endswith("ie"):
        out.add(w + "ën")  # technologie -> technologieën
    if w.endswith("heid"):
        out.add(w[:-4] + "heden")
    if w.endswith("um"):
        out.add(w[:-2] + "a")  # centrum -> centra, medium -> media
    if len(w) >= 3 and last in "sf":
        before = w[:-1]
        voiced = "z" if last == "s" else "v"
        if before.endswith(_DIPHTHONGS):
            out.add(before + voiced + "en")
        elif before.endswith(_LONG_VOWELS):
            out.add(before[:-1] + voiced + "en")
    if len(w) >= 3 and last not in _VOWELS and w[-3:-1] in _LONG_VOWELS:
        out.add(w[:-2] + last + "en")
    if len(w) >= 3 and last not in _VOWELS and last not in "wjh" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        out.add(w + last + "en")
    return out


def _english(w: str) -> set[str]:
    """English plurals and genitives, including the Latin ones common in research prose."""
    out = {w + "s", w + "'s", w + "s'"}
    if w.endswith(("s", "x", "z", "ch", "sh")):
        out.add(w + "es")
    if w.endswith("y") and len(w) >= 3 and w[-2] not in _VOWELS:
        out.add(w[:-1] + "ies")
    if w.endswith("is"):
        out.add(w[:-2] + "es")
    if w.endswith("um"):
        out.add(w[:-2] + "a")
    if w.endswith("a"):
        out.add(w + "e")
    return out
