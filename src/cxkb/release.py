"""The release: the one hand-off between the build and everything that uses its results.

``cxkb build`` turns the tables into ``build/release/``: the graph in four syntaxes, the
records and derived facts (``cxkb-records.json``) and a manifest that names the sources
with their hashes. The store, the endpoint, the book, the maps and the vocabulary checker
open the release through :func:`open_release` and never read the tables, so they cannot
disagree with the graph, and no product repeats the build's checks or inferences.

A release is current when the manifest's source hashes match the files on disk. A missing,
stale or damaged release gets one treatment everywhere: :class:`ReleaseError`, whose
message says to run ``cxkb build``. Nothing here builds; the build depends on this
module, not the other way round.

    >>> import cxkb
    >>> kb = cxkb.open_release()              # doctest: +SKIP
    >>> kb.query("papers-per-topic")          # a pandas DataFrame with typed columns  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxkb.model import KnowledgeBase, decode_records

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph as ox
    from rdflib import Graph

    from cxkb.book.frames import Frames
    from cxkb.checker.vocab import VocabIndex

RELEASE_DIR = "build/release"
MANIFEST_FILE = "manifest.json"
RECORDS_FILE = "cxkb-records.json"
FULL_FILE = "cxkb.nt"
BASE_FILE = "cxkb-base.ttl"
MANIFEST_FORMAT = 1
SCHEMA_FILE = "ontology/cxkb.ttl"
# Every file a release is built from; a change to any of them makes the release stale.
SOURCE_PATTERNS = ("ontology/cxkb.ttl", "ontology/shapes.ttl", "ontology/tables/*.csv", "literature/*.csv")
_VERSION = re.compile(r'owl:versionInfo\s+"([^"]+)"')


class ReleaseError(Exception):
    """The release cannot be used as it is: missing, stale or damaged."""


def source_files(root: Path) -> list[Path]:
    """The source files under ``root``, in a stable order."""
    found = {p for pattern in SOURCE_PATTERNS for p in root.glob(pattern) if p.is_file()}
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def source_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in source_files(root)}


def schema_version(root: Path) -> str:
    """The dated version written by hand in the schema (never the clock: builds must repeat)."""
    found = _VERSION.search((root / SCHEMA_FILE).read_text(encoding="utf-8"))
    return found.group(1) if found else ""


def release_dir(root: Path) -> Path:
    return root / RELEASE_DIR


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"no release in {directory} (no {MANIFEST_FILE}): run `cxkb build`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReleaseError(f"{path}: unreadable manifest ({exc}): run `cxkb build`") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ReleaseError(f"{path}: a release of another format: run `cxkb build`")
    return manifest


def staleness(root: Path, manifest: Mapping[str, Any]) -> str:
    """Why the release no longer matches the sources under ``root`` ("" when it does)."""
    built = manifest.get("sources", {})
    now = source_hashes(root)
    changed = sorted(name for name in set(built) | set(now) if built.get(name) != now.get(name))
    if not changed:
        return ""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"the release in {release_dir(root)} is out of date ({shown} changed since it was built): run `cxkb build`"


def status(root: Path | str = ".") -> str:
    """ "" when ``root`` has a current release, else the reason it cannot be used."""
    root = Path(root)
    try:
        manifest = read_manifest(release_dir(root))
    except ReleaseError as exc:
        return str(exc)
    return staleness(root, manifest)


def open_release(root: Path | str = ".", *, directory: Path | str | None = None) -> Release:
    """The current release of the knowledge base at ``root``.

    Raises :class:`ReleaseError` (with the advice to run ``cxkb build``) when the release is
    missing, was built from other sources than those now under ``root``, or lacks a file
    the manifest lists. ``directory`` opens a release elsewhere (say, a downloaded one)
    without comparing it with any sources.
    """
    root = Path(root).resolve()
    where = Path(directory) if directory is not None else release_dir(root)
    manifest = read_manifest(where)
    if directory is None:
        reason = staleness(root, manifest)
        if reason:
            raise ReleaseError(reason)
    missing = [name for name in manifest.get("files", {}) if not (where / name).is_file()]
    if missing:
        raise ReleaseError(f"the release in {where} lacks {', '.join(sorted(missing))}: run `cxkb build`")
    return Release(root, where, manifest)


@dataclass
class Release:
    """A built release, opened. Everything it offers is read from the release folder."""

    root: Path
    directory: Path
    manifest: dict[str, Any]

    def path(self, name: str) -> Path:
        return self.directory / name

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    @cached_property
    def _payload(self) -> dict[str, Any]:
        try:
            return json.loads(self.path(RECORDS_FILE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"{self.path(RECORDS_FILE)}: unreadable ({exc}): run `cxkb build`") from None

    @cached_property
    def records(self) -> KnowledgeBase:
        """The validated records the graph was built from."""
        return decode_records(self._payload["records"])

    @property
    def derived(self) -> dict[str, Any]:
        """What the build inferred and counted: ``paper_topics``, ``paper_domains`` (the
        property chains' results), ``counts`` per topic, domain, question and concept,
        ``evidence_gaps`` and the ``gap_map`` (papers per question by design and by period)."""
        return self._payload["derived"]

    def graph_file(self, *, reasoning: bool = True) -> Path:
        """The release file holding the graph with (or without) the inferred triples."""
        if reasoning and not self.manifest.get("reasoned", False):
            raise ReleaseError(
                f"the release in {self.directory} was built without reasoning, so it lacks the inferred "
                "triples: run `cxkb build` (or ask for the asserted graph only)"
            )
        return self.path(FULL_FILE if reasoning else BASE_FILE)

    def graph(self, *, reasoning: bool = True) -> Graph:
        """The graph as rdflib: with the inferred triples, or the asserted ones only."""
        from rdflib import Graph

        path = self.graph_file(reasoning=reasoning)
        return Graph().parse(path, format="nt" if reasoning else "turtle")

    def store(self, *, reasoning: bool = True) -> ox.Store:
        """A fresh in-memory pyoxigraph store holding the graph."""
        from cxkb.sparql.store import file_store

        return file_store(self.graph_file(reasoning=reasoning))

    @cached_property
    def _store(self) -> ox.Store:
        return self.store()

    def query(self, name_or_text: str, **params: object) -> pd.DataFrame:
        """Run a library query (by name) or SPARQL text; a DataFrame with typed columns.

        Numbers, booleans and dates become numeric, boolean and datetime columns; IRIs and
        strings stay text; unbound values are missing (``NA``).
        """
        from cxkb.sparql.frame import to_frame
        from cxkb.sparql.library import find_query, run

        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name_or_text):
            return to_frame(run(self._store, find_query(self.root, name_or_text), params))
        return to_frame(run(self._store, name_or_text, params))

    @cached_property
    def frames(self) -> Frames:
        """The records and derived facts as pandas tables (papers, links, counts)."""
        from cxkb.book.frames import Frames

        return Frames(self.records, self.derived)

    def vocabulary(self, cues: tuple[str, ...] | None = None) -> VocabIndex:
        """The checker's index of every concept label in the release."""
        from cxkb.checker.cache import cached_index
        from cxkb.checker.context import DEFAULT_CUES

        cache = self.directory.parent / "cache" if self.directory == release_dir(self.root) else None
        return cached_index(
            None, self.manifest, cache, cues if cues is not None else DEFAULT_CUES, lambda: self.records
        )
