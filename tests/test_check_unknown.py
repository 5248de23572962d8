"""Termhood of unknown-term phrases: a phrase counts once it recurs in the document."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from cxkb.checker.unknown import Candidate, Recurrence, waits_for_recurrence


def use(i: int, key: str) -> Candidate:
    return Candidate(i, 1, i + 1, 1, i + 2, key, key, key)


@given(st.lists(st.sampled_from(["a b", "c d", "e f", "g h"]), max_size=40))
def test_every_use_of_a_recurring_phrase_is_reported_once(keys: list[str]) -> None:
    rec = Recurrence()
    reported = [c for i, k in enumerate(keys) for c in rec.admit(use(i, k))]
    counts = Counter(keys)
    expected = [i for i, k in enumerate(keys) if counts[k] >= 2]
    assert sorted(c.offset for c in reported) == expected
    assert len({c.offset for c in reported}) == len(reported)


@given(st.lists(st.integers(0, 50).map(str), max_size=200), st.integers(1, 5))
def test_waiting_phrases_stay_within_the_limit(keys: list[str], limit: int) -> None:
    rec = Recurrence(limit)
    reported = [c for i, k in enumerate(keys) for c in rec.admit(use(i, k))]
    assert len(rec._waiting) <= limit
    assert len({c.offset for c in reported}) == len(reported)
    counts = Counter(keys)
    assert all(counts[c.key] >= 2 for c in reported)  # never a phrase used once


def test_dutch_compounds_wait_like_english_phrases() -> None:
    assert waits_for_recurrence("customer feedback", "en")
    assert waits_for_recurrence("klanttevredenheidsonderzoek", "nl")
    assert waits_for_recurrence("klantportaal-functie", "nl")
    assert not waits_for_recurrence("customer-centrically", "en")
    assert not waits_for_recurrence("customerfeedback", "en")
