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
import itertools
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


MAX_CELL = 10_000
"""Characters a cell may hold unless its column says otherwise: twenty times the longest
definition in the tables, far below the CSV reader's own limit of 131,072."""
MAX_ID = 100


@dataclass(frozen=True)
class Column:
    """One column of a table contract; ``max_items`` limits the values of a multi-value cell."""

    name: str
    required: bool = False
    multi: bool = False
    max_length: int = MAX_CELL
    max_items: int | None = None


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


def _cols(
    spec: str, max_length: dict[str, int] | None = None, max_items: dict[str, int] | None = None
) -> tuple[Column, ...]:
    """Columns from a compact notation: ``name`` optional, ``name!`` required, ``name*`` multi.

    ``max_length`` and ``max_items`` override the limits per column; ``id`` columns hold at
    most ``MAX_ID`` characters.
    """
    lengths = {"id": MAX_ID, **(max_length or {})}
    out = []
    for token in spec.split():
        name = token.strip("!*")
        out.append(
            Column(
                name,
                required="!" in token,
                multi="*" in token,
                max_length=lengths.get(name, MAX_CELL),
                max_items=(max_items or {}).get(name),
            )
        )
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
    _cols("id! topic! text_nl! text_nl_source text_en! source!* summarised_in!* evidence_gap"),
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
    _cols("id! label! lang! candidates!* note_en! note_nl! cues*"),
)
FAMILIES = TableSpec(
    "word_families",
    "ontology/tables/word_families.csv",
    _cols("id! concept! lang! kind! forms!* source!*"),
)
PRACTICE = TableSpec(
    "practice_only",
    "ontology/tables/practice_only.csv",
    _cols("id! source!* note_en! note_nl!"),
)
DESIGNS = TableSpec(
    "designs",
    "ontology/tables/designs.csv",
    _cols("id! label_en! label_nl! definition_en! definition_nl! source!*"),
)
PAPERS = TableSpec(
    "papers",
    "literature/papers.csv",
    _cols(
        "id! doi isbn url type! title! authors!* year! venue! volume issue pages topics!* "
        "questions* concepts* keywords!* note! note_nl! designs!*",
        max_length={"title": 1000, "authors": 60_000, "doi": 300, "venue": MAX_ID},
        max_items={"authors": 500},
    ),
    id_pattern=PAPER_ID,
)
# The people and venues the literature table refers to by id: one row per person (every
# spelling the papers use of their name) and per journal, book or proceedings volume.
AUTHORS = TableSpec(
    "authors",
    "literature/authors.csv",
    _cols("id! name! variants* orcid", max_length={"name": 500, "variants": 5_000, "orcid": 40}),
)
VENUES = TableSpec(
    "venues",
    "literature/venues.csv",
    _cols("id! name! issn* isbn type! publisher", max_length={"name": 500, "issn": 40, "isbn": 40, "publisher": 500}),
)

ALL_TABLES: tuple[TableSpec, ...] = (
    DOMAINS,
    TOPICS,
    QUESTIONS,
    SOURCES,
    CONCEPTS,
    AMBIGUOUS,
    FAMILIES,
    PRACTICE,
    DESIGNS,
    AUTHORS,
    VENUES,
    PAPERS,
)


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


class _Lines:
    """The file's lines for ``csv.reader``, with a position that can be moved.

    After a broken record the reader starts afresh at its next line; moving the position
    past the broken record (found by :func:`_scan_record`) lets checking go on with the
    row after it instead of stopping at the first error.
    """

    def __init__(self, text: str) -> None:
        self.lines = list(io.StringIO(text, newline=""))
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def parse_table(text: str, spec: TableSpec, report: Report) -> list[Row]:
    """Parse CSV text against a spec. Split from ``read_table`` so tests can feed strings."""
    name = spec.path
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        report.warning(name, line, "", "line-endings", "file has CR line endings (first on this line); use LF")
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        report.error(name, 1, "", "empty-file", "file is empty: expected a header row")
        return []
    except csv.Error as exc:
        report.error(name, 1, "", "csv-syntax", f"cannot parse header: {exc}")
        return []
    expected = spec.header
    if _other_delimiter(header, expected, name, report):
        return []
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
    while True:
        start = lines.pos + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            lines.pos = _broken_record(lines, start - 1, header, name, report)
            continue
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


