"""Where the book lives in the repository, and what its modules share without depending
on each other: folder names, the page kinds' folders, the log callback type."""

from __future__ import annotations

from collections.abc import Callable

BOOK_DIR = "book"
GENERATED = "generated"
TOC_FILE = "_toc.yml"
RELEASE_DIR = "build/release"
NOTEBOOK_TEMPLATES = "notebooks"
# The concepts people mix up most often, compared side by side at the top of the glossary.
CONFUSABLE = (
    "customer-experience",
    "customer-service-experience",
    "customer-experience-management",
    "experience-economy",
)
# What a notebook reads unless its front matter says otherwise (globs relative to the root).
DEFAULT_DEPENDS = ("build/release/manifest.json", "src/cxkb/**/*.py")
EXTENSION_VERSION = 6  # see setup()
KIND_DIRS = {"domain": "domains", "topic": "topics", "question": "questions", "concept": "concepts"}

Log = Callable[[str], None]


def quiet(_: str) -> None:
    return None


class BookError(Exception):
    """The book could not be built; the message carries the end of Jupyter Book's output."""


# The Dutch edition's citation style ("Lemon en Verhoef, 2016"), registered by the book's
# Sphinx extension and named in the Dutch edition's configuration.
DUTCH_REFERENCE_STYLE = "cxkb_author_year_nl"
