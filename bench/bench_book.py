"""Benchmark: the Jupyter Book's clean and incremental build times, site size and page weight.

Works on a copy of the repository's sources (tables, schema, queries, book sources) in a
temporary folder, so the measurements never touch the working tree, and times four builds
in a row through the library (``cxkb.book.build_book``, the same call as ``cxkb book``):

1. clean: no previous output, no notebook cache, no generated pages (the release files,
   built once beforehand and timed separately, are kept);
2. no change: a rebuild with nothing changed;
3. narrative page: one hand-written page (``book/intro.md``) edited;
4. table row: one paper's note edited in ``literature/papers.csv``, which also rebuilds the
   release files and re-executes the notebooks that read the literature.

Site size is the built ``_build/html`` folder; a page's weight is its HTML plus every local
script, style sheet and image it loads (uncompressed). ``--papers N`` runs the same on N
synthetic papers (src/cxkb/kg/synthetic.py). ``--record`` writes the table into docs/benchmarks.md
under "Book build".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from common import add_json_option, machine, record_section, write_figures

from cxkb.book.build import build_book
from cxkb.kg.build import build
from cxkb.kg.tables import PAPERS, render_table

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Book build"
COPIED = (
    "ontology",
    "literature",
    "queries",
    "CONTRIBUTING.md",
    "CONTRIBUTING.nl.md",
    "docs/tables.md",
    "docs/tables.nl.md",
)
BOOK_SOURCES = (
    "_config.yml",
    "intro.md",
    "bibliography.md",
    "assets",
    "_templates",
    "notebooks",
    "nl",
    "terms-allowlist.csv",
)


def copy_sources(target: Path, papers: int | None) -> Path:
    """The repository's book sources in ``target``; with ``papers``, synthetic literature."""
    if papers:
        from cxkb.kg.synthetic import make_root

        make_root(REPO, target, papers)
        names = [n for n in COPIED if n not in ("ontology", "literature")]
    else:
        target.mkdir(parents=True)
        names = list(COPIED)
    for name in names:
        source, dest = REPO / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("parts"))
        else:
            shutil.copy2(source, dest)
    (target / "book").mkdir()
    for name in BOOK_SOURCES:
        source = REPO / "book" / name
        if source.is_dir():
            shutil.copytree(source, target / "book" / name)
        else:
            shutil.copy2(source, target / "book" / name)
    return target


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")
        elif tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.urls.append(a["href"] or "")
        elif tag == "img" and a.get("src"):
            self.urls.append(a["src"] or "")


@dataclass
class Weight:
    page: str
    html: int
    total: int
    gzip: int


@cache
def gzip_size(path: Path) -> int:
    """What a server that compresses (as GitHub Pages does) sends for this file."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def page_weights(html_dir: Path) -> list[Weight]:
    """HTML plus the local scripts, style sheets and images each page loads, heaviest first."""
    out = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/")):
            continue
        parser = _Assets()
        parser.feed(path.read_text(encoding="utf-8"))
        files = {path}
        if rel == "search.html":
            files.add(html_dir / "searchindex.js")
        for url in parser.urls:
            target = urljoin(f"http://site/{rel}", url)
            if target.startswith("http://site/"):
                local = html_dir / unquote(urlsplit(target).path.removeprefix("/"))
                if local.is_file():
                    files.add(local)
        total = sum(f.stat().st_size for f in files)
        out.append(Weight(rel, path.stat().st_size, total, sum(gzip_size(f) for f in files)))
    return sorted(out, key=lambda w: -w.total)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed(label: str, action) -> tuple[str, float, str]:  # type: ignore[no-untyped-def]
    changed: list[str] = []

    def log(line: str) -> None:
        if re.match(r"^\d+ generated file", line):
            changed.append(line)

    start = time.perf_counter()
    action(log)
    seconds = time.perf_counter() - start
    note = changed[-1].split(",")[0] if changed else ""
    print(f"  {label}: {seconds:.1f} s {note}", file=sys.stderr)
    return label, seconds, note


def edit_first_note(root: Path) -> None:
    """Change one cell of one row, as a contributor's one-line pull request would."""
    path = root / PAPERS.path
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["note"] = rows[0]["note"].rstrip(".") + ", as the benchmark notes."
    path.write_text(render_table(PAPERS, rows), encoding="utf-8")


