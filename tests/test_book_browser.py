"""The built book in a real browser: pages, maps, search, links and accessibility.

A session fixture builds the book from the repository's own tables once and serves it on
127.0.0.1; Chromium (through Playwright) then loads it with every request leaving the
loopback interface blocked and recorded, so a page that reaches for a CDN fails here.

The tests need /usr/bin/chromium (Debian's ``chromium`` package), the ``playwright``
Python package and axe-core (``npm ci --prefix tests/browser``). Without Chromium they are
skipped, except under CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import CHROMIUM, IN_CI, built_book
from cxkb.book.build import make_server
from cxkb.kg.validate import load_and_validate

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not IN_CI,
        reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); they always run in CI",
    ),
]


# ---------------------------------------------------------------------------------------
# Fixtures: the built site, a server, a browser, and a page that records every problem
# ---------------------------------------------------------------------------------------


@dataclass
class Site:
    html_dir: Path
    base: str

    def pages(self) -> list[str]:
        """Every HTML page of the site, as paths relative to its root."""
        pages = (p.relative_to(self.html_dir).as_posix() for p in self.html_dir.rglob("*.html"))
        return sorted(p for p in pages if not p.startswith(("_static/", "_sources/", "_images/", "_downloads/")))


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    if not CHROMIUM.exists():
        pytest.fail(f"CI must install Chromium at {CHROMIUM} (apt-get install chromium)")
    index = built_book(REPO)  # once per test run, whichever worker and test file gets here first
    server = make_server(index.parent, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Site(index.parent, f"http://{host}:{port}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(site: Site, chromium: object) -> object:
    return chromium


@dataclass
class Watch:
    """Everything that went wrong while pages loaded."""

    base: str
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"external request: {u}" for u in self.external]
            + [f"failed request: {u}" for u in self.failed]
            + [f"console/page error: {e}" for e in self.errors]
        )

    def clear(self) -> None:
        self.external.clear()
        self.failed.clear()
        self.errors.clear()


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost", "::1")


@pytest.fixture
def watched(browser: object, site: Site) -> Iterator[tuple[object, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    watch = Watch(site.base)

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if _loopback(url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            watch.external.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: watch.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"{page.url}: {e}"))
    page.on(
        "requestfailed",
        # A request cut short by the next navigation (ERR_ABORTED) is no fault of the site.
        lambda r: (
            None
            if not _loopback(r.url) or "ERR_ABORTED" in (r.failure or "")
            else watch.failed.append(f"{r.url} ({r.failure})")
        ),
    )
    page.on("response", lambda r: watch.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    yield page, watch
    context.close()


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    kb, report = load_and_validate(REPO)
    assert not report.has_errors
    return kb


def _wait_for_maps(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[data-cxkb-map]')].every(c => c.dataset.cxkbReady === '1')",
        timeout=20000,
    )


def _open(page: object, site: Site, path: str) -> None:
    """Load a page and wait until its maps are drawn (or its redirect has been followed)."""
    text = (site.html_dir / path).read_text(encoding="utf-8")
    redirect = re.search(r'<meta http-equiv="Refresh" content="\d+; url=([^"]+)"', text, re.I)
    page.goto(site.base + path, wait_until="load")  # type: ignore[attr-defined]
    if redirect:
        page.wait_for_url(urljoin(site.base + path, redirect.group(1)))  # type: ignore[attr-defined]
        page.wait_for_load_state("load")  # type: ignore[attr-defined]
    if page.query_selector("[data-cxkb-map]"):  # type: ignore[attr-defined]
        _wait_for_maps(page)


# ---------------------------------------------------------------------------------------
# Every page
# ---------------------------------------------------------------------------------------


def test_every_page_loads_without_errors_or_outside_requests(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    page, watch = watched
    pages = site.pages()
    assert len(pages) > 100, "the book should have a page per domain, topic, question and concept"
    problems = []
    for path in pages:
        watch.clear()
        _open(page, site, path)
        problems += [f"{path}: {p}" for p in watch.problems()]
    assert not problems, "\n".join(problems)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key] or "")
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")


def test_no_broken_internal_links(site: Site) -> None:
    parsed: dict[Path, _Anchors] = {}

    def parse(path: Path) -> _Anchors:
        if path not in parsed:
            parser = _Anchors()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    broken = []
    checked = 0
    for rel in site.pages():
        page_url = site.base + rel
        for href in parse(site.html_dir / rel).hrefs:
            if re.match(r"^\s*javascript:", href, re.I):
                broken.append(f"{rel}: script link {href!r}")
                continue
            target = urljoin(page_url, href)
            parts = urlsplit(target)
            if parts.scheme in ("mailto", "tel") or not target.startswith(site.base):
                continue
            checked += 1
            local = unquote(parts.path[len(urlsplit(site.base).path) :]) or "index.html"
            file = site.html_dir / local
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{rel}: {href} -> missing file {local}")
                continue
            anchor = unquote(parts.fragment)
            if anchor and file.suffix == ".html" and anchor not in parse(file).ids:
                broken.append(f"{rel}: {href} -> no id {anchor!r} in {local}")
    assert checked > 1000
    assert not broken, "\n".join(broken[:50])


def test_release_files_are_downloadable(site: Site) -> None:
    for name in ("cxkb.ttl", "cxkb.owl", "cxkb.jsonld", "cxkb.nt"):
        path = site.html_dir / "release" / name
        assert path.is_file() and path.stat().st_size > 1000, name
    ontology = (site.html_dir / "generated" / "ontology.html").read_text(encoding="utf-8")
    assert 'href="../release/cxkb.ttl"' in ontology


# ---------------------------------------------------------------------------------------
# Maps
# ---------------------------------------------------------------------------------------


def test_main_map_draws_its_nodes_and_a_topic_click_opens_the_topic(watched, site: Site, kb) -> None:  # type: ignore[no-untyped-def]
    page, watch = watched
    page.goto(site.base + "generated/map.html")
    _wait_for_maps(page)
    expected = len(kb.domains) + len(kb.topics) + len(kb.questions)
    expected += sum(1 for c in kb.concepts.values() if not c.deprecated and c.topics)
    count = page.evaluate("() => window.cxkbMaps['map-all'].body.data.nodes.length")
    assert count == expected
    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector('#map-all canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let coloured = 0;
            for (let i = 0; i < data.length; i += 16) {
                if (data[i + 3] > 0 && !(data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) coloured++;
            }
            return coloured;
        }"""
    )
    assert painted > 500, "the map canvas is (nearly) blank"

    page.eval_on_selector("#map-all", "el => el.scrollIntoView({block: 'center'})")
    target = None
    for topic in kb.topics:  # the first topic node no other node covers
        point = page.evaluate(
            """(id) => {
                const net = window.cxkbMaps['map-all'];
                const dom = net.canvasToDOM(net.getPositions([id])[id]);
                const box = document.getElementById('map-all').getBoundingClientRect();
                return {x: box.left + dom.x, y: box.top + dom.y, hit: net.getNodeAt(dom),
                        inside: dom.x > 0 && dom.y > 0 && dom.x < box.width && dom.y < box.height};
            }""",
            f"topic:{topic}",
        )
        if point["inside"] and point["hit"] == f"topic:{topic}":
            target = (topic, point)
            break
    assert target is not None, "no topic node can be clicked on the map"
    topic, point = target
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/generated/topics/{topic}.html", timeout=10000)
    assert page.title().startswith(kb.topics[topic].label.en)
    assert not watch.problems(), watch.problems()


