"""The endpoint's own page: the query library, runnable in the browser.

Everything is served by the endpoint itself (no CDN, no fonts, no external scripts), so the
page works offline and its Content-Security-Policy can forbid every other origin. Text
from the library is HTML-escaped here; results are put into the page with ``textContent``
by the script, never as HTML.
"""

from __future__ import annotations

from html import escape

from cxkb.sparql.library import NamedQuery

PAGE_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin: 0; }
.nl { color: #555; font-style: italic; margin: 0.1rem 0 0.4rem; }
section.query, section.free { border: 1px solid #ccc; border-radius: 6px; padding: 0.8rem; margin: 0.8rem 0; }
label { display: inline-block; margin: 0.2rem 1rem 0.2rem 0; }
label small { color: #555; display: block; }
input[type=text] { width: 16rem; }
textarea { width: 100%; min-height: 8rem; font-family: monospace; }
table { border-collapse: collapse; margin-top: 0.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.error { color: #a00; white-space: pre-wrap; font-family: monospace; }
.note { color: #555; font-size: 0.85rem; }
pre { background: #f7f7f7; padding: 0.5rem; overflow: auto; }
"""

PAGE_JS = r"""
"use strict";
const RESULTS = "application/sparql-results+json";

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function cell(binding) {
  if (!binding) return "";
  return binding.type === "bnode" ? "_:" + binding.value : binding.value;
}

function show(out, response, text) {
  clear(out);
  if (!response.ok) {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = response.status + " " + text;
    out.appendChild(p);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith(RESULTS)) {
    const pre = document.createElement("pre");
    pre.textContent = text;
    out.appendChild(pre);
    return;
  }
  const data = JSON.parse(text);
  if (typeof data.boolean === "boolean") {
    const p = document.createElement("p");
    p.textContent = data.boolean ? "true" : "false";
    out.appendChild(p);
    return;
  }
  const note = document.createElement("p");
  note.className = "note";
  const rows = data.results.bindings;
  note.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
  if (response.headers.get("X-Cxkb-Truncated")) {
    note.textContent += " (cut at " + response.headers.get("X-Cxkb-Max-Rows") + ")";
  }
  out.appendChild(note);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of data.head.vars) tr.insertCell().textContent = cell(row[v]);
  }
  out.appendChild(table);
}

async function send(out, url, init) {
  out.textContent = "…";
  try {
    const response = await fetch(url, init);
    show(out, response, await response.text());
  } catch (err) {
    clear(out);
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = String(err);
    out.appendChild(p);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.library")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const [key, value] of new FormData(form)) if (value !== "") params.append(key, value);
      const url = "queries/" + encodeURIComponent(form.dataset.name) + "?" + params.toString();
      send(form.parentElement.querySelector(".out"), url, { headers: { Accept: RESULTS } });
    });
  }
  const free = document.querySelector("form.free");
  free.addEventListener("submit", (event) => {
    event.preventDefault();
    send(free.parentElement.querySelector(".out"), "sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: RESULTS + ", text/turtle;q=0.9" },
      body: free.querySelector("textarea").value,
    });
  });
});
"""

EXAMPLE_QUERY = """SELECT ?topic (COUNT(?paper) AS ?papers)
WHERE { ?paper cx:coversTopic/dcterms:identifier ?topic }
GROUP BY ?topic
ORDER BY DESC(?papers)"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _query_section(q: NamedQuery) -> str:
    fields = []
    for p in q.params:
        hint = f"{p.kind}{'' if p.optional else ', required'}"
        if p.default is not None:
            hint += f", default {p.default}"
        placeholder = p.example or p.default or ""
        fields.append(
            f'<label>{_e(p.name)} <input type="text" name="{_e(p.name)}" placeholder="{_e(placeholder)}"'
            f"{'' if p.optional else ' required'}><small>{_e(hint)}: {_e(p.description)}</small></label>"
        )
    return (
        f'<section class="query" id="q-{_e(q.name)}">'
        f'<h2 lang="en">{_e(q.title.get("en", q.name))}</h2>'
        f'<p class="nl" lang="nl">{_e(q.title.get("nl", ""))}</p>'
        f'<p lang="en">{_e(q.description.get("en", ""))}</p>'
        f'<details><summary>Nederlands</summary><p lang="nl">{_e(q.description.get("nl", ""))}</p></details>'
        f'<form class="library" data-name="{_e(q.name)}">{"".join(fields)}'
        f'<button type="submit">Run <code>{_e(q.name)}</code></button></form>'
        f"<details><summary>SPARQL</summary><pre>{_e(q.text)}</pre></details>"
        '<div class="out" aria-live="polite"></div>'
        "</section>"
    )


def render_page(queries: list[NamedQuery], timeout: float, max_rows: int) -> str:
    """The HTML page; every piece of library text in it is escaped."""
    sections = "\n".join(_query_section(q) for q in queries)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxkb SPARQL endpoint</title>
<link rel="stylesheet" href="page.css">
<script src="page.js" defer></script>
</head>
<body>
<h1>cxkb SPARQL endpoint <span class="nl" lang="nl">— SPARQL-toegang tot de kennisbank klantbeleving</span></h1>
<p>Send SPARQL 1.1 queries to <code>sparql</code> (GET or POST). Results come as SPARQL JSON, XML, CSV or TSV,
graphs as Turtle, JSON-LD or N-Triples. The endpoint is read-only; each query may run {_e(f"{timeout:g}")} s and
return {_e(max_rows)} rows. The prefixes cx, skos, dcterms, prism, foaf and others are predefined.</p>
<section class="free">
<h2>Your own query <span class="nl" lang="nl">— eigen query</span></h2>
<form class="free"><textarea name="query" spellcheck="false">{_e(EXAMPLE_QUERY)}</textarea>
<button type="submit">Run</button></form>
<div class="out" aria-live="polite"></div>
</section>
<h1>Query library <span class="nl" lang="nl">— querybibliotheek</span></h1>
{sections}
</body>
</html>
"""
