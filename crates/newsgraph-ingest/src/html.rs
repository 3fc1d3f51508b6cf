//! HTML: main-article extraction with html5ever (via scraper), text runs
//! located back in the source so that offsets stay exact.

use crate::decode::Decoded;
use crate::text::{find_dateline, trim_span};
use crate::util::{decode_entity, parse_date};
use crate::{Ctx, STAGE};
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use newsgraph_core::{Diagnostic, Document, Layout, Metadata, Span, TextBuilder};
use scraper::{Html, Node};
use std::collections::HashMap;

const DROP: &[&str] = &[
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "iframe", "svg",
    "template", "button", "select", "textarea", "head", "object", "canvas", "math",
];
const BAD_CLASS: &[&str] = &[
    "related",
    "share",
    "social",
    "comment",
    "advert",
    "promo",
    "newsletter",
    "breadcrumb",
    "cookie",
    "sidebar",
    "popup",
    "subscribe",
];
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "div",
    "br",
    "figcaption",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "table",
    "tr",
    "td",
    "th",
    "pre",
    "hr",
    "address",
    "figure",
    "caption",
    "title",
    "body",
];
/// Bytes scanned forward when looking for a text run before giving up.
const WINDOW: usize = 4 << 20;

fn is_bad_class(el: &scraper::node::Element) -> bool {
    if matches!(el.name(), "html" | "body" | "article" | "main") {
        return false;
    }
    let check = |v: &str| {
        let v = v.to_ascii_lowercase();
        BAD_CLASS.iter().any(|k| v.contains(k))
    };
    el.attr("class").is_some_and(check) || el.attr("id").is_some_and(check)
}

fn dropped(node: NodeRef<'_, Node>) -> bool {
    match node.value() {
        Node::Element(el) => DROP.contains(&el.name()) || is_bad_class(el),
        Node::Comment(_) | Node::ProcessingInstruction(_) | Node::Doctype(_) => true,
        _ => false,
    }
}

fn is_block(node: NodeRef<'_, Node>) -> bool {
    matches!(node.value(), Node::Element(el) if BLOCKS.contains(&el.name()))
}

fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes extracted text while keeping the map to the decoded source.
struct Emitter<'a> {
    src: &'a str,
    tb: TextBuilder,
    cursor: usize,
    pending_space: Option<(usize, usize)>,
    block_has_text: bool,
    need_break: bool,
    unmatched: usize,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

