"""Output formats of the vocabulary checker.

Each format is a pure function from a :class:`~cxkb.check.CheckRun` to a string, so the
command line stays thin and the tests can read what a CI system would read:

- ``text``: ``path:line:col: level [code] message``, one per line, for people and editors;
- ``json``: one document with a schema version; fields may be added, never renamed;
- ``sarif``: SARIF 2.1.0 for code-scanning services (stable rule ids and paths);
- ``github``: GitHub Actions workflow commands, which become annotations on a pull request.

Lines and columns are 1-based and count characters (Unicode code points); in a .docx file
the line is the paragraph number.
"""

from __future__ import annotations

import json

from cxkb import __version__
from cxkb.checker.config import CODES
from cxkb.checker.report import Summary
from cxkb.checker.results import CheckFinding, CheckRun
from cxkb.findings import Level

JSON_SCHEMA = "https://w3id.org/cxkb/check-report/1"
JSON_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "cxkb check"
TOOL_URI = "https://w3id.org/cxkb/"
_SARIF_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
_GITHUB_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def format_text(run: CheckRun) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.level.label} [{f.code}] {f.message}" for f in run.findings]
    return "".join(line + "\n" for line in lines)


_ROWS = "\x00rows\x00"  # stands for the long list while the rest is indented; no path or term holds NUL


def _with_rows(data: dict[str, object], rows: list[dict[str, object]]) -> str:
    """JSON indented like ``json.dumps(indent=2)``, with one line per row at the :data:`_ROWS` mark.

    Indenting runs json's pure-Python encoder; a run with hundreds of thousands of
    findings is written many times faster with each row encoded compactly, in C.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    mark = json.dumps(_ROWS)
    at = text.index(mark)
    line_start = text.rfind("\n", 0, at) + 1
    pad = " " * (len(text[line_start:at]) - len(text[line_start:at].lstrip()))
    if rows:
        body = ",\n".join(pad + "  " + json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) for row in rows)
        listing = "[\n" + body + "\n" + pad + "]"
    else:
        listing = "[]"
    return text[:at] + listing + text[at + len(mark) :]


def format_json(run: CheckRun, summary: Summary | None = None) -> str:
    data: dict[str, object] = {
        "$schema": JSON_SCHEMA,
        "version": JSON_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "counts": run.counts(),
        "documents": [
            {"path": name, "kind": kind, "lang": lang, "lang_source": origin}
            for name, kind, lang, origin in sorted(run.documents)
        ],
        "findings": [f.to_dict() for f in run.findings],
        "input_errors": [{"path": e.path, "line": e.line, "message": e.message} for e in run.errors],
    }
    if summary is not None:
        data["report"] = summary.to_dict()
    rows = data.pop("findings")
    data["findings"] = _ROWS  # last, one finding per line
    return _with_rows(data, rows) + "\n"  # type: ignore[arg-type]


def _sarif_result(f: CheckFinding, rule_index: dict[str, int]) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": f.code,
        "ruleIndex": rule_index[f.code],
        "level": _SARIF_LEVEL[f.level],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": f.end_line,
                        "endColumn": f.end_column,
                        "snippet": {"text": f.text},
                    },
                }
            }
        ],
    }
    properties: dict[str, object] = {}
    if f.concepts:
        properties["concepts"] = list(f.concepts)
    if f.preferred:
        properties["preferred"] = f.preferred
    if properties:
        result["properties"] = properties
    if f.replacement is not None:
        result["fixes"] = [
            {
                "description": {"text": f"Replace with '{f.replacement}'"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "startLine": f.line,
                                    "startColumn": f.column,
                                    "endLine": f.end_line,
                                    "endColumn": f.end_column,
                                },
                                "insertedContent": {"text": f.replacement},
                            }
                        ],
                    }
                ],
            }
        ]
    return result


def sarif_log(run: CheckRun, summary: Summary | None = None) -> dict[str, object]:
    """The SARIF 2.1.0 log as a dictionary (every code is a rule, used or not)."""
    codes = list(CODES)
    rule_index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": CODES[code]},
            "helpUri": TOOL_URI,
        }
        for code in codes
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": e.path},
                        **({"region": {"startLine": e.line}} if e.line else {}),
                    }
                }
            ],
        }
        for e in run.errors
    ]
    sarif_run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "informationUri": TOOL_URI,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
        "invocations": [{"executionSuccessful": not run.errors, "toolExecutionNotifications": notifications}],
        "results": [_sarif_result(f, rule_index) for f in run.findings],
    }
    if summary is not None:
        sarif_run["properties"] = {"report": summary.to_dict()}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [sarif_run]}


def format_sarif(run: CheckRun, summary: Summary | None = None) -> str:
    log = sarif_log(run, summary)
    sarif_run = log["runs"][0]  # type: ignore[index]
    rows = sarif_run["results"]
    sarif_run["results"] = _ROWS  # one result per line
    return _with_rows(log, rows) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(run: CheckRun) -> str:
    """GitHub Actions workflow commands (``::warning file=…,line=…,col=…::message``)."""
    out = []
    for f in run.findings:
        props = [
            f"file={_escape_property(f.path)}",
            f"line={f.line}",
            f"col={f.column}",
            f"endLine={f.end_line}",
            f"endColumn={max(f.column, f.end_column - 1) if f.end_line == f.line else f.end_column}",
            f"title={_escape_property(f'cxkb check [{f.code}]')}",
        ]
        out.append(f"::{_GITHUB_LEVEL[f.level]} {','.join(props)}::{_escape_data(f.message)}\n")
    for e in run.errors:
        props = [f"file={_escape_property(e.path)}", *([f"line={e.line}"] if e.line else [])]
        out.append(f"::error {','.join(props)}::{_escape_data(e.message)}\n")
    return "".join(out)


def format_summary(summary: Summary) -> str:
    """The ``--report`` overview as plain text."""
    lines = [f"Vocabulary report: {summary.files} file(s), {summary.errors} input error(s)", ""]
    lines.append(f"Concepts used ({len(summary.used)}):")
    for u in summary.used:
        lines.append(f"  {u['count']:>5}  {u['concept']}  ({u['pref_en']} / {u['pref_nl']})")
    lines.append("")
    lines.append(f"Concepts not used ({len(summary.unused)}):")
    for u in summary.unused:
        lines.append(f"         {u['concept']}  ({u['pref_en']} / {u['pref_nl']})")
    lines.append("")
    lines.append(f"Unknown CX-sounding terms ({len(summary.unknown)}):")
    for u in summary.unknown:
        near = ", ".join(u["nearest"]) if u["nearest"] else "-"  # type: ignore[call-overload]
        lines.append(f"  {u['count']:>5}  {u['term']}  (nearest: {near})")
    return "\n".join(lines) + "\n"
