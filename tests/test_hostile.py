"""Hostile input in every column of every table: refused at its cell, or shown as text everywhere.

Each payload of ``hostile_payloads`` goes into each column of the first data row of each
table of the mini fixture. The validator must then either name that file, row and column
in an error, or accept the tables without any error; accepted text must come out of the
graph, the release files, the BibTeX/RIS/CSL-JSON exports, a query's CSV answer, the
book's pages and the map data as the very text that went in, never as markup or code.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docutils import nodes
from rdflib import Graph, Literal

from conftest import MINI, make_root
from conftest import built as with_release
from cxkb import bibliography
from cxkb.book import build as bookbuild
from cxkb.book import generate as bookgen
from cxkb.book import maps, sphinxext
from cxkb.book.frames import Frames
from cxkb.findings import Finding, Level, Report
from cxkb.kg import graph as graphmod
from cxkb.kg.build import build
from cxkb.kg.records import KnowledgeBase, Paper
from cxkb.kg.tables import ALL_TABLES, AUTHORS, FORMULA_START, SEPARATOR, VENUES, TableSpec
from cxkb.kg.validate import load_and_validate
from cxkb.release import open_release
from cxkb.sparql.library import run
from cxkb.sparql.results import to_csv
from cxkb.sparql.store import file_store
from hostile_payloads import IDENTIFIER_PAYLOADS, REJECTED_PAYLOADS, SCRIPT_PAYLOADS, TEXT_PAYLOADS, Payload
from test_book import _doctree

# Free-text columns: everything else holds identifiers, references, numbers or a fixed
# vocabulary, whose syntax rules refuse every payload.
TEXT_COLUMNS: dict[str, frozenset[str]] = {
    "domains": frozenset({"label_en", "label_nl", "definition_en", "definition_nl"}),
    "topics": frozenset({"label_en", "label_nl", "definition_en", "definition_nl"}),
    "questions": frozenset({"text_nl", "text_nl_source", "text_en", "evidence_gap"}),
    "sources": frozenset({"title", "author", "outlet"}),
    "concepts": frozenset(
        {
            "pref_label_en",
            "pref_label_nl",
            "alt_labels_en",
            "alt_labels_nl",
            "hidden_labels_en",
            "hidden_labels_nl",
            "definition_en",
            "definition_nl",
            "scope_note_en",
            "scope_note_nl",
        }
    ),
    "ambiguous_labels": frozenset({"label", "note_en", "note_nl"}),
    "papers": frozenset({"title", "volume", "issue", "pages", "keywords", "note", "note_nl"}),
    # Papers name their authors and venue by id; the names are text of these tables.
    "authors": frozenset({"name", "variants"}),
    "venues": frozenset({"name", "publisher"}),
    "designs": frozenset({"label_en", "label_nl", "definition_en", "definition_nl"}),
    "practice_only": frozenset({"note_en", "note_nl"}),
    "word_families": frozenset({"forms"}),
}
ACCEPTED = SCRIPT_PAYLOADS + TEXT_PAYLOADS
# Two labels of one concept may not be the same text (SKOS S13), so alternative and hidden
# labels carry a suffix that keeps them apart from the preferred label.
LABEL_SUFFIX = {
    "alt_labels_en": " alt",
    "alt_labels_nl": " alt",
    "hidden_labels_en": " hid",
    "hidden_labels_nl": " hid",
}
FIRST_ROW = 2  # the header is line 1


def original_rows(spec: TableSpec) -> list[list[str]]:
    with (MINI / spec.path).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def csv_text(rows: list[list[str]]) -> str:
    """Rows as a contributor's spreadsheet saves them: every cell quoted, so CR and LF stay inside."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buf.getvalue()


def write_rows(root: Path, spec: TableSpec, rows: list[list[str]]) -> None:
    (root / spec.path).write_text(csv_text(rows), encoding="utf-8", newline="")


def with_cell(spec: TableSpec, column: str, value: str) -> list[list[str]]:
    """The fixture table with one cell of its first data row replaced; row order is kept."""
    rows = [list(r) for r in original_rows(spec)]
    rows[1][rows[0].index(column)] = value
    return rows