impl<'a> Emitter<'a> {
    fn new(src: &'a str) -> Emitter<'a> {
        Emitter {
            src,
            tb: TextBuilder::with_capacity(src.len() / 2),
            cursor: 0,
            pending_space: None,
            block_has_text: false,
            need_break: false,
            unmatched: 0,
        }
    }

    fn boundary(&mut self) {
        if self.block_has_text {
            self.need_break = true;
        }
        self.block_has_text = false;
        self.pending_space = None;
    }

    /// Called before content: writes the pending break or space.
    fn before_content(&mut self, at: usize) {
        if self.need_break {
            if !self.tb.is_empty() {
                self.tb.push_synthetic("\n\n", at as u64);
            }
            self.need_break = false;
        } else if let Some((s, e)) = self.pending_space {
            self.tb.push_replaced(" ", s as u64, (e - s) as u64);
        }
        self.pending_space = None;
        self.block_has_text = true;
    }

    fn try_match(&self, t: &[u8], at: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        let (mut j, mut k) = (0, at);
        while j < t.len() {
            let c = *b.get(k)?;
            if c == b'&' {
                if let Some((rep, len)) = decode_entity(&self.src[k..], true) {
                    if t[j..].starts_with(rep.as_bytes()) {
                        j += rep.len();
                        k += len;
                        continue;
                    }
                }
            }
            if c == b'\r' && t[j] == b'\n' {
                j += 1;
                k += if b.get(k + 1) == Some(&b'\n') { 2 } else { 1 };
                continue;
            }
            if c == t[j] {
                j += 1;
                k += 1;
                continue;
            }
            if c == 0 && t[j..].starts_with("\u{FFFD}".as_bytes()) {
                j += 3;
                k += 1;
                continue;
            }
            return None;
        }
        Some(k)
    }

    /// Finds `t` in the source from the cursor, skipping markup.
    fn locate(&self, t: &str) -> Option<(usize, usize)> {
        let b = self.src.as_bytes();
        let tb = t.as_bytes();
        let first = *tb.first()?;
        let limit = (self.cursor + WINDOW).min(b.len());
        let mut i = self.cursor;
        while i < limit {
            let c = b[i];
            if c == b'<' {
                let next = b.get(i + 1).copied().unwrap_or(0);
                if self.src[i..].starts_with("<!--") {
                    i = memchr::memmem::find(&b[i + 4..], b"-->")
                        .map_or(b.len(), |k| i + 4 + k + 3);
                    continue;
                }
                if next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?') {
                    let tag_start = i;
                    let mut q = 0u8;
                    i += 1;
                    while i < b.len() {
                        let d = b[i];
                        if q != 0 {
                            if d == q {
                                q = 0;
                            }
                        } else if d == b'"' || d == b'\'' {
                            if b[i - 1] == b'=' || b[i - 1].is_ascii_whitespace() {
                                q = d;
                            }
                        } else if d == b'>' {
                            break;
                        }
                        i += 1;
                    }
                    i += 1;
                    let name_end = (tag_start + 8).min(b.len());
                    let head = self
                        .src
                        .get(tag_start..name_end)
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    for raw in ["script", "style"] {
                        if head.starts_with(&format!("<{raw}")) {
                            let close = format!("</{raw}");
                            let found = memchr::memmem::find_iter(&b[i.min(b.len())..], b"</")
                                .find(|&k| {
                                    self.src
                                        .get(i + k..i + k + close.len())
                                        .is_some_and(|s| s.eq_ignore_ascii_case(&close))
                                });
                            i = found.map_or(b.len(), |k| i + k);
                        }
                    }
                    continue;
                }
            }
            if c == first || c == b'&' || c == b'\r' || c == 0 {
                if let Some(end) = self.try_match(tb, i) {
                    return Some((i, end));
                }
            }
            i += 1;
        }
        None
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        match self.locate(t) {
            Some((s, e)) => {
                self.emit_source(s, e);
                self.cursor = e;
            }
            None => {
                self.unmatched += 1;
                let at = self.cursor;
                let mut words = t
                    .split(|c: char| c.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                    .peekable();
                let lead = t.starts_with(|c: char| c.is_ascii_whitespace());
                if lead && self.block_has_text {
                    self.pending_space = Some((at, at));
                }
                while let Some(w) = words.next() {
                    self.before_content(at);
                    self.tb.push_synthetic(w, at as u64);
                    if words.peek().is_some() {
                        self.tb.push_synthetic(" ", at as u64);
                    }
                }
                if t.ends_with(|c: char| c.is_ascii_whitespace()) && self.block_has_text {
                    self.pending_space = Some((at, at));
                }
            }
        }
    }

    fn emit_source(&mut self, s: usize, e: usize) {
        let src = self.src;
        let b = src.as_bytes();
        let mut k = s;
        let mut run: Option<usize> = None;
        while k < e {
            let c = b[k];
            if is_ws(c) || c == b'&' || c == 0 {
                if let Some(r) = run.take() {
                    self.tb.push_verbatim(&src[r..k], r as u64);
                }
            }
            if is_ws(c) {
                let ws = k;
                while k < e && is_ws(b[k]) {
                    k += 1;
                }
                if self.block_has_text {
                    self.pending_space = Some((ws, k));
                }
                continue;
            }
            if c == 0 {
                self.before_content(k);
                self.tb.push_replaced("\u{FFFD}", k as u64, 1);
                k += 1;
                continue;
            }
            if c == b'&' {
                if let Some((rep, len)) = decode_entity(&src[k..], true) {
                    if rep.chars().all(|ch| ch.is_whitespace()) {
                        if self.block_has_text {
                            self.pending_space = Some((k, k + len));
                        }
                    } else {
                        self.before_content(k);
                        self.tb.push_replaced(&rep, k as u64, len as u64);
                    }
                    k += len;
                    continue;
                }
            }
            if run.is_none() {
                self.before_content(k);
                run = Some(k);
            }
            k += 1;
        }
        if let Some(r) = run {
            self.tb.push_verbatim(&src[r..e], r as u64);
        }
    }
}

#[derive(Default)]
struct Found {
    lang: Option<String>,
    og_title: Option<String>,
    title_el: Option<NodeId>,
    h1: Option<NodeId>,
    author: Option<String>,
    byline_el: Option<NodeId>,
    published: Vec<(u8, String)>,
    canonical: Option<String>,
    og_url: Option<String>,
    site: Option<String>,
    article: Option<NodeId>,
    item_body: Option<NodeId>,
}

fn scan(html: &Html) -> Found {
    let mut f = Found::default();
    for node in html.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let attr = |a: &str| {
            el.attr(a)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        match el.name() {
            "html" => f.lang = f.lang.take().or_else(|| attr("lang")),
            "title" => f.title_el = f.title_el.or(Some(node.id())),
            "h1" => f.h1 = f.h1.or(Some(node.id())),
            "article" => f.article = f.article.or(Some(node.id())),
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("itemprop"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(content) = attr("content") else {
                    continue;
                };
                match key.as_str() {
                    "og:title" => f.og_title = f.og_title.take().or(Some(content)),
                    "author" | "article:author" | "byl" => {
                        f.author = f.author.take().or(Some(content))
                    }
                    "article:published_time" => f.published.push((0, content)),
                    "datepublished" => f.published.push((1, content)),
                    "date" | "pubdate" | "publishdate" | "dc.date" => {
                        f.published.push((2, content))
                    }
                    "og:url" => f.og_url = f.og_url.take().or(Some(content)),
                    "og:site_name" => f.site = f.site.take().or(Some(content)),
                    _ => {}
                }
            }
            "link"
                if el
                    .attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                f.canonical = f.canonical.take().or_else(|| attr("href"));
            }
            "time" => {
                if let Some(d) = attr("datetime") {
                    let prio = if el.attr("itemprop") == Some("datePublished") {
                        1
                    } else {
                        3
                    };
                    f.published.push((prio, d));
                }
            }
            _ => {}
        }
        if el.attr("itemprop") == Some("articleBody") {
            f.item_body = f.item_body.or(Some(node.id()));
        }
        if el.attr("itemprop") == Some("datePublished")
            && el.name() != "meta"
            && el.name() != "time"
        {
            if let Some(d) = attr("datetime").or_else(|| attr("content")) {
                f.published.push((1, d));
            }
        }
        if f.byline_el.is_none()
            && (el
                .attr("rel")
                .is_some_and(|r| r.eq_ignore_ascii_case("author"))
                || el.has_class("byline", scraper::CaseSensitivity::AsciiCaseInsensitive))
        {
            f.byline_el = Some(node.id());
        }
    }
    f
}

