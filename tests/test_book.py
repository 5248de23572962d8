"""The book's generator: escaping, links, generated pages, incremental writes, maps and analyses.

The full build (Jupyter Book, Sphinx, notebooks) of a small knowledge base with hostile
text in every contributor field is marked slow; the browser tests cover the real book.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import given, settings
from hypothesis import strategies as st
from myst_parser.parsers.docutils_ import Parser

from conftest import REPO, built, edit, examples, make_root
from cxkb.book import build as bookbuild
from cxkb.book import generate as bookgen
from cxkb.book import layout, maps, markup, notebooks, site, sphinxext
from cxkb.book.cokeywords import (
    adjusted_rand_index,
    communities,
    compare_with_topics,
    keyword_key,
    normalized_mutual_information,
)
from cxkb.book.frames import Frames
from cxkb.book.pages import project
from cxkb.kg.records import Concept, KnowledgeBase, Labels, Text

HOSTILE = "<script>alert(1)</script> {eval-rst} $x$ | [a](javascript:x) `rm` *b* :::{note} &amp; {{ sub }} \\|"


def _doctree(source: str) -> nodes.document:
    return publish_doctree(
        source,
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": ["colon_fence", "deflist"],
            "report_level": 5,
            "halt_level": 5,
            "output_encoding": "unicode",
            "line_length_limit": 10**7,  # docutils' own guard; Sphinx, which builds the book, has none
        },
    )


def _only_text(node: nodes.Node) -> bool:
    return all(isinstance(child, nodes.Text) for child in node.children)


# ---------------------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"), max_size=80
)


@settings(max_examples=examples(300), deadline=None)
@given(TEXT)
def test_escaped_text_renders_literally_in_a_paragraph(text: str) -> None:
    doc = _doctree(f"Start {markup.myst_escape(text)} end\n")
    expected = " ".join(f"Start {' '.join(text.split())} end".split())
    paragraphs = list(doc.findall(nodes.paragraph))
    assert len(paragraphs) == 1 and _only_text(paragraphs[0])
    assert " ".join(paragraphs[0].astext().split()) == expected


@settings(max_examples=examples(150), deadline=None)
@given(TEXT, TEXT)
def test_escaped_text_stays_in_its_table_cell(a: str, b: str) -> None:
    rows = [[markup.myst_escape(a) or "–", markup.myst_escape(b) or "–"]]
    for source in (
        f"| one | two |\n|---|---|\n| {rows[0][0]} | {rows[0][1]} |\n",
        site.list_table(["one", "two"], rows, caption="Cells") + "\n",
    ):
        doc = _doctree(source)
        entries = [e.astext() for e in doc.findall(nodes.entry)]
        assert len(entries) == 4, source
        assert " ".join(entries[2].split()) == (" ".join(a.split()) or "–")
        assert " ".join(entries[3].split()) == (" ".join(b.split()) or "–")


def test_hostile_text_makes_no_markup() -> None:
    doc = _doctree(f"# {markup.myst_escape(HOSTILE)}\n\n{markup.myst_escape(HOSTILE)}\n")
    for kind in (nodes.raw, nodes.reference, nodes.literal, nodes.emphasis, nodes.strong, nodes.math):
        assert not list(doc.findall(kind)), kind
    assert doc.astext().count("<script>alert(1)</script>") == 2
    assert markup.myst_escape("a\n\n# b\n* c") == "a \\# b \\* c"


def test_links_are_relative_between_documents() -> None:
    assert markup.rel_md("generated/topics/design", "generated/concepts/persona") == "../concepts/persona.md"
    assert markup.rel_md("intro", "generated/map") == "generated/map.md"
    assert markup.rel_html("generated/notebooks/co-keywords", "generated/topics/design") == "../topics/design.html"
    assert markup.rel_html("generated/map", "intro") == "../intro.html"
    assert markup.external_link("x", "javascript:alert(1)") == "x"
    assert markup.external_link("x", "https://example.org/a b") == "x"
    assert markup.external_link("x", "https://example.org/a<b>(c)") == "[x](<https://example.org/a%3Cb%3E(c)>)"
    assert markup.cite(["lemon2016understanding", "bad key"], textual=True) == "{cite:t}`lemon2016understanding`"


# ---------------------------------------------------------------------------------------
# Concept mentions
# ---------------------------------------------------------------------------------------


def _concept(cid: str, en: str, nl: str, alt_en: tuple[str, ...] = (), alt_nl: tuple[str, ...] = ()) -> Concept:
    return Concept(
        cid, Text(en, nl), Labels(alt_en, alt_nl), Labels(), Text("d", "d"), Text("", ""), ("t",), (), (), ("s",),
        False, (),
    )  # fmt: skip


def _kb(*concepts: Concept) -> KnowledgeBase:
    return KnowledgeBase(concepts={c.id: c for c in concepts})


def test_mentions_link_whole_words_longest_first_once() -> None:
    linker = markup.MentionLinker(
        _kb(
            _concept("cx", "customer experience", "klantbeleving", ("CX",)),
            _concept("cj", "customer journey", "klantreis"),
            _concept("cjm", "customer journey map", "klantreiskaart"),
        )
    )
    here = "generated/topics/design"
    out = linker.link("A customer journey map shapes the Customer Experience (CX); customer journey again.", here)
    assert out.count("](../concepts/cjm.md)") == 1
    assert "[customer journey map](../concepts/cjm.md)" in out
    assert "[Customer Experience](../concepts/cx.md)" in out
    assert out.count("](../concepts/cx.md)") == 1, "each concept is linked at its first mention only"
    assert "[customer journey](../concepts/cj.md) again" in out
    # abbreviations match exactly; words inside other words never match
    assert "](" not in linker.link("cx and klantreiskaarten and excess", here)
    assert "](" not in linker.link("the klantreis", here, skip=["cj"])


def test_ambiguous_labels_are_never_linked() -> None:
    linker = markup.MentionLinker(
        _kb(_concept("a", "experience", "beleving"), _concept("b", "perception", "waarneming", alt_nl=("beleving",)))
    )
    assert "](" not in linker.link("beleving", "x")
    assert "[experience](generated/concepts/a.md)" in linker.link("experience", "x")


# ---------------------------------------------------------------------------------------
# Generated sources
# ---------------------------------------------------------------------------------------


def _book_root(tmp_path: Path) -> Path:
    """A mini knowledge base with the repository's hand-written book sources and queries."""
    root = make_root(tmp_path)
    shutil.copytree(REPO / "queries", root / "queries")
    (root / "book").mkdir()
    (root / "book" / "nl").mkdir()
    for name in (
        "_config.yml",
        "intro.md",
        "bibliography.md",
        "terms-allowlist.csv",
        "nl/intro.md",
        "nl/bibliography.md",
    ):
        shutil.copy(REPO / "book" / name, root / "book" / name)
    for folder in ("assets", "_templates", "notebooks"):
        shutil.copytree(REPO / "book" / folder, root / "book" / folder)
    return root


