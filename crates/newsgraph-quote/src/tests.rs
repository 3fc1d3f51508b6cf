//! Unit tests over short invented texts, segmented (and, where the test
//! says so, tagged and parsed by the shipped models).

use super::*;
use newsgraph_core::{Entity, EntityType, Mention, MentionKind, Quote, QuoteKind, Span};
use proptest::prelude::*;

fn stage() -> Quotes {
    Quotes::embedded().unwrap()
}

fn segmented(text: &str) -> Document {
    let mut doc = Document::from_text(text);
    newsgraph_segment::SegmenterBuilder::new()
        .build()
        .run(&mut doc);
    doc
}

fn parsed(text: &str) -> Document {
    let mut doc = segmented(text);
    for s in newsgraph_pipeline::syntax_stages() {
        s.run(&mut doc);
    }
    doc
}

/// (kind, content, speaker, cue) of every quote.
fn quotes(doc: &mut Document) -> Vec<(QuoteKind, String, String, String)> {
    stage().run(doc);
    assert_eq!(doc.check(), Ok(()));
    let s = |x: Option<Span>| x.map_or(String::new(), |x| doc.slice(x).to_string());
    doc.quotes
        .iter()
        .map(|q| {
            (
                q.kind,
                doc.slice(q.content).to_string(),
                s(q.speaker),
                s(q.cue),
            )
        })
        .collect()
}

fn both(text: &str) -> [Vec<(QuoteKind, String, String, String)>; 2] {
    [quotes(&mut segmented(text)), quotes(&mut parsed(text))]
}

fn q(kind: QuoteKind, c: &str, s: &str, cue: &str) -> (QuoteKind, String, String, String) {
    (kind, c.into(), s.into(), cue.into())
}

#[test]
fn direct_quote_with_attribution_after() {
    for got in both("“We will win the vote,” the minister said on Monday.") {
        assert_eq!(
            got,
            vec![q(
                QuoteKind::Direct,
                "We will win the vote,",
                "the minister",
                "said"
            )]
        );
    }
}

#[test]
fn direct_quote_with_inverted_attribution() {
    for got in both("\"The bridge is closed,\" said Maria Lopez, a city engineer.") {
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, QuoteKind::Direct);
        assert_eq!(got[0].1, "The bridge is closed,");
        assert!(got[0].2.starts_with("Maria Lopez"), "{got:?}");
        assert_eq!(got[0].3, "said");
    }
}

#[test]
fn guillemets_and_low_nine_marks() {
    for text in [
        "«Nous restons ici,» the mayor told reporters.",
        "„Wir bleiben hier,“ the mayor told reporters.",
    ] {
        for got in both(text) {
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].3, "told");
            assert_eq!(got[0].2, "the mayor");
        }
    }
}

#[test]
fn multi_paragraph_quote_is_one_quote() {
    let text = "The governor spoke for an hour. She said:\n\n\
                “The river rose faster than anyone expected. We moved the families first.\n\n\
                “Now we rebuild, street by street.”\n\nThe meeting ended at noon.";
    for got in both(text) {
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.starts_with("The river rose"));
        assert!(got[0].1.ends_with("street by street."));
        assert_eq!(got[0].0, QuoteKind::Direct);
        assert_eq!(got[0].3, "said");
    }
}

#[test]
fn interrupted_quote_is_one_quote() {
    let text = "“We will stay,” the farmer said, “and we will plant again next spring.”";
    for got in both(text) {
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.starts_with("We will stay"));
        assert!(got[0].1.ends_with("next spring."));
        assert_eq!(got[0].2, "the farmer");
    }
}

#[test]
fn an_interrupted_quote_keeps_its_parts_without_the_attribution() {
    for text in [
        "“We will stay,” the farmer said, “and we will plant again next spring.”",
        "The fields flooded twice. \"We will stay,\" Tomas Varga, a farmer near the river, \
         said. \"We will plant again next spring.\"",
    ] {
        for mut doc in [segmented(text), parsed(text)] {
            stage().run(&mut doc);
            assert_eq!(doc.quotes.len(), 1, "{text}");
            let q = &doc.quotes[0];
            let parts: Vec<&str> = q.parts.iter().map(|&p| doc.slice(p)).collect();
            assert_eq!(parts.len(), 2, "{parts:?}");
            assert!(parts[0].starts_with("We will stay"), "{parts:?}");
            assert!(parts[1].ends_with("next spring."), "{parts:?}");
            // Each part lies in the content, and the words leave out who
            // said them.
            assert!(q.parts.iter().all(|p| q.content.contains(*p)));
            let words = q.words(&doc.text);
            assert!(!words.contains("said") && words.contains(" … "), "{words}");
        }
    }
    // One piece: no parts.
    let mut doc = segmented("“We will stay,” the farmer said.");
    stage().run(&mut doc);
    assert!(doc.quotes[0].parts.is_empty());
}

