"""MyST and HTML text for the pages: contributor text escaped, links between pages, citations."""

from __future__ import annotations

import posixpath
import re
import string
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote

from cxkb.book.layout import GENERATED, KIND_DIRS
from cxkb.model import KnowledgeBase

_ASCII_PUNCTUATION = frozenset(string.punctuation)


def _escape_run(text: str) -> str:
    return "".join("\\" + ch if ch in _ASCII_PUNCTUATION else ch for ch in text)


def myst_escape(text: str) -> str:
    """``text`` as MyST Markdown that renders literally, on one line.

    CommonMark lets any ASCII punctuation character be backslash-escaped, and an escaped
    character never starts markup: no emphasis, link, role (``{x}`...```), directive
    fence, substitution, math, raw HTML, table cell separator or list marker. Runs of
    white space (including line breaks, which would end a table row or a list item)
    become one space.
    """
    return _escape_run(re.sub(r"\s+", " ", text).strip())


def nl(myst_text: str) -> str:
    """Mark already-escaped MyST text as Dutch, so screen readers pronounce it as Dutch."""
    return in_lang(myst_text, "nl")


def in_lang(myst_text: str, lang: str) -> str:
    """Mark already-escaped MyST text with its language (``en`` or ``nl``)."""
    if lang not in ("en", "nl"):
        raise ValueError(f"unknown language {lang!r}")
    return f'<span lang="{lang}">{myst_text}</span>' if myst_text else ""


def doc_of(kind: str, ident: str) -> str:
    """The Sphinx document name of a generated record page, e.g. ``generated/topics/design``."""
    return f"{GENERATED}/{KIND_DIRS[kind]}/{ident}"


def rel_path(from_doc: str, target: str) -> str:
    """``target`` (a path in the same edition) relative to the folder of the page ``from_doc``."""
    return posixpath.relpath(target, posixpath.dirname(from_doc) or ".")


def rel_md(from_doc: str, to_doc: str) -> str:
    """A Markdown link target from one document to another (MyST resolves ``.md`` paths)."""
    return rel_path(from_doc, to_doc) + ".md"


def rel_html(from_doc: str, to_doc: str) -> str:
    """The URL of ``to_doc``'s HTML page relative to ``from_doc``'s page."""
    return rel_path(from_doc, to_doc) + ".html"


def link(myst_text: str, from_doc: str, to_doc: str) -> str:
    return f"[{myst_text}]({rel_md(from_doc, to_doc)})"


def external_link(myst_text: str, url: str) -> str:
    """A link to an http(s) URL; anything else is shown as text only."""
    if not re.match(r"^https?://[^\s]+$", url):
        return myst_text
    return f"[{myst_text}](<{quote(url, safe=':/?#[]@!$&()*+,;=%-._~')}>)"


def doi_link(doi: str) -> str:
    return external_link(myst_escape(f"doi:{doi}"), "https://doi.org/" + quote(doi, safe="/"))


def cite(keys: Iterable[str], *, textual: bool = False) -> str:
    """A sphinxcontrib-bibtex citation of papers (their ids are the BibTeX keys)."""
    keys = [k for k in keys if re.fullmatch(r"[a-z][a-z0-9]*", k)]
    if not keys:
        return ""
    return f"{{cite:{'t' if textual else 'p'}}}`{','.join(keys)}`"


def natural_key(ident: str) -> tuple[object, ...]:
    """Sort ``x-q2`` before ``x-q10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", ident))


# ---------------------------------------------------------------------------------------
# Concept mentions
# ---------------------------------------------------------------------------------------


class MentionLinker:
    """Links mentions of concept labels in running text to the concepts' pages.

    Preferred and alternative labels in both languages are matched as whole words,
    longest first, ignoring case, except short labels and abbreviations (``CX``, ``SST``),
    which must match exactly. A label shared by several concepts (an ambiguous label) is
    never linked, and each concept is linked once per text, at its first mention.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        owners: dict[str, set[str]] = defaultdict(set)
        forms: dict[str, str] = {}
        for c in kb.concepts.values():
            for label in (c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl):
                label = " ".join(label.split())
                if len(label) >= 2:
                    owners[label.lower()].add(c.id)
                    forms.setdefault(label.lower(), label)
        self.concept_of = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        self.exact = {k for k in self.concept_of if len(forms[k]) <= 3 or forms[k].isupper()}
        alternatives = []
        for key in sorted(self.concept_of, key=lambda k: (-len(k), k)):
            body = r"\s+".join(re.escape(w) for w in forms[key].split())
            alternatives.append(body if key in self.exact else f"(?i:{body})")
        self.pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])") if alternatives else None

    def concept_for(self, mention: str) -> str | None:
        key = " ".join(mention.split()).lower()
        cid = self.concept_of.get(key)
        if cid is None:
            return None
        if key in self.exact and " ".join(mention.split()).lower() != key:
            return None
        return cid

    def link(self, text: str, from_doc: str, *, skip: Iterable[str] = ()) -> str:
        """``text`` as escaped MyST with the first mention of each concept linked."""
        text = re.sub(r"\s+", " ", text).strip()
        if self.pattern is None:
            return _escape_run(text)
        done = set(skip)
        out, pos = [], 0
        for m in self.pattern.finditer(text):
            cid = self.concept_for(m.group(0))
            if cid is None or cid in done:
                continue
            done.add(cid)
            out.append(_escape_run(text[pos : m.start()]))
            out.append(link(_escape_run(m.group(0)), from_doc, doc_of("concept", cid)))
            pos = m.end()
        out.append(_escape_run(text[pos:]))
        return "".join(out)


_TEXT_NODE = re.compile(r">(\s*)([^<>]*?[A-Za-z][^<>]*?)(\s*)<")


def replace_whole_texts(html_text: str, table: dict[str, str]) -> str:
    """``html_text`` with every text node that is, as a whole (spaces aside), a key of
    ``table`` replaced by its value.

    Fixed wording that a tool writes into pages without a way to translate it (pyLODE's
    headings, the theme's hidden labels) is translated this way: a whole-text match never
    touches a sentence that merely contains the wording.
    """

    def node(m: re.Match[str]) -> str:
        return f">{m.group(1)}{table.get(m.group(2), m.group(2))}{m.group(3)}<"

    return _TEXT_NODE.sub(node, html_text)