def _make_hostile(root: Path) -> None:
    tables = root / "ontology" / "tables"
    edit(root / "literature" / "papers.csv", "Understanding Customer Experience Throughout the Customer Journey",
         f'"{HOSTILE.replace(chr(34), chr(34) * 2)} Understanding"')  # fmt: skip
    edit(root / "literature" / "papers.csv", "A review that defines", "<b>A</b> [review](javascript:x) that defines")
    edit(root / "literature" / "papers.csv", "customer journey|touch points", "customer journey|<i>touch</i> points")
    edit(tables / "topics.csv", "The emotional side of the experience.", "The <em>emotional</em> side {eval-rst}.")
    edit(tables / "concepts.csv", "People remember an episode", "People `remember` $x$ | an episode")
    edit(tables / "concepts.csv", "piek-eind-regel", "piek-eind-regel|<script>piek</script>")


@pytest.mark.slow
def test_generate_writes_once_and_only_changes(tmp_path: Path) -> None:
    root = _book_root(tmp_path)
    first = bookgen.generate(built(root))
    names = {p.relative_to(root / "book").as_posix() for p in first.written}
    assert {
        "_toc.yml",
        "generated/map.md",
        "generated/glossary.md",
        "generated/topics/customer-emotions.md",
        "generated/questions/customer-emotions-q1.md",
        "generated/concepts/peak-end-rule.md",
        "generated/domains/technology.md",
        "generated/references.bib",
        "generated/static/vis/vis-network.min.js",
        "generated/notebooks/trends.md",
        "generated/ontology.md",
    } <= names
    again = bookgen.generate(built(root))
    assert again.written == [] and again.removed == []

    edit(root / "literature" / "papers.csv", "A cold-water experiment", "A cold-water study")
    third = bookgen.generate(built(root))
    changed = {p.relative_to(root / "book").as_posix() for p in third.written}
    assert "generated/topics/customer-emotions.md" in changed
    assert "generated/concepts/self-service-technology.md" not in changed
    assert "generated/notebooks/trends.md" in changed, "a notebook's data fingerprint follows its data"
    assert "generated/notebooks/cookbook.md" in changed

    stale = root / "book" / "generated" / "concepts" / "retired-thing.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert stale in bookgen.generate(built(root)).removed and not stale.exists()


