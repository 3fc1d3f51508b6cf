//! Names → chained, coded entities. See the crate docs for the steps.

use crate::Lexicon;
use newsgraph_core::{
    CodeSource, Date, Diagnostic, Document, Entity, EntityType, Mention, MentionKind, Span,
    TokenKind,
};
use newsgraph_dict::Dictionary;
use std::collections::HashMap;
use std::ops::Range;

/// Longest name, in tokens, that the dictionary scan tries.
const MAX_SCAN: usize = 6;
/// How many earlier names a short form is compared with.
const SHORT_FORM_WINDOW: usize = 400;
/// How far after a name an alias cue (`better known as`) may start.
const ALIAS_WINDOW: usize = 16;

/// One mention while the chains are built.
#[derive(Clone, Debug)]
struct Name {
    span: Span,
    toks: Range<usize>,
    ty: EntityType,
    kind: MentionKind,
    /// Lower-case tokens without honorifics and name particles (`al-Kaabi` → `kaabi`).
    core: Vec<String>,
    /// A name this one is defined as an acronym or alias of.
    link: Option<usize>,
    /// What the dictionary says about this name.
    dict: Option<DictHit>,
    entity: usize,
}

#[derive(Clone, Debug)]
struct DictHit {
    code: String,
    layer: String,
    entry: String,
    matched: String,
    category: Option<String>,
    /// The code holds over dates (office holders: people).
    dated: bool,
    /// One of the entry's codes (`code` included) is a bare country code: a country or a place
    /// in it, whichever code the date picked (`Uzbekistan` is `USRUZB` until 1991, `UZB` after).
    place: bool,
    /// Priority of the layer that answered (higher wins across an entity's names).
    rank: usize,
}

/// An entity being built.
#[derive(Debug, Default)]
struct Chain {
    names: Vec<usize>,
    role: Option<(Span, String)>,
    affiliation: Option<usize>,
}

struct Ctx<'a> {
    doc: &'a Document,
    dict: &'a Dictionary,
    lex: &'a Lexicon,
    date: Option<Date>,
    /// Tokens inside a name (filled once the names are final).
    in_name: Vec<bool>,
}

impl Ctx<'_> {
    fn tok(&self, i: usize) -> &str {
        self.doc
            .tokens
            .get(i)
            .map_or("", |t| self.doc.slice(t.span))
    }

    fn lower(&self, i: usize) -> String {
        self.tok(i).to_lowercase()
    }

    fn upos(&self, i: usize) -> &str {
        self.doc.words.get(i).map_or("", |w| w.upos.as_str())
    }

    /// Whether token `i` is a role noun (`minister`, `spokesman`).
    fn is_role(&self, i: usize) -> bool {
        self.lex.roles.contains_key(&self.lower(i))
    }

    fn is_capitalised(&self, i: usize) -> bool {
        let t = self.tok(i);
        // `al-Nujaba`: a lower-case particle joined to a capitalised name.
        let t = t
            .split_once('-')
            .filter(|(p, rest)| self.lex.particles.contains(*p) && !rest.is_empty())
            .map_or(t, |(_, rest)| rest);
        t.chars().next().is_some_and(char::is_uppercase)
    }

    /// A name can start here: a capitalised word, an acronym, or a particle
    /// hyphenated to a capitalised word (`al - Mayadeen`, as the segmenter splits it).
    fn starts_name(&self, i: usize) -> bool {
        self.is_capitalised(i)
            || self.all_caps(i)
            || self.lex.particles.contains(&self.lower(i))
                && self.tok(i + 1) == "-"
                && self.is_capitalised(i + 2)
    }

    fn is_possessive(&self, i: usize) -> bool {
        matches!(self.tok(i), "'s" | "’s" | "'" | "’")
    }

    fn text(&self, toks: Range<usize>) -> &str {
        if toks.is_empty() {
            return "";
        }
        let (a, b) = (&self.doc.tokens[toks.start], &self.doc.tokens[toks.end - 1]);
        &self.doc.text[a.span.start as usize..b.span.end as usize]
    }

    fn span(&self, toks: Range<usize>) -> Span {
        let (a, b) = (&self.doc.tokens[toks.start], &self.doc.tokens[toks.end - 1]);
        Span {
            start: a.span.start,
            end: b.span.end,
        }
    }

    fn core(&self, toks: Range<usize>) -> Vec<String> {
        let mut out = Vec::new();
        for i in toks {
            let t = self.lower(i);
            if self.doc.tokens[i].kind == TokenKind::Punct || self.is_possessive(i) {
                continue;
            }
            if out.is_empty() && (self.lex.honorifics.contains(&t) || t == "the") {
                continue;
            }
            if self.lex.particles.contains(&t) {
                continue;
            }
            let t = match t.split_once('-') {
                Some((p, rest)) if self.lex.particles.contains(p) && !rest.is_empty() => {
                    rest.to_string()
                }
                _ => t,
            };
            out.push(t.trim_end_matches('.').to_string());
        }
        out
    }

    /// Looks a name up, also without its honorifics, a trailing generic word
    /// (`Movement`) or a leading particle.
    fn lookup(&self, toks: Range<usize>) -> Option<DictHit> {
        if toks.is_empty() || !self.starts_name(toks.start) {
            return None;
        }
        let mut variants = vec![toks.clone()];
        let mut start = toks.start;
        while start + 1 < toks.end && self.lex.honorifics.contains(&self.lower(start)) {
            start += 1;
        }
        variants.push(start..toks.end);
        if toks.len() > 1 && self.lex.generic_org.contains(&self.lower(toks.end - 1)) {
            variants.push(start..toks.end - 1);
        }
        for v in variants {
            let text = self.text(v);
            if text.len() < 2 {
                continue;
            }
            let found = self.dict.lookup(text, self.date);
            if let Some(m) = found.matches.first() {
                return Some(DictHit {
                    code: m.code.to_string(),
                    layer: m.layer.to_string(),
                    entry: m.entry.to_string(),
                    matched: m.matched.to_string(),
                    category: m.category.map(str::to_string),
                    rank: self
                        .dict
                        .layers()
                        .iter()
                        .position(|l| l.name == m.layer)
                        .unwrap_or(0),
                    dated: found
                        .matches
                        .iter()
                        .any(|m| m.from.is_some() || m.to.is_some()),
                    place: found.matches.iter().any(|m| {
                        m.entry == found.matches[0].entry
                            && m.code.len() == 3
                            && self.lex.country_of(m.code).is_some()
                    }),
                });
            }
        }
        None
    }

    fn all_caps(&self, i: usize) -> bool {
        let t = self.tok(i);
        t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && t.chars().all(|c| !c.is_lowercase())
    }

    /// The role phrase ending at token `end - 1`, if its last word (or two) is a role noun:
    /// returns the phrase's first token and the role's sector.
    fn role_ending_at(&self, end: usize, floor: usize) -> Option<(usize, String)> {
        if end == 0 || end <= floor {
            return None;
        }
        // The last word, with hyphenated parts the segmenter split (`Secretary - General`).
        let mut first = end - 1;
        while first >= floor + 2
            && self.tok(first - 1) == "-"
            && !self.doc.tokens[first - 2].space_after
            && !self.doc.tokens[first - 1].space_after
        {
            first -= 2;
        }
        let last: String = (first..end).map(|i| self.lower(i)).collect();
        let two = (first > floor).then(|| format!("{} {}", self.lower(first - 1), last));
        let (sector, mut start) = match two.as_ref().and_then(|t| self.lex.roles.get(t)) {
            Some(s) => (s.clone(), first - 1),
            None => (self.lex.roles.get(&last)?.clone(), first),
        };
        // A capitalised title takes capitalised modifiers (`Finance Minister`, `Deputy Prime
        // Minister`), but not a name before it (`Iraqi Foreign Minister`).
        let titled = self.is_capitalised(first);
        while titled && start > floor && start + 4 > end {
            let i = start - 1;
            let w = self.tok(i);
            let word = w.len() > 1 && w.chars().all(|c| c.is_alphabetic() || c == '-');
            let title_word = word
                && self.is_capitalised(i)
                && matches!(self.upos(i), "NOUN" | "ADJ" | "PROPN" | "")
                && !self.in_name.get(i).copied().unwrap_or(false);
            if !title_word {
                break;
            }
            start -= 1;
        }
        // Modifiers: lower-case words before the noun (`national security adviser`).
        while start > floor && start + 4 > end {
            let w = self.tok(start - 1);
            // Adjectives and nouns only, where the tagger has run (`national security
            // adviser`, not `bought by market leader`).
            let modifier_tag = matches!(self.upos(start - 1), "" | "ADJ" | "NOUN");
            let lowercase_word = w.chars().next().is_some_and(char::is_lowercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-')
                && modifier_tag
                && !matches!(
                    w,
                    "the" | "a" | "an" | "of" | "and" | "by" | "said" | "told"
                );
            if !lowercase_word {
                break;
            }
            start -= 1;
        }
        Some((start, sector))
    }
}