#[test]
fn parts_from_nested_odd_marks_stay_inside_the_content() {
    // Found by `never_panics_on_quote_soup`: a single-mark region nested in
    // a guillemet one was merged as a second piece lying before the first.
    for mut doc in [segmented("« said ” said «‘”“"), segmented(" said ‘„’\"“")] {
        stage().run(&mut doc);
        assert_eq!(doc.check(), Ok(()));
    }
}

#[test]
fn unbalanced_mark_stops_at_the_end_of_its_line() {
    let text = "“The water is unsafe to drink, the health officer said on Friday.\n\n\
                Schools in the district will stay closed. Buses will run as usual.\n\n\
                Residents were told to boil water.";
    let mut doc = segmented(text);
    stage().run(&mut doc);
    for qt in &doc.quotes {
        assert!(!doc.slice(qt.content).contains("Schools"), "runaway quote");
    }
    assert!(doc
        .diagnostics
        .iter()
        .any(|d| d.code == "unbalanced-quotes"));
}

#[test]
fn scare_quotes_are_not_quotes() {
    for got in both("The so-called \"reform\" passed on Tuesday after a long debate.") {
        assert!(got.is_empty(), "{got:?}");
    }
}

#[test]
fn narrative_said_is_not_a_quote() {
    let got = quotes(&mut parsed(
        "The priest said a prayer for the victims of the flood.",
    ));
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn indirect_speech_from_the_parse() {
    let got = quotes(&mut parsed(
        "The minister said that the border would reopen next week.",
    ));
    assert_eq!(
        got,
        vec![q(
            QuoteKind::Indirect,
            "the border would reopen next week",
            "The minister",
            "said"
        )]
    );
}

#[test]
fn according_to_with_and_without_syntax() {
    for got in both("According to the ministry, the talks had failed by Sunday night.") {
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, QuoteKind::Indirect);
        assert_eq!(got[0].1, "the talks had failed by Sunday night");
        assert_eq!(got[0].2, "the ministry");
        assert_eq!(got[0].3, "According to");
    }
}

#[test]
fn mixed_quote_inside_reported_speech() {
    let got = quotes(&mut parsed(
        "The senator described the new budget plan as \"a betrayal of working families.\"",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, QuoteKind::Mixed);
    assert_eq!(got[0].1, "a betrayal of working families.");
    assert_eq!(got[0].3, "described");
}

#[test]
fn a_mixed_quote_keeps_the_reported_clause_around_its_words() {
    let mut doc = parsed(
        "The mayor said the new stadium would \"ruin the old harbour district for good\" \
         and cost far too much.",
    );
    let got = quotes(&mut doc);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, QuoteKind::Mixed);
    assert_eq!(got[0].1, "ruin the old harbour district for good");
    assert_eq!(
        (got[0].2.as_str(), got[0].3.as_str()),
        ("The mayor", "said")
    );
    let clause = doc.quotes[0].clause.map(|c| doc.slice(c));
    let clause = clause.unwrap_or_default();
    assert!(
        clause.starts_with("the new stadium would") && clause.contains("ruin the old harbour"),
        "{clause:?}"
    );
    // Direct and indirect quotes have none.
    let mut doc = parsed("“We will win the vote,” the minister said on Monday.");
    quotes(&mut doc);
    assert!(doc.quotes.iter().all(|q| q.clause.is_none()));
}

#[test]
fn a_mixed_quote_without_a_reported_clause_takes_the_cues_complements() {
    let mut doc = parsed(
        "The spokesman termed the attacks against the troops as \"a great honor\", saying, \
         “We will fight.”",
    );
    quotes(&mut doc);
    let mixed = doc.quotes.iter().find(|q| q.kind == QuoteKind::Mixed);
    let clause = mixed.and_then(|q| q.clause).map(|c| doc.slice(c));
    assert_eq!(
        clause,
        Some("the attacks against the troops as \"a great honor\""),
        "{:?}",
        doc.quotes
    );
}

#[test]
fn a_clause_starts_after_that_and_says_more_than_the_quoted_words() {
    let mut doc = parsed(
        "He insisted that \"what they were was anti-Tory\" and not in any way hostile to others.",
    );
    quotes(&mut doc);
    let clauses: Vec<&str> = doc
        .quotes
        .iter()
        .filter_map(|q| q.clause)
        .map(|c| doc.slice(c))
        .collect();
    assert!(
        clauses.iter().all(|c| !c.starts_with("that")),
        "{clauses:?}"
    );
    for q in &doc.quotes {
        if let Some(c) = q.clause {
            assert!(
                c.contains(q.content) && c.len() > q.content.len() + 2,
                "{:?}",
                doc.quotes
            );
        }
    }
}