_DELIMITERS = {";": "semicolon", "\t": "tab"}


def _other_delimiter(header: list[str], expected: list[str], name: str, report: Report) -> bool:
    """Report a header that only makes sense split at another delimiter (a spreadsheet's export setting)."""
    if len(header) != 1:
        return False
    for delimiter, word in _DELIMITERS.items():
        parts = [p.strip().strip('"') for p in header[0].split(delimiter)]
        if len(parts) > 1 and len(set(parts) & set(expected)) >= min(2, len(expected)):
            report.error(
                name,
                1,
                "",
                "delimiter",
                f"the header is one cell, but split at the {word} ({delimiter!r}) it has {len(parts)} columns: "
                "the file seems saved with another delimiter; save it comma-separated (CSV UTF-8)",
            )
            return True
    return False


def _broken_record(lines: _Lines, first: int, header: list[str], name: str, report: Report) -> int:
    """Report the record starting at line index ``first`` that the csv module refused; return where to go on.

    The csv module only says what went wrong; this scans the record again, in Python and
    only for the broken one, to tell the column and the line, and where the next row starts.
    """
    line, index, problem, resume = _scan_record(lines.lines, first)
    column = header[index] if index < len(header) else ""
    report.error(name, line, column, problem[0], problem[1])
    return resume


def _scan_record(lines: list[str], first: int) -> tuple[int, int, tuple[str, str], int]:
    """(1-based line, cell index, (rule, message), next line index) for a broken record (RFC 4180)."""
    limit = csv.field_size_limit()
    index = 0
    i = first
    while i < len(lines):
        text = lines[i]
        pos = 0
        while pos < len(text):
            if text[pos] == '"':
                opened = i
                pos += 1
                length = 0
                while True:
                    close = text.find('"', pos)
                    if close < 0:
                        length += len(text) - pos
                        i += 1
                        if i >= len(lines):
                            message = (
                                "the quote that opens this cell is never closed; the rest of the file "
                                'would be one cell. Close it, or double a quote inside the cell ("")'
                            )
                            return opened + 1, index, ("csv-syntax", message), opened + 1
                        text, pos = lines[i], 0
                        continue
                    length += close - pos
                    if text.startswith('"', close + 1):
                        pos = close + 2
                        length += 1
                        continue
                    pos = close + 1
                    break
                if pos < len(text) and text[pos] not in ",\r\n":
                    if i > opened:  # what closed it was a later line's quote: this one was never closed
                        message = (
                            "the quote that opens this cell is not closed on its line (and cells hold no "
                            'line breaks); close it, or double a quote inside the cell ("")'
                        )
                        return opened + 1, index, ("csv-syntax", message), opened + 1
                    message = f'unexpected {text[pos]!r} after the closing quote of a cell; double the quote ("")'
                    return i + 1, index, ("csv-syntax", message), i + 1
                if length > limit:
                    return opened + 1, index, _too_long(length, limit), i + 1
            else:
                end = len(text)
                for stop in (",", "\r", "\n"):
                    found = text.find(stop, pos)
                    if found >= 0:
                        end = min(end, found)
                cell = text[pos:end]
                if len(cell) > limit:
                    return i + 1, index, _too_long(len(cell), limit), i + 1
                if '"' in cell:
                    message = "a quote inside a cell that does not start with one; quote the whole cell"
                    return i + 1, index, ("csv-syntax", message), i + 1
                pos = end
            if pos < len(text) and text[pos] == ",":
                index += 1
                pos += 1
                continue
            return i + 1, index, ("csv-syntax", "cannot parse this row"), i + 1
        i += 1
    return first + 1, 0, ("csv-syntax", "cannot parse this row"), first + 1


def _too_long(length: int, limit: int) -> tuple[str, str]:
    return "cell-too-long", f"cell is {length:,} characters, more than a CSV cell may hold here ({limit:,})"


