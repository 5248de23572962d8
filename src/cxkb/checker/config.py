"""Settings of the vocabulary checker: ``.cxkb-check.toml`` or ``[tool.cxkb.check]``.

A team tunes the checker once per repository (which findings matter, which files to skip,
which words are fine here), so the settings live in a file next to the documents, not in
every command line. Command-line options override the file. A wrong setting is an input
error that names the file and line, never a silent default.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cxkb.checker.codes import CODES as REGISTRY
from cxkb.checker.context import DEFAULT_CUES
from cxkb.checker.discover import DEFAULT_INCLUDE
from cxkb.checker.documents import MAX_DOCX_PART_SIZE, MAX_FILE_SIZE, MAX_LINE
from cxkb.findings import Level, LocatedError
from cxkb.model import LANGS

CODES: dict[str, str] = {code: rule.meaning for code, rule in REGISTRY.items()}
"""Every finding code, with the short description used in SARIF rules and help."""

DEFAULT_SEVERITY: dict[str, Level | None] = {code: rule.level for code, rule in REGISTRY.items()}

CONFIG_FILE = ".cxkb-check.toml"
_KEYS = (
    "severity",
    "fail-level",
    "language",
    "include",
    "ignore",
    "allow",
    "cues",
    "extra-cues",
    "fuzzy-cutoff",
    "max-line-length",
    "max-file-size",
    "max-docx-part-size",
    "max-findings",
    "root",
)
MAX_FINDINGS = 1000
"""Findings listed per file; a document with thousands is not being read by anyone, and
listing millions of them took gigabytes."""
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(|b|k|kb|m|mb|g|gb)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3}


def parse_size(value: object) -> int:
    """A size in bytes from a whole number or a text like ``10MB``, ``500 kB``, ``2G`` (powers of 1000).

    Raises ValueError for anything else, and for sizes below one byte.
    """
    if isinstance(value, bool):
        raise ValueError("a size is a number of bytes or a text like 10MB")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str) and (m := _SIZE.match(value)):
        size = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    else:
        raise ValueError(f"{value!r} is not a size: use a number of bytes or a text like 10MB")
    if size < 1:
        raise ValueError("a size must be at least one byte")
    return size


class ConfigError(LocatedError):
    """A setting that cannot be used, with the file and line to fix."""


@dataclass(frozen=True)
class CheckConfig:
    """Everything the checker can be told; the defaults suit a CX documentation repository."""

    severity: Mapping[str, Level | None] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    fail_level: Level = Level.WARNING
    language: str | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    ignore: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    cues: tuple[str, ...] = DEFAULT_CUES
    fuzzy_cutoff: float = 80.0
    max_line_length: int = MAX_LINE
    max_file_size: int = MAX_FILE_SIZE
    max_docx_part_size: int = MAX_DOCX_PART_SIZE
    max_findings: int = MAX_FINDINGS
    root: Path | None = None
    origin: str = "defaults"

    def level(self, code: str) -> Level | None:
        """The level a code is reported at, or None when it is switched off."""
        return self.severity.get(code, DEFAULT_SEVERITY.get(code))

    def with_overrides(self, **changes: Any) -> CheckConfig:
        """A copy with command-line options applied (None means 'not given')."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def find_config(start: Path) -> Path | None:
    """The nearest ``.cxkb-check.toml``, or ``pyproject.toml`` with a ``[tool.cxkb.check]`` table."""
    here = start.resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                text = project.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^\s*\[tool\.cxkb\.check", text, re.MULTILINE):
                return project
    return None


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> CheckConfig:
    """Read the given file, or the nearest one found upwards from ``cwd``; defaults if none."""
    if path is None:
        path = find_config(cwd or Path.cwd())
        if path is None:
            return CheckConfig()
    shown = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(shown, "configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, f"cannot read the configuration file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise ConfigError(shown, f"not valid TOML: {exc}", int(found.group(1)) if found else 0) from None
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("cxkb", {}).get("check")
        if table is None:
            raise ConfigError(shown, "no [tool.cxkb.check] table in this file")
    else:
        table = data
    return parse_config(table, text, shown, base=path.parent)


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def parse_config(table: Mapping[str, Any], text: str, shown: str, *, base: Path) -> CheckConfig:
    """Turn a settings table into a :class:`CheckConfig`, checking every value."""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(shown, message, _line_of(text, key))

    def strings(key: str) -> tuple[str, ...]:
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"{key} must be a list of strings")
        return tuple(value)

    for key in table:
        if key not in _KEYS:
            raise fail(key, f"unknown setting {key!r}; known settings: {', '.join(_KEYS)}")
    changes: dict[str, Any] = {"origin": shown}
    if "severity" in table:
        raw = table["severity"]
        if not isinstance(raw, dict):
            raise fail("severity", "severity must be a table of code = level")
        severity = dict(DEFAULT_SEVERITY)
        for code, value in raw.items():
            if code not in CODES:
                raise fail(code, f"unknown finding code {code!r}; codes: {', '.join(CODES)}")
            if not isinstance(value, str):
                raise fail(code, f"severity of {code!r} must be error, warning, info or off")
            if value.strip().lower() == "off":
                severity[code] = None
            else:
                try:
                    severity[code] = Level.parse(value)
                except ValueError:
                    raise fail(code, f"severity of {code!r} must be error, warning, info or off") from None
        changes["severity"] = severity
    if "fail-level" in table:
        value = table["fail-level"]
        try:
            changes["fail_level"] = Level.parse(str(value))
        except ValueError:
            raise fail("fail-level", "fail-level must be error, warning or info") from None
    if "language" in table:
        value = table["language"]
        if value not in (*LANGS, "auto"):
            raise fail("language", f"language must be one of {', '.join(LANGS)} or auto")
        changes["language"] = None if value == "auto" else value
    for key, attr in (("include", "include"), ("ignore", "ignore"), ("allow", "allow"), ("cues", "cues")):
        if key in table:
            changes[attr] = strings(key)
    if "extra-cues" in table:
        changes["cues"] = tuple(changes.get("cues", DEFAULT_CUES)) + strings("extra-cues")
    if "fuzzy-cutoff" in table:
        value = table["fuzzy-cutoff"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise fail("fuzzy-cutoff", "fuzzy-cutoff must be a number from 0 to 100")
        changes["fuzzy_cutoff"] = float(value)
    if "max-line-length" in table:
        value = table["max-line-length"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail("max-line-length", "max-line-length must be a positive whole number")
        changes["max_line_length"] = value
    for key, attr in (("max-file-size", "max_file_size"), ("max-docx-part-size", "max_docx_part_size")):
        if key in table:
            try:
                changes[attr] = parse_size(table[key])
            except ValueError as exc:
                raise fail(key, f"{key}: {exc}") from None
    if "max-findings" in table:
        value = table["max-findings"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail("max-findings", "max-findings must be a positive whole number")
        changes["max_findings"] = value
    if "root" in table:
        value = table["root"]
        if not isinstance(value, str):
            raise fail("root", "root must be a path (a string)")
        changes["root"] = (base / value).resolve()
    return replace(CheckConfig(), **changes)