#[test]
fn a_clause_running_into_quoted_sentences_reaches_their_closing_mark() {
    let mut doc = parsed(
        "He pointed out that the government has “built many proxies to pursue its own interests. \
         The fight against them is a duty. The occupation only understands force.”",
    );
    quotes(&mut doc);
    let mixed = doc.quotes.iter().find(|q| q.kind == QuoteKind::Mixed);
    let clause = mixed.and_then(|q| q.clause).map(|c| doc.slice(c));
    let clause = clause.unwrap_or_default();
    assert!(
        clause.starts_with("the government has “built"),
        "{clause:?}"
    );
    assert!(clause.ends_with("only understands force.”"), "{clause:?}");
}

#[test]
fn reported_speech_around_a_mixed_quote_with_its_own_cue_is_kept_too() {
    let got = quotes(&mut parsed(
        "The governor said that his rival once described the trade pact as \"the best deal ever\" \
         during a debate in Ohio.",
    ));
    let kinds: Vec<(QuoteKind, &str)> = got.iter().map(|g| (g.0, g.3.as_str())).collect();
    assert!(kinds.contains(&(QuoteKind::Mixed, "described")), "{got:?}");
    let outer = got.iter().find(|g| g.3 == "said");
    let outer = outer.map_or("", |g| g.1.as_str());
    assert!(outer.contains("his rival once described"), "{got:?}");
}