def test_map_tooltips_are_plain_text(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    """vis-network 9.1.2 writes a string ``title`` with innerText: markup in it stays text."""
    page, watch = watched
    page.goto(site.base + "generated/map.html")
    _wait_for_maps(page)
    hostile = '<img src="x" onerror="window.cxkbHacked=1"><b id="cxkb-bold">bold</b> {eval-rst} $x$'
    page.evaluate(
        """(title) => {
            const box = document.createElement('div');
            box.id = 'probe';
            box.style.cssText = 'width:400px;height:300px;position:relative';
            document.querySelector('article').prepend(box);
            box.scrollIntoView();
            window.probe = new vis.Network(box,
                {nodes: new vis.DataSet([{id: 1, label: 'probe', title: title, shape: 'box'}]),
                 edges: new vis.DataSet([])},
                {physics: false, interaction: {hover: true, tooltipDelay: 0}});
        }""",
        hostile,
    )
    point = page.evaluate(
        """() => {
            const dom = window.probe.canvasToDOM(window.probe.getPositions([1])[1]);
            const box = document.getElementById('probe').getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }"""
    )
    page.mouse.move(point["x"] - 5, point["y"] - 5)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.wait_for_selector("#probe .vis-tooltip", state="visible", timeout=5000)
    assert tooltip.text_content() == hostile
    assert tooltip.query_selector("b, img") is None
    assert page.evaluate("() => window.cxkbHacked") is None
    assert page.query_selector("#cxkb-bold") is None
    assert not watch.external


def test_map_data_is_inert_json(site: Site) -> None:
    """The maps carry their data as JSON in a non-executed script element, with no raw '<'."""
    text = (site.html_dir / "generated" / "map.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/json" id="map-all-data">(.*?)</script>', text, re.S)
    assert len(blocks) == 1
    assert "<" not in blocks[0]
    data = json.loads(blocks[0])
    assert all(not n.get("url") or re.match(r"^[a-z0-9_./-]+\.html$", n["url"]) for n in data["nodes"])


# ---------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------


def _search_words(kb) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(word, concept id) pairs: a Dutch synonym, a Dutch preferred label, an English synonym."""
    owners: dict[str, set[str]] = {}
    for c in kb.concepts.values():
        for label in (c.pref.en, c.pref.nl, *c.alt.en, *c.alt.nl):
            owners.setdefault(label.lower(), set()).add(c.id)

    def pick(labels_of) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        for c in sorted(kb.concepts.values(), key=lambda c: c.id):
            for label in labels_of(c):
                if re.fullmatch(r"[a-zà-ÿ]{6,}", label.lower()) and owners[label.lower()] == {c.id}:
                    return label, c.id
        raise AssertionError("no suitable label")

    return [
        pick(lambda c: c.alt.nl),
        pick(lambda c: [c.pref.nl] if c.pref.nl.lower() != c.pref.en.lower() else []),
        pick(lambda c: c.alt.en),
    ]


def test_search_finds_concepts_by_dutch_and_english_names(watched, site: Site, kb) -> None:  # type: ignore[no-untyped-def]
    page, watch = watched
    words = _search_words(kb)
    for word, cid in words:
        page.goto(f"{site.base}search.html?q={word}")
        page.wait_for_selector(f'ul.search a[href*="generated/concepts/{cid}.html"]', timeout=15000)
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("edition,query,chrome", [("", "customer journey", "Contents"), ("nl/", "klantreis", "Inhoud")])
def test_search_summaries_quote_the_page_not_its_toolbar(  # type: ignore[no-untyped-def]
    watched, site: Site, edition: str, query: str, chrome: str
) -> None:
    """A result's summary is text of the page: not the theme's toolbar (.md, .pdf), its in-page
    contents or its footer, which Sphinx's own summary began with."""
    page, watch = watched
    page.goto(f"{site.base}{edition}search.html?q={query}")
    page.wait_for_selector("ul.search li p.context", timeout=15000)
    summaries = page.locator("ul.search li p.context").all_text_contents()[:5]
    assert summaries, "no summary"
    for text in summaries:
        assert ".pdf" not in text and ".md " not in text and f" {chrome} " not in text, text
        assert query.split()[0] in text.lower(), text
    assert not watch.problems(), watch.problems()


# ---------------------------------------------------------------------------------------
# Accessibility
# ---------------------------------------------------------------------------------------


def _axe_pages(site: Site) -> list[str]:
    """Every hand-written and notebook page, and the first two generated pages of each kind, in both editions."""
    kinds = ("domains", "topics", "questions", "concepts")
    chosen = []
    for edition in ("", "nl/"):
        pages = [p for p in site.pages() if p.startswith(edition) and (edition or not p.startswith("nl/"))]
        generated = tuple(f"{edition}generated/{kind}/" for kind in kinds)
        chosen += [p for p in pages if not p.startswith(generated)]
        for prefix in generated:
            chosen += [p for p in pages if p.startswith(prefix)][:2]
    return sorted(set(chosen))


def test_accessibility_has_no_serious_or_critical_violations(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}); run: npm ci --prefix tests/browser")
    page, _watch = watched
    found = []
    for path in _axe_pages(site):
        _open(page, site, path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
                found.append(f"{path}: {v['id']} ({v['impact']}): {v['help']} [{targets}]")
    assert not found, "\n".join(found)


# The book ships no icon font (sphinxext leaves Font Awesome out), so a character from the
# Unicode private-use area, where icon fonts keep their icons, would be drawn as an empty box.
_ICON_CHARACTERS = r"""() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (/[\ue000-\uf8ff]/.test(content)) found.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo}`);
    }
  }
  return found;
}"""


def test_no_icon_drawn_from_a_font_the_book_leaves_out(watched, site: Site) -> None:  # type: ignore[no-untyped-def]
    page, _watch = watched
    pages = [
        "index.html",
        "generated/concepts/customer-service.html",  # a tip: "not to be confused with"
        "generated/questions/co-creation-q1.html",  # a warning: an evidence gap
        "generated/topics/online-cx.html",
    ]
    found = []
    for path in pages + [f"nl/{p}" for p in pages]:
        _open(page, site, path)
        found += [f"{path}: {where}" for where in page.evaluate(_ICON_CHARACTERS)]
    assert not found, "\n".join(found)
