//! Linking speakers and addressees to `Document::entities`.

use newsgraph_core::{Document, EntityType, MentionKind, Quote, Span};

const MALE_FEMALE: &[&str] = &["he", "she", "him", "her", "his"];
const GROUP: &[&str] = &["they", "it", "we", "them", "its", "their"];

struct M {
    span: Span,
    entity: u32,
    kind: MentionKind,
    etype: EntityType,
}

fn rank(kind: MentionKind) -> u8 {
    match kind {
        MentionKind::Name => 0,
        MentionKind::Short => 1,
        MentionKind::Alias | MentionKind::Acronym => 2,
        MentionKind::Description => 3,
        MentionKind::Capital | MentionKind::Demonym => 4,
        MentionKind::Pronoun => 5,
    }
}

/// Sets `speaker_entity` and `addressee_entity` on every quote.
pub(crate) fn link_speakers(doc: &Document, quotes: &mut [Quote], resolve: bool) {
    if doc.entities.is_empty() {
        return;
    }
    let mut ms: Vec<M> = doc
        .entities
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.mentions.iter().map(move |m| M {
                span: m.span,
                entity: i as u32,
                kind: m.kind,
                etype: e.entity_type,
            })
        })
        .collect();
    ms.sort_by_key(|m| (m.span.start, m.span.end, m.entity));
    let overlapping = |s: Span| -> Option<u32> {
        ms.iter()
            .filter(|m| m.span.start < s.end && s.start < m.span.end)
            .min_by_key(|m| {
                (
                    m.etype != EntityType::Person,
                    rank(m.kind),
                    // The head of an English noun phrase is at its right
                    // (`Iraq's … Movement`).
                    m.span.end.abs_diff(s.end),
                )
            })
            .map(|m| m.entity)
    };
    let mut order: Vec<usize> = (0..quotes.len()).collect();
    order.sort_by_key(|&i| {
        quotes[i]
            .speaker
            .map_or(quotes[i].content.start, |s| s.start)
    });
    let mut prev: Option<(u32, EntityType)> = None;
    for i in order {
        let q = &mut quotes[i];
        q.addressee_entity = q.addressee.and_then(overlapping);
        let Some(s) = q.speaker else {
            continue;
        };
        let mut e = overlapping(s);
        if e.is_none() && resolve {
            let words = doc.slice(s).to_lowercase();
            let person = MALE_FEMALE.contains(&words.as_str());
            let group = GROUP.contains(&words.as_str());
            let description = !person
                && !group
                && (words.starts_with("the ") || words.starts_with("a "))
                && words.split_whitespace().count() <= 4;
            if description {
                // `the spokesman`: an entity whose role says so, nearest first.
                let words: Vec<&str> = words
                    .split_whitespace()
                    .filter(|w| !matches!(*w, "the" | "a" | "an"))
                    .collect();
                e = ms
                    .iter()
                    .rev()
                    .filter(|m| m.span.end <= s.start)
                    .find(|m| {
                        doc.entities[m.entity as usize]
                            .role
                            .as_deref()
                            .is_some_and(|r| {
                                let r = r.to_lowercase();
                                words.iter().any(|w| r.split_whitespace().any(|x| x == *w))
                            })
                    })
                    .map(|m| m.entity);
            } else if person || group {
                let fits = |t: EntityType| {
                    if person {
                        t == EntityType::Person
                    } else {
                        matches!(t, EntityType::Person | EntityType::Org)
                    }
                };
                e = prev.filter(|&(_, t)| fits(t)).map(|(e, _)| e).or_else(|| {
                    ms.iter()
                        .rev()
                        .filter(|m| m.span.end <= s.start && fits(m.etype))
                        .find(|m| m.kind != MentionKind::Pronoun)
                        .map(|m| m.entity)
                });
            }
        }
        q.speaker_entity = e;
        if let Some(e) = e {
            let t = doc.entities[e as usize].entity_type;
            prev = Some((e, t));
        }
    }
}

/// A speaker written as a pronoun or a description (`he`, `the spokesman`)
/// that resolved to an entity becomes one of its mentions, so that the
/// entity's chain has every way the article refers to it as a speaker.
pub(crate) fn add_speaker_mentions(doc: &mut Document, quotes: &[Quote]) {
    for q in quotes {
        let (Some(span), Some(e)) = (q.speaker, q.speaker_entity) else {
            continue;
        };
        let Some(entity) = doc.entities.get_mut(e as usize) else {
            continue;
        };
        let overlaps =
            |m: &newsgraph_core::Mention| m.span.start < span.end && span.start < m.span.end;
        if entity.mentions.iter().any(overlaps) {
            continue;
        }
        let words = doc.text.get(span.range()).unwrap_or("").to_lowercase();
        let kind = if MALE_FEMALE.contains(&words.as_str()) || GROUP.contains(&words.as_str()) {
            MentionKind::Pronoun
        } else {
            MentionKind::Description
        };
        entity.mentions.push(newsgraph_core::Mention { span, kind });
        entity.mentions.sort_by_key(|m| m.span);
    }
}
