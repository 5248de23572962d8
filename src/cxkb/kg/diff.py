"""What a change does to the knowledge base, in words a reviewer can read.

Compares the tables at a git revision with the working tree and summarises, in Markdown,
which papers are added, removed or reclassified, how the per-topic counts move and which
concepts and questions appear or disappear. Line diffs of CSV files say none of that.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from cxkb.kg.records import KnowledgeBase, load
from cxkb.kg.tables import ALL_TABLES


class DiffError(RuntimeError):
    """The base revision could not be read."""


def tables_at(root: Path, revision: str, dest: Path) -> None:
    """Write every table as it was at ``revision`` under ``dest`` (missing tables stay missing)."""
    check = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", f"{revision}^{{commit}}"], capture_output=True, text=True
    )
    if check.returncode != 0:
        raise DiffError(f"{revision!r} is not a revision in {root}")
    for spec in ALL_TABLES:
        shown = subprocess.run(["git", "-C", str(root), "show", f"{revision}:{spec.path}"], capture_output=True)
        if shown.returncode == 0:
            target = dest / spec.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shown.stdout)


def load_revision(root: Path, revision: str) -> KnowledgeBase:
    with tempfile.TemporaryDirectory(prefix="cxkb-diff-") as tmp:
        tables_at(root, revision, Path(tmp))
        kb, _ = load(Path(tmp))
    return kb


def summarise(old: KnowledgeBase, new: KnowledgeBase, base_name: str = "base") -> str:
    """A Markdown summary of the change from ``old`` to ``new``."""
    out = [f"## Knowledge-base changes since `{base_name}`", ""]
    added = sorted(set(new.papers) - set(old.papers))
    removed = sorted(set(old.papers) - set(new.papers))
    changed = []
    for pid in sorted(set(old.papers) & set(new.papers)):
        a, b = old.papers[pid], new.papers[pid]
        moves = []
        for field, label in (("topics", "topics"), ("questions", "questions"), ("concepts", "concepts")):
            before, after = set(getattr(a, field)), set(getattr(b, field))
            if before != after:
                parts = [f"+{x}" for x in sorted(after - before)] + [f"-{x}" for x in sorted(before - after)]
                moves.append(f"{label} {' '.join(parts)}")
        if moves:
            changed.append(f"- `{pid}`: {'; '.join(moves)}")
    out.append(
        f"**Papers:** {len(old.papers)} → {len(new.papers)} "
        f"({len(added)} added, {len(removed)} removed, {len(changed)} reclassified)"
    )
    out.append("")
    if added:
        out += ["### Added papers", ""]
        for pid in added:
            p = new.papers[pid]
            first = p.authors[0].partition(",")[0] if p.authors else "?"
            ident = f"doi:{p.doi}" if p.doi else (p.isbn or p.url)
            out.append(f"- `{pid}` {_md(first)} ({p.year}) *{_md(p.title)}*, {ident} — topics: {', '.join(p.topics)}")
        out.append("")
    if removed:
        out += ["### Removed papers", ""]
        out += [f"- `{pid}` *{_md(old.papers[pid].title)}*" for pid in removed]
        out.append("")
    if changed:
        out += ["### Reclassified papers", "", *changed, ""]
    rows = []
    for tid in sorted(set(old.topics) | set(new.topics)):
        a = sum(tid in p.topics for p in old.papers.values())
        b = sum(tid in p.topics for p in new.papers.values())
        if a != b:
            rows.append(f"| {tid} | {a} | {b} | {b - a:+d} |")
    if rows:
        out += ["### Papers per topic", "", "| topic | before | after | change |", "|---|---:|---:|---:|", *rows, ""]
    for kind, attr in (("concepts", "concepts"), ("research questions", "questions")):
        plus = sorted(set(getattr(new, attr)) - set(getattr(old, attr)))
        minus = sorted(set(getattr(old, attr)) - set(getattr(new, attr)))
        if plus or minus:
            out += [f"### {kind.capitalize()}", ""]
            out += [f"- added `{x}`" for x in plus] + [f"- removed `{x}`" for x in minus]
            out.append("")
    if len(out) == 4 and not added:
        out.append("No changes to the tables.")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Neutralise Markdown and HTML in contributor text shown in a review comment."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)
