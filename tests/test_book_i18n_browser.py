# ruff: noqa: F811  (the fixtures are imported from test_book_browser and named as arguments)
"""The two editions of the book in a browser: language switch, lang attributes, search
ranking, phone width, page weight and links in both directions.

Uses the built site and the browser of tests/test_book_browser.py (same session fixtures).
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_book_browser import Site, _open, browser, kb, site, watched  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow]

KINDS = ("domains", "topics", "questions", "concepts")
MB = 1024 * 1024


REFERENCE = "reference/"  # pyLODE's pages: standalone documents, a pair per edition


def _book_pages(site: Site) -> list[str]:
    """The English edition's pages (the Dutch ones have the same paths under nl/)."""
    return [p for p in site.pages() if not p.startswith(("nl/", REFERENCE))]


def _reference(site: Site) -> list[str]:
    """pyLODE's pages (English paths; the Dutch pair has the same ones under nl/)."""
    return sorted(p for p in site.pages() if p.startswith(REFERENCE))


def _sample(site: Site, per_kind: int = 2) -> list[str]:
    """The hand-written, notebook and index pages, and the first pages of each generated kind (English paths)."""
    pages = _book_pages(site)
    chosen = [p for p in pages if not p.startswith(tuple(f"generated/{k}/" for k in KINDS))]
    for kind in KINDS:
        chosen += [p for p in pages if p.startswith(f"generated/{kind}/")][:per_kind]
    return sorted(set(chosen) - {"index.html", "genindex.html"})


def _html_lang(path: Path) -> str:
    m = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", path.read_text(encoding="utf-8"))
    return m.group(1) if m else ""


def test_every_page_exists_in_both_languages_with_its_lang(site: Site) -> None:
    english = _book_pages(site)
    dutch = {p[3:] for p in site.pages() if p.startswith("nl/")}
    reference = _reference(site)
    assert reference == sorted(p for p in dutch if p.startswith(REFERENCE)) and len(reference) == 2
    assert all(_html_lang(site.html_dir / p) == "en" for p in reference)
    assert all(_html_lang(site.html_dir / "nl" / p) == "nl" for p in reference)
    assert len(english) > 100
    missing = [p for p in english if p not in dutch]
    assert not missing, f"pages without a Dutch edition: {missing[:10]}"
    wrong = [p for p in english if _html_lang(site.html_dir / p) not in ("en", "")]
    wrong += [f"nl/{p}" for p in dutch if _html_lang(site.html_dir / "nl" / p) not in ("nl", "")]
    assert not wrong, wrong[:10]
    # redirect stubs (index.html) have no lang; every real page has one
    assert _html_lang(site.html_dir / "intro.html") == "en" and _html_lang(site.html_dir / "nl/intro.html") == "nl"