pub(crate) fn annotate(
    doc: &mut Document,
    dict: &Dictionary,
    lex: &Lexicon,
    version: &str,
) -> Vec<Diagnostic> {
    let diags = Vec::new();
    if doc.tokens.is_empty() {
        doc.entities.clear();
        return diags;
    }
    let recognised = std::mem::take(&mut doc.entities);
    let mut ctx = Ctx {
        doc,
        dict,
        lex,
        date: doc.meta.published,
        in_name: Vec::new(),
    };
    let mut names = collect_names(&ctx, &recognised);
    join_split_names(&ctx, &mut names);
    scan_dictionary(&ctx, &mut names);
    names.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
    link_definitions(&ctx, &mut names);
    for n in &mut names {
        if n.dict.is_none() {
            n.dict = ctx.lookup(n.toks.clone());
        }
    }
    ctx.in_name = vec![false; doc.tokens.len()];
    for n in &names {
        ctx.in_name[n.toks.clone()]
            .iter_mut()
            .for_each(|t| *t = true);
    }
    let mut chains = build_chains(&ctx, &mut names);
    find_roles(&ctx, &names, &mut chains);
    let descriptions = find_descriptions(&ctx, &names, &chains);
    let entities = finish(&ctx, &names, &chains, descriptions, version);
    doc.entities = entities;
    diags
}

