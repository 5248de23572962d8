"""Atomic output: a reader sees the old folder or the whole new one, never a gap or a mix."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from cxkb import atomic
from cxkb.atomic import atomic_directory, atomic_write_bytes, recover_directory


def _fill(folder: Path, text: str) -> None:
    (folder / "a.txt").write_text(text, encoding="utf-8")


def test_directory_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "release"
    with atomic_directory(target) as staging:
        _fill(staging, "one")
    with atomic_directory(target) as staging:
        _fill(staging, "two")
    assert (target / "a.txt").read_text(encoding="utf-8") == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"], "no staging or old folder is left"


def test_failed_block_keeps_the_old_directory(tmp_path: Path) -> None:
    target = tmp_path / "release"
    with atomic_directory(target) as staging:
        _fill(staging, "one")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        _fill(staging, "half")
        raise RuntimeError("stopped")
    assert (target / "a.txt").read_text(encoding="utf-8") == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux only")
def test_linux_swaps_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "release"
    target.mkdir()
    _fill(target, "old")
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append((str(a), str(b))), real_replace(a, b)))
    with atomic_directory(target) as staging:
        _fill(staging, "new")
    assert (target / "a.txt").read_text(encoding="utf-8") == "new"
    assert replaced == [], "the exchange needs no rename that would leave the target missing"


def test_an_interrupted_two_step_swap_is_recovered(tmp_path: Path) -> None:
    # What a process killed between the two renames leaves: no target, the old one aside,
    # and a staging folder.
    old = tmp_path / ".release.old.x1"
    old.mkdir()
    _fill(old, "previous")
    stale = tmp_path / ".release.new.y2"
    stale.mkdir()
    _fill(stale, "partial")
    target = tmp_path / "release"
    recover_directory(target)
    assert (target / "a.txt").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_fallback_without_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = tmp_path / "release"
    for text in ("one", "two"):
        with atomic_directory(target) as staging:
            _fill(staging, text)
    assert (target / "a.txt").read_text(encoding="utf-8") == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_atomic_write_keeps_a_given_mode(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    atomic_write_bytes(path, b"x", mode=0o644)
    assert path.read_bytes() == b"x"
    assert path.stat().st_mode & 0o777 == 0o644
