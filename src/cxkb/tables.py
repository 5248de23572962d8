"""The CSV tables: their column contracts, and reading and writing them.

The tables are the single source of truth. This module knows only their syntax (which
columns exist, which are required or hold several values, what a cell may look like) and
turns each file into rows that remember their line number, so later checks can point a
maintainer at the exact cell. Meaning (references, label clashes) is checked in
``validate``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write_text
from .findings import Report

SEPARATOR = "|"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PAPER_ID = re.compile(r"^[a-z][a-z0-9]*$")
SEED_ID = re.compile(r"^seed:[0-9]{3}$")
# A cell (or one value of a multi-value cell) that starts with one of these is read as a
# formula by spreadsheets, and the exports and query results carry it into CSV files that
# people open in one; the OWASP list of CSV-injection triggers.
FORMULA_START = ("=", "+", "-", "@")
# Unicode categories with no visible place in a label or a sentence: control characters
# (tab, NUL, ESC ...), format characters (bidi overrides and isolates, zero-width space and
# joiners, soft hyphen, BOM), line and paragraph separators, and private-use characters.
# They can reorder what a reader sees, hide text from label comparison, or end a line.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co"})


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    multi: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A table's contract. ``path`` is relative to the repository root."""

    name: str
    path: str
    columns: tuple[Column, ...]
    id_pattern: re.Pattern[str] = SLUG

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _cols(spec: str) -> tuple[Column, ...]:
    """Columns from a compact notation: ``name`` optional, ``name!`` required, ``name*`` multi."""
    out = []
    for token in spec.split():
        required = "!" in token
        multi = "*" in token
        out.append(Column(token.strip("!*"), required=required, multi=multi))
    return tuple(out)


DOMAINS = TableSpec(
    "domains",
    "ontology/tables/domains.csv",
    _cols("id! label_en! label_nl! definition_en! definition_nl! source!*"),
)
TOPICS = TableSpec(
    "topics",
    "ontology/tables/topics.csv",
    _cols("id! domain! label_en! label_nl! definition_en! definition_nl! source!*"),
)
QUESTIONS = TableSpec(
    "questions",
    "ontology/tables/questions.csv",
    _cols("id! topic! text_nl! text_en! source!* summarised_in!* evidence_gap"),
)
SOURCES = TableSpec(
    "sources",
    "ontology/tables/sources.csv",
    _cols("id! title! author outlet date language!"),
    id_pattern=SEED_ID,
)
CONCEPTS = TableSpec(
    "concepts",
    "ontology/tables/concepts.csv",
    _cols(
        "id! pref_label_en! pref_label_nl! alt_labels_en* alt_labels_nl* hidden_labels_en* "
        "hidden_labels_nl* definition_en! definition_nl! scope_note_en scope_note_nl topics!* "
        "broader* related* source!* deprecated replaced_by*"
    ),
)
AMBIGUOUS = TableSpec(
    "ambiguous_labels",
    "ontology/tables/ambiguous_labels.csv",
    _cols("id! label! lang! candidates!* note_en! note_nl!"),
)
PAPERS = TableSpec(
    "papers",
    "literature/papers.csv",
    _cols(
        "id! doi isbn url type! title! authors!* year! venue! volume issue pages topics!* "
        "questions* concepts* keywords!* note!"
    ),
    id_pattern=PAPER_ID,
)

ALL_TABLES: tuple[TableSpec, ...] = (DOMAINS, TOPICS, QUESTIONS, SOURCES, CONCEPTS, AMBIGUOUS, PAPERS)


@dataclass
class Row:
    """One data row. ``line`` is the file line it starts on (the header is line 1)."""

    file: str
    line: int
    cells: dict[str, str]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def items(self, column: str) -> tuple[str, ...]:
        return self.lists.get(column, ())


def split_cell(text: str) -> tuple[str, ...]:
    """Split a multi-value cell; empty parts are dropped (they are reported elsewhere)."""
    return tuple(part.strip() for part in text.split(SEPARATOR) if part.strip())


