"""What every generated page is made from: the site model over the release, and small helpers
for bilingual titles and tables."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cxkb.book import maps
from cxkb.book.frames import Frames
from cxkb.book.markup import (
    MentionLinker,
    cite,
    doc_of,
    doi_link,
    external_link,
    in_lang,
    link,
    myst_escape,
    natural_key,
    rel_html,
    rel_path,
)
from cxkb.model import Concept, KnowledgeBase, Paper, Source, Text


def bilingual(en: str, nl_: str) -> str:
    """A title or label in English with the Dutch beside it (once when both are the same)."""
    if not nl_ or nl_.strip().lower() == en.strip().lower():
        return myst_escape(en)
    return f"{myst_escape(en)} · {myst_escape(nl_)}"


def list_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str,
    css_class: str = "",
    widths: Sequence[int] = (),
) -> str:
    """A MyST list-table; cells are MyST text already escaped by the caller."""
    lines = [f"```{{list-table}} {caption}".rstrip(), ":header-rows: 1"]
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


def name_order(name: str, ident: str) -> tuple[str, str]:
    """The book's one order of concept names, for every list of concepts in either edition.

    Readers look a concept up by its name, so lists follow the names of the edition's language;
    case is ignored so that *NPS* and *net promoter score* sit where a reader expects them, and
    the id breaks ties so that the order never depends on the order the release gave.
    """
    return (name.lower(), ident)


def source_name(source: Source) -> str:
    """How the book names a practitioners' source: its title, then who wrote it, where and when."""
    details = ", ".join(x for x in (source.author, source.outlet, source.date) if x)
    return f"{source.title} ({details})" if details else source.title


def word_key(label: str) -> str:
    """When two labels are the same word for a reader: case and spacing aside. The glossary
    gives such labels one entry, and a concept page tells their notes apart by language."""
    return " ".join(label.split()).lower()


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


