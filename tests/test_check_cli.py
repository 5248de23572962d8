"""``cxkb check`` on the command line: exit codes, output formats, --fix, --export, bad input."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from check_support import make_check_root
from cxkb.cli import app

runner = CliRunner()
TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning|info) \[(?P<code>[a-z-]+)\] .+$"
)

DUTCH = """\
# Klantreizen

De customer journey begint bij het eerste contactmoment.
Customer journey is ook een term. De tevredenheidsindex is oud.
De beleving telt, net als klanttevredenheidsscores: elke klanttevredenheidsscore.
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_check_root(tmp_path_factory.mktemp("cli"))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "reis.md").write_text(DUTCH, encoding="utf-8")
    (folder / "clean.md").write_text("---\nlang: nl\n---\nDe klantreis en het contactmoment.\n", encoding="utf-8")
    return folder


def invoke(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["check", "--root", str(root), *args])


def test_help() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    for option in ("--include", "--exclude", "--format", "--report", "--fail-level", "--lang", "--fix", "--export"):
        assert option in result.output


def test_text_format_and_exit_codes(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs / "reis.md"))
    assert result.exit_code == 1  # warnings fail by default
    lines = result.stdout.splitlines()
    assert lines and all(TEXT_LINE.match(line) for line in lines)
    assert any(line.endswith("use 'klantreis'") and ":3:4: warning [non-preferred]" in line for line in lines)
    assert "error [deprecated]" in result.stdout
    assert "file(s) checked" in result.stderr


def test_fail_level(root: Path, docs: Path) -> None:
    clean = str(docs / "clean.md")
    assert invoke(root, clean).exit_code == 0  # only info findings
    assert invoke(root, clean, "--fail-level", "info").exit_code == 1
    assert invoke(root, str(docs / "reis.md"), "--fail-level", "error").exit_code == 1  # the retired concept
    assert invoke(root, clean, "--fail-level", "loud").exit_code == 2


def test_lang_option(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs / "clean.md"), "--lang", "en", "--format", "json")
    data = json.loads(result.stdout)
    assert data["documents"][0]["lang"] == "en"
    assert {f["code"] for f in data["findings"]} == {"wrong-language"}
    assert invoke(root, str(docs / "clean.md"), "--lang", "fr").exit_code == 2


def test_json_format(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs), "--format", "json")
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["$schema"].endswith("/check-report/1")
    assert [d["path"].rsplit("/", 1)[-1] for d in data["documents"]] == ["clean.md", "reis.md"]
    finding = next(f for f in data["findings"] if f["code"] == "non-preferred")
    assert finding["line"] == 3 and finding["column"] == 4 and finding["end_column"] == 20
    assert finding["concepts"] == ["customer-journey"]
    assert finding["concept_iris"] == ["https://w3id.org/cxkb/concept/customer-journey"]
    assert finding["replacement"] == "klantreis"
    assert data["counts"]["error"] == 1
    assert "report" not in data


def test_output_is_deterministic(root: Path, docs: Path) -> None:
    first = invoke(root, str(docs), "--format", "json", "--report").stdout
    assert invoke(root, str(docs), "--format", "json", "--report").stdout == first


def test_sarif_is_structurally_valid(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs), "--format", "sarif")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "non-preferred" in ids and "deprecated" in ids
    assert all(r["shortDescription"]["text"] for r in rules)
    assert run["results"]
    for r in run["results"]:
        assert r["ruleId"] in ids and ids[r["ruleIndex"]] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note") and r["message"]["text"]
        (loc,) = r["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uri"].endswith(".md")
        region = phys["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
    fix = next(r for r in run["results"] if "fixes" in r)
    replacement = fix["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "klantreis"
    assert run["columnKind"] == "unicodeCodePoints"


def test_github_annotations(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs / "reis.md"), "--format", "github")
    lines = result.stdout.splitlines()
    pattern = re.compile(
        r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:]+::.+$"
    )
    assert lines and all(pattern.match(line) for line in lines), lines
    assert any(line.startswith("::error ") and "tevredenheidsindex" in line for line in lines)
    assert any("line=3,col=4" in line for line in lines)


def test_github_escapes_properties(root: Path, tmp_path: Path) -> None:
    odd = tmp_path / "a,b.md"
    odd.write_text("De customer journey.\n", encoding="utf-8")
    result = invoke(root, str(odd), "--format", "github", "--lang", "nl")
    assert "file=" in result.stdout and "a%2Cb.md" in result.stdout


