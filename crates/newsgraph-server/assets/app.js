// newsgraph web UI. Article text and every other value from the API is put
// into the page as text nodes (textContent / createTextNode) only, never as
// markup, so hostile text such as <script> shows as text. Links are built
// from fixed prefixes ("#/doc/", "#/actor/") and encoded values only.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

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

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
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
const actorHref = (name) => "#/actor/" + encodeURIComponent(name);
const docHref = (id) => "#/doc/" + (isId(id) ? id : "");

// Which top-level part of the page is shown.
function show(part) {
  $("list").hidden = part !== "list";
  $("timeline").hidden = part !== "list";
  $("doc").hidden = part !== "doc";
  $("view").hidden = part !== "view";
}

function route() {
  const raw = window.location.hash.slice(1);
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)).entries());
  let m = path.match(/^\/doc\/([0-9a-f]{32})$/);
  if (m) return showDoc(m[1]);
  m = path.match(/^\/actor\/(.+)$/);
  if (m) {
    let name;
    try {
      name = decodeURIComponent(m[1]);
    } catch (e) {
      name = m[1];
    }
    return showActor(name);
  }
  if (path === "/quotes") return showQuotes(params);
  if (path === "/actors") return showActors(params);
  if (path === "/network") return showNetwork(params);
  return showList(params);
}

function filters() {
  return { search: $("q").value.trim(), from: $("from").value, to: $("to").value };
}

function hashWith(base, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "" && v !== 0) p.set(k, v);
  const s = p.toString();
  return base + (s ? "?" + s : "");
}

function go(params) {
  window.location.hash = hashWith("/", params);
}

// Documents (blue) and statements (orange) per day, as an SVG bar chart.
async function showTimeline(params) {
  const tl = $("timeline");
  clear(tl);
  try {
    const days = (await api("/api/timeline", { search: params.search, from: params.from, to: params.to })).slice(-365);
    const max = Math.max(1, ...days.map((d) => Math.max(d.documents, d.quotes || 0)));
    const w = Math.max(days.length, 1) * 4;
    const chart = svg("svg", { viewBox: `0 0 ${w} 60`, preserveAspectRatio: "none", role: "img" });
    days.forEach((d, i) => {
      const hd = Math.max(1, (58 * d.documents) / max);
      chart.appendChild(svg("rect", { class: "d", x: i * 4, y: 60 - hd, width: 2, height: hd },
        svg("title", {}, d.date + ": " + d.documents + " article(s)")));
      if (d.quotes) {
        const hq = Math.max(1, (58 * d.quotes) / max);
        chart.appendChild(svg("rect", { class: "q", x: i * 4 + 2, y: 60 - hq, width: 1.6, height: hq },
          svg("title", {}, d.date + ": " + d.quotes + " statement(s)")));
      }
    });
    tl.appendChild(chart);
    const first = days.length ? days[0].date : "";
    const last = days.length ? days[days.length - 1].date : "";
    tl.appendChild(el("div", { class: "legend" },
      el("span", {}, "■ articles"), el("span", {}, "■ statements"), el("span", {}, first + (last && last !== first ? " – " + last : ""))));
  } catch (e) {
    tl.appendChild(el("span", { class: "error" }, e.message));
  }
}

// A list's total: exact, or a lower bound when the server stopped counting.
function totalText(page) {
  return page.total_exact === false ? "more than " + page.total : String(page.total);
}

function pager(params, offset, shown, total, base, step) {
  const p = el("div", { class: "pager" });
  if (offset > 0) p.appendChild(el("a", { href: hashWith(base, { ...params, offset: Math.max(0, offset - step) }) }, "← previous"));
  if (offset + shown < total) p.appendChild(el("a", { href: hashWith(base, { ...params, offset: offset + step }) }, "next →"));
  return p;
}