def read_table(root: Path, spec: TableSpec, report: Report, *, required: bool = True) -> list[Row]:
    """Read one table, reporting every syntax problem instead of stopping at the first."""
    path = root / spec.path
    name = spec.path
    if not path.exists():
        if required:
            report.error(name, 0, "", "missing-file", f"table {spec.name!r} not found")
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error(name, line, "", "encoding", f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8")
        return []
    if text.startswith("\ufeff"):
        report.warning(name, 1, "", "bom", "file starts with a byte-order mark; save as UTF-8 without BOM")
        text = text[1:]
    return parse_table(text, spec, report)


def parse_table(text: str, spec: TableSpec, report: Report) -> list[Row]:
    """Parse CSV text against a spec. Split from ``read_table`` so tests can feed strings."""
    name = spec.path
    if "\r" in text:
        report.warning(name, 0, "", "line-endings", "file has CR line endings; use LF")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        report.error(name, 1, "", "empty-file", "file is empty: expected a header row")
        return []
    except csv.Error as exc:
        report.error(name, 1, "", "csv-syntax", f"cannot parse header: {exc}")
        return []
    expected = spec.header
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    for col in missing:
        report.error(name, 1, col, "missing-column", f"column {col!r} is missing from the header")
    for col in unknown:
        report.error(name, 1, col, "unknown-column", f"column {col!r} is not part of the {spec.name} contract")
    dupes = {c for c in header if header.count(c) > 1}
    for col in sorted(dupes):
        report.error(name, 1, col, "duplicate-column", f"column {col!r} appears more than once")
    if missing or dupes:
        return []
    if not unknown and header != expected:
        report.warning(name, 1, "", "column-order", f"columns should be in the order {', '.join(expected)}")

    rows: list[Row] = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.error(name, reader.line_num, "", "csv-syntax", f"cannot parse row: {exc}")
            break
        start = line
        line = reader.line_num + 1
        if not any(v.strip() for v in values):
            if values:
                report.warning(name, start, "", "blank-row", "blank row")
            continue
        if len(values) != len(header):
            report.error(
                name,
                start,
                "",
                "cell-count",
                f"row has {len(values)} cells but the header has {len(header)}; check commas and quotes",
            )
            continue
        cells = dict(zip(header, values, strict=True))
        rows.append(_check_row(Row(name, start, {}), cells, spec, report))
    _check_ids(rows, spec, report)
    return rows


def _check_row(row: Row, cells: dict[str, str], spec: TableSpec, report: Report) -> Row:
    name, line = row.file, row.line
    for col in spec.columns:
        value = cells.get(col.name, "")
        if "\n" in value or "\r" in value:
            report.error(name, line, col.name, "line-break", "cell contains a line break; keep each cell on one line")
            value = " ".join(value.split())
        if value != value.strip():
            report.warning(name, line, col.name, "whitespace", "leading or trailing white space")
            value = value.strip()
        if "  " in value:
            report.warning(name, line, col.name, "whitespace", "double space inside the cell")
        if col.required and not value:
            report.error(name, line, col.name, "required", f"{col.name!r} is required")
        _check_characters(name, line, col, value, report)
        if col.multi:
            parts = value.split(SEPARATOR) if value else []
            if any(p != p.strip() for p in parts):
                report.warning(name, line, col.name, "whitespace", f"spaces around {SEPARATOR!r}")
            if any(not p.strip() for p in parts):
                report.warning(name, line, col.name, "empty-item", f"empty value between {SEPARATOR!r} separators")
            items = split_cell(value)
            seen: set[str] = set()
            for item in items:
                if item in seen:
                    report.warning(name, line, col.name, "duplicate-item", f"{item!r} is listed twice")
                seen.add(item)
            row.lists[col.name] = tuple(dict.fromkeys(items))
        row.cells[col.name] = value
    return row


def unsafe_character(text: str) -> tuple[int, str] | None:
    """The first character a cell may not hold, with its position, or ``None``."""
    # Every unsafe category is also non-printable, and str.isprintable runs in C: the
    # character loop is only needed for the rare cell with a newline, a no-break space or
    # something unsafe. That keeps this check cheap on a 100,000-row table.
    if text.isprintable():
        return None
    for pos, ch in enumerate(text):
        if ch not in "\n\r" and unicodedata.category(ch) in UNSAFE_CATEGORIES:
            return pos, ch
    return None


def _check_characters(file: str, line: int, col: Column, value: str, report: Report) -> None:
    bad = unsafe_character(value)
    if bad is not None:
        pos, ch = bad
        name = unicodedata.name(ch, "control character")
        report.error(
            file,
            line,
            col.name,
            "unsafe-character",
            f"invisible or control character U+{ord(ch):04X} ({name}) at position {pos + 1}; remove it",
        )
    parts = value.split(SEPARATOR) if col.multi else [value]
    for part in parts:
        part = part.strip()
        if part.startswith(FORMULA_START):
            report.error(
                file,
                line,
                col.name,
                "formula-start",
                f"{part[:20]!r} starts with {part[0]!r}, which spreadsheets run as a formula; "
                "reword it or start with another character",
            )
            break


def _check_ids(rows: Sequence[Row], spec: TableSpec, report: Report) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        ident = row.get("id")
        if not ident:
            continue
        if not spec.id_pattern.match(ident):
            report.error(
                row.file,
                row.line,
                "id",
                "id-syntax",
                f"identifier {ident!r} does not match {spec.id_pattern.pattern}",
            )
        if ident in seen:
            report.error(
                row.file,
                row.line,
                "id",
                "duplicate-id",
                f"identifier {ident!r} is already used on line {seen[ident]}",
            )
        else:
            seen[ident] = row.line
    ids = [r.get("id") for r in rows]
    if ids != sorted(ids):
        report.info(
            spec.path, 0, "id", "row-order", "rows are not sorted by id; `cxkb format` writes the canonical order"
        )


def render_table(spec: TableSpec, rows: Iterable[dict[str, str]]) -> str:
    """The canonical text of a table: contract column order, rows sorted by id, LF endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # The csv module quotes a cell holding the line terminator (LF) but not a lone CR,
    # which readers then take for a line end and split the row; such rows are quoted whole.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(spec.header)
    for cells in sorted(rows, key=lambda c: c.get("id", "")):
        values = [cells.get(col, "") for col in spec.header]
        (quoted if any("\r" in v for v in values) else writer).writerow(values)
    return buf.getvalue()


def write_table(root: Path, spec: TableSpec, rows: Iterable[dict[str, str]]) -> Path:
    path = root / spec.path
    atomic_write_text(path, render_table(spec, rows))
    return path