def cell_value(column: str, text: str) -> str:
    suffix = LABEL_SUFFIX.get(column, "")
    return SEPARATOR.join(part + suffix for part in text.split(SEPARATOR)) if suffix else text


# Cell lengths of docs/tables.md: 10,000 characters unless the column says otherwise.
MAX_LENGTH = {
    ("papers", "title"): 1000,
    ("authors", "name"): 500,
    ("authors", "variants"): 5_000,
    ("venues", "name"): 500,
    ("venues", "publisher"): 500,
}


# Text kept in the tables for provenance and shown in the book, but not in the graph.
TABLE_ONLY = frozenset({("questions", "text_nl_source")})


def expect_refused(spec: TableSpec, column: str, payload: Payload) -> bool:
    """The contract (docs/tables.md) applied to one cell, written out independently of the code."""
    if payload in REJECTED_PAYLOADS or column not in TEXT_COLUMNS[spec.name]:
        return True
    if len(cell_value(column, payload.text)) > MAX_LENGTH.get((spec.name, column), 10_000):
        return True
    if column.startswith("pref_label") and SEPARATOR in payload.text:
        return True  # exactly one preferred label per language
    if spec.name == "authors" and ";" in payload.text:
        return True  # the graph joins the authors with "; "
    multi = spec.column(column).multi
    parts = [p.strip() for p in payload.text.split(SEPARATOR)] if multi else [payload.text]
    return any(p.startswith(FORMULA_START) for p in parts)


def errors(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.level is Level.ERROR]


def errors_at(report: Report, file: str, line: int, column: str) -> list[str]:
    return [f.rule for f in errors(report) if f.file == file and f.row == line and f.column == column]


# ---------------------------------------------------------------------------------------
# 1. The validator: every payload x every column of every table
# ---------------------------------------------------------------------------------------

ALL_CELLS = [(spec, column) for spec in ALL_TABLES for column in spec.header]


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS + TEXT_PAYLOADS + REJECTED_PAYLOADS, ids=lambda p: p.name)
def test_every_cell_refuses_the_payload_at_its_cell_or_accepts_it_cleanly(tmp_path: Path, payload: Payload) -> None:
    root = make_root(tmp_path)
    wrong = []
    for spec, column in ALL_CELLS:
        write_rows(root, spec, with_cell(spec, column, cell_value(column, payload.text)))
        _, report = load_and_validate(root)
        write_rows(root, spec, original_rows(spec))
        here = errors_at(report, spec.path, FIRST_ROW, column)
        elsewhere = [f"{f.file}:{f.row}:{f.column} {f.rule}" for f in errors(report) if f.rule not in here]
        refused = bool(errors(report))
        if refused and not here:
            wrong.append(f"{spec.path}:{column}: errors, but none at the cell: {elsewhere}")
        elif refused != expect_refused(spec, column, payload):
            wrong.append(f"{spec.path}:{column}: {'refused' if refused else 'accepted'} ({here or 'no errors'})")
    assert not wrong, "\n".join(wrong)


def test_the_payload_set_is_as_large_as_documented() -> None:
    payloads = len(SCRIPT_PAYLOADS + TEXT_PAYLOADS + REJECTED_PAYLOADS)
    assert payloads >= 60 and len(ALL_CELLS) == 96
    assert 8_500 <= len(TEXT_PAYLOADS[-1].text) <= 10_000, "the long payload is just under the cell limit"


def test_refusals_name_the_rule() -> None:
    cases = {
        '=HYPERLINK("http://x","y")': "formula-start",
        "x|@SUM(1)": "formula-start",
        "abc\u202egnp.exe": "unsafe-character",
        "zero\u200bwidth": "unsafe-character",
        "a\x00b": "unsafe-character",
        "a\tb": "unsafe-character",
        "a\nb": "line-break",
    }
    from cxkb.kg.tables import PAPERS, parse_table

    for value, rule in cases.items():
        report = Report()
        parse_table(csv_text(with_cell(PAPERS, "keywords", value)), PAPERS, report)
        assert rule in errors_at(report, PAPERS.path, FIRST_ROW, "keywords"), (value, report.findings)