#[test]
fn a_short_attribution_sentence_with_a_capital_after_a_question() {
    // The segmenter ends the sentence at `?”`; `Smith said.` is the
    // attribution all the same, and the next quote continues it.
    let got = quotes(&mut parsed(
        "Intro\n\n“How many times must we see this in our town?” Smith said. \
         “In Tulsa, a man with his hands up. This is unbearable.”\n",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, QuoteKind::Direct);
    assert!(got[0].1.starts_with("How many times"), "{got:?}");
    assert!(got[0].1.ends_with("This is unbearable."), "{got:?}");
    assert_eq!((got[0].2.as_str(), got[0].3.as_str()), ("Smith", "said"));
    // A sentence with more than the attribution is not taken.
    let got = quotes(&mut parsed(
        "Intro\n\n“Is it over?” Smith said the crowd had left the square by then.\n",
    ));
    assert!(got.iter().all(|g| g.0 != QuoteKind::Direct), "{got:?}");
}

#[test]
fn a_long_description_between_the_name_and_the_cue() {
    let got = quotes(&mut parsed(
        "Intro\n\n“It is an invasion, in our view, of the state’s domain,” Scott Mills, the \
         attorney general of Idaho, one of the states suing the agency, said at an event.\n",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, QuoteKind::Direct);
    assert_eq!(
        (got[0].2.as_str(), got[0].3.as_str()),
        ("Scott Mills", "said")
    );
    // A title before the name is not a name: the speaker keeps the name.
    let got = quotes(&mut parsed(
        "Intro\n\n“We will not stop until the troops leave the country,” Harbor Party \
         spokesman, Tom Okafor, told a local radio station on Thursday.\n",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].2.contains("Tom Okafor"), "{got:?}");
}

#[test]
fn a_quote_after_a_mixed_one_takes_the_attribution_between_them() {
    let got = quotes(&mut parsed(
        "Intro\n\nThe director said the law was worth a look because “most people do not know \
         about that gap,” she said. “We have no context for today if we forget the past.”\n",
    ));
    let last = got
        .last()
        .cloned()
        .unwrap_or_else(|| q(QuoteKind::Indirect, "", "", ""));
    assert_eq!(
        last,
        q(
            QuoteKind::Direct,
            "We have no context for today if we forget the past.",
            "she",
            "said"
        ),
        "{got:?}"
    );
}

#[test]
fn a_participle_cue_after_a_quote_takes_the_speaker_not_the_quoted_words() {
    let got = quotes(&mut parsed(
        "Intro\n\n\"The day that was broken was the day this became personal,\" he said, \
         adding he would never vote for her.\n",
    ));
    assert!(
        got.contains(&q(
            QuoteKind::Indirect,
            "he would never vote for her",
            "he",
            "adding"
        )),
        "{got:?}"
    );
}

#[test]
fn reported_speech_starting_with_quoted_words_keeps_both_marks() {
    let got = quotes(&mut parsed(
        "The governor said that \"a bomb\" had gone off in the city before police confirmed it.",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.starts_with("\"a bomb\" had gone off"), "{got:?}");
}

#[test]
fn a_that_clause_the_parse_hangs_elsewhere_is_still_reported() {
    let got = quotes(&mut parsed(
        "When Clinton noted that Trump has occasionally not paid anything in federal income \
         taxes, Trump boasted, “That makes me smart.”\n\nSeveral experts cautioned, as did the \
         campaign itself, that the tax proposals might well evolve after the election.",
    ));
    let find = |cue: &str| {
        got.iter()
            .find(|g| g.3 == cue)
            .map(|g| (g.1.as_str(), g.2.as_str()))
    };
    assert_eq!(
        find("noted"),
        Some((
            "Trump has occasionally not paid anything in federal income taxes",
            "Clinton"
        )),
        "{got:?}"
    );
    assert_eq!(
        find("cautioned"),
        Some((
            "the tax proposals might well evolve after the election",
            "Several experts"
        )),
        "{got:?}"
    );
}

#[test]
fn a_time_is_never_a_speaker() {
    let got = quotes(&mut parsed(
        "He said the videos were \"inconclusive\" and that the footage released Friday did not \
         show whether he had something in his hand.",
    ));
    assert!(got.iter().all(|g| g.2 != "Friday"), "{got:?}");
}

#[test]
fn colon_attribution_before_the_quote() {
    for got in both("The coach said: “We played badly and we know it.”") {
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, QuoteKind::Direct);
        assert_eq!(got[0].2, "The coach");
    }
}

#[test]
fn addressee_of_told() {
    let mut doc = parsed("“The road is open,” the officer told local radio.");
    stage().run(&mut doc);
    let a = doc.quotes[0].addressee.map(|s| doc.slice(s));
    assert_eq!(a, Some("local radio"));
}

fn entity(text: &str, name: &str, t: EntityType, kinds: &[(usize, MentionKind)]) -> Entity {
    let mentions = kinds
        .iter()
        .map(|&(start, kind)| Mention {
            span: Span::new(
                start,
                start + text[start..].find(' ').unwrap_or(text.len() - start),
            ),
            kind,
        })
        .collect();
    Entity {
        canonical: name.into(),
        entity_type: t,
        kind: None,
        country: None,
        mentions,
        actor_code: None,
        code_source: None,
        role: None,
        affiliation: None,
        version: "test".into(),
    }
}

/// `Rana Haddad` with her full name and her later `Haddad told`, the
/// short form first when `short_first`.
fn rana_haddad(text: &str, short_first: bool) -> Entity {
    let first = text.find("Rana").unwrap();
    let short = text.find("Haddad told").unwrap();
    let mut kinds = [(first, MentionKind::Name), (short, MentionKind::Short)];
    if short_first {
        kinds.reverse();
    }
    let mut e = entity(text, "Rana Haddad", EntityType::Person, &kinds);
    let full = usize::from(short_first);
    e.mentions[full].span = Span::new(first, first + "Rana Haddad".len());
    e
}

#[test]
fn speaker_entities_by_overlap_and_pronoun() {
    let text = "Rana Haddad spoke in Amman. “We need water,” she said. \
                “Prices are rising,” Haddad told reporters.";
    let mut doc = parsed(text);
    doc.entities = vec![rana_haddad(text, false)];
    stage().run(&mut doc);
    assert_eq!(doc.quotes.len(), 2, "{:?}", doc.quotes);
    assert!(doc.quotes.iter().all(|q| q.speaker_entity == Some(0)));
    assert_eq!(doc.check(), Ok(()));
}

#[test]
fn no_entities_no_speaker_entity() {
    let mut doc = parsed("“Enough,” he said.");
    stage().run(&mut doc);
    assert_eq!(doc.quotes.len(), 1);
    assert_eq!(doc.quotes[0].speaker_entity, None);
}

#[test]
fn builder_rejects_a_bad_lexicon_and_stamps_its_version() {
    assert!(QuoteBuilder::new()
        .lexicon_toml("nonsense = [")
        .build()
        .is_err());
    let s = stage();
    assert!(s.version().starts_with(CODE_VERSION));
    assert!(s.version().contains("cues-"));
    let mut doc = segmented("Nothing to see.");
    s.run(&mut doc);
    assert!(doc.stages.iter().any(|st| st.stage == "quote"));
}

#[test]
fn unsegmented_document_gives_a_diagnostic_not_a_panic() {
    let mut doc = Document::from_text("“Hello,” he said.");
    stage().run(&mut doc);
    assert!(doc.quotes.is_empty());
}

fn quotey() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "“",
        "”",
        "\"",
        "‘",
        "’",
        "'",
        "«",
        "»",
        "„",
        "``",
        "''",
        " said ",
        " told ",
        "he ",
        "according to ",
        ", ",
        ". ",
        ":",
        "\n",
        "\n\n",
        "The minister ",
        "that ",
        "X",
        "é",
        "wrote on Twitter ",
        "she added",
        "!",
        "?",
        " ",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let mut doc = segmented(&s);
        stage().run(&mut doc);
        prop_assert_eq!(doc.check(), Ok(()));
    }

    #[test]
    fn never_panics_on_quote_soup(s in quotey()) {
        let mut doc = segmented(&s);
        stage().run(&mut doc);
        prop_assert_eq!(doc.check(), Ok(()));
        for q in &doc.quotes {
            prop_assert!(!q.content.is_empty());
            prop_assert!(q.paragraphs.0 <= q.paragraphs.1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn never_panics_with_syntax(s in quotey()) {
        let mut doc = parsed(&s);
        stage().run(&mut doc);
        prop_assert_eq!(doc.check(), Ok(()));
    }
}

/// The choice among candidates as it was before it was indexed: every
/// candidate checked against every kept one, and every candidate clause
/// looked at for every mixed quote (quadratic, but plainly right). The
/// pieces the two share (`nests`, `overlap`, `clause_of`) are the stage's.
fn choose_by_pairs(mut cands: Vec<(Quote, u8)>) -> Vec<Quote> {
    use extract::{clause_of, crossed, nests, overlap, PRIORITY_MARKS, PRIORITY_PARSE};
    let clauses: Vec<(Span, Option<Span>)> = cands
        .iter()
        .filter(|(q, p)| *p >= PRIORITY_PARSE && q.parts.is_empty())
        .map(|(q, _)| (q.content, q.cue))
        .collect();
    cands.sort_by_key(|(q, p)| (*p, std::cmp::Reverse(q.content.len()), q.content.start));
    let mut kept: Vec<(Quote, u8)> = Vec::new();
    for (q, p) in cands {
        let same_cue_crossed = kept
            .iter()
            .any(|(k, _)| k.cue.is_some() && k.cue == q.cue && crossed(k, &q));
        if same_cue_crossed {
            continue;
        }
        let clash = kept.iter().any(|(k, kp)| {
            let inter = overlap(k.content, q.content);
            !nests(&q, p, k)
                && inter > 0
                && (*kp <= PRIORITY_MARKS || inter * 2 >= q.content.len().min(k.content.len()))
        });
        if !clash {
            kept.push((q, p));
        }
    }
    for (q, p) in &mut kept {
        let Some(cue) = q.cue.filter(|_| *p == PRIORITY_MARKS) else {
            continue;
        };
        let same_cue: Vec<Span> = clauses
            .iter()
            .filter(|(_, c)| *c == Some(cue))
            .map(|(s, _)| *s)
            .collect();
        if let Some(c) = clause_of(q, &same_cue) {
            q.clause = Some(c);
        }
    }
    let mut kept: Vec<Quote> = kept.into_iter().map(|(q, _)| q).collect();
    kept.sort_by_key(|q| (q.content.start, q.content.end));
    kept
}

fn candidate() -> impl Strategy<Value = (Quote, u8)> {
    (
        0usize..300,
        0usize..80,
        0u8..5,
        0usize..3,
        prop::option::of((0usize..300, 1usize..4)),
        prop::option::of((0usize..300, 1usize..20)),
    )
        .prop_map(|(start, len, priority, kind, cue, speaker)| {
            let kind = [QuoteKind::Direct, QuoteKind::Mixed, QuoteKind::Indirect][kind];
            let quote = Quote {
                kind,
                content: Span::new(start, start + len),
                parts: Vec::new(),
                clause: None,
                cue: cue.map(|(s, l)| Span::new(s, s + l)),
                speaker: speaker.map(|(s, l)| Span::new(s, s + l)),
                speaker_entity: None,
                addressee: None,
                addressee_entity: None,
                paragraphs: (0, 0),
                version: String::new(),
            };
            (quote, priority)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Regression (issue 7, quote soup): the indexed choice keeps exactly
    /// what checking every pair kept, and gives mixed quotes the same clauses.
    #[test]
    fn the_indexed_choice_keeps_what_checking_every_pair_kept(
        cands in prop::collection::vec(candidate(), 0..40)
    ) {
        prop_assert_eq!(extract::choose(cands.clone()), choose_by_pairs(cands));
    }
}

#[test]
fn backtick_and_two_apostrophe_marks() {
    for text in [
        "``The figures speak for themselves,'' the auditor told the committee.",
        "''The figures speak for themselves,'' the auditor told the committee.",
    ] {
        for got in both(text) {
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].1, "The figures speak for themselves,");
        }
    }
}

#[test]
fn missing_closing_mark_ends_at_the_attribution() {
    let text = "\"This quote is never closed, the spokesman said after the meeting.\n\n\
                The next paragraph has no marks at all.";
    for got in both(text) {
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "This quote is never closed");
        assert_eq!(got[0].2, "the spokesman");
    }
}

#[test]
fn a_signature_on_the_line_above_does_not_make_the_next_quote_mixed() {
    let text = "Voices\n\n“Prices keep rising and nobody listens to us.” ― Maria Lopez\n\
                “The buses never come on time.” ― Tom Okafor\n";
    for got in both(text) {
        let kinds: Vec<QuoteKind> = got.iter().map(|g| g.0).collect();
        assert_eq!(kinds, vec![QuoteKind::Direct, QuoteKind::Direct], "{got:?}");
        assert_eq!(got[1].2, "Tom Okafor", "{got:?}");
    }
}

#[test]
fn dash_signature_after_the_quote_names_the_speaker() {
    let text = "Voices\n\n“Prices keep rising and nobody listens to us.” ― Maria Lopez\n\n\
                “The buses never come on time.” — Tom Okafor (@tokafor)\n";
    for got in both(text) {
        assert_eq!(
            got,
            vec![
                q(
                    QuoteKind::Direct,
                    "Prices keep rising and nobody listens to us.",
                    "Maria Lopez",
                    "―"
                ),
                q(
                    QuoteKind::Direct,
                    "The buses never come on time.",
                    "Tom Okafor",
                    "—"
                ),
            ]
        );
    }
}

#[test]
fn transcript_speaker_labels_attribute_whole_paragraphs() {
    // Each turn opens a quotation that the next paragraph repeats: the
    // labels, not the marks, say who speaks.
    let text =
        "Partial transcript:\n\n\"HOST: Let us start with the news on the budget tonight.\n\n\
                \"SENATOR: Yes, and the committee will vote on it next week.\n";
    for got in both(text) {
        assert_eq!(
            got,
            vec![
                q(
                    QuoteKind::Direct,
                    "Let us start with the news on the budget tonight.",
                    "HOST",
                    ":"
                ),
                q(
                    QuoteKind::Direct,
                    "Yes, and the committee will vote on it next week.",
                    "SENATOR",
                    ":"
                ),
            ]
        );
    }
}

#[test]
fn lone_capitals_label_and_photo_label_are_not_speakers() {
    // A dateline with a colon, and labels from the stoplist.
    let text = "BEIRUT: Heavy rain flooded the southern suburbs on Monday night.\n\n\
                Photo: Rescue workers search the rubble of the old market.\n\n\
                UPDATE: The road to the airport has been reopened to traffic.\n";
    for got in both(text) {
        assert!(got.is_empty(), "{got:?}");
    }
}

#[test]
fn punctuation_alone_is_no_speaker_label() {
    // Regression: a label of dots or dashes only counted as one in capitals.
    let text = "Notes\n\n- : the meeting starts at noon on Friday in the hall.\n\n\
                - : the meeting ends at six in the evening after the vote.\n";
    for got in both(text) {
        assert!(got.is_empty(), "{got:?}");
    }
}

/// A lexicon without cues: only the learned model can attribute.
const EMPTY_LEXICON: &str = r#"
version = "cues-none"
speech = []
belief = []
direct_only = []
irregular = []
phrases = []
addressee_verbs = []
channels = []
"#;

/// Invented training articles: `<source> <cue> that <content>.` with the
/// gold spans of each part.
fn invented_corpus() -> Vec<(Document, Vec<GoldAttribution>)> {
    let sources = [
        "The mayor",
        "Officials",
        "The company",
        "A spokeswoman",
        "Residents",
    ];
    let cues = ["insisted", "maintained", "contended", "alleged"];
    let contents = [
        "the bridge was safe",
        "the vote had been rigged",
        "prices would fall next year",
        "the police had arrived late",
    ];
    let mut out = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let mut text = String::new();
        let mut gold = Vec::new();
        for (j, c) in cues.iter().enumerate() {
            let content = contents[(i + j) % contents.len()];
            let start = text.len();
            text.push_str(&format!("{s} {c} that {content}. "));
            let span = |off: usize, len: usize| Span::new(start + off, start + off + len);
            gold.push(GoldAttribution {
                source: vec![span(0, s.len())],
                cue: vec![span(s.len() + 1, c.len())],
                content: vec![span(s.len() + c.len() + 7, content.len())],
            });
            text.push_str("The weather was mild and the streets were quiet. ");
        }
        out.push((parsed(&text), gold));
    }
    out
}

#[test]
fn attribution_model_learns_cues_deterministically_and_round_trips() {
    let docs = invented_corpus();
    let lex = Lexicon::from_toml(EMPTY_LEXICON).unwrap();
    let opts = AttributionTrainOptions::default();
    let (bytes, report) = train_attributions(&docs, &lex, &opts, |_, _, _| {});
    assert_eq!(report.documents, 5);
    assert_eq!(report.attributions, 20);
    assert_eq!(report.unaligned_cues, 0);
    let (again, _) = train_attributions(&docs, &lex, &opts, |_, _, _| {});
    assert_eq!(bytes, again, "training is deterministic");
    let model = AttributionModel::from_bytes(&bytes).unwrap();
    assert!(model.stamp().starts_with("attribution-"));
    // Rules alone (empty lexicon) find nothing; with the model, the cue it
    // learned attributes a new sentence.
    let text = "The minister insisted that the talks would resume. The weather was mild.";
    let rules = QuoteBuilder::new()
        .lexicon_toml(EMPTY_LEXICON)
        .attribution_model(None)
        .build()
        .unwrap();
    let mut doc = parsed(text);
    rules.run(&mut doc);
    assert!(doc.quotes.is_empty(), "{:?}", doc.quotes);
    let learned = QuoteBuilder::new()
        .lexicon_toml(EMPTY_LEXICON)
        .attribution_model(Some(Arc::new(model)))
        .build()
        .unwrap();
    assert!(learned.version().contains("+attribution-"));
    let mut doc = parsed(text);
    learned.run(&mut doc);
    let got: Vec<(String, String, String)> = doc
        .quotes
        .iter()
        .map(|q| {
            let s = |x: Option<Span>| x.map_or(String::new(), |x| doc.slice(x).to_string());
            (doc.slice(q.content).to_string(), s(q.speaker), s(q.cue))
        })
        .collect();
    assert_eq!(
        got,
        vec![(
            "the talks would resume".to_string(),
            "The minister".to_string(),
            "insisted".to_string()
        )]
    );
}

#[test]
fn attribution_model_rejects_bad_files() {
    assert!(AttributionModel::from_bytes(b"").is_err());
    assert!(AttributionModel::from_bytes(b"NGQA\x01\0\0\0garbage-garbage").is_err());
    let docs = invented_corpus();
    let lex = Lexicon::from_toml(EMPTY_LEXICON).unwrap();
    let (mut bytes, _) = train_attributions(
        &docs,
        &lex,
        &AttributionTrainOptions::default(),
        |_, _, _| {},
    );
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    assert!(matches!(
        AttributionModel::from_bytes(&bytes),
        Err(ModelError::Corrupt { .. })
    ));
}

#[test]
fn shipped_model_attributes_cues_outside_the_lexicon() {
    // `shows` and `downplayed` are in no cue list: the model learned them.
    let text = "A new poll shows the governor leading the race by six points.";
    let got = quotes(&mut parsed(text));
    assert_eq!(
        got,
        vec![q(
            QuoteKind::Indirect,
            "the governor leading the race by six points",
            "A new poll",
            "shows"
        )]
    );
}

#[test]
fn a_reporting_clause_between_commas_splits_an_indirect_quote() {
    // Regression (issue 7): the speaker lay inside the reported clause, so
    // the quote was dropped; it is now kept, read without the aside.
    let mut doc = parsed("The new bridge, the mayor said, would open next spring.");
    let got = quotes(&mut doc);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].2.as_str(), got[0].3.as_str()),
        ("the mayor", "said")
    );
    let parts: Vec<&str> = doc.quotes[0].parts.iter().map(|&p| doc.slice(p)).collect();
    assert_eq!(parts, ["The new bridge", "would open next spring"]);
}

