"""Writing the generated sources: only what changed, so Sphinx rebuilds only that."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cxkb.book import maps
from cxkb.book.layout import BOOK_DIR, GENERATED, NOTEBOOK_TEMPLATES, RELEASE_DIR, TOC_FILE
from cxkb.book.markup import doc_of
from cxkb.book.notebooks import render_notebook
from cxkb.book.pages.concept import page_concept, page_concept_index
from cxkb.book.pages.datamodel import page_data_model
from cxkb.book.pages.domain import page_domain
from cxkb.book.pages.gapmap import page_gapmap
from cxkb.book.pages.glossary import page_glossary
from cxkb.book.pages.ontology import page_ontology
from cxkb.book.pages.overview import page_map, page_overview
from cxkb.book.pages.project import project_markdown
from cxkb.book.pages.question import page_question
from cxkb.book.pages.reference import page_vocabulary, reference_files
from cxkb.book.pages.topic import page_topic
from cxkb.book.site import Site
from cxkb.book.toc import toc
from cxkb.release import open_release


@dataclass
class GenerateResult:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    unchanged: int = 0


def _write_if_changed(path: Path, data: bytes, result: GenerateResult) -> None:
    if path.exists() and path.read_bytes() == data:
        result.unchanged += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    result.written.append(path)


def release_files(root: Path) -> list[Path]:
    folder = root / RELEASE_DIR
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []


def plan(root: Path, book_dir: Path) -> dict[str, bytes]:
    """Every generated file (path relative to ``book_dir``) with its content."""
    from cxkb.bibliography import to_bibtex

    release = open_release(root)
    site = Site(root, release.records, release.frames, release_files(root))
    kb = site.kb
    pages: dict[str, str] = {
        f"{GENERATED}/overview.md": page_overview(site),
        f"{GENERATED}/map.md": page_map(site),
        f"{GENERATED}/gapmap.md": page_gapmap(site),
        f"{GENERATED}/glossary.md": page_glossary(site),
        f"{GENERATED}/concepts/index.md": page_concept_index(site),
        f"{GENERATED}/ontology.md": page_ontology(site),
        f"{GENERATED}/vocabulary.md": page_vocabulary(site),
        f"{GENERATED}/data-model.md": page_data_model(root),
    }
    for d in kb.domains:
        pages[doc_of("domain", d) + ".md"] = page_domain(site, d)
    for t in kb.topics:
        pages[doc_of("topic", t) + ".md"] = page_topic(site, t)
    for q in kb.questions:
        pages[doc_of("question", q) + ".md"] = page_question(site, q)
    for c in kb.concepts:
        pages[doc_of("concept", c) + ".md"] = page_concept(site, c)

    contributing = (root / "CONTRIBUTING.md").read_text(encoding="utf-8") if (root / "CONTRIBUTING.md").exists() else ""
    tables = (root / "docs" / "tables.md").read_text(encoding="utf-8") if (root / "docs" / "tables.md").exists() else ""
    pages[f"{GENERATED}/contributing.md"] = project_markdown(
        contributing or "# How to contribute\n", {"docs/tables.md": "tables.md"}
    )
    pages[f"{GENERATED}/tables.md"] = project_markdown(tables or "# Table contract\n", {})

    templates = sorted((book_dir / NOTEBOOK_TEMPLATES).glob("*.md"))
    for path in templates:
        pages[f"{GENERATED}/notebooks/{path.stem}.md"] = render_notebook(
            path.read_text(encoding="utf-8"), root, path.stem
        )
    pages[TOC_FILE] = toc(site, [p.stem for p in templates])

    files = {name: text.encode("utf-8") for name, text in pages.items()}
    files[f"{GENERATED}/references.bib"] = to_bibtex(kb).encode("utf-8")
    files[f"{GENERATED}/static/{maps.VIS_SCRIPT}"] = maps.vis_network_source().read_bytes()
    for path in site.release_files:
        files[f"{GENERATED}/extra/release/{path.name}"] = path.read_bytes()
    files.update(reference_files(site))
    return files


def generate(root: Path, book_dir: Path | None = None) -> GenerateResult:
    """Write the generated book sources, touching only files whose content changed.

    Files under ``book/generated/`` that are no longer produced (a removed concept, say)
    are deleted, so Sphinx never builds a stale page.
    """
    book_dir = book_dir if book_dir is not None else root / BOOK_DIR
    files = plan(root, book_dir)
    result = GenerateResult()
    for name, data in sorted(files.items()):
        _write_if_changed(book_dir / name, data, result)
    generated = book_dir / GENERATED
    keep = {(book_dir / name).resolve() for name in files}
    for path in sorted(generated.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in keep:
            path.unlink()
            result.removed.append(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return result