def test_generated_pages_escape_contributor_text(tmp_path: Path) -> None:
    root = _book_root(tmp_path)
    _make_hostile(root)
    bookgen.generate(built(root))
    generated = root / "book" / "generated"
    topic = (generated / "topics" / "customer-emotions.md").read_text(encoding="utf-8")
    concept = (generated / "concepts" / "peak-end-rule.md").read_text(encoding="utf-8")
    glossary = (generated / "glossary.md").read_text(encoding="utf-8")
    folded = re.compile(r"<details><summary>\w+</summary>([^<]*)</details>")
    # Summaries are folded in raw HTML: HTML-escaped text, never markup.
    assert folded.search(topic) and folded.search(concept)
    assert "&lt;b&gt;A&lt;/b&gt; [review](javascript:x)" in topic
    for text in (folded.sub("", topic), folded.sub("", concept), glossary):
        assert "<script>" not in text and "<b>" not in text and "<em>" not in text
        assert "](javascript" not in text
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in topic
    assert "\\{eval\\-rst\\}" in topic
    assert "\\`remember\\` \\$x\\$ \\| an episode" in concept
    assert "\\<script\\>piek\\<\\/script\\>" in glossary
    doc = _doctree(topic.split("## Concept map")[0])
    assert not list(doc.findall(nodes.raw)) or all(
        n.astext() in ('<span lang="nl">', '<span lang="en">', "</span>") or folded.fullmatch(n.astext().strip())
        for n in doc.findall(nodes.raw)
    ), "the only raw HTML on a topic page (before its map) is language markers and folded summaries"
    toc = (root / "book" / "_toc.yml").read_text(encoding="utf-8")
    assert "script" not in toc and "eval" not in toc


def test_a_word_that_may_name_nothing_says_so_on_its_pages(tmp_path: Path) -> None:
    root = _book_root(tmp_path)
    table = root / "ontology" / "tables" / "ambiguous_labels.csv"
    with table.open("a", encoding="utf-8") as fh:
        fh.write("piek-nl,piek,nl,peak-end-rule,Only with an end.,Alleen met een einde.,peak-end-rule: eind*|none: *\n")
    bookgen.generate(built(root))
    for edition, also, none in (
        ("", "*piek* may also mean", "no concept at all"),
        ("nl/", "*piek* kan ook betekenen:", "helemaal geen begrip"),
    ):
        concept = (root / "book" / edition / "generated/concepts/peak-end-rule.md").read_text(encoding="utf-8")
        glossary = (root / "book" / edition / "generated/glossary.md").read_text(encoding="utf-8")
        assert f"{also} {none}." in re.sub(r"</?span[^>]*>", "", concept)
        assert f", {'or' if not edition else 'of'} {none}." in glossary