/// The element whose direct `<p>` children hold the most text.
fn densest(html: &Html) -> Option<NodeId> {
    let mut score: HashMap<NodeId, usize> = HashMap::new();
    let mut order: Vec<NodeId> = Vec::new();
    for node in html.tree.nodes() {
        if !matches!(node.value(), Node::Element(el) if el.name() == "p") {
            continue;
        }
        let Some(parent) = node.parent() else {
            continue;
        };
        let len: usize = node
            .descendants()
            .filter_map(|d| match d.value() {
                Node::Text(t) => Some(t.trim().len()),
                _ => None,
            })
            .sum();
        let e = score.entry(parent.id()).or_insert_with(|| {
            order.push(parent.id());
            0
        });
        *e += len;
    }
    let mut best: Option<(NodeId, usize)> = None;
    for id in order {
        let s = score.get(&id).copied().unwrap_or(0);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((id, s));
        }
    }
    best.map(|(id, _)| id)
}

fn inside(node: NodeRef<'_, Node>, root: NodeId) -> bool {
    node.ancestors().any(|a| a.id() == root) || node.id() == root
}

const VOID: &[&str] = &[
    "br", "img", "meta", "link", "input", "hr", "wbr", "area", "base", "col", "embed", "source",
    "track", "param", "p", "li", "dt", "dd", "tr", "td", "th", "option", "keygen",
];
/// Above this estimated element depth html5ever gets quadratic; such input
/// is read with the flat tag-stripping extractor instead.
const MAX_DEPTH: usize = 2000;

