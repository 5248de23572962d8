"""simplemma with its dictionaries kept open between runs: the checker's start-up cost.

simplemma's default backend decodes a whole language dictionary into a Python dict the
first time a word of that language is looked up: about half a second and some 40 MB for
Dutch, paid by every ``cxkb check`` run, which on most documents is more than the
checking itself. Its low-memory backend keeps the decompressed stream and a sparse index
of restart points instead (a few MB), with the same answers. cxkb uses that backend and
keeps each language's decompressed stream and index in ``build/cache/`` (keyed by the
simplemma version), so a run loads them with one read instead of decompressing the LZMA
file and indexing it again. Any problem with the cache falls back to simplemma's own files.

``Lemmatiser`` is the checker's one way in: lemmas and known words remembered per run,
and the base of a compound the dictionary lacks.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import CachingDictionaryFactory
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap
from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy
from simplemma.utils import normalize_token

from cxkb.checker.context import fold

_SLOTS = ("_data", "_pos", "_rev", "_count", "_firsts", "_blocks")


class CachedStreamFactory(CachingDictionaryFactory):
    """simplemma's low-memory dictionaries, read from a cache folder when one is set."""

    def __init__(self) -> None:
        super().__init__()
        self.cache_dir: Path | None = None

    def _path(self, lang: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"simplemma-{metadata.version('simplemma')}-{lang}.pickle"

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        path = self._path(lang)
        if path is not None and path.is_file():
            try:
                with path.open("rb") as fh:
                    state: dict[str, Any] = pickle.load(fh)
                found = StreamMap.__new__(StreamMap)
                for name in _SLOTS:
                    object.__setattr__(found, name, state[name])
                return found
            except Exception:  # a damaged or foreign cache file: use simplemma's own
                pass
        made = StreamMap(lang)
        if path is not None:
            _store({name: getattr(made, name) for name in _SLOTS}, path)
        return made


def _store(state: dict[str, Any], path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".simplemma-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # read-only or full: the next run rebuilds the index, nothing worse
        return


FACTORY = CachedStreamFactory()
_LEMMATIZER = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=FACTORY))
_LOOKUP = DictionaryLookupStrategy(FACTORY)


def use_cache(directory: Path | None) -> None:
    """Keep the dictionaries' streams in ``directory`` (set once, before the first lookup)."""
    FACTORY.cache_dir = directory


def lemmatize(word: str, lang: str) -> str:
    """simplemma.lemmatize(word, lang), on the cached low-memory dictionaries."""
    return _LEMMATIZER.lemmatize(word, lang)


def is_known(word: str, lang: str) -> bool:
    """simplemma.is_known(word, lang), on the cached low-memory dictionaries."""
    return _LOOKUP.get_lemma(normalize_token(word), lang) is not None


class Lemmatiser:
    """simplemma behind one small interface, with a cache, so a library change stays here."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}
        self._known: dict[tuple[str, str], bool] = {}

    def lemma(self, word: str, lang: str) -> str:
        key = (word, lang)
        hit = self._cache.get(key)
        if hit is None:
            try:
                hit = fold(lemmatize(word, lang))
            except (ValueError, KeyError):  # pragma: no cover - unsupported language data
                hit = word
            self._cache[key] = hit
        return hit

    def base(self, word: str, lang: str) -> str:
        """The lemma, also for unknown compounds: klantcontacten -> klant + contact."""
        lemma = self.lemma(word, lang)
        if lemma != word or len(word) < 7 or self.known(word, lang):
            return lemma
        for i in range(3, len(word) - 3):
            tail = word[i:]
            if self.known(tail, lang):
                tail_lemma = self.lemma(tail, lang)
                if tail_lemma != tail:
                    return word[:i] + tail_lemma
        return lemma

    def known(self, word: str, lang: str) -> bool:
        key = (word, lang)
        hit = self._known.get(key)
        if hit is None:
            hit = is_known(word, lang)
            self._known[key] = hit
        return hit
