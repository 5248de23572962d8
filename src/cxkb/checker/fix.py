"""``cxkb check --fix``: replace synonyms by preferred labels, and nothing else.

A fix is only offered where the replacement is certain: an alternative label written
exactly as in the taxonomy (any case), in the document's own language, naming one current
concept. Inflected forms, misspellings, ambiguous and retired labels are reported but never
rewritten, because the right words there need a person. Each file is rewritten atomically
and only if it still holds, at every offset, the text that was checked.
"""

from __future__ import annotations

import stat
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cxkb.atomic import atomic_write_bytes
from cxkb.checker.results import CheckFinding


@dataclass
class FixResult:
    """What ``--fix`` changed, and the files it had to leave alone."""

    changed: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def apply_edits(source: str, edits: Iterable[tuple[int, str, str]]) -> str:
    """Apply (offset, old, new) edits; raises ValueError if ``old`` is not at ``offset``."""
    parts = []
    pos = 0
    for offset, old, new in sorted(edits):
        if offset < pos:
            raise ValueError(f"overlapping edits at offset {offset}")
        if source[offset : offset + len(old)] != old:
            raise ValueError(f"expected {old!r} at offset {offset}")
        parts.append(source[pos:offset])
        parts.append(new)
        pos = offset + len(old)
    parts.append(source[pos:])
    return "".join(parts)


def fix_files(findings: Iterable[CheckFinding], paths: dict[str, Path]) -> FixResult:
    """Rewrite each file that has fixable findings; ``paths`` maps shown names to files."""
    by_file: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for f in findings:
        if f.replacement is not None and f.replacement != f.text:
            by_file[f.path].append((f.offset, f.text, f.replacement))
    result = FixResult()
    for name, edits in sorted(by_file.items()):
        path = paths.get(name)
        if path is None:
            result.skipped[name] = "file not found among the checked paths"
            continue
        try:
            raw = path.read_bytes()
            source = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.skipped[name] = f"cannot read it again: {exc}"
            continue
        bom = source.startswith("\ufeff")
        body = source[1:] if bom else source
        try:
            fixed = apply_edits(body, edits)
        except ValueError as exc:
            result.skipped[name] = f"the file changed while it was checked ({exc})"
            continue
        target = path.resolve()  # a symlinked document keeps its link; the file it points to changes
        mode = stat.S_IMODE(target.stat().st_mode)
        atomic_write_bytes(target, (("\ufeff" if bom else "") + fixed).encode("utf-8"), mode=mode)
        result.changed[name] = len(edits)
    return result
