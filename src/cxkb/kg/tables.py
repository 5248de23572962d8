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

from cxkb.atomic import atomic_write_text
from cxkb.findings import Report

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
    in_order = header == expected
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
        row = Row(name, start, {})
        if in_order and _clean_row(row, values, spec):
            rows.append(row)
            continue
        rows.append(_check_row(row, dict(zip(header, values, strict=True)), spec, report))
    _check_ids(rows, spec, report)
    return rows


def _clean_row(row: Row, values: list[str], spec: TableSpec) -> bool:
    """Fill ``row`` from ``values`` (in the spec's column order) and return True when no
    cell has anything to report.

    Nearly every row of a large table is like that, and one look at all its cells joined
    by the separator tells: printable text holds no white space but the plain space, so
    without a double space or a space beside a separator every cell and every value is
    already stripped, and every value starts right after a separator.
    """
    names, required, multi = _layout(spec)
    joined = SEPARATOR.join(values)
    if (
        not joined.isprintable()
        or "  " in joined
        or _SPACE_BEFORE in joined
        or _SPACE_AFTER in joined
        or _VALUE_FORMULA.search(joined)
        or joined.startswith(FORMULA_START)
        or joined.startswith(" ")
        or joined.endswith(" ")
    ):
        return False
    for i in required:
        if not values[i]:
            return False
    lists = {}
    for i in multi:
        value = values[i]
        if not value:
            lists[names[i]] = ()
            continue
        if value.startswith(SEPARATOR) or value.endswith(SEPARATOR) or _EMPTY_VALUE in value:
            return False
        items = tuple(value.split(SEPARATOR))
        if len(set(items)) != len(items):
            return False
        lists[names[i]] = items
    row.cells.update(zip(names, values, strict=True))
    row.lists.update(lists)
    return True


_SPACE_BEFORE = f" {SEPARATOR}"
_SPACE_AFTER = f"{SEPARATOR} "
_VALUE_FORMULA = re.compile(f"\\{SEPARATOR}[=+\\-@]")
_EMPTY_VALUE = SEPARATOR * 2
_LAYOUTS: dict[int, tuple[TableSpec, tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = {}


def _layout(spec: TableSpec) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """Column names, and the positions of the required and the multi-value columns.

    Kept per spec object (hashing a spec would cost as much as the row check it serves).
    """
    found = _LAYOUTS.get(id(spec))
    if found is None or found[0] is not spec:
        cols = spec.columns
        found = (
            spec,
            tuple(c.name for c in cols),
            tuple(i for i, c in enumerate(cols) if c.required),
            tuple(i for i, c in enumerate(cols) if c.multi),
        )
        _LAYOUTS[id(spec)] = found
    return found[1:]


def _check_row(row: Row, cells: dict[str, str], spec: TableSpec, report: Report) -> Row:
    if _clean_row(row, [cells.get(c.name, "") for c in spec.columns], spec):
        return row
    return _check_cells(row, cells, spec, report)


def _check_cells(row: Row, cells: dict[str, str], spec: TableSpec, report: Report) -> Row:
    """Every cell on its own, each problem reported at its column."""
    name, line = row.file, row.line
    for col in spec.columns:
        value = cells.get(col.name, "")
        # Almost every cell is printable (so holds no line break, tab or unsafe character)
        # and has no outer or double spaces: a few C-level string tests tell, and only the
        # rest take the path that names each problem.
        if not (value.isprintable() and value == value.strip() and "  " not in value):
            value = _clean_cell(name, line, col, value, report)
        if col.required and not value:
            report.error(name, line, col.name, "required", f"{col.name!r} is required")
        # The kept value is stripped, so only a value after a separator can hide spaces.
        if value.startswith(FORMULA_START) or (col.multi and _FORMULA_AFTER_SEPARATOR.search(value)):
            _check_formula(name, line, col, value, report)
        if col.multi:
            row.lists[col.name] = _items(name, line, col, value, report)
        row.cells[col.name] = value
    return row


# A later value of a multi-value cell that starts like a formula (str.strip and the
# pattern's \s agree on what white space is).
_FORMULA_AFTER_SEPARATOR = re.compile(r"\|\s*[=+\-@]")


def _clean_cell(name: str, line: int, col: Column, value: str, report: Report) -> str:
    """Report line breaks, stray spaces and unsafe characters; return the cell as it is kept."""
    if "\n" in value or "\r" in value:
        report.error(name, line, col.name, "line-break", "cell contains a line break; keep each cell on one line")
        value = " ".join(value.split())
    if value != value.strip():
        report.warning(name, line, col.name, "whitespace", "leading or trailing white space")
        value = value.strip()
    if "  " in value:
        report.warning(name, line, col.name, "whitespace", "double space inside the cell")
    bad = unsafe_character(value)
    if bad is not None:
        pos, ch = bad
        report.error(
            name,
            line,
            col.name,
            "unsafe-character",
            f"invisible or control character U+{ord(ch):04X} ({unicodedata.name(ch, 'control character')}) "
            f"at position {pos + 1}; remove it",
        )
    return value


def _items(name: str, line: int, col: Column, value: str, report: Report) -> tuple[str, ...]:
    """The values of a multi-value cell, in order and without repeats, with warnings on its layout."""
    if not value:
        return ()
    parts = value.split(SEPARATOR)
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
    return tuple(dict.fromkeys(items))


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


def _check_formula(file: str, line: int, col: Column, value: str, report: Report) -> None:
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