/// The recogniser's mentions, mapped onto tokens.
fn collect_names(ctx: &Ctx<'_>, recognised: &[Entity]) -> Vec<Name> {
    let tokens = &ctx.doc.tokens;
    let mut names: Vec<Name> = Vec::new();
    for e in recognised {
        for m in &e.mentions {
            let first = tokens.partition_point(|t| t.span.end <= m.span.start);
            let last = tokens.partition_point(|t| t.span.start < m.span.end);
            if first >= last {
                continue;
            }
            let mut toks = first..last;
            // `Beirut-based`, `US-led`: the name is the part before the hyphen.
            if toks.len() >= 3
                && ctx.tok(toks.end - 2) == "-"
                && ctx
                    .tok(toks.end - 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                && !ctx.lex.particles.contains(&ctx.lower(toks.end - 1))
            {
                toks.end -= 2;
            }
            // `Qatar-based Al Jazeera`: two names, the place and the organisation.
            if toks.len() > 3
                && ctx.tok(toks.start + 1) == "-"
                && ctx
                    .tok(toks.start + 2)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                && !ctx.lex.particles.contains(&ctx.lower(toks.start + 2))
            {
                let place = toks.start..toks.start + 1;
                names.push(Name {
                    span: ctx.span(place.clone()),
                    core: ctx.core(place.clone()),
                    toks: place,
                    ty: EntityType::Loc,
                    kind: MentionKind::Name,
                    link: None,
                    dict: None,
                    entity: usize::MAX,
                });
                toks.start += 3;
            }
            // `Hezbollah al-Nujaba` + `Movement`: an organisation's capitalised head word
            // left outside the name.
            // (A person's name only takes the plainly organisational words: the recogniser
            // calls `Hezbollah al-Nujaba` a person.)
            if e.entity_type != EntityType::Norp {
                let person = e.entity_type == EntityType::Person;
                let head = |w: &String| {
                    ctx.lex.generic_org.contains(w.as_str())
                        && !matches!(w.as_str(), "of" | "the" | "and" | "for" | "in")
                        || !person && ctx.lex.org_heads.contains_key(w)
                };
                while toks.end < tokens.len()
                    && ctx.is_capitalised(toks.end)
                    && head(&ctx.lower(toks.end))
                    && ctx.doc.tokens[toks.end - 1].span.end < ctx.doc.tokens[toks.end].span.start
                {
                    toks.end += 1;
                }
            }
            // `…Movement Sheikh Akram`: a title inside a name starts a person's name.
            let mut pieces = vec![(toks.clone(), e.entity_type)];
            if let Some(k) = (toks.start + 1..toks.end).find(|&k| is_title(ctx, k)) {
                pieces = vec![
                    (toks.start..k, e.entity_type),
                    (k..toks.end, EntityType::Person),
                ];
            } else if let Some(k) = role_inside_name(ctx, toks.clone()) {
                // `Welsh Health Minister Jane Hutt`, `US President Bush`: the
                // recogniser took the role phrase into the name (and often
                // typed the whole an organisation). The person is the name
                // after the role; the words before it are the role phrase,
                // which `find_roles` reads.
                pieces = vec![(k + 1..toks.end, EntityType::Person)];
            }
            for (mut toks, ty) in pieces {
                // `Sheikh Akram al-Kaabi`: the title belongs to the mention.
                if ty == EntityType::Person {
                    while toks.start > 0 && is_title(ctx, toks.start - 1) {
                        toks.start -= 1;
                    }
                }
                names.push(Name {
                    span: ctx.span(toks.clone()),
                    core: ctx.core(toks.clone()),
                    toks,
                    ty,
                    kind: m.kind,
                    link: None,
                    dict: None,
                    entity: usize::MAX,
                });
            }
        }
    }
    names.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
    // Overlapping names: the first (longest) wins.
    let mut kept: Vec<Name> = Vec::with_capacity(names.len());
    for n in names {
        if kept.last().is_some_and(|k| k.toks.end > n.toks.start) {
            continue;
        }
        // `Sheikh Akram` + `al-Kaabi`: a person's name the recogniser cut in two.
        if let Some(k) = kept.last_mut() {
            if k.ty == EntityType::Person
                && n.ty == EntityType::Person
                && k.toks.end == n.toks.start
            {
                k.toks.end = n.toks.end;
                k.span = ctx.span(k.toks.clone());
                k.core = ctx.core(k.toks.clone());
                continue;
            }
        }
        kept.push(n);
    }
    kept
}

/// The role noun inside a recognised name that a person's name follows:
/// capitalised words before it (`Shadow Home Secretary`, `US President`,
/// `Attorney General`: at least one, so `General Motors` and `President
/// Bush` stay whole), and after it one to four capitalised words or name
/// particles, none an organisation's head word, a thing's name word or
/// another role (`Premier League`, `General Trust`). The last role noun that fits wins.
fn role_inside_name(ctx: &Ctx<'_>, toks: Range<usize>) -> Option<usize> {
    let word = |i: usize| ctx.doc.tokens[i].kind == TokenKind::Word;
    let name_word = |i: usize| {
        let lower = ctx.lower(i);
        // `al - Araji`, as the segmenter splits it.
        let particle = ctx.lex.particles.contains(&lower) || lower == "-";
        (particle || ctx.is_capitalised(i) && word(i))
            && !ctx.lex.org_heads.contains_key(&lower)
            && !ctx.lex.generic_org.contains(lower.as_str())
            && !ctx.lex.not_person_names.contains(lower.as_str())
            && !ctx.lex.roles.contains_key(&lower)
    };
    (toks.start + 1..toks.end.saturating_sub(1))
        .rev()
        .filter(|&k| ctx.is_role(k) && ctx.is_capitalised(k))
        .find(|&k| {
            let after = k + 1..toks.end;
            (toks.start..k).all(|i| ctx.is_capitalised(i) && word(i))
                && after.len() <= 4
                && ctx.is_capitalised(after.start)
                && after.clone().all(name_word)
        })
}

/// Whether the name at `toks` is called a place by a lower-case place noun
/// right after it (`Hamdaniya district`) or by `the <place noun> of` right
/// before it (`the town of Tal Afar`).
fn named_as_place(ctx: &Ctx<'_>, toks: Range<usize>) -> bool {
    let n = ctx.doc.tokens.len();
    let place_noun = |i: usize| {
        ctx.doc.tokens[i].kind == TokenKind::Word
            && ctx.tok(i).starts_with(|c: char| c.is_lowercase())
            && ctx.lex.place_nouns.contains(ctx.tok(i))
    };
    let after = toks.end < n && place_noun(toks.end);
    let before = toks.start >= 3
        && ctx.lower(toks.start - 1) == "of"
        && place_noun(toks.start - 2)
        && ctx.lower(toks.start - 3) == "the";
    after || before
}

/// A capitalised honorific that is not also a role noun (`Sheikh`, `Dr.`; not `President`).
fn is_title(ctx: &Ctx<'_>, i: usize) -> bool {
    let lower = ctx.lower(i);
    ctx.is_capitalised(i)
        && ctx.lex.honorifics.contains(lower.trim_end_matches('.'))
        && !ctx.lex.roles.contains_key(&lower)
}

/// `Syrian` + `Observatory for` + `Human Rights`: a name the dictionary
/// knows that the recogniser cut into pieces, keeping some and dropping the
/// words between, becomes one name. Only runs that bridge two names or more
/// through words (capitalised, or the small words of names) and hold no role
/// noun, so `US` before `President` stays a place and `Russian President
/// Vladimir Putin` two names. `names` is sorted and without overlaps.
fn join_split_names(ctx: &Ctx<'_>, names: &mut Vec<Name>) {
    const MAX_JOIN: usize = 8;
    let bridge = |k: usize| {
        ctx.doc.tokens[k].kind == TokenKind::Word
            && (ctx.is_capitalised(k)
                || matches!(ctx.lower(k).as_str(), "of" | "for" | "and" | "the")
                || ctx.lex.particles.contains(&ctx.lower(k)))
    };
    let mut out: Vec<Name> = Vec::with_capacity(names.len());
    let mut i = 0;
    while i < names.len() {
        let start = names[i].toks.start;
        let mut joined = None;
        let mut j = i + 1;
        while j < names.len() && names[j].toks.end - start <= MAX_JOIN {
            let gap = names[j - 1].toks.end..names[j].toks.start;
            if !gap.clone().all(bridge) {
                break;
            }
            let run = start..names[j].toks.end;
            // `Russian President Vladimir Putin` is in the dictionary too,
            // but it is a person with a role and a country, not a name.
            if run.clone().any(|k| ctx.is_role(k)) {
                break;
            }
            if let Some(h) = ctx.lookup(run.clone()) {
                joined = Some((j, run, h));
            }
            j += 1;
        }
        match joined {
            Some((j, toks, h)) => {
                out.push(dictionary_name(ctx, toks, h));
                i = j + 1;
            }
            None => {
                out.push(names[i].clone());
                i += 1;
            }
        }
    }
    *names = out;
}

/// A name found in the dictionary over `toks`, typed by what its entry implies.
fn dictionary_name(ctx: &Ctx<'_>, toks: Range<usize>, h: DictHit) -> Name {
    Name {
        span: ctx.span(toks.clone()),
        core: ctx.core(toks.clone()),
        ty: type_of_code(ctx, &h, toks.clone()).ty(),
        toks,
        kind: MentionKind::Name,
        link: None,
        dict: Some(h),
        entity: usize::MAX,
    }
}

/// Capitalised token runs that the dictionary knows but the recogniser missed.
fn scan_dictionary(ctx: &Ctx<'_>, names: &mut Vec<Name>) {
    let mut covered = vec![false; ctx.doc.tokens.len()];
    for n in names.iter() {
        covered[n.toks.clone()].iter_mut().for_each(|c| *c = true);
    }
    let mut found = Vec::new();
    for s in &ctx.doc.sentences {
        let r = s.token_range();
        let mut i = r.start;
        while i < r.end {
            if covered[i] || !ctx.starts_name(i) {
                i += 1;
                continue;
            }
            let mut hit = None;
            let longest = (r.end - i).min(MAX_SCAN);
            for len in (1..=longest).rev() {
                let toks = i..i + len;
                if covered[toks.clone()].iter().any(|&c| c) {
                    continue;
                }
                let last = toks.end - 1;
                if !(ctx.is_capitalised(last) || ctx.all_caps(last)) {
                    continue;
                }
                // A lone capitalised word opening a sentence is usually not a name.
                if len == 1 && i == r.start && !ctx.all_caps(i) {
                    continue;
                }
                if let Some(h) = ctx.lookup(toks.clone()) {
                    hit = Some((toks, h));
                    break;
                }
            }
            let Some((toks, h)) = hit else {
                i += 1;
                continue;
            };
            i = toks.end;
            found.push(dictionary_name(ctx, toks, h));
        }
    }
    names.extend(found);
}

/// The entity type a dictionary entry implies for a name, and whether the dictionary says so
/// plainly (`Implied::Sure`) or only leans that way (`Implied::Leans`).
///
/// A country code names a place (or, as an adjective, its people): Phoenix lists cities as
/// aliases of their country, with codes dated by regime, so dates say nothing there. An entry
/// with a category, an organisation word or head word in the name (`Council`, `Front`,
/// `Observatory`) or an acronym is an organisation. Otherwise dated codes are offices held: a
/// person. Undated sector codes are
/// shared by office holders and organisations (`SYRGOV` is both `Bashar Al-Assad` and a
/// ministry): they lean to an organisation, and the recogniser's own person/organisation call
/// is kept.
fn type_of_code(ctx: &Ctx<'_>, h: &DictHit, toks: Range<usize>) -> Implied {
    if h.place {
        // `Iraqi forces`: a demonym used as an adjective.
        let last = toks.end - 1;
        if ctx.upos(last) == "ADJ" || looks_demonym(ctx, h, last) {
            return Implied::Sure(EntityType::Norp);
        }
        return Implied::Sure(EntityType::Loc);
    }
    let is_org_word = |w: &str| {
        let lower = w.to_lowercase();
        w.chars().next().is_some_and(char::is_uppercase)
            && (ctx.lex.generic_org.contains(&lower) || ctx.lex.org_heads.contains_key(&lower))
    };
    // In the name as written or in the entry's own name (`AQI` is an alias of `Islamic State
    // of Iraq and the Levant`).
    let org_word =
        toks.clone().any(|i| is_org_word(ctx.tok(i))) || h.entry.split([' ', '-']).any(is_org_word);
    let acronym = toks.len() == 1 && ctx.all_caps(toks.start);
    if h.category.is_some() || org_word || acronym {
        return Implied::Sure(EntityType::Org);
    }
    if h.dated {
        Implied::Sure(EntityType::Person)
    } else {
        Implied::Leans(EntityType::Org)
    }
}

/// What a dictionary entry says about a name's type (see [`type_of_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Implied {
    Sure(EntityType),
    Leans(EntityType),
}

