//! Readable one-line renderings of entities and quotes, for `demo` and for
//! the `rendered` field of `read`'s quotes.

use newsgraph_core::{Document, Entity, Quote, QuoteKind};

/// Collapses runs of whitespace (a quote may run across paragraphs).
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Nasr al-Shammari (IRQREB)`, or the speaker as written when no entity is known.
fn who(doc: &Document, entity: Option<u32>, span: Option<newsgraph_core::Span>) -> String {
    match entity.and_then(|i| doc.entities.get(i as usize)) {
        Some(e) => match &e.actor_code {
            Some(code) => format!("{} ({code})", e.canonical),
            None => e.canonical.clone(),
        },
        None => span.map_or_else(|| "(unknown speaker)".to_string(), |s| flat(doc.slice(s))),
    }
}

/// `Nasr al-Shammari (IRQREB) told al-Mayadeen: “American forces …”` (direct and mixed
/// quotes in marks, indirect speech without).
pub fn quote_line(doc: &Document, q: &Quote) -> String {
    let speaker = who(doc, q.speaker_entity, q.speaker);
    let cue = q
        .cue
        .map_or_else(|| "said".to_string(), |c| flat(doc.slice(c)));
    // `wrote on Twitter`: keep a preposition written between the cue and the addressee.
    let via = match (q.cue, q.addressee) {
        (Some(c), Some(a)) if c.end <= a.start => {
            let between = doc
                .text
                .get(c.end as usize..a.start as usize)
                .unwrap_or("")
                .trim();
            if matches!(between, "on" | "to" | "in" | "via") {
                format!(" {between}")
            } else {
                String::new()
            }
        }
        _ => String::new(),
    };
    let to = match (q.addressee_entity, q.addressee) {
        (Some(i), _) => doc
            .entities
            .get(i as usize)
            .map(|e| format!("{via} {}", e.canonical))
            .unwrap_or_default(),
        (None, Some(s)) => format!("{via} {}", flat(doc.slice(s))),
        (None, None) => String::new(),
    };
    let content = flat(&q.words(&doc.text));
    // A label's colon or a signature's dash is no verb to print: `SENATOR: “…”`.
    let cue = if cue.chars().any(char::is_alphanumeric) {
        format!(" {cue}")
    } else {
        String::new()
    };
    match q.kind {
        QuoteKind::Direct | QuoteKind::Mixed => format!("{speaker}{cue}{to}: “{content}”"),
        QuoteKind::Indirect => format!("{speaker}{cue}{to}: {content}"),
    }
}

/// `Nasr al-Shammari · PERSON · IRQREB · spokesman of Hezbollah al-Nujaba Movement · 2 mentions`.
pub fn entity_line(doc: &Document, e: &Entity) -> String {
    let mut parts = vec![
        e.canonical.clone(),
        format!("{:?}", e.entity_type).to_uppercase(),
    ];
    if let Some(k) = &e.kind {
        parts.push(k.clone());
    }
    if let Some(c) = &e.actor_code {
        parts.push(c.clone());
    }
    match (
        &e.role,
        e.affiliation.and_then(|a| doc.entities.get(a as usize)),
    ) {
        (Some(r), Some(a)) => parts.push(format!("{r} of {}", a.canonical)),
        (Some(r), None) => parts.push(r.clone()),
        (None, Some(a)) => parts.push(format!("of {}", a.canonical)),
        (None, None) => {}
    }
    let forms: Vec<String> = {
        let mut f: Vec<String> = Vec::new();
        for m in &e.mentions {
            let t = flat(doc.slice(m.span));
            if !f.contains(&t) {
                f.push(t);
            }
        }
        f
    };
    parts.push(format!(
        "{} mention{}: {}",
        e.mentions.len(),
        if e.mentions.len() == 1 { "" } else { "s" },
        forms.join(" | ")
    ));
    parts.join(" · ")
}
