"""Bibliographic formats in and out: BibTeX, RIS, CSL-JSON and Crossref metadata.

Export serves reference managers and the book's citations; import turns what a
contributor's reference manager exports (or what Crossref says about a DOI) into the
cells of a literature-table row, so every route into the table ends in the same checks.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable

from cxkb.model import KnowledgeBase, Paper, normalise_doi

BIBTEX_TYPES = {
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "proceedings": "inproceedings",
    "report": "techreport",
}
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "chapter": "CHAP", "proceedings": "CPAPER", "report": "RPRT"}
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "chapter": "chapter",
    "proceedings": "paper-conference",
    "report": "report",
}
_FROM_BIBTEX = {
    "article": "article",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "inproceedings": "proceedings",
    "conference": "proceedings",
    "techreport": "report",
    "report": "report",
}
_FROM_RIS = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "CPAPER": "proceedings",
    "CONF": "proceedings",
    "RPRT": "report",
}
_FROM_CROSSREF = {
    "journal-article": "article",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "proceedings-article": "proceedings",
    "report": "report",
}


class ImportError_(ValueError):
    """A bibliography file could not be read; the message names the file and entry."""


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------

_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[!?](?=`))")


def _bib_escape(text: str, *, ligatures: bool = False) -> str:
    """Escape LaTeX specials; non-ASCII stays UTF-8 (biber and pybtex read it).

    LaTeX also turns character pairs into other characters (``--`` into an en dash, two
    backquotes into an opening quote, ``!``` into an inverted mark); an empty group between
    them keeps the text as written. ``ligatures=True`` keeps them, for page ranges.
    """
    escaped = "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in text)
    return escaped if ligatures else _LIGATURE.sub(r"\1{}", escaped)


def _bib_name(author: str) -> str:
    """One author for the ``author`` field, which BibTeX splits at every word "and".

    A name that contains the word itself (a corporate author such as "Marketing and
    Sales Group") is braced, the BibTeX way of saying "one name, do not split".
    """
    escaped = _bib_escape(author)
    return "{" + escaped + "}" if re.search(r"\band\b", escaped, re.IGNORECASE) else escaped


def _pages(pages: str) -> str:
    return re.sub(r"\s*[-\u2013]\s*", "--", pages)


def to_bibtex(kb: KnowledgeBase) -> str:
    """All papers as BibTeX, keyed by their table id (stable citation keys for the book)."""
    chunks = []
    for p in sorted(kb.papers.values(), key=lambda p: p.id):
        fields: list[tuple[str, str]] = [
            ("author", " and ".join(_bib_name(a) for a in p.authors)),
            ("title", "{" + _bib_escape(p.title) + "}"),
            ("year", str(p.year)),
        ]
        venue_field = {
            "article": "journal",
            "chapter": "booktitle",
            "proceedings": "booktitle",
            "report": "institution",
        }.get(p.type, "publisher")
        if p.type == "book":
            venue_field = "publisher"
        fields.append((venue_field, _bib_escape(p.venue)))
        for name, value in (("volume", p.volume), ("number", p.issue), ("pages", _pages(p.pages))):
            if value:
                fields.append((name, _bib_escape(value, ligatures=name == "pages")))
        if p.doi:
            fields.append(("doi", p.doi))
        if p.isbn:
            fields.append(("isbn", p.isbn))
        if p.url:
            fields.append(("url", p.url))
        if p.keywords:
            fields.append(("keywords", _bib_escape(", ".join(p.keywords))))
        # No study design here: BibTeX has no field for it, and a made-up one (say ``type``,
        # which biblatex reads as the kind of thesis or report) would be misread or dropped.
        # RIS (M3) and CSL-JSON (genre) carry it.
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        chunks.append(f"@{BIBTEX_TYPES.get(p.type, 'misc')}{{{p.id},\n{body}\n}}\n")
    return "\n".join(chunks)


def design_names(kb: KnowledgeBase, p: Paper) -> list[str]:
    """A paper's study designs by their English labels (the id when the vocabulary lacks it)."""
    return [kb.designs[d].label.en if d in kb.designs else d for d in p.designs]


def _ris_clean(text: str) -> str:
    return " ".join(text.split())


def to_ris(kb: KnowledgeBase) -> str:
    lines: list[str] = []
    for p in sorted(kb.papers.values(), key=lambda p: p.id):
        lines.append(f"TY  - {RIS_TYPES.get(p.type, 'GEN')}")
        lines.append(f"ID  - {p.id}")
        lines.extend(f"AU  - {_ris_clean(a)}" for a in p.authors)
        lines.append(f"TI  - {_ris_clean(p.title)}")
        lines.append(f"PY  - {p.year}")
        lines.append(f"{'T2' if p.type in ('chapter', 'proceedings') else 'JO'}  - {_ris_clean(p.venue)}")
        if p.volume:
            lines.append(f"VL  - {_ris_clean(p.volume)}")
        if p.issue:
            lines.append(f"IS  - {_ris_clean(p.issue)}")
        start, _, end = _pages(p.pages).partition("--")
        if start:
            lines.append(f"SP  - {start}")
        if end:
            lines.append(f"EP  - {end}")
        if p.doi:
            lines.append(f"DO  - {p.doi}")
        if p.isbn:
            lines.append(f"SN  - {p.isbn}")
        if p.url:
            lines.append(f"UR  - {p.url}")
        lines.extend(f"KW  - {_ris_clean(k)}" for k in p.keywords)
        if p.designs:  # M3 is RIS's "type of work", where Zotero and EndNote keep a study's kind
            lines.append(f"M3  - {_ris_clean('; '.join(design_names(kb, p)))}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def _csl_name(author: str) -> dict[str, str]:
    family, _, given = author.partition(",")
    return {"family": family.strip(), "given": given.strip()} if given else {"literal": author.strip()}


def to_csljson(kb: KnowledgeBase) -> str:
    items = []
    for p in sorted(kb.papers.values(), key=lambda p: p.id):
        item: dict[str, object] = {
            "id": p.id,
            "type": CSL_TYPES.get(p.type, "document"),
            "title": p.title,
            "author": [_csl_name(a) for a in p.authors],
            "issued": {"date-parts": [[p.year]]},
            "container-title": p.venue,
        }
        for key, value in (
            ("volume", p.volume),
            ("issue", p.issue),
            ("page", p.pages),
            ("DOI", p.doi),
            ("ISBN", p.isbn),
            ("URL", p.url),
        ):
            if value:
                item[key] = value
        if p.keywords:
            item["keyword"] = ", ".join(p.keywords)
        if p.designs:  # CSL's "genre": the type or sub-type of a work
            item["genre"] = "; ".join(design_names(kb, p))
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_csv(kb: KnowledgeBase) -> str:
    """The literature as a CSV file, one column per field of the literature table."""
    import csv
    import io

    rows = [paper_cells(p) for p in sorted(kb.papers.values(), key=lambda p: p.id)]
    buf = io.StringIO()
    columns = list(rows[0]) if rows else ["id"]
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


EXPORTERS = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csljson, "csv": to_csv}


# ---------------------------------------------------------------------------------------
# Import: each function returns table cells (strings) for candidate rows.
# ---------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text))  # Crossref titles may carry JATS tags
    return " ".join(unicodedata.normalize("NFC", text).split())


def _author(family: str, given: str) -> str:
    family, given = _clean(family), _clean(given)
    return f"{family}, {given}" if given else family


def _cells(**values: str | Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        out[key] = "|".join(v for v in value if v) if not isinstance(value, str) else value
    return out


def from_crossref(message: dict) -> dict[str, str]:
    """Cells from a Crossref ``/works/{doi}`` response's ``message`` object."""
    title = _clean(" ".join(message.get("title") or []))
    subtitle = _clean(" ".join(message.get("subtitle") or []))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    authors = [
        _author(a.get("family", ""), a.get("given", "")) or _clean(a.get("name", ""))
        for a in message.get("author") or []
    ]
    year = ""
    for key in ("published-print", "published", "issued", "published-online"):
        parts = (message.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            year = str(parts[0][0])
            break
    venue = _clean(" ".join((message.get("container-title") or [])[:1]))
    isbn = next(
        (re.sub(r"[^0-9X]", "", i) for i in message.get("ISBN") or [] if len(re.sub(r"[^0-9X]", "", i)) == 13), ""
    )
    return _cells(
        doi=normalise_doi(message.get("DOI", "")),
        isbn=isbn if not message.get("DOI") else "",
        type=_FROM_CROSSREF.get(message.get("type", ""), "article"),
        title=title,
        authors=authors,
        year=year,
        venue=venue or _clean(message.get("publisher", "")),
        volume=_clean(message.get("volume", "")),
        issue=_clean(message.get("issue", "")),
        pages=_clean(message.get("page", "")).replace("\u2013", "-"),
        keywords=[_clean(s).lower() for s in message.get("subject") or []],
    ) | {"_issn": "|".join(_crossref_issns(message))}


def _crossref_issns(message: dict) -> list[str]:
    """The journal's ISSNs, print first, as the venues table keeps them."""
    typed = {
        t.get("type"): _clean(str(t.get("value", ""))) for t in message.get("issn-type") or [] if isinstance(t, dict)
    }
    if typed:
        return [typed[k] for k in ("print", "electronic") if typed.get(k)]
    return [_clean(str(i)) for i in message.get("ISSN") or []][:2]


MAX_TITLE = 1000
"""Characters a title may have (the table contract's limit for the title column)."""
MAX_AUTHORS = 500
"""Names an author list may have (the contract's limit on the authors column)."""
MAX_FIELD = 5000
"""Characters any other field that is kept may have, before LaTeX is decoded."""
_USED_BIBTEX = frozenset(
    {"author", "editor", "title", "journal", "journaltitle", "booktitle", "publisher", "doi", "isbn", "url"}
    | {"year", "volume", "number", "issue", "pages", "keywords"}
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _field_problems(fields: dict[str, str]) -> list[tuple[str, str, str]]:
    """(column, rule, message) for fields over the limits, checked on the raw text.

    LaTeX decoding and name splitting grow faster than the text (a 10 MB title took more
    than ten minutes), so sizes are judged first and an oversized entry is never decoded.
    """
    problems = []
    title = fields.get("title", "")
    if len(title) > MAX_TITLE:
        problems.append(
            ("title", "cell-too-long", f"title is {len(title):,} characters, over the limit of {MAX_TITLE:,}")
        )
    for key in ("author", "editor"):
        names = fields.get(key, "")
        if len(names) > MAX_AUTHORS * 200 or (names and len(_AND.split(names)) > MAX_AUTHORS):
            count = len(_AND.split(names))
            problems.append(
                ("authors", "too-many-values", f"{key} lists {count:,} names, over the limit of {MAX_AUTHORS:,}")
            )
    for key, value in fields.items():
        if key not in ("title", "author", "editor") and len(value) > MAX_FIELD:
            problems.append(
                (key, "cell-too-long", f"field {key!r} is {len(value):,} characters, over the limit of {MAX_FIELD:,}")
            )
    return problems


MAX_ENTRY = 1_000_000
"""Characters one BibTeX entry may have; a larger one is refused without being parsed."""
_ENTRY_START = re.compile(r"^[ \t]*@", re.MULTILINE)
_ENTRY_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]*)")
_FIELD_NAME = re.compile(r"[,{(]\s*([A-Za-z][\w-]*)\s*=")
_COLUMN_OF = {"author": "authors", "editor": "authors"}


def _set_aside_oversized(text: str, source: str) -> tuple[str, list[dict[str, str]]]:
    """The text without entries over ``MAX_ENTRY`` characters, and a refused row for each of them.

    bibtexparser's splitter takes seconds for a field of a few megabytes, so such entries
    are cut out first (by where entries start, a linear scan) and replaced by as many line
    breaks, which keeps the line numbers of the rest. The refusal names the longest field.
    """
    if len(text) <= MAX_ENTRY:
        return text, []
    starts = [m.start() for m in _ENTRY_START.finditer(text)] + [len(text)]
    kept: list[str] = [text[: starts[0]]]
    refused: list[dict[str, str]] = []
    for begin, end in itertools.pairwise(starts):
        if end - begin <= MAX_ENTRY:
            kept.append(text[begin:end])
            continue
        chunk = text[begin:end]
        kept.append("\n" * chunk.count("\n"))
        key = _ENTRY_KEY.match(chunk)
        fields = [(m.start(), m.group(1).lower()) for m in _FIELD_NAME.finditer(chunk)] + [(len(chunk), "")]
        spans = [(after - at, name) for (at, name), (after, _) in itertools.pairwise(fields)]
        size, field = max(spans, default=(len(chunk), ""))
        column = _COLUMN_OF.get(field, field)
        message = (
            f"entry is {len(chunk):,} characters, over the limit of {MAX_ENTRY:,}"
            + (f"; its field {field!r} alone is {size:,}" if field else "")
            + ": not read"
        )
        label = f"{source}: entry '{key.group(1) if key else '?'}'"
        refused.append({"_entry": label, "_problems": json.dumps([(column, "cell-too-long", message)])})
    return "".join(kept), refused


def from_bibtex(text: str, source: str) -> list[dict[str, str]]:
    """Cells from a BibTeX export; entries with oversized fields come back empty, with ``_problems``.

    Only the fields cxkb uses are kept (an abstract or a file list is dropped unread), and
    LaTeX is decoded only in entries that are within the limits.
    """
    import bibtexparser
    from bibtexparser import middlewares as mw
    from bibtexparser.library import Library

    text, oversized = _set_aside_oversized(text, source)
    parsed = bibtexparser.parse_string(text)
    if parsed.failed_blocks:
        block = parsed.failed_blocks[0]
        raise ImportError_(f"{source}:{block.start_line + 1}: cannot parse this BibTeX entry")
    rows: list[dict[str, str]] = []
    fine = []
    for entry in parsed.entries:
        label = f"{source}: entry '{entry.key}'"
        raw = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        problems = _field_problems({k: v for k, v in raw.items() if k in _USED_BIBTEX})
        if problems:
            rows.append({"_entry": label, "_problems": json.dumps(problems)})
            continue
        for key in [k for k in entry.fields_dict if k.lower() not in _USED_BIBTEX]:
            entry.pop(key)
        rows.append({"_entry": label})
        fine.append((len(rows) - 1, entry))
    rows.extend(oversized)
    library = Library(blocks=[entry for _, entry in fine])
    for middleware in (mw.LatexDecodingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()):
        library = middleware.transform(library)
    for (position, _), entry in zip(fine, library.entries, strict=True):
        rows[position] = _bibtex_cells(entry) | rows[position]
    return rows


def _bibtex_cells(entry: object) -> dict[str, str]:
    f = {k.lower(): v.value for k, v in entry.fields_dict.items()}  # type: ignore[attr-defined]
    names = f.get("author") or f.get("editor") or []
    authors = [_author(" ".join([*n.von, *n.last]), " ".join(n.first + n.jr)) for n in names]
    venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle") or f.get("publisher") or ""
    keywords = [k.strip().lower() for k in re.split(r"[;,]", str(f.get("keywords", ""))) if k.strip()]
    return _cells(
        doi=normalise_doi(str(f.get("doi", ""))),
        isbn=re.sub(r"[^0-9X]", "", str(f.get("isbn", ""))),
        url=str(f.get("url", "")) if not f.get("doi") else "",
        type=_FROM_BIBTEX.get(entry.entry_type.lower(), "article"),  # type: ignore[attr-defined]
        title=_clean(str(f.get("title", ""))),
        authors=authors,
        year=str(f.get("year", ""))[:4],
        venue=_clean(str(venue)),
        volume=str(f.get("volume", "")),
        issue=str(f.get("number", f.get("issue", ""))),
        pages=re.sub(r"\s*(--|\u2013)\s*", "-", str(f.get("pages", ""))),
        keywords=keywords,
    )


def from_ris(text: str, source: str) -> list[dict[str, str]]:
    import rispy

    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises plain exceptions on malformed files
        raise ImportError_(f"{source}: cannot parse RIS: {exc}") from exc
    rows: list[dict[str, str]] = []
    for number, e in enumerate(entries, start=1):
        label = f"{source}: record {number}"
        names = e.get("authors") or e.get("first_authors") or []
        raw_title = str(e.get("title") or e.get("primary_title") or "")
        problems = []
        if len(raw_title) > MAX_TITLE:
            message = f"title is {len(raw_title):,} characters, over the limit of {MAX_TITLE:,}"
            problems.append(("title", "cell-too-long", message))
        if len(names) > MAX_AUTHORS:
            message = f"the record lists {len(names):,} authors, over the limit of {MAX_AUTHORS:,}"
            problems.append(("authors", "too-many-values", message))
        if problems:
            rows.append({"_entry": label, "_problems": json.dumps(problems), "isbn": ""})
            continue
        authors = [_clean(a) for a in names]
        title = _clean(e.get("title") or e.get("primary_title") or "")
        venue = (
            e.get("journal_name") or e.get("secondary_title") or e.get("alternate_title3") or e.get("publisher") or ""
        )
        start, end = e.get("start_page", ""), e.get("end_page", "")
        year = str(e.get("year") or e.get("publication_year") or "")[:4]
        rows.append(
            _cells(
                doi=normalise_doi(e.get("doi", "")),
                isbn=re.sub(r"[^0-9X]", "", e.get("issn", "") or ""),
                url="" if e.get("doi") else (e.get("urls") or [""])[0],
                type=_FROM_RIS.get(e.get("type_of_reference", ""), "article"),
                title=title,
                authors=authors,
                year=year,
                venue=_clean(venue),
                volume=e.get("volume", ""),
                issue=e.get("number", ""),
                pages=f"{start}-{end}" if start and end else start,
                keywords=[k.strip().lower() for k in e.get("keywords") or []],
            )
            | {"_entry": label}
        )
    for row in rows:
        if len(row.get("isbn", "")) != 13:
            row["isbn"] = ""
    return rows


def paper_cells(p: Paper) -> dict[str, str]:
    """A record back as table cells (the inverse of reading a row): authors and venue as ids."""
    return _cells(
        id=p.id,
        doi=p.doi,
        isbn=p.isbn,
        url=p.url,
        type=p.type,
        title=p.title,
        authors=p.author_ids,
        year=str(p.year) if p.year else "",
        venue=p.venue_id,
        volume=p.volume,
        issue=p.issue,
        pages=p.pages,
        topics=p.topics,
        questions=p.questions,
        concepts=p.concepts,
        keywords=p.keywords,
        note=p.note,
        note_nl=p.note_nl,
        designs=p.designs,
    )