@pytest.mark.slow
def test_a_word_both_languages_use_keeps_both_notes(tmp_path: Path) -> None:
    """Dutch writers use *journey* and *experience* in a sense of their own: the concept page says
    which language each note is about, and the glossary gives one entry with both notes."""
    root = _book_root(tmp_path)
    table = root / "ontology" / "tables" / "ambiguous_labels.csv"
    with table.open("a", encoding="utf-8") as fh:
        fh.write("peak-en,peak,en,peak-end-rule|customer-experience,English peak.,Engelse piek.,\n")
        fh.write("peak-nl,peak,nl,peak-end-rule|time-well-saved,Dutch peak.,Nederlandse piek.,\n")
    bookgen.generate(built(root))
    for edition, english, dutch, first, second in (
        ("", "(in English text)", "(in Dutch text)", "*In English text:* English peak", "*In Dutch text:* Dutch peak"),
        ("nl/", "(in Engelse tekst)", "(in Nederlandse tekst)", "*In Nederlandse tekst:* Nederlandse piek",
         "*In Engelse tekst:* Engelse piek"),
    ):  # fmt: skip
        concept = (root / "book" / edition / "generated/concepts/peak-end-rule.md").read_text(encoding="utf-8")
        plain = re.sub(r"</?span[^>]*>", "", concept)
        assert f"*peak* {english}" in plain and f"*peak* {dutch}" in plain
        glossary = (root / "book" / edition / "generated/glossary.md").read_text(encoding="utf-8")
        assert glossary.count("\npeak\n") == 1
        lines = glossary[glossary.index("\npeak\n") + 6 :].splitlines()
        entry = "\n".join(lines[: next(i for i, line in enumerate(lines) if line[:1].isalnum())])
        assert -1 < entry.find(first) < entry.find(second), entry  # the page's language first
        for cid in ("customer-experience", "time-well-saved"):
            assert f"concepts/{cid}.md" in entry
    beleving = (root / "book" / "generated/concepts/customer-experience.md").read_text(encoding="utf-8")
    assert "(in English text)" not in beleving and "(in Dutch text)" not in beleving


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_concept_lists_follow_the_names_of_the_editions_language(lang: str) -> None:
    """A topic page lists its concepts by their names in the page's language, as the concept index
    and the table of contents do: a Dutch reader scans *klantreis* under k, not under c."""
    from cxkb.book.pages.topic import page_topic
    from cxkb.release import open_release

    release = open_release(built(REPO))
    s = site.Site(REPO, release.records, release.frames, lang=lang)
    reordered = 0
    for tid in s.kb.topics:
        listed = s.concepts_of(tid)
        names = [s.text(s.kb.concepts[c].pref).lower() for c in listed]
        assert names == sorted(names), tid
        english = sorted(listed, key=lambda c: s.kb.concepts[c].pref.en.lower())
        reordered += listed != english
        page = page_topic(s, tid)
        section = page[page.index("## " + s.t("Concepts", "Begrippen")) :]
        places = [section.index(f"concepts/{c}.md") for c in listed]
        assert places == sorted(places), tid
    # the Dutch edition must differ from the English order somewhere, or this test proves nothing
    assert (reordered > 0) == (lang == "nl")


def test_notebooks_carry_the_fingerprint_of_their_data(tmp_path: Path) -> None:
    root = built(_book_root(tmp_path))
    template = (root / "book" / "notebooks" / "trends.md").read_text(encoding="utf-8")
    first = notebooks.render_notebook(template, root, "trends")
    assert re.search(r'^CXKB_DATA = "[0-9a-f]{16}"$', first, re.M)
    assert "cxkb:" not in first.split("---")[1], "the template's own settings are not passed on"
    assert first.index("# Trends") < first.index("CXKB_DATA")
    assert notebooks.render_notebook(template, root, "trends") == first
    edit(root / "literature" / "papers.csv", "A cold-water experiment", "A cold-water study")
    assert notebooks.render_notebook(template, root, "trends") == first, "it reads the release, not the tables"
    built(root)
    assert notebooks.render_notebook(template, root, "trends") != first
    with pytest.raises(layout.BookError):
        notebooks.render_notebook("# no front matter\n", root, "x")


def test_project_markdown_links_and_table_pipes() -> None:
    text = "See [the table contract](docs/tables.md).\n| col | `a|b` |\n|---|---|\n"
    out = project.project_markdown(text, {"docs/tables.md": "tables.md"})
    assert "[the table contract](tables.md)" in out
    assert "`a\\|b`" in out
    assert len(list(_doctree(out).findall(nodes.entry))) == 2


