"""Interactive maps: pyvis networks rendered as small, safe HTML fragments for the book.

pyvis builds the network (nodes, edges, attributes); we render it ourselves because its
templates either load vis-network from a CDN or inline 470 KB of it into every map. A
fragment here is only a container, a legend, a list of links and the map's data as a JSON
``<script type="application/json">`` block; the book's own ``cxkb.js`` draws every map on
a page with the vis-network copy the site ships once in ``_static/vis/``.

Contributor text (labels, definitions, keywords) reaches a map in three places, each kept
literal: node labels are drawn on the canvas as text; tooltips are plain strings, which
vis-network 9.1.2 writes with ``innerText`` (checked by the browser tests); and the JSON
block is escaped so that nothing in it can end the script element or open a comment.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyvis.network import Network

from cxkb.book.frames import Frames

if TYPE_CHECKING:
    from cxkb.book.cokeywords import Comparison

# Colour-blind safe palette (Okabe-Ito) per domain; grey for things outside the framework.
DOMAIN_COLOURS = {"customer": "#E69F00", "organisation": "#0072B2", "technology": "#009E73"}
OTHER_COLOUR = "#6b6b6b"
# Light tints of the domain colours for concept nodes, whose labels are drawn inside them.
DOMAIN_TINTS = {"customer": "#F7D58F", "organisation": "#A9CFEA", "technology": "#93D9C3"}
OTHER_TINT = "#d9d9d9"
# Further Okabe-Ito colours plus greys, for maps coloured by cluster rather than domain.
CLUSTER_COLOURS = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
    "#882255", "#44AA99", "#117733", "#DDCC77",
)  # fmt: skip
VIS_SCRIPT = "vis/vis-network.min.js"
NODE_FIELDS = ("id", "label", "name", "title", "color", "size", "shape", "group", "url", "borderWidth", "font")
# Label sizes (canvas px) by kind: the map opens zoomed so that the largest labels read at
# 12 px or more (cxkb.js), so the framework's own nodes get the largest labels.
FONT_SIZES = {"domain": 28, "topic": 20, "question": 15, "concept": 15, "focus": 22, "keyword": 15, "hub": 18}
TEXT_COLOUR = "#1a1a1a"
EDGE_FIELDS = ("from", "to", "width", "dashes", "arrows", "color", "title")
# Page-relative links to the site's own HTML pages only: no scheme, no '//' host, no script.
_SAFE_URL = re.compile(r"^(?:\.\./)*(?:[a-z0-9_-]+/)*[a-z0-9_.-]+\.html(?:#[A-Za-z0-9_.:-]+)?$")


def vis_network_source() -> Path:
    """The vis-network build that ships inside the pyvis package (the newest one there)."""
    import pyvis

    candidates = sorted(Path(pyvis.__file__).parent.glob("templates/lib/vis-*/vis-network.min.js"))
    if not candidates:
        raise FileNotFoundError("vis-network.min.js not found in the pyvis package")
    return candidates[-1]


def install_vis(static_dir: Path) -> Path:
    """Copy vis-network into a static folder (only when it differs, to keep mtimes stable)."""
    target = static_dir / VIS_SCRIPT
    source = vis_network_source()
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class MapSpec:
    """What one map shows: ``focus`` None for the whole taxonomy, else a domain or topic id."""

    name: str
    kind: str  # "all", "domain", "topic" or "concept" (the concept's neighbourhood)
    focus: str | None = None


def _size(papers: int) -> float:
    return round(12 + 4 * (papers**0.5), 2)


def plural(n: int, word: str) -> str:
    if word == "publicatie":
        return f"{n} {word}" if n == 1 else f"{n} publicaties"
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def build_network(frames: Frames, spec: MapSpec, urls: Mapping[str, str], lang: str = "en") -> Network:
    """The pyvis network for one map. ``urls`` maps node ids (e.g. ``topic:design``) to pages.

    ``lang`` (``en`` or ``nl``) is the language of the node labels and tooltips.
    """
    kb = frames.kb
    dutch = lang == "nl"
    paper = "publicatie" if dutch else "paper"

    def pick(text: object) -> str:
        en, nl = getattr(text, "en", ""), getattr(text, "nl", "")
        return (nl or en) if dutch else (en or nl)

    per_topic = frames.papers_per_topic().to_dict()
    per_question = frames.papers_per_question().to_dict()
    per_concept = frames.papers_per_concept().to_dict()
    domain_papers = frames.papers_per_domain().to_dict()

    if spec.kind == "concept":
        return ego_network(frames, spec.focus or "", urls, lang=lang)
    if spec.kind == "all":
        topics = list(kb.topics)
    elif spec.kind == "domain":
        topics = [t.id for t in kb.topics.values() if t.domain == spec.focus]
    elif spec.kind == "topic":
        topics = [spec.focus] if spec.focus in kb.topics else []
    else:
        raise ValueError(f"unknown map kind {spec.kind!r}")
    domains = sorted({kb.topics[t].domain for t in topics if kb.topics[t].domain in kb.domains})
    concepts = sorted(c.id for c in kb.concepts.values() if set(c.topics) & set(topics) and not c.deprecated)
    questions = [q.id for q in kb.questions.values() if q.topic in topics]

    net = Network(height="640px", width="100%", directed=False, cdn_resources="local")

    def add(node: str, label: str, title: str, colour: object, size: float, shape: str, group: str) -> dict:
        # pyvis drops ``color`` when ``group`` is passed along, so the group is set afterwards.
        net.add_node(node, label=label, title=title, color=colour, size=size, shape=shape, url=urls.get(node, ""))
        options = net.node_map[node]
        options["group"] = group
        options["font"] = {"size": FONT_SIZES[group], "color": TEXT_COLOUR}
        return options

    for d in domains:
        dom = kb.domains[d]
        n = int(domain_papers.get(d, 0))
        title = f"{pick(dom.label)}\n{plural(n, paper)}\n\n{pick(dom.definition)}"
        add(
            f"domain:{d}",
            pick(dom.label),
            title,
            DOMAIN_COLOURS.get(d, OTHER_COLOUR),
            _size(n) + 8,
            "diamond",
            "domain",
        )
    for t in topics:
        top = kb.topics[t]
        n = int(per_topic.get(t, 0))
        title = f"{pick(top.label)}\n{plural(n, paper)}\n\n{pick(top.definition)}"
        colour = DOMAIN_COLOURS.get(top.domain, OTHER_COLOUR)
        add(f"topic:{t}", pick(top.label), title, colour, _size(n) + 4, "dot", "topic")
        if top.domain in kb.domains:
            net.add_edge(f"topic:{t}", f"domain:{top.domain}", width=3)
    for q in questions:
        que = kb.questions[q]
        n = int(per_question.get(q, 0))
        colour = DOMAIN_COLOURS.get(kb.topics[que.topic].domain, OTHER_COLOUR)
        title = f"{pick(que.text)}\n{plural(n, paper)}"
        label = q.rsplit("-", 1)[-1].upper()
        node = add(
            f"question:{q}",
            label,
            title,
            {"background": "#ffffff", "border": colour},
            round(_size(n) * 0.6, 2),
            "box",
            "question",
        )
        node["borderWidth"] = 2
        net.add_edge(f"question:{q}", f"topic:{que.topic}", dashes=True)
    for c in concepts:
        con = kb.concepts[c]
        n = int(per_concept.get(c, 0))
        first = next((t for t in con.topics if t in kb.topics), "")
        domain = kb.topics[first].domain if first else ""
        colour = {
            "background": DOMAIN_TINTS.get(domain, OTHER_TINT),
            "border": DOMAIN_COLOURS.get(domain, OTHER_COLOUR),
        }
        title = f"{pick(con.pref)}\n{plural(n, paper)}\n\n{pick(con.definition)}"
        add(f"concept:{c}", pick(con.pref), title, colour, round(_size(n) * 0.7, 2), "ellipse", "concept")
    for c in concepts:  # edges once every node exists
        con = kb.concepts[c]
        for t in con.topics:
            if t in topics:
                net.add_edge(f"concept:{c}", f"topic:{t}", color="#9a9a9a")
        for b in con.broader:
            if b in concepts:
                net.add_edge(f"concept:{c}", f"concept:{b}", arrows="to", color="#555555")
    return net


def ego_network(
    frames: Frames, cid: str, urls: Mapping[str, str], *, max_questions: int = 6, lang: str = "en"
) -> Network:
    """One concept with its neighbourhood: broader, narrower and related concepts, its topics,
    and the research questions its papers address most (at most ``max_questions``).

    ``lang`` (``en`` or ``nl``) is the language of the node labels and tooltips.
    """
    kb = frames.kb
    dutch = lang == "nl"
    paper, shared_paper = ("publicatie", "gedeelde publicatie") if dutch else ("paper", "shared paper")

    def pick(text: object) -> str:
        en, nl = getattr(text, "en", ""), getattr(text, "nl", "")
        return (nl or en) if dutch else (en or nl)

    def shared_papers(n: int) -> str:
        if dutch:
            return f"{n} gedeelde publicatie" if n == 1 else f"{n} gedeelde publicaties"
        return plural(n, shared_paper)

    net = Network(height="420px", width="100%", directed=True, cdn_resources="local")
    con = kb.concepts.get(cid)
    if con is None:
        return net
    per_concept = frames.papers_per_concept().to_dict()

    def colours(concept_id: str) -> dict[str, str]:
        c = kb.concepts[concept_id]
        first = next((t for t in c.topics if t in kb.topics), "")
        domain = kb.topics[first].domain if first else ""
        return {"background": DOMAIN_TINTS.get(domain, OTHER_TINT), "border": DOMAIN_COLOURS.get(domain, OTHER_COLOUR)}

    def add_concept(concept_id: str, group: str) -> None:
        c = kb.concepts[concept_id]
        n = int(per_concept.get(concept_id, 0))
        title = f"{pick(c.pref)}\n{plural(n, paper)}\n\n{pick(c.definition)}"
        node = f"concept:{concept_id}"
        net.add_node(
            node,
            label=pick(c.pref),
            title=title,
            color=colours(concept_id),
            shape="ellipse",
            url=urls.get(node, "") if group != "focus" else "",
        )
        net.node_map[node]["group"] = "concept" if group != "focus" else "focus"
        net.node_map[node]["font"] = {"size": FONT_SIZES[group], "color": TEXT_COLOUR}
        if group == "focus":
            net.node_map[node]["borderWidth"] = 3

    add_concept(cid, "focus")
    narrower = sorted(c.id for c in kb.concepts.values() if cid in c.broader)
    related = sorted({*con.related, *(c.id for c in kb.concepts.values() if cid in c.related)} - {cid})
    for group, members in (("broader", con.broader), ("narrower", narrower), ("related", related)):
        for other in members:
            if other not in kb.concepts or f"concept:{other}" in net.node_map:
                continue
            add_concept(other, "concept")
            if group in ("broader", "narrower"):
                a, b = (cid, other) if group == "broader" else (other, cid)
                net.add_edge(
                    f"concept:{a}", f"concept:{b}", arrows="to", color="#555555", title="breder" if dutch else "broader"
                )
            else:
                net.add_edge(
                    f"concept:{cid}",
                    f"concept:{other}",
                    dashes=True,
                    color="#777777",
                    title="verwant" if dutch else "related",
                )
    for t in con.topics:
        if t not in kb.topics:
            continue
        top = kb.topics[t]
        node = f"topic:{t}"
        net.add_node(
            node,
            label=pick(top.label),
            title=f"{pick(top.label)}\n\n{pick(top.definition)}",
            color=DOMAIN_COLOURS.get(top.domain, OTHER_COLOUR),
            shape="dot",
            size=22,
            url=urls.get(node, ""),
        )
        net.node_map[node]["group"] = "topic"
        net.node_map[node]["font"] = {"size": FONT_SIZES["topic"], "color": TEXT_COLOUR}
        net.add_edge(f"concept:{cid}", node, color="#9a9a9a", title="onderwerp" if dutch else "topic")
    links = frames.paper_concepts[frames.paper_concepts["concept"] == cid].merge(frames.paper_questions, on="paper")
    shared = links.groupby("question")["paper"].nunique().sort_values(ascending=False, kind="stable")
    shared = shared[[q in kb.questions for q in shared.index]].head(max_questions)
    for q, n in shared.items():
        que = kb.questions[q]
        node = f"question:{q}"
        topic = kb.topics.get(que.topic)
        colour = DOMAIN_COLOURS.get(topic.domain, OTHER_COLOUR) if topic else OTHER_COLOUR
        topic_label = pick(topic.label) if topic else que.topic
        net.add_node(
            node,
            label=f"{topic_label} {q.rsplit('-', 1)[-1].upper()}",
            title=f"{pick(que.text)}\n{shared_papers(int(n))}",
            color={"background": "#ffffff", "border": colour},
            shape="box",
            url=urls.get(node, ""),
        )
        net.node_map[node]["group"] = "question"
        net.node_map[node]["borderWidth"] = 2
        net.node_map[node]["font"] = {"size": FONT_SIZES["question"], "color": TEXT_COLOUR}
        net.add_edge(
            f"concept:{cid}",
            node,
            dashes=True,
            width=min(1 + int(n), 6),
            color="#b0b0b0",
            title=shared_papers(int(n)),
        )
    return net


def keyword_network(
    comparison: Comparison,
    topic_urls: Mapping[str, str],
    topic_labels: Mapping[str, str],
    *,
    max_nodes: int = 150,
    links_per_node: int = 6,
    labelled: int = 30,
    lang: str = "en",
) -> tuple[Network, list[tuple[str, str]]]:
    """The co-keyword network coloured by Louvain community, and its legend.

    A map stays readable (and a page light) only up to a few hundred nodes and links, while
    the analysis uses the whole network: the map shows the ``max_nodes`` most used keywords
    and, for each, its ``links_per_node`` strongest links. A keyword node links to the page
    of the taxonomy topic most of its papers cover. Only the ``labelled`` most central keywords
    (weighted degree in the whole network) carry a label on the canvas; the others have their
    name in the tooltip and the find box, so the map stays legible.
    """
    net = Network(height="640px", width="100%", directed=False, cdn_resources="local")
    network = comparison.network
    graph = network.graph
    names = comparison.community_names()
    colour_of = {}
    legend = []
    for number, group in enumerate(comparison.groups, start=1):
        colour = CLUSTER_COLOURS[number - 1] if number <= len(CLUSTER_COLOURS) else OTHER_COLOUR
        legend.append((f"{number}: {names[number]}", colour))
        for key in group:
            colour_of[key] = (number, colour)
    shown = sorted(sorted(graph.nodes, key=lambda k: (-network.papers[k], k))[:max_nodes])
    chosen = set(shown)
    centrality = dict(graph.degree(weight="weight"))
    hubs = set(sorted(shown, key=lambda k: (-centrality.get(k, 0), k))[:labelled])
    for key in shown:
        number, colour = colour_of.get(key, (0, OTHER_COLOUR))
        topic = network.topic.get(key, "")
        n = network.papers[key]
        if lang == "nl":
            title = f"{network.display[key]}\n{plural(n, 'publicatie')}\ngemeenschap {number}"
        else:
            title = f"{network.display[key]}\n{plural(n, 'paper')}\ncommunity {number}"
        if topic:
            most = "meeste publicaties" if lang == "nl" else "most of its papers"
            title += f"\n{most}: {topic_labels.get(topic, topic)}"
        net.add_node(
            key,
            label=network.display[key],
            title=title,
            color=colour,
            size=round(_size(n) * 0.6, 2),
            shape="dot",
            url=topic_urls.get(topic, ""),
        )
        net.node_map[key]["group"] = f"community-{number}"
        net.node_map[key]["name"] = network.display[key]
        if key in hubs:
            net.node_map[key]["font"] = {"size": FONT_SIZES["hub"], "color": TEXT_COLOUR}
        else:
            net.node_map[key]["label"] = ""
    links: set[tuple[str, str]] = set()
    for key in shown:
        strongest = sorted(
            ((int(d.get("weight", 1)), other) for other, d in graph[key].items() if other in chosen),
            key=lambda wo: (-wo[0], wo[1]),
        )[:links_per_node]
        links.update((min(key, other), max(key, other)) for _w, other in strongest)
    for a, b in sorted(links):
        w = int(graph[a][b].get("weight", 1))
        net.add_edge(
            a,
            b,
            width=min(1 + w, 8),
            color="#b0b0b0",
            title=f"{w} gedeelde publicatie(s)" if lang == "nl" else plural(w, "shared paper"),
        )
    return net, legend


def safe_json(data: object) -> str:
    """JSON that cannot close the script element, open a comment or a template literal in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060")):
        text = text.replace(ch, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def safe_url(url: str) -> str:
    """``url`` when it is a page-relative link to one of the site's pages, else ''."""
    return url if url and _SAFE_URL.match(url) else ""


def map_data(net: Network) -> dict[str, list[dict[str, object]]]:
    """The nodes and edges a map needs, in a stable order; every text stays a plain string."""
    nodes = []
    for node in net.nodes:
        item = {k: node[k] for k in NODE_FIELDS if k in node and node[k] not in ("", None)}
        for key in ("label", "title"):
            if key in item:
                item[key] = str(item[key])
        if "url" in item:
            item["url"] = safe_url(str(item["url"]))
            if not item["url"]:
                del item["url"]
        item.setdefault("font", {"color": "#1a1a1a"})
        nodes.append(item)
    edges = [{k: edge[k] for k in EDGE_FIELDS if k in edge} for edge in net.edges]
    return {
        "nodes": sorted(nodes, key=lambda n: str(n["id"])),
        "edges": sorted(edges, key=lambda e: (str(e["from"]), str(e["to"]))),
    }


DOMAIN_LEGEND = (
    ("customer domain · klantdomein", DOMAIN_COLOURS["customer"]),
    ("organisation domain · organisatiedomein", DOMAIN_COLOURS["organisation"]),
    ("technology domain · technologiedomein", DOMAIN_COLOURS["technology"]),
)
TAXONOMY_KEY = (
    "Diamonds are domains, circles topics, boxes research questions and ellipses concepts; a node grows with its "
    "number of papers. Hover over (or tap) a node for its definition; click it (or tap it again) to open its page."
)
EGO_KEY = (
    "The concept (thick border) with its broader and narrower concepts (arrows point to the broader one), related "
    "concepts (dashed), its topics (circles) and the research questions its papers address most (boxes)."
)
EGO_KEY_NL = (
    "Het begrip (dikke rand) met bredere en smallere begrippen (pijlen wijzen naar het bredere), verwante "
    "begrippen (gestippeld), de onderwerpen (cirkels) en de onderzoeksvragen waar de publicaties het vaakst over "
    "gaan (rechthoeken)."
)
DOMAIN_LEGEND_NL = (
    ("klantdomein", DOMAIN_COLOURS["customer"]),
    ("organisatiedomein", DOMAIN_COLOURS["organisation"]),
    ("technologiedomein", DOMAIN_COLOURS["technology"]),
)
TAXONOMY_KEY_NL = (
    "Ruiten zijn domeinen, cirkels onderwerpen, rechthoeken onderzoeksvragen en ellipsen begrippen; een knoop is "
    "groter naarmate er meer publicaties over gaan. Wijs (of tik) een knoop aan voor de definitie; klik (of tik nog "
    "eens) om de pagina te openen."
)


def render_fragment(
    net: Network,
    element_id: str,
    caption: str,
    *,
    legend: Sequence[tuple[str, str]] = DOMAIN_LEGEND,
    key: str = TAXONOMY_KEY,
    height: str = "640px",
    link_list: bool = True,
    lang: str = "en",
) -> str:
    """An HTML fragment (figure with map container, legend, link list and data) for a book page.

    The fragment holds no executable script and no blank line, so it can sit in a Markdown
    page or a notebook output unchanged.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", element_id):
        raise ValueError(f"bad element id {element_id!r}")
    if not re.fullmatch(r"\d{2,4}px", height):
        raise ValueError(f"bad height {height!r}")
    data = map_data(net)
    pages_word, legend_word = ("Pagina's op deze kaart", "Legenda") if lang == "nl" else ("Pages on this map", "Legend")
    swatches = "".join(
        f'<li><span class="cxkb-swatch" style="background:{html.escape(colour)}"></span>{html.escape(name)}</li>'
        for name, colour in legend
        if re.fullmatch(r"#[0-9A-Fa-f]{6}", colour)
    )
    links = "".join(
        f'<li><a href="{html.escape(str(n["url"]))}">{html.escape(str(n.get("label", n["id"])))}</a></li>'
        for n in sorted(data["nodes"], key=lambda n: (str(n.get("group", "")), str(n.get("label", ""))))
        if n.get("url")
    )
    link_list = (
        f'<details class="cxkb-map-links"><summary>{pages_word} ({links.count("<li>")})</summary>'
        f"<ul>{links}</ul></details>"
        if links and link_list
        else ""
    )
    eid = element_id
    return (
        f'<figure class="cxkb-map" aria-labelledby="{eid}-caption">'
        f'<div id="{eid}" class="cxkb-map-canvas" style="height:{height}" '
        f'data-cxkb-map="{eid}-data" role="region" aria-label="{html.escape(caption)}" '
        f'aria-describedby="{eid}-caption"></div>'
        f'<figcaption id="{eid}-caption"><strong>{html.escape(caption)}</strong> {html.escape(key)}</figcaption>'
        f'<ul class="cxkb-legend" aria-label="{legend_word}">{swatches}</ul>'
        f"{link_list}"
        f'<script type="application/json" id="{eid}-data">{safe_json(data)}</script>'
        "</figure>"
    )