impl Implied {
    fn ty(self) -> EntityType {
        match self {
            Implied::Sure(t) | Implied::Leans(t) => t,
        }
    }
}

fn looks_demonym(ctx: &Ctx<'_>, h: &DictHit, i: usize) -> bool {
    let t = ctx.tok(i);
    !ctx.all_caps(i)
        && normalize(t) != normalize(&h.entry)
        && ["ians", "ans", "is", "ese", "ish"]
            .iter()
            .any(|s| t.ends_with(s))
        && ctx.upos(i) != "PROPN"
}

fn normalize(s: &str) -> String {
    newsgraph_dict::normalize(s)
}

/// Name indices by first token and by end token (names do not overlap).
fn by_start(names: &[Name]) -> HashMap<usize, usize> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.toks.start, i))
        .collect()
}

fn by_end(names: &[Name]) -> HashMap<usize, usize> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.toks.end, i))
        .collect()
}

/// Acronyms in brackets after a name, and aliases after `known as`.
fn link_definitions(ctx: &Ctx<'_>, names: &mut Vec<Name>) {
    let n_tokens = ctx.doc.tokens.len();
    let mut added: Vec<Name> = Vec::new();
    let starts = by_start(names);
    for ni in 0..names.len() {
        let end = names[ni].toks.end;
        // `Name (ACR)` / `Name [ACR]`
        if end + 2 < n_tokens
            && matches!(ctx.tok(end), "(" | "[")
            && matches!(ctx.tok(end + 2), ")" | "]")
            && ctx.all_caps(end + 1)
            && ctx.tok(end + 1).len() <= 10
            && acronym_fits(ctx.tok(end + 1), &names[ni].core)
        {
            let toks = end + 1..end + 2;
            if let Some(k) = starts
                .get(&toks.start)
                .copied()
                .filter(|&k| names[k].toks == toks)
            {
                names[k].link = Some(ni);
                names[k].kind = MentionKind::Acronym;
            } else {
                added.push(Name {
                    span: ctx.span(toks.clone()),
                    core: ctx.core(toks.clone()),
                    toks,
                    ty: names[ni].ty,
                    kind: MentionKind::Acronym,
                    link: Some(ni),
                    dict: None,
                    entity: usize::MAX,
                });
            }
        }
    }
    names.extend(added);
    names.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
    // Links were indices before the sort: recompute them from the definition sites.
    let definitions = relink_after_sort(ctx, names);
    add_acronym_uses(ctx, names, &definitions);

    // `…, better known (by the Arabic name) as Hashd al-Shaabi`
    let starts = by_start(names);
    let ends = by_end(names);
    for s in &ctx.doc.sentences {
        let r = s.token_range();
        for i in r.clone() {
            let w = ctx.lower(i);
            if !(w == "known" || w == "called" || w == "dubbed" || w == "a.k.a.") {
                continue;
            }
            let Some(as_at) = (i + 1..(i + 8).min(r.end)).find(|&k| ctx.lower(k) == "as") else {
                continue;
            };
            let target_start = as_at + 1;
            let Some(&alias) = starts.get(&target_start) else {
                continue;
            };
            // The nearest name before the cue, within the window and the sentence.
            let floor = r.start.max(i.saturating_sub(ALIAS_WINDOW));
            let Some(owner) = (floor..=i).rev().find_map(|end| {
                ends.get(&end)
                    .copied()
                    .filter(|&k| names[k].toks.start >= r.start)
            }) else {
                continue;
            };
            if matches!(names[owner].ty, EntityType::Org | EntityType::Person) {
                names[alias].link = Some(owner);
                names[alias].kind = MentionKind::Alias;
            }
        }
    }
}

/// Links point at names by index; after sorting, recompute them from the
/// acronym's definition site (the name right before the bracket).
fn relink_after_sort(ctx: &Ctx<'_>, names: &mut [Name]) -> HashMap<String, usize> {
    let acronym_texts: Vec<(usize, String)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == MentionKind::Acronym)
        .map(|(i, n)| (i, ctx.text(n.toks.clone()).to_string()))
        .collect();
    let mut definitions: HashMap<String, usize> = HashMap::new();
    let ends = by_end(names);
    for (i, text) in &acronym_texts {
        let start = names[*i].toks.start;
        let owner = start
            .checked_sub(1)
            .and_then(|end| ends.get(&end).copied())
            .filter(|&o| o < *i);
        names[*i].link = owner;
        if let Some(o) = owner {
            definitions.entry(text.clone()).or_insert(o);
        } else if let Some(&o) = definitions.get(text) {
            names[*i].link = Some(o);
        }
    }
    for (i, n) in names.iter_mut().enumerate() {
        if n.kind == MentionKind::Acronym || n.link.is_some() {
            continue;
        }
        if let Some(&o) = definitions.get(ctx.text(n.toks.clone())) {
            if o < i {
                n.link = Some(o);
                n.kind = MentionKind::Acronym;
            }
        }
    }
    definitions
}