#[test]
fn a_speaker_after_a_final_said_is_the_speaker() {
    // Regression (issue 7): `…, said one source.` parsed with the clause's
    // subject as the cue's subject and the source as its object.
    let mut doc =
        parsed("The talks failed because neither side would move, said a diplomat who attended.");
    assert_eq!(
        quotes(&mut doc),
        vec![q(
            QuoteKind::Indirect,
            "The talks failed because neither side would move",
            "a diplomat who attended",
            "said"
        )]
    );
    // A subject with a relative clause before the cue is no reported clause.
    let mut doc = parsed("The minister, who arrived late, said nothing.");
    let got = quotes(&mut doc);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn one_cue_does_not_report_its_own_speaker() {
    // Regression (issue 7): `…, claimed Mr Brown.` gave two quotes, the
    // second with the clause's subject reporting `Mr Brown`.
    let mut doc = parsed(
        "It was because he had cut taxes that the economy was doing well, claimed Mr Brown.",
    );
    let got = quotes(&mut doc);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, "Mr Brown");
    for a in &doc.quotes {
        for b in &doc.quotes {
            assert!(a.cue != b.cue || !extract::crossed(a, b), "{got:?}");
        }
    }
}

/// The reported clause of the one mixed quote of `text` (parsed).
fn only_mixed_clause(text: &str) -> Option<String> {
    let mut doc = parsed(text);
    quotes(&mut doc);
    let mixed: Vec<&Quote> = doc
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Mixed)
        .collect();
    assert_eq!(mixed.len(), 1, "{:?}", doc.quotes);
    let clause = mixed[0].clause.map(|c| doc.slice(c));
    clause.map(str::to_string)
}