/// Markup starting at `b[i] == '<'`: (end, lowercase tag name, is end tag),
/// or `None` when this `<` is text.
fn markup_at(src: &str, i: usize) -> Option<(usize, String, bool)> {
    let b = src.as_bytes();
    let next = *b.get(i + 1)?;
    if src[i..].starts_with("<!--") {
        let end = memchr::memmem::find(&b[i + 4..], b"-->").map_or(b.len(), |k| i + 4 + k + 3);
        return Some((end, String::new(), false));
    }
    if !(next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')) {
        return None;
    }
    let close = next == b'/';
    let ns = if close { i + 2 } else { i + 1 };
    let mut ne = ns;
    while ne < b.len() && (b[ne].is_ascii_alphanumeric() || b[ne] == b'-') {
        ne += 1;
    }
    let name = src.get(ns..ne).unwrap_or("").to_ascii_lowercase();
    let mut k = ne;
    let mut q = 0u8;
    while k < b.len() {
        let d = b[k];
        if q != 0 {
            if d == q {
                q = 0;
            }
        } else if (d == b'"' || d == b'\'') && (b[k - 1] == b'=' || b[k - 1].is_ascii_whitespace())
        {
            q = d;
        } else if d == b'>' {
            break;
        }
        k += 1;
    }
    Some(((k + 1).min(b.len()), name, close))
}

fn too_deep(src: &str) -> bool {
    let b = src.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    for i in memchr::memchr_iter(b'<', b) {
        let next = b.get(i + 1).copied().unwrap_or(0);
        if next == b'/' {
            depth = depth.saturating_sub(1);
        } else if next.is_ascii_alphabetic() {
            let mut e = i + 1;
            while e < b.len() && e < i + 12 && b[e].is_ascii_alphanumeric() {
                e += 1;
            }
            let name = src.get(i + 1..e).unwrap_or("").to_ascii_lowercase();
            if !VOID.contains(&name.as_str()) {
                depth += 1;
                max = max.max(depth);
                if max > MAX_DEPTH {
                    return true;
                }
            }
        }
    }
    false
}

/// Tag-stripping extraction without a DOM (for pathological nesting).
fn read_flat(ctx: &Ctx<'_>, data: &[u8], dec: Decoded<'_>) -> Document {
    let src: &str = &dec.text;
    let b = src.as_bytes();
    let mut em = Emitter::new(src);
    let mut i = 0;
    let mut text_start = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let Some((end, name, close)) = markup_at(src, lt) else {
            i = lt + 1;
            continue;
        };
        em.emit_source(text_start, lt);
        if BLOCKS.contains(&name.as_str()) {
            em.boundary();
        }
        let mut next = end;
        if !close && matches!(name.as_str(), "script" | "style" | "title" | "textarea") {
            let pat = format!("</{name}");
            next = memchr::memmem::find_iter(&b[end..], b"</")
                .find(|&k| {
                    src.get(end + k..end + k + pat.len())
                        .is_some_and(|s| s.eq_ignore_ascii_case(&pat))
                })
                .map_or(b.len(), |k| end + k);
        }
        i = next;
        text_start = next;
    }
    em.emit_source(text_start, b.len());
    let (text, map) = em.tb.finish();
    let mut diagnostics = dec.diagnostics.clone();
    diagnostics.push(Diagnostic::warning(
        STAGE,
        "deep-nesting",
        format!("elements nested deeper than {MAX_DEPTH}; read by stripping tags"),
    ));
    let layout = Layout {
        body: trim_span(&text, 0, text.len()),
        ..Layout::default()
    };
    if layout.body.is_empty() {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "no-body",
            "no article text found",
        ));
    }
    let map = map.compose(&dec.map);
    ctx.finish(
        text,
        map,
        data.to_vec(),
        0,
        0,
        dec.encoding,
        Metadata::default(),
        layout,
        diagnostics,
    )
}

