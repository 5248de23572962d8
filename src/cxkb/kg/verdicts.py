"""Remembered results of the checks that read only the schema, the taxonomy and the shapes.

HermiT's consistency check and pySHACL's run on the taxonomy cost more than a second of
processor time, and most builds change only the literature table, which neither reads. A
result is kept under a key made from everything it depends on: the exact input triples,
the shapes, the versions of the tools, the Java runtime and this package's own source.
Any change to one of them gives a new key, so a remembered result is never stale; it is
only ever reused for the same question.

Results live as small JSON files under ``build/cache/`` beside the release. Only results
that let the build go on are kept (an inconsistent ontology is checked again next time),
and each kind keeps its newest few entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from cxkb.atomic import atomic_write_text
from cxkb.kg.reason import hermit_home
from cxkb.kg.shacl import Violation

DEFAULT_DIR = "build/cache"
KEEP = 16


def _package_fingerprint() -> str:
    """Size and modification time of every module of this package: edited code, new key."""
    here = Path(__file__).resolve().parents[1]
    parts = []
    for path in sorted(here.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(here)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _file_stamp(path: str | None) -> str:
    if not path:
        return "-"
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return "-"
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def key(kind: str, lines: Iterable[str], *extra: str) -> str:
    """A digest of the input ``lines`` (in any order) and of what else decides the result of ``kind``."""
    h = hashlib.sha256()
    for part in (kind, _package_fingerprint(), *extra):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    for line in sorted(lines):
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def hermit_key(lines: list[str]) -> str:
    """Key for HermiT's check of these N-Triples lines: the same reasoner on the same Java."""
    jar = hermit_home() / "HermiT.jar"
    return key("hermit", lines, _version("owlready2"), _file_stamp(str(jar)), _file_stamp(shutil.which("java")))


def shacl_key(lines: list[str], shapes: bytes) -> str:
    """Key for pySHACL on the taxonomy described by these lines, against these shapes."""
    return key("shacl", lines, _version("pyshacl"), _version("rdflib"), hashlib.sha256(shapes).hexdigest())


class Verdicts:
    """The remembered results in one folder; ``None`` as folder remembers nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, kind: str, digest: str) -> Path | None:
        return None if self.folder is None else self.folder / kind / f"{digest}.json"

    def get(self, kind: str, digest: str) -> object | None:
        path = self._path(kind, digest)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != digest:
            return None
        return data.get("value")

    def put(self, kind: str, digest: str, value: object) -> None:
        """Remember ``value``; a folder that cannot be written only means nothing is remembered."""
        path = self._path(kind, digest)
        if path is None:
            return
        try:
            atomic_write_text(path, json.dumps({"key": digest, "value": value}, sort_keys=True))
            self._prune(path.parent)
        except OSError:
            return

    @staticmethod
    def _prune(folder: Path) -> None:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)

    def violations(self, digest: str) -> list[Violation] | None:
        value = self.get("shacl", digest)
        if not isinstance(value, list):
            return None
        try:
            return [Violation(*item) for item in value]
        except TypeError:
            return None

    def put_violations(self, digest: str, found: list[Violation]) -> None:
        self.put("shacl", digest, [[v.focus, v.path, v.severity, v.message] for v in found])
