"""The command line: help everywhere, exit codes, machine-readable output."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import built, edit
from cxkb.cli import _Process, app

runner = CliRunner()


@pytest.mark.parametrize("args", [[], ["validate"], ["build"], ["stats"], ["format"]])
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_help_paragraphs_flow_in_a_narrow_terminal() -> None:
    """A command's longer help reads as prose at 80 columns: no line break from the source
    survives inside a paragraph, where it would cut a sentence short before the rewrap."""
    import typer.main

    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"check", "serve", "build"} <= set(names)
    for name in names:
        paragraphs = (group.commands[name].help or "").split("\n\n")  # type: ignore[attr-defined]
        assert all("\n" not in p for p in paragraphs if not p.startswith("\b")), name
    result = runner.invoke(app, ["check", "--help"], terminal_width=80, env={"COLUMNS": "80"})
    flat = " ".join(line.strip() for line in result.output.splitlines())
    assert "are refused, also behind a symbolic link" in flat


def test_validate_clean_exits_0(mini_root: Path) -> None:
    result = runner.invoke(app, ["validate", "--root", str(mini_root)])
    assert result.exit_code == 0, result.output


def test_validate_findings_exit_1_with_cell(mini_root: Path) -> None:
    edit(mini_root / "literature/papers.csv", "10.1509/jm.15.0420", "not-a-doi")
    result = runner.invoke(app, ["validate", "--root", str(mini_root), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    finding = next(f for f in data["findings"] if f["rule"] == "doi-syntax")
    assert (finding["file"], finding["row"], finding["column"], finding["level"]) == (
        "literature/papers.csv",
        3,
        "doi",
        "error",
    )


def test_fail_on_warning(mini_root: Path) -> None:
    edit(mini_root / "ontology/tables/concepts.csv", ",piek-eindregel,", ",piek-eindregel ,")
    assert runner.invoke(app, ["validate", "--root", str(mini_root)]).exit_code == 0
    assert runner.invoke(app, ["validate", "--root", str(mini_root), "--fail-on", "warning"]).exit_code == 1


def test_missing_table_is_an_input_error(mini_root: Path) -> None:
    (mini_root / "ontology/tables/topics.csv").unlink()
    result = runner.invoke(app, ["validate", "--root", str(mini_root)])
    assert result.exit_code == 2
    assert "ontology/tables/topics.csv" in result.output


def test_bad_option_is_a_usage_error(mini_root: Path) -> None:
    assert runner.invoke(app, ["validate", "--root", str(mini_root), "--level", "loud"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--root", str(mini_root / "nowhere")]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_build_writes_release_and_summary(mini_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "rel"
    result = runner.invoke(app, ["build", "--root", str(mini_root), "--out", str(out), "--no-reason"])
    assert result.exit_code == 0, result.output
    assert {"cxkb.ttl", "cxkb.owl", "cxkb.jsonld", "cxkb.nt", "cxkb-base.ttl"} <= {p.name for p in out.iterdir()}
    assert "reading and checking the literature table" in result.output
    assert "built" in result.output


def test_build_leaves_the_cycle_collector_of_a_caller_on(
    mini_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `cxkb build` as a whole process keeps the collector off to the end; called from
    # another program (here a test) it must give that program its collector back.
    assert gc.isenabled()
    result = runner.invoke(app, ["build", "--root", str(mini_root), "--out", str(tmp_path / "a"), "--no-reason"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    monkeypatch.setattr(_Process, "ends_with_command", True)
    try:
        result = runner.invoke(app, ["build", "--root", str(mini_root), "--out", str(tmp_path / "b"), "--no-reason"])
        assert result.exit_code == 0, result.output
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_build_with_errors_exits_1_and_writes_nothing(mini_root: Path, tmp_path: Path) -> None:
    edit(mini_root / "ontology/tables/topics.csv", "customer-emotions,customer,", "customer-emotions,nowhere,")
    out = tmp_path / "rel"
    result = runner.invoke(app, ["build", "--root", str(mini_root), "--out", str(out), "--no-reason"])
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert not out.exists()


def test_stats_json_counts(mini_root: Path) -> None:
    result = runner.invoke(app, ["stats", "--root", str(built(mini_root)), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["classes"]["papers"] == 3
    per_topic = {t["topic"]: t["papers"] for t in data["topics"]}
    # the topics papers cover as the graph says: one paper covers customer-emotions only
    # through the research question it addresses
    assert per_topic == {"customer-emotions": 3, "self-service-technology": 1}


def test_format_check_and_rewrite(mini_root: Path) -> None:
    path = mini_root / "literature/papers.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n")
    assert runner.invoke(app, ["format", "--root", str(mini_root), "--check"]).exit_code == 1
    assert runner.invoke(app, ["format", "--root", str(mini_root)]).exit_code == 0
    assert path.read_text().splitlines() == lines
    assert runner.invoke(app, ["format", "--root", str(mini_root), "--check"]).exit_code == 0