def test_the_canonical_writer_keeps_a_carriage_return_inside_its_cell() -> None:
    from cxkb.kg.tables import TOPICS, parse_table, render_table

    cells = {c: "x" for c in TOPICS.header} | {"id": "a", "label_en": "one\rtwo", "source": "seed:001"}
    report = Report()
    rows = parse_table(render_table(TOPICS, [cells, {**cells, "id": "b", "label_en": "plain"}]), TOPICS, report)
    assert [(r.get("id"), r.get("label_en")) for r in rows] == [("a", "one two"), ("b", "plain")]
    assert "cell-count" not in {f.rule for f in report.findings}
    assert errors_at(report, TOPICS.path, 2, "label_en") == ["line-break"]


# ---------------------------------------------------------------------------------------
# 2. Accepted text, through every artefact
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    spec: TableSpec
    column: str
    value: str

    @property
    def items(self) -> list[str]:
        """What the records hold: the value, or each value of a multi-value cell."""
        if not self.spec.column(self.column).multi:
            return [self.value]
        return list(dict.fromkeys(p.strip() for p in self.value.split(SEPARATOR) if p.strip()))


def fill(root: Path, payload_for: Callable[[TableSpec, str], Payload | None]) -> list[Cell]:
    """Put a payload (with its column's marker) into each text column that accepts it.

    The marker (`` qz<N>``) keeps the cells apart, so a finding can name the column that lost
    its text and two labels of one concept never coincide.
    """
    cells = []
    for spec in ALL_TABLES:
        rows = original_rows(spec)
        for n, column in enumerate(spec.header):
            payload = payload_for(spec, column)
            if payload is None or expect_refused(spec, column, payload):
                continue
            marker = f" qz{ALL_CELLS.index((spec, column)):02d}"
            parts = payload.text.split(SEPARATOR) if spec.column(column).multi else [payload.text]
            value = SEPARATOR.join(p + marker for p in parts)
            rows[1][n] = value
            cells.append(Cell(spec, column, value))
        write_rows(root, spec, rows)
    return cells


def hostile_root(tmp_path: Path, payload: Payload) -> tuple[Path, list[Cell]]:
    root = make_root(tmp_path)
    return root, fill(root, lambda _spec, _column: payload)


def norm(text: str) -> str:
    return " ".join(text.split())


def literal_values(graph: Graph) -> set[str]:
    return {str(o) for o in graph.objects() if isinstance(o, Literal)}


@dataclass
class Built:
    root: Path
    cells: list[Cell]
    kb: KnowledgeBase
    release: Path


def built(tmp_path: Path, payload: Payload) -> Built:
    root, cells = hostile_root(tmp_path, payload)
    kb, report = load_and_validate(root)
    assert not errors(report), [str(f) for f in errors(report)]
    wanted = {("concepts", "definition_en")} | ({("papers", "title")} if len(payload.text) < 1000 else set())
    assert {(c.spec.name, c.column) for c in cells} >= wanted
    out = root / "build" / "release"
    build(root, out, reasoning=False)
    return Built(root, cells, kb, out)


# The fast tier runs every eighth payload (each takes a few seconds); `make test` runs them all.
ARTEFACT_PAYLOADS = [
    pytest.param(p, marks=pytest.mark.slow) if len(p.text) > 5_000 or i % 8 else p
    for i, p in enumerate((*SCRIPT_PAYLOADS, *TEXT_PAYLOADS))
]


@pytest.mark.parametrize("payload", ARTEFACT_PAYLOADS, ids=lambda p: p.name)
def test_accepted_text_is_the_same_text_in_every_artefact(tmp_path: Path, payload: Payload) -> None:
    b = built(tmp_path, payload)
    check_release(b)
    check_exports(b)
    check_query_csv(b)
    check_book_pages(b, payload)


# Tables the checker alone reads: they reach the release records, not the graph.
RECORDS_ONLY = frozenset({"word_families", "practice_only"})