async function showList(params) {
  show("list");
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
  list.appendChild(el("p", { class: "meta" }, totalText(page) + " document(s)"));
  for (const d of page.documents) {
    const item = el("div", { class: "item" },
      el("a", { href: docHref(d.id) }, d.title || "(untitled)"),
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
  list.appendChild(pager(params, offset, page.documents.length, page.total, "/", 50));
  if (params.search) {
    // Statements matching the search too.
    try {
      const qs = await api("/api/quotes", { search: params.search, from: params.from, to: params.to, limit: 10 });
      if (qs.total) {
        list.appendChild(el("h2", {}, "Quotes (" + totalText(qs) + ")"));
        list.appendChild(quotesTable(qs.quotes));
        list.appendChild(el("a", { href: hashWith("/quotes", { search: params.search, from: params.from, to: params.to }) }, "all matching quotes →"));
      }
    } catch (e) {
      list.appendChild(el("p", { class: "error" }, e.message));
    }
  }
}

// Byte offsets (UTF-8) → JS string indices (UTF-16), for record spans.
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

// The annotations of a document as JS-index ranges: quote contents, cues and
// speakers (linked by quote number), and entity mentions.
function annotations(d, idx) {
  const out = [];
  const add = (span, a) => {
    if (!span) return;
    const s = idx(span[0]);
    const e = idx(span[1]);
    if (s === undefined || e === undefined || e <= s) return;
    out.push({ ...a, s, e });
  };
  (d.quotes || []).forEach((q, i) => {
    add(q.span, { layer: 0, cls: "q-content", q: i });
    if (q.cue) add(q.cue.span, { layer: 1, cls: "q-cue", q: i });
    if (q.speaker) add(q.speaker.span, { layer: 1, cls: "q-speaker", q: i });
  });
  for (const e of d.entities || []) {
    for (const m of e.mentions || []) add(m.span, { layer: 2, cls: "ent ent-" + e.type, entity: e, mention: m });
  }
  return out;
}

// Appends text[a, b) to `parent`, wrapping each piece in the annotations
// that cover it (quote content outermost, then speaker/cue, then at most one
// mention, the innermost).
function renderRange(parent, text, a, b, anns) {
  const inside = anns.filter((x) => x.s < b && x.e > a);
  const cuts = new Set([a, b]);
  for (const x of inside) {
    if (x.s > a && x.s < b) cuts.add(x.s);
    if (x.e > a && x.e < b) cuts.add(x.e);
  }
  const points = [...cuts].sort((x, y) => x - y);
  for (let i = 0; i + 1 < points.length; i++) {
    const p = points[i];
    const q = points[i + 1];
    let node = document.createTextNode(text.slice(p, q));
    const cover = inside.filter((x) => x.s <= p && x.e >= q);
    const mention = cover.filter((x) => x.layer === 2).sort((x, y) => (x.e - x.s) - (y.e - y.s))[0];
    if (mention) {
      const e = mention.entity;
      const link = el("a", { class: mention.cls, href: actorHref(e.canonical),
        title: [e.canonical, e.type, e.actor_code, mention.mention.kind].filter(Boolean).join(" · ") });
      link.appendChild(node);
      node = link;
    }
    for (const x of cover.filter((x) => x.layer === 1).concat(cover.filter((x) => x.layer === 0))) {
      const w = el("span", { class: x.cls, "data-q": x.q });
      w.appendChild(node);
      node = w;
    }
    parent.appendChild(node);
  }
}

function linkQuote(root, i, on) {
  for (const x of root.querySelectorAll(`[data-q="${Number(i)}"]`)) x.classList.toggle("linked", on);
}

async function showDoc(id) {
  if (!isId(id)) return;
  show("doc");
  const art = $("doc");
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
  // The text, with one span per sentence (click one to see its offsets),
  // entity mentions and quotes highlighted inside.
  const idx = byteToIndex(d.text);
  const anns = annotations(d, idx);
  const body = el("div", { class: "text" });
  const info = el("div", { class: "meta" }, "Click a sentence to see its offsets.");
  let pos = 0;
  for (const [n, s] of d.sentences.entries()) {
    const a = idx(s.span[0]);
    const b = idx(s.span[1]);
    if (a === undefined || b === undefined || a < pos) continue;
    renderRange(body, d.text, pos, a, anns);
    const span = el("span", { class: "sentence" });
    renderRange(span, d.text, a, b, anns);
    span.addEventListener("click", () => {
      for (const x of body.querySelectorAll(".selected")) x.classList.remove("selected");
      span.classList.add("selected");
      info.textContent = "sentence " + n + ": bytes " + s.span.join("–") + ", chars " + s.chars.join("–") +
        ", source bytes " + s.source.join("–");
    });
    body.appendChild(span);
    pos = b;
  }
  renderRange(body, d.text, pos, d.text.length, anns);
  // Hovering a speaker, cue or content lights up the whole attribution.
  body.addEventListener("mouseover", (ev) => {
    const t = ev.target.closest && ev.target.closest("[data-q]");
    for (const x of body.querySelectorAll(".linked")) x.classList.remove("linked");
    if (t) linkQuote(body, t.getAttribute("data-q"), true);
  });
  art.appendChild(el("div", { class: "legend meta" },
    el("span", { class: "q-speaker" }, "speaker"), el("span", { class: "q-cue" }, "cue"),
    el("span", { class: "q-content" }, "quote"), el("span", {}, "underlined: entity (click for the actor)")));
  art.appendChild(body);
  art.appendChild(info);
  if (d.quotes && d.quotes.length) {
    art.appendChild(el("h2", {}, "Quotes"));
    const t = el("table", { class: "data quotes" },
      el("tr", {}, el("th", {}, "speaker"), el("th", {}, ""), el("th", {}, "quote"), el("th", {}, "kind"), el("th", {}, "evidence")));
    d.quotes.forEach((q, i) => {
      const who = q.speaker_canonical
        ? el("a", { href: actorHref(q.speaker_canonical) }, q.speaker_canonical)
        : (q.speaker ? q.speaker.text : "–");
      const row = el("tr", { class: "quote", "data-row": i },
        el("td", {}, who, q.speaker_code ? el("div", { class: "meta" }, q.speaker_code) : null),
        el("td", {}, "→"),
        el("td", { class: "quote-text" }, q.text, clauseLine(q)),
        el("td", {}, q.kind),
        el("td", { class: "num" }, q.evidence));
      row.addEventListener("mouseenter", () => linkQuote(body, i, true));
      row.addEventListener("mouseleave", () => linkQuote(body, i, false));
      t.appendChild(row);
    });
    art.appendChild(t);
  }
  if (d.entities && d.entities.length) {
    art.appendChild(el("h2", {}, "Entities"));
    const t = el("table", { class: "data entities" },
      el("tr", {}, el("th", {}, "entity"), el("th", {}, "type"), el("th", {}, "code"), el("th", {}, "source of code"),
        el("th", {}, "role"), el("th", {}, "mentions")));
    for (const e of d.entities) {
      t.appendChild(el("tr", {},
        el("td", {}, el("a", { href: actorHref(e.canonical) }, e.canonical)),
        el("td", {}, [e.type, e.kind].filter(Boolean).join(" · ")),
        el("td", {}, e.actor_code || ""),
        el("td", {}, e.code_source ? e.code_source.layer + ": " + e.code_source.entry : ""),
        el("td", {}, [e.role, e.affiliation_canonical].filter(Boolean).join(", ")),
        el("td", {}, (e.mentions || []).map((m) => m.text).join(" · "))));
    }
    art.appendChild(t);
  }
  if (d.story_members.length) {
    const ul = el("ul", {});
    for (const m of d.story_members) ul.appendChild(el("li", {}, el("a", { href: docHref(m) }, m)));
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

// A table of statements: date, speaker (→ actor), code, quote, evidence, article.
// A mixed quote's reported clause, which says what its quoted words are about.
function clauseLine(q) {
  return q.clause ? el("div", { class: "meta clause", title: "the reported clause around the quoted words" },
    "in: " + q.clause.text) : null;
}

function quotesTable(quotes, opts) {
  const o = opts || {};
  const t = el("table", { class: "data quotes" },
    el("tr", {}, el("th", {}, "date"), o.noSpeaker ? null : el("th", {}, "speaker"), el("th", {}, "code"),
      el("th", {}, "quote"), el("th", { title: "articles of the story that carry it" }, "evidence"), el("th", {}, "article")));
  for (const q of quotes) {
    const who = q.speaker_canonical
      ? el("a", { class: "speaker", href: actorHref(q.speaker_canonical) }, q.speaker_canonical)
      : el("span", { class: "speaker" }, q.speaker ? q.speaker.text : "–");
    t.appendChild(el("tr", { class: "quote" },
      el("td", {}, q.published || "–"),
      o.noSpeaker ? null : el("td", {}, who),
      el("td", {}, q.speaker_code || ""),
      el("td", { class: "quote-text" }, q.text, clauseLine(q), q.cue ? el("div", { class: "meta" }, "cue: " + q.cue.text +
        (q.addressee ? " · to " + q.addressee.text : "")) : null),
      el("td", { class: "num evidence" }, q.evidence),
      el("td", {}, el("a", { class: "doc", href: docHref(q.doc_id) }, q.title || q.doc_id.slice(0, 8)))));
  }
  return t;
}

function filterForm(fields, params, base) {
  const f = el("form", { class: "filters" });
  const inputs = {};
  for (const [name, label, type] of fields) {
    const i = el("input", { name, placeholder: label, title: label, type: type || "text" });
    i.value = params[name] || "";
    inputs[name] = i;
    f.appendChild(i);
  }
  f.appendChild(el("button", { type: "submit" }, "Filter"));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = {};
    for (const [k, i] of Object.entries(inputs)) p[k] = i.value.trim();
    window.location.hash = hashWith(base, p);
  });
  return f;
}

async function showQuotes(params) {
  show("view");
  const v = $("view");
  clear(v);
  v.appendChild(el("h1", {}, "Quotes"));
  v.appendChild(filterForm([
    ["speaker", "speaker name or code"], ["code", "actor code prefix (IRQ)"], ["sector", "sector (REB)"],
    ["from", "from", "date"], ["to", "to", "date"], ["search", "words in the quote"],
  ], params, "/quotes"));
  const offset = Number(params.offset || 0);
  try {
    const page = await api("/api/quotes", { ...params, limit: 50, offset });
    v.appendChild(el("p", { class: "meta" }, totalText(page) + " statement(s); a quote repeated across the articles of a story is one row"));
    v.appendChild(quotesTable(page.quotes));
    v.appendChild(pager(params, offset, page.quotes.length, page.total, "/quotes", 50));
  } catch (e) {
    v.appendChild(el("p", { class: "error" }, e.message));
  }
}

async function showActors(params) {
  show("view");
  const v = $("view");
  clear(v);
  v.appendChild(el("h1", {}, "Actors"));
  v.appendChild(filterForm([
    ["name", "name or code"], ["type", "type (PERSON, ORG…)"], ["code", "code prefix"], ["sector", "sector"],
    ["country", "country (IRQ)"],
  ], params, "/actors"));
  const offset = Number(params.offset || 0);
  try {
    const page = await api("/api/actors", { ...params, limit: 50, offset });
    const t = el("table", { class: "data actors" },
      el("tr", {}, el("th", {}, "actor"), el("th", {}, "type"), el("th", {}, "code"), el("th", {}, "country"),
        el("th", {}, "documents"), el("th", {}, "mentions"), el("th", {}, "quotes")));
    for (const a of page.actors) {
      t.appendChild(el("tr", { class: "actor" },
        el("td", {}, el("a", { href: actorHref(a.canonical) }, a.canonical)),
        el("td", {}, a.type), el("td", {}, a.actor_code || ""), el("td", {}, a.country || ""),
        el("td", { class: "num" }, a.documents), el("td", { class: "num" }, a.mentions), el("td", { class: "num" }, a.quotes)));
    }
    v.appendChild(el("p", { class: "meta" }, page.total + " actor(s)"));
    v.appendChild(t);
    v.appendChild(pager(params, offset, page.actors.length, page.total, "/actors", 50));
  } catch (e) {
    v.appendChild(el("p", { class: "error" }, e.message));
  }
}

async function showActor(name) {
  show("view");
  const v = $("view");
  clear(v);
  let a;
  try {
    a = await api("/api/actors/" + encodeURIComponent(name));
  } catch (e) {
    v.appendChild(el("p", { class: "error" }, e.message));
    return;
  }
  v.appendChild(el("p", {}, el("a", { href: "#/actors" }, "← all actors")));
  v.appendChild(el("h1", {}, a.canonical));
  v.appendChild(el("div", { class: "meta" },
    [a.type, a.actor_code, a.country, a.documents + " document(s)", a.mentions + " mention(s)", a.quotes + " statement(s)"]
      .filter(Boolean).join(" · ")));
  if (a.roles.length || a.affiliations.length) {
    const p = el("p", {});
    if (a.roles.length) p.appendChild(el("span", {}, "Roles: " + a.roles.join(", ") + ". "));
    if (a.affiliations.length) {
      p.appendChild(document.createTextNode("Affiliated with: "));
      a.affiliations.forEach((x, i) => {
        if (i) p.appendChild(document.createTextNode(", "));
        p.appendChild(el("a", { href: actorHref(x) }, x));
      });
    }
    v.appendChild(p);
  }
  if (a.codes.length) {
    const t = el("table", { class: "data codes" },
      el("tr", {}, el("th", {}, "code"), el("th", {}, "dictionary layer"), el("th", {}, "entry"), el("th", {}, "documents")));
    for (const c of a.codes) t.appendChild(el("tr", {}, el("td", {}, c.code), el("td", {}, c.layer || ""), el("td", {}, c.entry || ""), el("td", { class: "num" }, c.documents)));
    v.appendChild(el("h2", {}, "Actor codes"));
    v.appendChild(t);
  }
  v.appendChild(el("p", {}, el("a", { href: hashWith("/network", { actor: a.canonical }) }, "who this actor quotes and is quoted with →")));
  v.appendChild(el("h2", {}, "Statements (" + a.statements.length + ")"));
  v.appendChild(quotesTable(a.statements, { noSpeaker: true }));
  v.appendChild(el("h2", {}, "Mentions (" + a.occurrences.length + ")"));
  const t = el("table", { class: "data mentions" },
    el("tr", {}, el("th", {}, "date"), el("th", {}, "as written"), el("th", {}, "kind"), el("th", {}, "bytes"), el("th", {}, "article")));
  for (const m of a.occurrences) {
    t.appendChild(el("tr", { class: "mention" },
      el("td", {}, m.published || "–"), el("td", {}, m.text), el("td", {}, m.kind), el("td", {}, m.span.join("–")),
      el("td", {}, el("a", { href: docHref(m.doc_id) }, m.title || m.doc_id.slice(0, 8)))));
  }
  v.appendChild(t);
}

// The actor network as a hand-drawn SVG: nodes on a circle (the most
// connected first), edges as lines (arrows for who quotes whom).
async function showNetwork(params) {
  show("view");
  const v = $("view");
  clear(v);
  v.appendChild(el("h1", {}, params.kind === "cooccurrence" ? "Who is named with whom" : "Who quotes whom"));
  const nav = el("p", {},
    el("a", { href: hashWith("/network", { ...params, kind: "quotes" }) }, "who quotes whom"), " · ",
    el("a", { href: hashWith("/network", { ...params, kind: "cooccurrence" }) }, "who is named with whom"));
  v.appendChild(nav);
  v.appendChild(filterForm([["actor", "only edges of this actor"], ["from", "from", "date"], ["to", "to", "date"]],
    params, "/network"));
  let net;
  try {
    net = await api("/api/network", { kind: params.kind, actor: params.actor, from: params.from, to: params.to, limit: 150 });
  } catch (e) {
    v.appendChild(el("p", { class: "error" }, e.message));
    return;
  }
  v.appendChild(el("p", { class: "meta" }, net.nodes.length + " actor(s), " + net.edges.length + " link(s)" +
    (net.kind === "quotes" ? "; an arrow goes from a speaker to an actor named in what they said" : "")));
  if (!net.nodes.length) return;
  const degree = new Map(net.nodes.map((n) => [n.id, 0]));
  for (const e of net.edges) {
    degree.set(e.source, (degree.get(e.source) || 0) + e.weight);
    degree.set(e.target, (degree.get(e.target) || 0) + e.weight);
  }
  const nodes = [...net.nodes].sort((a, b) => degree.get(b.id) - degree.get(a.id) || (a.id < b.id ? -1 : 1));
  const W = 900;
  const H = 640;
  const R = Math.min(W, H) / 2 - 110;
  const pos = new Map();
  nodes.forEach((n, i) => {
    const t = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
    pos.set(n.id, { x: W / 2 + R * Math.cos(t), y: H / 2 + R * Math.sin(t), t });
  });
  const g = svg("svg", { class: "network", viewBox: `0 0 ${W} ${H}`, role: "img" });
  if (net.kind === "quotes") {
    g.appendChild(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 24, refY: 5, markerWidth: 9, markerHeight: 9,
      markerUnits: "userSpaceOnUse", orient: "auto" },
      svg("path", { class: "arrow", d: "M0,0 L10,5 L0,10 z" }))));
  }
  const maxW = Math.max(1, ...net.edges.map((e) => e.weight));
  for (const e of net.edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    if (!a || !b) continue;
    const attrs = { x1: a.x, y1: a.y, x2: b.x, y2: b.y, "stroke-width": 1 + (4 * e.weight) / maxW };
    if (net.kind === "quotes") attrs["marker-end"] = "url(#arrow)";
    g.appendChild(svg("line", attrs, svg("title", {}, e.source + (net.kind === "quotes" ? " → " : " — ") + e.target + ": " + e.weight)));
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const r = 5 + Math.min(10, Math.sqrt(degree.get(n.id) || 1) * 2);
    const open = () => { window.location.hash = actorHref(n.id); };
    const c = svg("circle", { cx: p.x, cy: p.y, r, class: n.type }, svg("title", {}, [n.id, n.type, n.actor_code].filter(Boolean).join(" · ")));
    c.addEventListener("click", open);
    const right = Math.cos(p.t) >= 0;
    const label = svg("text", { x: p.x + (right ? r + 3 : -r - 3), y: p.y + 4, "text-anchor": right ? "start" : "end" }, n.id);
    label.addEventListener("click", open);
    g.appendChild(c);
    g.appendChild(label);
  }
  v.appendChild(g);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(filters());
  });
  api("/api/stats").then((s) => {
    $("stats").textContent = s.documents + " documents · " + s.stories + " stories · " +
      (s.statements || 0) + " statements · " + (s.actors || 0) + " actors";
  }).catch(() => {});
  window.addEventListener("hashchange", route);
  route();
});
