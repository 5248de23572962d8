"""Typed records: what the tables say, once their cells have been parsed.

Everything downstream (graph, queries, book, checker) works on these records, never on
raw CSV, so a cell's meaning is decided in exactly one place. Each record keeps the file
and line it came from so that cross-table checks can still point at a cell.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from cxkb.findings import Report
from cxkb.kg.tables import (
    AMBIGUOUS,
    AUTHORS,
    CONCEPTS,
    DESIGNS,
    DOMAINS,
    FAMILIES,
    PAPERS,
    PRACTICE,
    QUESTIONS,
    SOURCES,
    TOPICS,
    VENUES,
    Row,
    read_table,
)
from cxkb.model import (
    LANGS,
    AmbiguousLabel,
    Concept,
    Design,
    Domain,
    KnowledgeBase,
    Labels,
    Origin,
    Paper,
    Person,
    PracticeOnly,
    Question,
    Source,
    Text,
    Topic,
    Venue,
    WordFamily,
    doi_key,
    normalise_doi,
)

DOI = re.compile(r"^10\.\d{4,9}/[^\s|]+$")
ISBN13 = re.compile(r"^97[89]\d{10}$")
URL = re.compile(r"^https?://[^\s]+$")
YEAR = re.compile(r"^\d{4}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAPER_TYPES = ("article", "book", "chapter", "proceedings", "report")
FAMILY_KINDS = ("family", "question", "narrower", "none")
VENUE_TYPES = ("journal", "book", "proceedings", "series")
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")
MIN_YEAR = 1950


def _origin(row: Row) -> Origin:
    return Origin(row.file, row.line)


def _text(row: Row, stem: str) -> Text:
    return Text(row.get(f"{stem}_en"), row.get(f"{stem}_nl"))


def _labels(row: Row, stem: str) -> Labels:
    return Labels(row.items(f"{stem}_en"), row.items(f"{stem}_nl"))


def _check_single_label(row: Row, column: str, report: Report) -> None:
    if "|" in row.get(column):
        report.error(
            row.file, row.line, column, "one-pref-label", "a concept has exactly one preferred label per language"
        )


def load(root: Path, report: Report | None = None) -> tuple[KnowledgeBase, Report]:
    """Read and parse all tables under ``root``; cross-table rules are in ``validate``."""
    kb, report = load_taxonomy(root, report)
    load_papers(root, kb, report)
    return kb, report


def load_taxonomy(root: Path, report: Report | None = None) -> tuple[KnowledgeBase, Report]:
    """Every table but the papers: small, and all the reasoner needs, so the build reads it first."""
    report = report if report is not None else Report()
    kb = KnowledgeBase()

    for row in read_table(root, DOMAINS, report):
        kb.domains.setdefault(
            row.get("id"),
            Domain(row.get("id"), _text(row, "label"), _text(row, "definition"), row.items("source"), _origin(row)),
        )

    for row in read_table(root, TOPICS, report):
        kb.topics.setdefault(
            row.get("id"),
            Topic(
                row.get("id"),
                row.get("domain"),
                _text(row, "label"),
                _text(row, "definition"),
                row.items("source"),
                _origin(row),
            ),
        )

    for row in read_table(root, DESIGNS, report):
        kb.designs.setdefault(
            row.get("id"),
            Design(row.get("id"), _text(row, "label"), _text(row, "definition"), row.items("source"), _origin(row)),
        )

    for row in read_table(root, QUESTIONS, report):
        kb.questions.setdefault(
            row.get("id"),
            Question(
                row.get("id"),
                row.get("topic"),
                _text(row, "text"),
                row.items("source"),
                row.items("summarised_in"),
                row.get("evidence_gap"),
                _origin(row),
                row.get("text_nl_source"),
            ),
        )

    for row in read_table(root, SOURCES, report):
        lang = row.get("language")
        if lang and lang not in LANGS:
            report.error(row.file, row.line, "language", "bad-value", f"language must be one of {', '.join(LANGS)}")
        _check_date(row, report)
        kb.sources.setdefault(
            row.get("id"),
            Source(
                row.get("id"),
                row.get("title"),
                row.get("author"),
                row.get("outlet"),
                row.get("date"),
                lang,
                _origin(row),
            ),
        )

    for row in read_table(root, CONCEPTS, report):
        _check_single_label(row, "pref_label_en", report)
        _check_single_label(row, "pref_label_nl", report)
        flag = row.get("deprecated").lower()
        if flag not in ("", "true", "false"):
            report.error(row.file, row.line, "deprecated", "bad-value", "deprecated must be 'true', 'false' or empty")
        kb.concepts.setdefault(
            row.get("id"),
            Concept(
                row.get("id"),
                _text(row, "pref_label"),
                _labels(row, "alt_labels"),
                _labels(row, "hidden_labels"),
                _text(row, "definition"),
                _text(row, "scope_note"),
                row.items("topics"),
                row.items("broader"),
                row.items("related"),
                row.items("source"),
                flag == "true",
                row.items("replaced_by"),
                _origin(row),
            ),
        )

    for row in read_table(root, AMBIGUOUS, report, required=False):
        lang = row.get("lang")
        if lang and lang not in LANGS:
            report.error(row.file, row.line, "lang", "bad-value", f"lang must be one of {', '.join(LANGS)}")
        kb.ambiguous.setdefault(
            row.get("id"),
            AmbiguousLabel(
                row.get("id"),
                row.get("label"),
                lang,
                row.items("candidates"),
                _text(row, "note"),
                _origin(row),
                row.items("cues"),
            ),
        )

    for row in read_table(root, PRACTICE, report, required=False):
        kb.practice.setdefault(
            row.get("id"), PracticeOnly(row.get("id"), row.items("source"), _text(row, "note"), _origin(row))
        )

    for row in read_table(root, FAMILIES, report, required=False):
        lang, kind = row.get("lang"), row.get("kind")
        if lang and lang not in LANGS:
            report.error(row.file, row.line, "lang", "bad-value", f"lang must be one of {', '.join(LANGS)}")
        if kind and kind not in FAMILY_KINDS:
            report.error(row.file, row.line, "kind", "bad-value", f"kind must be one of {', '.join(FAMILY_KINDS)}")
        kb.families.setdefault(
            row.get("id"),
            WordFamily(
                row.get("id"),
                row.get("concept"),
                lang,
                kind,
                row.items("forms"),
                row.items("source"),
                _origin(row),
            ),
        )

    return kb, report


def load_papers(root: Path, kb: KnowledgeBase, report: Report) -> None:
    """Read the literature tables (authors, venues, papers) into ``kb``.

    The papers name their authors and venue by id; the display names are resolved here,
    so everything downstream reads ``Paper.authors`` and ``Paper.venue`` as before. An id
    that resolves to nothing is kept as it is (``validate`` reports it at its cell).
    """
    for row in read_table(root, AUTHORS, report):
        kb.persons.setdefault(row.get("id"), _person(row, report))
    for row in read_table(root, VENUES, report):
        kb.venues.setdefault(row.get("id"), _venue(row, report))
    for row in read_table(root, PAPERS, report):
        paper = _paper(row, report, kb)
        if paper is not None:
            kb.papers.setdefault(paper.id, paper)


def _check_name(row: Row, column: str, name: str, report: Report) -> None:
    if ";" in name:
        # The graph keeps a paper's author list as one literal joined with "; " (cx:authors).
        report.error(row.file, row.line, column, "author-syntax", f"{name[:40]!r}: an author name cannot contain ';'")
    if "," not in name:
        report.warning(row.file, row.line, column, "author-format", f"{name!r}: write authors as 'Family, Given'")


def _person(row: Row, report: Report) -> Person:
    _check_name(row, "name", row.get("name"), report)
    for variant in row.items("variants"):
        _check_name(row, "variants", variant, report)
    orcid = row.get("orcid")
    if orcid and not ORCID.match(orcid):
        report.error(row.file, row.line, "orcid", "orcid-syntax", f"{orcid!r} is not an ORCID iD (0000-0000-0000-000X)")
    elif orcid and not orcid_ok(orcid):
        report.error(row.file, row.line, "orcid", "orcid-checksum", f"{orcid!r} has a wrong check digit")
    return Person(row.get("id"), row.get("name"), row.items("variants"), orcid, _origin(row))


def _venue(row: Row, report: Report) -> Venue:
    f, n = row.file, row.line
    issns = row.items("issn")
    for issn in issns:
        if not ISSN.match(issn):
            report.error(f, n, "issn", "issn-syntax", f"{issn!r} is not an ISSN (1234-567X)")
        elif not issn_ok(issn):
            report.error(f, n, "issn", "issn-checksum", f"{issn!r} has a wrong check digit")
    if len(issns) > 2:
        report.error(f, n, "issn", "issn-syntax", "at most two ISSNs: the print one, then the electronic one")
    isbn = row.get("isbn").replace("-", "")
    if isbn and not ISBN13.match(isbn):
        report.error(f, n, "isbn", "isbn-syntax", f"{row.get('isbn')!r} is not an ISBN-13")
    elif isbn and not _isbn13_ok(isbn):
        report.error(f, n, "isbn", "isbn-checksum", f"{row.get('isbn')!r} has a wrong check digit")
    kind = row.get("type")
    if kind and kind not in VENUE_TYPES:
        report.error(f, n, "type", "bad-value", f"type must be one of {', '.join(VENUE_TYPES)}")
    return Venue(row.get("id"), row.get("name"), issns, isbn, kind, row.get("publisher"), _origin(row))


def orcid_ok(orcid: str) -> bool:
    """The ORCID check character (ISO 7064 MOD 11-2) over the first fifteen digits."""
    digits = orcid.replace("-", "")
    total = 0
    for d in digits[:15]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def issn_ok(issn: str) -> bool:
    """The ISSN check character: weights 8..2 over the first seven digits, modulo 11."""
    digits = issn.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def _check_date(row: Row, report: Report) -> None:
    """A source date becomes an xsd:date or xsd:gYear literal, so it must be one of the two."""
    date = row.get("date")
    if not date or YEAR.match(date):
        return
    if ISO_DATE.match(date):
        try:
            _dt.date.fromisoformat(date)
            return
        except ValueError:
            pass
    report.error(
        row.file,
        row.line,
        "date",
        "date-syntax",
        f"{date[:40]!r} is neither a year (2021) nor an ISO date (2021-10-18)",
    )


def _paper(row: Row, report: Report, kb: KnowledgeBase) -> Paper | None:
    f, n = row.file, row.line
    doi = normalise_doi(row.get("doi"))
    if doi != row.get("doi"):
        report.warning(f, n, "doi", "doi-prefix", "write the bare DOI, without resolver prefix")
    if doi and doi.lower() != doi_key(doi):
        report.warning(f, n, "doi", "doi-punctuation", f"{doi!r} ends in punctuation that is not part of the DOI")
    if doi and not DOI.match(doi):
        report.error(f, n, "doi", "doi-syntax", f"{doi!r} is not a DOI (expected 10.<registrant>/<suffix>)")
    isbn = row.get("isbn").replace("-", "")
    if isbn and not ISBN13.match(isbn):
        report.error(f, n, "isbn", "isbn-syntax", f"{row.get('isbn')!r} is not an ISBN-13")
    elif isbn and not _isbn13_ok(isbn):
        report.error(f, n, "isbn", "isbn-checksum", f"{row.get('isbn')!r} has a wrong check digit")
    url = row.get("url")
    if url and not URL.match(url):
        report.error(f, n, "url", "url-syntax", f"{url!r} is not an http(s) URL")
    if not (doi or isbn or url):
        report.error(f, n, "doi", "identifier", "a paper needs a DOI, or an ISBN or stable URL when it has none")
    kind = row.get("type")
    if kind and kind not in PAPER_TYPES:
        report.error(f, n, "type", "bad-value", f"type must be one of {', '.join(PAPER_TYPES)}")
    year_text = row.get("year")
    year = 0
    if year_text:
        if YEAR.match(year_text):
            year = int(year_text)
        else:
            report.error(f, n, "year", "year-syntax", f"{year_text!r} is not a four-digit year")
    author_ids = row.items("authors")
    persons, venues = kb.persons, kb.venues
    venue_id = row.get("venue")
    venue = venues[venue_id].name if venue_id in venues else venue_id
    return Paper(
        row.get("id"),
        doi,
        isbn,
        url,
        kind,
        row.get("title"),
        tuple(persons[a].name if a in persons else a for a in author_ids),
        year,
        venue,
        row.get("volume"),
        row.get("issue"),
        row.get("pages"),
        row.items("topics"),
        row.items("questions"),
        row.items("concepts"),
        row.items("keywords"),
        row.get("note"),
        row.items("designs"),
        row.get("note_nl"),
        author_ids,
        venue_id,
        _origin(row),
    )


def _isbn13_ok(isbn: str) -> bool:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(isbn[:12]))
    return (10 - total % 10) % 10 == int(isbn[12])
