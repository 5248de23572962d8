"""The maps and the evidence-gap map in Chromium: readable labels, scrolling, taps, cells.

Uses the built book and server of tests/test_book_browser.py (its session fixtures) and the
shared ``chromium``. Label sizes are read from vis-network's own state: the font size of a
node times ``network.getScale()`` is the label's height on screen in CSS pixels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
import pytest

from test_book_browser import REPO, Site, _wait_for_maps, browser, kb, site  # noqa: F401

pytestmark = [pytest.mark.slow]

MAP_PAGES = {
    "generated/map.html": "map-all",
    "generated/domains/customer.html": "map-domain-customer",
    "generated/topics/customer-emotions.html": "map-topic-customer-emotions",
    "generated/concepts/peak-end-rule.html": "map-concept-peak-end-rule",
    "generated/notebooks/co-keywords.html": "map-cokeywords",
}

# Every labelled node's label size at the current view, whether it lies inside the frame, and
# the drawing threshold vis-network applies.
LABELS_JS = """(id) => {
    const net = window.cxkbMaps[id];
    const box = document.getElementById(id).getBoundingClientRect();
    const scale = net.getScale();
    const pos = net.getPositions();
    return Object.values(net.body.nodes).filter(n => n.options.label).map(n => {
        const dom = net.canvasToDOM(pos[n.id]);
        return {id: n.id, px: n.options.font.size * scale,
                threshold: n.options.scaling.label.drawThreshold,
                inside: dom.x >= 0 && dom.y >= 0 && dom.x <= box.width && dom.y <= box.height};
    });
}"""


@pytest.fixture
def context_at(browser):  # type: ignore[no-untyped-def]  # noqa: F811
    made = []

    def make(width: int, height: int = 900, *, touch: bool = False):  # type: ignore[no-untyped-def]
        options = {"viewport": {"width": width, "height": height}}
        if touch:
            options.update(has_touch=True, is_mobile=True, device_scale_factor=2)
        context = browser.new_context(**options)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


def _open_map(page, site, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.goto(site.base + path, wait_until="load")
    _wait_for_maps(page)


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
@pytest.mark.parametrize("path", sorted(MAP_PAGES))
def test_maps_open_with_readable_labels(context_at, site, path: str, width: int, height: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(width, height)
    _open_map(page, site, path)
    labels = page.evaluate(LABELS_JS, MAP_PAGES[path])
    assert labels, "the map has no labels"
    # vis-network draws a label only when font size x scale >= drawThreshold - 1
    assert {lab["threshold"] for lab in labels} == {13}
    readable = [lab for lab in labels if lab["px"] >= 12 and lab["inside"]]
    assert len(readable) >= min(5, len(labels)), (path, width, sorted(lab["px"] for lab in labels)[-5:])


@pytest.mark.parametrize("path", sorted(MAP_PAGES))
def test_no_label_lies_under_another_node(context_at, site, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400)
    _open_map(page, site, path)
    overlaps = page.evaluate(
        """(id) => {
            const net = window.cxkbMaps[id];
            // vis-network updates a label's box only when it draws the label: draw them all first
            net.setOptions({nodes: {scaling: {label: {drawThreshold: 0}}}});
            net.fit({animation: false});
            net.redraw();
            const ids = Object.keys(net.body.nodes).filter(k => !k.startsWith('edgeId:'));
            const boxes = ids.map(i => [i, net.getBoundingBox(i)]);
            const out = [];
            for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
                const [i, p] = boxes[a], [j, q] = boxes[b];
                const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
                const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                if (w > 1 && h > 1) out.push(i + ' / ' + j);
            }
            return out;
        }""",
        MAP_PAGES[path],
    )
    assert overlaps == []


def test_topic_map_fills_its_frame(context_at, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400)
    _open_map(page, site, "generated/topics/customer-emotions.html")
    share = page.evaluate(
        """() => {
            const id = 'map-topic-customer-emotions', net = window.cxkbMaps[id];
            const el = document.getElementById(id);
            let l = Infinity, r = -Infinity, t = Infinity, b = -Infinity;
            for (const k of Object.keys(net.getPositions())) {
                const bb = net.getBoundingBox(k);
                const a = net.canvasToDOM({x: bb.left, y: bb.top}), c = net.canvasToDOM({x: bb.right, y: bb.bottom});
                l = Math.min(l, a.x); t = Math.min(t, a.y); r = Math.max(r, c.x); b = Math.max(b, c.y);
            }
            return Math.max((r - l) / el.clientWidth, (b - t) / el.clientHeight);
        }"""
    )
    assert share >= 0.7


def test_wheel_over_a_map_scrolls_the_page_and_ctrl_wheel_zooms(context_at, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400, 900)
    _open_map(page, site, "generated/map.html")
    box = page.evaluate(
        "() => { const b = document.getElementById('map-all').getBoundingClientRect();"
        " return {x: b.left + b.width / 2, y: b.top + Math.min(b.height, 900 - b.top) / 2}; }"
    )
    scale = page.evaluate("() => window.cxkbMaps['map-all'].getScale()")
    before = page.evaluate("() => window.scrollY")
    page.mouse.move(box["x"], box["y"])
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"() => window.scrollY > {before}", timeout=5000)
    assert page.evaluate("() => window.cxkbMaps['map-all'].getScale()") == pytest.approx(scale)
    box = page.evaluate(
        "() => { const b = document.getElementById('map-all').getBoundingClientRect();"
        " return {x: b.left + b.width / 2, y: Math.max(b.top, 0) + 50}; }"
    )
    page.mouse.move(box["x"], box["y"])
    scrolled = page.evaluate("() => window.scrollY")
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function(f"() => window.cxkbMaps['map-all'].getScale() > {scale} * 1.05", timeout=5000)
    assert page.evaluate("() => window.scrollY") == scrolled


def _node_point(page, map_id: str):  # type: ignore[no-untyped-def]
    """The screen point of a linked node that lies inside the frame and is not covered."""
    return page.evaluate(
        """(id) => {
            const net = window.cxkbMaps[id];
            const el = document.getElementById(id), box = el.getBoundingClientRect();
            for (const n of net.body.data.nodes.get()) {
                if (!n.url) continue;
                const dom = net.canvasToDOM(net.getPositions([n.id])[n.id]);
                if (dom.x < 20 || dom.y < 20 || dom.x > box.width - 20 || dom.y > box.height - 20) continue;
                if (net.getNodeAt(dom) !== n.id) continue;
                return {id: n.id, url: n.url, label: n.label || n.name, x: box.left + dom.x, y: box.top + dom.y};
            }
            return null;
        }""",
        map_id,
    )


def test_a_tap_on_a_phone_shows_the_tooltip_first(context_at, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(390, 844, touch=True)
    path = "generated/topics/customer-emotions.html"
    _open_map(page, site, path)
    page.eval_on_selector("#map-topic-customer-emotions", "el => el.scrollIntoView({block: 'center'})")
    point = _node_point(page, "map-topic-customer-emotions")
    assert point is not None, "no node can be tapped"
    page.touchscreen.tap(point["x"], point["y"])
    tip = page.wait_for_selector("#map-topic-customer-emotions .cxkb-map-tip", state="visible", timeout=5000)
    assert point["label"] in tip.text_content()
    assert page.url.endswith(path)
    assert tip.query_selector("a.cxkb-map-tip-open").get_attribute("href") == point["url"]
    page.touchscreen.tap(point["x"], point["y"])
    page.wait_for_url(re.compile(re.escape(point["url"].split("/")[-1]) + "$"), timeout=10000)


def test_find_box_finds_a_node(context_at, site, kb) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400)
    _open_map(page, site, "generated/map.html")
    concept = kb.concepts["peak-end-rule"]
    page.fill("#map-all-find", concept.pref.en)
    page.press("#map-all-find", "Enter")
    page.wait_for_selector("#map-all .cxkb-map-tip", state="visible")
    assert page.evaluate("() => window.cxkbMaps['map-all'].getSelectedNodes()") == ["concept:peak-end-rule"]
    px = page.evaluate(
        "() => { const n = window.cxkbMaps['map-all']; return n.body.nodes['concept:peak-end-rule'].options.font.size"
        " * n.getScale(); }"
    )
    assert px >= 12


# ---------------------------------------------------------------------------------------
# The evidence-gap map
# ---------------------------------------------------------------------------------------


@pytest.fixture
def gap_page(context_at, site) -> Iterator[object]:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400)
    page.goto(site.base + "generated/gapmap.html", wait_until="load")
    page.wait_for_selector("#gapmap[data-cxkb-ready] table.cxkb-gapmap-grid")
    yield page


def _pandas_cells() -> tuple[dict[tuple[str, str], int], dict[str, list[str]], pd.DataFrame]:
    """Papers per (question, design) and the three answers, straight from the CSV tables."""
    papers = pd.read_csv(REPO / "literature" / "papers.csv", dtype=str, keep_default_na=False)
    questions = pd.read_csv(REPO / "ontology" / "tables" / "questions.csv", dtype=str, keep_default_na=False)
    long = papers.assign(question=papers["questions"].str.split("|")).explode("question")
    long = long.assign(design=long["designs"].str.split("|")).explode("design")
    long["year"] = long["year"].astype(int)
    cells = long.groupby(["question", "design"])["id"].nunique().to_dict()
    answers: dict[str, list[str]] = {"no-recent": [], "no-empirical": [], "no-causal-or-behavioural": []}
    for q in questions["id"]:
        rows = long[long["question"] == q]
        designs = set(rows["design"]) - {""}
        if not (rows["year"] >= 2021).any():
            answers["no-recent"].append(q)
        if not designs - {"conceptual", "review"}:
            answers["no-empirical"].append(q)
        if not designs & {"experiment", "field-data"}:
            answers["no-causal-or-behavioural"].append(q)
    return cells, answers, questions


def test_gap_map_cells_and_summary_match_pandas(gap_page, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = gap_page
    cells, answers, questions = _pandas_cells()
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.cxkb-gapmap-grid button[data-question]')]"
        ".map(b => [b.dataset.question, b.dataset.column, +b.dataset.count])"
    )
    designs = {c for _q, c, _n in shown}
    assert len(shown) == len(questions) * len(designs) == len(questions) * 8
    mismatched = [(q, d, n, cells.get((q, d), 0)) for q, d, n in shown if cells.get((q, d), 0) != n]
    assert mismatched == []
    empty = sum(1 for _q, _d, n in shown if n == 0)
    assert page.locator("td.cxkb-gapmap-empty").count() == empty
    # the answers above the map: each list names exactly pandas' questions
    html = (site.html_dir / "generated" / "gapmap.html").read_text(encoding="utf-8")
    answer_part = html[html.index('id="the-answer"') : html.index('id="the-map"')]
    items = re.findall(r"<li><p><strong>(.*?)</strong> \((\d+)\)(.*?)</li>\s*(?=<li><p><strong>|</ul>\s*</section>)",
                       answer_part, re.S)  # fmt: skip
    assert [int(n) for _t, n, _rest in items] == [len(answers[k]) for k in answers]
    for (_title, _n, rest), key in zip(items, answers, strict=True):
        assert sorted(re.findall(r"questions/([a-z0-9-]+)\.html", rest)) == sorted(answers[key])
    gaps = sorted({q for qs in answers.values() for q in qs})  # thin questions would be caught by the other three
    assert re.search(rf"<strong>{len(gaps)} research questions? (is an evidence gap|are evidence gaps)</strong>", html)
    landing = (site.html_dir / "intro.html").read_text(encoding="utf-8")
    assert re.search(rf">{len(gaps)} of them (an )?evidence gaps?</span></a>", landing)


def test_clicking_a_gap_map_cell_lists_its_papers(gap_page, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = gap_page
    button = page.locator(".cxkb-gapmap-grid button[data-count]:not([data-count='0'])").first
    count = int(button.get_attribute("data-count"))
    button.click()
    panel = page.locator("#gapmap-panel")
    panel.wait_for(state="visible")
    items = panel.locator("li[data-paper]")
    assert items.count() == count
    first = items.first
    bib = first.locator("a.cxkb-bib").get_attribute("href")
    key = first.get_attribute("data-paper")
    assert bib == f"../bibliography.html#cite-{key}"
    bibliography = (site.html_dir / "bibliography.html").read_text(encoding="utf-8")
    assert f'id="cite-{key}"' in bibliography
    doi = first.locator("a.cxkb-doi")
    assert doi.count() == 0 or doi.get_attribute("href").startswith("https://doi.org/10.")
    page.locator(".cxkb-gapmap-grid td.cxkb-gapmap-empty button").first.click()
    assert "gap" in panel.text_content() and panel.locator("li").count() == 0


def test_gap_map_period_view_and_domain_filter(gap_page) -> None:  # type: ignore[no-untyped-def]
    page = gap_page
    page.click("button[data-view='period']")
    heads = page.locator(".cxkb-gapmap-grid thead th .cxkb-gapmap-col").all_text_contents()
    assert heads[-1] == "2021 and later" and len(heads) == 4
    page.select_option("#gapmap-domain", "technology")
    rows = page.locator(".cxkb-gapmap-grid tr[data-question]")
    assert 0 < rows.count() < 28
    domains = page.locator(".cxkb-gapmap-grid tr.cxkb-gapmap-domain").all_text_contents()
    assert len(domains) == 1 and domains[0].startswith("technology")
    page.select_option("#gapmap-period", "since-review")
    assert page.locator(".cxkb-gapmap-grid thead th .cxkb-gapmap-col").all_text_contents() == ["2021 and later"]


def test_the_dutch_gap_map_speaks_dutch(context_at, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = context_at(1400)
    page.goto(site.base + "nl/generated/gapmap.html", wait_until="load")
    page.wait_for_selector("#gapmap[data-cxkb-ready] table.cxkb-gapmap-grid")
    heads = page.locator(".cxkb-gapmap-grid thead th .cxkb-gapmap-col").all_text_contents()
    assert "conceptueel" in heads and "conceptual" not in heads
    assert page.locator(".cxkb-gapmap-grid caption").text_content() == "Onderzoeksvragen per onderzoeksopzet"
    assert "vragen ×" in page.locator(".cxkb-gapmap-status").text_content()
    page.locator(".cxkb-gapmap-grid button[data-count]:not([data-count='0'])").first.click()
    panel = page.locator("#gapmap-panel")
    panel.wait_for(state="visible")
    assert "publicatie" in panel.locator("h3").text_content()
    assert panel.locator("a.cxkb-bib").first.text_content() == "literatuurlijst"
    text = page.locator("#gapmap").text_content()
    for english in ("By study design", "Research question", "papers", "bibliography", "Close"):
        assert english not in text, english


FIT_JS = """() => {
    const box = document.querySelector('.cxkb-gapmap-scroll');
    const table = box.querySelector('table.cxkb-gapmap-grid');
    const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().right);
    return {box: box.clientWidth, table: table.scrollWidth, page: document.documentElement.scrollWidth,
            right: Math.max(...heads),
            question: table.querySelector('th.cxkb-gapmap-qhead').getBoundingClientRect().width,
            secondary: !!document.querySelector('.bd-sidebar-secondary')};
}"""


@pytest.mark.parametrize("edition", ["", "nl/"])
def test_the_whole_gap_map_fits_a_desktop_screen(context_at, site, edition: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """At 1400 px every design column is in view without scrolling, in both languages (the
    Dutch headers are the wider ones); on a phone the table scrolls inside its box, not the page."""
    page = context_at(1400)
    page.goto(site.base + edition + "generated/gapmap.html", wait_until="load")
    page.wait_for_selector("#gapmap[data-cxkb-ready] table.cxkb-gapmap-grid")
    fit = page.evaluate(FIT_JS)
    assert not fit["secondary"], "the map page keeps the in-page contents beside it"
    assert fit["table"] <= fit["box"], fit
    assert fit["right"] <= 1400, fit
    assert fit["question"] >= 12 * 16 - 1, fit
    phone = context_at(390, 844)
    phone.goto(site.base + edition + "generated/gapmap.html", wait_until="load")
    phone.wait_for_selector("#gapmap[data-cxkb-ready] table.cxkb-gapmap-grid")
    fit = phone.evaluate(FIT_JS)
    assert fit["table"] > fit["box"] and fit["page"] <= 390, fit