def run(papers: int | None) -> tuple[list[tuple[str, float, str]], dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="cxkb-bench-book-") as tmp:
        root = copy_sources(Path(tmp) / "kb", papers)
        rows = [timed("release files (tables -> graph -> HermiT), once", lambda log: build(root, progress=log))]
        rows.append(timed("clean build", lambda log: build_book(root, clean=True, log=log)))
        rows.append(timed("rebuild, nothing changed", lambda log: build_book(root, log=log)))

        def narrative(log) -> None:  # type: ignore[no-untyped-def]
            intro = root / "book" / "intro.md"
            intro.write_text(intro.read_text(encoding="utf-8") + "\nEdited for the benchmark.\n", encoding="utf-8")
            build_book(root, log=log)

        def table_row(log) -> None:  # type: ignore[no-untyped-def]
            edit_first_note(root)
            build(root, progress=log)  # the book reads the release, which the edit made stale
            build_book(root, log=log)

        rows.append(timed("rebuild after editing one narrative page", narrative))
        rows.append(timed("rebuild after editing one table row (incl. release files)", table_row))
        html_dir = root / "book" / "_build" / "html"
        weights = page_weights(html_dir)
        facts: dict[str, object] = {
            "pages": len(weights),
            "site": folder_size(html_dir),
            "release": folder_size(html_dir / "release"),
            "static": folder_size(html_dir / "_static"),
            "heaviest": weights[:3],
            "median": sorted(w.total for w in weights)[len(weights) // 2],
            "median_gzip": sorted(w.gzip for w in weights)[len(weights) // 2],
        }
    return rows, facts


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"


def table(papers: int | None, rows: list[tuple[str, float, str]], facts: dict[str, object]) -> str:
    what = f"{papers:,} synthetic papers" if papers else "the repository's tables"
    lines = [f"**{what}**", "", "| step | seconds | generated files changed |", "|---|---:|---|"]
    lines += [
        f"| {label} | {seconds:.1f} | {note.split(' generated')[0] if note else '–'} |" for label, seconds, note in rows
    ]
    heaviest = facts["heaviest"]
    lines += [
        "",
        f"Site: {facts['pages']} pages, {mib(int(facts['site']))} in all, of which {mib(int(facts['release']))} "
        f"release files and {mib(int(facts['static']))} theme, scripts and vis-network (`_static/`). "
        f"Median page weight {kib(int(facts['median']))} ({kib(int(facts['median_gzip']))} compressed); most of it "
        "is the theme's scripts, loaded once and then cached.",
        "",
        "| heaviest pages | HTML | with scripts, styles, images | the same, compressed |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{w.page}` | {kib(w.html)} | {kib(w.total)} | {kib(w.gzip)} |"  # type: ignore[attr-defined]
        for w in heaviest  # type: ignore[attr-defined]
    ]
    return "\n".join(lines) + "\n"


DESIGN = """\
**How the book scales to 10,000 papers.** Pages follow the taxonomy, not the literature:
one page per domain, topic, research question and concept, never one per paper, so each
edition (English, and Dutch under nl/) has about 155 pages whatever the size of the literature
table. The release files and the literature downloads are in the site once, at its root, and
both editions link there; each edition has its own theme files (`_static/`). Papers appear as rows
of tables (a topic's papers, a question's papers, a concept's papers) and once in the
bibliography. Every such table gets a filter box and pages of 25 rows from the book's own
`cxkb.js` (no library, no CDN; without JavaScript the whole table shows). What does grow
with the literature: the HTML of topic pages (about 0.5 KB per row), the bibliography page
(one entry per paper), the search index, the release files, and the time to format
citations and run the notebooks. The co-keyword map draws at most the 150 most used
keywords with their 6 strongest links each, while its communities and scores use the whole
network. Rebuilds stay incremental: generated pages are written only when their content
changes, and a notebook re-runs only when its code or the data it reads changes. If the
bibliography page becomes too heavy, it can be split by the first author's initial with
sphinxcontrib-bibtex filters, each citation still resolving to exactly one entry.

Run `python bench/bench_book.py --papers 10000 --record` to refresh these figures; the
synthetic literature (src/cxkb/kg/synthetic.py, fixed seed) is generated in a temporary folder.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[], help="also run on N synthetic papers")
    parser.add_argument("--record", action="store_true", help=f"write the results into docs/benchmarks.md ({HEADING})")
    add_json_option(parser)
    args = parser.parse_args()
    parts = [f"Machine: {machine()}.", ""]
    figures: dict[str, dict[str, float]] = {}
    for papers in [None, *args.papers]:
        print(f"book build on {papers or 'the real'} papers", file=sys.stderr)
        rows, facts = run(papers)
        parts.append(table(papers, rows, facts))
        steps = {label: seconds for label, seconds, _ in rows}
        figures[str(papers or "real")] = {
            "clean_seconds": steps["clean build"],
            "unchanged_seconds": steps["rebuild, nothing changed"],
            "one_row_seconds": steps["rebuild after editing one table row (incl. release files)"],
            "pages": float(facts["pages"]),  # type: ignore[arg-type]
            "site_mib": float(facts["site"]) / 2**20,  # type: ignore[arg-type]
            "heaviest_page_kib": max(w.total for w in facts["heaviest"]) / 1024,  # type: ignore[attr-defined]
        }
    parts.append(DESIGN)
    output = "\n".join(parts)
    print(output)
    if args.record:
        record_section(HEADING, output)
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
