"""How long each map page takes to settle in headless Chromium, and how heavy it is.

For every page with a concept map (and the gap map) the script loads the built book from a
local server in a fresh browser context and reports: when vis-network's ``stabilized`` event
fired and when the map was ready to read (layout, decluttering and the opening view done),
both in milliseconds since navigation; and the bytes transferred for the page with
everything it loads. Run after ``cxkb book``:

    python bench/bench_maps.py            # print the table
    python bench/bench_maps.py --record   # also write it into docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import statistics
import threading
from pathlib import Path

from common import REPO, machine, record_section

from cxkb.book.build import make_server

PAGES = (
    ("main map", "generated/map.html"),
    ("domain map (customer)", "generated/domains/customer.html"),
    ("topic map (customer emotions)", "generated/topics/customer-emotions.html"),
    ("concept map (peak-end rule)", "generated/concepts/peak-end-rule.html"),
    ("co-keyword map", "generated/notebooks/co-keywords.html"),
    ("evidence-gap map", "generated/gapmap.html"),
)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HEADING = "## Map pages in the browser"


def measure(browser: object, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-cxkb-map]')].every(c => c.dataset.cxkbReady === '1')"
        " && [...document.querySelectorAll('[data-cxkb-gapmap]')].every(c => c.dataset.cxkbReady === '1')",
        timeout=60000,
    )
    timings = page.evaluate(
        """() => {
            const maps = [...document.querySelectorAll('[data-cxkb-map]')];
            const perf = performance;
            const entries = [...perf.getEntriesByType('navigation'), ...perf.getEntriesByType('resource')];
            return {
                stabilized: Math.max(0, ...maps.map(m => +(m.dataset.cxkbStabilizedAt || 0))),
                ready: Math.max(0, ...maps.map(m => +(m.dataset.cxkbReadyAt || 0))),
                dom: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                bytes: entries.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0),
                nodes: maps.reduce((s, m) => s + window.cxkbMaps[m.id].body.data.nodes.length, 0),
            };
        }"""
    )
    context.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Loads per page; the median is reported.")
    parser.add_argument("--record", action="store_true", help="Write the table into docs/benchmarks.md.")
    args = parser.parse_args()
    html_dir = REPO / "book" / "_build" / "html"
    if not (html_dir / "index.html").is_file():
        raise SystemExit("no built book: run `cxkb book` first")
    from playwright.sync_api import sync_playwright

    where = machine()
    server = make_server(Path(html_dir), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, path in PAGES:
            runs = [measure(browser, base + path) for _ in range(args.runs)]
            median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((name, path, median))
        browser.close()
    server.shutdown()
    lines = [
        f"Measured with `python bench/bench_maps.py --record` on: {where}. Headless Chromium at 1400 × 900, "
        f"a fresh context per load (nothing cached), the book served from loopback; median of {args.runs} loads. "
        "*Stabilized* is when vis-network's `stabilized` event fired, *ready* when the map was laid out for "
        "reading (labels measured, overlaps removed, opening view chosen); both count from navigation.",
        "",
        "| page | nodes | DOM ready | stabilized | ready | transferred |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, path, m in rows:
        stab = f"{m['stabilized']:,.0f} ms" if m["stabilized"] else "–"
        ready = f"{m['ready']:,.0f} ms" if m["ready"] else "–"
        lines.append(
            f"| {name} (`{path}`) | {int(m['nodes']) or '–'} | {m['dom']:,.0f} ms | {stab} | {ready} "
            f"| {m['bytes'] / 1024:,.0f} KiB |"
        )
    table = "\n".join(lines)
    print(table)
    if args.record:
        record_section(HEADING, table)


if __name__ == "__main__":
    main()
