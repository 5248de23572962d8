"""The Jupyter Book: pages generated from the records, the build, and a small Sphinx extension.

The book is the knowledge base for people who read rather than query. Its hand-written
pages (landing page, bibliography page, notebook templates, theme assets) live in
``book/``; everything that follows from the tables is generated into ``book/generated/``
and ``book/_toc.yml`` by :func:`generate`, then :func:`build_book` runs Jupyter Book.

Three rules shape this module:

* **Contributor text is data, never markup.** Every label, definition, title, note or
  keyword that reaches a page goes through :func:`myst_escape` (MyST Markdown) or
  :func:`html.escape` (raw HTML), so a title such as ``<script>`` or ``{eval-rst}`` is
  shown as written and cannot break a table, a role or a directive.
* **Incremental builds stay incremental.** A generated file is written only when its
  content changed, so Sphinx re-reads only the pages whose sources changed; the notebooks
  carry a fingerprint of the data they read, so jupyter-cache re-executes a notebook only
  when its code or its data changed.
* **The site makes no request outside itself.** vis-network is shipped once in
  ``_static/``, MathJax is replaced by a plain-text math renderer, and the Sphinx
  extension below strips the (unused) Thebe loader.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import shutil
import string
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cxkb.book import maps
from cxkb.book.frames import Frames
from cxkb.kg.records import Concept, KnowledgeBase, Paper

BOOK_DIR = "book"
GENERATED = "generated"
TOC_FILE = "_toc.yml"
RELEASE_DIR = "build/release"
NOTEBOOK_TEMPLATES = "notebooks"
EVIDENCE_THRESHOLD = 2  # fewer papers than this on a question is an evidence gap (CONTRIBUTING.md)
# The concepts people mix up most often, compared side by side at the top of the glossary.
CONFUSABLE = (
    "customer-experience",
    "customer-service-experience",
    "customer-experience-management",
    "experience-economy",
)
# What a notebook reads unless its front matter says otherwise (globs relative to the root).
DEFAULT_DEPENDS = (
    "ontology/cxkb.ttl",
    "ontology/tables/*.csv",
    "literature/*.csv",
    "src/cxkb/*.py",
)
RELEASE_SOURCES = ("ontology/cxkb.ttl", "ontology/shapes.ttl", "ontology/tables/*.csv", "literature/*.csv")
EXTENSION_VERSION = 3  # see setup()
KIND_DIRS = {"domain": "domains", "topic": "topics", "question": "questions", "concept": "concepts"}

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class BookError(Exception):
    """The book could not be built; the message carries the end of Jupyter Book's output."""


# ---------------------------------------------------------------------------------------
# Escaping and links
# ---------------------------------------------------------------------------------------

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
    return f'<span lang="nl">{myst_text}</span>' if myst_text else ""


def doc_of(kind: str, ident: str) -> str:
    """The Sphinx document name of a generated record page, e.g. ``generated/topics/design``."""
    return f"{GENERATED}/{KIND_DIRS[kind]}/{ident}"


def rel_md(from_doc: str, to_doc: str) -> str:
    """A Markdown link target from one document to another (MyST resolves ``.md`` paths)."""
    return posixpath.relpath(to_doc, posixpath.dirname(from_doc) or ".") + ".md"


def rel_html(from_doc: str, to_doc: str) -> str:
    """The URL of ``to_doc``'s HTML page relative to ``from_doc``'s page."""
    return posixpath.relpath(to_doc, posixpath.dirname(from_doc) or ".") + ".html"


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


# ---------------------------------------------------------------------------------------
# Page generation
# ---------------------------------------------------------------------------------------


def _bilingual(en: str, nl_: str) -> str:
    """A title or label in English with the Dutch beside it (once when both are the same)."""
    if not nl_ or nl_.strip().lower() == en.strip().lower():
        return myst_escape(en)
    return f"{myst_escape(en)} · {myst_escape(nl_)}"


def _list_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str,
    css_class: str = "",
    widths: Sequence[int] = (),
) -> str:
    """A MyST list-table; cells are MyST text already escaped by the caller."""
    lines = [f"```{{list-table}} {caption}", ":header-rows: 1"]
    if css_class:
        lines.append(f":class: {css_class}")
    if widths:
        lines.append(f":widths: {' '.join(str(w) for w in widths)}")
    lines.append("")
    for row in [list(header), *rows]:
        for i, cell in enumerate(row):
            lines.append(f"{'* - ' if i == 0 else '  - '}{cell or '–'}")
    lines.append("```")
    return "\n".join(lines)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


