"""The checker's vocabulary index, kept beside the release so a run need not rebuild it.

Building the index lemmatises every label and builds the prefilter's automaton: about a
second, most of it loading simplemma's dictionaries, paid by every ``cxkb check`` run,
which on a small document is nearly all of its time. The index depends only on the
release, the cue words and the code that builds it, so it is pickled once into
``build/cache/`` under a key made of all three (and the versions of the libraries whose
data it holds), and loaded from there by the next run. A damaged or foreign file is
simply built anew; the cache is never the only copy of anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxkb.checker.vocab import VocabIndex
    from cxkb.model import KnowledgeBase

# The code the index is built by; ../model.py reads the cue syntax (split_cue) and the records.
_CODE = (
    "vocab.py",
    "context.py",
    "nonterms.py",
    "sense.py",
    "prefilter.py",
    "inflect.py",
    "cache.py",
    "lemmas.py",
    "../model.py",
)
FORMAT = 1


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def index_key(manifest: dict[str, Any], cues: tuple[str, ...]) -> str:
    """What the index is made from: the release, the cue words, this code and its libraries."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, manifest, list(cues), sys.version], sort_keys=True).encode())
    for name in _CODE:
        digest.update((here / name).read_bytes())
    for package in ("simplemma", "pyahocorasick", "lemminflect"):
        digest.update(_version(package).encode())
    return digest.hexdigest()[:32]


def cached_index(
    records: KnowledgeBase | None,
    manifest: dict[str, Any],
    cache_dir: Path | None,
    cues: tuple[str, ...],
    load_records: Any = None,
) -> VocabIndex:
    """The index of a release: from ``cache_dir`` when it was built before, else built and stored.

    ``load_records`` is called only when the index has to be built, so a cached run never
    decodes the release records.
    """
    from cxkb.checker import lemmas
    from cxkb.checker.vocab import VocabIndex

    lemmas.use_cache(cache_dir)
    path = cache_dir / f"vocab-{index_key(manifest, cues)}.pickle" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                found = pickle.load(fh)
            if isinstance(found, VocabIndex):
                return found
        except Exception:  # a damaged cache file is rebuilt, whatever the damage
            pass
    kb = records if records is not None else load_records()
    index = VocabIndex(kb, cues=cues)
    if path is not None:
        _store(index, path)
    return index


def _store(index: VocabIndex, path: Path) -> None:
    """Write the pickle atomically; a read-only or full disk only costs the next run the rebuild."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("vocab-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vocab-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return
