"""Adding papers (Crossref on loopback, BibTeX, RIS, flags), exports and the review diff."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import built, edit
from cxkb.bibliography import from_bibtex, from_ris, to_bibtex, to_csljson, to_ris
from cxkb.cli import app
from cxkb.kg.contribute import make_id
from cxkb.kg.diff import load_revision, summarise
from cxkb.kg.records import load

FIX = Path(__file__).resolve().parent / "fixtures" / "bibliography"
PAPERS = "literature/papers.csv"
runner = CliRunner()


class _Crossref(BaseHTTPRequestHandler):
    """Serves the stored Crossref record for one DOI and 404 for every other."""

    record = json.loads((FIX / "crossref-patricio2011.json").read_text(encoding="utf-8"))

    def do_GET(self) -> None:
        if self.path == "/works/10.1177%2F1094670511401901":
            body = json.dumps(self.record).encode()
            self.send_response(200)
        else:
            body = b'"Resource not found."'
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def crossref(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Crossref)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("CXKB_CROSSREF_URL", url)
    yield url
    server.shutdown()


def _flags() -> list[str]:
    return [
        "--topic",
        "customer-emotions",
        "--keyword",
        "service design",
        "--note",
        "A three-level method that links the service concept, the service system and each encounter.",
        "--note-nl",
        "Een methode op drie niveaus die het dienstconcept, het dienstsysteem en elk contact verbindt.",
        "--design",
        "case",
    ]


def test_add_from_crossref_on_loopback(mini_root: Path, crossref: str) -> None:
    before = (mini_root / PAPERS).read_text()
    result = runner.invoke(app, ["add", "10.1177/1094670511401901", "--root", str(mini_root), *_flags()])
    assert result.exit_code == 0, result.output
    assert "added patricio2011multilevel" in result.output
    kb, _ = load(mini_root)
    p = kb.papers["patricio2011multilevel"]
    assert p.authors == ("Patrício, Lia", "Fisk, Raymond P.", "Falcão e Cunha, João", "Constantine, Larry")
    assert (p.venue, p.volume, p.issue, p.pages, p.year) == ("Journal of Service Research", "14", "2", "180-200", 2011)
    assert "marketing" in p.keywords and "service design" in p.keywords
    # Canonical order: the new row is inserted between the old ones; old lines are untouched.
    after = (mini_root / PAPERS).read_text().splitlines()
    assert [line for line in after if not line.startswith("patricio")] == before.splitlines()
    assert [line.split(",")[0] for line in after[1:]] == sorted(line.split(",")[0] for line in after[1:])


def test_add_unknown_doi_and_offline(mini_root: Path, crossref: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["add", "10.9999/none", "--root", str(mini_root), *_flags()])
    assert result.exit_code == 2
    assert "no record" in result.output
    monkeypatch.setenv("CXKB_CROSSREF_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    result = runner.invoke(app, ["add", "10.1177/1094670511401901", "--root", str(mini_root), *_flags()])
    assert result.exit_code == 2
    assert "offline" in result.output and "--bibtex" in result.output


def test_add_from_bibtex_zotero_export(mini_root: Path) -> None:
    rows = from_bibtex((FIX / "bitner2008.bib").read_text(), "bitner2008.bib")
    assert rows[0]["authors"] == "Bitner, Mary Jo|Ostrom, Amy L.|Morgan, Felicia N."
    assert rows[0]["title"] == "Service Blueprinting: A Practical Technique for Service Innovation"
    assert (rows[0]["doi"], rows[0]["pages"], rows[0]["venue"]) == (
        "10.2307/41166446",
        "66-94",
        "California Management Review",
    )
    result = runner.invoke(app, ["add", "--bibtex", str(FIX / "bitner2008.bib"), "--root", str(mini_root), *_flags()])
    assert result.exit_code == 0, result.output
    assert "bitner2008service" in load(mini_root)[0].papers


def test_add_from_ris_mendeley_export(mini_root: Path) -> None:
    rows = from_ris((FIX / "zomerdijk2010.ris").read_text(), "zomerdijk2010.ris")
    assert rows[0]["authors"] == "Zomerdijk, Leonieke G.|Voss, Christopher A."
    assert (rows[0]["pages"], rows[0]["year"], rows[0]["issue"]) == ("67-82", "2010", "1")
    result = runner.invoke(app, ["add", "--ris", str(FIX / "zomerdijk2010.ris"), "--root", str(mini_root), *_flags()])
    assert result.exit_code == 0, result.output
    assert load(mini_root)[0].papers["zomerdijk2010service"].venue == "Journal of Service Research"


def test_add_from_flags(mini_root: Path) -> None:
    args = [
        "add",
        "10.1177/1094670509351960",
        "--offline",
        "--title",
        "Service Design for Experience-Centric Services",
        "--author",
        "Zomerdijk, Leonieke G.",
        "--author",
        "Voss, Christopher A.",
        "--year",
        "2010",
        "--venue",
        "Journal of Service Research",
        "--root",
        str(mini_root),
        *_flags(),
    ]
    assert runner.invoke(app, args).exit_code == 0
    assert load(mini_root)[0].papers["zomerdijk2010service"].authors[1] == "Voss, Christopher A."


BAD = [
    ("missing title", {"title": ""}, "'title' is required"),
    ("malformed DOI", {"doi": "10.11/ bad"}, "is not a DOI"),
    ("unknown topic", {"topics": "customer-moods"}, "unknown topic 'customer-moods'"),
    ("year in the future", {"year": "2999"}, "outside"),
]


@pytest.mark.parametrize(("name", "change", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_entry_is_refused(mini_root: Path, name: str, change: dict[str, str], words: str) -> None:
    from cxkb.kg.contribute import add_papers

    before = (mini_root / PAPERS).read_bytes()
    cand = {
        "doi": "10.1177/1094670509351960",
        "type": "article",
        "title": "Service Design for Experience-Centric Services",
        "authors": "Zomerdijk, Leonieke G.|Voss, Christopher A.",
        "year": "2010",
        "venue": "Journal of Service Research",
        "topics": "customer-emotions",
        "keywords": "service design",
        "note": "Shows how experience-centric services are designed.",
    } | change
    result = add_papers(mini_root, [cand])
    assert result.report.has_errors and not result.written
    assert any(words in f.message for f in result.report.findings), [f.format() for f in result.report.findings]
    assert (mini_root / PAPERS).read_bytes() == before


def test_duplicates_are_refused(mini_root: Path) -> None:
    from cxkb.kg.contribute import add_papers

    before = (mini_root / PAPERS).read_bytes()
    same_doi = {
        "doi": "10.1509/JM.15.0420",
        "title": "Anything",
        "authors": "X, Y",
        "year": "2016",
        "venue": "V",
        "type": "article",
        "topics": "customer-emotions",
        "keywords": "k",
        "note": "n",
    }
    near_title = same_doi | {
        "doi": "10.1/other",
        "title": "Understanding customer experience throughout the customer-journey.",
    }
    for cand, words in ((same_doi, "already in the table"), (near_title, "near-identical")):
        result = add_papers(mini_root, [cand])
        assert any(words in r for r in result.refused)
        assert (mini_root / PAPERS).read_bytes() == before


def test_make_id_is_unique_and_ascii() -> None:
    cells = {"authors": "Čaić, Martina|Odekerken-Schröder, Gaby", "year": "2018", "title": "The Service robots"}
    assert make_id(cells, set()) == "caic2018service"
    assert make_id(cells, {"caic2018service"}) == "caic2018serviceb"


def test_exports(mini_root: Path) -> None:
    kb, _ = load(mini_root)
    bib = to_bibtex(kb)
    assert bib.count("@article{") == 3 and "pages = {69--96}" in bib
    back = from_bibtex(bib, "export.bib")
    assert {r["doi"] for r in back} == {p.doi for p in kb.papers.values()}
    ris = to_ris(kb)
    assert ris.count("TY  - JOUR") == 3
    assert {r["title"] for r in from_ris(ris, "x.ris")} == {p.title for p in kb.papers.values()}
    csl = json.loads(to_csljson(kb))
    assert {i["id"] for i in csl} == set(kb.papers)
    assert next(i for i in csl if i["id"] == "lemon2016understanding")["author"][0] == {
        "family": "Lemon",
        "given": "Katherine N.",
    }
    result = runner.invoke(app, ["export", "--format", "ris", "--root", str(built(mini_root))])
    assert result.exit_code == 0 and "ER  - " in result.stdout


def test_bibtex_escapes_specials(mini_root: Path) -> None:
    edit(mini_root / PAPERS, "Adding a Better End", "Adding a Better End & 100% {more} $_#")
    bib = to_bibtex(load(mini_root)[0])
    assert r"Adding a Better End \& 100\% \{more\} \$\_\#" in bib
    assert from_bibtex(bib, "x.bib")[0]["title"].endswith("& 100% {more} $_#")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "PATH": "/usr/bin:/bin",
        },
    )


def test_diff_summarises_a_change(mini_root: Path) -> None:
    _git(mini_root, "init", "-q")
    _git(mini_root, "add", "-A")
    _git(mini_root, "commit", "-qm", "base")
    runner.invoke(app, ["add", "--ris", str(FIX / "zomerdijk2010.ris"), "--root", str(mini_root), *_flags()])
    edit(mini_root / PAPERS, "69-96,customer-emotions,", "69-96,customer-emotions|self-service-technology,")
    result = runner.invoke(app, ["diff", "HEAD", "--root", str(mini_root)])
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "**Papers:** 3 → 4 (1 added, 0 removed, 1 reclassified)" in md
    assert "`zomerdijk2010service`" in md
    assert "`lemon2016understanding`: topics +self-service-technology" in md
    assert "| customer-emotions | 2 | 3 | +1 |" in md
    assert runner.invoke(app, ["diff", "no-such-rev", "--root", str(mini_root)]).exit_code == 2
    old = load_revision(mini_root, "HEAD")
    assert "No changes" in summarise(old, old)


# ---------------------------------------------------------------------------------------
# Authors and venues: resolved to the rows of authors.csv and venues.csv, or added there
# ---------------------------------------------------------------------------------------

AUTHORS_CSV = "literature/authors.csv"
VENUES_CSV = "literature/venues.csv"


def _add_by_flags(root: Path, *extra: str, doi: str = "10.5555/cxkb.test.people") -> object:
    args = [
        "add",
        doi,
        "--offline",
        "--title",
        "Journeys of one person under several names" if doi.endswith("people") else "Another chapter entirely",
        "--year",
        "2020",
        "--root",
        str(root),
        *extra,
        *_flags(),
    ]
    return runner.invoke(app, args)


def test_add_resolves_spellings_to_existing_people_and_venues(mini_root: Path) -> None:
    before = {rel: (mini_root / rel).read_text() for rel in (AUTHORS_CSV, VENUES_CSV)}
    result = _add_by_flags(
        mini_root,
        *("--author", "Verhoef, P. C.", "--author", "Lemon, K.", "--author", "Verhoef, P.C."),
        *("--venue", "journal of marketing", "--volume", "84", "--pages", "1-20"),
    )
    assert result.exit_code == 0, result.output
    kb, _ = load(mini_root)
    paper = next(p for p in kb.papers.values() if p.doi == "10.5555/cxkb.test.people")
    assert paper.author_ids == ("verhoef-p-c", "lemon-k-n")  # one person named twice counts once
    assert paper.authors == ("Verhoef, Peter C.", "Lemon, Katherine N.")
    assert (paper.venue_id, paper.venue) == ("journal-of-marketing", "Journal of Marketing")
    assert {rel: (mini_root / rel).read_text() for rel in before} == before  # nothing new to add


def test_add_creates_new_people_and_venues(mini_root: Path) -> None:
    edit(
        mini_root / VENUES_CSV,
        "journal,SAGE Publications",
        "journal,SAGE Publications\n"
        "marketing-intelligence-and-planning,Marketing Intelligence & Planning,0263-4503,,journal,Emerald",
    )
    result = _add_by_flags(
        mini_root,
        *("--author", "Zomerdijk, Leonieke G.", "--author", "Verhoef, Peter C."),
        *("--venue", "Marketing Intelligence and Planning", "--volume", "38", "--pages", "1-20"),
    )
    assert result.exit_code == 0, result.output
    kb, _ = load(mini_root)
    paper = next(p for p in kb.papers.values() if p.doi == "10.5555/cxkb.test.people")
    assert paper.author_ids == ("zomerdijk-l-g", "verhoef-p-c")
    assert kb.persons["zomerdijk-l-g"].name == "Zomerdijk, Leonieke G."
    assert paper.venue_id == "marketing-intelligence-and-planning"  # "and" and "&" are one venue
    result = _add_by_flags(
        mini_root,
        *("--author", "Voss, Christopher A.", "--venue", "Journal of Service Research", "--type", "chapter"),
        doi="10.5555/cxkb.test.people2",
    )
    assert result.exit_code == 0, result.output
    kb, _ = load(mini_root)
    assert kb.venues["journal-of-service-research"].type == "book"
    assert "voss-c-a" in kb.persons


def test_add_resolves_venue_by_issn(mini_root: Path) -> None:
    from cxkb.kg.contribute import add_papers

    cells = {
        "doi": "10.5555/cxkb.test.issn",
        "type": "article",
        "title": "A paper in a journal under another name",
        "authors": "Lemon, Katherine N.",
        "year": "2020",
        "venue": "J. Mark.",
        "volume": "84",
        "pages": "1-2",
        "topics": "customer-emotions",
        "keywords": "journals",
        "note": "A test row.",
        "note_nl": "Een testrij.",
        "designs": "case",
        "_issn": "0022-2429",
    }
    result = add_papers(mini_root, [cells])
    assert result.written, result.report.findings
    assert load(mini_root)[0].papers[result.added[0]].venue_id == "journal-of-marketing"


def test_add_writes_all_three_tables_or_none(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from cxkb.kg import contribute

    files = (PAPERS, AUTHORS_CSV, VENUES_CSV)
    before = {rel: (mini_root / rel).read_bytes() for rel in files}
    # The gate refuses: no file changes, not even the new person's or venue's.
    result = _add_by_flags(mini_root, "--author", "Nobody, New", "--venue", "New Journal", "--topic", "no-such-topic")
    assert result.exit_code == 1
    assert {rel: (mini_root / rel).read_bytes() for rel in files} == before
    # A failure while the files are renamed into place puts back those already replaced.
    real_replace, calls = os.replace, []

    def failing(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(contribute.os, "replace", failing)
    result = _add_by_flags(mini_root, "--author", "Nobody, New", "--venue", "New Journal")
    assert result.exit_code != 0
    assert len(calls) >= 2  # the second rename failed; the rest put the first table back
    assert {rel: (mini_root / rel).read_bytes() for rel in files} == before
    assert not [p for p in (mini_root / "literature").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("guide", ["CONTRIBUTING.md", "CONTRIBUTING.nl.md"])
def test_the_guides_offline_example_adds_a_paper(tmp_path: Path, guide: str) -> None:
    """The contributor guides' "by hand" command, placeholders filled in, passes the quality gate
    of the real tables."""
    import re
    import shlex
    import shutil

    from conftest import REPO

    root = tmp_path / "kb"
    for folder in ("ontology", "literature"):
        shutil.copytree(REPO / folder, root / folder)

    text = (REPO / guide).read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None
    commands = [c for c in block.group(1).replace("\\\n", " ").splitlines() if "--offline" in c]
    assert len(commands) == 1, commands
    filled = commands[0].replace("10.xxxx/yyyy", "10.9999/guide-example").replace('"Journal …"', '"Journal of Tests"')
    filled = filled.replace('--title "…"', '--title "A worked example of a service journey"').replace("…", "example")
    args = shlex.split(filled)
    assert args[:2] == ["cxkb", "add"]
    result = runner.invoke(app, [*args[1:], "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "10.9999/guide-example" in (root / PAPERS).read_text(encoding="utf-8")
