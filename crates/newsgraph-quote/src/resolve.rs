//! Linking speakers and addressees to `Document::entities`.

use std::collections::BTreeMap;

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
    // Only mentions that start less than the longest one's length before a
    // span can reach into it: looking there alone keeps a document with
    // thousands of quotes and mentions linear, and keeps the order.
    let longest = ms
        .iter()
        .map(|m| m.span.end.saturating_sub(m.span.start))
        .max();
    let longest = longest.unwrap_or(0);
    let overlapping = |s: Span| -> Option<u32> {
        let from = ms.partition_point(|m| m.span.start.saturating_add(longest) <= s.start);
        let to = ms.partition_point(|m| m.span.start < s.end);
        ms[from..to.max(from)]
            .iter()
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
    // The mentions that can end at or before `s` starts, nearest last.
    let before = |s: Span| &ms[..ms.partition_point(|m| m.span.start <= s.start)];
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
                e = before(s)
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
                    before(s)
                        .iter()
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
    // Per entity a speaker resolved to: its mentions' spans by start with
    // the longest length, and the speakers added so far (they overlap
    // nothing known, so they are disjoint, and a map by start finds the one
    // that could overlap). A document whose thousand quotes all name one
    // speaker costs a look-up each, not a scan of the speaker's mentions.
    struct Known {
        spans: Vec<Span>,
        longest: u32,
        added_by_start: BTreeMap<u32, u32>,
        added: Vec<newsgraph_core::Mention>,
    }
    impl Known {
        fn overlaps(&self, s: Span) -> bool {
            let to = self.spans.partition_point(|m| m.start < s.end);
            let known = self.spans[..to]
                .iter()
                .rev()
                .take_while(|m| m.start.saturating_add(self.longest) > s.start)
                .any(|m| s.start < m.end);
            known
                || self
                    .added_by_start
                    .range(..s.end)
                    .next_back()
                    .is_some_and(|(_, &end)| s.start < end)
        }
    }
    let mut known: BTreeMap<u32, Known> = BTreeMap::new();
    for q in quotes {
        let (Some(span), Some(e)) = (q.speaker, q.speaker_entity) else {
            continue;
        };
        let Some(entity) = doc.entities.get(e as usize) else {
            continue;
        };
        let k = known.entry(e).or_insert_with(|| {
            let mut spans: Vec<Span> = entity.mentions.iter().map(|m| m.span).collect();
            spans.sort_unstable();
            let longest = spans.iter().map(|s| s.end.saturating_sub(s.start)).max();
            Known {
                spans,
                longest: longest.unwrap_or(0),
                added_by_start: BTreeMap::new(),
                added: Vec::new(),
            }
        });
        if k.overlaps(span) {
            continue;
        }
        let words = doc.text.get(span.range()).unwrap_or("").to_lowercase();
        let kind = if MALE_FEMALE.contains(&words.as_str()) || GROUP.contains(&words.as_str()) {
            MentionKind::Pronoun
        } else {
            MentionKind::Description
        };
        if span.start < span.end {
            k.added_by_start.insert(span.start, span.end);
        }
        k.added.push(newsgraph_core::Mention { span, kind });
    }
    for (e, k) in known {
        if k.added.is_empty() {
            continue;
        }
        // One stable sort gives the order sorting after each addition gave.
        let mentions = &mut doc.entities[e as usize].mentions;
        mentions.extend(k.added);
        mentions.sort_by_key(|m| m.span);
    }
}