def test_sidebar_toggles_get_an_accessible_name() -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(
        '<ul><li><a href="x.html">Topic &amp; more</a><details><summary><i></i></summary><ul></ul></details></li></ul>',
        "html.parser",
    )
    sphinxext.label_sidebar_toggles(soup)
    sphinxext.label_sidebar_toggles(soup)
    assert str(soup).count('<span class="visually-hidden">Sections of Topic &amp; more</span>') == 1
    assert sphinxext.label_sidebar_toggles("<p>text</p>") == "<p>text</p>"
    dutch = BeautifulSoup(
        '<ul><li><a href="x.html">klantreis</a><details><summary></summary></details></li></ul>', "html.parser"
    )
    assert '<span class="visually-hidden">Onderdelen van klantreis</span>' in str(
        sphinxext.label_sidebar_toggles(dutch, "nl")
    )


def test_the_dutch_edition_gets_the_theme_wording_in_dutch() -> None:
    page = (
        '<a class="skip-link" href="#main">Skip to main content</a>'
        '<button aria-label="Toggle primary sidebar" title="Colour mode: light, dark or system"></button>'
        '<a class="headerlink" href="#x" title="Link to this heading">#</a>'
        "<p>Back to top of the list</p><p>  Back to top  </p>"
        '<span title="Skip to main content, please">x</span>'
    )
    out = sphinxext.in_dutch(page)
    assert ">Naar de hoofdinhoud<" in out and 'aria-label="Menu tonen of verbergen"' in out
    assert 'title="Kleurmodus: licht, donker of systeem"' in out and 'title="Link naar deze kop"' in out
    assert "<p>Back to top of the list</p>" in out, "only whole texts are replaced"
    assert "<p>  Terug naar boven  </p>" in out
    assert 'title="Skip to main content, please"' in out


# ---------------------------------------------------------------------------------------
# Maps
# ---------------------------------------------------------------------------------------


def test_map_fragment_is_inert_and_links_only_to_pages(mini_root: Path) -> None:
    topics = mini_root / "ontology" / "tables" / "topics.csv"
    edit(topics, "customer emotions,klantemoties", '"</script><b>x</b>",klantemoties')
    frames = Frames.load(built(mini_root))
    urls = {"topic:customer-emotions": "../topics/customer-emotions.html", "domain:customer": "javascript:alert(1)",
            "concept:peak-end-rule": "//evil.example/x.html"}  # fmt: skip
    net = maps.build_network(frames, maps.MapSpec("all", "all"), urls)
    fragment = maps.render_fragment(net, "map-all", 'Caption <i>"x"</i>')
    data_block = re.search(r'<script type="application/json" id="map-all-data">(.*?)</script>', fragment, re.S)
    assert data_block and "<" not in data_block.group(1) and ">" not in data_block.group(1)
    data = json.loads(data_block.group(1))
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id["topic:customer-emotions"]["label"] == "</script><b>x</b>"
    assert by_id["topic:customer-emotions"]["url"] == "../topics/customer-emotions.html"
    assert "url" not in by_id["domain:customer"] and "url" not in by_id["concept:peak-end-rule"]
    assert "<i>" not in fragment and "&lt;i&gt;&quot;x&quot;&lt;/i&gt;" in fragment
    assert "<script>" not in fragment.replace('<script type="application/json"', "")
    assert "\n\n" not in fragment
    assert by_id["topic:customer-emotions"]["color"] == maps.DOMAIN_COLOURS["customer"]
    with pytest.raises(ValueError):
        maps.render_fragment(net, 'x" onload="y', "c")


def test_safe_url() -> None:
    for good in ("../topics/design.html", "map.html", "../../generated/topics/a-b.html#x"):
        assert maps.safe_url(good) == good
    for bad in ("javascript:alert(1)", "https://example.org/x.html", "//x.html", "/abs.html", 'a.html" x', ""):
        assert maps.safe_url(bad) == ""