pub(crate) fn read(ctx: &Ctx<'_>, data: &[u8], dec: Decoded<'_>) -> Document {
    if too_deep(&dec.text) {
        return read_flat(ctx, data, dec);
    }
    let src: &str = &dec.text;
    let html = Html::parse_document(src);
    let f = scan(&html);
    let mut diagnostics = dec.diagnostics.clone();
    let root_id = f
        .article
        .or(f.item_body)
        .or_else(|| densest(&html))
        .unwrap_or_else(|| html.root_element().id());
    let root = html.tree.get(root_id).unwrap_or_else(|| html.tree.root());
    let mut em = Emitter::new(src);
    let mut layout = Layout::default();
    // Title: the first <h1> (in place when it lies in the article), else <title>.
    let title_node = f.h1.or(f.title_el).and_then(|id| html.tree.get(id));
    let title_inside = title_node.is_some_and(|n| inside(n, root_id));
    if let (Some(tn), false) = (title_node, title_inside) {
        for d in tn.descendants() {
            if let Node::Text(t) = d.value() {
                em.text(t);
            }
        }
        em.boundary();
        if !em.tb.is_empty() {
            layout.title = Some(trim_span(em.tb.text(), 0, em.tb.len()));
        }
        em.cursor = 0;
    }
    let mut marks: Vec<(NodeId, usize)> = Vec::new();
    let mut spans: HashMap<NodeId, Span> = HashMap::new();
    let marked = |id: NodeId| {
        (title_inside && title_node.map(|n| n.id()) == Some(id)) || f.byline_el == Some(id)
    };
    let mut skip: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                if n.id() != root_id && dropped(n) && !marked(n.id()) {
                    skip = Some(n.id());
                    continue;
                }
                if is_block(n) {
                    em.boundary();
                }
                if marked(n.id()) {
                    em.boundary();
                    marks.push((n.id(), em.tb.len()));
                }
                if let Node::Text(t) = n.value() {
                    em.text(t);
                }
            }
            Edge::Close(n) => {
                if let Some(s) = skip {
                    if s == n.id() {
                        skip = None;
                    }
                    continue;
                }
                if is_block(n) {
                    em.boundary();
                }
                if let Some(pos) = marks.iter().position(|(id, _)| *id == n.id()) {
                    let (id, start) = marks.remove(pos);
                    em.boundary();
                    let text = em.tb.text();
                    spans.insert(id, trim_span(text, start.min(text.len()), text.len()));
                }
            }
        }
    }
    let unmatched = em.unmatched;
    let (text, map) = em.tb.finish();
    if title_inside {
        if let Some(s) = title_node.and_then(|n| spans.get(&n.id())) {
            layout.title = Some(*s).filter(|s| !s.is_empty());
        }
    }
    if let Some(s) = f.byline_el.and_then(|id| spans.get(&id)) {
        layout.byline = Some(*s).filter(|s| !s.is_empty());
    }
    // Body: after a leading title / byline.
    let mut body_start = 0usize;
    let mut heads: Vec<Span> = layout.title.into_iter().chain(layout.byline).collect();
    heads.sort();
    for h in heads {
        if (h.start as usize) <= text.len() - text[body_start..].trim_start().len() {
            body_start = h.end as usize;
        }
    }
    let body = trim_span(&text, body_start, text.len());
    layout.body = body;
    let mut meta = Metadata::default();
    if body.is_empty() {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "no-body",
            "no article text found",
        ));
    } else {
        find_dateline(&text, body, &mut meta, &mut layout);
    }
    if unmatched > 0 {
        diagnostics.push(Diagnostic::warning(
            STAGE,
            "unmapped-text",
            format!(
                "{unmatched} text run(s) not found in the source; anchored at the nearest position"
            ),
        ));
    }
    meta.title = f
        .og_title
        .clone()
        .or_else(|| layout.title.map(|s| s.slice(&text).to_string()))
        .or_else(|| f.title_el.and_then(|id| html.tree.get(id)).map(text_of))
        .filter(|t| !t.is_empty());
    meta.byline = f
        .author
        .clone()
        .or_else(|| f.byline_el.and_then(|id| html.tree.get(id)).map(text_of))
        .filter(|t| !t.is_empty());
    let mut published = f.published.clone();
    published.sort_by_key(|(p, _)| *p);
    if let Some((_, raw)) = published
        .into_iter()
        .find(|(_, r)| parse_date(r).is_some())
        .or_else(|| f.published.first().cloned())
    {
        meta.published = parse_date(&raw);
        meta.published_raw = Some(raw);
    }
    meta.source.url = f.canonical.clone().or_else(|| f.og_url.clone());
    meta.outlet = f.site.clone();
    if let Some(l) = &f.lang {
        meta.language = l.clone();
    }
    let map = map.compose(&dec.map);
    drop(html);
    ctx.finish(
        text,
        map,
        data.to_vec(),
        0,
        0,
        dec.encoding,
        meta,
        layout,
        diagnostics,
    )
}