@dataclass
class Site:
    """Everything the generated pages are made from, with the lookups they share."""

    root: Path
    kb: KnowledgeBase
    frames: Frames
    release_files: list[Path] = field(default_factory=list)

    @cached_property
    def linker(self) -> MentionLinker:
        return MentionLinker(self.kb)

    @cached_property
    def paper_by_doi(self) -> dict[str, str]:
        return {p.doi.lower(): p.id for p in self.kb.papers.values() if p.doi}

    @cached_property
    def topic_papers(self) -> dict[str, list[str]]:
        """Papers per topic, asserted or through a question they address (the property chain)."""
        out: dict[str, set[str]] = defaultdict(set)
        for row in self.frames.paper_topics.itertuples(index=False):
            out[row.topic].add(row.paper)
        return {t: self.sort_papers(v) for t, v in out.items()}

    @cached_property
    def question_papers(self) -> dict[str, list[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for p in self.kb.papers.values():
            for q in p.questions:
                out[q].add(p.id)
        return {q: self.sort_papers(v) for q, v in out.items()}

    @cached_property
    def concept_papers(self) -> dict[str, list[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for p in self.kb.papers.values():
            for c in p.concepts:
                out[c].add(p.id)
        return {c: self.sort_papers(v) for c, v in out.items()}

    @cached_property
    def narrower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for c in self.kb.concepts.values():
            for b in c.broader:
                out[b].append(c.id)
        return {k: sorted(v) for k, v in out.items()}

    @cached_property
    def related(self) -> dict[str, list[str]]:
        """skos:related is symmetric: a concept is related to those it names and those naming it."""
        out: dict[str, set[str]] = defaultdict(set)
        for c in self.kb.concepts.values():
            for r in c.related:
                out[c.id].add(r)
                out[r].add(c.id)
        return {k: sorted(v) for k, v in out.items()}

    def sort_papers(self, ids: Iterable[str]) -> list[str]:
        """Newest first, then by id: the order of every paper list in the book."""
        return sorted((i for i in ids if i in self.kb.papers), key=lambda i: (-self.kb.papers[i].year, i))

    def topics_of(self, domain: str) -> list[str]:
        return [t.id for t in self.kb.topics.values() if t.domain == domain]

    def questions_of(self, topic: str) -> list[str]:
        return sorted((q.id for q in self.kb.questions.values() if q.topic == topic), key=natural_key)

    def concepts_of(self, topic: str) -> list[str]:
        return sorted(
            (c.id for c in self.kb.concepts.values() if topic in c.topics),
            key=lambda c: self.kb.concepts[c].pref.en.lower(),
        )

    def concept_title(self, c: Concept) -> str:
        return _bilingual(c.pref.en, c.pref.nl)

    def concept_link(self, cid: str, from_doc: str) -> str:
        c = self.kb.concepts.get(cid)
        if c is None:
            return myst_escape(cid)
        return link(self.concept_title(c), from_doc, doc_of("concept", cid))

    def sources(self, refs: Iterable[str]) -> str:
        """Source references: a cited paper when the DOI is in the table, a DOI link or a practitioner source."""
        parts = []
        for ref in refs:
            if ref.startswith("10."):
                pid = self.paper_by_doi.get(ref.lower())
                parts.append(cite([pid], textual=True) if pid else doi_link(ref))
            elif ref in self.kb.sources:
                s = self.kb.sources[ref]
                details = ", ".join(x for x in (s.author, s.outlet, s.date) if x)
                text = f"{s.title} ({details})" if details else s.title
                parts.append(f"*{myst_escape(text)}*" if s.language != "nl" else f"*{nl(myst_escape(text))}*")
            else:
                parts.append(myst_escape(ref))
        return "; ".join(parts) if parts else "–"

    def question_label(self, qid: str, topic: str | None = None) -> str:
        """``Q1``; prefixed with the question's topic when shown outside that topic."""
        short = qid.rsplit("-", 1)[-1].upper()
        q = self.kb.questions.get(qid)
        if topic is None or q is None or q.topic == topic or q.topic not in self.kb.topics:
            return short
        return f"{myst_escape(self.kb.topics[q.topic].label.en)} {short}"

    def map_urls(self, from_doc: str) -> dict[str, str]:
        urls = {}
        for kind, table in (
            ("domain", self.kb.domains),
            ("topic", self.kb.topics),
            ("question", self.kb.questions),
            ("concept", self.kb.concepts),
        ):
            for ident in table:
                urls[f"{kind}:{ident}"] = rel_html(from_doc, doc_of(kind, ident))
        return urls

    def map_block(self, from_doc: str, spec: maps.MapSpec, caption: str, *, height: str = "640px") -> str:
        net = maps.build_network(self.frames, spec, self.map_urls(from_doc))
        fragment = maps.render_fragment(net, f"map-{spec.name}", caption, height=height)
        fence = "`" * max(3, _longest_run(fragment, "`") + 1)
        return f"{fence}{{raw}} html\n{fragment}\n{fence}"


def _longest_run(text: str, ch: str) -> int:
    return max((len(m.group(0)) for m in re.finditer(re.escape(ch) + "+", text)), default=0)


# --- the pages -------------------------------------------------------------------------


def page_overview(site: Site) -> str:
    """The landing page's numbers and table of contents (included from ``intro.md``)."""
    kb, here = site.kb, "intro"
    per_topic = site.frames.papers_per_topic().to_dict()
    gaps = sum(1 for q in kb.questions if len(site.question_papers.get(q, [])) < EVIDENCE_THRESHOLD)
    lines = [
        f"The book currently holds {_plural(len(kb.papers), 'paper')}, {_plural(len(kb.concepts), 'concept')} "
        f"and {_plural(len(kb.questions), 'open research question')} ({gaps} of them evidence gaps) "
        f"in {_plural(len(kb.domains), 'domain')} and {_plural(len(kb.topics), 'topic')}.",
        "",
    ]
    rows = []
    for d in kb.domains.values():
        for t in site.topics_of(d.id):
            top = kb.topics[t]
            rows.append(
                [
                    link(_bilingual(d.label.en, d.label.nl), here, doc_of("domain", d.id)),
                    link(_bilingual(top.label.en, top.label.nl), here, doc_of("topic", t)),
                    str(len(site.questions_of(t))),
                    str(int(per_topic.get(t, 0))),
                ]
            )
    lines.append(
        _list_table(["Domain · domein", "Topic · onderwerp", "Questions", "Papers"], rows, caption="Domains and topics")
    )
    return "\n".join(lines) + "\n"


def page_map(site: Site) -> str:
    here = f"{GENERATED}/map"
    kb = site.kb
    domain_links = ", ".join(
        link(_bilingual(d.label.en, d.label.nl), here, doc_of("domain", d.id)) for d in kb.domains.values()
    )
    return "\n".join(
        [
            "# Map of CX research · Kaart van het klantbelevingsonderzoek",
            "",
            "The whole taxonomy on one map: the research domains, their topics, the open research questions "
            "about each topic and the concepts used in its research. Colours show the domain, size the number of "
            "papers in the literature table. Drag to move, scroll to zoom, click a node to open its page.",
            "",
            site.map_block(here, maps.MapSpec("all", "all"), "The whole taxonomy", height="720px"),
            "",
            f"Each domain has its own chapter and map: {domain_links}.",
            "",
        ]
    )


def page_domain(site: Site, domain: str) -> str:
    kb, here = site.kb, doc_of("domain", domain)
    d = kb.domains[domain]
    per_topic = site.frames.papers_per_topic().to_dict()
    lines = [
        f"# {_bilingual(d.label.en, d.label.nl)}",
        "",
        f"**Definition.** {site.linker.link(d.definition.en, here)}",
        "",
        f"**Definitie.** {nl(site.linker.link(d.definition.nl, here))}",
        "",
        f"**Sources · bronnen:** {site.sources(d.source)}",
        "",
        "## Topics · Onderwerpen",
        "",
    ]
    rows = []
    for t in site.topics_of(domain):
        top = kb.topics[t]
        questions = site.questions_of(t)
        gaps = sum(1 for q in questions if len(site.question_papers.get(q, [])) < EVIDENCE_THRESHOLD)
        rows.append(
            [
                link(_bilingual(top.label.en, top.label.nl), here, doc_of("topic", t)),
                str(int(per_topic.get(t, 0))),
                str(len(questions)),
                str(gaps),
                str(len(site.concepts_of(t))),
            ]
        )
    lines.append(
        _list_table(["Topic · onderwerp", "Papers", "Questions", "Evidence gaps", "Concepts"], rows, caption="Topics")
    )
    lines += [
        "",
        "## Map · Kaart",
        "",
        site.map_block(here, maps.MapSpec(f"domain-{domain}", "domain", domain), f"Map of the {d.label.en}"),
        "",
    ]
    return "\n".join(lines)


def _paper_row(site: Site, p: Paper, here: str, topic: str) -> list[str]:
    questions = ", ".join(
        link(site.question_label(q, topic), here, doc_of("question", q)) for q in p.questions if q in site.kb.questions
    )
    return [cite([p.id], textual=True), str(p.year), myst_escape(p.title), questions, site.linker.link(p.note, here)]


def page_topic(site: Site, topic: str) -> str:
    kb, here = site.kb, doc_of("topic", topic)
    t = kb.topics[topic]
    d = kb.domains.get(t.domain)
    lines = [f"# {_bilingual(t.label.en, t.label.nl)}", ""]
    if d is not None:
        lines += [f"A topic of the {link(_bilingual(d.label.en, d.label.nl), here, doc_of('domain', d.id))}.", ""]
    lines += [
        f"**Definition.** {site.linker.link(t.definition.en, here)}",
        "",
        f"**Definitie.** {nl(site.linker.link(t.definition.nl, here))}",
        "",
        f"**Sources · bronnen:** {site.sources(t.source)}",
        "",
        "## Open research questions · Open onderzoeksvragen",
        "",
    ]
    for qid in site.questions_of(topic):
        q = kb.questions[qid]
        papers = site.question_papers.get(qid, [])
        lines += [
            f"**{link(site.question_label(qid), here, doc_of('question', qid))}.** {site.linker.link(q.text.en, here)}",
            "",
            f"{nl(site.linker.link(q.text.nl, here))}",
            "",
        ]
        if len(papers) >= EVIDENCE_THRESHOLD:
            lines += [f"Papers addressing it: {cite(papers)}.", ""]
        else:
            reason = f" {myst_escape(q.evidence_gap)}" if q.evidence_gap else ""
            found = f" Only {cite(papers)} addresses it." if papers else " No paper in the table addresses it yet."
            lines += [f"**Evidence gap · kennishiaat.**{found}{reason}", ""]
    lines += ["## Concepts · Begrippen", ""]
    concepts = site.concepts_of(topic)
    if concepts:
        for cid in concepts:
            c = kb.concepts[cid]
            n = len(site.concept_papers.get(cid, []))
            retired = " (retired)" if c.deprecated else ""
            lines.append(f"- {site.concept_link(cid, here)}{retired}: {_plural(n, 'paper')}")
    else:
        lines.append("No concept is linked to this topic yet.")
    papers = site.topic_papers.get(topic, [])
    lines += ["", f"## Papers · Publicaties ({len(papers)})", ""]
    if papers:
        lines += [
            "Papers that cover this topic, directly or through a research question they address; newest first.",
            "",
            _list_table(
                ["Reference", "Year", "Title", "Questions", "Contribution"],
                [_paper_row(site, kb.papers[p], here, topic) for p in papers],
                caption="Papers on this topic",
                css_class="cxkb-papers",
                widths=(16, 7, 32, 9, 36),
            ),
        ]
    else:
        lines.append("No paper in the literature table covers this topic yet.")
    lines += [
        "",
        "## Concept map · Begrippenkaart",
        "",
        site.map_block(here, maps.MapSpec(f"topic-{topic}", "topic", topic), f"Map of {t.label.en}", height="480px"),
        "",
    ]
    return "\n".join(lines)


def page_question(site: Site, qid: str) -> str:
    kb, here = site.kb, doc_of("question", qid)
    q = kb.questions[qid]
    t = kb.topics.get(q.topic)
    papers = site.question_papers.get(qid, [])
    topic_title = _bilingual(t.label.en, t.label.nl) if t is not None else myst_escape(q.topic)
    lines = [f"# {site.question_label(qid)} · {topic_title}", ""]
    lines += [f"**Question.** {site.linker.link(q.text.en, here)}", ""]
    lines += [f"**Vraag.** {nl(site.linker.link(q.text.nl, here))}", ""]
    if t is not None:
        lines += [f"**Topic · onderwerp:** {link(_bilingual(t.label.en, t.label.nl), here, doc_of('topic', t.id))}", ""]
    lines += [f"**Sources · bronnen:** {site.sources((*q.source, *q.summarised_in))}", ""]
    lines += ["## Evidence · Onderbouwing", ""]
    if len(papers) < EVIDENCE_THRESHOLD:
        body = (
            "No paper in the literature table addresses this question yet."
            if not papers
            else ("Only one paper in the literature table addresses this question.")
        )
        if q.evidence_gap:
            body += f" {myst_escape(q.evidence_gap)}"
        lines += ["```{admonition} Evidence gap · Kennishiaat", ":class: warning", "", body, "```", ""]
    if papers:
        rows = [
            [cite([p.id], textual=True), str(p.year), myst_escape(p.title), site.linker.link(p.note, here)]
            for p in (kb.papers[pid] for pid in papers)
        ]
        header = ["Reference", "Year", "Title", "Contribution"]
        caption = "Papers addressing this question"
        lines += [_list_table(header, rows, caption=caption, css_class="cxkb-papers", widths=(18, 7, 35, 40)), ""]
    concepts = sorted({c for pid in papers for c in kb.papers[pid].concepts if c in kb.concepts})
    if concepts:
        lines += ["", "## Concepts in these papers · Begrippen in deze publicaties", ""]
        lines += [f"- {site.concept_link(c, here)}" for c in concepts]
    lines.append("")
    return "\n".join(lines)


def _labels_table(c: Concept) -> str:
    def cell(values: Iterable[str]) -> str:
        return "; ".join(myst_escape(v) for v in values) or "–"

    rows = [
        ("Preferred label · voorkeursterm", cell([c.pref.en]), cell([c.pref.nl])),
        ("Synonyms · synoniemen", cell(c.alt.en), cell(c.alt.nl)),
    ]
    lines = ["| Label | English | Nederlands |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {nl(d) if d != '–' else d} |" for a, b, d in rows]
    return "\n".join(lines)


def page_concept(site: Site, cid: str) -> str:
    kb, here = site.kb, doc_of("concept", cid)
    c = kb.concepts[cid]
    lines = [f"# {site.concept_title(c)}", ""]
    if c.deprecated:
        use = ", ".join(site.concept_link(r, here) for r in c.replaced_by) or "–"
        lines += ["```{admonition} Retired concept · Vervallen begrip", ":class: warning", ""]
        lines += [f"Use instead: {use}.", "```", ""]
    lines += [_labels_table(c), ""]
    lines += [f"**Definition.** {site.linker.link(c.definition.en, here, skip=[cid])}", ""]
    lines += [f"**Definitie.** {nl(site.linker.link(c.definition.nl, here, skip=[cid]))}", ""]
    if c.scope_note.en or c.scope_note.nl:
        lines += ["```{admonition} Not to be confused with · Niet te verwarren met", ":class: tip", ""]
        if c.scope_note.en:
            lines += [site.linker.link(c.scope_note.en, here, skip=[cid]), ""]
        if c.scope_note.nl:
            lines += [nl(site.linker.link(c.scope_note.nl, here, skip=[cid])), ""]
        lines += ["```", ""]
    facts = [
        (
            "Topics · onderwerpen",
            [
                link(_bilingual(kb.topics[t].label.en, kb.topics[t].label.nl), here, doc_of("topic", t))
                for t in c.topics
                if t in kb.topics
            ],
        ),
        ("Broader · breder", [site.concept_link(b, here) for b in c.broader]),
        ("Narrower · smaller", [site.concept_link(n, here) for n in site.narrower.get(cid, [])]),
        ("Related · verwant", [site.concept_link(r, here) for r in site.related.get(cid, [])]),
    ]
    for name, values in facts:
        if values:
            lines += [f"**{name}:** {', '.join(values)}", ""]
    for amb in kb.ambiguous.values():
        if cid in amb.candidates:
            others = [site.concept_link(o, here) for o in amb.candidates if o != cid]
            word = myst_escape(amb.label)
            word = nl(word) if amb.lang == "nl" else word
            language = "Dutch" if amb.lang == "nl" else "English"
            lines += [
                f"**Ambiguous word · meerduidig woord:** the {language} word *{word}* may also mean "
                f"{', '.join(others)}. "
                f"{myst_escape(amb.note.en)} {nl(myst_escape(amb.note.nl))}",
                "",
            ]
    hidden = list(dict.fromkeys([*c.hidden.en, *c.hidden.nl]))
    if hidden:
        lines += [f"**Also found when searching for:** {'; '.join(myst_escape(h) for h in hidden)}", ""]
    lines += [f"**Sources · bronnen:** {site.sources(c.source)}", ""]
    lines += [f"See also the {link('glossary', here, f'{GENERATED}/glossary')}.", ""]
    papers = site.concept_papers.get(cid, [])
    lines += [f"## Papers · Publicaties ({len(papers)})", ""]
    if papers:
        lines.append(
            _list_table(
                ["Reference", "Year", "Title"],
                [[cite([p], textual=True), str(kb.papers[p].year), myst_escape(kb.papers[p].title)] for p in papers],
                caption="Papers discussing this concept",
                css_class="cxkb-papers",
                widths=(25, 8, 67),
            )
        )
    else:
        lines.append("No paper in the literature table discusses this concept yet.")
    lines.append("")
    return "\n".join(lines)


def page_concept_index(site: Site) -> str:
    here = doc_of("concept", "index")
    kb = site.kb
    rows = []
    for c in sorted(kb.concepts.values(), key=lambda c: c.pref.en.lower()):
        topics = ", ".join(myst_escape(kb.topics[t].label.en) for t in c.topics if t in kb.topics)
        rows.append(
            [
                link(myst_escape(c.pref.en), here, doc_of("concept", c.id)) + (" (retired)" if c.deprecated else ""),
                nl(myst_escape(c.pref.nl)),
                topics,
                str(len(site.concept_papers.get(c.id, []))),
            ]
        )
    return "\n".join(
        [
            "# Concepts A–Z · Begrippen A–Z",
            "",
            "Every concept of the taxonomy with its English and Dutch preferred label. Each has a page with its "
            "synonyms, definitions in both languages, sources, related concepts and the papers that discuss it. "
            f"The {link('glossary', here, f'{GENERATED}/glossary')} lists the same concepts under all their names.",
            "",
            _list_table(
                ["English", "Nederlands", "Topics", "Papers"], rows, caption="All concepts", css_class="cxkb-papers"
            ),
            "",
        ]
    )


def page_glossary(site: Site) -> str:
    """A Sphinx glossary: every concept under all its English and Dutch names.

    Sphinx treats glossary terms case-insensitively and warns about duplicates, so each
    name appears once: ambiguous words get an entry of their own that points to every
    concept they may mean, and a name shared by the two languages is listed once.
    """
    kb, here = site.kb, f"{GENERATED}/glossary"
    used: set[str] = set()
    entries: list[tuple[str, list[str], list[str]]] = []  # (sort key, terms, definition lines)

    for amb in sorted(kb.ambiguous.values(), key=lambda a: a.label.lower()):
        key = " ".join(amb.label.split()).lower()
        if key in used:
            continue
        used.add(key)
        meanings = ", ".join(site.concept_link(cid, here) for cid in amb.candidates)
        lang = "Dutch" if amb.lang == "nl" else "English"
        body = [
            f"*Ambiguous {lang} word · meerduidig woord.* It may mean: {meanings}.",
            "",
            f"{myst_escape(amb.note.en)} {nl(myst_escape(amb.note.nl))}",
        ]
        entries.append((key, [myst_escape(amb.label)], body))

    for c in kb.concepts.values():
        terms = []
        for label in (c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl):
            key = " ".join(label.split()).lower()
            if key and key not in used:
                used.add(key)
                terms.append(myst_escape(label))
        if not terms:
            continue
        body = [f"{site.linker.link(c.definition.en, here, skip=[c.id])}", ""]
        body += [f"{nl(site.linker.link(c.definition.nl, here, skip=[c.id]))}", ""]
        synonyms = [*c.alt.en, *c.alt.nl]
        names = f"English: {myst_escape(c.pref.en)}; Nederlands: {nl(myst_escape(c.pref.nl))}"
        if synonyms:
            names += f"; synonyms · synoniemen: {'; '.join(myst_escape(s) for s in synonyms)}"
        body += [names + ".", ""]
        if c.scope_note.en or c.scope_note.nl:
            notes = " ".join(
                x
                for x in (
                    site.linker.link(c.scope_note.en, here, skip=[c.id]),
                    nl(site.linker.link(c.scope_note.nl, here, skip=[c.id])),
                )
                if x
            )
            body += [f"**Not to be confused with · niet te verwarren met:** {notes}", ""]
        if c.deprecated:
            body += [f"**Retired.** Use {', '.join(site.concept_link(r, here) for r in c.replaced_by) or '–'}.", ""]
        body += [f"Sources · bronnen: {site.sources(c.source)}.", ""]
        body += [f"{link('Concept page · begrippagina', here, doc_of('concept', c.id))}"]
        entries.append((c.pref.en.lower(), terms, body))

    lines = [
        "# Glossary · Woordenlijst",
        "",
        "Every concept of the taxonomy, under its English and Dutch preferred labels and all its synonyms, with its "
        "definitions in both languages and its sources. The book's search finds a concept by any of these names.",
        "",
    ]
    present = [cid for cid in CONFUSABLE if cid in kb.concepts]
    if len(present) >= 2:
        lines += [
            "## Often confused · Vaak verward",
            "",
            "Four terms sound alike but mean different things:",
            "",
            _list_table(
                ["Concept", "Definition", "Not to be confused with"],
                [
                    [
                        site.concept_link(cid, here),
                        site.linker.link(kb.concepts[cid].definition.en, here, skip=[cid]),
                        site.linker.link(kb.concepts[cid].scope_note.en, here, skip=[cid]) or "–",
                    ]
                    for cid in present
                ],
                caption="Customer experience and its neighbours",
            ),
            "",
            "## All terms · Alle termen",
            "",
        ]
    lines.append("````{glossary}")
    for _key, terms, body in sorted(entries, key=lambda e: (e[0], e[1])):
        lines += terms
        lines += [f"  {b}" if b else "" for b in body]
        lines.append("")
    lines.append("````")
    lines.append("")
    return "\n".join(lines)


# --- the ontology reference ------------------------------------------------------------


def page_ontology(site: Site) -> str:
    """The schema in ``ontology/cxkb.ttl``: metadata, classes and properties in both languages."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

    from cxkb.namespaces import BASE, CX, ONTOLOGY, PREFIXES, VANN

    g = Graph()
    g.parse(site.root / "ontology" / "cxkb.ttl", format="turtle")
    here = f"{GENERATED}/ontology"

    def texts(subject: URIRef, prop: URIRef, lang: str) -> str:
        values = sorted(str(o) for o in g.objects(subject, prop) if isinstance(o, Literal) and o.language == lang)
        return " ".join(values)

    def plain(subject: URIRef, prop: URIRef) -> str:
        return ", ".join(sorted(str(o) for o in g.objects(subject, prop)))

    def qname(node: object) -> str:
        text = str(node)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(ns)) and len(text) > len(str(ns)):
                return f"{prefix}:{text[len(str(ns)) :]}"
        return text

    def anchor(node: object) -> str:
        return "cx-" + str(node)[len(str(CX)) :].lower()

    def ref(node: object) -> str:
        if str(node).startswith(str(CX)):
            return f"[{myst_escape(qname(node))}](#{anchor(node)})"
        return myst_escape(qname(node))

    def bilingual_block(subject: URIRef) -> list[str]:
        out = []
        label_en, label_nl = texts(subject, RDFS.label, "en"), texts(subject, RDFS.label, "nl")
        if label_en or label_nl:
            out += [f"**Label:** {myst_escape(label_en)} · {nl(myst_escape(label_nl))}", ""]
        definition_en, definition_nl = texts(subject, SKOS.definition, "en"), texts(subject, SKOS.definition, "nl")
        if definition_en:
            out += [f"**Definition.** {myst_escape(definition_en)}", ""]
        if definition_nl:
            out += [f"**Definitie.** {nl(myst_escape(definition_nl))}", ""]
        return out

    lines = [
        "# Ontology reference · Ontologie",
        "",
        "The schema of the knowledge graph, generated from `ontology/cxkb.ttl`: the ontology's metadata, its "
        "classes and its properties, each with its label and definition in English and Dutch. The individuals "
        "(domains, topics, questions, concepts, papers) come from the tables and are in the release files.",
        "",
        "## Metadata",
        "",
        "| Field | Value |",
        "|---|---|",
    ]
    namespace = myst_escape(plain(ONTOLOGY, VANN.preferredNamespaceUri))
    prefix = myst_escape(plain(ONTOLOGY, VANN.preferredNamespacePrefix))
    meta = [
        (
            "Title",
            f"{myst_escape(texts(ONTOLOGY, DCTERMS.title, 'en'))} · "
            f"{nl(myst_escape(texts(ONTOLOGY, DCTERMS.title, 'nl')))}",
        ),
        ("IRI", myst_escape(str(ONTOLOGY))),
        ("Version", myst_escape(plain(ONTOLOGY, OWL.versionInfo))),
        ("Version IRI", myst_escape(plain(ONTOLOGY, OWL.versionIRI))),
        ("Created", myst_escape(plain(ONTOLOGY, DCTERMS.created))),
        ("Modified", myst_escape(plain(ONTOLOGY, DCTERMS.modified))),
        ("Licence", myst_escape(plain(ONTOLOGY, DCTERMS.license))),
        ("Source", myst_escape(plain(ONTOLOGY, DCTERMS.source))),
        ("Namespace", f"{namespace} (prefix {prefix})"),
    ]
    lines += [f"| {k} | {v or '–'} |" for k, v in meta]
    lines += ["", f"**Description.** {myst_escape(texts(ONTOLOGY, DCTERMS.description, 'en'))}", ""]
    lines += [f"**Beschrijving.** {nl(myst_escape(texts(ONTOLOGY, DCTERMS.description, 'nl')))}", ""]

    lines += ["## Downloads", ""]
    if site.release_files:
        lines += [
            "The released knowledge graph (schema, all records and the inferred triples), in four formats, plus the "
            "asserted triples only:",
            "",
            "| File | Format | Size |",
            "|---|---|---|",
        ]
        formats = {
            "cxkb.ttl": "Turtle",
            "cxkb.owl": "RDF/XML (OWL)",
            "cxkb.jsonld": "JSON-LD",
            "cxkb.nt": "N-Triples",
            "cxkb-base.ttl": "Turtle, asserted triples only (no inferences)",
        }
        for path in site.release_files:
            url = html.escape(posixpath.relpath(f"release/{path.name}", posixpath.dirname(here)))
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            lines.append(
                f'| <a href="{url}" download>{html.escape(path.name)}</a> | '
                f"{myst_escape(formats.get(path.name, path.suffix))} | {size} |"
            )
    else:
        lines.append("The release files have not been built yet: run `cxkb build`.")
    lines.append("")

    classes = sorted(s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef) and str(s).startswith(str(CX)))
    lines += ["## Classes · Klassen", ""]
    for cls in classes:
        lines += [f"({anchor(cls)})=", f"### {myst_escape(qname(cls))}", "", f"IRI: {myst_escape(str(cls))}", ""]
        lines += bilingual_block(cls)
        parents = sorted(g.objects(cls, RDFS.subClassOf), key=str)
        if parents:
            lines += [f"**Subclass of:** {', '.join(ref(p) for p in parents)}", ""]

    kinds = (
        ("Object properties · Objecteigenschappen", OWL.ObjectProperty),
        ("Annotation properties · Annotatie-eigenschappen", OWL.AnnotationProperty),
    )
    for title, kind in kinds:
        props = sorted(s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(CX)))
        if not props:
            continue
        lines += [f"## {title}", ""]
        for prop in props:
            lines += [f"({anchor(prop)})=", f"### {myst_escape(qname(prop))}", "", f"IRI: {myst_escape(str(prop))}", ""]
            lines += bilingual_block(prop)
            traits = [
                name
                for name, cls in (
                    ("functional", OWL.FunctionalProperty),
                    ("symmetric", OWL.SymmetricProperty),
                    ("transitive", OWL.TransitiveProperty),
                )
                if (prop, RDF.type, cls) in g
            ]
            facts = [
                ("Domain", ", ".join(ref(x) for x in sorted(g.objects(prop, RDFS.domain), key=str))),
                ("Range", ", ".join(ref(x) for x in sorted(g.objects(prop, RDFS.range), key=str))),
                ("Characteristics", ", ".join(traits)),
                ("Inverse of", ", ".join(ref(x) for x in sorted(g.objects(prop, OWL.inverseOf), key=str))),
            ]
            for chain in g.objects(prop, OWL.propertyChainAxiom):
                from rdflib.collection import Collection

                steps = " ∘ ".join(ref(x) for x in Collection(g, chain))
                facts.append(("Property chain", f"{steps} ⊑ {ref(prop)}"))
            lines += [f"**{k}:** {v}  " for k, v in facts if v]
            lines.append("")

    declared = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    reused = sorted(qname(s) for s in declared if not str(s).startswith(BASE))  # not cxkb's own terms
    lines += [
        "## Reused terms · Hergebruikte termen",
        "",
        "Terms of other vocabularies the schema declares so that OWL tools read the graph as OWL 2 DL: "
        + ", ".join(myst_escape(x) for x in reused)
        + ".",
        "",
    ]
    return "\n".join(lines)


# --- contributing pages ----------------------------------------------------------------


def _project_markdown(text: str, links: dict[str, str]) -> str:
    """A project document (trusted Markdown) made fit for the book.

    Links between repository files become links between book pages, and a ``|`` inside
    a code span in a table row is escaped, since GitHub-flavoured tables split on it.
    """
    for old, new in links.items():
        text = text.replace(f"]({old})", f"]({new})")
    out = []
    for line in text.splitlines():
        if line.startswith("|"):
            line = re.sub(r"`([^`]*)`", lambda m: "`" + m.group(1).replace("|", "\\|") + "`", line)
        out.append(line)
    return "\n".join(out) + "\n"


# --- notebooks -------------------------------------------------------------------------


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def fingerprint(root: Path, patterns: Iterable[str]) -> str:
    """A hash of the files a notebook reads: names and contents, in a stable order."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def render_notebook(template: str, root: Path, name: str) -> str:
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
    body = template[match.end() :]
    heading = re.search(r"^# .*$", body, re.M)
    if heading is None:
        raise BookError(f"{BOOK_DIR}/{NOTEBOOK_TEMPLATES}/{name}.md has no title")
    cell = (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"# Generated from book/{NOTEBOOK_TEMPLATES}/{name}.md. The fingerprint of the files this page reads\n"
        "# makes the notebook cache re-execute it whenever they change.\n"
        f'CXKB_DATA = "{fingerprint(root, depends)}"\n```\n'
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
    return posixpath.relpath(target, posixpath.dirname(from_doc) or ".")


# --- table of contents -----------------------------------------------------------------

NOTEBOOK_PARTS = {
    "analyses": ("evidence-gaps", "co-keywords", "trends"),
    "data": ("cookbook",),
}


def toc(site: Site, notebooks: Sequence[str]) -> str:
    """``_toc.yml``: file paths only (no contributor text), in the tables' order."""
    kb = site.kb
    lines = ["# Generated by `cxkb book` from the tables; do not edit.", "format: jb-book", "root: intro", "parts:"]
    lines += ['  - caption: "The framework · Het raamwerk"', "    chapters:", f"      - file: {GENERATED}/map"]
    for d in kb.domains:
        lines.append(f"      - file: {doc_of('domain', d)}")
        topics = site.topics_of(d)
        if topics:
            lines.append("        sections:")
        for t in topics:
            lines.append(f"          - file: {doc_of('topic', t)}")
            questions = site.questions_of(t)
            if questions:
                lines.append("            sections:")
                lines += [f"              - file: {doc_of('question', q)}" for q in questions]
    lines += ['  - caption: "Concepts · Begrippen"', "    chapters:", f"      - file: {GENERATED}/glossary"]
    lines.append(f"      - file: {doc_of('concept', 'index')}")
    if kb.concepts:
        lines.append("        sections:")
        for c in sorted(kb.concepts.values(), key=lambda c: (c.pref.en.lower(), c.id)):
            lines.append(f"          - file: {doc_of('concept', c.id)}")
    analyses = [n for n in NOTEBOOK_PARTS["analyses"] if n in notebooks]
    if analyses:
        lines += ['  - caption: "Analyses · Analyses"', "    chapters:"]
        lines += [f"      - file: {GENERATED}/notebooks/{n}" for n in analyses]
    lines += ['  - caption: "Data · Gegevens"', "    chapters:"]
    lines += [f"      - file: {GENERATED}/notebooks/{n}" for n in NOTEBOOK_PARTS["data"] if n in notebooks]
    lines += [f"      - file: {GENERATED}/ontology", "      - file: bibliography"]
    others = [n for n in notebooks if n not in NOTEBOOK_PARTS["analyses"] + NOTEBOOK_PARTS["data"]]
    lines += [f"      - file: {GENERATED}/notebooks/{n}" for n in others]
    lines += ['  - caption: "Contributing · Bijdragen"', "    chapters:", f"      - file: {GENERATED}/contributing"]
    lines += ["        sections:", f"          - file: {GENERATED}/tables"]
    return "\n".join(lines) + "\n"


# --- generate --------------------------------------------------------------------------


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

    frames = Frames.load(root)
    site = Site(root, frames.kb, frames, release_files(root))
    kb = site.kb
    pages: dict[str, str] = {
        f"{GENERATED}/overview.md": page_overview(site),
        f"{GENERATED}/map.md": page_map(site),
        f"{GENERATED}/glossary.md": page_glossary(site),
        f"{GENERATED}/concepts/index.md": page_concept_index(site),
        f"{GENERATED}/ontology.md": page_ontology(site),
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
    pages[f"{GENERATED}/contributing.md"] = _project_markdown(
        contributing or "# How to contribute\n", {"docs/tables.md": "tables.md"}
    )
    pages[f"{GENERATED}/tables.md"] = _project_markdown(tables or "# Table contract\n", {})

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


# --- build and serve -------------------------------------------------------------------


def release_is_stale(root: Path) -> bool:
    """True when a release file is missing or older than a source it is built from."""
    files = release_files(root)
    if not any(p.name == "cxkb.ttl" for p in files):
        return True
    built = min(p.stat().st_mtime for p in files)
    sources = [p for pattern in RELEASE_SOURCES for p in root.glob(pattern) if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def ensure_release(root: Path, log: Log = _quiet) -> None:
    """Build the release files the site offers for download when they are missing or stale."""
    if release_is_stale(root):
        from cxkb.kg.build import build

        log("building the knowledge graph release (build/release/)")
        build(root, progress=log)


def build_book(root: Path, *, clean: bool = False, strict: bool = True, log: Log = _quiet) -> Path:
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
    ensure_release(root, log)
    log("generating pages from the tables")
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


# ---------------------------------------------------------------------------------------
# Sphinx extension (listed in book/_config.yml)
# ---------------------------------------------------------------------------------------


def _visit_math(self: Any, node: Any) -> None:
    from docutils import nodes

    self.body.append(f'<code class="math">{html.escape(node.astext())}</code>')
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: Any) -> None:
    from docutils import nodes

    self.body.append(f'<pre class="math">{html.escape(node.astext())}</pre>')
    raise nodes.SkipNode


def label_sidebar_toggles(sidebar: Any) -> Any:
    """Give the sidebar's expand/collapse toggles (icon-only ``<summary>``) an accessible name.

    The theme builds the sidebar as a BeautifulSoup tree; each ``<summary>`` gets a
    visually hidden "Sections of <page title>". Anything else is returned unchanged.
    """
    select = getattr(sidebar, "select", None)
    if select is None:
        return sidebar
    for summary in select("li > details > summary"):
        if summary.select_one(".visually-hidden") is not None:
            continue  # the theme caches the tree; label it once
        item = summary.parent.parent
        anchor = item.find("a", recursive=False)
        title = anchor.get_text(" ", strip=True) if anchor is not None else "this page"
        span = sidebar.new_tag("span", attrs={"class": "visually-hidden"})
        span.string = f"Sections of {title}"
        summary.append(span)
    return sidebar


def _page_assets(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Load vis-network on pages with a map, drop the Thebe loader no page uses, label sidebar toggles.

    sphinx-book-theme puts the page and book titles into the context as plain text
    (``astext()``) and its templates print them unescaped (the print header, the sidebar);
    a record whose label reads ``<script>`` would run there, so both are escaped here.
    """
    for key in ("pagetitle", "root_title"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])
    toctree = context.get("generate_toctree_html")
    if callable(toctree) and not getattr(toctree, "cxkb_labelled", False):

        def labelled(*args: Any, **kwargs: Any) -> Any:
            return label_sidebar_toggles(toctree(*args, **kwargs))

        labelled.cxkb_labelled = True  # type: ignore[attr-defined]
        context["generate_toctree_html"] = labelled
    body = context.get("body")
    if body:
        # Docutils marks bibliography entries up as role="doc-biblioentry" (deprecated in ARIA
        # 1.3) inside role="list", which needs role="listitem" children.
        body = body.replace('role="doc-biblioentry"', 'role="listitem"')
        # myst-nb names its "Show code cell source" toggles "Toggle hidden content", which is not
        # the visible text (WCAG 2.5.3, label in name); without the label the text names it.
        context["body"] = body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if 'class="cxkb-map"' in (body or ""):
        # Before cxkb.js (priority 500): deferred scripts run in order, and cxkb.js draws the maps.
        app.add_js_file(maps.VIS_SCRIPT, priority=200, defer="defer")
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            files[:] = [
                f
                for f in files
                if "thebe" not in str(f).lower() and "THEBE" not in str(getattr(f, "attributes", {}).get("body", ""))
            ]


def _drop_thebe_config(app: Any, doctree: Any, docname: str) -> None:
    """sphinx-thebe appends its (unused) configuration scripts to every notebook page."""
    from docutils import nodes

    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "text/x-thebe-config" in text or "kernelName =" in text:
            node.parent.remove(node)


def _indexed_filtered_entries(self: Any, bibliography_key: Any) -> Iterator[tuple[str, Any]]:
    """sphinxcontrib-bibtex's ``get_filtered_entries`` with the citations indexed once.

    The library looks up, for every entry, every citation in the book: entries times
    citations, which at 10,000 papers (and tens of thousands of citations on the topic,
    question and concept pages) takes hours. This does the same with one pass over the
    citations; the entries, their order and the filter semantics are unchanged
    (tests/test_book.py compares both on the same domain).
    """
    from sphinxcontrib.bibtex import domain as bibdomain

    bibliography = self.bibliographies[bibliography_key]
    cited: dict[str, set[str]] = defaultdict(set)
    for citation_ref in self.citation_refs:
        for target in citation_ref.targets:
            cited[target.key].add(citation_ref.docname)
    for entry in self.get_entries(bibliography.bibfiles):
        key = bibliography.keyprefix + entry.key
        cited_docnames = set(cited.get(key, ()))
        visitor = bibdomain._FilterVisitor(entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames)
        try:
            success = visitor.visit(bibliography.filter_)
        except ValueError as err:
            bibdomain.logger.warning(
                f"syntax error in :filter: expression; {err}",
                location=(bibliography_key.docname, bibliography.line),
                type="bibtex",
                subtype="filter_syntax_error",
            )
            success = bool(cited_docnames)
        if success or entry.key in bibliography.keys:
            yield key, entry


def _indexed_resolve_xref(
    self: Any, env: Any, fromdocname: str, builder: Any, typ: str, target: str, *rest: Any
) -> Any:
    """sphinxcontrib-bibtex's ``resolve_xref``, shown only the citations of the keys it resolves.

    The library scans every citation of the book for each citation reference (twice), so
    a 10,000-paper book spends hours here. The wrapper hands the library's own method the
    few citations whose key the reference names, in their original order, and puts the
    full list back afterwards: same answers, a dictionary lookup instead of a scan.
    """
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets

    citations = self.data["citations"]
    cached = getattr(self, "_cxkb_citation_index", None)
    if cached is None or cached[0] is not citations or cached[1] != len(citations):
        index: dict[str, list[int]] = defaultdict(list)
        for position, citation in enumerate(citations):
            index[citation.key].append(position)
        cached = (citations, len(citations), index)
        self._cxkb_citation_index = cached
    positions = sorted({i for t in parse_citation_targets(target) for i in cached[2].get(t.key, ())})
    self.data["citations"] = [citations[i] for i in positions]
    try:
        return _library_resolve_xref(self, env, fromdocname, builder, typ, target, *rest)
    finally:
        self.data["citations"] = citations


def _remembering_find_plugin(find: Callable[..., Any]) -> Callable[..., Any]:
    """pybtex's ``find_plugin``, remembering what it found by group and name.

    Every citation reference asks pybtex for the same few plugins, and each question scans
    the installed packages' entry points again; at tens of thousands of references that
    scan alone takes minutes. Plugins do not change while a book builds.
    """
    found: dict[tuple[str, str], Any] = {}

    def find_plugin(plugin_group: str, name: Any = None, filename: Any = None) -> Any:
        if not isinstance(name, str) or filename is not None:
            return find(plugin_group, name, filename)
        key = (plugin_group, name)
        if key not in found:
            found[key] = find(plugin_group, name)
        return found[key]

    find_plugin.__wrapped__ = find  # type: ignore[attr-defined]
    return find_plugin


PATCHED_BIBTEX = ("2.6.", "2.7.")  # versions whose methods the two functions above mirror or wrap
_library_filtered_entries: Any = None  # the library's own, kept for the comparison test
_library_resolve_xref: Any = None


def patch_bibtex() -> bool:
    """Swap in the indexed lookup where the installed sphinxcontrib-bibtex is one it mirrors."""
    try:
        from importlib.metadata import version

        from sphinxcontrib.bibtex import domain as bibdomain
    except ImportError:
        return False
    global _library_filtered_entries, _library_resolve_xref
    if not version("sphinxcontrib-bibtex").startswith(PATCHED_BIBTEX):
        return False
    domain = bibdomain.BibtexDomain
    if domain.get_filtered_entries is not _indexed_filtered_entries:
        _library_filtered_entries = domain.get_filtered_entries
        domain.get_filtered_entries = _indexed_filtered_entries
    if domain.resolve_xref is not _indexed_resolve_xref:
        _library_resolve_xref = domain.resolve_xref
        domain.resolve_xref = _indexed_resolve_xref
    import pybtex.plugin

    if not hasattr(pybtex.plugin.find_plugin, "__wrapped__"):
        pybtex.plugin.find_plugin = _remembering_find_plugin(pybtex.plugin.find_plugin)
    return True


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: plain-text math instead of MathJax from a CDN, page assets, theme files."""
    app.add_html_math_renderer("cxkb-plain", (_visit_math, None), (_visit_displaymath, None))
    app.add_css_file("cxkb.css")
    app.add_js_file("cxkb.js", defer="defer")
    app.connect("html-page-context", _page_assets, priority=900)  # after the theme's own handler
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    patch_bibtex()
    # Bump EXTENSION_VERSION when what the handlers above change in the HTML changes: Sphinx then
    # rebuilds every page, where it would otherwise rewrite only pages whose sources changed.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": EXTENSION_VERSION}
