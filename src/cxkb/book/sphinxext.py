"""The Sphinx extension named in book/_config.yml: offline pages, assets per page, a faster bibliography."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from cxkb.book import maps
from cxkb.book.layout import DUTCH_REFERENCE_STYLE, EXTENSION_VERSION


def _visit_math(self: Any, node: Any) -> None:
    from docutils import nodes

    self.body.append(f'<code class="math">{html.escape(node.astext())}</code>')
    raise nodes.SkipNode


def _visit_displaymath(self: Any, node: Any) -> None:
    from docutils import nodes

    self.body.append(f'<pre class="math">{html.escape(node.astext())}</pre>')
    raise nodes.SkipNode


def label_sidebar_toggles(sidebar: Any, lang: str = "en") -> Any:
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
        if lang == "nl":
            title = anchor.get_text(" ", strip=True) if anchor is not None else "deze pagina"
            text = f"Onderdelen van {title}"
        else:
            title = anchor.get_text(" ", strip=True) if anchor is not None else "this page"
            text = f"Sections of {title}"
        span = sidebar.new_tag("span", attrs={"class": "visually-hidden"})
        span.string = text
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
        lang = app.config.language or "en"

        def labelled(*args: Any, **kwargs: Any) -> Any:
            return label_sidebar_toggles(toctree(*args, **kwargs), lang)

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
    if pagename == "search":
        # Before searchtools.js, which keeps a Scorer that is already defined.
        app.add_js_file("cxkb-search-labels.js", priority=100)
        app.add_js_file("cxkb-search.js", priority=101)
    if 'class="cxkb-map"' in (body or ""):
        # Before cxkb.js (priority 500): deferred scripts run in order, and cxkb.js draws the maps.
        app.add_js_file(maps.VIS_SCRIPT, priority=200, defer="defer")
    if 'class="cxkb-gapmap"' in (body or ""):
        app.add_js_file("gapmap.js", defer="defer")
        app.add_css_file("gapmap.css")
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            files[:] = [
                f
                for f in files
                if "thebe" not in str(f).lower()
                and "fontawesome" not in str(f).lower()  # 1.5 MB of icons; cxkb.css draws the few in use
                and "THEBE" not in str(getattr(f, "attributes", {}).get("body", ""))
                and not (pagename == "search" and _CONTENT_ASSET.search(str(getattr(f, "filename", f))))
            ]


# Assets for what pages hold (notebook cells, design tabs and cards, copy and toggle buttons):
# the search page holds none of it, and it already carries the search index.
_CONTENT_ASSET = re.compile(
    r"(?:^|/)(?:mystnb\.[^/]*\.css|sphinx-design[^/]*\.css|design-tabs\.js"
    r"|copybutton[^/]*|clipboard\.min\.js|togglebutton\.[a-z]+)$"
)


def _without_folded(doctree: Any) -> Any:
    """A copy of ``doctree`` without the folded summaries (``doctree`` itself if it has none).

    In a table cell that holds only a summary, MyST makes the whole ``<details>`` one raw
    node; inside a paragraph every tag is its own raw node with the text between them as
    text nodes, so everything from an opening ``<details>`` to its closing tag goes.
    """
    from docutils import nodes

    def opening(node: Any) -> bool:
        return isinstance(node, nodes.raw) and node.astext().lstrip().startswith("<details")

    if not any(True for _ in doctree.findall(opening)):
        return doctree
    copy = doctree.deepcopy()
    for start in list(copy.findall(opening)):
        parent = start.parent
        if parent is None:
            continue
        siblings = list(parent.children)
        first = siblings.index(start)
        last = first
        if "</details" not in start.astext():
            for i in range(first + 1, len(siblings)):
                last = i
                if isinstance(siblings[i], nodes.raw) and siblings[i].astext().lstrip().startswith("</details"):
                    break
        for node in siblings[first : last + 1]:
            parent.remove(node)
    return copy


def _unindexed_summaries() -> None:
    """Leave the folded paper summaries out of the search index.

    Sphinx indexes the text of raw HTML too. A paper's summary is printed on its topic, its
    questions and each of its concepts, so the summaries made up most of the index (and of
    the search page's weight) while the pages they lead to are found by the paper's title,
    which stays indexed; the whole text is searchable on the bibliography's downloads.
    The page itself keeps them: the index reads a copy of its doctree.
    """
    from sphinx.search import IndexBuilder

    collect = IndexBuilder._word_collector
    if getattr(collect, "cxkb_patched", False):
        return

    def word_collector(self: Any, doctree: Any) -> Any:
        return collect(self, _without_folded(doctree))

    word_collector.cxkb_patched = True  # type: ignore[attr-defined]
    IndexBuilder._word_collector = word_collector  # type: ignore[method-assign]


LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
DUTCH_PREFIX = "nl/"  # where the Dutch edition sits in the site


def switch_url(pagename: str, lang: str) -> str:
    """The URL of the same page in the other edition, relative to ``pagename``'s page.

    The English site is the root, the Dutch one its ``nl/`` folder; both have the same pages.
    """
    up = "../" * pagename.count("/")
    if lang == "nl":
        return f"{up}../{pagename}.html"
    return f"{up}{DUTCH_PREFIX}{pagename}.html"


def _language_switch(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The link to this page in the other language, and its ``hreflang`` alternate."""
    lang = app.config.language if app.config.language in LANGUAGE_NAMES else "en"
    other = "en" if lang == "nl" else "nl"
    url = switch_url(pagename, lang)
    context["cxkb_switch_url"] = url
    context["cxkb_switch_lang"] = other
    context["cxkb_switch_name"] = LANGUAGE_NAMES[other]
    context["metatags"] = context.get("metatags", "") + (
        f'<link rel="alternate" hreflang="{other}" href="{html.escape(url)}">\n'
    )


def _drop_glossary_index(app: Any, doctree: Any) -> None:
    """Glossary terms are index entries too: one search hit per name, all titled "Glossary",
    ranked above everything else. They are removed so they do not flood the results (the
    concept pages carry the names; cxkb-search.js ranks them first)."""
    from sphinx import addnodes

    if app.env.docname == "generated/glossary":
        for node in list(doctree.findall(addnodes.index)):
            node.parent.remove(node)


_ICON_SCRIPT = re.compile(r'\n?\s*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>')
_ICON_FONTS = re.compile(r"@font-face\{[^}]*Font Awesome[^}]*\}")
_SEARCH_SCRIPTS = re.compile(
    r'\n?\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>'
)


def lighten(page: str, *, search_page: bool) -> str:
    """A built page without the scripts it does not use.

    pydata-sphinx-theme writes Font Awesome's 1.5 MB icon script into every page (cxkb.css
    draws the few icons used) and the search index with Sphinx's search tools into every
    page for a search-as-you-type the book does not turn on; only the search page needs those.
    """
    page = _ICON_SCRIPT.sub("", page)
    return page if search_page else _SEARCH_SCRIPTS.sub("", page)


# The themes', Sphinx's and myst-nb's own wording that their Dutch catalogues lack (hidden labels,
# tooltips, the skip link, the code toggles), and the colour-mode button of
# book/_templates/theme-switcher.html.
THEME_DUTCH: dict[str, str] = {
    "Skip to main content": "Naar de hoofdinhoud",
    "Back to top": "Terug naar boven",
    "Version warning": "Versiewaarschuwing",
    "Site navigation": "Sitenavigatie",
    "Search (Ctrl+K)": "Zoeken (Ctrl+K)",
    "On this page": "Op deze pagina",
    "Main": "Hoofdinhoud",
    "Page": "Pagina",
    "Toggle primary sidebar": "Menu tonen of verbergen",
    "Toggle secondary sidebar": "Inhoud van deze pagina tonen of verbergen",
    "Colour mode: light, dark or system": "Kleurmodus: licht, donker of systeem",
    "Link to this heading": "Link naar deze kop",
    "Link to this table": "Link naar deze tabel",
    "Link to this term": "Link naar deze term",
    "Link to this image": "Link naar deze afbeelding",
    "Link to this code": "Link naar deze code",
    "next page": "volgende pagina",
    "previous page": "vorige pagina",
    "Please activate JavaScript to enable the search functionality.": "Zet JavaScript aan om te kunnen zoeken.",
    # myst-nb's toggles of the notebooks' hidden code
    "Show code cell source": "Code van deze cel tonen",
    "Hide code cell source": "Code van deze cel verbergen",
}
_WORDED_ATTRIBUTE = re.compile(r'\b(aria-label|title|data-bs-original-title|placeholder|alt)="([^"]*)"')


def in_dutch(page: str) -> str:
    """A page of the Dutch edition with the theme's English wording (:data:`THEME_DUTCH`)
    in Dutch, in text and in the attributes that screen readers and tooltips show."""
    from cxkb.book.markup import replace_whole_texts

    page = replace_whole_texts(page, THEME_DUTCH)
    return _WORDED_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{THEME_DUTCH.get(m.group(2), m.group(2))}"', page)


def _lighten_pages(app: Any, exception: Exception | None) -> None:
    from pathlib import Path

    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    outdir = Path(app.outdir)
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if theme_css.is_file():
        # The theme's decorative icons (admonition titles, toggles) would fetch Font Awesome's
        # 150 KB web font on every page; without its @font-face cxkb.css draws them instead.
        css = theme_css.read_text(encoding="utf-8")
        lighter_css = _ICON_FONTS.sub("", css)
        if lighter_css != css:
            theme_css.write_text(lighter_css, encoding="utf-8")
    # The themes copy their Jinja macro files into _static: no page loads them, and opened on
    # their own they ask for files named after unrendered template code.
    for template in sorted(outdir.glob("_static/*macros.html")):
        template.unlink()
    dutch = getattr(getattr(app, "config", None), "language", None) == "nl"
    for path in outdir.rglob("*.html"):
        if path.relative_to(outdir).parts[0] in ("_static", "_sources", "_images"):
            continue
        text = path.read_text(encoding="utf-8")
        lighter = lighten(text, search_page=path.relative_to(outdir).as_posix() == "search.html")
        if dutch:
            lighter = in_dutch(lighter)
        if lighter != text:
            path.write_text(lighter, encoding="utf-8")


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


def register_dutch_reference_style() -> bool:
    """sphinxcontrib-bibtex's author-year citations with Dutch joining words ("Lemon en
    Verhoef, 2016"), for the Dutch edition (``bibtex_reference_style`` in its config).

    The library's person style hard-codes "and"; its documented way to change that is a
    referencing style of one's own, registered under a name.
    """
    try:
        from sphinxcontrib.bibtex.plugin import register_plugin
        from sphinxcontrib.bibtex.style.referencing import PersonStyle
        from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    except ImportError:
        return False
    from dataclasses import dataclass, field

    def dutch_person() -> PersonStyle:
        return PersonStyle(sep2=" en ", last_sep=" en ")

    @dataclass
    class DutchAuthorYear(AuthorYearReferenceStyle):  # type: ignore[misc]
        person: PersonStyle = field(default_factory=dutch_person)

    register_plugin("sphinxcontrib.bibtex.style.referencing", DUTCH_REFERENCE_STYLE, DutchAuthorYear, force=True)
    return True


def _refresh_static(app: Any, exception: Exception | None) -> None:
    """Copy the book's own assets (cxkb.js, gapmap.js, the CSS) into ``_static`` when they changed.

    Sphinx copies static files in its last step, which an incremental build whose pages are
    all current skips: an edited script would then never reach the site.
    """
    from pathlib import Path

    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    target = Path(app.outdir) / "_static"
    for folder in app.config.html_static_path:
        source = Path(app.confdir) / folder
        for path in sorted(source.rglob("*")) if source.is_dir() else []:
            dest = target / path.relative_to(source)
            if path.is_file() and (not dest.is_file() or dest.read_bytes() != path.read_bytes()):
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(path.read_bytes())


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: plain-text math instead of MathJax from a CDN, page assets, theme files."""
    app.add_html_math_renderer("cxkb-plain", (_visit_math, None), (_visit_displaymath, None))
    app.add_css_file("cxkb.css")
    app.add_js_file("cxkb.js", defer="defer")
    app.connect("html-page-context", _page_assets, priority=900)  # after the theme's own handler
    app.connect("html-page-context", _language_switch)
    app.connect("doctree-read", _drop_glossary_index)
    app.connect("build-finished", _lighten_pages)
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    app.connect("build-finished", _refresh_static)
    patch_bibtex()
    register_dutch_reference_style()
    _unindexed_summaries()
    # Bump EXTENSION_VERSION when what the handlers above change in the HTML changes: Sphinx then
    # rebuilds every page, where it would otherwise rewrite only pages whose sources changed.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": EXTENSION_VERSION}