/// Later uses of acronyms the text defined, where the recogniser missed them.
fn add_acronym_uses(ctx: &Ctx<'_>, names: &mut Vec<Name>, definitions: &HashMap<String, usize>) {
    if definitions.is_empty() {
        return;
    }
    let mut covered = vec![false; ctx.doc.tokens.len()];
    for n in names.iter() {
        covered[n.toks.clone()].iter_mut().for_each(|c| *c = true);
    }
    let mut added = Vec::new();
    for (i, t) in ctx.doc.tokens.iter().enumerate() {
        if covered[i] {
            continue;
        }
        let Some(&o) = definitions.get(ctx.doc.slice(t.span)) else {
            continue;
        };
        if names[o].span.end > t.span.start {
            continue;
        }
        added.push(Name {
            span: t.span,
            core: ctx.core(i..i + 1),
            toks: i..i + 1,
            ty: names[o].ty,
            kind: MentionKind::Acronym,
            link: None,
            dict: None,
            entity: usize::MAX,
        });
    }
    if added.is_empty() {
        return;
    }
    names.extend(added);
    names.sort_by_key(|n| (n.span.start, std::cmp::Reverse(n.span.end)));
    relink_after_sort(ctx, names);
}

/// Whether an acronym's letters fit a name's words: its letters appear, in
/// order, as initials (or the acronym is of a translated name: accept when
/// the first letters agree or the name has few words).
fn acronym_fits(acronym: &str, core: &[String]) -> bool {
    let letters: Vec<char> = acronym
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if letters.is_empty() || core.is_empty() {
        return false;
    }
    let initials: Vec<char> = core.iter().filter_map(|w| w.chars().next()).collect();
    let mut k = 0;
    for c in &initials {
        if k < letters.len() && *c == letters[k] {
            k += 1;
        }
    }
    k == letters.len() || initials.first() == letters.first()
}

fn is_short_form_of(ctx: &Ctx<'_>, short: &Name, full: &Name) -> bool {
    // Fewer words, or the same words with fewer tokens (`Kaabi` for `al-Kaabi`).
    let shorter = short.core.len() < full.core.len()
        || short.core == full.core && short.toks.len() < full.toks.len();
    if short.core.is_empty() || !shorter {
        return false;
    }
    if short
        .core
        .iter()
        .all(|w| ctx.lex.generic_org.contains(w.as_str()))
    {
        return false;
    }
    if !short.core.iter().all(|w| full.core.contains(w)) {
        return false;
    }
    match full.ty {
        // A person's short form keeps the surname.
        EntityType::Person => full.core.last().is_some_and(|s| short.core.contains(s)),
        _ => true,
    }
}

fn build_chains(ctx: &Ctx<'_>, names: &mut [Name]) -> Vec<Chain> {
    let mut chains: Vec<Chain> = Vec::new();
    let mut by_norm: HashMap<String, (usize, MentionKind)> = HashMap::new();
    let mut by_entry: HashMap<(String, String), usize> = HashMap::new();
    for i in 0..names.len() {
        let norm = normalize(ctx.text(names[i].toks.clone()));
        let mut target = names[i]
            .link
            .map(|l| names[l].entity)
            .filter(|&e| e != usize::MAX);
        if target.is_none() {
            if let Some(&(e, kind)) = by_norm.get(&norm) {
                target = Some(e);
                // A repeated short form, acronym or capital is one again.
                if names[i].kind == MentionKind::Name {
                    names[i].kind = kind;
                }
            }
        }
        if target.is_none() {
            if let Some(h) = &names[i].dict {
                let key = (h.layer.clone(), h.entry.clone());
                if let Some(&e) = by_entry.get(&key) {
                    let stands_for_country = !is_place_alias(ctx, &names[i], h)
                        || (may_stand_for_country(h)
                            && acts_politically(ctx, names[i].toks.clone()));
                    let same_class = (names[i].ty == EntityType::Norp)
                        == (names[chains[e].names[0]].ty == EntityType::Norp);
                    if stands_for_country && same_class {
                        target = Some(e);
                        if is_place_alias(ctx, &names[i], h) {
                            names[i].kind = MentionKind::Capital;
                        } else if names[i].kind == MentionKind::Name {
                            // `Nujaba` after `Hezbollah al-Nujaba Movement`, `US` after
                            // `United States`.
                            let earlier = chains[e].names.iter().map(|&j| &names[j]);
                            let mut short = false;
                            for full in earlier {
                                short |= is_short_form_of(ctx, &names[i], full);
                            }
                            if short {
                                names[i].kind = MentionKind::Short;
                            } else if ctx.all_caps(names[i].toks.start) && names[i].toks.len() == 1
                            {
                                names[i].kind = MentionKind::Acronym;
                            }
                        }
                    }
                }
            }
        }
        if target.is_none() {
            // A capital acting for its government, with the country not named yet.
            if let Some(h) = &names[i].dict {
                if is_place_alias(ctx, &names[i], h)
                    && may_stand_for_country(h)
                    && acts_politically(ctx, names[i].toks.clone())
                {
                    names[i].kind = MentionKind::Capital;
                }
            }
        }
        if target.is_none()
            && names[i].ty != EntityType::Norp
            && names[i].kind != MentionKind::Capital
        {
            // Short form of an earlier, longer name (most recent first).
            // Short form of an earlier, longer name, or the same name without its particle
            // (`Kaabi` after `al-Kaabi`). Within a window of recent names, so that a huge
            // document stays linear.
            target = (i.saturating_sub(SHORT_FORM_WINDOW)..i)
                .rev()
                .find_map(|j| {
                    let e = names[j].entity;
                    let compatible =
                        names[i].ty != EntityType::Loc || names[j].ty == EntityType::Loc;
                    (compatible
                        && names[j].kind == MentionKind::Name
                        && is_short_form_of(ctx, &names[i], &names[j]))
                    .then_some(e)
                });
            if target.is_some() && names[i].kind == MentionKind::Name {
                names[i].kind = MentionKind::Short;
            }
        }
        let e = match target {
            Some(e) => e,
            None => {
                chains.push(Chain::default());
                chains.len() - 1
            }
        };
        names[i].entity = e;
        chains[e].names.push(i);
        by_norm.entry(norm).or_insert((e, names[i].kind));
        if let Some(h) = &names[i].dict {
            if !is_place_alias(ctx, &names[i], h) || names[i].kind == MentionKind::Capital {
                by_entry
                    .entry((h.layer.clone(), h.entry.clone()))
                    .or_insert(e);
            }
        }
    }
    merge_early_surnames(names, &mut chains);
    chains
}

