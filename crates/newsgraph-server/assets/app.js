// newsgraph web UI. Article text and every other value from the API is put
// into the page as text nodes (textContent / createTextNode) only, never as
// markup, so hostile text such as <script> shows as text.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "href") e.setAttribute("href", v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return e;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

async function api(path, params) {
  const u = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") u.searchParams.set(k, v);
  }
  const res = await fetch(u);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

const isId = (s) => /^[0-9a-f]{32}$/.test(s);

function route() {
  const h = decodeURIComponent(window.location.hash.slice(1));
  const m = h.match(/^\/doc\/([0-9a-f]{32})$/);
  if (m) return showDoc(m[1]);
  const params = new URLSearchParams(h.startsWith("/?") ? h.slice(2) : "");
  return showList(Object.fromEntries(params.entries()));
}

function filters() {
  return { search: $("q").value.trim(), from: $("from").value, to: $("to").value };
}

function go(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  window.location.hash = "/?" + p.toString();
}

async function showTimeline(params) {
  const tl = $("timeline");
  clear(tl);
  try {
    const days = await api("/api/timeline", { search: params.search, from: params.from, to: params.to });
    const max = Math.max(1, ...days.map((d) => d.documents));
    for (const d of days.slice(-365)) {
      const bar = el("div", { title: d.date + ": " + d.documents });
      bar.style.height = Math.max(2, Math.round((60 * d.documents) / max)) + "px";
      tl.appendChild(bar);
    }
  } catch (e) {
    tl.appendChild(el("span", { class: "error" }, e.message));
  }
}

async function showList(params) {
  $("doc").hidden = true;
  $("list").hidden = false;
  $("timeline").hidden = false;
  $("q").value = params.search || "";
  $("from").value = params.from || "";
  $("to").value = params.to || "";
  const list = $("list");
  clear(list);
  showTimeline(params);
  const offset = Number(params.offset || 0);
  let page;
  try {
    page = await api("/api/documents", { ...params, limit: 50, offset });
  } catch (e) {
    list.appendChild(el("p", { class: "error" }, e.message));
    return;
  }
  list.appendChild(el("p", { class: "meta" }, page.total + " document(s)"));
  for (const d of page.documents) {
    const item = el("div", { class: "item" },
      el("a", { href: "#/doc/" + d.id }, d.title || "(untitled)"),
      el("div", { class: "meta" },
        [d.published || "undated", d.outlet, d.dateline_place, d.story_size > 1 ? "story of " + d.story_size : null]
          .filter(Boolean).join(" · ")));
    if (d.snippet) {
      const s = el("div", { class: "snippet" });
      for (const part of d.snippet) s.appendChild(part.hit ? el("mark", {}, part.text) : document.createTextNode(part.text));
      item.appendChild(s);
    }
    list.appendChild(item);
  }
  const pager = el("div", { class: "pager" });
  if (offset > 0) {
    const prev = el("a", { href: "#" }, "← previous");
    prev.addEventListener("click", (ev) => { ev.preventDefault(); go({ ...params, offset: Math.max(0, offset - 50) }); });
    pager.appendChild(prev);
  }
  if (offset + page.documents.length < page.total) {
    const next = el("a", { href: "#" }, "next →");
    next.addEventListener("click", (ev) => { ev.preventDefault(); go({ ...params, offset: offset + 50 }); });
    pager.appendChild(next);
  }
  list.appendChild(pager);
}

// Byte offsets (UTF-8) → JS string indices (UTF-16), for the sentence spans.
function byteToIndex(text) {
  const map = new Map();
  let b = 0;
  let i = 0;
  for (const ch of text) {
    map.set(b, i);
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(b, i);
  return (x) => map.get(x);
}

async function showDoc(id) {
  if (!isId(id)) return;
  $("list").hidden = true;
  $("timeline").hidden = true;
  const art = $("doc");
  art.hidden = false;
  clear(art);
  let d;
  try {
    d = await api("/api/documents/" + id);
  } catch (e) {
    art.appendChild(el("p", { class: "error" }, e.message));
    return;
  }
  art.appendChild(el("p", {}, el("a", { href: "#/" }, "← all documents")));
  art.appendChild(el("h1", {}, d.title || "(untitled)"));
  art.appendChild(el("div", { class: "meta" },
    [d.published || "undated", d.byline, d.outlet, d.dateline_place, d.source_path].filter(Boolean).join(" · ")));
  // The text, with one span per sentence (click one to see its offsets).
  const idx = byteToIndex(d.text);
  const body = el("div", { class: "text" });
  const info = el("div", { class: "meta" }, "Click a sentence to see its offsets.");
  let pos = 0;
  for (const [n, s] of d.sentences.entries()) {
    const a = idx(s.span[0]);
    const b = idx(s.span[1]);
    if (a === undefined || b === undefined || a < pos) continue;
    body.appendChild(document.createTextNode(d.text.slice(pos, a)));
    const span = el("span", { class: "sentence" }, d.text.slice(a, b));
    span.addEventListener("click", () => {
      for (const x of body.querySelectorAll(".selected")) x.classList.remove("selected");
      span.classList.add("selected");
      info.textContent = "sentence " + n + ": bytes " + s.span.join("–") + ", chars " + s.chars.join("–") +
        ", source bytes " + s.source.join("–");
    });
    body.appendChild(span);
    pos = b;
  }
  body.appendChild(document.createTextNode(d.text.slice(pos)));
  art.appendChild(body);
  art.appendChild(info);
  if (d.story_members.length) {
    const ul = el("ul", {});
    for (const m of d.story_members) ul.appendChild(el("li", {}, el("a", { href: "#/doc/" + m }, m)));
    art.appendChild(el("h2", {}, "Same story"));
    art.appendChild(ul);
  }
  const prov = el("table", {}, el("tr", {}, el("th", {}, "stage"), el("th", {}, "version")));
  for (const s of d.stages) prov.appendChild(el("tr", {}, el("td", {}, s.stage), el("td", {}, s.version)));
  art.appendChild(el("h2", {}, "Provenance (run " + d.run + ")"));
  art.appendChild(prov);
  const src = el("table", {}, el("tr", {}, el("th", {}, "source"), el("th", {}, "index"), el("th", {}, "offset")));
  for (const s of d.sources) src.appendChild(el("tr", {}, el("td", {}, s.path), el("td", {}, s.index), el("td", {}, s.offset)));
  art.appendChild(src);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(filters());
  });
  api("/api/stats").then((s) => {
    $("stats").textContent = s.documents + " documents · " + s.stories + " stories";
  }).catch(() => {});
  window.addEventListener("hashchange", route);
  route();
});
