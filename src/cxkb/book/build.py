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

from cxkb.book.generate import generate
from cxkb.book.layout import BOOK_DIR, GENERATED, BookError, Log, quiet
from cxkb.release import open_release


def build_book(root: Path, *, clean: bool = False, strict: bool = True, log: Log = quiet) -> Path:
    """Generate the sources and run Jupyter Book; returns ``book/_build/html/index.html``.

    ``clean`` removes the previous output, the notebook cache and the generated sources
    first. ``strict`` turns every Sphinx warning (a broken link, a missing citation, a bad
    directive) into a failed build.
    """
    root = root.resolve()
    book_dir = root / BOOK_DIR
    if clean:
        shutil.rmtree(book_dir / "_build", ignore_errors=True)
        shutil.rmtree(book_dir / GENERATED, ignore_errors=True)
    open_release(root)  # a missing or stale release stops here, with the advice to build
    log("generating pages from the release")
    result = generate(root, book_dir)
    log(f"{len(result.written)} generated file(s) changed, {len(result.removed)} removed, {result.unchanged} unchanged")
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(book_dir)]
    if strict:
        cmd += ["--warningiserror", "--keep-going"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0"}
    env.pop("MPLBACKEND", None)  # the kernels need matplotlib's inline backend for the figures
    log("running Jupyter Book")
    tail: list[str] = []
    with subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            tail = [*tail[-79:], line]
            log(line)
    index = book_dir / "_build" / "html" / "index.html"
    if proc.returncode != 0 or not index.exists():
        raise BookError("jupyter-book build failed:\n" + "\n".join(tail))
    return index


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def make_server(
    html_dir: Path, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = True
) -> ThreadingHTTPServer:
    """An HTTP server for the built site (``port`` 0 picks a free port)."""
    handler = partial(_QuietHandler if quiet else SimpleHTTPRequestHandler, directory=str(html_dir))
    return ThreadingHTTPServer((host, port), handler)