/// Most chains are built left to right; a surname used before the full name
/// (`Tomlinson` in a lead, `Sir Mike Tomlinson` later) joins the one later
/// person whose surname it is.
fn merge_early_surnames(names: &mut [Name], chains: &mut Vec<Chain>) {
    // Quadratic in the number of entities: leave huge documents as they are.
    if chains.len() > 2000 {
        return;
    }
    let mut into: Vec<Option<usize>> = vec![None; chains.len()];
    for a in 0..chains.len() {
        let members = &chains[a].names;
        let Some(&first) = members.first() else {
            continue;
        };
        let word = match names[first].core.as_slice() {
            [w] => w.clone(),
            _ => continue,
        };
        let bare = members.iter().all(|&k| {
            let n = &names[k];
            n.core.len() == 1 && n.core[0] == word && n.dict.is_none() && n.ty != EntityType::Norp
        });
        if !bare {
            continue;
        }
        let people: Vec<usize> = (0..chains.len())
            .filter(|&b| {
                b != a
                    && chains[b].names.iter().any(|&k| {
                        let n = &names[k];
                        n.ty == EntityType::Person
                            && n.kind == MentionKind::Name
                            && n.core.len() > 1
                            && n.core.last() == Some(&word)
                    })
            })
            .collect();
        if let [b] = people.as_slice() {
            into[a] = Some(*b);
        }
    }
    if into.iter().all(Option::is_none) {
        return;
    }
    for (a, target) in into.iter().enumerate() {
        if let Some(b) = *target {
            let moved = std::mem::take(&mut chains[a].names);
            for &k in &moved {
                names[k].entity = b;
                if names[k].kind == MentionKind::Name {
                    names[k].kind = MentionKind::Short;
                }
            }
            chains[b].names.extend(moved);
            chains[b].names.sort_unstable();
        }
    }
    // Drop the emptied chains and renumber.
    let mut renumber = vec![usize::MAX; chains.len()];
    let mut kept = Vec::with_capacity(chains.len());
    for (i, c) in std::mem::take(chains).into_iter().enumerate() {
        if !c.names.is_empty() {
            renumber[i] = kept.len();
            kept.push(c);
        }
    }
    for n in names.iter_mut() {
        n.entity = renumber[n.entity];
    }
    *chains = kept;
}

/// A city (capital) or region name that the dictionary files under its
/// country (`Beirut` → Lebanon, `North Carolina` → United States): not the
/// country's name, an acronym or a demonym.
fn is_place_alias(ctx: &Ctx<'_>, n: &Name, h: &DictHit) -> bool {
    let one_word = n.toks.len() == 1 && !(h.matched.contains(' ') || h.matched.len() <= 3);
    // `North Carolina`, `New York`, `Virginia State`: PETRARCH files regions
    // and cities of several words under their country too, and they are
    // places in it, not other names of it (those of several words, `United
    // States`, `Great Britain`, come from our curated layer).
    let region =
        h.layer == newsgraph_dict::petrarch::LAYER && (n.toks.len() > 1 || h.matched.contains(' '));
    n.ty != EntityType::Norp
        && h.code.len() == 3
        && ctx.lex.country_of(&h.code).is_some()
        && normalize(&h.matched) != normalize(&h.entry)
        && !(ctx.all_caps(n.toks.start) && ctx.tok(n.toks.start).len() <= 3)
        && (one_word || region)
        && !looks_demonym(ctx, h, n.toks.start)
        && !ctx.tok(n.toks.start).starts_with("America")
}

/// Whether a place name of a country's entry can stand for the country's
/// government. The PETRARCH country entries list many of the country's
/// cities and regions among its names (`Liverpool`, `Wales` for the United
/// Kingdom); only our curated layer and a user's name capitals, so only their
/// place names act for a country (`Washington`, `London`).
fn may_stand_for_country(h: &DictHit) -> bool {
    h.layer != newsgraph_dict::petrarch::LAYER
}

/// A capital stands for its government when it acts: the subject of a clause,
/// or followed by a verb or modal (`left Aleppo` is a place, not Syria).
fn acts_politically(ctx: &Ctx<'_>, toks: Range<usize>) -> bool {
    let last = toks.end - 1;
    // A dateline (`SANAA, March 3 -`) places the story; it does not act.
    let span = ctx.span(toks.clone());
    if ctx.doc.layout.dateline.is_some_and(|d| d.contains(span))
        || ctx.all_caps(toks.start) && ctx.tok(toks.start).len() > 3
    {
        return false;
    }
    // `Beirut-based`: part of a hyphenated modifier.
    if !ctx.doc.tokens[last].space_after && ctx.tok(toks.end) == "-" {
        return false;
    }
    // With a parse, only a subject acts (`Washington cannot be trusted`, not
    // `shops in London reported`); without one, a name before a verb.
    match ctx.doc.words.get(last).filter(|w| !w.deprel.is_empty()) {
        Some(w) => w.deprel.starts_with("nsubj"),
        None => matches!(ctx.upos(toks.end), "VERB" | "AUX"),
    }
}

/// Roles and affiliations from titles and appositions around person names.
fn find_roles(ctx: &Ctx<'_>, names: &[Name], chains: &mut [Chain]) {
    let starts = by_start(names);
    let ends = by_end(names);
    let name_at_end = |end: usize| ends.get(&end).copied();
    let name_at = |start: usize| starts.get(&start).copied();
    for (ni, n) in names.iter().enumerate() {
        if n.ty != EntityType::Person || chains[n.entity].role.is_some() {
            continue;
        }
        let sentences = &ctx.doc.sentences;
        let at = sentences.partition_point(|s| (s.tokens.1 as usize) <= n.toks.start);
        let Some(sent) = sentences
            .get(at)
            .filter(|s| s.token_range().contains(&n.toks.start))
        else {
            continue;
        };
        let floor = sent.tokens.0 as usize;
        let mut found: Option<(Range<usize>, String, Option<usize>)> = None;
        // Before the name: `[Org] [role] [,] NAME`, `[Loc]'s [role] NAME`, `[role] of [Org] NAME`.
        let mut end = n.toks.start;
        while end > floor
            && ctx
                .lex
                .honorifics
                .contains(ctx.lower(end - 1).trim_end_matches('.'))
            && !ctx.is_role(end - 1)
        {
            end -= 1;
        }
        if end > floor && ctx.tok(end - 1) == "," {
            end -= 1;
        }
        if let Some(org) = name_at_end(end).filter(|&k| names[k].ty != EntityType::Person) {
            let o = &names[org];
            if o.toks.start >= floor + 2 && ctx.lower(o.toks.start - 1) == "of" {
                if let Some((start, sector)) = ctx.role_ending_at(o.toks.start - 1, floor) {
                    found = Some((start..o.toks.start - 1, sector, Some(org)));
                }
            }
        }
        if found.is_none() {
            if let Some((start, sector)) = ctx.role_ending_at(end, floor) {
                let mut aff = None;
                let mut before = start;
                if before > floor && ctx.is_possessive(before - 1) {
                    before -= 1;
                }
                if let Some(k) = name_at_end(before).filter(|&k| names[k].ty != EntityType::Person)
                {
                    aff = Some(k);
                }
                found = Some((start..end, sector, aff));
            }
        }
        // After the name: `NAME, [Loc's|the] [role] [of [the] Org],`.
        let n_end = n.toks.end;
        let sent_end = sent.tokens.1 as usize;
        if found.is_none() && n_end < sent_end && ctx.tok(n_end) == "," {
            let mut k = n_end + 1;
            let mut aff = None;
            if let Some(o) = name_at(k).filter(|&o| names[o].ty != EntityType::Person) {
                if ctx.is_possessive(names[o].toks.end) {
                    aff = Some(o);
                    k = names[o].toks.end + 1;
                }
            } else if matches!(ctx.lower(k).as_str(), "the" | "a" | "an") {
                k += 1;
            }
            // The role phrase runs to the next comma or the end of the sentence.
            let stop = (k..sent_end.min(k + 8))
                .find(|&j| matches!(ctx.tok(j), "," | "." | ";" | "(" | "said" | "told"))
                .unwrap_or(sent_end.min(k + 8));
            let mut role_end = stop;
            let mut of_org = None;
            if let Some(of) = (k..stop).find(|&j| ctx.lower(j) == "of") {
                role_end = of;
                let mut o = of + 1;
                if ctx.lower(o) == "the" {
                    o += 1;
                }
                of_org = name_at(o).filter(|&x| names[x].ty != EntityType::Person);
            }
            if let Some((start, sector)) = ctx.role_ending_at(role_end, k) {
                if start == k {
                    found = Some((start..role_end, sector, of_org.or(aff)));
                }
            }
        }
        if let Some((toks, _sector, aff)) = found {
            if toks.is_empty() {
                continue;
            }
            let role = ctx.text(toks.clone()).to_string();
            let c = &mut chains[names[ni].entity];
            c.role = Some((ctx.span(toks), role));
            if let Some(a) = aff {
                if names[a].entity != names[ni].entity {
                    c.affiliation = Some(names[a].entity);
                }
            }
        }
    }
}