# ---------------------------------------------------------------------------------------
# Co-keywords
# ---------------------------------------------------------------------------------------


def test_partition_scores_match_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714285714)
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert normalized_mutual_information([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert normalized_mutual_information([0, 0, 0, 0], [0, 1, 2, 3]) == pytest.approx(0.0)
    # sklearn.metrics.normalized_mutual_info_score([0, 0, 1, 2], [0, 0, 1, 1]) (arithmetic mean)
    assert normalized_mutual_information([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.8, abs=1e-9)
    with pytest.raises(ValueError):
        adjusted_rand_index([0], [0, 1])


def test_keyword_keys_merge_spelling_variants() -> None:
    assert keyword_key("Touch points") == keyword_key("touchpoints") == keyword_key("touch-point")
    assert keyword_key("business") == "business"
    assert keyword_key("Self-Service Technologies") == keyword_key("self service technology")


def test_keyword_communities_are_deterministic(mini_root: Path) -> None:
    papers = mini_root / "literature" / "papers.csv"
    edit(papers, "customer experience|customer journey|touch points", "customer experience|peak-end rule|satisfaction")
    edit(
        papers,
        "self-service technology|critical incidents|satisfaction",
        "self-service technology|Satisfaction|customer experience",
    )
    kb = Frames.load(built(mini_root)).kb
    one, two = compare_with_topics(kb), compare_with_topics(kb)
    assert one.groups == two.groups and one.ari == two.ari
    assert set(one.network.graph.nodes) == {"customerexperience", "peakendrule", "satisfaction"}
    assert one.network.display["satisfaction"] == "satisfaction"
    assert one.network.papers["satisfaction"] == 2
    assert int(one.table.to_numpy().sum()) == 3
    assert communities(one.network.graph) == one.groups


# ---------------------------------------------------------------------------------------
# The whole build, with hostile text everywhere
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.reasoner
def test_book_builds_and_shows_hostile_text_as_text(tmp_path: Path) -> None:
    root = _book_root(tmp_path)
    _make_hostile(root)
    index = bookbuild.build_book(built(root))
    html_dir = index.parent
    topic = (html_dir / "generated" / "topics" / "customer-emotions.html").read_text(encoding="utf-8")
    bibliography = (html_dir / "bibliography.html").read_text(encoding="utf-8")
    concept = (html_dir / "generated" / "concepts" / "peak-end-rule.html").read_text(encoding="utf-8")
    pages = [p.read_text(encoding="utf-8") for p in html_dir.rglob("*.html") if "_static" not in p.parts]
    for page in pages:
        assert "<script>alert(1)" not in page and "<script>piek" not in page
        assert 'href="javascript' not in page.lower()
        assert "<em>emotional</em>" not in page and "<i>touch</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {eval-rst} $x$ | [a](javascript:x)" in topic
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bibliography
    assert "{eval-rst}" in topic and "The &lt;em&gt;emotional&lt;/em&gt; side {eval-rst}." in topic
    assert '<code class="docutils literal notranslate"><span class="pre">remember' not in concept
    assert "People `remember` $x$ | an episode" in concept
    rows = re.search(r'<table class="[^"]*cxkb-papers[^"]*".*?</table>', topic, re.S)
    assert rows is not None
    table_rows = re.findall(r"<tr.*?</tr>", rows.group(0), re.S)
    columns = len(re.findall(r"<th\b", table_rows[0]))  # reference, year, title, design, questions, contribution
    assert columns == 6
    for row in table_rows:
        assert len(re.findall(r"<t[dh]\b", row)) == columns, "a hostile cell must not split or merge table cells"
    assert (html_dir / "release" / "cxkb.ttl").is_file()
    assert (html_dir / "_static" / "vis" / "vis-network.min.js").is_file()
    assert re.search(r'<script defer="defer" src="\.\./\.\./_static/vis/vis-network\.min\.js', topic)
    intro = (html_dir / "intro.html").read_text(encoding="utf-8")
    assert "vis-network" not in intro, "only pages with a map load vis-network"
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", "\n".join(pages))


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def test_cli_book_reports_a_failed_build(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cxkb.cli import app

    calls = []

    def fail(root: Path, **kwargs: object) -> Path:
        calls.append((root, kwargs))
        raise layout.BookError("jupyter-book build failed:\nWARNING: [broken] reference")

    monkeypatch.setattr(bookbuild, "build_book", fail)
    result = CliRunner().invoke(app, ["book", "--clean", "--root", str(mini_root), "-q"])
    assert result.exit_code == 1
    assert "WARNING: [broken] reference" in result.output
    assert calls and calls[0][0] == mini_root.resolve() and calls[0][1]["clean"] is True


def test_make_server_serves_the_site_on_loopback(tmp_path: Path) -> None:
    import threading
    import urllib.request

    (tmp_path / "index.html").write_text("<p>hello</p>", encoding="utf-8")
    server = bookbuild.make_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://{host}:{port}/index.html", timeout=10) as answer:
            assert answer.read() == b"<p>hello</p>"
    finally:
        server.shutdown()
        server.server_close()


def test_the_site_server_stays_quiet_when_a_browser_hangs_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = bookbuild.make_server(tmp_path, port=0)
    try:
        for hang_up in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "Connection reset by peer")):
            try:
                raise hang_up
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real fault")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a real fault" in capsys.readouterr().err
    finally:
        server.server_close()


def test_keyword_map_keeps_the_most_used_keywords_and_strongest_links() -> None:
    import networkx as nx

    from cxkb.book.cokeywords import Comparison, KeywordNetwork

    graph = nx.complete_graph([f"k{i:02d}" for i in range(30)])
    for i, (a, b) in enumerate(sorted(graph.edges)):
        graph[a][b]["weight"] = 1 + i % 4
    network = KeywordNetwork(graph, {k: k.upper() for k in graph}, {k: 100 - int(k[1:]) for k in graph}, {})
    comparison = Comparison(network, [sorted(graph.nodes)], None, 0.0, 0.0)  # type: ignore[arg-type]
    net, legend = maps.keyword_network(comparison, {}, {}, max_nodes=10, links_per_node=3)
    assert sorted(n["id"] for n in net.nodes) == [f"k{i:02d}" for i in range(10)]
    assert len(net.edges) <= 10 * 3
    assert all(e["from"] in {n["id"] for n in net.nodes} and e["to"] in {n["id"] for n in net.nodes} for e in net.edges)
    assert legend == [("1: K00, K01, K02", maps.CLUSTER_COLOURS[0])]


@pytest.mark.parametrize("expression", ["True", "cited", "not cited", 'docname == "topics/a"', 'key == "b"'])
def test_indexed_bibliography_filter_gives_the_library_answer(expression: str) -> None:
    """The indexed lookup that keeps a 10,000-paper bibliography fast answers as the library does."""
    import ast
    from collections import namedtuple
    from types import SimpleNamespace

    from pybtex.database import Entry

    assert sphinxext.patch_bibtex(), "the installed sphinxcontrib-bibtex is not one the lookup mirrors"
    library_version = sphinxext._library_filtered_entries
    entries = [Entry("article", fields={"title": f"T{k}"}) for k in "abcd"]
    for entry, key in zip(entries, "abcd", strict=True):
        entry.key = key
    refs = [
        SimpleNamespace(docname="topics/a", targets=[SimpleNamespace(key="a"), SimpleNamespace(key="c")]),
        SimpleNamespace(docname="topics/b", targets=[SimpleNamespace(key="c")]),
        SimpleNamespace(docname="bibliography", targets=[SimpleNamespace(key="d")]),
    ]
    where = namedtuple("BibliographyKey", "docname id")("bibliography", "bib-1")
    bibliography = SimpleNamespace(bibfiles=["refs.bib"], keyprefix="", filter_=ast.parse(expression), line=1, keys=[])
    domain = SimpleNamespace(
        bibliographies={where: bibliography}, citation_refs=refs, get_entries=lambda bibfiles: iter(entries)
    )
    ours = list(sphinxext._indexed_filtered_entries(domain, where))
    theirs = list(library_version(domain, where))
    assert [k for k, _ in ours] == [k for k, _ in theirs]


def test_plugin_lookups_are_remembered_and_unchanged() -> None:
    calls: list[tuple[object, ...]] = []

    def find(group: str, name: object = None, filename: object = None) -> object:
        calls.append((group, name, filename))
        return (group, name, filename)

    cached = sphinxext._remembering_find_plugin(find)
    assert cached("pybtex.backends", "plaintext") == ("pybtex.backends", "plaintext", None)
    assert cached("pybtex.backends", "plaintext") == ("pybtex.backends", "plaintext", None)
    assert cached("pybtex.backends", None, "x.html") == ("pybtex.backends", None, "x.html")
    assert calls == [("pybtex.backends", "plaintext", None), ("pybtex.backends", None, "x.html")]


def test_folded_summaries_stay_out_of_the_search_index_and_the_rest_stays_in() -> None:
    """The words of a folded paper summary are not indexed; the title beside it and text after it are,
    and the page's own doctree keeps the summary."""
    from types import SimpleNamespace

    from sphinx.search import IndexBuilder
    from sphinx.search.en import SearchEnglish

    sphinxext._unindexed_summaries()
    builder = SimpleNamespace(lang=SearchEnglish({}))
    head = "| title | summary |\n|---|---|\n| Gamified apps | "
    folded = "<details><summary>Summary</summary>Survey of zyxwvut users.</details>"
    tail = " |\n\nText after the table.\n"
    inline, whole = head + "x " + folded + tail, head + folded + tail
    for source in (inline, whole):
        doc = publish_doctree(source, parser=Parser())
        words = {w.lower() for w in IndexBuilder._word_collector(builder, doc).words}  # type: ignore[arg-type]
        assert {"gamified", "apps", "after", "table"} <= words
        assert "zyxwvut" not in words and "survey" not in words
        assert "zyxwvut" in doc.astext()


@pytest.mark.slow
def test_the_dutch_edition_uses_a_dutch_project_document_where_there_is_one() -> None:
    pages = bookgen.plan(built(REPO), REPO / "book")
    dutch = pages[f"{bookgen.DUTCH_DIR}/{layout.GENERATED}/contributing.md"].decode("utf-8")
    tables = pages[f"{bookgen.DUTCH_DIR}/{layout.GENERATED}/tables.md"].decode("utf-8")
    assert dutch.startswith((REPO / "CONTRIBUTING.nl.md").read_text(encoding="utf-8").splitlines()[0])
    assert '<div lang="en">' not in dutch
    assert "](tables.md)" in dutch and "](docs/tables" not in dutch
    assert tables.startswith("# Tabelcontract\n")
    assert '<div lang="en">' not in tables and "in het Engels geschreven" not in tables
    assert pages[f"{layout.GENERATED}/tables.md"].decode("utf-8").startswith("# Table contract\n")
    english = pages[f"{layout.GENERATED}/contributing.md"].decode("utf-8")
    assert english.startswith((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines()[0])


def test_theme_macro_files_do_not_reach_the_site(tmp_path: Path) -> None:
    from types import SimpleNamespace

    (tmp_path / "_static").mkdir()
    for name in ("webpack-macros.html", "sbt-webpack-macros.html", "cxkb.js"):
        (tmp_path / "_static" / name).write_text("x", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html lang='en'></html>", encoding="utf-8")
    sphinxext._lighten_pages(SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path)), None)
    assert sorted(p.name for p in (tmp_path / "_static").iterdir()) == ["cxkb.js"]
    assert (tmp_path / "page.html").is_file()


def test_the_dutch_edition_cites_with_dutch_joining_words() -> None:
    import yaml
    from sphinxcontrib.bibtex.plugin import find_plugin

    assert sphinxext.register_dutch_reference_style()
    style = find_plugin("sphinxcontrib.bibtex.style.referencing", layout.DUTCH_REFERENCE_STYLE)()
    assert (style.person.sep2, style.person.last_sep) == (" en ", " en ")
    config = yaml.safe_load(bookgen.dutch_config(REPO / "book"))
    assert config["sphinx"]["config"]["bibtex_reference_style"] == layout.DUTCH_REFERENCE_STYLE
    assert config["author"] == "De bijdragers aan cxkb"
