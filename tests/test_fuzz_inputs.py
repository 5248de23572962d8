"""Property-based fuzzing of every reader of outside input: CSV tables, BibTeX, RIS and documents.

Each reader must, for any input, either return its result or refuse with its own error
type (never another exception), within a time and a memory budget per case. Inputs are
drawn with a fixed seed (``derandomize``), so a failure reproduces on every machine; the
whole file runs in well under a minute and is part of the ordinary test run.
"""

from __future__ import annotations

import io
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, examples
from cxkb.bibliography import ImportError_, from_bibtex, from_ris
from cxkb.checker.config import CheckConfig
from cxkb.checker.documents import InputError, read_document
from cxkb.checker.engine import Checker
from cxkb.checker.vocab import VocabIndex
from cxkb.findings import Report
from cxkb.kg.records import load
from cxkb.kg.tables import PAPERS, TOPICS, read_table

settings.register_profile(
    "fuzz",
    derandomize=True,
    max_examples=examples(400),
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")
CASE_SECONDS = 5.0
CASE_BYTES = 64_000_000  # peak Python allocations per case
T = TypeVar("T")


@contextmanager
def budget(seconds: float = CASE_SECONDS, peak: int = CASE_BYTES) -> Iterator[None]:
    """Fail the case if it takes longer than ``seconds`` or allocates more than ``peak`` bytes at once."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        used = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"case took {elapsed:.2f} s"
    assert used < peak, f"case allocated {used:,} bytes at its peak"


def refused_or(call: Callable[[], T], *errors: type[Exception]) -> T | None:
    try:
        return call()
    except errors:
        return None


# -- CSV tables ----------------------------------------------------------------------------------

CSV_PIECES = st.sampled_from(
    [",", '"', '""', "\n", "\r\n", "\r", ";", "\t", "|", " ", "x", "é", "=1", "\x00", "\u202e", "10.1/x", "a" * 300]
)
HEADERS = st.sampled_from([",".join(PAPERS.header), ";".join(PAPERS.header), ",".join(TOPICS.header), "", "id"])


@FUZZ
@given(header=HEADERS, body=st.lists(CSV_PIECES, max_size=200), raw=st.binary(max_size=300))
def test_any_csv_is_read_or_refused_with_lines(header: str, body: list[str], raw: bytes) -> None:
    data = (header + "\n" + "".join(body)).encode("utf-8") + raw
    spec = TOPICS if header.startswith("id,domain") else PAPERS
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / spec.path
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        report = Report()
        with budget():
            rows = read_table(Path(tmp), spec, report)
    assert all(f.row >= 1 for f in report.findings), [f.format() for f in report.findings if f.row < 1]
    assert all(r.line >= 2 for r in rows)
    assert len(rows) <= data.count(b"\n") + data.count(b"\r") + 1


@settings(FUZZ, max_examples=examples(20))
@given(size=st.integers(min_value=130_000, max_value=300_000), at=st.integers(min_value=0, max_value=16))
def test_a_huge_cell_anywhere_is_one_finding(size: int, at: int) -> None:
    cells = ["a"] * len(PAPERS.header)
    cells[at] = "x" * size
    text = ",".join(PAPERS.header) + "\n" + ",".join(cells) + "\n" + ",".join(["b"] * len(PAPERS.header)) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / PAPERS.path
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        report = Report()
        with budget():
            rows = read_table(Path(tmp), PAPERS, report)
    too_long = [f for f in report.findings if f.rule == "cell-too-long"]
    assert [(f.row, f.column) for f in too_long] == [(2, PAPERS.header[at])]
    assert [r.line for r in rows][-1] == 3  # the row after it is read; the long row itself only if the CSV allowed


# -- BibTeX and RIS ------------------------------------------------------------------------------

_BIB_SYNTAX = [
    "@article{",
    "@string{",
    "@comment{",
    "}",
    "{",
    "=",
    ",",
    '"',
    "\\",
    "\\'e",
    '{\\"u}',
    "$x^2$",
    " and ",
    "\n",
]
_BIB_WORDS = ["title", "author", "doi", "year", "abstract", "key1", "2020", "Smith, J.", "10.1/x", "#", "%", "é", " "]
BIB_PIECES = st.sampled_from([*_BIB_SYNTAX, *_BIB_WORDS])


@FUZZ
@given(st.lists(BIB_PIECES, max_size=120))
def test_any_bibtex_is_read_or_refused(pieces: list[str]) -> None:
    with budget():
        rows = refused_or(lambda: from_bibtex("".join(pieces), "fuzz.bib"), ImportError_)
    for row in rows or []:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in row.items())
        assert "_entry" in row


@settings(FUZZ, max_examples=examples(10))
@given(field=st.sampled_from(["title", "author", "abstract", "journal"]), size=st.integers(1_000_001, 3_000_000))
def test_an_oversized_bibtex_entry_is_refused_quickly(field: str, size: int) -> None:
    unit = "x and " if field == "author" else "x "
    value = unit * (size // len(unit) + 1)
    text = f"@article{{k,\n  {field} = {{{value}}},\n  year = {{2020}}\n}}\n@article{{ok, title = {{Fine}}}}\n"
    with budget(seconds=2.0):
        rows = from_bibtex(text, "big.bib")
    assert [r["_entry"] for r in rows if "_problems" in r] == ["big.bib: entry 'k'"]
    assert any(r.get("title") == "Fine" for r in rows)


RIS_TAGS = st.sampled_from(["TY", "AU", "TI", "T1", "PY", "DO", "JO", "KW", "SP", "EP", "ER", "AB", "ZZ", "", "T"])
RIS_VALUES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@FUZZ
@given(st.lists(st.tuples(RIS_TAGS, st.sampled_from(["  - ", " - ", "  -", ""]), RIS_VALUES), max_size=60))
def test_any_ris_is_read_or_refused(lines: list[tuple[str, str, str]]) -> None:
    text = "\n".join(f"{tag}{sep}{value}" for tag, sep, value in lines)
    with budget():
        rows = refused_or(lambda: from_ris(text, "fuzz.ris"), ImportError_)
    for row in rows or []:
        assert all(isinstance(v, str) for v in row.values())


# -- documents -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checker() -> Checker:
    kb, report = load(REPO)
    assert not report.has_errors
    return Checker(VocabIndex(kb), CheckConfig(max_findings=50))


_DOC_MARKUP = ["# ", "```", "`", "<!-- cxkb-check off -->", "<b>", "</b>", "<script>", "---\nlang: nl\n---\n"]
_DOC_TEXT = ["customer journey", "klantreis", "touchpoint", "NPS", " ", "\n", "\r\n", "\ufeff", "\x00", "é"]
DOC_PIECES = st.sampled_from([*_DOC_MARKUP, *_DOC_TEXT, "http://x.y/z", "a@b.nl"])


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(suffix=st.sampled_from([".md", ".txt", ".html", ".docx"]), pieces=st.lists(DOC_PIECES, max_size=150))
def test_any_document_is_checked_or_refused(checker: Checker, suffix: str, pieces: list[str]) -> None:
    text = "".join(pieces)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        if suffix == ".docx":
            path.write_bytes(_docx(text.split("\n")))
        else:
            path.write_text(text, encoding="utf-8")
        with budget():
            doc = refused_or(lambda: read_document(path, path.name), InputError)
            result = checker.check_document(doc) if doc is not None else None
    if result is not None:
        assert len(result.findings) <= checker.config.max_findings + 1
        assert all(f.line >= 1 and f.column >= 1 for f in result.findings)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_named_docx_are_read_or_refused(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.docx"
        path.write_bytes(b"PK\x03\x04" + raw)
        with budget():
            refused_or(lambda: read_document(path, "x.docx"), InputError)


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{escape(_xml_safe(p))}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))


@FUZZ
@given(
    st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30), max_size=20)
)
def test_docx_paragraphs_come_back_one_per_line(paragraphs: list[str]) -> None:
    paragraphs = [" ".join(p.split()) for p in paragraphs] + ["Slot."]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.docx"
        path.write_bytes(_docx(paragraphs))
        with budget():
            doc = read_document(path, "p.docx")
    assert doc.source.split("\n") == [_xml_safe(p) for p in paragraphs]
