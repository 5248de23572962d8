"""Notebook templates turned into pages, with a fingerprint of the data they read."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from cxkb.book.layout import BOOK_DIR, DEFAULT_DEPENDS, NOTEBOOK_TEMPLATES, BookError
from cxkb.book.markup import rel_path

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# Prose in one language: <!-- lang: en --> ... <!-- /lang --> (the other edition drops it).
_LANG_BLOCK = re.compile(r"^<!-- lang: (en|nl) -->\n(.*?)^<!-- /lang -->\n?", re.S | re.M)


def for_language(text: str, lang: str) -> str:
    """``text`` with the prose blocks of the other language removed."""
    return _LANG_BLOCK.sub(lambda m: m.group(2) if m.group(1) == lang else "", text)


def fingerprint(root: Path, patterns: Iterable[str]) -> str:
    """A hash of the files a notebook reads: names and contents, in a stable order."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def render_notebook(template: str, root: Path, name: str, lang: str = "en") -> str:
    """A notebook template with a hidden first cell that names the fingerprint of its data.

    jupyter-cache keys a notebook by its code cells only; without this cell a notebook whose
    data changed would be served from the cache with stale outputs.
    """
    import yaml

    match = _FRONT_MATTER.match(template)
    if not match:
        raise BookError(f"{BOOK_DIR}/{NOTEBOOK_TEMPLATES}/{name}.md has no front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    depends = (meta.pop("cxkb", None) or {}).get("depends") or list(DEFAULT_DEPENDS)
    body = for_language(template[match.end() :], lang)
    heading = re.search(r"^# .*$", body, re.M)
    if heading is None:
        raise BookError(f"{BOOK_DIR}/{NOTEBOOK_TEMPLATES}/{name}.md has no title")
    cell = (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"# Generated from book/{NOTEBOOK_TEMPLATES}/{name}.md. The fingerprint of the files this page reads\n"
        "# makes the notebook cache re-execute it whenever they change.\n"
        f'CXKB_DATA = "{fingerprint(root, depends)}"\n'
        f'LANG = "{lang}"\n```\n'
    )
    front = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)
    return f"---\n{front}---\n{body[: heading.end()]}{cell}{body[heading.end() :]}"


def notebook_root(start: Path | None = None) -> Path:
    """The repository root seen from a notebook being executed (its folder is under ``book/``)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "cxkb.ttl").is_file() and (folder / BOOK_DIR).is_dir():
            return folder
    raise FileNotFoundError(f"no cxkb repository above {here}")


def page_url(from_doc: str, to: str) -> str:
    """For notebooks: the URL of a page or a static file relative to the page ``from_doc``."""
    target = to if to.startswith("_static/") else to + ".html"
    return rel_path(from_doc, target)
