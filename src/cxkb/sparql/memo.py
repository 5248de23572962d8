"""Small bounded memories of the front: work done once per distinct request text, not per request.

Clients of a library endpoint send the same few texts again and again (the library's
queries with their example parameters, a page's own queries), and reading such a text
costs the front more than passing its answer on: percent-decoding a query string is a
Python loop over every escape, and the policy tokenizes the whole query. What comes out
depends on nothing but the text and the endpoint's settings, which do not change while
it runs, so it is remembered, keyed by the exact text. The key is the text itself, not a
digest of it: two texts share an entry only if they are equal, so a remembered verdict
can never be handed to a different query (an update or a ``SERVICE`` call included).

Both the number of entries and the characters held in keys are bounded, so a client
sending ever new texts costs a bounded amount of memory: the entries used least recently
go first, and texts longer than ``max_key`` are not remembered at all.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """A least-recently-used map from texts to values, bounded in entries and in key characters."""

    def __init__(self, entries: int = 1_024, chars: int = 4_000_000, max_key: int = 20_000) -> None:
        self.entries = entries
        self.chars = chars
        self.max_key = max_key
        self._map: OrderedDict[str, V] = OrderedDict()
        self._held = 0  # characters in keys
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> V | None:
        """The value remembered for ``key`` (now the most recently used), or ``None``."""
        value = self._map.get(key)
        if value is None:
            self.misses += 1
            return None
        self._map.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: str, value: V) -> None:
        """Remember ``value`` for ``key`` unless the key is too long; forget the oldest beyond the bounds."""
        if len(key) > self.max_key:
            return
        if key in self._map:
            self._map[key] = value
            self._map.move_to_end(key)
            return
        self._map[key] = value
        self._held += len(key)
        while len(self._map) > self.entries or self._held > self.chars:
            old, _ = self._map.popitem(last=False)
            self._held -= len(old)

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        return key in self._map

    @property
    def held_chars(self) -> int:
        """Characters held in keys (the bound on memory that matters; values are small)."""
        return self._held
