// The geokg interactive page: draws the graph in #geokg-data with vis-network, with
// search, filters by class and fact kind, and details of the entity or fact clicked.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("geokg-data").textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const shownClasses = new Set(data.legend.map((c) => c.cls));
  const shownKinds = new Set(data.kinds.map((k) => k.kind));
  const state = { ready: false, drawn: 0, errors: [] };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  document.getElementById("title").textContent = data.title;
  document.getElementById("notice").textContent = data.notice;

  // Legend and filters.
  const classFilter = document.getElementById("class-filter");
  for (const c of data.legend) {
    const box = el("input", { type: "checkbox", value: c.cls, "data-filter": "class" });
    box.checked = true;
    box.addEventListener("change", () => {
      box.checked ? shownClasses.add(c.cls) : shownClasses.delete(c.cls);
      nodeView.refresh();
    });
    const swatch = el("span", { class: "swatch " + c.shape });
    swatch.style.background = c.color;
    classFilter.append(el("label", {}, box, swatch, c.name));
  }
  const kindFilter = document.getElementById("kind-filter");
  for (const k of data.kinds) {
    const box = el("input", { type: "checkbox", value: k.kind, "data-filter": "kind" });
    box.checked = true;
    box.addEventListener("change", () => {
      box.checked ? shownKinds.add(k.kind) : shownKinds.delete(k.kind);
      edgeView.refresh();
    });
    const line = el("span", { class: "line" });
    line.style.background = k.color;
    kindFilter.append(el("label", {}, box, line, k.kind));
  }
  const names = document.getElementById("names");
  for (const n of data.nodes) names.append(el("option", { value: n.label }));

  // The network.
  const nodes = new vis.DataSet(
    data.nodes.map((n) => ({
      id: n.id,
      label: n.label,
      shape: n.shape,
      color: { background: n.color, border: "#333333", highlight: { background: n.color, border: "#000000" } },
      value: n.degree + 1,
      cls: n.cls,
    }))
  );
  const edges = new vis.DataSet(
    data.edges.map((e) => ({
      id: e.id,
      from: e.from,
      to: e.to,
      label: e.label,
      arrows: e.arrows,
      color: { color: e.color, highlight: e.color, hover: e.color },
      kind: e.kind,
      smooth: e.bend === 0 ? false : { enabled: true, type: e.bend % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(e.bend / 2) },
    }))
  );
  const nodeView = new vis.DataView(nodes, { filter: (n) => shownClasses.has(n.cls) });
  const edgeView = new vis.DataView(edges, { filter: (e) => shownKinds.has(e.kind) });
  const container = document.getElementById("graph");
  const network = new vis.Network(
    container,
    { nodes: nodeView, edges: edgeView },
    {
      nodes: { scaling: { min: 8, max: 28 }, font: { size: 14, strokeWidth: 3, strokeColor: "#ffffff" } },
      edges: { width: 1.5, font: { size: 11, align: "horizontal", strokeWidth: 3, strokeColor: "#ffffff" }, selectionWidth: 2 },
      physics: {
        solver: "forceAtlas2Based",
        forceAtlas2Based: { gravitationalConstant: -60, springLength: 120, avoidOverlap: 0.4 },
        stabilization: { iterations: 250, updateInterval: 50 },
      },
      interaction: { hover: true, navigationButtons: false, keyboard: false, multiselect: false },
      layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 },
    }
  );
  if (!data.nodes.length) {
    container.append(el("p", { class: "hint empty" }, "Nothing to show."));
    state.ready = true;
    document.body.dataset.ready = "true";
  }
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: false }); // a still picture once laid out: stays responsive
    network.fit({ animation: false });
    state.ready = true;
    document.body.dataset.ready = "true";
  });
  network.on("afterDrawing", () => {
    state.drawn += 1;
    document.body.dataset.drawn = String(state.drawn);
  });

  // Details.
  const details = document.getElementById("details");
  function link(text, onclick) {
    return el("a", { role: "button", tabindex: "0", onclick: (ev) => { ev.preventDefault(); onclick(); } }, text);
  }
  const named = (values) => Object.entries(values).map(([k, v]) => [data.valueNames[k] || k.replace(/_/g, " "), v]);
  function dl(pairs) {
    const list = el("dl");
    for (const [key, value] of pairs) {
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
      list.append(el("dt", {}, key), el("dd", {}, Array.isArray(value) ? value.join("; ") : value));
    }
    return list;
  }
  function evidenceList(factId) {
    const fact = data.facts[factId];
    const box = el("div", { class: "evidence-list" }, el("h3", {}, "Evidence"));
    if (!fact || !fact.evidence.length) {
      box.append(el("p", { class: "hint" }, "No sentence recorded."));
      return box;
    }
    for (const ev of fact.evidence) {
      const doc = data.documents[ev.document] || {};
      const source = [doc.title || ev.document, doc.date, ev.confidence === null ? null : "confidence " + ev.confidence]
        .filter((x) => x !== null && x !== undefined && x !== "")
        .join(" · ");
      box.append(el("blockquote", { class: "evidence" }, ev.sentence || "", el("span", { class: "source" }, source)));
    }
    return box;
  }
  function factLine(e) {
    const from = byId.get(e.from), to = byId.get(e.to);
    return `${from ? from.label : e.from} — ${e.label} → ${to ? to.label : e.to}`;
  }
  function showNode(id) {
    const n = byId.get(id);
    if (!n) return;
    details.replaceChildren(
      el("h2", {}, n.label),
      dl([
        ["class", n.eventType ? `${n.className} (${n.eventType})` : n.className],
        ["Wikidata", n.wikidata],
        ["also called", n.aliases],
        ["date", n.date],
        ...named(n.values),
        ["IRI", n.id],
      ])
    );
    const facts = data.edges.filter((e) => e.from === id || e.to === id);
    if (facts.length) {
      const list = el("ul", { class: "facts" });
      for (const e of facts) list.append(el("li", {}, link(factLine(e), () => selectEdge(e.id))));
      details.append(el("h3", {}, `Facts shown (${facts.length})`), list);
    }
    if (n.partners > n.degree) {
      details.append(el("p", { class: "hint more" },
        `Linked to ${n.partners} entities in the graph, ${n.degree} of them shown here: draw it with focus on ${n.label} to see all.`));
    }
    if (n.fact) details.append(evidenceList(n.fact));
    details.dataset.showing = "node";
  }
  function showEdge(id) {
    const e = edgeById.get(id);
    if (!e) return;
    const from = byId.get(e.from), to = byId.get(e.to);
    details.replaceChildren(
      el("h2", {}, `${e.kind}: ${e.label}`),
      dl([
        ["from", from ? from.label : e.from],
        ["to", to ? to.label : e.to],
        ["role", e.role],
        ...named(e.values),
        ["fact", e.fact],
      ]),
      el("p", {}, link("show " + (from ? from.label : e.from), () => selectNode(e.from)), " · ",
        link("show " + (to ? to.label : e.to), () => selectNode(e.to))),
      evidenceList(e.fact)
    );
    details.dataset.showing = "edge";
  }
  function selectNode(id, zoom = true) {
    network.selectNodes([id]);
    if (zoom) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
  }
  function selectEdge(id) {
    network.selectEdges([id]);
    showEdge(id);
  }
  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // Search: the exact name or alias first, then the first name containing the text.
  function find(text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return null;
    const names = (n) => [n.label, ...n.aliases].map((s) => s.toLowerCase());
    return data.nodes.find((n) => names(n).includes(wanted)) ||
      data.nodes.find((n) => names(n).some((s) => s.includes(wanted))) || null;
  }
  // Enter and the button, not the form's submission: a sandboxed iframe (Jupyter) blocks forms.
  const searchBox = document.getElementById("search");
  searchBox.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      search();
    }
  });
  document.getElementById("search-button").addEventListener("click", search);
  document.getElementById("search-form").addEventListener("submit", (ev) => ev.preventDefault());
  function search() {
    const text = searchBox.value;
    const status = document.getElementById("search-status");
    const n = find(text);
    if (!n) {
      status.textContent = `No entity named "${text}" is shown.`;
      return;
    }
    status.textContent = "";
    if (!shownClasses.has(n.cls)) {
      shownClasses.add(n.cls);
      const box = classFilter.querySelector(`input[value="${CSS.escape(n.cls)}"]`);
      if (box) box.checked = true;
      nodeView.refresh();
    }
    selectNode(n.id);
  }
  document.getElementById("fit").addEventListener("click", () => network.fit({ animation: false }));
  if (data.centre && byId.has(data.centre)) network.once("stabilizationIterationsDone", () => selectNode(data.centre, false));

  window.geokg = { network, nodes, edges, data, state, selectNode, selectEdge };
})();