@dataclass
class Site:
    """Everything the generated pages are made from, with the lookups they share."""

    root: Path
    kb: KnowledgeBase
    frames: Frames
    release_files: list[Path] = field(default_factory=list)
    lang: str = "en"

    # -- the page's language -----------------------------------------------------------

    @property
    def other(self) -> str:
        return "en" if self.lang == "nl" else "nl"

    def t(self, en: str, nl_: str) -> str:
        """Fixed wording of the book in the page's language."""
        return nl_ if self.lang == "nl" else en

    def in_text(self, lang: str) -> str:
        """Which language's use of a word a note is about, for words both languages use."""
        return (
            self.t("in English text", "in Engelse tekst")
            if lang == "en"
            else self.t("in Dutch text", "in Nederlandse tekst")
        )

    def text(self, value: Text) -> str:
        """A bilingual field in the page's language (the other language when it is empty)."""
        first, second = (value.nl, value.en) if self.lang == "nl" else (value.en, value.nl)
        return first or second

    def lang_of(self, value: Text) -> str:
        """The language :meth:`text` actually returns for ``value``."""
        own = value.nl if self.lang == "nl" else value.en
        return self.lang if own else self.other

    def site_file(self, path: str, from_doc: str) -> str:
        """A link from a page to a file the site holds once, at its root, for both editions.

        The release files and the literature downloads are the same bytes in either language,
        so the Dutch edition (under nl/) links to the English edition's copy instead of
        carrying a second one: at 10,000 papers that copy alone was a quarter of the site.
        """
        up = "../" if self.lang == "nl" else ""
        return up + rel_path(from_doc, path)

    def mark(self, myst_text: str, lang: str) -> str:
        """Escaped MyST text marked with its language when it is not the page's."""
        return in_lang(myst_text, lang) if lang != self.lang else myst_text

    def title(self, value: Text) -> str:
        """A title or label in the page's language with the other language's beside it."""
        en, nl_ = value.en, value.nl
        return bilingual(nl_, en) if self.lang == "nl" else bilingual(en, nl_)

    def linked(self, value: Text, from_doc: str, *, skip: Iterable[str] = ()) -> str:
        """A bilingual field in the page's language, concept mentions linked, language marked."""
        return self.mark(self.linker.link(self.text(value), from_doc, skip=skip), self.lang_of(value))

    def note(self, p: Paper) -> str:
        """A paper's summary in the page's language."""
        return (p.note_nl or p.note) if self.lang == "nl" else (p.note or p.note_nl)

    def paper_title(self, p: Paper) -> str:
        """The paper's title, linked to its DOI (or URL); titles are given as published."""
        text = myst_escape(p.title)
        if p.doi:
            text = external_link(text, "https://doi.org/" + p.doi)
        elif p.url:
            text = external_link(text, p.url)
        return text

    def summary(self, p: Paper) -> str:
        """The paper's summary folded away (HTML, escaped): the tables stay short."""
        note = self.note(p)
        if not note:
            return "–"
        word = self.t("Summary", "Samenvatting")
        return f"<details><summary>{word}</summary>{html.escape(' '.join(note.split()))}</details>"

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
    def gaps(self) -> frozenset[str]:
        """The research questions the build counts as evidence gaps."""
        return frozenset(self.frames.evidence_gaps())

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

    @cached_property
    def mentions(self) -> dict[str, list[tuple[str, str]]]:
        return mention_index(self)

    def cited_paper(self, ref: str) -> str | None:
        """The paper of the table that a concept's source reference names, if it is one (a DOI)."""
        return self.paper_by_doi.get(ref.lower()) if ref.startswith("10.") else None

    @cached_property
    def source_papers(self) -> dict[str, list[str]]:
        """Papers of the table a concept cites as a source of its definition."""
        out: dict[str, list[str]] = {}
        for c in self.kb.concepts.values():
            ids = [pid for pid in map(self.cited_paper, c.source) if pid]
            if ids:
                out[c.id] = self.sort_papers(ids)
        return out

    @cached_property
    def paper_concepts(self) -> dict[str, list[str]]:
        """Concepts per paper: those it discusses and those citing it as a source."""
        out: dict[str, set[str]] = defaultdict(set)
        for p in self.kb.papers.values():
            out[p.id].update(c for c in p.concepts if c in self.kb.concepts)
        for cid, ids in self.source_papers.items():
            for pid in ids:
                out[pid].add(cid)
        return {k: sorted(v) for k, v in out.items()}

    def record_link(self, kind: str, ident: str, from_doc: str) -> str:
        """A link to a domain, topic, question or concept page, titled in the page's language."""
        kb = self.kb
        if kind == "concept":
            return self.concept_link(ident, from_doc)
        if kind == "question":
            q = kb.questions[ident]
            return link(myst_escape(self.text(q.text)), from_doc, doc_of("question", ident))
        value = (kb.domains if kind == "domain" else kb.topics)[ident].label
        return link(myst_escape(self.text(value)), from_doc, doc_of(kind, ident))

    def sort_papers(self, ids: Iterable[str]) -> list[str]:
        """Newest first, then by id: the order of every paper list in the book."""
        return sorted((i for i in ids if i in self.kb.papers), key=lambda i: (-self.kb.papers[i].year, i))

    def topics_of(self, domain: str) -> list[str]:
        return [t.id for t in self.kb.topics.values() if t.domain == domain]

    def questions_of(self, topic: str) -> list[str]:
        return sorted((q.id for q in self.kb.questions.values() if q.topic == topic), key=natural_key)

    def concept_order(self, ids: Iterable[str]) -> list[str]:
        """Concept ids in the order of their names in this edition (see :func:`name_order`)."""
        return sorted(ids, key=lambda cid: name_order(self.text(self.kb.concepts[cid].pref), cid))

    def concepts_of(self, topic: str) -> list[str]:
        return self.concept_order(c.id for c in self.kb.concepts.values() if topic in c.topics)

    def concept_title(self, c: Concept) -> str:
        return self.title(c.pref)

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
                pid = self.cited_paper(ref)
                parts.append(cite([pid], textual=True) if pid else doi_link(ref))
            elif ref in self.kb.sources:
                s = self.kb.sources[ref]
                parts.append(f"*{self.mark(myst_escape(source_name(s)), 'nl' if s.language == 'nl' else 'en')}*")
            else:
                parts.append(myst_escape(ref))
        return "; ".join(parts) if parts else "–"

    def question_label(self, qid: str, topic: str | None = None) -> str:
        """``Q1``; prefixed with the question's topic when shown outside that topic."""
        short = qid.rsplit("-", 1)[-1].upper()
        q = self.kb.questions.get(qid)
        if topic is None or q is None or q.topic == topic or q.topic not in self.kb.topics:
            return short
        return f"{myst_escape(self.text(self.kb.topics[q.topic].label))} {short}"

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
        net = maps.build_network(self.frames, spec, self.map_urls(from_doc), lang=self.lang)
        dutch = self.lang == "nl"
        legend = maps.DOMAIN_LEGEND_NL if dutch else maps.DOMAIN_LEGEND
        if spec.kind == "concept":
            key = maps.EGO_KEY_NL if dutch else maps.EGO_KEY
        else:
            key = maps.TAXONOMY_KEY_NL if dutch else maps.TAXONOMY_KEY
        fragment = maps.render_fragment(
            net, f"map-{spec.name}", caption, height=height, legend=legend, key=key, lang=self.lang
        )
        fence = "`" * max(3, longest_run(fragment, "`") + 1)
        return f"{fence}{{raw}} html\n{fragment}\n{fence}"


def longest_run(text: str, ch: str) -> int:
    return max((len(m.group(0)) for m in re.finditer(re.escape(ch) + "+", text)), default=0)


def mention_index(site: Site) -> dict[str, list[tuple[str, str]]]:
    """For each concept, the records whose own texts (either language) mention it: (kind, id).

    These are the pages that link to the concept's page through the mention linker.
    """
    kb, linker = site.kb, site.linker
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    texts: list[tuple[str, str, list[str]]] = []
    for d in kb.domains.values():
        texts.append(("domain", d.id, [d.definition.en, d.definition.nl]))
    for t in kb.topics.values():
        texts.append(("topic", t.id, [t.definition.en, t.definition.nl]))
    for q in kb.questions.values():
        texts.append(("question", q.id, [q.text.en, q.text.nl]))
    for c in kb.concepts.values():
        texts.append(("concept", c.id, [c.definition.en, c.definition.nl, c.scope_note.en, c.scope_note.nl]))
    if linker.pattern is None:
        return {}
    for kind, ident, values in texts:
        for value in values:
            for m in linker.pattern.finditer(" ".join(value.split())):
                cid = linker.concept_for(m.group(0))
                if cid is not None and not (kind == "concept" and cid == ident):
                    out[cid].add((kind, ident))
    order = {"domain": 0, "topic": 1, "question": 2, "concept": 3}
    return {k: sorted(v, key=lambda x: (order[x[0]], natural_key(x[1]))) for k, v in out.items()}