def check_release(b: Built) -> None:
    """Every release serialisation parses, and holds each cell's text as a literal, unchanged."""
    formats = {"cxkb.ttl": "turtle", "cxkb.nt": "nt", "cxkb.owl": "xml", "cxkb.jsonld": "json-ld"}
    records = open_release(b.root, directory=b.release).records
    for c in b.cells:
        if c.spec.name in RECORDS_ONLY:
            kept = {form for family in records.families.values() for form in family.forms}
            kept |= {text for mark in records.practice.values() for text in (mark.note.en, mark.note.nl)}
            assert set(c.items) <= kept, f"cxkb-records.json: {c.spec.name}.{c.column} changed"
    for name, fmt in formats.items():
        graph = Graph().parse(b.release / name, format=fmt)
        values = literal_values(graph)
        lost = [
            f"{c.spec.name}.{c.column}"
            for c in b.cells
            if c.spec.name not in RECORDS_ONLY and (c.spec.name, c.column) not in TABLE_ONLY
            for item in c.items
            if item not in values
        ]
        assert not lost, f"{name}: literals changed for {lost}"
        if name == "cxkb.ttl":
            assert graphmod.canonical(graphmod.from_graph(graph)) == graphmod.canonical(b.kb)


def _paper_cells(b: Built) -> dict[str, Cell]:
    return {c.column: c for c in b.cells if c.spec.name == "papers"}


def _named_paper(b: Built) -> tuple[Paper | None, list[str], str | None]:
    """A paper by the first person of authors.csv in the first venue of venues.csv, its
    author names as the exports must give them, and its venue name (``None`` where the
    payload was refused in that column, so the fixture's text stands)."""
    person, venue = original_rows(AUTHORS)[1][0], original_rows(VENUES)[1][0]
    paper = next((p for p in b.kb.papers.values() if person in p.author_ids and p.venue_id == venue), None)
    if paper is None:
        return None, [], None
    names = {c.spec.name: c for c in b.cells if c.column == "name"}
    if "authors" in names:
        assert names["authors"].value in paper.authors
    if "venues" in names:
        assert paper.venue == names["venues"].value
    return paper, list(paper.authors), paper.venue


def check_exports(b: Built) -> None:
    """BibTeX, RIS and CSL-JSON read back (with bibtexparser, rispy, json) to the same values."""
    import bibtexparser
    import rispy
    from bibtexparser import middlewares as mw

    cells = _paper_cells(b)
    paper = next(iter(b.kb.papers.values()))
    assert paper.origin.line == FIRST_ROW

    text = bibliography.to_bibtex(b.kb)
    decoded = bibtexparser.parse_string(text, append_middleware=[mw.LatexDecodingMiddleware()])
    assert not decoded.failed_blocks and len(decoded.entries) == len(b.kb.papers)
    fields = {k.lower(): v.value for k, v in {e.key: e for e in decoded.entries}[paper.id].fields_dict.items()}
    bib_expect = {"title": "title", "volume": "volume", "issue": "number"}
    for column, field_name in bib_expect.items():
        if column in cells:
            assert _caret(fields[field_name]) == cells[column].value, f"BibTeX {field_name}"
    named, author_names, venue_name = _named_paper(b)
    assert named is not None and named.type == "article"
    entries = {e.key: e for e in decoded.entries}
    assert _caret(entries[named.id].fields_dict["journal"].value) == venue_name, "BibTeX journal"
    if "keywords" in cells:
        assert _caret(fields["keywords"]) == ", ".join(cells["keywords"].items), "BibTeX keywords"
    # Names are split first (braces protect an "and" inside a name), then decoded one by one.
    raw = bibtexparser.parse_string(text, parse_stack=[mw.RemoveEnclosingMiddleware()])
    names = _split_names({e.key: e for e in raw.entries}[named.id].fields_dict["author"].value)
    assert [_caret(_latex_text(_unbrace(n))) for n in names] == author_names, "BibTeX author"

    records = {r["id"]: r for r in rispy.loads(bibliography.to_ris(b.kb))}
    assert len(records) == len(b.kb.papers)
    ris = records[paper.id]
    ris_expect = {"title": "title", "volume": "volume", "issue": "number"}
    for column, key in ris_expect.items():
        if column in cells:
            assert ris[key] == norm(cells[column].value), f"RIS {key}"
    assert records[named.id]["journal_name"] == norm(venue_name), "RIS journal"
    assert records[named.id]["authors"] == [norm(a) for a in author_names], "RIS authors"
    if "keywords" in cells:
        assert ris["keywords"] == [norm(k) for k in cells["keywords"].items], "RIS keywords"

    items = {i["id"]: i for i in json.loads(bibliography.to_csljson(b.kb))}
    csl = items[paper.id]
    csl_expect = {"title": "title", "volume": "volume", "issue": "issue", "pages": "page"}
    for column, key in csl_expect.items():
        if column in cells:
            assert csl[key] == cells[column].value, f"CSL-JSON {key}"
    assert items[named.id]["container-title"] == venue_name, "CSL-JSON container-title"
    names = [n["literal"] if "literal" in n else f"{n['family']}, {n['given']}" for n in items[named.id]["author"]]
    assert names == author_names, "CSL-JSON author"


