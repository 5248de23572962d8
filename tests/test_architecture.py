"""The layout's promises, checked on the source: one-way data flow and one registry each
for rule ids and finding codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cxkb.checker.codes import CODES
from cxkb.checker.codes import markdown_table as codes_table
from cxkb.findings import Level, Report
from cxkb.kg.rules import RULES
from cxkb.kg.rules import markdown_table as rules_table

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "cxkb"
PRODUCTS = ("sparql", "book", "checker")


def imports_of(path: Path) -> set[str]:
    """Every cxkb module ``path`` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cxkb"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("cxkb"))
    return found


def modules(where: Path) -> list[Path]:
    return sorted(where.rglob("*.py"))


@pytest.mark.parametrize("product", PRODUCTS)
def test_products_read_the_release_not_the_build(product: str) -> None:
    offenders = {
        p.relative_to(SRC).as_posix(): sorted(m for m in imports_of(p) if m.startswith("cxkb.kg"))
        for p in modules(SRC / product)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_build_and_the_command_line_import_the_build() -> None:
    outside = [p for p in modules(SRC) if not {"kg", "cli"} & set(p.relative_to(SRC).parts)]
    offenders = {p.relative_to(SRC).as_posix() for p in outside if any(m.startswith("cxkb.kg") for m in imports_of(p))}
    assert offenders == set()


def test_the_release_module_imports_no_product_at_load_time() -> None:
    """The hand-off module sits below every product: products may import it, never the reverse
    (it reaches them only lazily, inside the methods that hand out their objects)."""
    tree = ast.parse((SRC / "release.py").read_text(encoding="utf-8"))
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    assert {m for m in top if m.startswith("cxkb.")} <= {"cxkb.model"}


def test_no_module_reads_csv_tables_outside_the_build() -> None:
    for p in modules(SRC):
        if {"kg", "cli"} & set(p.relative_to(SRC).parts):
            continue
        text = p.read_text(encoding="utf-8")
        assert "read_table" not in text and "papers.csv" not in text, p


def test_modules_stay_readable_in_size() -> None:
    sizes = {p.relative_to(SRC).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in modules(SRC)}
    assert {name: n for name, n in sizes.items() if n > 700} == {}


def _listed_modules() -> dict[str, set[str]]:
    """The modules the README's architecture section names, per subpackage and below them."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    bullet = " ".join(text.split("- **Subpackages named after what they hold:**", 1)[1].split("- **", 1)[0].split())
    packages = re.findall(r"`cxkb\.(\w+)` \(([^)]*)\)", bullet)
    listed = {pkg: set(re.findall(r"[a-z_/]+", names)) for pkg, names in packages}
    shared = bullet.split("shared below them:", 1)[1].split("`cli`", 1)[0]
    listed[""] = set(re.findall(r"`(\w+)`", shared))
    return listed


def test_readme_names_every_module_of_each_subpackage() -> None:
    """A new module shows up in the architecture section, so a reader's map of the code stays whole."""
    listed = _listed_modules()
    actual: dict[str, set[str]] = {"": set()}
    for p in sorted(SRC.iterdir()):
        if p.is_dir() and (p / "__init__.py").exists() and p.name != "cli":
            actual[p.name] = {
                c.stem if c.is_file() else c.name + "/"
                for c in p.iterdir()
                if (c.suffix == ".py" and c.stem != "__init__") or (c.is_dir() and (c / "__init__.py").exists())
            }
        elif p.suffix == ".py" and p.stem != "__init__":
            actual[""].add(p.stem)
    assert listed == actual


# --- registries ---------------------------------------------------------------------------

_CALL = re.compile(r'\.(error|warning|info)\(\s*[^,()]+,\s*[^,()]+,\s*[^,()]+,\s*"([a-z0-9-]+)"', re.S)


def rule_calls() -> list[tuple[str, str, str]]:
    """(level, rule id, file) for every literal rule id reported in the source."""
    out = []
    for p in modules(SRC):
        for m in _CALL.finditer(p.read_text(encoding="utf-8")):
            out.append((m.group(1), m.group(2), p.relative_to(SRC).as_posix()))
    return out


def test_every_reported_rule_is_registered_at_its_level() -> None:
    calls = rule_calls()
    assert len(calls) > 50
    for level, rule_id, where in calls:
        assert rule_id in RULES, f"{where}: {rule_id!r} is not in cxkb.kg.rules"
        registered = RULES[rule_id].level
        assert registered is None or registered.label == level, f"{where}: {rule_id!r} reported as {level}"


def test_every_registered_rule_is_reported_somewhere() -> None:
    used = {rule_id for _, rule_id, _ in rule_calls()}
    text = "\n".join(p.read_text(encoding="utf-8") for p in modules(SRC) if p.name != "rules.py")
    unused = [r for r in RULES if r not in used and f'"{r}"' not in text]
    assert unused == []


def test_report_refuses_unknown_rules_and_wrong_levels() -> None:
    report = Report()
    report.error("t.csv", 2, "doi", "doi-syntax", "bad")
    with pytest.raises(KeyError, match="unregistered"):
        report.error("t.csv", 2, "doi", "doi-sytnax", "typo")
    with pytest.raises(ValueError, match="registered as error"):
        report.warning("t.csv", 2, "doi", "doi-syntax", "wrong level")
    report.add("t.csv", 2, "", Level.WARNING, "shacl", "the shape decides the level")
    assert [f.rule for f in report.findings] == ["doi-syntax", "shacl"]


def test_docs_show_the_registries() -> None:
    assert rules_table() in (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    assert codes_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_checker_settings_know_exactly_the_registered_codes() -> None:
    from cxkb.checker.config import CODES as described
    from cxkb.checker.config import DEFAULT_SEVERITY

    assert set(described) == set(DEFAULT_SEVERITY) == set(CODES)
    assert {c: DEFAULT_SEVERITY[c] for c in CODES} == {c: r.level for c, r in CODES.items()}