#[test]
fn a_misparsed_one_word_complement_does_not_hide_the_clause() {
    // Regression (issue 7): a title parsed as the cue's clausal complement
    // (`Spokeswoman … said`) stopped the search for the `that` clause.
    let clause = only_mixed_clause(
        "Spokeswoman Maria Sutton said via email that, “Of course the governor is going to \
         defend herself” against what the party sees as a coordinated smear by her rivals.",
    );
    assert!(
        clause
            .as_deref()
            .is_some_and(|c| c.ends_with("a coordinated smear by her rivals")),
        "{clause:?}"
    );
}

/// The quotes of a document whose first line is its headline (as plain
/// text reaches the stage when no title was recognised).
fn headline_quotes(headline: &str) -> Vec<(QuoteKind, String, String, String)> {
    let text = format!("{headline}\n\nThe council met on Tuesday evening in the town hall.\n");
    quotes(&mut parsed(&text))
}

#[test]
fn a_headline_names_its_speaker_before_a_colon_or_a_verb() {
    // Regression (issue 7): headline attributions were never found.
    assert_eq!(
        headline_quotes("Poll: Voters Turn Against the Tax Plan."),
        vec![q(
            QuoteKind::Indirect,
            "Voters Turn Against the Tax Plan",
            "Poll",
            ":"
        )]
    );
    assert_eq!(
        headline_quotes("Mayor Hale Says New Bridge Will Open in Spring"),
        vec![q(
            QuoteKind::Indirect,
            "New Bridge Will Open in Spring",
            "Mayor Hale",
            "Says"
        )]
    );
    assert_eq!(
        headline_quotes("New Bridge Will Open in Spring, Mayor Hale Says"),
        vec![q(
            QuoteKind::Indirect,
            "New Bridge Will Open in Spring",
            "Mayor Hale",
            "Says"
        )]
    );
    assert_eq!(
        headline_quotes("Hale: ‘We Will Build the Bridge.’"),
        vec![q(
            QuoteKind::Direct,
            "We Will Build the Bridge.",
            "Hale",
            ":"
        )]
    );
}

