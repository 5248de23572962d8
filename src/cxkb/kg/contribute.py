"""Adding papers to the literature table, the way a contributor's pull request should.

Whatever the route (a DOI looked up in Crossref, a BibTeX or RIS export, or flags), a new
row passes the same quality gate as the whole table, duplicates are refused, and the table
is rewritten in canonical order so the pull-request diff is just the new lines.

Imports name authors and venues; the table refers to them by id. Each name is resolved to
an existing person (one of their spellings, or the one person with a compatible spelling)
or venue (the same name once "&"/"and", case and punctuation are set aside, or an ISSN),
and what resolves to nothing becomes a new row of authors.csv or venues.csv. The three
files are written together or not at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cxkb.bibliography import paper_cells
from cxkb.findings import Finding, Level, Report
from cxkb.kg.people import Resolver, person_id, venue_id
from cxkb.kg.records import KnowledgeBase, doi_key
from cxkb.kg.tables import AUTHORS, PAPERS, SEPARATOR, VENUES, TableSpec, render_table, split_cell
from cxkb.kg.validate import TitleIndex, load_and_validate, title_key
from cxkb.model import Person, Venue

CROSSREF_URL = "https://api.crossref.org"
TITLE_SIMILARITY = 92.0
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "and", "to", "for", "de", "het", "een"}


class OfflineError(RuntimeError):
    """Crossref could not be reached."""


class NotFoundError(LookupError):
    """Crossref does not know the DOI."""


def crossref_url() -> str:
    """Base URL of the Crossref API; ``CXKB_CROSSREF_URL`` points it elsewhere (tests, mirrors)."""
    return os.environ.get("CXKB_CROSSREF_URL", CROSSREF_URL).rstrip("/")


def fetch_crossref(doi: str, *, base_url: str | None = None, timeout: float = 10.0) -> dict:
    """The ``message`` of Crossref's record for ``doi``."""
    url = f"{base_url or crossref_url()}/works/{urllib.parse.quote(doi, safe='')}"
    request = urllib.request.Request(
        url, headers={"User-Agent": "cxkb (literature table tool)", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NotFoundError(f"Crossref has no record for DOI {doi}") from exc
        raise OfflineError(f"Crossref answered HTTP {exc.code} for DOI {doi}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OfflineError(
            f"cannot reach Crossref ({exc}); you seem to be offline. Export the paper from your reference "
            "manager and use --bibtex or --ris, or give the fields as flags"
        ) from exc
    except json.JSONDecodeError as exc:
        raise OfflineError(f"Crossref sent something that is not JSON for DOI {doi}") from exc
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise OfflineError(f"unexpected Crossref response for DOI {doi}")
    return message


def id_suffix(number: int) -> str:
    """The ``number``-th letter suffix (1 = ``a``, 26 = ``z``, 27 = ``aa``, 28 = ``ab`` …): bijective base 26.

    Only lower-case letters, so an id with a suffix still matches the id pattern, however
    many papers share an author, a year and a first word.
    """
    letters = []
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters.append(chr(ord("a") + rest))
    return "".join(reversed(letters))


def make_id(cells: dict[str, str], taken: set[str]) -> str:
    """``<family name><year><first significant title word>``; if taken, ``b``, ``c`` … ``z``, ``aa``, ``ab`` … added.

    The bare id counts as the ``a`` of its series, so the second paper gets ``b``.
    ``cells["authors"]`` holds names here ('Family, Given'), before they become ids.
    """
    first_author = cells.get("authors", "").split("|")[0]
    family = _ascii(first_author.partition(",")[0])
    words = [w for w in _ascii(cells.get("title", "")).split() if w not in _STOPWORDS]
    base = f"{family.replace(' ', '')}{cells.get('year', '')}{words[0] if words else ''}"
    base = re.sub(r"[^a-z0-9]", "", base) or "paper"
    if not base[0].isalpha():
        base = "p" + base
    candidate, number = base, 2
    while candidate in taken:
        candidate = base + id_suffix(number)
        number += 1
    return candidate


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())


class Duplicates:
    """The DOIs and titles already taken, by the table or by earlier entries of the same import.

    Both checks are lookups (a dictionary of DOI keys, a :class:`TitleIndex` of title keys),
    so an import costs about the same per entry however large it or the table is.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.dois: dict[str, str] = {}
        self.titles: TitleIndex[str] = TitleIndex(TITLE_SIMILARITY)
        for p in kb.papers.values():
            if p.doi:
                self.dois.setdefault(doi_key(p.doi), f"already in the table as {p.id!r}")
            self.titles.add(title_key(p.title), f"{p.id!r} ({p.title!r})")

    def reason(self, cells: dict[str, str]) -> str | None:
        """Why ``cells`` duplicates a paper seen before (same DOI or near-identical title), if it does."""
        doi = doi_key(cells.get("doi", ""))
        if doi and doi in self.dois:
            return f"DOI {cells['doi']} is {self.dois[doi]}"
        near = self.titles.find(title_key(cells.get("title", "")))
        if near is not None:
            other, score = near
            return f"title is near-identical (similarity {score:.1f}) to {other}"
        return None

    def add(self, cells: dict[str, str], label: str) -> None:
        doi = doi_key(cells.get("doi", ""))
        if doi:
            self.dois.setdefault(doi, f"also {label}, earlier in the input")
        self.titles.add(title_key(cells.get("title", "")), f"{label}, earlier in the input")


def find_duplicate(kb: KnowledgeBase, cells: dict[str, str]) -> str | None:
    """Why ``cells`` duplicates an existing paper (same DOI or near-identical title), if it does."""
    return Duplicates(kb).reason(cells)


def field_problems(cells: dict[str, str]) -> list[tuple[str, str, str]]:
    """(column, rule, message) for cells over the table contract's limits (checked before anything else)."""
    problems = []
    for column in PAPERS.columns:
        value = cells.get(column.name, "")
        if len(value) > column.max_length:
            message = f"{column.name} is {len(value):,} characters, over the limit of {column.max_length:,}"
            problems.append((column.name, "cell-too-long", message))
        elif column.max_items and value.count("|") >= column.max_items:
            message = f"{column.name} has {value.count('|') + 1:,} values, over the limit of {column.max_items:,}"
            problems.append((column.name, "too-many-values", message))
    return problems


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    written: bool = False


def add_papers(root: Path, candidates: list[dict[str, str]], *, dry_run: bool = False) -> AddResult:
    """Validate ``candidates`` together with the table and write them if nothing is wrong.

    Every candidate is checked; if any has an error (or is a duplicate) the table stays
    untouched, so a contributor fixes everything in one go and never commits half.
    """
    result = AddResult()
    kb, report = load_and_validate(root)
    if report.has_errors:
        result.report = report
        return result
    taken = set(kb.papers)
    seen = Duplicates(kb)
    people = People(kb)
    fresh: list[dict[str, str]] = []
    for cand in candidates:
        cells = {k: v.strip() for k, v in cand.items() if not k.startswith("_")}
        label = cand.get("_entry", "new paper")
        problems = [tuple(p) for p in json.loads(cand.get("_problems", "[]"))] or field_problems(cells)
        if problems:
            for column, rule, message in problems:
                result.report.error(PAPERS.path, 0, column, rule, f"{label}: {message}")
            result.refused.append(f"{label}: {problems[0][2]}")
            continue
        reason = seen.reason(cells)
        if reason:
            result.refused.append(f"{label}: {reason}")
            result.report.error(PAPERS.path, 0, "", "duplicate", f"{label}: {reason}")
            continue
        seen.add(cells, label)
        cells["id"] = cells.get("id") or make_id(cells, taken)
        taken.add(cells["id"])
        cells["authors"] = people.author_ids(cells.get("authors", ""))
        cells["venue"] = people.venue_id(cells, cand.get("_issn", ""))
        fresh.append(cells | {"_entry": label})
    if not fresh:
        return result

    rows = [paper_cells(p) for p in kb.papers.values()]
    text = render_table(PAPERS, rows + [{k: v for k, v in c.items() if not k.startswith("_")} for c in fresh])
    texts = {PAPERS: text}
    if people.persons:
        persons = [*kb.persons.values(), *people.persons]
        texts[AUTHORS] = render_table(AUTHORS, [person_cells(p) for p in persons])
    if people.venues:
        venues = [*kb.venues.values(), *people.venues]
        texts[VENUES] = render_table(VENUES, [venue_cells(v) for v in venues])
    new_report = _validate_with(root, texts)
    new_ids = {c["id"]: c["_entry"] for c in fresh}
    lines = {
        PAPERS.path: _lines_of(text, set(new_ids)),
        AUTHORS.path: _lines_of(texts.get(AUTHORS, ""), {p.id for p in people.persons}),
        VENUES.path: _lines_of(texts.get(VENUES, ""), {v.id for v in people.venues}),
    }
    for f in new_report.findings:
        ident = lines.get(f.file, {}).get(f.row)
        if ident is not None:
            what = f"{new_ids[ident]} ({ident})" if f.file == PAPERS.path else f"new row {ident!r}"
            result.report.findings.append(Finding(f.file, 0, f.column, f.level, f.rule, f"{what}: {f.message}"))
        elif f.level is Level.ERROR:
            result.report.findings.append(f)
    if result.report.has_errors:
        return result
    result.added = list(new_ids)
    if not dry_run:
        write_together(root, texts)
        result.written = True
    return result


# A new paper's venue gets the venue type its paper type implies.
_VENUE_TYPE = {
    "article": "journal",
    "chapter": "book",
    "book": "book",
    "proceedings": "proceedings",
    "report": "series",
}


class People:
    """Turns the author names and venue of new rows into ids, making the rows that are missing."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.resolver = Resolver(kb)
        self.persons: list[Person] = []
        self.venues: list[Venue] = []

    def author_ids(self, cell: str) -> str:
        ids = []
        for name in split_cell(cell):
            found = name if name in self.kb.persons else self.resolver.person(name)
            if found is None:
                person = Person(self.resolver.new_id(person_id(name)), name)
                self.resolver.add_person(person)
                self.persons.append(person)
                found = person.id
            ids.append(found)
        return SEPARATOR.join(dict.fromkeys(ids))

    def venue_id(self, cells: dict[str, str], issns: str) -> str:
        name = cells.get("venue", "")
        if not name or name in self.kb.venues:
            return name
        issn = split_cell(issns)
        found = self.resolver.venue(name, issn)
        if found is None:
            venue = Venue(
                self.resolver.new_id(venue_id(name)), name, issn, "", _VENUE_TYPE.get(cells.get("type", ""), "journal")
            )
            self.resolver.add_venue(venue)
            self.venues.append(venue)
            found = venue.id
        return found


def person_cells(p: Person) -> dict[str, str]:
    return {"id": p.id, "name": p.name, "variants": SEPARATOR.join(p.variants), "orcid": p.orcid}


def venue_cells(v: Venue) -> dict[str, str]:
    return {
        "id": v.id,
        "name": v.name,
        "issn": SEPARATOR.join(v.issn),
        "isbn": v.isbn,
        "type": v.type,
        "publisher": v.publisher,
    }


def write_together(root: Path, texts: dict[TableSpec, str]) -> None:
    """Replace the tables with ``texts``: all of them, or (on any failure) none.

    Each new text is staged beside its table and synced first; then the tables are
    renamed into place one after the other, and a failure half-way puts the old texts
    back.
    """
    staged: list[tuple[Path, Path, bytes | None]] = []
    try:
        for spec, text in texts.items():
            path = root / spec.path
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((Path(tmp), path, path.read_bytes() if path.exists() else None))
        done: list[tuple[Path, bytes | None]] = []
        try:
            for tmp, path, old in staged:
                os.replace(tmp, path)
                done.append((path, old))
        except BaseException:
            from cxkb.atomic import atomic_write_bytes

            for path, old in reversed(done):
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write_bytes(path, old)
            raise
    finally:
        for tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)


def _lines_of(text: str, ids: set[str]) -> dict[int, str]:
    """Line number -> id for the given ids in a rendered table (one row per line)."""
    out = {}
    for number, line in enumerate(text.splitlines(), start=1):
        ident = line.split(",", 1)[0]
        if ident in ids:
            out[number] = ident
    return out


def _validate_with(root: Path, texts: dict[TableSpec, str]) -> Report:
    """Validate the knowledge base as it would be with ``texts`` as its literature tables."""
    with tempfile.TemporaryDirectory(prefix="cxkb-add-") as tmp:
        shadow = Path(tmp)
        shutil.copytree(root / "ontology" / "tables", shadow / "ontology" / "tables")
        (shadow / "literature").mkdir()
        for spec in (AUTHORS, VENUES):
            if (root / spec.path).is_file():
                shutil.copyfile(root / spec.path, shadow / spec.path)
        for spec, text in texts.items():
            (shadow / spec.path).write_text(text, encoding="utf-8")
        _kb, report = load_and_validate(shadow)
    return report