def test_language_switch_round_trip_on_every_kind_of_page(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    page, watch = watched
    for path in _sample(site, per_kind=1) + _reference(site):
        if path in ("search.html",):
            continue
        _open(page, site, path)
        assert page.evaluate("document.documentElement.lang") == "en", path
        page.click("a.cxkb-lang-switch")
        page.wait_for_load_state("load")
        assert page.url == site.base + "nl/" + path, (path, page.url)
        assert page.evaluate("document.documentElement.lang") == "nl", path
        page.click("a.cxkb-lang-switch")
        page.wait_for_load_state("load")
        assert page.url == site.base + path, (path, page.url)
    assert not watch.problems(), watch.problems()


def test_the_dutch_edition_has_no_english_theme_wording(site: Site) -> None:
    from cxkb.book.sphinxext import THEME_DUTCH

    english = {en for en, nl in THEME_DUTCH.items() if en != nl}
    found = []
    for path in _book_pages(site):
        text = (site.html_dir / "nl" / path).read_text(encoding="utf-8")
        texts = {" ".join(t.split()) for t in re.findall(r">([^<>]+)<", text)}
        values = set(re.findall(r'(?:aria-label|title|data-bs-original-title|placeholder|alt)="([^"]*)"', text))
        found += [f"nl/{path}: {w}" for w in sorted(english & (texts | values))]
        found += [f"nl/{path}: {v}" for v in texts | values if v.startswith("Sections of ")]
        if "The cxkb contributors" in text:
            found.append(f"nl/{path}: The cxkb contributors")
    assert not found, found[:10]


def test_the_site_carries_the_current_downloads_and_references(site: Site) -> None:
    """Every file the book generates for the site (release files, literature downloads, the
    English reference pair) is at the site's root as generated, even after a rebuild that
    changed no page; the Dutch edition links there (see the test below)."""
    extra = site.html_dir.parent.parent / "generated" / "extra"
    files = [p for p in extra.rglob("*") if p.is_file()]
    assert files
    stale = [p for p in files if (site.html_dir / p.relative_to(extra)).read_bytes() != p.read_bytes()]
    assert not stale, stale[:10]


def test_mixed_language_snippets_are_marked(site: Site) -> None:
    english = (site.html_dir / "generated/concepts/customer-journey.html").read_text(encoding="utf-8")
    dutch = (site.html_dir / "nl/generated/concepts/customer-journey.html").read_text(encoding="utf-8")
    assert '<span lang="nl">klantreis</span>' in english
    assert '<span lang="en">customer journey</span>' in dutch


def test_both_landing_pages_offer_the_other_language(site: Site) -> None:
    assert 'href="nl/intro.html"' in (site.html_dir / "intro.html").read_text(encoding="utf-8")
    assert 'href="../intro.html"' in (site.html_dir / "nl/intro.html").read_text(encoding="utf-8")


def _labels(kb) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    owners: dict[str, set[str]] = {}
    for c in kb.concepts.values():
        for label in (c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl, *c.hidden.en, *c.hidden.nl):
            label = " ".join(label.split())
            if label:
                owners.setdefault(label, set()).add(c.id)
    return owners


_FIRST_RESULTS = """
labels => labels.map(q => {
  window.cxkbQuery = q;
  const [query, terms, excluded, highlight, objects] = Search._parseQuery(q);
  const results = Search._performSearch(query, terms, excluded, highlight, objects);
  return results.length ? results[results.length - 1][0] : "";
})
"""


@pytest.mark.parametrize("edition", ["", "nl/"])
def test_search_puts_the_concept_first_for_every_label(watched, site: Site, kb, edition: str) -> None:  # type: ignore[no-untyped-def]
    page, _watch = watched
    page.goto(f"{site.base}{edition}search.html")
    page.wait_for_function("() => typeof Search !== 'undefined' && Search._index !== null", timeout=20000)
    owners = _labels(kb)
    labels = sorted(owners)
    firsts = page.evaluate(_FIRST_RESULTS, labels)
    wrong = [
        f"{label!r}: first {first or 'nothing'}, expected {sorted(owners[label])}"
        for label, first in zip(labels, firsts, strict=True)
        if first.removeprefix("generated/concepts/") not in owners[label]
    ]
    assert not wrong, f"{len(wrong)} of {len(labels)} labels:\n" + "\n".join(wrong[:20])


def test_glossary_does_not_flood_search_results(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    page, _watch = watched
    page.goto(f"{site.base}nl/search.html")
    page.wait_for_function("() => typeof Search !== 'undefined' && Search._index !== null", timeout=20000)
    docs = page.evaluate(
        """q => { const [a, b, c, d, e] = Search._parseQuery(q);
                  return Search._performSearch(a, b, c, d, e).map(r => r[0]); }""",
        "klantreis",
    )
    assert docs.count("generated/glossary") <= 1, docs


def test_question_pages_are_titled_by_the_question(site: Site, kb) -> None:  # type: ignore[no-untyped-def]
    for q in list(kb.questions.values())[:5]:
        for edition, text in (("", q.text.en), ("nl/", q.text.nl)):
            html = (site.html_dir / f"{edition}generated/questions/{q.id}.html").read_text(encoding="utf-8")
            title = re.search(r"<h1>(.*?)<a", html, re.S)
            assert title and text.split()[0] in title.group(1), (q.id, edition)


def _no_overflow(page) -> bool:  # type: ignore[no-untyped-def]
    # Not window.innerWidth: on a phone the layout viewport widens to whatever overflows it,
    # so that comparison always holds; the document's client width stays the screen's.
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_no_horizontal_scrolling_on_a_phone(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    wide = []
    for path in _sample(site) + _reference(site):
        for edition in ("", "nl/"):
            _open(page, site, edition + path)
            if not _no_overflow(page):
                wide.append(f"{edition}{path}: {page.evaluate('document.documentElement.scrollWidth')} px")
    context.close()
    assert not wide, wide


_CLIPPED = """() => {
    const wide = el => el.scrollWidth > el.clientWidth + 1;
    const out = [];
    for (const h of document.querySelectorAll('.bd-article h1')) {
        // a title whose longest word only fits by breaking it (a lone letter on a line) counts too
        h.style.overflowWrap = 'normal';
        if (wide(h)) out.push('h1');
        h.style.overflowWrap = '';
    }
    const t = document.querySelector('.bd-article table.cxkb-labels');  // a concept's labels
    if (!t) return out;
    if (wide(t) || t.getBoundingClientRect().right > document.documentElement.clientWidth + 1) out.push('table');
    for (const c of t.querySelectorAll('th, td')) if (wide(c)) out.push(c.textContent.trim().slice(0, 30));
    return out;
}"""


def test_a_concepts_labels_fit_a_phone(browser, site: Site, kb) -> None:  # type: ignore[no-untyped-def]
    """The concepts with the longest word in a title and in a label: the title and the label table
    show whole on a phone, in both editions, with no column scrolled out of view (a Dutch compound
    is wider than a third of the screen)."""

    def longest(labels: list[str]) -> int:
        return max(len(w) for label in labels for w in label.split())

    concepts = [kb.concepts[cid] for cid in sorted(kb.concepts)]
    titled = max(concepts, key=lambda c: longest([c.pref.en, c.pref.nl])).id
    labelled = max(concepts, key=lambda c: longest([c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl])).id
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for cid in sorted({titled, labelled}):
        for edition in ("", "nl/"):
            _open(page, site, f"{edition}generated/concepts/{cid}.html")
            clipped = page.evaluate(_CLIPPED)
            assert not clipped, (edition, cid, clipped)
    _open(page, site, "nl/generated/map.html")  # Kaart van het klantbelevingsonderzoek
    assert page.evaluate(_CLIPPED) == []
    context.close()


def test_a_paper_tables_caption_spans_its_cards_on_a_phone(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """On a phone a paper table turns into cards; its caption then runs across the cards as a
    heading, not down a column one word per line."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        for edition in ("", "nl/"):
            _open(page, site, edition + "generated/topics/customer-emotions.html")
            caption, card = page.evaluate(
                """() => { const t = document.querySelector('table.cxkb-papers');
                    const width = el => el.getBoundingClientRect().width;
                    return [width(t.caption), width(t.tBodies[0].rows[0])]; }"""
            )
            assert caption >= 0.9 * card, (edition, caption, card)
    finally:
        context.close()


def test_the_reference_pages_keep_pylodes_banner_off_the_text(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """pyLODE's sideways banner stays in the left margin on a wide screen in both editions (the
    Dutch one is longer and sat over the field names), and on a phone a concept's definition
    gets the screen's width rather than a column beside its field name."""
    banner_clear = """() => { const b = document.querySelector('#pylode').getBoundingClientRect();
        const c = document.querySelector('#content').getBoundingClientRect();
        return b.right <= c.left + 1 && b.top >= 0; }"""
    definition_width = """() => { const row = document.querySelector('#concepts .entity tr:nth-child(2)');
        return row.cells[1].getBoundingClientRect().width / document.documentElement.clientWidth; }"""
    wide = browser.new_context(viewport={"width": 1400, "height": 900})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        on_wide, on_phone = wide.new_page(), phone.new_page()
        for edition in ("", "nl/"):
            for path in _reference(site):
                _open(on_wide, site, edition + path)
                assert on_wide.evaluate(banner_clear), edition + path
            _open(on_phone, site, edition + REFERENCE + "vocabulary.html")
            assert on_phone.evaluate(definition_width) > 0.8, edition
    finally:
        wide.close()
        phone.close()


def test_page_weight(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """No page transfers more than 1 MB (uncompressed); a page with a map at most 1.5 MB.

    The search page counts too: it loads the search index on top of the theme.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sizes: list[int] = []

    def count(response) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(Exception):  # redirects have no body
            sizes.append(len(response.body()))

    page.on("response", count)
    heavy = []
    for path in _sample(site) + _reference(site):
        for edition in ("", "nl/"):
            sizes.clear()
            _open(page, site, edition + path)
            page.wait_for_load_state("networkidle")
            total = sum(sizes)
            limit = 1.5 * MB if page.query_selector("[data-cxkb-map]") else 1 * MB
            if total > limit:
                heavy.append(f"{edition}{path}: {total / MB:.2f} MB")
    context.close()
    assert not heavy, heavy


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href.split("#")[0])


@pytest.mark.parametrize("edition", ["", "nl/"])
def test_concepts_questions_and_topics_link_both_ways(site: Site, kb, edition: str) -> None:  # type: ignore[no-untyped-def]
    root = site.html_dir / edition

    def page(kind: str, ident: str) -> Path:
        return (root / "generated" / kind / f"{ident}.html").resolve()

    def links(kind: str, ident: str) -> set[Path]:
        path = page(kind, ident)
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        return {(path.parent / h).resolve() for h in parser.hrefs if h and not h.startswith(("http", "mailto"))}

    missing = []
    for c in kb.concepts.values():
        out = links("concepts", c.id)
        for t in c.topics:
            if t in kb.topics:
                if page("topics", t) not in out:
                    missing.append(f"concept {c.id} -> topic {t}")
                if page("concepts", c.id) not in links("topics", t):
                    missing.append(f"topic {t} -> concept {c.id}")
        for target in out:
            if target.parent.name == "questions" and page("concepts", c.id) not in links("questions", target.stem):
                missing.append(f"question {target.stem} -> concept {c.id}")
    assert not missing, missing[:20]
    asked = sum(1 for c in kb.concepts.values() if any(p.parent.name == "questions" for p in links("concepts", c.id)))
    assert asked >= len(kb.concepts) // 2, f"only {asked} concept pages link to a research question"


def test_no_page_says_no_paper_while_citing_one(site: Site) -> None:
    for path in (site.html_dir / "generated" / "concepts").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "No paper in the literature table discusses this concept yet" in text:
            assert 'href="../../bibliography.html#' not in text, path.name


def test_paper_titles_link_to_the_doi_and_summaries_fold(site: Site) -> None:
    text = (site.html_dir / "generated/topics/design.html").read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.' in text
    assert "<details><summary>Summary</summary>" in text
    dutch = (site.html_dir / "nl/generated/topics/design.html").read_text(encoding="utf-8")
    assert "<details><summary>Samenvatting</summary>" in dutch


def test_glossary_has_an_a_to_z_bar(site: Site) -> None:
    for edition in ("", "nl/"):
        text = (site.html_dir / edition / "generated/glossary.html").read_text(encoding="utf-8")
        bar = re.search(r'<nav class="cxkb-az"[^>]*>(.*?)</nav>', text, re.S)
        assert bar, edition
        for anchor in re.findall(r'href="#(glossary-[a-z]+)"', bar.group(1)):
            assert f'id="{anchor}"' in text, anchor


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("edition", ["", "nl/"])
def test_a_jump_in_the_glossary_lands_below_the_letter_bar(browser, site: Site, edition: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """The bar is sticky: a letter it links to, or a term linked from elsewhere, must not end up
    under it, which is where the theme's own anchor offset put them."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.base + edition + "generated/glossary.html", wait_until="load")
        letters = page.locator("nav.cxkb-az a")
        letters.nth(letters.count() // 2).click()
        term = page.locator("dl.glossary dt[id]").nth(40).get_attribute("id")
        for target in (page.evaluate("location.hash.slice(1)"), term):
            page.evaluate("(id) => { location.hash = ''; location.hash = '#' + id; }", target)
            page.wait_for_timeout(200)
            top, bar = page.evaluate(
                """(id) => [document.getElementById(id).getBoundingClientRect().top,
                            document.querySelector('nav.cxkb-az').getBoundingClientRect().bottom]""",
                target,
            )
            assert top >= bar, (target, top, bar)
    finally:
        context.close()


@pytest.mark.parametrize(
    "edition,own,other",
    [
        ("", ("Filter rows:", "Next ›", "Rows 1–25 of", "Find in map", "Zoom in"), ("Rijen", "Volgende", "Zoek in")),
        (
            "nl/",
            ("Rijen filteren:", "Volgende ›", "Rijen 1–25 van", "Zoek in kaart", "Inzoomen"),
            ("Rows", "Next", "Find"),
        ),
    ],
)
def test_table_and_map_controls_speak_the_page_language(  # type: ignore[no-untyped-def]
    browser, site: Site, edition: str, own: tuple[str, ...], other: tuple[str, ...]
) -> None:
    """The controls the script adds (a long table's filter and pages, a map's find box and zoom)
    are in the edition's language only, as the rest of the page is."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _open(page, site, edition + "generated/questions/co-creation-q1.html")
        table = page.locator(".cxkb-table-controls").first.inner_text()
        page.fill(".cxkb-table-controls input", "2021")
        filtered = page.locator(".cxkb-table-controls [role=status]").first.inner_text()
        _open(page, site, edition + "generated/concepts/customer-journey.html")
        bar = page.locator(".cxkb-map-toolbar").first
        texts = (
            bar.inner_text() + " " + " ".join(b.get_attribute("aria-label") or "" for b in bar.locator("button").all())
        )
        seen = " ".join([table, filtered, texts])
        for word in own:
            assert word in seen, (word, seen)
        for word in other:
            assert word not in seen, (word, seen)
        assert ("(" in filtered) and ("in totaal" in filtered) == bool(edition), filtered
    finally:
        context.close()


def test_the_dutch_notebooks_show_no_english_wording(site: Site) -> None:
    """The executed notebooks in the Dutch edition: the code toggles, the charts' text for screen
    readers and the tables' axis names are Dutch (the English edition keeps its own)."""
    for name in ("trends", "evidence-gaps", "cookbook"):
        dutch = (site.html_dir / "nl/generated/notebooks" / f"{name}.html").read_text(encoding="utf-8")
        english = (site.html_dir / "generated/notebooks" / f"{name}.html").read_text(encoding="utf-8")
        assert "code cell" not in dutch, name
        assert ("Code van deze cel tonen" in dutch) == ("Show code cell source" in english), name
        for alt in re.findall(r'<img [^>]*alt="([^"]*)"', dutch):
            assert not re.search(r"\b(the|of|papers)\b", alt), (name, alt)
    trends = (site.html_dir / "nl/generated/notebooks/trends.html").read_text(encoding="utf-8")
    assert re.search(r"<th[^>]*>domein</th>", trends) and not re.search(r"<th[^>]*>domain</th>", trends)


def test_bibliography_offers_the_literature_for_download(site: Site) -> None:
    for edition, up in (("", ""), ("nl/", "../")):
        text = (site.html_dir / edition / "bibliography.html").read_text(encoding="utf-8")
        for suffix in ("bib", "ris", "json", "csv"):
            assert f'href="{up}literature/cxkb-literature.{suffix}"' in text
            assert (site.html_dir / "literature" / f"cxkb-literature.{suffix}").stat().st_size > 1000


def test_the_site_holds_release_and_literature_once(site: Site) -> None:
    """The Dutch edition links to the English edition's downloads instead of carrying copies."""
    assert not (site.html_dir / "nl" / "release").exists()
    assert not (site.html_dir / "nl" / "literature").exists()
    dutch = (site.html_dir / "nl" / "generated" / "ontology.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*release/[^"]+)" download', dutch)
    assert links and all(link.startswith("../../release/") for link in links), links
    for link in links:
        assert (site.html_dir / "nl" / "generated" / link).resolve().is_file(), link
    assert (site.html_dir / "nl" / "reference" / "vocabulary.html").is_file()


def test_one_search_box_and_a_start_here_box(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    page, _watch = watched
    for edition in ("", "nl/"):
        _open(page, site, edition + "intro.html")
        visible = page.evaluate(
            """() => [...document.querySelectorAll('.search-button-field, .search-button__button, form.bd-search')]
                 .filter(e => e.offsetParent !== null).length"""
        )
        assert visible == 1, (edition, visible)
        start = page.query_selector(".cxkb-start")
        assert start is not None
        assert start.bounding_box()["y"] < 900, "the start box should be on the first screen"