#[test]
fn a_headline_kicker_or_pun_is_no_speaker() {
    for headline in [
        "The Latest: Bridge Will Open in Spring",
        "BREAKING: Bridge Will Open in Spring",
        "Bridges Over Water: The Town Votes on Its New Crossing",
    ] {
        let got = headline_quotes(headline);
        assert!(got.is_empty(), "{headline}: {got:?}");
    }
}

#[test]
fn how_long_someone_spoke_is_not_what_they_said() {
    // Regression (issue 7): the attribution model took `spoke for almost an
    // hour` as reported content.
    let mut doc = parsed(
        "The minister for rural affairs, Joan Marrick, spoke for almost an hour in the packed hall.",
    );
    let got = quotes(&mut doc);
    assert!(got.iter().all(|q| !q.1.contains("hour")), "{got:?}");
}

#[test]
fn a_mixed_quote_a_few_words_after_its_cue_keeps_its_clause() {
    // Regression (issue 7): with the quoted words misparsed (`latest` as a
    // parataxis), the mixed quote had no reported clause.
    let clause = only_mixed_clause(
        "The minister, a member of the council, said Russia's latest \"provocation cannot be \
         left without consequences, especially at the council.\"",
    );
    assert!(
        clause
            .as_deref()
            .is_some_and(|c| c.starts_with("Russia's latest \"provocation")),
        "{clause:?}"
    );
}

