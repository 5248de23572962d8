"""Which files ``cxkb check`` reads: named files, and the documents in named folders.

Folders are walked in sorted order (so output is the same on every machine), following
symbolic links but never around a loop; hidden folders and dependency folders are left
out. A path that cannot be used becomes an input error with its name, and the walk goes on.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from cxkb.checker.documents import InputError

DEFAULT_INCLUDE: tuple[str, ...] = ("*.md", "*.markdown", "*.txt", "*.html", "*.htm", "*.docx")
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


def glob_match(rel: str, pattern: str) -> bool:
    """Match a relative POSIX path: patterns with '/' match the path, others any part of it."""
    pattern = pattern.strip().removeprefix("./")
    if not pattern:
        return False
    if pattern.endswith("/"):
        pattern += "**"
    if "/" in pattern:
        candidates = {pattern, pattern.replace("**/", ""), pattern.replace("/**", "")}
        return any(fnmatchcase(rel, p) for p in candidates)
    return any(fnmatchcase(part, pattern) for part in rel.split("/"))


@dataclass
class Discovery:
    """The files to check, in a stable order, and the paths that could not be used."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def discover(
    paths: Sequence[Path],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    cwd: Path | None = None,
) -> Discovery:
    """Expand files and folders. Named files are always checked unless excluded."""
    here = (cwd or Path.cwd()).resolve()
    found = Discovery()
    seen: set[str] = set()

    def shown(p: Path) -> str:
        try:
            return p.absolute().relative_to(here).as_posix()
        except ValueError:
            return p.as_posix()

    def add(p: Path) -> None:
        name = shown(p)
        if any(glob_match(name, x) for x in exclude):
            return
        key = os.path.realpath(p) if not p.is_symlink() or p.exists() else str(p.absolute())
        if key not in seen:
            seen.add(key)
            found.files.append((p, name))

    for given in paths:
        if not os.path.lexists(given):
            found.errors.append(InputError(given.as_posix(), "no such file or folder"))
            continue
        try:
            is_dir = given.is_dir()
        except OSError as exc:
            found.errors.append(InputError(given.as_posix(), _os_message(exc)))
            continue
        if not is_dir:
            add(given)
            continue
        for p, err in _walk(given):
            name = shown(p)
            wanted = any(glob_match(name, x) for x in include)
            if err is not None:
                if wanted or not err.startswith("broken"):
                    found.errors.append(InputError(name, err))
            elif wanted:
                add(p)
    found.files.sort(key=lambda item: item[1])
    return found


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    return f"cannot read: {exc.strerror or exc}"


def _walk(top: Path) -> list[tuple[Path, str | None]]:
    """Files under ``top`` in sorted order, following links but never around a loop."""
    out: list[tuple[Path, str | None]] = []
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            out.append((folder, _os_message(exc)))
            return
        ident = (st.st_dev, st.st_ino)
        if ident in visited:
            out.append((folder, "symlink loop: this folder links back to a folder already being checked"))
            return
        visited.add(ident)
        try:
            entries = sorted(os.scandir(folder), key=lambda d: d.name)
        except OSError as exc:
            out.append((folder, _os_message(exc)))
            return
        for entry in entries:
            p = Path(entry.path)
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                out.append((p, _os_message(exc)))
                continue
            if is_dir:
                visit(p)
            elif entry.is_symlink() and not p.exists():
                try:
                    p.stat()
                except OSError as exc:
                    out.append((p, _os_message(exc) if exc.errno == errno.ELOOP else "broken symlink"))
            else:
                out.append((p, None))
        visited.discard(ident)

    visit(top)
    return out
