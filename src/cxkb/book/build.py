"""Running Jupyter Book and serving the result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cxkb.book.generate import DUTCH_DIR, generate
from cxkb.book.layout import BOOK_DIR, GENERATED, BookError, Log, quiet
from cxkb.book.pages.reference import DUTCH_REFERENCE, REFERENCE_DIR
from cxkb.book.terms import ALLOWLIST, check_terms
from cxkb.release import open_release

_ELSEWHERE = frozenset({"release", "literature", REFERENCE_DIR})
"""Kept once at the site's root (release files, literature downloads), or made for the Dutch edition."""


def build_book(root: Path, *, clean: bool = False, strict: bool = True, log: Log = quiet) -> Path:
    """Generate the sources and run Jupyter Book for both editions; returns ``book/_build/html/index.html``.

    The English edition is built from ``book/`` into ``book/_build/html/``, the Dutch one from
    ``book/nl/`` into ``book/nl/_build/html/`` and copied to ``book/_build/html/nl/``: every
    page has the same path in both, so the language switch only changes the prefix.

    ``clean`` removes the previous output, the notebook cache and the generated sources
    first. ``strict`` turns every Sphinx warning (a broken link, a missing citation, a bad
    directive) into a failed build.
    """
    root = root.resolve()
    book_dir = root / BOOK_DIR
    if clean:
        shutil.rmtree(book_dir / "_build", ignore_errors=True)
        shutil.rmtree(book_dir / GENERATED, ignore_errors=True)
    release = open_release(root)  # a missing or stale release stops here, with the advice to build
    problems = check_terms(release, root)
    if problems:
        raise BookError(
            "the taxonomy's texts or the book's prose use non-preferred terms "
            f"(fix them or add them to {ALLOWLIST} with a reason):\n" + "\n".join(str(p) for p in problems)
        )
    log("generating pages from the release")
    result = generate(root, book_dir)
    log(f"{len(result.written)} generated file(s) changed, {len(result.removed)} removed, {result.unchanged} unchanged")
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0"}
    env.pop("MPLBACKEND", None)  # the kernels need matplotlib's inline backend for the figures
    # The notebooks' kernels import the cxkb that builds the book (an absolute path: they run
    # in the notebooks' folders), not another copy installed elsewhere.
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    html_dir = book_dir / "_build" / "html"
    dutch_dir = book_dir / DUTCH_DIR
    if clean:
        shutil.rmtree(dutch_dir / "_build", ignore_errors=True)
    extra = book_dir / GENERATED / "extra"
    for lang, source in (("en", book_dir), ("nl", dutch_dir)):
        log(f"running Jupyter Book ({lang})")
        _jupyter_book(source, root, env, strict=strict, log=log)
    # Sphinx copies html_extra_path only when some page was out of date: a rebuild in which
    # only the release files or the reference documents changed would keep stale copies.
    if extra.is_dir():
        shutil.copytree(extra, html_dir, dirs_exist_ok=True)
    # The Dutch edition lives under nl/ of the site, beside the English one. It has no extra
    # path of its own: its pages link to the English edition's release files and literature
    # downloads (Site.site_file), and it gets its own pair of pyLODE pages. A Dutch build
    # folder from before may still hold copies; they are left behind.
    target = html_dir / DUTCH_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(dutch_dir / "_build" / "html", target, ignore=_not_from_dutch_build)
    shutil.copytree(book_dir / DUTCH_REFERENCE, target / REFERENCE_DIR)
    return html_dir / "index.html"


def _not_from_dutch_build(folder: str, names: list[str]) -> set[str]:
    """Top-level folders that the site takes from elsewhere, should a Dutch build folder hold them."""
    return _ELSEWHERE & set(names) if Path(folder).name == "html" else set()


def _jupyter_book(source: Path, root: Path, env: dict[str, str], *, strict: bool, log: Log) -> None:
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(source)]
    if strict:
        cmd += ["--warningiserror", "--keep-going"]
    tail: list[str] = []
    with subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            tail = [*tail[-79:], line]
            log(line)
    index = source / "_build" / "html" / "index.html"
    if proc.returncode != 0 or not index.exists():
        raise BookError("jupyter-book build failed:\n" + "\n".join(tail))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


class _SiteServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes its connection mid-transfer (a reader who moves on before a map
        page has loaded) is no fault of the site: the standard server would print a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(
    html_dir: Path, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = True
) -> ThreadingHTTPServer:
    """An HTTP server for the built site (``port`` 0 picks a free port)."""
    handler = partial(_QuietHandler if quiet else SimpleHTTPRequestHandler, directory=str(html_dir))
    return _SiteServer((host, port), handler)