def _clean_row(row: Row, values: list[str], spec: TableSpec) -> bool:
    """Fill ``row`` from ``values`` (in the spec's column order) and return True when no
    cell has anything to report.

    Nearly every row of a large table is like that, and one look at all its cells joined
    by the separator tells: printable text holds no white space but the plain space, so
    without a double space or a space beside a separator every cell and every value is
    already stripped, and every value starts right after a separator.
    """
    names, required, multi, limits = _layout(spec)
    joined = SEPARATOR.join(values)
    total = len(joined)
    # No cell is longer than the whole row: only the limits below its length need a look.
    for limit, i in limits:
        if limit >= total:
            break
        if len(values[i]) > limit:
            return False
    if (
        not joined.isprintable()
        or "  " in joined
        or _SPACE_BEFORE in joined
        or _SPACE_AFTER in joined
        or _VALUE_FORMULA.search(joined)
        or joined.startswith(FORMULA_START)
        or joined.startswith(" ")
        or joined.endswith(" ")
        or not all(map(values.__getitem__, required))
    ):
        return False
    lists = {}
    for i in multi:
        value = values[i]
        if SEPARATOR not in value:  # one value or none: nothing empty, nothing repeated
            lists[names[i]] = (value,) if value else ()
            continue
        if value.startswith(SEPARATOR) or value.endswith(SEPARATOR) or _EMPTY_VALUE in value:
            return False
        items = tuple(value.split(SEPARATOR))
        if len(set(items)) != len(items) or len(items) > _MANY:
            return False
        lists[names[i]] = items
    row.cells.update(zip(names, values, strict=True))
    row.lists.update(lists)
    return True


_SPACE_BEFORE = f" {SEPARATOR}"
_SPACE_AFTER = f"{SEPARATOR} "
_VALUE_FORMULA = re.compile(f"\\{SEPARATOR}[=+\\-@]")
_EMPTY_VALUE = SEPARATOR * 2
# Multi-value cells with more values than this take the checking path, which knows each
# column's own limit (the fast path only knows that no column allows fewer).
_MANY = 100
_Layout = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], tuple[tuple[int, int], ...]]
_LAYOUTS: dict[int, tuple[TableSpec, _Layout]] = {}


def _layout(spec: TableSpec) -> _Layout:
    """Column names, the positions of the required and the multi-value columns, and the
    length limits as (limit, position), smallest first.

    Kept per spec object (hashing a spec would cost as much as the row check it serves).
    """
    found = _LAYOUTS.get(id(spec))
    if found is None or found[0] is not spec:
        cols = spec.columns
        found = (
            spec,
            (
                tuple(c.name for c in cols),
                tuple(i for i, c in enumerate(cols) if c.required),
                tuple(i for i, c in enumerate(cols) if c.multi),
                tuple(sorted((c.max_length, i) for i, c in enumerate(cols))),
            ),
        )
        _LAYOUTS[id(spec)] = found
    return found[1]


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
        if len(value) > col.max_length:
            report.error(
                name,
                line,
                col.name,
                "cell-too-long",
                f"cell is {len(value):,} characters, over the limit of {col.max_length:,} for {col.name!r}",
            )
            value = value[: col.max_length]
        if not (value.isprintable() and value == value.strip() and "  " not in value):
            value = _clean_cell(name, line, col, value, report)
        if col.required and not value:
            report.error(name, line, col.name, "required", f"{col.name!r} is required")
        # The kept value is stripped, so only a value after a separator can hide spaces.
        if value.startswith(FORMULA_START) or (col.multi and _FORMULA_AFTER_SEPARATOR.search(value)):
            _check_formula(name, line, col, value, report)
        if col.multi:
            row.lists[col.name] = _items(name, line, col, value, report)
            if col.max_items is not None and len(row.lists[col.name]) > col.max_items:
                report.error(
                    name,
                    line,
                    col.name,
                    "too-many-values",
                    f"{len(row.lists[col.name]):,} values, over the limit of {col.max_items:,} for {col.name!r}",
                )
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
    for before, row in itertools.pairwise(rows):
        if row.get("id") < before.get("id"):
            report.info(
                spec.path,
                row.line,
                "id",
                "row-order",
                "rows are not sorted by id (first out of order here); `cxkb format` writes the canonical order",
            )
            break


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
