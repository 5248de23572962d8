"""cxkb: the open customer-experience knowledge base.

Data flows one way: tables -> validated records -> release -> queries, endpoint, book,
maps and checker. ``cxkb.kg`` builds the release; ``cxkb.release`` is the hand-off every
product opens; ``cxkb.sparql``, ``cxkb.book`` and ``cxkb.checker`` use it.

The library API, for notebooks and scripts (the ``cxkb`` command is a thin layer over it):

- :func:`open_release` opens the built release; its :meth:`~cxkb.release.Release.query`
  runs a library query or SPARQL text and returns a pandas DataFrame with typed columns,
  and ``.records``, ``.frames`` and ``.graph()`` give the data in other shapes;
- :func:`check` checks a text or a file against the taxonomy's vocabulary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cxkb.release import Release, ReleaseError, open_release

if TYPE_CHECKING:
    from cxkb.checker.results import CheckRun

__version__ = "0.1.0"
__all__ = ["Release", "ReleaseError", "__version__", "check", "open_release"]


def check(
    text_or_path: str | Path,
    *,
    root: str | Path = ".",
    lang: str | None = None,
    release: Release | None = None,
) -> CheckRun:
    """Check a text (a ``str``) or a file or folder (a ``Path``) against the vocabulary.

    The vocabulary is the release's (``root``'s, unless ``release`` is given). The result
    lists findings, concept mentions and unknown terms, as ``cxkb check`` reports them.
    A string is always taken as text, never as a file name, so user input cannot make the
    function read files.
    """
    from cxkb.checker.config import CheckConfig
    from cxkb.checker.documents import parse_document
    from cxkb.checker.engine import Checker
    from cxkb.checker.results import CheckFinding, CheckRun

    rel = release if release is not None else open_release(root)
    config = CheckConfig().with_overrides(language=lang)
    checker = Checker(rel.vocabulary(), config)
    if isinstance(text_or_path, Path):
        return checker.check_paths([text_or_path])
    doc = parse_document(text_or_path, "<text>", "text", lang=lang)
    result = checker.check_document(doc)
    run = CheckRun(findings=sorted(result.findings, key=CheckFinding.sort_key), mentions=result.mentions)
    run.unknown = result.unknown
    run.documents.append((doc.name, doc.kind, doc.lang, doc.lang_origin))
    return run
