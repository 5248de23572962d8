"""Adding papers to the literature table, the way a contributor's pull request should.

Whatever the route (a DOI looked up in Crossref, a BibTeX or RIS export, or flags), a new
row passes the same quality gate as the whole table, duplicates are refused, and the table
is rewritten in canonical order so the pull-request diff is just the new lines.
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
from cxkb.kg.records import KnowledgeBase, doi_key
from cxkb.kg.tables import PAPERS, render_table
from cxkb.kg.validate import TitleIndex, load_and_validate, title_key

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
        fresh.append(cells | {"_entry": label})
    if not fresh:
        return result

    rows = [paper_cells(p) for p in kb.papers.values()]
    text = render_table(PAPERS, rows + [{k: v for k, v in c.items() if not k.startswith("_")} for c in fresh])
    new_report = _validate_with(root, text)
    new_ids = {c["id"]: c["_entry"] for c in fresh}
    lines = _lines_of(text, set(new_ids))
    for f in new_report.findings:
        if f.file == PAPERS.path and f.row in lines:
            ident = lines[f.row]
            result.report.findings.append(
                Finding(PAPERS.path, 0, f.column, f.level, f.rule, f"{new_ids[ident]} ({ident}): {f.message}")
            )
        elif f.level is Level.ERROR:
            result.report.findings.append(f)
    if result.report.has_errors:
        return result
    result.added = list(new_ids)
    if not dry_run:
        from cxkb.atomic import atomic_write_text

        atomic_write_text(root / PAPERS.path, text)
        result.written = True
    return result


def _lines_of(text: str, ids: set[str]) -> dict[int, str]:
    """Line number -> id for the given ids in a rendered table (one row per line)."""
    out = {}
    for number, line in enumerate(text.splitlines(), start=1):
        ident = line.split(",", 1)[0]
        if ident in ids:
            out[number] = ident
    return out


def _validate_with(root: Path, papers_text: str) -> Report:
    """Validate the knowledge base as it would be with ``papers_text`` as the literature table."""
    with tempfile.TemporaryDirectory(prefix="cxkb-add-") as tmp:
        shadow = Path(tmp)
        shutil.copytree(root / "ontology" / "tables", shadow / "ontology" / "tables")
        (shadow / "literature").mkdir()
        (shadow / PAPERS.path).write_text(papers_text, encoding="utf-8")
        _kb, report = load_and_validate(shadow)
    return report