#[test]
fn a_final_said_right_after_an_opening_comma_does_not_panic() {
    // Regression (issue 7): the surface `…, said X.` rule took the clause
    // before the comma as ending two tokens before the cue, which underflowed
    // when the comma was the first token.
    for text in [", said the man.", ",, said the man.", "x, said the man."] {
        let mut doc = parsed(text);
        let got = quotes(&mut doc);
        assert!(
            got.iter().all(|q| q.2 != "the man" || !q.1.is_empty()),
            "{got:?}"
        );
    }
}

#[test]
fn resolved_pronoun_speakers_join_the_chain_once_each_and_in_order() {
    let text = "Rana Haddad spoke in Amman. “We need water,” she said. \
                “Prices are rising,” she added. “It is hard,” Haddad told reporters.";
    let mut doc = parsed(text);
    // Mentions out of order: the chain is sorted once a speaker joins it.
    doc.entities = vec![rana_haddad(text, true)];
    stage().run(&mut doc);
    assert_eq!(doc.quotes.len(), 3, "{:?}", doc.quotes);
    assert!(doc.quotes.iter().all(|q| q.speaker_entity == Some(0)));
    let chain: Vec<(&str, MentionKind)> = doc.entities[0]
        .mentions
        .iter()
        .map(|m| (doc.slice(m.span), m.kind))
        .collect();
    assert_eq!(
        chain,
        [
            ("Rana Haddad", MentionKind::Name),
            ("she", MentionKind::Pronoun),
            ("she", MentionKind::Pronoun),
            ("Haddad", MentionKind::Short),
        ]
    );
    // A second run adds nothing: the pronouns are mentions already.
    stage().run(&mut doc);
    assert_eq!(doc.entities[0].mentions.len(), 4);
}