/// `the al-Nujaba chief`, `the spokesman`: descriptions of a person already
/// named, linked to the most recently mentioned person they fit.
fn find_descriptions(ctx: &Ctx<'_>, names: &[Name], chains: &[Chain]) -> Vec<(usize, Span)> {
    let mut out = Vec::new();
    let starts = by_start(names);
    for s in &ctx.doc.sentences {
        let r = s.token_range();
        for i in r.clone() {
            if ctx.lower(i) != "the" {
                continue;
            }
            let mut k = i + 1;
            let mut org = None;
            if let Some(&o) = starts.get(&k) {
                if names[o].ty == EntityType::Person {
                    continue;
                }
                org = Some(names[o].entity);
                k = names[o].toks.end;
            }
            if k >= r.end {
                continue;
            }
            let head = ctx.lower(k);
            if !ctx.lex.roles.contains_key(&head) {
                continue;
            }
            // A described role must be complete here: `the spokesman of the group` or
            // `the al-Nujaba chief`, not `the spokesman's car` (still fine) — skip plurals.
            let before = ctx.doc.tokens[i].span.start;
            let leads = |e: usize| {
                chains[e].role.as_ref().is_some_and(|(_, r)| {
                    let r = r.to_lowercase();
                    ctx.lex.leader_roles.iter().any(|l| r.ends_with(l.as_str()))
                })
            };
            let fits = |e: usize| {
                let c = &chains[e];
                match org {
                    Some(o) => c.affiliation == Some(o),
                    None => c
                        .role
                        .as_ref()
                        .is_some_and(|(_, r)| r.to_lowercase().ends_with(&head)),
                }
            };
            let upto = names.partition_point(|n| n.span.end <= before);
            let mut earlier = names[..upto]
                .iter()
                .rev()
                .take(SHORT_FORM_WINDOW)
                .filter(|n| n.ty == EntityType::Person)
                .map(|n| n.entity)
                .filter(|&e| fits(e));
            // `the group's chief` prefers its leader to its spokesman, however recent.
            let candidate = if ctx.lex.leader_roles.contains(&head) {
                let all: Vec<usize> = earlier.collect();
                all.iter()
                    .copied()
                    .find(|&e| leads(e))
                    .or(all.first().copied())
            } else {
                earlier.next()
            };
            if let Some(e) = candidate {
                out.push((e, ctx.span(i..k + 1)));
            }
        }
    }
    out
}