def _split_names(field: str) -> list[str]:
    """A BibTeX author field split at each " and " outside braces, as BibTeX does.

    bibtexparser's own splitter counts an escaped brace (``\\{``) after " and " as a
    group and drops it, so the names are split here.
    """
    names, depth, start, i = [], 0, 0, 0
    while i < len(field):
        ch = field[i]
        if ch == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and field[i : i + 5].lower() == " and ":
            names.append(field[start:i].strip())
            start = i = i + 5
            continue
        i += 1
    return [*names, field[start:].strip()]


def _unbrace(name: str) -> str:
    return name[1:-1] if name.startswith("{") and name.endswith("}") else name


def _latex_text(latex: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text().latex_to_text(latex)


def _caret(text: str) -> str:
    """pylatexenc reads the export's ``\\textasciicircum{}`` (an ASCII caret in LaTeX) as U+02C6."""
    return text.replace("\u02c6", "^")


def check_query_csv(b: Built) -> None:
    """A query's CSV answer parses back to the literals, one per cell of the CSV."""
    store = file_store(b.release / "cxkb.nt")
    result = run(store, "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY ?s ?o")
    rows = list(csv.reader(io.StringIO(to_csv(result), newline="")))
    assert rows[0] == ["s", "o"] and all(len(r) == 2 for r in rows)
    values = {r[1] for r in rows[1:]}
    in_graph = [c for c in b.cells if c.spec.name not in RECORDS_ONLY and (c.spec.name, c.column) not in TABLE_ONLY]
    lost = [f"{c.spec.name}.{c.column}" for c in in_graph for item in c.items if item not in values]
    assert not lost, f"query CSV changed {lost}"


# Columns the generated pages show (the bibliographic details of papers reach the book
# through references.bib, which the BibTeX check covers).
BOOK_COLUMNS = {
    **{table: set(TEXT_COLUMNS[table]) for table in ("domains", "topics", "concepts", "ambiguous_labels")},
    # evidence_gap is shown only for a question with too few papers; the first has enough.
    "questions": set(TEXT_COLUMNS["questions"] - {"evidence_gap"}),
    "papers": {"title", "note"},
}
# The Dutch language marker, and MyST's hard line break (ontology page) in its two writers.
ALLOWED_RAW = {
    ("html", '<span lang="nl">'),
    ("html", '<span lang="en">'),
    ("html", '<div lang="en">\n'),
    ("html", "</div>\n"),
    ("html", "</span>"),
    ("html", "<br />\n"),
    ("latex", "\\\\\n"),
}
# The ontology page offers the release files for download: names the build chose, never contributor text.
RELEASE_LINK = re.compile(r'<a href="(?:\.\./)?\.\./release/[a-z0-9.-]+" download>|</a>')
# The vocabulary page links to the pyLODE pages, fixed text with no table content in it.
REFERENCE_LINK = re.compile(r'<a href="(?:\.\./)?\.\./reference/(?:vocabulary|ontology)\.html">|</a>')
# The glossary's A-Z bar: fixed letters and anchors, no table content in it.
AZ_NAV = re.compile(
    r'<nav class="cxkb-az" aria-label="(?:Terms by letter|Termen per letter)">'
    r'(?:<a href="#glossary-(?:[a-z]|other)">[A-Z#]</a> ?)*</nav>\n?'
)
# A paper's folded summary: fixed tags around the summary text, escaped, so no tag inside.
FOLDED = re.compile(r"<details><summary>(?:Summary|Samenvatting)</summary>([^<>]*)</details>\n?")
MAP_TAGS = {"figure", "div", "figcaption", "strong", "ul", "li", "span", "details", "summary", "a", "script"}
MAP_ATTRIBUTES = {"class", "id", "style", "role", "href", "type", "data-cxkb-map", "aria-label", "aria-labelledby"}
MAP_ATTRIBUTES |= {"aria-describedby"}


class _Tags(HTMLParser):
    """Every start tag and attribute of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


# The evidence-gap map: a table of counts and question texts, its data as one inert JSON block.
GAPMAP_TAGS = {
    "div",
    "p",
    "span",
    "details",
    "summary",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "script",
}
GAPMAP_ATTRIBUTES = {"class", "id", "role", "aria-label", "data-cxkb-gapmap", "lang", "scope", "type"}
MAP_DATA = re.compile(r'<script type="application/json" id="[A-Za-z0-9_-]+-data">(.*?)</script>', re.S)


def check_book_pages(b: Built, payload: Payload) -> None:
    """Generated pages parse to text nodes holding the payload; raw HTML is only the known markers and maps."""
    pages = {
        name: data.decode("utf-8")
        for name, data in bookgen.plan(b.root, b.root / "book").items()
        if name.endswith(".md") and "/notebooks/" not in name and not name.endswith(("contributing.md", "tables.md"))
    }
    text_parts, titles = [], []
    for name, source in pages.items():
        doc = _doctree(source)
        for raw in doc.findall(nodes.raw):
            content = raw.astext()
            if (
                (raw.get("format"), content) in ALLOWED_RAW
                or RELEASE_LINK.fullmatch(content)
                or REFERENCE_LINK.fullmatch(content)
                or AZ_NAV.fullmatch(content)
            ):
                continue
            folded = FOLDED.fullmatch(content)
            if folded:
                text_parts.append(html.unescape(folded.group(1)))
                continue
            if content.startswith('<div class="cxkb-gapmap"'):
                blocks = MAP_DATA.findall(content)
                assert len(blocks) == 1, f"{name}: the gap map carries exactly one inert data block"
                assert "<" not in blocks[0] and ">" not in blocks[0]
                json.loads(blocks[0])
                parser = _Tags()
                parser.feed(MAP_DATA.sub("", content))
                for tag, attrs in parser.tags:
                    assert tag in GAPMAP_TAGS and set(attrs) <= GAPMAP_ATTRIBUTES, (
                        f"{name}: <{tag} {attrs}> in the gap map"
                    )
                    assert tag != "script", f"{name}: the gap map holds no script besides its data"
                continue
            assert content.startswith('<figure class="cxkb-map"'), f"{name}: unexpected raw HTML {content[:200]!r}"
            blocks = MAP_DATA.findall(content)
            assert len(blocks) == 1, f"{name}: a map carries exactly one inert data block"
            parser = _Tags()
            parser.feed(MAP_DATA.sub("", content))
            for tag, attrs in parser.tags:
                assert tag in MAP_TAGS and set(attrs) <= MAP_ATTRIBUTES, f"{name}: <{tag} {attrs}> in a map"
                assert tag != "script", f"{name}: a map fragment holds no script besides its data"
                href = attrs.get("href")
                assert href is None or maps.safe_url(href) == href, f"{name}: link {href!r} in a map"
            assert "<" not in blocks[0] and ">" not in blocks[0]
            data = json.loads(blocks[0])
            titles += [str(n.get("title", "")) + "\n" + str(n.get("label", "")) for n in data["nodes"]]
        text_parts.append(doc.astext())
    text = norm("\n".join(text_parts))
    shown = {(c.spec.name, c.column) for c in b.cells if any(norm(i) in text for i in c.items)}
    expected = {(c.spec.name, c.column) for c in b.cells if c.column in BOOK_COLUMNS.get(c.spec.name, set())}
    assert expected - shown == set(), f"{payload.name}: not shown as text: {sorted(expected - shown)}"

    frames = Frames.load(b.root)
    kb = frames.kb
    tooltip_text = "\n".join(titles)
    on_map = [kb.domains, kb.topics]
    for table in on_map:
        for record in table.values():
            # each edition's map speaks its own language
            assert record.label.en in tooltip_text and record.label.nl in tooltip_text
            assert record.definition.en in tooltip_text and record.definition.nl in tooltip_text
    for c in kb.concepts.values():
        if c.topics and not c.deprecated:
            assert c.pref.en in tooltip_text and c.pref.nl in tooltip_text


# ---------------------------------------------------------------------------------------
# 3. The built book in Chromium: script payloads in every text column never run
# ---------------------------------------------------------------------------------------

NODE_POINTS = """(mapId) => {
    const net = window.cxkbMaps[mapId];
    const box = document.getElementById(mapId).getBoundingClientRect();
    return net.body.data.nodes.get().map((node) => {
        const dom = net.canvasToDOM(net.getPositions([node.id])[node.id]);
        const x = box.left + dom.x, y = box.top + dom.y;
        return {id: node.id, title: node.title || '', x: x, y: y, hit: net.getNodeAt(dom) === node.id,
                inside: dom.x > 0 && dom.y > 0 && dom.x < box.width && dom.y < box.height
                        && y > 0 && y < window.innerHeight};
    });
}"""


@pytest.mark.slow
@pytest.mark.reasoner
def test_script_payloads_never_run_in_the_built_book(tmp_path: Path, chromium: object) -> None:
    import threading

    from test_book import _book_root
    from test_book_browser import Site, Watch, _loopback, _open

    root = _book_root(tmp_path)
    text_cells = [(spec, column) for spec, column in ALL_CELLS if column in TEXT_COLUMNS[spec.name]]

    def payload_for(spec: TableSpec, column: str) -> Payload | None:
        if (spec, column) not in text_cells:
            return None
        return SCRIPT_PAYLOADS[text_cells.index((spec, column)) % len(SCRIPT_PAYLOADS)]

    cells = fill(root, payload_for)
    placed = {c.value.rsplit(" qz", 1)[0] for c in cells if not c.spec.column(c.column).multi}
    assert placed >= {p.text for p in SCRIPT_PAYLOADS}, "every script payload is in some cell"
    index = bookbuild.build_book(with_release(root))
    server = bookbuild.make_server(index.parent, port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    host, port = server.server_address[:2]
    site = Site(index.parent, f"http://{host}:{port}/")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    watch = Watch(site.base)
    dialogs: list[str] = []
    visible: list[str] = []
    problems: list[str] = []
    hovered = 0

    def route(r: object) -> None:
        if _loopback(r.request.url):  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            watch.external.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()  # type: ignore[attr-defined]

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on("console", lambda m: watch.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: watch.errors.append(f"{page.url}: {e}"))
        page.on("response", lambda r: watch.failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
        pages = site.pages()
        assert len(pages) > 15
        for path in pages:
            watch.clear()
            _open(page, site, path)
            visible.append(page.inner_text("body"))
            for map_id in page.evaluate("() => Object.keys(window.cxkbMaps || {})"):
                page.eval_on_selector(f"#{map_id}", "el => el.scrollIntoView({block: 'center'})")
                for point in page.evaluate(NODE_POINTS, map_id):
                    if not (point["inside"] and point["hit"] and point["title"]):
                        continue
                    page.mouse.move(point["x"] - 3, point["y"] - 3)
                    page.mouse.move(point["x"], point["y"])
                    shown = page.wait_for_function(
                        """([mapId, title]) => {
                            // vis-network sets innerText, so line breaks become <br> and nothing else.
                            const tip = document.querySelector('#' + mapId + ' .vis-tooltip');
                            const flat = (t) => t.split(/\\s+/).join(' ').trim();
                            if (!tip || tip.style.visibility === 'hidden' || flat(tip.innerText) !== flat(title)) {
                                return null;
                            }
                            return {children: [...tip.children].filter((c) => c.tagName !== 'BR').length};
                        }""",
                        arg=[map_id, point["title"]],
                        timeout=5000,
                    ).json_value()
                    if shown["children"]:
                        problems.append(f"{path}: tooltip of {point['id']} holds elements")
                    hovered += 1
            if page.evaluate("() => window.__pwned !== undefined"):
                problems.append(f"{path}: a payload ran")
            problems += [f"{path}: {p}" for p in watch.problems()]
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert not dialogs, dialogs
    assert not problems, "\n".join(problems[:40])
    assert hovered >= 20, f"only {hovered} map nodes could be hovered"
    text = norm("\n".join(visible))
    missing = [p.name for p in SCRIPT_PAYLOADS if norm(p.text) not in text]
    assert not missing, f"not visible as text: {missing}"


def test_theme_titles_reach_the_templates_escaped() -> None:
    """sphinx-book-theme prints ``pagetitle`` (a plain-text title) unescaped in its print header."""
    context = {"pagetitle": SCRIPT_PAYLOADS[0].text + " & co", "root_title": "<b>book</b>", "body": ""}
    sphinxext._page_assets(None, "generated/x", "page.html", context, None)
    assert context["pagetitle"] == "&lt;script&gt;window.__pwned=1&lt;/script&gt; &amp; co"
    assert context["root_title"] == "&lt;b&gt;book&lt;/b&gt;"


# ---------------------------------------------------------------------------------------
# 4. Identifiers that are valid and still hostile: DOIs and URLs with quotes and brackets
# ---------------------------------------------------------------------------------------

SAFE_LINK = re.compile(r"^(https?://[^\s\"'<>`]+|[A-Za-z0-9_./#-]+)$")


@pytest.mark.parametrize(
    "column,value", [(c, v) for c, values in IDENTIFIER_PAYLOADS.items() for v in values], ids=lambda x: str(x)[:24]
)
def test_hostile_identifiers_stay_inert_links(tmp_path: Path, column: str, value: str) -> None:
    from cxkb.kg.tables import PAPERS

    root = make_root(tmp_path)
    write_rows(root, PAPERS, with_cell(PAPERS, column, value))
    kb, report = load_and_validate(root)
    if errors(report):
        assert errors_at(report, PAPERS.path, FIRST_ROW, column), [str(f) for f in errors(report)]
        return
    paper = kb.papers[original_rows(PAPERS)[1][0]]
    assert getattr(paper, column) == value
    import bibtexparser

    library = bibtexparser.parse_string(bibliography.to_bibtex(kb))
    assert not library.failed_blocks
    fields = {e.key: e for e in library.entries}[paper.id].fields_dict
    assert fields[column].value == value
    build(root, reasoning=False)
    for name, data in bookgen.plan(root, root / "book").items():
        if not name.endswith(".md") or "/notebooks/" in name:
            continue
        doc = _doctree(data.decode("utf-8"))
        for ref in doc.findall(nodes.reference):
            uri = ref.get("refuri", "")
            assert not uri or SAFE_LINK.match(uri), f"{name}: link {uri!r}"
        for raw in doc.findall(nodes.raw):
            assert (
                (raw.get("format"), raw.astext()) in ALLOWED_RAW
                or RELEASE_LINK.fullmatch(raw.astext())
                or REFERENCE_LINK.fullmatch(raw.astext())
                or AZ_NAV.fullmatch(raw.astext())
                or FOLDED.fullmatch(raw.astext())
                or raw.astext().startswith(("<figure", '<div class="cxkb-gapmap"'))
            )
