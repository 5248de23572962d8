/* cxkb book: the evidence-gap map (generated/gapmap.html).
 *
 * Draws research questions (rows, grouped by domain and topic) against study designs or
 * periods (columns) as a table of bubbles, from the JSON block the page carries. Every
 * text from the data is set with textContent; links are built only from a checked
 * relative page URL, a bibliography key or a DOI. No dependencies, nothing loaded.
 * Every word is in the page's language (the English and the Dutch edition each have
 * the page), taken from the data's "en"/"nl" fields or from the pairs below.
 */
(function () {
  "use strict";

  var SAFE_URL = /^(?:\.\.\/)*(?:[a-z0-9_-]+\/)*[a-z0-9_.-]+\.html(?:#[A-Za-z0-9_.:-]+)?$/;
  var KEY = /^[a-z][a-z0-9]*$/;
  var DOI = /^10\.\d{4,9}\/\S+$/;
  var MAX_BUBBLE = 2.1; // rem, for the largest count on the map
  var LANG = document.documentElement.lang === "nl" ? "nl" : "en";

  /* The wording in the page's language. */
  function say(en, nl) {
    return LANG === "nl" && nl ? nl : en;
  }

  /* A record's text in the page's language ("en"/"nl" fields, or def_en/def_nl with a prefix). */
  function pick(record, prefix) {
    var p = prefix || "";
    return say(record[p + "en"], record[p + "nl"]);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  /* ``parent`` with the wording in the page's language appended. */
  function both(parent, en, nl) {
    parent.appendChild(document.createTextNode(say(en, nl)));
    return parent;
  }

  function papersWord(n) {
    return n === 1 ? say("1 paper", "1 publicatie") : n + say(" papers", " publicaties");
  }

  function GapMap(root, data) {
    this.root = root;
    this.data = data;
    this.state = { view: "design", domain: "all", period: "all" };
    this.topics = {};
    data.topics.forEach(function (t) {
      this.topics[t.id] = t;
    }, this);
    this.build();
    this.render();
  }

  GapMap.prototype.columns = function () {
    var st = this.state;
    if (st.view === "period") {
      return this.data.periods.filter(function (p) {
        return st.period === "all" || p.id === st.period;
      });
    }
    return this.data.designs;
  };

  /* The papers of one cell, after the period filter. */
  GapMap.prototype.cellPapers = function (q, column) {
    var st = this.state;
    var papers = this.data.papers;
    var ids = (st.view === "period" ? q.period : q.design)[column.id] || [];
    if (st.view === "design" && st.period !== "all") {
      ids = ids.filter(function (id) {
        return papers[id] && papers[id].period === st.period;
      });
    }
    return ids;
  };

  GapMap.prototype.select = function (label, options, key) {
    var self = this;
    var id = "gapmap-" + key;
    var wrap = el("span", { class: "cxkb-gapmap-field" });
    var lab = both(el("label", { for: id }), label[0], label[1]);
    var select = el("select", { id: id });
    select.appendChild(el("option", { value: "all" }, say("All", "Alle")));
    options.forEach(function (o) {
      select.appendChild(el("option", { value: o.id }, pick(o)));
    });
    select.addEventListener("change", function () {
      self.state[key] = select.value;
      self.render();
    });
    wrap.appendChild(lab);
    wrap.appendChild(select);
    return wrap;
  };

  GapMap.prototype.build = function () {
    var self = this;
    var root = this.root;
    root.textContent = "";
    var controls = el("div", { class: "cxkb-gapmap-controls" });
    var views = el("div", { class: "cxkb-gapmap-views", role: "group", "aria-label": say("View", "Weergave") });
    this.viewButtons = {};
    [
      ["design", "By study design", "Per onderzoeksopzet"],
      ["period", "By period", "Per periode"],
    ].forEach(function (v) {
      var button = both(el("button", { type: "button", "data-view": v[0] }), v[1], v[2]);
      button.addEventListener("click", function () {
        self.state.view = v[0];
        self.render();
      });
      self.viewButtons[v[0]] = button;
      views.appendChild(button);
    });
    controls.appendChild(views);
    controls.appendChild(this.select(["Domain", "Domein"], this.data.domains, "domain"));
    controls.appendChild(this.select(["Period", "Periode"], this.data.periods, "period"));
    root.appendChild(controls);

    var legend = el("div", { class: "cxkb-gapmap-legend", "aria-hidden": "true" });
    [1, 5, 10, 20].forEach(function (n) {
      var item = el("span", { class: "cxkb-gapmap-legend-item" });
      item.appendChild(self.bubble(n, 20));
      item.appendChild(document.createTextNode(papersWord(n)));
      legend.appendChild(item);
    });
    var gap = el("span", { class: "cxkb-gapmap-legend-item" });
    gap.appendChild(el("span", { class: "cxkb-gapmap-gap-swatch" }, "0"));
    both(gap, "no paper: a gap", "geen publicatie: een hiaat");
    legend.appendChild(gap);
    root.appendChild(legend);

    this.status = el("p", { class: "cxkb-gapmap-status", role: "status", "aria-live": "polite" });
    root.appendChild(this.status);
    this.scroller = el("div", { class: "cxkb-gapmap-scroll" });
    root.appendChild(this.scroller);
    this.panel = el("div", { class: "cxkb-gapmap-panel", id: "gapmap-panel", tabindex: "-1", hidden: "" });
    root.appendChild(this.panel);
  };

  GapMap.prototype.bubble = function (n, max) {
    var size = n ? Math.max(0.45, MAX_BUBBLE * Math.sqrt(n / Math.max(1, max))) : 0;
    var bubble = el("span", { class: "cxkb-bubble" });
    bubble.style.width = size + "rem";
    bubble.style.height = size + "rem";
    return bubble;
  };

  GapMap.prototype.render = function () {
    var self = this;
    var st = this.state;
    var data = this.data;
    Object.keys(this.viewButtons).forEach(function (v) {
      self.viewButtons[v].setAttribute("aria-pressed", String(v === st.view));
    });
    var columns = this.columns();
    var questions = data.questions.filter(function (q) {
      var topic = self.topics[q.topic];
      return st.domain === "all" || (topic && topic.domain === st.domain);
    });
    var max = 1;
    var empty = 0;
    questions.forEach(function (q) {
      columns.forEach(function (c) {
        var n = self.cellPapers(q, c).length;
        max = Math.max(max, n);
        empty += n ? 0 : 1;
      });
    });

    var table = el("table", { class: "cxkb-gapmap-grid" });
    table.appendChild(
      both(
        el("caption"),
        st.view === "period" ? "Research questions by period" : "Research questions by study design",
        st.view === "period" ? "Onderzoeksvragen per periode" : "Onderzoeksvragen per onderzoeksopzet"
      )
    );
    var head = el("thead");
    var row = el("tr");
    row.appendChild(both(el("th", { scope: "col", class: "cxkb-gapmap-qhead" }), "Research question", "Onderzoeksvraag"));
    columns.forEach(function (c) {
      var th = el("th", { scope: "col" });
      th.appendChild(el("span", { class: "cxkb-gapmap-col" }, pick(c)));
      if (c.def_en) {
        th.title = pick(c, "def_");
      }
      row.appendChild(th);
    });
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    var lastDomain = null;
    var lastTopic = null;
    questions.forEach(function (q) {
      var topic = self.topics[q.topic] || { id: q.topic, en: q.topic, nl: "", domain: "" };
      if (topic.domain !== lastDomain) {
        lastDomain = topic.domain;
        var domain = data.domains.filter(function (d) {
          return d.id === topic.domain;
        })[0];
        if (domain) {
          var dr = el("tr", { class: "cxkb-gapmap-domain" });
          var dh = both(el("th", { scope: "rowgroup", colspan: String(columns.length + 1) }), domain.en, domain.nl);
          dh.style.borderLeftColor = /^#[0-9A-Fa-f]{6}$/.test(domain.colour) ? domain.colour : "#6b6b6b";
          dr.appendChild(dh);
          body.appendChild(dr);
        }
      }
      if (topic.id !== lastTopic) {
        lastTopic = topic.id;
        var tr = el("tr", { class: "cxkb-gapmap-topic" });
        tr.appendChild(both(el("th", { scope: "rowgroup", colspan: String(columns.length + 1) }), topic.en, topic.nl));
        body.appendChild(tr);
      }
      var qr = el("tr", { "data-question": q.id });
      var th = el("th", { scope: "row", class: "cxkb-gapmap-question" });
      var label = el("strong", {}, q.label + " ");
      if (typeof q.url === "string" && SAFE_URL.test(q.url)) {
        var a = el("a", { href: q.url });
        a.appendChild(label);
        th.appendChild(a);
      } else {
        th.appendChild(label);
      }
      th.appendChild(el("span", {}, pick(q)));
      if (q.gap && q.gap.length) {
        th.appendChild(both(el("span", { class: "cxkb-gapmap-flag" }, ""), "evidence gap", "kennishiaat"));
      }
      qr.appendChild(th);
      columns.forEach(function (c) {
        var ids = self.cellPapers(q, c);
        var td = el("td", { class: ids.length ? "cxkb-gapmap-cell" : "cxkb-gapmap-cell cxkb-gapmap-empty" });
        var button = el("button", {
          type: "button",
          "data-question": q.id,
          "data-column": c.id,
          "data-count": String(ids.length),
          "aria-label": q.label + " " + pick(q) + " — " + pick(c) + ": " + papersWord(ids.length),
        });
        if (ids.length) {
          button.appendChild(self.bubble(ids.length, max));
          button.appendChild(el("span", { class: "cxkb-gapmap-n" }, ids.length));
        } else {
          button.appendChild(el("span", { class: "cxkb-gapmap-n" }, "0"));
        }
        button.addEventListener("click", function () {
          self.show(q, c, ids, button);
        });
        td.appendChild(button);
        qr.appendChild(td);
      });
      body.appendChild(qr);
    });
    table.appendChild(body);
    this.scroller.textContent = "";
    this.scroller.appendChild(table);
    this.status.textContent = say(
      questions.length + " questions × " + columns.length + " columns: " + empty + " empty cells",
      questions.length + " vragen × " + columns.length + " kolommen: " + empty + " lege cellen"
    );
    this.panel.hidden = true;
  };

  GapMap.prototype.show = function (q, column, ids, button) {
    var data = this.data;
    var panel = this.panel;
    panel.textContent = "";
    var heading = el("h3", {}, q.label + " × " + pick(column) + ": " + papersWord(ids.length));
    panel.appendChild(heading);
    panel.appendChild(el("p", { class: "cxkb-gapmap-panel-q" }, pick(q)));
    if (!ids.length) {
      panel.appendChild(
        both(el("p", { class: "cxkb-gapmap-panel-gap" }), "No paper in the table: a gap.", "Geen publicatie in de tabel: een hiaat.")
      );
    }
    var list = el("ol", { class: "cxkb-gapmap-papers" });
    ids.forEach(function (id) {
      var p = data.papers[id];
      if (!p) {
        return;
      }
      var li = el("li", { "data-paper": id });
      li.appendChild(document.createTextNode((p.authors ? p.authors + " " : "") + "(" + p.year + "). "));
      li.appendChild(el("cite", {}, p.title));
      li.appendChild(document.createTextNode(" "));
      if (typeof p.doi === "string" && DOI.test(p.doi)) {
        li.appendChild(el("a", { href: "https://doi.org/" + encodeURI(p.doi), class: "cxkb-doi" }, "doi:" + p.doi));
        li.appendChild(document.createTextNode(" · "));
      }
      if (KEY.test(id) && SAFE_URL.test(data.bibliography)) {
        li.appendChild(both(el("a", { href: data.bibliography + "#cite-" + id, class: "cxkb-bib" }), "bibliography", "literatuurlijst"));
      }
      list.appendChild(li);
    });
    panel.appendChild(list);
    var close = both(el("button", { type: "button", class: "cxkb-gapmap-close" }), "Close", "Sluiten");
    close.addEventListener("click", function () {
      panel.hidden = true;
      button.focus();
    });
    panel.appendChild(close);
    panel.hidden = false;
    panel.focus({ preventScroll: true });
    if (panel.scrollIntoView) {
      panel.scrollIntoView({ block: "nearest" });
    }
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cxkb-gapmap]"), function (root) {
      var source = document.getElementById(root.getAttribute("data-cxkb-gapmap"));
      if (!source) {
        return;
      }
      window.cxkbGapMap = new GapMap(root, JSON.parse(source.textContent));
      root.setAttribute("data-cxkb-ready", "1");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