fn finish(
    ctx: &Ctx<'_>,
    names: &[Name],
    chains: &[Chain],
    descriptions: Vec<(usize, Span)>,
    version: &str,
) -> Vec<Entity> {
    let lex = ctx.lex;
    let mut entities: Vec<Entity> = Vec::with_capacity(chains.len());
    let mut hits: Vec<Option<&DictHit>> = Vec::with_capacity(chains.len());
    for chain in chains {
        let members: Vec<&Name> = chain.names.iter().map(|&i| &names[i]).collect();
        // Type: the majority of the recogniser's votes, then what the dictionary implies.
        // A mention a place noun calls a place (`the Hamdaniya district`, `the town of Tal
        // Afar`) votes for a place whatever the recogniser said of it, unless it read a
        // demonym or a description (`Syrian state media`, `West African region`).
        let vote = |m: &Name| match m.ty {
            EntityType::Org | EntityType::Person if named_as_place(ctx, m.toks.clone()) => {
                EntityType::Loc
            }
            ty => ty,
        };
        let mut votes: Vec<(EntityType, usize)> = Vec::new();
        for m in &members {
            let ty = vote(m);
            match votes.iter_mut().find(|(t, _)| *t == ty) {
                Some(v) => v.1 += 1,
                None => votes.push((ty, 1)),
            }
        }
        let mut ty = votes
            .iter()
            .max_by_key(|(_, n)| *n)
            .map_or(EntityType::Misc, |v| v.0);
        if let Some(top) = votes.first() {
            if votes.iter().filter(|v| v.1 == top.1).count() > 1 {
                ty = vote(members[0]);
            }
        }
        // The dictionary entry: from the highest layer that knows any of the names (a user's
        // layer overrides ours), then the longest full name.
        let hit_by = members.iter().filter(|m| m.dict.is_some()).max_by_key(|m| {
            (
                m.dict.as_ref().map_or(0, |h| h.rank),
                m.kind == MentionKind::Name,
                m.toks.len(),
                std::cmp::Reverse(m.span.start),
            )
        });
        let hit = hit_by.and_then(|m| m.dict.as_ref());
        if let (Some(h), Some(by)) = (hit, hit_by) {
            ty = match (ty, type_of_code(ctx, h, by.toks.clone())) {
                (EntityType::Norp, Implied::Sure(EntityType::Loc)) => EntityType::Norp,
                (_, Implied::Sure(EntityType::Norp)) if ty != EntityType::Loc => EntityType::Norp,
                (_, Implied::Sure(EntityType::Norp)) => EntityType::Loc,
                (EntityType::Person | EntityType::Org, Implied::Leans(_)) => ty,
                // A place the text uses as an organisation (`Chicago` the team, `Iraq` the
                // state acting): the recogniser read the context, the dictionary did not.
                (EntityType::Org, Implied::Sure(EntityType::Loc)) => ty,
                (_, implied) => implied.ty(),
            };
        }
        // Canonical: the longest full name; a person's without honorifics; the dictionary's
        // name when the text gives only acronyms or one-word aliases.
        let full = members
            .iter()
            .filter(|m| m.kind == MentionKind::Name)
            .max_by_key(|m| (m.core.len(), std::cmp::Reverse(m.span.start)));
        // A demonym's entity is named as written (`Iraqi`), not after its country.
        let as_written = ty == EntityType::Norp;
        let own_place = as_written
            || members[0].kind != MentionKind::Capital
                && hit.is_some_and(|h| is_place_alias(ctx, members[0], h));
        let canonical = match (full, hit) {
            (Some(f), _) if f.toks.len() > 1 || own_place => canonical_text(ctx, f, ty),
            // `The European Union` in the dictionary; the name without the
            // article, as news writes it (`the EU`, `the European Union`).
            (_, Some(h)) => match h.entry.strip_prefix("The ") {
                Some(rest) if !rest.is_empty() => rest.to_string(),
                _ => h.entry.clone(),
            },
            (Some(f), None) => canonical_text(ctx, f, ty),
            (None, None) => ctx.text(members[0].toks.clone()).to_string(),
        };
        let mut mentions: Vec<Mention> = members
            .iter()
            .map(|m| Mention {
                span: m.span,
                kind: m.kind,
            })
            .collect();
        mentions.sort_by_key(|m| m.span);
        hits.push(hit);
        entities.push(Entity {
            canonical,
            entity_type: ty,
            kind: None,
            country: None,
            mentions,
            actor_code: None,
            code_source: None,
            role: chain.role.as_ref().map(|(_, r)| r.clone()),
            affiliation: chain.affiliation.map(|a| a as u32),
            version: version.to_string(),
        });
    }
    for (e, span) in descriptions {
        if !entities[e].mentions.iter().any(|m| m.span == span) {
            entities[e].mentions.push(Mention {
                span,
                kind: MentionKind::Description,
            });
            entities[e].mentions.sort_by_key(|m| m.span);
        }
    }
    // Codes: dictionary entries first, then organisations and places by rule, then people
    // (who take their affiliation's code).
    for (i, e) in entities.iter_mut().enumerate() {
        if let Some(h) = hits[i] {
            e.actor_code = Some(h.code.clone());
            e.code_source = Some(CodeSource {
                layer: h.layer.clone(),
                entry: h.entry.clone(),
            });
            e.country = lex.country_of(&h.code);
            if e.entity_type == EntityType::Org {
                e.kind = h.category.clone().or_else(|| {
                    lex.sector_of(&h.code)
                        .and_then(|s| lex.sector_kinds.get(s))
                        .cloned()
                });
            }
            if e.entity_type == EntityType::Loc && h.code.len() == 3 {
                e.kind = Some("GPE".into());
            }
        }
    }
    let ends = by_end(names);
    for i in 0..entities.len() {
        if entities[i].entity_type != EntityType::Org || entities[i].actor_code.is_some() {
            continue;
        }
        let members: Vec<&Name> = chains[i].names.iter().map(|&k| &names[k]).collect();
        let kind = org_kind(ctx, &members);
        let country = members
            .iter()
            .find_map(|m| country_before(ctx, names, &ends, &entities, m));
        let sector = kind.as_ref().and_then(|k| lex.kind_sectors.get(k)).cloned();
        let code: String = [country.clone(), sector].into_iter().flatten().collect();
        let e = &mut entities[i];
        e.kind = kind;
        e.country = country;
        if !code.is_empty() {
            e.actor_code = Some(code);
            e.code_source = Some(CodeSource {
                layer: "rule".into(),
                entry: "organisation kind and country from the text".into(),
            });
        }
    }
    for i in 0..entities.len() {
        if entities[i].entity_type != EntityType::Person || entities[i].actor_code.is_some() {
            continue;
        }
        let Some(a) = entities[i].affiliation.map(|a| a as usize) else {
            continue;
        };
        let Some(aff_code) = entities[a].actor_code.clone() else {
            continue;
        };
        let role_sector = entities[i]
            .role
            .as_deref()
            .and_then(|r| role_sector(lex, r))
            .unwrap_or_default();
        let code = match (lex.country_of(&aff_code), entities[a].entity_type) {
            // A country's official: the country plus the role's sector (GOV by default).
            (Some(c), EntityType::Loc) => {
                format!(
                    "{c}{}",
                    if role_sector.is_empty() {
                        "GOV"
                    } else {
                        &role_sector
                    }
                )
            }
            // Someone speaking for an organisation takes its code.
            _ => aff_code.clone(),
        };
        let entry = format!(
            "{} of {}",
            entities[i].role.as_deref().unwrap_or("member"),
            entities[a].canonical
        );
        let e = &mut entities[i];
        e.country = lex.country_of(&code);
        e.actor_code = Some(code);
        e.code_source = Some(CodeSource {
            layer: "rule".into(),
            entry,
        });
    }
    // Order by first mention; affiliations follow the permutation.
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by_key(|&i| entities[i].first_span());
    let mut new_index = vec![0u32; entities.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new as u32;
    }
    let mut slots: Vec<Option<Entity>> = entities.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&old| slots[old].take())
        .map(|mut e| {
            e.affiliation = e.affiliation.map(|a| new_index[a as usize]);
            e
        })
        .collect()
}

fn canonical_text(ctx: &Ctx<'_>, n: &Name, ty: EntityType) -> String {
    let mut start = n.toks.start;
    while start + 1 < n.toks.end
        && (ctx.lower(start) == "the"
            || ty == EntityType::Person
                && ctx
                    .lex
                    .honorifics
                    .contains(ctx.lower(start).trim_end_matches('.')))
    {
        start += 1;
    }
    ctx.text(start..n.toks.end).to_string()
}

fn role_sector(lex: &Lexicon, role: &str) -> Option<String> {
    let lower = role.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let last = *words.last()?;
    if words.len() >= 2 {
        let two = format!("{} {last}", words[words.len() - 2]);
        if let Some(s) = lex.roles.get(&two) {
            return Some(s.clone());
        }
    }
    lex.roles.get(last).cloned()
}

/// An organisation's kind from its own head word or the noun after it.
fn org_kind(ctx: &Ctx<'_>, members: &[&Name]) -> Option<String> {
    for m in members {
        if let Some(after) = ctx
            .doc
            .tokens
            .get(m.toks.end)
            .map(|_| ctx.lower(m.toks.end))
        {
            if let Some(k) = ctx.lex.org_descriptors.get(&after) {
                return Some(k.clone());
            }
        }
    }
    for m in members.iter().filter(|m| m.kind == MentionKind::Name) {
        let n = m.core.len();
        if n >= 2 {
            let two = format!("{} {}", m.core[n - 2], m.core[n - 1]);
            if let Some(k) = ctx.lex.org_heads.get(&two) {
                return Some(k.clone());
            }
        }
        if let Some(k) = m.core.last().and_then(|w| ctx.lex.org_heads.get(w)) {
            return Some(k.clone());
        }
    }
    None
}

/// `Iraq's anti-terror X`, `Iraqi X`: the country written before an organisation.
fn country_before(
    ctx: &Ctx<'_>,
    names: &[Name],
    ends: &HashMap<usize, usize>,
    entities: &[Entity],
    m: &Name,
) -> Option<String> {
    let mut k = m.toks.start;
    // Lower-case modifiers between the country and the name (`anti-terror`).
    let mut skipped = 0;
    while k > 0
        && skipped < 3
        && ctx
            .tok(k - 1)
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    {
        if matches!(
            ctx.tok(k - 1),
            "the" | "a" | "an" | "of" | "and" | "by" | "in"
        ) {
            return None;
        }
        k -= 1;
        skipped += 1;
    }
    if k > 0 && ctx.is_possessive(k - 1) {
        k -= 1;
    }
    let prev = &names[*ends.get(&k)?];
    if !matches!(prev.ty, EntityType::Loc | EntityType::Norp) {
        return None;
    }
    let e = prev.entity;
    entities
        .get(e)
        .and_then(|e| e.country.clone())
        .or_else(|| prev.dict.as_ref().and_then(|h| ctx.lex.country_of(&h.code)))
}
