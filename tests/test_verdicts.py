"""Remembered HermiT and pySHACL results: reused only for the same schema, taxonomy and shapes."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from conftest import edit
from cxkb.kg import build as buildmod
from cxkb.kg import reason, verdicts
from cxkb.kg.build import BuildError, build
from cxkb.kg.shacl import Violation
from cxkb.kg.tables import CONCEPTS, render_table

needs_java = pytest.mark.skipif(not reason.java_available(), reason="HermiT needs a Java runtime")


class Calls:
    """Counts how often HermiT and pySHACL are really asked, passing the calls through.

    pySHACL runs in a forked process, so each call leaves a line in a file.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
        self.log = log
        real_check, real_shacl = reason.ConsistencyCheck, buildmod.pyshacl_violations

        def note(what: str) -> None:
            with log.open("a", encoding="utf-8") as fh:
                fh.write(what + "\n")

        def check(lines):  # type: ignore[no-untyped-def]
            note("hermit")
            return real_check(lines)

        def shacl(kb, shapes):  # type: ignore[no-untyped-def]
            note("shacl")
            return real_shacl(kb, shapes)

        monkeypatch.setattr(reason, "ConsistencyCheck", check)
        monkeypatch.setattr(buildmod, "pyshacl_violations", shacl)

    def counts(self) -> tuple[int, int]:
        lines = self.log.read_text(encoding="utf-8").split() if self.log.exists() else []
        return lines.count("hermit"), lines.count("shacl")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_java
@pytest.mark.reasoner
def test_rebuild_reuses_the_checks_and_writes_the_same_bytes(
    mini_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch, tmp_path / "calls.log")
    build(mini_root, tmp_path / "first")
    assert calls.counts() == (1, 1)
    assert list((mini_root / "build" / "cache" / "hermit").glob("*.json"))
    edit(mini_root / "literature" / "papers.csv", "Customer", "Client")  # papers only: same questions
    build(mini_root, tmp_path / "second")
    assert calls.counts() == (1, 1)
    fresh = tmp_path / "fresh"
    build(mini_root, fresh, cache=False)
    assert calls.counts() == (2, 2)
    assert files(tmp_path / "second") == files(fresh)


@needs_java
@pytest.mark.reasoner
def test_a_changed_taxonomy_is_checked_again(mini_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch, tmp_path / "calls.log")
    build(mini_root, tmp_path / "a")
    concepts = mini_root / "ontology" / "tables" / "concepts.csv"
    # A definition is an annotation: pySHACL reads it, HermiT's input leaves it out.
    edit(concepts, "across the journey", "across the whole journey")
    build(mini_root, tmp_path / "b")
    assert calls.counts() == (1, 2)
    # A broader link is a logical statement: both are asked again.
    rows = list(csv.DictReader(concepts.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["id"] == "peak-end-rule":
            row["broader"] = "customer-experience"
    concepts.write_text(render_table(CONCEPTS, rows), encoding="utf-8")
    build(mini_root, tmp_path / "c")
    assert calls.counts() == (2, 3)


@needs_java
@pytest.mark.reasoner
def test_damaged_entries_are_ignored(mini_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini_root, tmp_path / "a")
    for entry in (mini_root / "build" / "cache").rglob("*.json"):
        entry.write_text('{"key": "something else", "value": "consistent"}', encoding="utf-8")
    calls = Calls(monkeypatch, tmp_path / "calls.log")
    build(mini_root, tmp_path / "b")
    assert calls.counts() == (1, 1)
    for entry in (mini_root / "build" / "cache").rglob("*.json"):
        entry.write_text("not json", encoding="utf-8")
    build(mini_root, tmp_path / "c")
    assert calls.counts() == (2, 2)


@pytest.mark.reasoner
def test_inconsistent_results_are_not_remembered(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Inconsistent:
        def __init__(self, _lines: list[str]) -> None:
            pass

        def wait(self) -> None:
            raise reason.ReasonerError("the knowledge graph is inconsistent")

        def cancel(self) -> None:
            pass

    monkeypatch.setattr(reason, "ConsistencyCheck", Inconsistent)
    monkeypatch.setattr(reason, "java_available", lambda: True)
    with pytest.raises(BuildError, match="inconsistent"):
        build(mini_root)
    assert not list((mini_root / "build" / "cache").glob("hermit/*.json"))
    assert not (mini_root / "build" / "release").exists()


def test_the_key_ignores_line_order_but_not_content() -> None:
    lines = [f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(50)]
    shuffled = random.Random(7).sample(lines, len(lines))
    assert verdicts.key("k", lines) == verdicts.key("k", shuffled)
    assert verdicts.key("k", lines) != verdicts.key("k", lines[:-1])
    assert verdicts.key("k", lines) != verdicts.key("other", lines)
    assert verdicts.key("k", lines, "java 17") != verdicts.key("k", lines, "java 21")


def test_violations_round_trip_and_old_entries_are_pruned(tmp_path: Path) -> None:
    store = verdicts.Verdicts(tmp_path)
    found = [Violation("urn:x", "urn:p", "warning", 'a message with "quotes" and ünïcode')]
    store.put_violations("d0", found)
    assert store.violations("d0") == found
    assert store.violations("missing") is None
    for i in range(1, verdicts.KEEP + 5):
        store.put_violations(f"d{i}", [])
    assert len(list((tmp_path / "shacl").glob("*.json"))) == verdicts.KEEP


def test_an_unwritable_cache_only_means_nothing_is_remembered(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    store = verdicts.Verdicts(blocker / "cache")  # a folder inside a file cannot be made
    store.put("hermit", "abc", "consistent")
    assert store.get("hermit", "abc") is None
    assert verdicts.Verdicts(None).get("hermit", "abc") is None