def test_report(root: Path, docs: Path) -> None:
    result = invoke(root, str(docs), "--report")
    assert "Concepts used" in result.stdout and "customer-journey" in result.stdout
    assert "Concepts not used" in result.stdout and "Unknown CX-sounding terms" in result.stdout
    data = json.loads(invoke(root, str(docs), "--report", "--format", "json").stdout)
    report = data["report"]
    used = {u["concept"]: u["count"] for u in report["concepts_used"]}
    assert used["customer-journey"] == 4 and used["touchpoint"] == 2
    assert any(u["key"].startswith("klanttevredenheidsscore") for u in report["unknown_terms"])
    assert "persona" in {u["concept"] for u in report["concepts_unused"]}


def test_config_file_and_errors(root: Path, docs: Path, tmp_path: Path) -> None:
    config = tmp_path / "check.toml"
    config.write_text('fail-level = "error"\n[severity]\ndeprecated = "warning"\n', encoding="utf-8")
    assert invoke(root, str(docs), "--config", str(config)).exit_code == 0
    config.write_text('fail-level = "error"\n\nlanguage = "fr"\n', encoding="utf-8")
    result = invoke(root, str(docs), "--config", str(config))
    assert result.exit_code == 2 and f"{config.as_posix()}:3:" in result.stderr
    assert invoke(root, str(docs), "--config", str(tmp_path / "missing.toml")).exit_code == 2


def test_include_and_exclude(root: Path, docs: Path) -> None:
    (docs / "notes.txt").write_text("De customer journey.\n", encoding="utf-8")
    data = json.loads(invoke(root, str(docs), "--format", "json", "--include", "*.txt").stdout)
    assert [d["path"].rsplit("/", 1)[-1] for d in data["documents"]] == ["notes.txt"]
    data = json.loads(invoke(root, str(docs), "--format", "json", "--exclude", "reis.md").stdout)
    assert sorted(d["path"].rsplit("/", 1)[-1] for d in data["documents"]) == ["clean.md", "notes.txt"]


