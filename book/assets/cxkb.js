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
      var data = JSON.parse(source.textContent);
      var nodes = new window.vis.DataSet(data.nodes);
      var edges = new window.vis.DataSet(data.edges);
      var network = new window.vis.Network(container, { nodes: nodes, edges: edges }, {
        layout: { randomSeed: 7, improvedLayout: data.nodes.length < 150 },
        physics: {
          solver: "barnesHut",
          barnesHut: { gravitationalConstant: -6000, centralGravity: 0.25, springLength: 120, damping: 0.2 },
          stabilization: { iterations: 300, fit: true },
        },
        interaction: { hover: true, tooltipDelay: 150, keyboard: false, navigationButtons: false },
        nodes: { borderWidth: 1, font: { face: "system-ui, sans-serif", size: 14 } },
        edges: { smooth: false },
      });
      var ready = function () {
        if (container.dataset.cxkbReady) {
          return;
        }
        network.setOptions({ physics: false });
        network.fit();
        container.dataset.cxkbReady = "1";
      };
      network.once("stabilizationIterationsDone", ready);
      window.setTimeout(ready, 8000);
      network.on("click", function (params) {
        if (!params.nodes.length) {
          return;
        }
        var node = nodes.get(params.nodes[0]);
        if (node && typeof node.url === "string" && SAFE_URL.test(node.url)) {
          window.location.href = node.url;
        }
      });
      network.on("hoverNode", function (params) {
        var node = nodes.get(params.node);
        container.style.cursor = node && node.url ? "pointer" : "default";
      });
      network.on("blurNode", function () {
        container.style.cursor = "default";
      });
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
    label.textContent = "Filter rows:";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.placeholder = "author, year, title, word…";
    var previous = document.createElement("button");
    previous.type = "button";
    previous.textContent = "‹ Previous";
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = "Next ›";
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
      status.textContent = state.matched.length
        ? "Rows " + (first + 1) + "–" + (first + visible.length) + " of " + state.matched.length +
          (state.query ? " matching (" + rows.length + " in all)" : "")
        : "No row matches.";
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
