"""Shared fixtures: a throw-away copy of a small knowledge base, and the real repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def make_root(tmp_path: Path, tables_from: Path = MINI) -> Path:
    """A repository-shaped folder: the real schema and shapes, with tables from a fixture."""
    root = tmp_path / "kb"
    shutil.copytree(tables_from, root)
    for name in ("cxkb.ttl", "shapes.ttl"):
        shutil.copy(REPO / "ontology" / name, root / "ontology" / name)
    return root


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    return make_root(tmp_path)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
