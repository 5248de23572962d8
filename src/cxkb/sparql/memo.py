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


class AnswerMemory:
    """The answers to repeatable queries, least recently used first out, bounded in bytes.

    The endpoint serves one release, read-only, so a query text (as the engine gets it)
    with a result format always has the same answer, unless it calls a function such as
    ``NOW()`` or ``RAND()`` (the policy marks those, and ``SERVICE`` calls, as not
    repeatable). The library page and its clients send the same queries over and over;
    answering them from memory spares the engine and the loopback round trip. An answer
    larger than a sixteenth of the budget is not kept, so a few big ones cannot push out
    all the small ones.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._map: OrderedDict[str, tuple[int, str, bytes, tuple[tuple[str, str], ...]]] = OrderedDict()
        self._held = 0  # bytes of keys and bodies
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _size(key: str, body: bytes) -> int:
        return len(key) + len(body)

    def get(self, key: str) -> tuple[int, str, bytes, tuple[tuple[str, str], ...]] | None:
        """(status, content type, body, headers) remembered for ``key``, or ``None``."""
        found = self._map.get(key)
        if found is None:
            self.misses += 1
            return None
        self._map.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: str, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
        size = self._size(key, body)
        if self.budget <= 0 or size > self.budget // 16 or key in self._map:
            return
        self._map[key] = (status, content_type, body, tuple(headers.items()))
        self._held += size
        while self._held > self.budget:
            old, (_, _, old_body, _) = self._map.popitem(last=False)
            self._held -= self._size(old, old_body)

    def __len__(self) -> int:
        return len(self._map)

    @property
    def held_bytes(self) -> int:
        return self._held
