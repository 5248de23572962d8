/* cxkb book: draws the maps and makes long tables filterable and paged.
 *
 * Written for this site, no dependencies but vis-network (served from _static/vis/ on
 * pages that have a map). Map data comes from <script type="application/json"> blocks;
 * every text in it is used as plain text (vis-network writes string tooltips with
 * innerText), and a node's link is followed only when it is a relative page URL.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 25;
  var SAFE_URL = /^(?:\.\.\/)*(?:[a-z0-9_-]+\/)*[a-z0-9_.-]+\.html(?:#[A-Za-z0-9_.:-]+)?$/;

  var MIN_LABEL_PX = 12; // no label is drawn smaller than this on screen
  var READABLE_LABELS = 12; // the initial view makes at least this many labels readable
  var PADDING = 24; // px between the drawing and the frame when a map is fitted
  var TOUCH_HOVER = window.matchMedia ? window.matchMedia("(hover: none)") : { matches: false };
  /* Each edition's controls speak its language (the Dutch pages carry lang="nl"). */
  var DUTCH = /^nl(-|$)/i.test(document.documentElement.lang || "");

  function say(en, nl) {
    return DUTCH ? nl : en;
  }

  function mapElement(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function fontSize(network, id) {
    var node = network.body.nodes[id];
    return node && node.options.font ? node.options.font.size : 14;
  }

  /* Canvas-space boxes of every node (shape and label), relative to the node's position. */
  function nodeBoxes(network, ids) {
    var positions = network.getPositions(ids);
    return ids.map(function (id) {
      var box = network.getBoundingBox(id);
      var p = positions[id];
      return { id: id, x: p.x, y: p.y, l: box.left - p.x, r: box.right - p.x, t: box.top - p.y, b: box.bottom - p.y };
    });
  }

  /* One pass over every pair: overlapping boxes are pushed apart along their shorter overlap.
     Returns whether anything moved. */
  function separate(boxes, gap) {
    var moved = false;
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i];
        var b = boxes[j];
        var dx = Math.min(a.x + a.r, b.x + b.r) - Math.max(a.x + a.l, b.x + b.l) + gap;
        var dy = Math.min(a.y + a.b, b.y + b.b) - Math.max(a.y + a.t, b.y + b.t) + gap;
        if (dx <= 0 || dy <= 0) {
          continue;
        }
        moved = true;
        if (dx < dy) {
          var sx = (a.x + (a.l + a.r) / 2 <= b.x + (b.l + b.r) / 2 ? -1 : 1) * (dx / 2 + 0.5);
          a.x += sx;
          b.x -= sx;
        } else {
          var sy = (a.y + (a.t + a.b) / 2 <= b.y + (b.t + b.b) / 2 ? -1 : 1) * (dy / 2 + 0.5);
          a.y += sy;
          b.y -= sy;
        }
      }
    }
    return moved;
  }

  /* Move nodes until no label or shape lies on another. Pairwise pushes settle most maps in a
     few rounds; where a crowd keeps pushing back, the whole drawing is spread out a little
     (boxes keep their size, so spreading always ends the overlaps) and the pushes resume. */
  function declutter(network, ids) {
    var boxes = nodeBoxes(network, ids);
    var gap = 4;
    for (var spread = 0; spread < 40; spread++) {
      var settled = false;
      for (var round = 0; round < 60; round++) {
        if (!separate(boxes, gap)) {
          settled = true;
          break;
        }
      }
      if (settled) {
        break;
      }
      var cx = 0;
      var cy = 0;
      boxes.forEach(function (box) {
        cx += box.x / boxes.length;
        cy += box.y / boxes.length;
      });
      boxes.forEach(function (box) {
        box.x = cx + (box.x - cx) * 1.1;
        box.y = cy + (box.y - cy) * 1.1;
      });
    }
    boxes.forEach(function (box) {
      network.moveNode(box.id, box.x, box.y);
    });
    return boxes;
  }

  function extent(boxes) {
    var e = { l: Infinity, r: -Infinity, t: Infinity, b: -Infinity };
    boxes.forEach(function (box) {
      e.l = Math.min(e.l, box.x + box.l);
      e.r = Math.max(e.r, box.x + box.r);
      e.t = Math.min(e.t, box.y + box.t);
      e.b = Math.max(e.b, box.y + box.b);
    });
    return e;
  }

  /* The scale at which the whole drawing fills the frame, with PADDING px around it. */
  function fitScale(container, e) {
    var w = Math.max(1, container.clientWidth - 2 * PADDING);
    var h = Math.max(1, container.clientHeight - 2 * PADDING);
    return Math.min(w / Math.max(1, e.r - e.l), h / Math.max(1, e.b - e.t), 3);
  }

  function showAll(container, network, boxes) {
    var e = extent(boxes);
    network.moveTo({ position: { x: (e.l + e.r) / 2, y: (e.t + e.b) / 2 }, scale: fitScale(container, e) });
  }

  /* The opening view: the whole map when its labels are readable so, else close enough in for
     the READABLE_LABELS largest labels to reach MIN_LABEL_PX, centred where most of them fit. */
  function readableView(container, network, boxes, labelled) {
    var e = extent(boxes);
    var fit = fitScale(container, e);
    var sizes = labelled
      .map(function (id) {
        return fontSize(network, id);
      })
      .sort(function (a, b) {
        return b - a;
      });
    if (!sizes.length) {
      showAll(container, network, boxes);
      return;
    }
    var key = sizes[Math.min(READABLE_LABELS, sizes.length) - 1];
    var scale = Math.max(fit, MIN_LABEL_PX / key);
    var position = { x: (e.l + e.r) / 2, y: (e.t + e.b) / 2 };
    if (scale > fit) {
      // Centre where the most readable labels fit in the frame at once.
      var readable = labelled.filter(function (id) {
        return fontSize(network, id) * scale >= MIN_LABEL_PX;
      });
      var at = network.getPositions(readable);
      var halfW = container.clientWidth / 2 / scale - 10 / scale;
      var halfH = container.clientHeight / 2 / scale - 10 / scale;
      var best = -1;
      var inWindow = function (c) {
        return readable.filter(function (id) {
          return Math.abs(at[id].x - c.x) <= halfW && Math.abs(at[id].y - c.y) <= halfH;
        });
      };
      // Try every readable label as a centre, and the middle of what each such window holds
      // (a window centred on a label at the edge of a cluster leaves part of it out).
      readable.forEach(function (centre) {
        var members = inWindow(at[centre]);
        var xs = members.map(function (id) { return at[id].x; });
        var ys = members.map(function (id) { return at[id].y; });
        var middle = {
          x: (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2,
          y: (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2,
        };
        [at[centre], middle].forEach(function (c) {
          var count = inWindow(c).length;
          if (count > best) {
            best = count;
            position = { x: c.x, y: c.y };
          }
        });
      });
    }
    network.moveTo({ position: position, scale: scale });
  }

  function zoomBy(container, network, factor, clientX, clientY) {
    var rect = container.getBoundingClientRect();
    var px = clientX === undefined ? rect.width / 2 : clientX - rect.left;
    var py = clientY === undefined ? rect.height / 2 : clientY - rect.top;
    var under = network.DOMtoCanvas({ x: px, y: py });
    var scale = Math.min(6, Math.max(0.02, network.getScale() * factor));
    network.moveTo({
      scale: scale,
      position: { x: under.x - (px - rect.width / 2) / scale, y: under.y - (py - rect.height / 2) / scale },
    });
  }

  function safeUrl(node) {
    return node && typeof node.url === "string" && SAFE_URL.test(node.url) ? node.url : "";
  }

  /* A tooltip of our own for taps and for the find box: text only, with a link to the page. */
  function showTip(container, network, nodes, id) {
    var tip = container.querySelector(".cxkb-map-tip");
    if (!tip) {
      tip = mapElement("div", { class: "cxkb-map-tip", role: "status" });
      container.appendChild(tip);
    }
    var node = nodes.get(id);
    tip.textContent = "";
    tip.appendChild(mapElement("strong", {}, String(node.label || node.name || id)));
    if (node.title) {
      tip.appendChild(mapElement("div", { class: "cxkb-map-tip-text" }, String(node.title)));
    }
    var url = safeUrl(node);
    if (url) {
      tip.appendChild(mapElement("a", { href: url, class: "cxkb-map-tip-open" }, say("Open page", "Pagina openen")));
    }
    var close = mapElement("button", { type: "button", class: "cxkb-map-tip-close", "aria-label": say("Close", "Sluiten") }, "×");
    close.addEventListener("click", function () {
      hideTip(container);
    });
    tip.appendChild(close);
    var dom = network.canvasToDOM(network.getPositions([id])[id]);
    tip.style.left = Math.max(4, Math.min(container.clientWidth - 260, dom.x + 12)) + "px";
    tip.style.top = Math.max(4, Math.min(container.clientHeight - 80, dom.y + 12)) + "px";
    tip.hidden = false;
    tip.setAttribute("data-node", String(id));
  }

  function hideTip(container) {
    var tip = container.querySelector(".cxkb-map-tip");
    if (tip) {
      tip.hidden = true;
      tip.removeAttribute("data-node");
    }
  }

  function isTouch(params) {
    var ev = params.event || {};
    var type = ev.pointerType || (ev.srcEvent && ev.srcEvent.pointerType) || "";
    return type === "touch" || type === "pen" || (!type && TOUCH_HOVER.matches);
  }

  function toolbar(container, network, nodes, state) {
    var bar = mapElement("div", { class: "cxkb-map-toolbar" });
    var id = container.id + "-find";
    var label = mapElement("label", { for: id }, say("Find in map", "Zoek in kaart"));
    var input = mapElement("input", { type: "search", id: id, list: id + "-list", autocomplete: "off" });
    var list = mapElement("datalist", { id: id + "-list" });
    var names = {};
    nodes.get().forEach(function (n) {
      var name = String(n.label || n.name || "");
      if (name && !names[name]) {
        names[name] = true;
        list.appendChild(mapElement("option", { value: name }));
      }
    });
    var status = mapElement("span", { class: "cxkb-map-find-status", role: "status", "aria-live": "polite" });
    function find() {
      var q = input.value.trim().toLowerCase();
      if (!q) {
        status.textContent = "";
        return;
      }
      var hits = nodes.get().filter(function (n) {
        return (String(n.label || n.name || "") + "\n" + String(n.title || "")).toLowerCase().indexOf(q) !== -1;
      });
      hits.sort(function (a, b) {
        var an = String(a.label || a.name || "").toLowerCase();
        var bn = String(b.label || b.name || "").toLowerCase();
        return (an === q ? 0 : an.indexOf(q) === 0 ? 1 : 2) - (bn === q ? 0 : bn.indexOf(q) === 0 ? 1 : 2);
      });
      status.textContent = hits.length === 1 ? say("1 match", "1 treffer") : hits.length + say(" matches", " treffers");
      if (!hits.length) {
        return;
      }
      var hit = hits[0].id;
      network.selectNodes([hit]);
      var scale = Math.max(network.getScale(), (MIN_LABEL_PX + 4) / fontSize(network, hit));
      network.moveTo({ position: network.getPositions([hit])[hit], scale: scale });
      state.tapped = hit;
      showTip(container, network, nodes, hit);
    }
    input.addEventListener("change", find);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        find();
      }
    });
    var buttons = [
      ["+", say("Zoom in", "Inzoomen"), function () { zoomBy(container, network, 1.3); }],
      ["−", say("Zoom out", "Uitzoomen"), function () { zoomBy(container, network, 1 / 1.3); }],
      ["⤢", say("Show all", "Alles tonen"), function () { showAll(container, network, state.boxes()); }],
    ];
    [label, input, list, status].forEach(function (el) {
      bar.appendChild(el);
    });
    var group = mapElement("span", { class: "cxkb-map-zoom", role: "group", "aria-label": say("Zoom", "Zoomen") });
    buttons.forEach(function (b) {
      var button = mapElement("button", { type: "button", "aria-label": b[1], title: b[1] }, b[0]);
      button.addEventListener("click", b[2]);
      group.appendChild(button);
    });
    bar.appendChild(group);
    var hint = mapElement("span", { class: "cxkb-map-hint" }, say("Ctrl/⌘ + scroll to zoom", "Ctrl/⌘ + scrollen om te zoomen"));
    bar.appendChild(hint);
    container.parentNode.insertBefore(bar, container);
  }

  function drawMaps() {
    var containers = document.querySelectorAll("[data-cxkb-map]");
    if (!containers.length) {
      return;
    }
    if (!window.vis || !window.vis.Network) {
      console.warn("cxkb: vis-network is not loaded; the maps' link lists still work");
      return;
    }
    window.cxkbMaps = window.cxkbMaps || {};
    Array.prototype.forEach.call(containers, function (container) {
      var source = document.getElementById(container.getAttribute("data-cxkb-map"));
      if (!source || window.cxkbMaps[container.id]) {
        return;
      }
      var started = window.performance ? performance.now() : 0;
      var data = JSON.parse(source.textContent);
      var nodes = new window.vis.DataSet(data.nodes);
      var edges = new window.vis.DataSet(data.edges);
      var network = new window.vis.Network(container, { nodes: nodes, edges: edges }, {
        layout: { randomSeed: 7, improvedLayout: data.nodes.length < 150 },
        physics: {
          solver: "barnesHut",
          barnesHut: {
            gravitationalConstant: -6000, centralGravity: 0.25, springLength: 120, damping: 0.2, avoidOverlap: 0.5,
          },
          stabilization: { iterations: 300, fit: false },
        },
        interaction: {
          hover: true, tooltipDelay: 150, keyboard: false, navigationButtons: false, zoomView: false,
        },
        nodes: {
          borderWidth: 1,
          font: { face: "system-ui, sans-serif", size: 14 },
          scaling: { label: { drawThreshold: MIN_LABEL_PX + 1, maxVisible: 60 } },
        },
        edges: { smooth: false },
      });
      var ids = data.nodes.map(function (n) {
        return n.id;
      });
      var labelled = data.nodes
        .filter(function (n) {
          return n.label;
        })
        .map(function (n) {
          return n.id;
        });
      var state = { tapped: null, boxes: function () { return nodeBoxes(network, ids); } };
      var settled = false;
      var ready = function () {
        if (settled) {
          return;
        }
        settled = true;
        network.setOptions({ physics: false });
        // Label sizes are measured when a node is drawn: lay out after the next frame.
        network.once("afterDrawing", place);
        network.redraw();
      };
      var place = function () {
        // vis-network places a label only when it draws it, and draws only what is in view and
        // large enough: draw every label once (whole map in view, no threshold) to measure them.
        network.setOptions({ nodes: { scaling: { label: { drawThreshold: 0 } } } });
        network.fit({ animation: false });
        network.redraw();
        declutter(network, ids);
        network.setOptions({ nodes: { scaling: { label: { drawThreshold: MIN_LABEL_PX + 1 } } } });
        readableView(container, network, nodeBoxes(network, ids), labelled);
        container.dataset.cxkbReady = "1";
        container.dataset.cxkbReadyAt = String(Math.round(window.performance ? performance.now() : 0));
        container.dataset.cxkbLayoutMs = String(Math.round((window.performance ? performance.now() : 0) - started));
        container.dispatchEvent(new CustomEvent("cxkb-map-ready", { bubbles: true }));
      };
      network.once("stabilized", function () {
        // Milliseconds since navigation: bench/bench_maps.py reads it.
        container.dataset.cxkbStabilizedAt = String(Math.round(window.performance ? performance.now() : 0));
      });
      network.once("stabilizationIterationsDone", ready);
      window.setTimeout(ready, 8000);
      container.addEventListener(
        "wheel",
        function (e) {
          if (!(e.ctrlKey || e.metaKey)) {
            return; // the page scrolls; zooming needs the modifier or the buttons
          }
          e.preventDefault();
          zoomBy(container, network, e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY);
        },
        { passive: false }
      );
      network.on("click", function (params) {
        if (!params.nodes.length) {
          hideTip(container);
          state.tapped = null;
          return;
        }
        var id = params.nodes[0];
        var node = nodes.get(id);
        if (isTouch(params) && state.tapped !== id) {
          state.tapped = id; // first tap: the tooltip; a second tap (or its link) opens the page
          showTip(container, network, nodes, id);
          return;
        }
        var url = safeUrl(node);
        if (url) {
          window.location.href = url;
        }
      });
      network.on("hoverNode", function (params) {
        var node = nodes.get(params.node);
        container.style.cursor = node && node.url ? "pointer" : "default";
      });
      network.on("blurNode", function () {
        container.style.cursor = "default";
      });
      toolbar(container, network, nodes, state);
      window.cxkbMaps[container.id] = network;
    });
  }

  function pagedTable(table, number) {
    var body = table.tBodies[0];
    if (!body || body.rows.length <= PAGE_SIZE) {
      return;
    }
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (row) {
      return row.textContent.toLowerCase();
    });
    var state = { query: "", page: 0, matched: rows };

    var controls = document.createElement("div");
    controls.className = "cxkb-table-controls";
    var id = "cxkb-filter-" + number;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = say("Filter rows:", "Rijen filteren:");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.placeholder = say("author, year, title, word…", "auteur, jaar, titel, woord…");
    var previous = document.createElement("button");
    previous.type = "button";
    previous.textContent = say("‹ Previous", "‹ Vorige");
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = say("Next ›", "Volgende ›");
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    [label, input, previous, next, status].forEach(function (el) {
      controls.appendChild(el);
    });
    var anchor = table.closest(".pst-scrollable-table-container") || table;
    anchor.parentNode.insertBefore(controls, anchor);

    function show() {
      var pages = Math.max(1, Math.ceil(state.matched.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages - 1);
      var first = state.page * PAGE_SIZE;
      var visible = state.matched.slice(first, first + PAGE_SIZE);
      rows.forEach(function (row) {
        row.hidden = true;
      });
      visible.forEach(function (row) {
        row.hidden = false;
      });
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      var shown = first + 1 + "–" + (first + visible.length);
      status.textContent = state.matched.length
        ? say("Rows " + shown + " of " + state.matched.length, "Rijen " + shown + " van " + state.matched.length) +
          (state.query ? say(" matching (" + rows.length + " in all)", " die passen (" + rows.length + " in totaal)") : "")
        : say("No row matches.", "Geen rij past.");
    }
    input.addEventListener("input", function () {
      state.query = input.value.trim().toLowerCase();
      state.matched = rows.filter(function (row, i) {
        return texts[i].indexOf(state.query) !== -1;
      });
      state.page = 0;
      show();
    });
    previous.addEventListener("click", function () {
      state.page -= 1;
      show();
    });
    next.addEventListener("click", function () {
      state.page += 1;
      show();
    });
    show();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.cxkb-papers"), pagedTable);
    drawMaps();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