def test_bad_inputs_are_reported_and_the_run_continues(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text("De customer journey.\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    (folder / "empty.md").write_bytes(b"")
    (folder / "huge.txt").write_bytes(b"x" * 5_000_000)
    (folder / "loop.md").symlink_to("loop.md")
    result = invoke(root, str(folder), str(tmp_path / "missing.md"), "--lang", "nl")
    assert result.exit_code == 2
    assert "good.md:1:4: warning [non-preferred]" in result.stdout
    err = result.stderr
    for name, words in [
        ("binary.txt", "binary file"),
        ("latin1.md:1", "not valid UTF-8"),
        ("empty.md", "empty file"),
        ("huge.txt:1", "5,000,000 characters"),
        ("loop.md", "symlink loop"),
        ("missing.md", "no such file"),
    ]:
        assert re.search(rf"{re.escape(name)}.*{re.escape(words)}", err), (name, err)


def test_unreadable_file(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text("De klantreis.\n", encoding="utf-8")
    other = tmp_path / "other.md"
    other.write_text("De klantreis.\n", encoding="utf-8")
    original = os.open

    def deny(target: object, *args: object, **kwargs: object) -> int:
        if Path(str(target)).name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return original(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    result = invoke(root, str(locked), str(other), "--lang", "nl", "--format", "json")
    assert result.exit_code == 2
    assert "locked.md: permission denied" in result.stderr
    data = json.loads(result.stdout)
    assert [e["path"].rsplit("/", 1)[-1] for e in data["input_errors"]] == ["locked.md"]
    assert [d["path"].rsplit("/", 1)[-1] for d in data["documents"]] == ["other.md"]


def test_no_paths_is_a_usage_error(root: Path) -> None:
    assert invoke(root).exit_code == 2
    assert invoke(root, "--export", "vale").exit_code == 2  # needs --out


# -- --fix ------------------------------------------------------------------------------------


def test_fix_only_touches_unambiguous_exact_synonyms(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "fix.md"
    original = (
        "Customer journey eerst.\r\n"
        "De customer journey en customer journeys, CX, de touch point.\r\n"
        "De beleving, de klantenrijs en de tevredenheidsindex.\r\n"
        "`customer journey` in code, en een waarheidsmoment.\r\n"
    )
    path.write_bytes(original.encode("utf-8"))
    path.chmod(0o640)
    result = invoke(root, str(path), "--fix", "--lang", "nl")
    assert "fixed 3 synonym(s) in 1 file(s)" in result.stderr
    fixed = path.read_bytes().decode("utf-8")
    assert fixed == (
        "Klantreis eerst.\r\n"
        "De klantreis en customer journeys, CX, de touch point.\r\n"
        "De beleving, de klantenrijs en de tevredenheidsindex.\r\n"
        "`customer journey` in code, en een moment van de waarheid.\r\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # what is left is reported, and a second run changes nothing
    assert "customer journeys" in result.stdout and "[non-preferred]" in result.stdout
    again = invoke(root, str(path), "--fix", "--lang", "nl")
    assert "fixed 0 synonym(s)" in again.stderr and path.read_bytes().decode("utf-8") == fixed


def test_fix_keeps_a_byte_order_mark(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffDe customer journey.\n".encode())
    invoke(root, str(path), "--fix", "--lang", "nl")
    assert path.read_bytes() == "\ufeffDe klantreis.\n".encode()


# -- --export ---------------------------------------------------------------------------------


def test_export_vale(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "vale"
    result = invoke(root, "--export", "vale", "--out", str(out))
    assert result.exit_code == 0
    rule = (out / "CXKB" / "TermsNL.yml").read_text(encoding="utf-8")
    assert "extends: substitution" in rule and "action:" in rule
    assert '"customer[- ]journey": "klantreis"' in rule
    assert '"klantenrijs": "klantreis"' in rule  # misspellings too
    assert '"beleving":' not in rule  # ambiguous labels are never swapped
    en = (out / "CXKB" / "TermsEN.yml").read_text(encoding="utf-8")
    assert '"CX": "customer experience"' in en and '"customer[- ]journey"' not in en
    accept = (out / "config" / "vocabularies" / "CXKB" / "accept.txt").read_text(encoding="utf-8").splitlines()
    assert "(?i)klantreis" in accept and "(?i)customer[- ]journey" in accept
    reject = (out / "config" / "vocabularies" / "CXKB" / "reject.txt").read_text(encoding="utf-8").splitlines()
    assert "tevredenheidsindex" in reject and "satisfaction[- ]index" in reject
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    invoke(root, "--export", "vale", "--out", str(out))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_export_textlint(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "textlint"
    assert invoke(root, "--export", "textlint", "--out", str(out)).exit_code == 0
    terms = json.loads((out / "cxkb-terms.nl.json").read_text(encoding="utf-8"))
    assert ["customer[- ]journey", "klantreis"] in terms
    assert "klantreis" not in terms  # plain terms are listed only where their capitals matter
    assert all(any(c.isupper() for c in t) for t in terms if isinstance(t, str))
    pairs = {t[0]: t[1] for t in terms if isinstance(t, list)}
    assert pairs["waarheidsmoment"] == "moment van de waarheid"
    assert all(re.compile(p) for p in pairs)  # the patterns are valid regular expressions


def test_github_reports_input_errors(root: Path, tmp_path: Path) -> None:
    result = invoke(root, str(tmp_path / "gone.md"), "--format", "github")
    assert result.exit_code == 2
    assert result.stdout.startswith("::error file=") and "no such file" in result.stdout


def test_pre_commit_hooks_run_this_command() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"cxkb-check", "cxkb-check-fix"}
    for hook in hooks:
        assert hook["entry"].startswith("cxkb check") and hook["language"] == "python"
        assert re.search(hook["files"], "docs/intro.md") and not re.search(hook["files"], "src/app.py")


@pytest.mark.parametrize("rows", [[], [{"a": 1, "b": "é"}, {"a": 2, "b": "x,y"}]])
def test_long_lists_are_written_one_row_per_line(rows: list[dict[str, object]]) -> None:
    from cxkb.checker.formats import _ROWS, _with_rows

    data = {"version": 1, "runs": [{"tool": {"name": "x"}, "results": _ROWS}], "paths": ["a b.md"]}
    text = _with_rows(data, rows)
    assert json.loads(text) == {**data, "runs": [{"tool": {"name": "x"}, "results": rows}]}
    lines = [line.strip().rstrip(",") for line in text.splitlines()]
    assert all(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) in lines for row in rows)
